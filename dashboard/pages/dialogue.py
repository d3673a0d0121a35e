"""Writing notes and follow-ups in the pages: the forms, the lists, and the one callback
behind every button (zone page and meeting mode alike).

Each place that takes notes is a *form*, named by a short key (`budget`, `general`,
`z-heimdal`), with a store saying what it writes about (zone, year, panel). Nothing the
browser sends is trusted: the callback guard checks the shape of every value before the
callback runs (ids are whole numbers, zones known, text within the limit), the CSRF token
must be the session's, and the notes store asks the rights matrix again, in the same
transaction as the change, whether this person may write this kind of note on this zone.
So a forged request for another zone changes nothing and is answered with a message.

A change bumps the page's notes version (`VERSION`), which the page's own callbacks listen
to: the zone page redraws its lists, tables and charts; meeting mode also polls it, so a
note written on one screen appears on the others within DASHBOARD_NOTES_POLL_SECONDS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from .. import urls
from ..data import get_store
from ..i18n import lang_of, t
from ..rights import FOLLOWUP_WRITE, NOTE_WRITE, Identity, may
from ..store.notes import DONE, IN_PROGRESS, OPEN, PANELS, STATUSES, Note, NoteError, Notes
from ..views import dialogue
from ..web.auth import check_csrf, login_url
from ..web.callback_guard import Each, declare
from ..web.identity import client_address, current_identity

VERSION = "notes-version"
CSRF = "notes-csrf"
POLL = "notes-poll"
TEXT, DUE, SAVE, FOLLOWUP, CANCEL = "dlg-text", "dlg-due", "dlg-save", "dlg-followup", "dlg-cancel"
TARGET, EDITING, MESSAGE = "dlg-target", "dlg-editing", "dlg-message"
EDIT, DELETE, STATUS = "dlg-edit", "dlg-delete", "dlg-status"
MAX_ID = 2**31 - 1
ZONE_NOTES = 500  # a zone's notes one page shows (newest first; the export has them all)
FORM_KEY = urls.Text(80)
NOTE_ID = urls.Number(1, MAX_ID)
# What a follow-up's buttons move it to, from each status.
NEXT_STATUSES = {OPEN: (IN_PROGRESS, DONE), IN_PROGRESS: (DONE, OPEN), DONE: (OPEN,)}


def form_id(kind: str, form: str) -> dict:
    return {"type": kind, "form": form}


def note_id(kind: str, form: str, note: Note, **extra) -> dict:
    return {"type": kind, "form": form, "note": note.id, "version": note.version, **extra}


def notes_store() -> Notes:
    return Notes.for_store(get_store())


# ---------------------------------------------------------------- what people see


def note_item(note: Note, identity: Identity, form: str, lang: str, show_year=False) -> html.Li:
    """One note: its text (as text), who and when, and the buttons its reader may use."""
    meta = [dialogue.byline(note, lang)]
    if note.is_followup:
        meta.insert(0, dialogue.followup_line(note, lang))
    if show_year:  # a list across years and panels says where each note belongs
        where = [str(note.year)]
        if note.panel:
            where.append(dialogue.panel_label(note.panel, lang))
        meta.insert(0, ", ".join(where))
    kind = html.Strong(f"{dialogue.kind_label(note, lang)}: ") if note.is_followup else None
    parts: list = [
        html.P([kind, note.text] if kind else note.text, className="dlg-text"),
        html.P(" · ".join(m for m in meta if m), className="dlg-meta"),
    ]
    action = FOLLOWUP_WRITE if note.is_followup else NOTE_WRITE
    if may(identity, action, note.zone_id):
        what = t("dlg_this_followup" if note.is_followup else "dlg_this_note", lang)
        buttons = [
            html.Button(
                t("dlg_edit", lang),
                id=note_id(EDIT, form, note),
                className="button button-small",
                type="button",
                **{"aria-label": f"{t('dlg_edit', lang)}: {what} ({note.text[:40]})"},
            ),
            dcc.ConfirmDialogProvider(
                html.Button(
                    t("dlg_delete", lang),
                    className="button button-small",
                    type="button",
                    **{"aria-label": f"{t('dlg_delete', lang)}: {what} ({note.text[:40]})"},
                ),
                id=note_id(DELETE, form, note),
                message=t("dlg_delete_confirm", lang, text=note.text[:200]),
            ),
        ]
        if note.is_followup:
            buttons += [
                html.Button(
                    t(f"dlg_set_{status}", lang),
                    id=note_id(STATUS, form, note, status=status),
                    className="button button-small",
                    type="button",
                )
                for status in NEXT_STATUSES.get(note.status, ())
            ]
        parts.append(html.Div(buttons, className="dlg-buttons"))
    status = f" dlg-status-{note.status}" if note.is_followup else ""
    return html.Li(parts, className=f"dlg-note{status}")


def note_list(
    notes: list[Note], identity: Identity, form: str, lang: str, show_year=False, empty=None
):
    if not notes:
        return html.P(empty or t("dlg_none", lang), className="dlg-empty")
    return html.Ul(
        [note_item(n, identity, form, lang, show_year) for n in notes], className="dlg-notes"
    )


def note_form(
    form: str,
    zone: str,
    year: int | None,
    panel: str | None,
    identity: Identity,
    lang: str,
    label: str,
    here: str = "/",
):
    """The writing form for one place, for those who may write there; a way to log in for
    those who are not logged in (coming back to `here`); nothing for others."""
    may_note = may(identity, NOTE_WRITE, zone)
    may_follow = may(identity, FOLLOWUP_WRITE, zone)
    if year is None or not (may_note or may_follow):
        if identity.is_authenticated or year is None:
            return None
        return html.P(
            html.A(t("dlg_login", lang), href=login_url(here, lang)), className="dlg-login"
        )
    limit = get_store().settings.note_max_chars
    text_id = form_id(TEXT, form)
    field_id = f"dlg-{form}-text"
    buttons = []
    if may_note:
        buttons.append(
            html.Button(
                t("dlg_save", lang), id=form_id(SAVE, form), className="button", type="button"
            )
        )
    due = []
    if may_follow:
        buttons.append(
            html.Button(
                t("dlg_save_followup", lang),
                id=form_id(FOLLOWUP, form),
                className="button",
                type="button",
            )
        )
        # dcc's inputs take no aria-describedby: the hint is part of the label.
        due = [
            html.Label(
                [t("dlg_due_label", lang), html.Span(t("dlg_due_hint", lang), className="hint")],
                htmlFor=dom_id(form_id(DUE, form)),
                className="dlg-label",
            ),
            dcc.Input(
                id=form_id(DUE, form),
                type="text",
                placeholder=t("log_date_format", lang),
                maxLength=20,
                autoComplete="off",
                className="dlg-due",
            ),
        ]
    buttons.append(
        html.Button(
            t("dlg_cancel", lang),
            id=form_id(CANCEL, form),
            className="button",
            type="button",
            hidden=True,
        )
    )
    return html.Div(
        [
            html.Label(
                [label, html.Span(t("dlg_hint", lang, n=limit, year=year), className="hint")],
                htmlFor=dom_id(text_id),
                className="dlg-label",
            ),
            dcc.Textarea(id=text_id, maxLength=limit, rows=3, className="dlg-textarea"),
            *due,
            html.Div(buttons, className="dlg-buttons"),
            html.P(
                id=form_id(MESSAGE, form),
                role="status",
                className="dlg-message",
                **{"aria-live": "polite"},
            ),
            dcc.Store(
                id=form_id(TARGET, form),
                data={"zone": zone, "year": year, "panel": panel, "lang": lang},
            ),
            dcc.Store(id=form_id(EDITING, form)),
        ],
        className="dlg-form",
        id=field_id + "-form",
    )


def dom_id(component_id: dict) -> str:
    """The id a pattern-matching component has in the page, as Dash writes it (sorted keys,
    no spaces): what a <label for> must name."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def page_stores() -> list:
    """What a page with notes needs once: its notes version and the session's CSRF token."""
    from flask import current_app, has_request_context

    from ..web.auth import csrf_token

    # Outside a request (a layout built by a test or a script) there is no session to
    # bind a token to, and nobody to write: no token, so nothing can be saved.
    token = csrf_token() if has_request_context() and current_app.secret_key else None
    seconds = get_store().settings.notes_poll_seconds
    return [
        dcc.Store(id=VERSION, data=notes_store().version()),
        dcc.Store(id=CSRF, data=token),
        # Notes written on another screen: asked for every few seconds (one small query).
        dcc.Interval(id=POLL, interval=seconds * 1000),
    ]


