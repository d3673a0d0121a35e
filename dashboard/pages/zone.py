"""Sone (`/sone/<zone_id>?ar=2021`): one panel per entry of the panel registry.

Each panel shows the chosen year against the zone's own earlier years and against the other
zones (rank and median), says in one sentence what its chart shows, keeps the numbers in a
table that names its sources, and has an empty state (saying so when the zone was not yet
part of the city). Switching zone or year updates figures and texts in place; the address
bar follows (see components.register_shell_callbacks). Layout and callback both build the
panels from `views.zone.PANELS`, so they cannot disagree.
"""

from __future__ import annotations

import contextlib

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html
from dash.exceptions import MissingCallbackContextException

from .. import urls
from ..components import (
    DASH,
    JSON,
    PRINT_HEAD_TEXT,
    Builder,
    chart,
    choice,
    data_table,
    empty_state,
    facts_list,
    flag_list,
    list_export_links,
    no_data,
    notes_block,
    page_shell,
    panel_section,
    plain,
    print_head,
    print_marks,
    register_choice,
    scroll_region,
    source_line,
    table_details,
    view_id,
    year_choice,
    zone_options,
)
from ..data import Prepared, current
from ..i18n import t
from ..urls import make_view
from ..views.common import data_sources, partial_note, year_choices
from ..views.zone import PANELS, PanelView, panel_figure, zone_panels
from ..web.callback_guard import declare
from ..web.identity import current_identity
from . import dialogue as notes_ui
from .not_found_404 import address_kept, ways_on

PAGE = "sone"
ZONE = "zone-select"
YEAR = "zone-year"
TITLE = "zone-title"
NOTES = "zone-notes"
DIALOGUE_LIST = "zone-dialogue-list"  # the zone's open follow-ups and general notes
DIALOGUE_FORM = "zone-dialogue-form"
GENERAL = "general"  # the form key of notes on the zone as a whole
PRINT = "zone-print"
# What the zone callback updates in each panel, in the order `panel_values` returns it.
PANEL_OUTPUTS = (
    ("summary", "children"),
    ("graph", "figure"),
    ("facts", "children"),
    ("table", "children"),
    ("notes", "children"),
    ("empty", "children"),
    ("empty", "hidden"),
    ("body", "hidden"),
)
LISTINGS = tuple(key for key, panel in PANELS.items() if panel.listing)


def part_id(panel: str, part: str) -> str:
    return f"zone-{panel}-{part}"


def listing_id(panel: str) -> str:
    # "zone-projects-projects": the id the project list has always had.
    return part_id(panel, panel)


