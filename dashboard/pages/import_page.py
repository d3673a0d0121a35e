"""Importer data (`/import`): upload exports, see what each gave, the history, and undo.

Uploading, undoing and downloading an error list need the admin login; the first two also a
valid CSRF token (Flask-WTF's, sent as a State value, since Dash's callbacks post JSON). Each
file goes through the command line's importer in a limited child process, all files of one
drop within one time budget (web/imports.py); what each report shows is read back from the
store. Nothing the browser sends back is trusted: the error list is built from the store by
batch id, and an undo names the batch it means and is refused unless that batch is still the
latest import in effect.
"""

from __future__ import annotations

import base64
import binascii
import json

import dash
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html

from ..components import page_shell, view_id
from ..data import get_dataset, get_store
from ..i18n import STRINGS, fmt_date, fmt_number, lang_of, t
from ..ingest.messages import count_of
from ..ingest.report import KEPT_PROBLEMS, ImportReport
from ..store.repository import UndoRefused
from ..urls import CLICKS, VIEW, Invalid, Known, Number, Param, Text, href, make_view, path_of
from ..views.provenance import batch_changes
from ..web.auth import check_csrf, csrf_token, is_admin, login_url
from ..web.callback_guard import Each, declare
from ..web.identity import client_address, current_identity
from ..web.imports import import_uploads
from ..web.server import max_request_bytes

PAGE = "import"
UPLOAD = "imp-upload"
GATE = "imp-upload-gate"  # what the size check in the browser lets through to the server
LIMITS = "imp-limits"
STATUS = "imp-status"
RESULTS = "imp-results"
CSRF = "imp-csrf"
HISTORY = "imp-history"
UNDO = "imp-undo"
UNDO_BUTTON = "imp-undo-button"
UNDO_BATCH = "imp-undo-batch"
# Pattern-matching download buttons, {"type": …, "batch": id}: one under a file's report,
# one in the history (two types, so a batch shown in both never gives two equal ids).
ERRORS = "imp-errors"
HISTORY_ERRORS = "imp-history-errors"
ERRORS_DOWNLOAD = "imp-errors-download"
# What a batch changed, per history row: a button that opens a row under it and fills it from
# the store ({"type": …, "batch": id} each, all three).
CHANGES = "imp-changes"
CHANGES_ROW = "imp-changes-row"
CHANGES_BODY = "imp-changes-body"
SHOWN_ERRORS = 200  # per file on screen; the error list has every kept one
HISTORY_ROWS = 50  # the newest batches; the command line's `history` lists them all
MAX_FILES = 20  # per drop: more is not a person dropping exports
MAX_NAME = 255  # a file name, as file systems allow
MAX_BATCH = 10**11 - 1  # batch ids are whole numbers of at most 11 digits
# Long texts wrap in the problem tables (the data tables keep numbers on one line).
WRAP = {"whiteSpace": "normal", "minWidth": "14rem", "overflowWrap": "anywhere"}
NOT_OK = {"rejected", "timeout", "crashed", "not_attempted"}

# In the browser, before anything is sent: an upload larger than the server takes would get
# a bare 413 that Dash shows nowhere, so the page says so itself and sends nothing.
GATE_JS = """
function (contents, names, limits) {
    const none = window.dash_clientside.no_update;
    if (!contents || !limits) { return [none, none]; }
    contents = Array.isArray(contents) ? contents : [contents];
    names = Array.isArray(names) ? names : [names];
    let total = 2048;
    const sizes = [];
    contents.forEach(function (content, i) {
        total += content.length + (names[i] || "").length + 16;
        const bytes = Math.floor((content.length - content.indexOf(",") - 1) * 3 / 4);
        const mb = (bytes / 1048576).toFixed(1).replace(".", limits.decimal);
        sizes.push((names[i] || "?") + " " + mb + " MB");
    });
    if (total > limits.request) {
        return [none, limits.too_big.replace("{sizes}", sizes.join(", "))];
    }
    const files = contents.length === 1 ? limits.one : limits.many.replace("{n}", contents.length);
    return [{contents: contents, filenames: names}, limits.working.replace("{files}", files)];
}
"""