# ---------------------------------------------------------------- the callback


def register_notes(app) -> None:
    """The one callback behind every notes button, and its rules for the callback guard."""
    limit = get_store().settings.note_max_chars
    form_each = Each(urls.CLICKS, {"form": FORM_KEY})
    note_keys = {"form": FORM_KEY, "note": NOTE_ID, "version": NOTE_ID}
    app.callback(
        Output(form_id(TEXT, ALL), "value"),
        Output(form_id(DUE, ALL), "value"),
        Output(form_id(EDITING, ALL), "data"),
        Output(form_id(MESSAGE, ALL), "children"),
        Output(form_id(SAVE, ALL), "children"),
        Output(form_id(CANCEL, ALL), "hidden"),
        Output(VERSION, "data"),
        Input(form_id(SAVE, ALL), "n_clicks"),
        Input(form_id(FOLLOWUP, ALL), "n_clicks"),
        Input(form_id(CANCEL, ALL), "n_clicks"),
        Input({"type": EDIT, "form": ALL, "note": ALL, "version": ALL}, "n_clicks"),
        Input({"type": DELETE, "form": ALL, "note": ALL, "version": ALL}, "submit_n_clicks"),
        Input(
            {"type": STATUS, "form": ALL, "note": ALL, "version": ALL, "status": ALL}, "n_clicks"
        ),
        State(form_id(TEXT, ALL), "value"),
        State(form_id(DUE, ALL), "value"),
        State(form_id(EDITING, ALL), "data"),
        State(form_id(TARGET, ALL), "data"),
        State(CSRF, "data"),
        prevent_initial_call=True,
    )(on_action)
    app.callback(
        Output(VERSION, "data", allow_duplicate=True),
        Input(POLL, "n_intervals"),
        State(VERSION, "data"),
        prevent_initial_call=True,
    )(poll)
    target = urls.Record(
        {"zone": urls.ZONE, "year": urls.YEAR, "panel": urls.Choice(PANELS), "lang": urls.LANG}
    )
    declare(
        app,
        (form_id(SAVE, ALL), "n_clicks", form_each),
        (form_id(FOLLOWUP, ALL), "n_clicks", form_each),
        (form_id(CANCEL, ALL), "n_clicks", form_each),
        (
            {"type": EDIT, "form": ALL, "note": ALL, "version": ALL},
            "n_clicks",
            Each(urls.CLICKS, note_keys),
        ),
        (
            {"type": DELETE, "form": ALL, "note": ALL, "version": ALL},
            "submit_n_clicks",
            Each(urls.CLICKS, note_keys),
        ),
        (
            {"type": STATUS, "form": ALL, "note": ALL, "version": ALL, "status": ALL},
            "n_clicks",
            Each(urls.CLICKS, {**note_keys, "status": urls.Choice(STATUSES)}),
        ),
        (form_id(TEXT, ALL), "value", Each(urls.Text(limit), {"form": FORM_KEY})),
        (form_id(DUE, ALL), "value", Each(urls.Text(20), {"form": FORM_KEY})),
        (
            form_id(EDITING, ALL),
            "data",
            Each(urls.Record({"id": NOTE_ID, "version": NOTE_ID}), {"form": FORM_KEY}),
        ),
        (form_id(TARGET, ALL), "data", Each(target, {"form": FORM_KEY})),
        (CSRF, "data", urls.Text(200)),
        (POLL, "n_intervals", urls.CLICKS),
        (VERSION, "data", urls.Number(0, 2**62)),
    )


