"""Importer data (`/import`): upload exports, see what each gave, the history, and undo.

Uploading and undoing need the admin login and a valid CSRF token (Flask-WTF's, sent as a
State value, since Dash's callbacks post JSON). Each file goes through the command line's
importer in a child process with a time limit (web/imports.py).
"""

from __future__ import annotations

import base64
import binascii

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from ..components import page_shell, view_id
from ..data import get_dataset, get_store
from ..i18n import STRINGS, fmt_date, fmt_number, lang_of, t
from ..ingest.report import ImportReport
from ..urls import make_view
from ..web.auth import check_csrf, csrf_token, is_admin
from ..web.imports import import_upload

PAGE = "import"
UPLOAD = "imp-upload"
STATUS = "imp-status"
RESULTS = "imp-results"
REPORTS = "imp-reports"
CSRF = "imp-csrf"
HISTORY = "imp-history"
UNDO = "imp-undo"
ERRORS_BUTTON = "imp-errors-button"
ERRORS_DOWNLOAD = "imp-errors-download"
SHOWN_ERRORS = 200  # per file on screen; the download has them all

STRINGS.update(
    {
        "imp_title": ("Importer data", "Import data"),
        "imp_intro": (
            "Last opp kvalitetsrapporten og enhetsavtalene som Excel-filer (.xlsx eller .xlsm)."
            " Hver fil importeres helt eller ikke i det hele tatt.",
            "Upload the quality report and the unit agreements as Excel files (.xlsx or .xlsm)."
            " Each file is imported whole or not at all.",
        ),
        "imp_upload_title": ("Last opp filer", "Upload files"),
        "imp_drop": ("Dra filer hit, eller ", "Drag files here, or "),
        "imp_choose": ("velg filer", "choose files"),
        "imp_limit": ("Høyst {mb} MB per fil.", "At most {mb} MB per file."),
        "imp_login_needed": (
            "Du må være logget inn som administrator for å importere eller angre.",
            "You must be logged in as administrator to import or undo.",
        ),
        "imp_login": ("Logg inn", "Log in"),
        "imp_logout": ("Logg ut", "Log out"),
        "imp_disabled": (
            "Import i nettleseren er slått av: ingen administratorpassord er satt "
            "(DASHBOARD_ADMIN_SECRET). Bruk kommandolinjen: python -m dashboard import FIL.",
            "Importing in the browser is switched off: no administrator password is set "
            "(DASHBOARD_ADMIN_SECRET). Use the command line: python -m dashboard import FILE.",
        ),
        "imp_forbidden": (
            "Ikke utført: du er ikke logget inn som administrator, eller skjemaet er utløpt. "
            "Last siden på nytt og prøv igjen.",
            "Not done: you are not logged in as administrator, or the form has expired. "
            "Reload the page and try again.",
        ),
        "imp_bad_upload": (
            "Filen «{name}» kunne ikke leses.",
            "The file '{name}' could not be read.",
        ),
        "imp_outcome_imported": ("Importert", "Imported"),
        "imp_outcome_unchanged": (
            "Uendret (samme fil er importert før)",
            "Unchanged (same file already imported)",
        ),
        "imp_outcome_rejected": ("Avvist – ingenting er lagret", "Rejected – nothing was stored"),
        "imp_outcome_undone": ("Angret", "Undone"),
        "imp_status": (
            "{done} av {total} filer importert eller uendret, {rejected} avvist.",
            "{done} of {total} files imported or unchanged, {rejected} rejected.",
        ),
        "imp_sheets_caption": ("Hva filen «{name}» ga", "What the file '{name}' gave"),
        "imp_col_sheet": ("Ark", "Sheet"),
        "imp_col_kind": ("Tolket som", "Read as"),
        "imp_col_rows": ("Rader", "Rows"),
        "imp_col_skipped": ("Hoppet over", "Skipped"),
        "imp_col_years": ("År", "Years"),
        "imp_col_zones": ("Enheter", "Units"),
        "imp_not_recognised": ("ikke kjent igjen", "not recognised"),
        "imp_errors_caption": ("Feil i «{name}»", "Errors in '{name}'"),
        "imp_warnings_caption": (
            "Advarsler og rader som er hoppet over",
            "Warnings and skipped rows",
        ),
        "imp_col_file": ("Fil", "File"),
        "imp_col_cell": ("Celle", "Cell"),
        "imp_col_column": ("Kolonne", "Column"),
        "imp_col_value": ("Verdi", "Value"),
        "imp_col_problem": ("Feil", "Problem"),
        "imp_col_expected": ("Forventet", "Expected"),
        "imp_more_errors": (
            "… og {n} feil til. Last ned feillisten for å se alle.",
            "… and {n} more errors. Download the error list to see them all.",
        ),
        "imp_download_errors": ("Last ned feillisten (Excel)", "Download the error list (Excel)"),
        "imp_history_title": ("Importhistorikk", "Import history"),
        "imp_history_empty": ("Ingen importer ennå.", "No imports yet."),
        "imp_col_batch": ("Nr.", "No."),
        "imp_col_hash": ("SHA-256 (start)", "SHA-256 (start)"),
        "imp_col_when": ("Tidspunkt", "Time"),
        "imp_col_source": ("Kilde", "Source"),
        "imp_col_outcome": ("Utfall", "Outcome"),
        "imp_col_errors": ("Feil", "Errors"),
        "imp_col_warnings": ("Advarsler", "Warnings"),
        "imp_source_cli": ("kommandolinje", "command line"),
        "imp_source_web": ("nettleser", "browser"),
        "imp_source_sample": ("eksempeldata", "sample data"),
        "imp_undo": ("Angre siste import", "Undo the latest import"),
        "imp_undo_confirm": (
            "Angre den siste importen? Radene den erstattet kommer tilbake slik de var.",
            "Undo the latest import? The rows it replaced come back as they were.",
        ),
        "imp_undone": (
            "Import nr. {batch} ({file}) er angret: {removed} rader fjernet, {restored} rader "
            "tilbakeført.",
            "Import no. {batch} ({file}) is undone: {removed} rows removed, {restored} rows "
            "restored.",
        ),
        "imp_nothing_to_undo": ("Det er ingen import å angre.", "There is no import to undo."),
    }
)