def register(app) -> None:
    dash.register_page(
        __name__,
        path="/import",
        name="Importer data",
        order=9,
        layout=layout,
        title="Importer data – Samskaping i hjemmetjenesten",
    )
    app.clientside_callback(
        GATE_JS,
        Output(GATE, "data"),
        Output(STATUS, "children", allow_duplicate=True),
        Input(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        State(LIMITS, "data"),
        prevent_initial_call=True,
    )
    undo_outputs = (
        Output(UNDO, "message"),
        Output(UNDO_BUTTON, "children"),
        Output(UNDO_BUTTON, "disabled"),
        Output(UNDO_BATCH, "data"),
    )
    app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output(RESULTS, "children"),
        Output(HISTORY, "children"),
        *undo_outputs,
        Input(GATE, "data"),
        State(CSRF, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_upload)
    app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output(HISTORY, "children", allow_duplicate=True),
        *[Output(o.component_id, o.component_property, allow_duplicate=True) for o in undo_outputs],
        Input(UNDO, "submit_n_clicks"),
        State(UNDO_BATCH, "data"),
        State(CSRF, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_undo)
    app.callback(
        Output(ERRORS_DOWNLOAD, "data"),
        Input({"type": ERRORS, "batch": ALL}, "n_clicks"),
        Input({"type": HISTORY_ERRORS, "batch": ALL}, "n_clicks"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_download_errors)
    app.callback(
        Output({"type": CHANGES_ROW, "batch": ALL}, "hidden"),
        Output({"type": CHANGES_BODY, "batch": ALL}, "children"),
        Output({"type": CHANGES, "batch": ALL}, "aria-expanded"),
        Input({"type": CHANGES, "batch": ALL}, "n_clicks"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_changes)
    declare_rules(app, get_store().settings)


# ---------------------------------------------------------------- what the browser may send


class Upload(Param):
    """What the page's size check in the browser hands to the server: `{"contents": [data
    URLs], "filenames": [names]}`, one to MAX_FILES of each and as many of one as of the
    other. How large it may be is the request limit's business (`declare(max_bytes=…)`)."""

    def parse(self, raw, known):
        return upload_files(raw)

    def check(self, value, known):
        if not isinstance(value, dict) or set(value) != {"contents", "filenames"}:
            raise Invalid("an upload is a record of contents and file names")
        contents, names = value["contents"], value["filenames"]
        if not isinstance(contents, list) or not isinstance(names, list):
            raise Invalid("contents and file names must be lists")
        if not 0 < len(contents) <= MAX_FILES or len(contents) != len(names):
            raise Invalid(f"one to {MAX_FILES} files, each with its name")
        if not all(isinstance(c, str) and c.startswith("data:") for c in contents):
            raise Invalid("every content must be a data URL")
        if not all(isinstance(n, str) and len(n) <= MAX_NAME for n in names):
            raise Invalid(f"every file name must be text of at most {MAX_NAME} characters")


UPLOAD_RULE = Upload()
BATCH = Number(1, MAX_BATCH)
TOKEN = Text(200)  # Flask-WTF's signed token is about 90 characters


def declare_rules(app, settings) -> None:
    """The guard's rules for every input and state of this page's callbacks."""
    declare(
        app,
        (GATE, "data", UPLOAD_RULE),
        max_bytes=max_request_bytes(settings),
    )
    declare(
        app,
        (CSRF, "data", TOKEN),
        (view_id(PAGE), "data", VIEW),
        (UNDO, "submit_n_clicks", CLICKS),
        (UNDO_BATCH, "data", BATCH),
        (
            {"type": ERRORS, "batch": ALL},
            "n_clicks",
            Each(CLICKS, {"batch": BATCH}, max_items=MAX_FILES),
        ),
        (
            {"type": HISTORY_ERRORS, "batch": ALL},
            "n_clicks",
            Each(CLICKS, {"batch": BATCH}, max_items=HISTORY_ROWS),
        ),
        (
            {"type": CHANGES, "batch": ALL},
            "n_clicks",
            Each(CLICKS, {"batch": BATCH}, max_items=HISTORY_ROWS),
        ),
    )


# ---------------------------------------------------------------- pure parts


def decode_upload(content: str) -> bytes:
    """dcc.Upload's data URL ("data:...;base64,AAAA") to bytes."""
    _, _, payload = str(content).partition(",")
    return base64.b64decode(payload, validate=True)


def upload_files(gated) -> list[tuple[str, bytes | None]] | None:
    """The (name, bytes) pairs of a drop as the browser sent them, or None when the data is
    not what the page sends: a list of data URLs and a list of names of the same length."""
    try:
        UPLOAD_RULE.check(gated, Known())
    except Invalid:
        return None
    files = []
    for content, name in zip(gated["contents"], gated["filenames"], strict=True):
        try:
            files.append((name, decode_upload(content)))
        except (binascii.Error, ValueError):
            files.append((name, None))
    return files


def batch_id_of(value) -> int | None:
    """A batch id from the browser: a positive whole number, or None."""
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        value = int(value)
    try:
        BATCH.check(value, Known())
    except Invalid:
        return None
    return value


def _table(
    caption: str, headers: list[str], rows: list[list], class_name: str = "data-table text-table"
):
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([row if isinstance(row, html.Tr) else html.Tr(row) for row in rows]),
        ],
        className=class_name,
    )


def _cells(values: list, wrap: frozenset[int] = frozenset()) -> list:
    return [html.Td(v, style=WRAP) if i in wrap else html.Td(v) for i, v in enumerate(values)]


def _scroll(table, label: str) -> html.Div:
    """A wide table in a region that keyboard users can scroll (it takes focus)."""
    return html.Div(
        table, className="table-scroll", tabIndex="0", role="region", **{"aria-label": label}
    )


def _download_button(batch_id: int, file: str, lang: str, short: bool = False) -> html.Button:
    label = t("imp_download_errors_of", lang, batch=batch_id, file=file)
    return html.Button(
        t("imp_download_short" if short else "imp_download_errors", lang),
        id={"type": HISTORY_ERRORS if short else ERRORS, "batch": batch_id},
        className="button",
        title=label,
        **{"aria-label": label},
    )


def report_view(report: ImportReport, lang: str, admin: bool = True) -> html.Article:
    outcome = t(f"imp_outcome_{report.outcome}", lang)
    css = "rejected" if report.outcome in NOT_OK else report.outcome
    parts: list = [html.H3([report.file, " – ", html.Span(outcome, className=f"outcome-{css}")])]
    sheets = [
        _cells(
            [
                s.name,
                s.title or t("imp_not_recognised", lang),
                fmt_number(s.rows, lang) if s.kind else "–",
                fmt_number(s.skipped, lang) if s.kind else "–",
                (f"{min(s.years)}–{max(s.years)}" if len(s.years) > 1 else str(s.years[0]))
                if s.years
                else "–",
                fmt_number(len(s.zones), lang) if s.zones else "–",
            ]
        )
        for s in report.sheets
    ]
    if sheets:
        parts.append(
            _table(
                t("imp_sheets_caption", lang, name=report.file),
                [
                    t(k, lang)
                    for k in (
                        "imp_col_sheet",
                        "imp_col_kind",
                        "imp_col_rows",
                        "imp_col_skipped",
                        "imp_col_years",
                        "imp_col_zones",
                    )
                ],
                sheets,
            )
        )
    total = report.error_count
    if report.errors:
        rows = [_cells(_problem_row(p, lang), frozenset({4, 5})) for p in report.errors]
        rows = rows[:SHOWN_ERRORS]
        caption = t("imp_errors_caption", lang, name=report.file)
        parts.append(_scroll(_table(caption, _problem_headers(lang), rows), caption))
        if total > len(rows):
            parts.append(html.P(t("imp_more_errors", lang, n=fmt_number(total - len(rows), lang))))
        if total > KEPT_PROBLEMS:
            parts.append(
                html.P(
                    t(
                        "imp_more_than_kept",
                        lang,
                        kept=fmt_number(KEPT_PROBLEMS, lang),
                        total=fmt_number(total, lang),
                    )
                )
            )
        if admin and report.batch_id:
            parts.append(_download_button(report.batch_id, report.file, lang))
    notes = report.warnings + report.skipped
    if notes:
        noted = report.counts.get("warning", 0) + report.counts.get("skipped", 0)
        parts.append(
            html.Details(
                [
                    html.Summary(f"{t('imp_warnings_caption', lang)} ({fmt_number(noted, lang)})"),
                    html.Ul([html.Li(p.text(lang)) for p in notes[:SHOWN_ERRORS]]),
                ]
            )
        )
    return html.Article(parts, className=f"import-report import-{report.outcome}")


def _problem_headers(lang: str) -> list[str]:
    keys = (
        "imp_col_sheet",
        "imp_col_cell",
        "imp_col_column",
        "imp_col_value",
        "imp_col_problem",
        "imp_col_expected",
    )
    return [t(k, lang) for k in keys]


def _problem_row(problem, lang: str) -> list[str]:
    cell = problem.cell or (str(problem.row) if problem.row else "")
    return [
        problem.sheet or "",
        cell,
        problem.column or "",
        problem.value or "",
        problem.message(lang),
        problem.expected(lang) or "",
    ]


def errors_frame(reports: list[ImportReport], lang: str) -> pd.DataFrame:
    headers = [t("imp_col_file", lang), *_problem_headers(lang)]
    rows = [[r.file, *_problem_row(p, lang)] for r in reports for p in r.errors]
    return pd.DataFrame(rows, columns=headers)


def status_text(reports: list[ImportReport], lang: str) -> str:
    done = sum(1 for r in reports if r.ok)
    timeout = sum(1 for r in reports if r.outcome == "timeout")
    skipped = sum(1 for r in reports if r.outcome == "not_attempted")
    rejected = len(reports) - done - timeout - skipped
    text = t(
        "imp_status",
        lang,
        done=done,
        total=count_of(len(reports), "file", lang),
        rejected=rejected,
    )
    extra = [
        t(key, lang, n=n)
        for key, n in (("imp_status_timeout", timeout), ("imp_status_not_attempted", skipped))
        if n
    ]
    return text[:-1] + "".join(f", {e}" for e in extra) + "." if extra else text


def local_time(value) -> pd.Timestamp:
    """Stored times are UTC (SQLite gives them back without a zone); show Norwegian time."""
    when = pd.Timestamp(value)
    when = when.tz_localize("UTC") if when.tzinfo is None else when
    try:
        return when.tz_convert("Europe/Oslo")
    except Exception:  # no time-zone database on the machine: UTC is still right
        return when


def dom_id(kind: str, batch_id: int) -> str:
    """The HTML id Dash gives the component {"type": kind, "batch": batch_id}."""
    return json.dumps({"batch": batch_id, "type": kind}, sort_keys=True, separators=(",", ":"))


def _changes_button(batch_id: int, file: str, lang: str) -> html.Button:
    """A disclosure button (aria-expanded) for the row under it that says what the batch
    changed; the row is filled from the store when it is opened."""
    label = t("imp_changes_of", lang, batch=batch_id, file=file)
    return html.Button(
        t("imp_changes", lang),
        id={"type": CHANGES, "batch": batch_id},
        className="button",
        title=label,
        **{
            "aria-label": label,
            "aria-expanded": "false",
            "aria-controls": dom_id(CHANGES_ROW, batch_id),
        },
    )


def _changes_row(batch_id: int, columns: int) -> html.Tr:
    return html.Tr(
        html.Td(
            html.Div(id={"type": CHANGES_BODY, "batch": batch_id}, **{"aria-live": "polite"}),
            colSpan=columns,
        ),
        id={"type": CHANGES_ROW, "batch": batch_id},
        hidden=True,
        className="changes-row",
    )


def history_view(batches: pd.DataFrame, lang: str, admin: bool = False, total: int | None = None):
    if batches.empty:
        return html.P(t("imp_history_empty", lang))
    keys = (
        "imp_col_batch",
        "imp_col_file",
        "imp_col_hash",
        "imp_col_when",
        "imp_col_source",
        "imp_col_outcome",
        "imp_col_rows",
        "imp_col_errors",
        "imp_col_warnings",
        "imp_col_changes",
    )
    rows: list = []
    for b in batches.itertuples(index=False):
        outcome = "undone" if pd.notna(b.undone_at) else b.outcome
        when = local_time(b.imported_at)
        errors: list = [fmt_number(b.errors, lang)]
        if admin and b.errors:
            errors += [" ", _download_button(int(b.id), b.file_name, lang, short=True)]
        # Only a batch in effect has changes to show: an undone one's rows are gone, and a
        # refused one never had any.
        changed = outcome == "imported"
        rows.append(
            _cells(
                [
                    str(b.id),
                    b.file_name,
                    html.Code(b.sha256[:12]),
                    f"{fmt_date(when, lang)} {when:%H:%M}",
                    t(f"imp_source_{b.source}", lang)
                    if b.source in {"cli", "web", "sample"}
                    else b.source,
                    t(f"imp_outcome_{outcome}", lang)
                    if f"imp_outcome_{outcome}" in STRINGS
                    else outcome,
                    fmt_number(b.rows, lang),
                    errors,
                    fmt_number(b.warnings, lang),
                    _changes_button(int(b.id), b.file_name, lang) if changed else "–",
                ]
            )
        )
        if changed:
            rows.append(_changes_row(int(b.id), len(keys)))
    title = t("imp_history_title", lang)
    table = _table(title, [t(k, lang) for k in keys], rows)
    table.children[0].className = "visually-hidden"  # the section's heading says it already
    parts = [_scroll(table, title)]
    if total is not None and total > len(batches):
        parts.append(
            html.P(t("imp_history_more", lang, shown=len(batches), total=total), className="hint")
        )
    return html.Div(parts)


def changes_view(store, batch_id: int, lang: str) -> html.Ul | html.P:
    """What batch `batch_id` changed, one line per table, with links to where it shows."""
    found = batch_changes(store, batch_id, lang)
    if not found.changes:
        return html.P(t("imp_changes_none", lang))
    items = []
    for change in found.changes:
        item: list = [change.text]
        for n, (label, target) in enumerate(change.links):
            item += [" – " if n == 0 else html.Span(" · ", **{"aria-hidden": "true"})]
            item.append(html.A(label, href=target))
        items.append(html.Li(item))
    return html.Ul(items, className="changes-list")


def history_of(store, lang: str) -> html.Div | html.P:
    newest = store.batches(limit=HISTORY_ROWS)
    return history_view(newest, lang, is_admin(), store.batch_count())


def undo_controls(store, lang: str) -> tuple[str, str, bool, int | None]:
    """The undo button's confirmation, label, disabled flag and the batch it will send: the
    latest import in effect, named, so the admin confirms exactly what is taken back."""
    latest = store.latest_in_effect()
    if latest is None:
        return "", t("imp_undo", lang), True, None
    batch_id, file = latest
    return (
        t("imp_undo_confirm", lang, batch=batch_id, file=file),
        t("imp_undo_batch", lang, batch=batch_id, file=file),
        False,
        batch_id,
    )


# ---------------------------------------------------------------- callbacks


def _lang(view) -> str:
    return lang_of((view or {}).get("lang") if isinstance(view, dict) else None)


def refusal(token, lang: str) -> list | None:
    """Why an upload or undo may not go ahead, with what to do about it, or None when it
    may: not logged in as admin (log in), or a token that is no longer valid, which after a
    login that still holds means the page has been open past DASHBOARD_CSRF_TIME_LIMIT
    (reload it; the token is checked against the login's session)."""
    if not is_admin():
        return [t("imp_forbidden", lang), " ", html.A(t("imp_login", lang), href=_login(lang))]
    if not check_csrf(token):
        minutes = max(1, get_store().settings.csrf_time_limit_seconds // 60)
        return [
            t("imp_expired", lang, minutes=minutes),
            " ",
            html.A(t("imp_reload", lang), href=href(PAGE, lang)),
        ]
    return None


def _login(lang: str) -> str:
    return login_url(path_of(PAGE), lang)


def on_upload(gated, token, view):
    lang = _lang(view)
    refused = refusal(token, lang)
    if refused is not None:
        return (refused, *[dash.no_update] * 6)
    files = upload_files(gated)
    if files is None:
        return (t("imp_bad_upload", lang), *[dash.no_update] * 6)
    store = get_store()
    reports = import_uploads(
        files, store.settings, store, actor=current_identity(), address=client_address()
    )
    results = [report_view(r, lang) for r in reports]
    return (
        status_text(reports, lang),
        results,
        history_of(store, lang),
        *undo_controls(store, lang),
    )


def on_undo(_submitted, batch, token, view):
    lang = _lang(view)
    refused = refusal(token, lang)
    if refused is not None:
        return (refused, *[dash.no_update] * 5)
    store = get_store()
    batch_id = batch_id_of(batch)
    try:
        if batch_id is None:
            raise UndoRefused("nothing")
        undone = store.undo(batch_id, current_identity(), client_address())
    except UndoRefused as refused:
        message = refused.message(lang)
    else:
        message = t(
            "imp_undone",
            lang,
            batch=undone["batch_id"],
            file=undone["file"],
            removed=count_of(undone["removed"], "row", lang),
            restored=count_of(undone["restored"], "row", lang),
        )
    return (message, history_of(store, lang), *undo_controls(store, lang))


def on_changes(clicks, view):
    """A history row's "what changed" button: open (or close) the row under it; an opened
    row is filled from the store for that batch only, the others are left as they are."""
    shown = [item["id"] for item in ctx.inputs_list[0]] if ctx.inputs_list else []
    keep = [dash.no_update] * len(shown)
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger not in shown:
        return keep, keep, keep
    index = shown.index(trigger)
    pressed = (clicks or [None] * len(shown))[index]
    batch_id = batch_id_of(trigger.get("batch"))
    if not (isinstance(pressed, int) and pressed > 0) or batch_id is None:
        return keep, keep, keep
    opened = pressed % 2 == 1
    hidden, body, expanded = list(keep), list(keep), list(keep)
    hidden[index] = not opened
    expanded[index] = "true" if opened else "false"
    if opened:
        body[index] = changes_view(get_store(), batch_id, _lang(view))
    return hidden, body, expanded


def on_download_errors(clicks, history_clicks, view):
    every = [*(clicks or []), *(history_clicks or [])]
    pressed = any(isinstance(n, int) and n > 0 for n in every)
    content = error_list(ctx.triggered_id, _lang(view)) if pressed else None
    return dash.no_update if content is None else content


def error_list(trigger, lang: str) -> dict | None:
    """The error list of the batch whose button was pressed, built from the store. The
    button's id is the only thing taken from the browser, and only as the number of a batch
    that exists; the list holds at most the kept problems, so its cost is bounded."""
    from ..export import to_xlsx

    if not (isinstance(trigger, dict) and trigger.get("type") in {ERRORS, HISTORY_ERRORS}):
        return None
    if not is_admin():
        return None
    batch_id = batch_id_of(trigger.get("batch"))
    report = get_store().batch_report(batch_id) if batch_id else None
    if report is None:
        return None
    sheet = "Errors" if lang == "en" else "Feil"
    content = to_xlsx({sheet: errors_frame([report], lang)})
    name = f"importfeil-{batch_id}.xlsx" if lang == "nb" else f"import-errors-{batch_id}.xlsx"
    return dcc.send_bytes(content, name)


# ---------------------------------------------------------------- layout


def layout(lang=None, **_other):
    lang = lang_of(lang)
    dataset = get_dataset()
    store = get_store()
    settings = store.settings
    limit_mb = settings.max_upload_bytes // (1024 * 1024)
    view = make_view(PAGE, lang, title=t("imp_title", lang))
    admin = is_admin()
    if not settings.admin_secret:
        notice = [html.P(t("imp_disabled", lang), className="notice")]
    elif not admin:
        notice = [
            html.P(t("imp_login_needed", lang), className="notice"),
            html.P(html.A(t("imp_login", lang), href=_login(lang))),
        ]
    else:
        notice = [
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                    dcc.Input(type="hidden", name="neste", value="/import"),
                    html.Button(t("imp_logout", lang), type="submit", className="button"),
                ],
                method="post",
                action="/logg-ut",
                className="import-toolbar",
            )
        ]
    # The controls are always in the layout (hidden for others) so every callback's inputs
    # exist; the callbacks themselves check the login and the CSRF token. The upload takes
    # any file (no `accept`, no `max_size`): the browser would drop others without a word,
    # and every file given must get its own line in the report.
    upload = html.Div(
        [
            dcc.Upload(
                html.Div(
                    [t("imp_drop", lang), html.Span(t("imp_choose", lang), className="link-like")]
                ),
                id=UPLOAD,
                multiple=True,
                disabled=not admin,
                className="upload-zone",
                className_active="upload-zone active",
            ),
            html.P(
                t("imp_limit", lang, mb=limit_mb, seconds=settings.import_timeout_seconds),
                className="hint",
            ),
        ],
        hidden=not admin,
    )
    message, label, disabled, batch = undo_controls(store, lang)
    history: list = [
        html.H2(t("imp_history_title", lang), id="imp-history-heading"),
        html.Div(history_of(store, lang), id=HISTORY),
        html.Div(
            dcc.ConfirmDialogProvider(
                html.Button(
                    label, id=UNDO_BUTTON, className="button", disabled=disabled or not admin
                ),
                id=UNDO,
                message=message,
            ),
            hidden=not admin,
        ),
        dcc.Store(id=UNDO_BATCH, data=batch),
    ]
    content = [
        html.H1(t("imp_title", lang)),
        html.P(t("imp_intro", lang), className="lead"),
        html.Section(
            [
                html.H2(t("imp_upload_title", lang), id="imp-upload-heading"),
                *notice,
                upload,
                html.Div(id=STATUS, role="status", **{"aria-live": "polite"}, className="status"),
                html.Div(id=RESULTS),
                dcc.Download(id=ERRORS_DOWNLOAD),
            ],
            className="panel",
            **{"aria-labelledby": "imp-upload-heading"},
        ),
        html.Section(history, className="panel", **{"aria-labelledby": "imp-history-heading"}),
        dcc.Store(id=GATE),
        dcc.Store(
            id=LIMITS,
            data={
                "request": max_request_bytes(settings),
                "decimal": "." if lang == "en" else ",",
                "too_big": t("imp_too_big", lang, mb=limit_mb, sizes="{sizes}"),
                "working": t(
                    "imp_working", lang, files="{files}", seconds=settings.import_timeout_seconds
                ),
                "one": count_of(1, "file", lang),
                "many": count_of(2, "file", lang).replace("2", "{n}", 1),
            },
        ),
        dcc.Store(id=CSRF, data=csrf_token()),
    ]
    return page_shell(content, lang, PAGE, dataset, view)