def poll(_ticks, seen):
    """Callback: the notes' version now, when it is not the one the page shows (else no
    answer at all: 204, nothing redrawn)."""
    now = notes_store().version()
    if isinstance(seen, int) and not isinstance(seen, bool) and seen == now:
        raise PreventUpdate
    return now


def on_action(*_args):
    """Callback: which button was pressed decides; everything else is read from `ctx`."""
    trigger = ctx.triggered_id
    pressed = ctx.triggered[0]["value"] if ctx.triggered else None
    if not isinstance(trigger, dict) or not isinstance(pressed, int) or pressed < 1:
        raise PreventUpdate  # a list redrawn, not a button pressed
    forms = _forms()
    token = ctx.states.get(f"{CSRF}.data")
    result = perform(trigger, forms, token, current_identity(), client_address())
    return _outputs(forms, result)


def _forms() -> dict[str, dict]:
    """Per form key: its text, due date, editing state and target, as the browser sent."""
    forms: dict[str, dict] = {}
    names = {TEXT: "text", DUE: "due", EDITING: "editing", TARGET: "target"}
    for group in ctx.states_list[:4]:
        for item in group:
            kind, key = item["id"]["type"], item["id"]["form"]
            forms.setdefault(key, {})[names[kind]] = item.get("value")
    return forms