def register(app) -> None:
    dash.register_page(
        __name__,
        path="/import",
        name="Importer data",
        order=9,
        layout=layout,
        title="Importer data – Samskaping i hjemmetjenesten",
    )
    app.callback(
        Output(STATUS, "children"),
        Output(RESULTS, "children"),
        Output(REPORTS, "data"),
        Output(HISTORY, "children"),
        Output(ERRORS_BUTTON, "hidden"),
        Input(UPLOAD, "contents"),
        State(UPLOAD, "filename"),
        State(CSRF, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_upload)
    app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output(HISTORY, "children", allow_duplicate=True),
        Input(UNDO, "submit_n_clicks"),
        State(CSRF, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_undo)
    app.callback(
        Output(ERRORS_DOWNLOAD, "data"),
        Input(ERRORS_BUTTON, "n_clicks"),
        State(REPORTS, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(on_download_errors)


# ---------------------------------------------------------------- pure parts


def decode_upload(content: str) -> bytes:
    """dcc.Upload's data URL ("data:...;base64,AAAA") to bytes."""
    _, _, payload = str(content).partition(",")
    return base64.b64decode(payload, validate=True)


def _table(
    caption: str, headers: list[str], rows: list[list], class_name: str = "data-table text-table"
):
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        className=class_name,
    )


def _scroll(table, label: str) -> html.Div:
    """A wide table in a region that keyboard users can scroll (it takes focus)."""
    return html.Div(
        table, className="table-scroll", tabIndex="0", role="region", **{"aria-label": label}
    )


def report_view(report: ImportReport, lang: str) -> html.Article:
    outcome = t(f"imp_outcome_{report.outcome}", lang)
    parts: list = [
        html.H3([report.file, " – ", html.Span(outcome, className=f"outcome-{report.outcome}")])
    ]
    sheets = [
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
    if report.errors:
        rows = [_problem_row(p, lang) for p in report.errors[:SHOWN_ERRORS]]
        caption = t("imp_errors_caption", lang, name=report.file)
        parts.append(_scroll(_table(caption, _problem_headers(lang), rows), caption))
        if len(report.errors) > SHOWN_ERRORS:
            parts.append(html.P(t("imp_more_errors", lang, n=len(report.errors) - SHOWN_ERRORS)))
    notes = report.warnings + report.skipped
    if notes:
        parts.append(
            html.Details(
                [
                    html.Summary(f"{t('imp_warnings_caption', lang)} ({len(notes)})"),
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
    return t("imp_status", lang, done=done, total=len(reports), rejected=len(reports) - done)


def local_time(value) -> pd.Timestamp:
    """Stored times are UTC (SQLite gives them back without a zone); show Norwegian time."""
    when = pd.Timestamp(value)
    when = when.tz_localize("UTC") if when.tzinfo is None else when
    try:
        return when.tz_convert("Europe/Oslo")
    except Exception:  # no time-zone database on the machine: UTC is still right
        return when


def history_view(batches: pd.DataFrame, lang: str):
    if batches.empty:
        return html.P(t("imp_history_empty", lang))
    rows = []
    for b in batches.itertuples(index=False):
        outcome = "undone" if pd.notna(b.undone_at) else b.outcome
        when = local_time(b.imported_at)
        rows.append(
            [
                str(b.id),
                b.file_name,
                html.Code(b.sha256[:12]),
                f"{fmt_date(when, lang)} {when:%H:%M}",
                t(f"imp_source_{b.source}", lang)
                if b.source in {"cli", "web", "sample"}
                else b.source,
                t(f"imp_outcome_{outcome}", lang),
                fmt_number(b.rows, lang),
                fmt_number(b.errors, lang),
                fmt_number(b.warnings, lang),
            ]
        )
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
    )
    title = t("imp_history_title", lang)
    table = _table(title, [t(k, lang) for k in keys], rows)
    table.children[0].className = "visually-hidden"  # the section's heading says it already
    return _scroll(table, title)


def run_uploads(contents: list[str], filenames: list[str], settings) -> list[ImportReport]:
    reports = []
    for content, name in zip(contents, filenames, strict=False):
        try:
            data = decode_upload(content)
        except (binascii.Error, ValueError):
            reports.append(ImportReport.refused(str(name), "corrupt_file", detail="base64"))
            continue
        reports.append(import_upload(data, name, settings))
    return reports


# ---------------------------------------------------------------- callbacks


def _lang(view) -> str:
    return lang_of((view or {}).get("lang"))


def on_upload(contents, filenames, token, view):
    lang = _lang(view)
    store = get_store()
    if not (is_admin() and check_csrf(token)):
        return (t("imp_forbidden", lang), *[dash.no_update] * 4)
    if not contents:
        return tuple([dash.no_update] * 5)
    contents = contents if isinstance(contents, list) else [contents]
    filenames = filenames if isinstance(filenames, list) else [filenames]
    reports = run_uploads(contents, filenames, store.settings)
    results = [report_view(r, lang) for r in reports]
    stored = [r.to_dict(lang, messages=False) for r in reports]
    history = history_view(store.batches(), lang)
    no_errors = not any(r.errors for r in reports)
    return status_text(reports, lang), results, stored, history, no_errors


def on_undo(submitted, token, view):
    lang = _lang(view)
    if not (is_admin() and check_csrf(token)):
        return t("imp_forbidden", lang), dash.no_update
    store = get_store()
    undone = store.undo_latest()
    if undone is None:
        return t("imp_nothing_to_undo", lang), dash.no_update
    message = t(
        "imp_undone",
        lang,
        batch=undone["batch_id"],
        file=undone["file"],
        removed=undone["removed"],
        restored=undone["restored"],
    )
    return message, history_view(store.batches(), lang)


def on_download_errors(_clicks, stored, view):
    from ..export import to_xlsx

    lang = _lang(view)
    reports = [ImportReport.from_dict(r) for r in stored or []]
    sheet = "Errors" if lang == "en" else "Feil"
    content = to_xlsx({sheet: errors_frame(reports, lang)})
    return dcc.send_bytes(content, "importfeil.xlsx" if lang == "nb" else "import-errors.xlsx")


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
            html.P(html.A(t("imp_login", lang), href=f"/logg-inn?neste=/import&lang={lang}")),
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
    # exist; the callbacks themselves check the login and the CSRF token.
    upload = html.Div(
        [
            dcc.Upload(
                html.Div(
                    [t("imp_drop", lang), html.Span(t("imp_choose", lang), className="link-like")]
                ),
                id=UPLOAD,
                multiple=True,
                accept=".xlsx,.xlsm",
                max_size=settings.max_upload_bytes,
                disabled=not admin,
                className="upload-zone",
                className_active="upload-zone active",
            ),
            html.P(t("imp_limit", lang, mb=limit_mb), className="hint"),
        ],
        hidden=not admin,
    )
    history: list = [
        html.H2(t("imp_history_title", lang), id="imp-history-heading"),
        html.Div(history_view(store.batches(), lang), id=HISTORY),
        html.Div(
            dcc.ConfirmDialogProvider(
                html.Button(t("imp_undo", lang), className="button", disabled=not admin),
                id=UNDO,
                message=t("imp_undo_confirm", lang),
            ),
            hidden=not admin,
        ),
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
                html.Button(
                    t("imp_download_errors", lang),
                    id=ERRORS_BUTTON,
                    hidden=True,
                    className="button",
                ),
                dcc.Download(id=ERRORS_DOWNLOAD),
            ],
            className="panel",
            **{"aria-labelledby": "imp-upload-heading"},
        ),
        html.Section(history, className="panel", **{"aria-labelledby": "imp-history-heading"}),
        dcc.Store(id=REPORTS),
        dcc.Store(id=CSRF, data=csrf_token()),
    ]
    return page_shell(content, lang, PAGE, dataset, view)