def register(app) -> None:
    dash.register_page(
        __name__,
        path_template="/sone/<zone_id>",
        name="Sone",
        order=1,
        layout=layout,
        title=_page_title,
    )
    outputs = [
        Output(TITLE, "children"),
        Output(view_id(PAGE), "data"),
        Output(NOTES, "children"),
        Output({"type": YEAR, "value": ALL}, "disabled"),
    ]
    outputs += [
        Output(part_id(panel, part), prop) for panel in PANELS for part, prop in PANEL_OUTPUTS
    ]
    outputs += [Output(listing_id(panel), "children") for panel in LISTINGS]
    outputs.append(Output(PRINT_HEAD_TEXT, "children"))
    # The notes (after the panels' outputs, so their order is unchanged): lists and forms.
    outputs += [Output(DIALOGUE_LIST, "children"), Output(DIALOGUE_FORM, "children")]
    for panel in PANELS:
        outputs += [
            Output(part_id(panel, "dialog-list"), "children"),
            Output(part_id(panel, "dialog-form"), "children"),
        ]
    app.callback(
        *outputs,
        Input(ZONE, "data"),
        Input(YEAR, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(update)
    # A note written, changed or deleted on this page: lists, tables and charts again.
    refreshed = [Output(DIALOGUE_LIST, "children", allow_duplicate=True)]
    for panel in PANELS:
        refreshed += [
            Output(part_id(panel, "graph"), "figure", allow_duplicate=True),
            Output(part_id(panel, "table"), "children", allow_duplicate=True),
            Output(part_id(panel, "dialog-list"), "children", allow_duplicate=True),
        ]
    app.callback(
        *refreshed,
        Input(notes_ui.VERSION, "data"),
        State(ZONE, "data"),
        State(YEAR, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(refresh)
    register_choice(app, ZONE)
    register_choice(app, YEAR)
    declare(
        app,
        (ZONE, "data", urls.ZONE),
        (YEAR, "data", urls.YEAR),
        (view_id(PAGE), "data", urls.VIEW),
    )
    app.clientside_callback(
        # assets/print.js: narrow the charts to paper width, then open the print dialog.
        ClientsideFunction("printing", "print"),
        Output(PRINT, "title"),
        Input(PRINT, "n_clicks"),
        prevent_initial_call=True,
    )


def _page_title(zone_id=None, **_other) -> str:
    return f"Sone {str(zone_id or '')[:40]} – Samskaping i hjemmetjenesten"


# ---------------------------------------------------------------- pure parts


def note_items(view: PanelView, lang: str, b: Builder = DASH) -> list:
    """Warnings first (as flags, in words and shape), then plain notes."""
    items = [flag_list(view.flags, lang, b)] if view.flags else []
    return items + [b.P(note, className="panel-note") for note in view.notes]


def panel_values(view: PanelView, lang: str, zone: str, year, threshold: int) -> list:
    """What the callback sends for one panel, in the order of PANEL_OUTPUTS (as JSON)."""
    reason = t("suppressed_reason", lang, n=threshold)
    return [
        view.sentence if not view.empty else "",
        panel_figure(view, lang, zone, year, threshold),
        facts_list(view.facts, reason, JSON),
        data_table(view.table, reason, b=JSON),
        note_items(view, lang, JSON),
        view.empty_text or t("empty_year", lang),
        not view.empty,
        view.empty,
    ]


def listing(view: PanelView, zone_id: str | None, year, lang: str, b: Builder = DASH):
    """A panel's list (projects, goals): the first rows, and where the rest is."""
    table = view.listing
    if table is None or not table.rows:
        return b.P(t(f"listing_none_{view.key}", lang), className="empty-state")
    parts = [data_table(table, class_name="data-table listing-table", b=b)]
    if table.note and zone_id:
        parts.append(list_export_links(PANELS[view.key].listing, PAGE, year, [zone_id], lang, b))
    return parts


def _panel(view: PanelView, lang: str, zone_id, zone: str, year, threshold: int, talk=None):
    reason = t("suppressed_reason", lang, n=threshold)
    key = view.key
    body = [
        html.Dl(facts_list(view.facts, reason), id=part_id(key, "facts"), className="facts"),
        chart(
            f"zone-{key}",
            panel_figure(view, lang, zone, year, threshold),
            view.sentence if not view.empty else "",
        ),
        table_details(view.table, lang, reason, body_id=part_id(key, "table")),
    ]
    if key in LISTINGS:
        label = view.listing.caption if view.listing is not None else view.title
        body.append(scroll_region(listing(view, zone_id, year, lang), label, id=listing_id(key)))
    children = [
        html.Div(note_items(view, lang), id=part_id(key, "notes"), className="panel-notes"),
        empty_state(
            view.empty_text or t("empty_year", lang), part_id(key, "empty"), hidden=not view.empty
        ),
        html.Div(body, id=part_id(key, "body"), hidden=view.empty),
        source_line(view.source),
    ]
    if talk is not None:
        listed, form = talk
        children.append(
            html.Div(
                [
                    html.Div(listed, id=part_id(key, "dialog-list")),
                    html.Div(form, id=part_id(key, "dialog-form")),
                ],
                className="panel-dialogue",
            )
        )
    return panel_section(key, view.title, children)


def _view(zone_id: str | None, year: int | None, lang: str, p: Prepared) -> dict:
    name = p.name(zone_id) if zone_id else ""
    title = f"{t('zone_title', lang, zone=name)} – {t('app_title', lang)}"
    return make_view(PAGE, lang, zone=zone_id, title=title, ar=year)


# ---------------------------------------------------------------- layout and callback


def layout(zone_id=None, **query):
    p = current()
    state = urls.parse(PAGE, query, p.known, zone_id)
    lang, year = state.lang, state.get("ar")
    zone = state.zone or (p.zone_ids[0] if zone_id is None and p.zone_ids else None)
    if zone is None:
        return _not_found(p, str(zone_id)[:40], lang, year)  # said back, so kept short
    if not p.years:
        content = [html.H1(t("zone_title", lang, zone=p.name(zone)), id=TITLE), no_data(lang)]
        return page_shell(content, lang, PAGE, p.dataset, _view(zone, year, lang, p))
    threshold = p.dataset.threshold
    notes = zone_notes(zone)
    views = zone_panels(p, zone, year, lang, notes)
    identity = current_identity()
    here = _view(zone, year, lang, p)["href"]
    talk = dialogue_parts(p, zone, year, lang, notes, identity, here)
    name = p.name(zone)
    controls = html.Div(
        [
            choice(ZONE, t("choose_zone", lang), zone_options(p.dataset), zone),
            year_choice(YEAR, year_choices(p, lang, zone), year, lang),
            html.Button(
                t("zone_print", lang), id=PRINT, className="button print-button", type="button"
            ),
        ],
        className="controls",
    )
    title = t("zone_title", lang, zone=name)
    content = [
        *print_marks(_print_head(p, title, year, lang), data_sources(p, None, lang), lang),
        html.H1(title, id=TITLE),
        html.P(t("zone_intro", lang), className="lead"),
        controls,
        html.Div(notes_block([partial_note(p, year, lang)]), id=NOTES),
        html.Section(
            [
                html.H2(t("dlg_zone_title", lang), id="zone-dialogue-heading"),
                html.Div(talk[0], id=DIALOGUE_LIST),
                html.Div(talk[1], id=DIALOGUE_FORM),
            ],
            className="panel dialogue-panel",
            **{"aria-labelledby": "zone-dialogue-heading"},
        ),
        html.Div(
            [
                _panel(v, lang, zone, name, year, threshold, talk[2 + 2 * i : 4 + 2 * i])
                for i, v in enumerate(views)
            ],
            className="panel-grid",
        ),
        *notes_ui.page_stores(),
    ]
    return page_shell(content, lang, PAGE, p.dataset, _view(zone, year, lang, p))


def _not_found(p: Prepared, asked: str, lang: str, year) -> html.Div:
    """`/sone/atlantis`: says so, with every zone to choose from (status 404: web/status.py).
    The address stays as typed."""
    content = [
        html.H1(t("zone_not_found", lang, zone=asked), id=TITLE),
        html.P(t("zone_not_found_text", lang), className="lead"),
        *ways_on(p, lang, year if p.years else None),
    ]
    title = f"{t('zone_not_found', lang, zone=asked)} – {t('app_title', lang)}"
    view = address_kept(make_view(PAGE, lang, title=title, ar=year))
    return page_shell(content, lang, PAGE, p.dataset, view)


def update(zone_id, year, view):
    """Callback: a new zone or year redraws every panel in place (inputs checked by the
    callback guard, parsed again so that a year without data falls back to the default)."""
    p = current()
    chips = p.years
    with contextlib.suppress(MissingCallbackContextException):  # called as a plain function
        chips = [o["id"]["value"] for o in ctx.outputs_list[3]]
    return update_values(p, zone_id, year, urls.VIEW.parse(view, None), chips)


def update_values(p: Prepared, zone_id, year, lang: str, chips: list | None = None):
    year = p.year_of(year)
    zone = urls.ZONE.parse(zone_id, p.known)
    notes = zone_notes(zone)
    title, notices, *panels = p.cached(_payload, zone, year, lang, notes)
    # A year before the zone joined the city cannot be chosen (its chips are disabled).
    chips = p.years if chips is None else chips
    disabled = [bool(zone) and not p.is_member(zone, c) for c in chips]
    view = _view(zone, year, lang, p)
    talk = dialogue_parts(p, zone, year, lang, notes, current_identity(), view["href"])
    head = _print_head(p, title, year, lang)
    return [title, view, notices, disabled, *panels, head, *plain(talk)]


def _print_head(p: Prepared, title: str, year, lang: str) -> str:
    return print_head(lang, title, year, sample=p.dataset.is_sample)


def refresh(_version, zone_id, year, view):
    """Callback: the notes changed (written here, or seen changed): every panel's list,
    table and chart again, the forms left as they are (they show what was just done)."""
    p = current()
    lang = urls.VIEW.parse(view, None)
    year = p.year_of(year)
    zone = urls.ZONE.parse(zone_id, p.known)
    notes = zone_notes(zone)
    _title, _notices, *panels = p.cached(_payload, zone, year, lang, notes)
    here = _view(zone, year, lang, p)["href"]
    talk = plain(dialogue_parts(p, zone, year, lang, notes, current_identity(), here))
    values = [talk[0]]
    for i in range(len(PANELS)):
        values += [panels[8 * i + 1], panels[8 * i + 3], talk[2 + 2 * i]]
    return values


def zone_notes(zone: str | None) -> tuple:
    """The zone's notes in effect, every year (what the charts mark and the tables list)."""
    if not zone:
        return ()
    return tuple(notes_ui.notes_store().list(zones=[zone], limit=notes_ui.ZONE_NOTES))


def dialogue_parts(p: Prepared, zone, year, lang: str, notes: tuple, identity, here: str) -> list:
    """The zone's notes section (list, form), then each panel's (list, form), for the
    person asking: what they may change has its buttons, where they may write a form."""
    if not zone:
        return [None] * (2 + 2 * len(PANELS))
    followups = [n for n in notes if n.is_open]
    general = [n for n in notes if n.panel is None and n.year == year and not n.is_open]
    listed = [
        html.H3(t("dlg_open_followups", lang)),
        notes_ui.note_list(
            followups, identity, GENERAL, lang, show_year=True, empty=t("dlg_no_followups", lang)
        ),
        html.H3(t("dlg_general_notes", lang, year=year)),
        notes_ui.note_list(general, identity, GENERAL, lang),
    ]
    label = t("dlg_general_label", lang, year=year)
    parts = [listed, notes_ui.note_form(GENERAL, zone, year, None, identity, lang, label, here)]
    for key, panel in PANELS.items():
        mine = [n for n in notes if n.panel == key]
        this_year = [n for n in mine if n.year == year]
        other = len(mine) - len(this_year)
        listed = [
            html.H3(t("dlg_panel_notes", lang, year=year), className="dialogue-heading"),
            notes_ui.note_list(this_year, identity, key, lang),
        ]
        if other:
            listed.append(html.P(t("dlg_other_years", lang, n=other), className="hint"))
        title = t(panel.title, lang)
        label = t("dlg_panel_label", lang, panel=title.lower(), year=year)
        parts += [listed, notes_ui.note_form(key, zone, year, key, identity, lang, label, here)]
    return parts


def _payload(p: Prepared, zone: str | None, year, lang: str, notes: tuple = ()) -> list:
    """The title, the notes and every panel's outputs for one zone and year; `notes` (the
    zone's, from the store) are part of the key, so a new note makes a new payload."""
    views = zone_panels(p, zone or "", year, lang, notes)
    name = p.name(zone) if zone else ""
    threshold = p.dataset.threshold
    values = [t("zone_title", lang, zone=name), notes_block([partial_note(p, year, lang)], JSON)]
    for panel_view in views:
        values += panel_values(panel_view, lang, name, year, threshold)
    by_key = {v.key: v for v in views}
    values += [listing(by_key[key], zone, year, lang, JSON) for key in LISTINGS]
    return plain(values)