@dataclass
class Result:
    """What an action did to its form. `editing`: the note the form now edits
    ({"id", "version"}), {} when it stopped editing, None when that did not change;
    `text` and `due`: what to put in the form (None: leave it)."""

    form: str
    message: str = ""
    editing: dict | None = None
    text: str | None = None
    due: str | None = None
    changed: bool = False


def perform(trigger: dict, forms: dict, token, identity: Identity, address: str) -> Result:
    """Do what the pressed button asks, as `identity`; the notes store checks the rights."""
    form = str(trigger.get("form"))
    state = forms.get(form, {})
    target = state.get("target") or {}
    lang = lang_of(target.get("lang"))
    kind = trigger.get("type")
    store = notes_store()
    if kind == CANCEL:
        return Result(form, editing={}, text="", due="")
    if kind == EDIT:
        note = store.get(trigger.get("note"))
        if note is None or note.deleted_at or note.version != trigger.get("version"):
            return Result(form, NoteError("stale").message(lang))
        due = note.due_date.isoformat() if note.due_date else ""
        editing = {"id": note.id, "version": note.version}
        return Result(form, t("dlg_editing", lang), editing, note.text, due)
    if not check_csrf(token):
        return Result(form, t("dlg_expired", lang))
    try:
        if kind in {SAVE, FOLLOWUP}:
            result = _save(store, kind, state, target, identity, address, lang)
        elif kind == DELETE:
            store.delete(identity, trigger.get("note"), trigger.get("version"), address)
            result = Result(form, t("dlg_deleted", lang), editing={}, text="", due="")
        elif kind == STATUS:
            note = store.set_status(
                identity,
                trigger.get("note"),
                trigger.get("version"),
                trigger.get("status"),
                address,
            )
            said = dialogue.status_label(note.status, lang)
            result = Result(form, t("dlg_status_set", lang, status=said))
        else:
            raise PreventUpdate
    except NoteError as refused:
        return Result(form, refused.message(lang))
    result.form, result.changed = form, True
    return result


def _save(store: Notes, kind, state, target, identity, address, lang) -> Result:
    """A new note or follow-up, or the edit the form is in the middle of."""
    editing = state.get("editing") or {}
    text = state.get("text") or ""
    if editing.get("id"):
        changes = {"due": state.get("due")} if "due" in state else {}
        store.edit(
            identity, editing["id"], editing.get("version"), text=text, address=address, **changes
        )
        message = t("dlg_saved_edit", lang)
    else:
        followup = kind == FOLLOWUP
        note = store.add(
            identity,
            target.get("zone"),
            target.get("year"),
            text,
            target.get("panel"),
            followup=followup,
            due=state.get("due") if followup else None,
            address=address,
        )
        message = t("dlg_saved_followup" if note.is_followup else "dlg_saved", lang)
    return Result("", message, editing={}, text="", due="")


def _outputs(forms: dict, result: Result) -> tuple:
    """Every output list of the callback, changed only for the form that acted."""

    def per_form(index: int, value_of):
        return [
            value_of(item["id"]["form"]) if item["id"]["form"] == result.form else dash.no_update
            for item in ctx.outputs_list[index]
        ]

    def lang_of_form(key: str) -> str:
        return lang_of((forms.get(key, {}).get("target") or {}).get("lang"))

    def keep(value):
        return dash.no_update if value is None else value

    editing = result.editing
    texts = per_form(0, lambda _k: keep(result.text))
    dues = per_form(1, lambda _k: keep(result.due))
    stores = per_form(2, lambda _k: keep(None if editing is None else (editing or None)))
    messages = per_form(3, lambda _k: result.message)
    labels = per_form(
        4,
        lambda k: keep(
            None
            if editing is None
            else t("dlg_save_edit" if editing else "dlg_save", lang_of_form(k))
        ),
    )
    cancel = per_form(5, lambda _k: keep(None if editing is None else not editing))
    # The store's own version after the change, so that polling finds nothing new.
    new_version = notes_store().version() if result.changed else dash.no_update
    return texts, dues, stores, messages, labels, cancel, new_version
