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
    Builder,
    chart,
    choice,
    data_table,
    empty_state,
    facts_list,
    flag_list,
    list_export_links,
    notes_block,
    page_shell,
    panel_section,
    plain,
    register_choice,
    source_line,
    table_details,
    view_id,
    year_choice,
    zone_options,
)
from ..data import Prepared, current
from ..i18n import t
from ..urls import make_view
from ..views.common import partial_note, year_choices
from ..views.zone import PANELS, PanelView, panel_figure, zone_panels
from ..web.callback_guard import declare

PAGE = "sone"
ZONE = "zone-select"
YEAR = "zone-year"
TITLE = "zone-title"
NOTES = "zone-notes"
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
    app.callback(
        *outputs,
        Input(ZONE, "data"),
        Input(YEAR, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(update)
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


def _panel(view: PanelView, lang: str, zone_id, zone: str, year, threshold: int):
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
        body.append(
            html.Div(
                listing(view, zone_id, year, lang),
                id=listing_id(key),
                className="table-scroll",
                tabIndex="0",
            )
        )
    children = [
        html.Div(note_items(view, lang), id=part_id(key, "notes"), className="panel-notes"),
        empty_state(
            view.empty_text or t("empty_year", lang), part_id(key, "empty"), hidden=not view.empty
        ),
        html.Div(body, id=part_id(key, "body"), hidden=view.empty),
        source_line(view.source),
    ]
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
    threshold = p.dataset.threshold
    views = zone_panels(p, zone or "", year, lang)
    name = p.name(zone) if zone else ""
    shown_id = str(zone_id)[:40]  # said back to the user, so kept short
    heading = t("zone_title", lang, zone=name) if zone else t("zone_unknown", lang, zone=shown_id)
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
    content = [
        html.H1(heading, id=TITLE),
        html.P(t("zone_intro", lang), className="lead"),
        controls,
        html.Div(notes_block([partial_note(p, year, lang)]), id=NOTES),
        html.Div(
            [_panel(v, lang, zone, name, year, threshold) for v in views], className="panel-grid"
        ),
    ]
    return page_shell(content, lang, PAGE, p.dataset, _view(zone, year, lang, p))


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
    title, notes, *panels = p.cached(_payload, zone, year, lang)
    # A year before the zone joined the city cannot be chosen (its chips are disabled).
    chips = p.years if chips is None else chips
    disabled = [bool(zone) and not p.is_member(zone, c) for c in chips]
    return [title, _view(zone, year, lang, p), notes, disabled, *panels]


def _payload(p: Prepared, zone: str | None, year, lang: str) -> list:
    """The title, the notes and every panel's outputs for one zone and year."""
    views = zone_panels(p, zone or "", year, lang)
    name = p.name(zone) if zone else ""
    threshold = p.dataset.threshold
    values = [t("zone_title", lang, zone=name), notes_block([partial_note(p, year, lang)], JSON)]
    for panel_view in views:
        values += panel_values(panel_view, lang, name, year, threshold)
    by_key = {v.key: v for v in views}
    values += [listing(by_key[key], zone, year, lang, JSON) for key in LISTINGS]
    return plain(values)
