"""Sone (`/sone/<zone_id>?ar=2021`): five panels for one unit leader.

Each panel shows the chosen year against the zone's own earlier years and against the other
zones (rank and median), says in one sentence what its chart shows, keeps the numbers in a
table, names its source and has an empty state. Switching zone or year updates figures and
texts in place; the address bar follows (see components.register_shell_callbacks).
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State, html

from .. import urls
from ..components import (
    chart,
    choice,
    data_table,
    empty_state,
    facts_list,
    flag_list,
    page_shell,
    panel_section,
    register_choice,
    source_line,
    table_details,
    view_id,
    year_choice,
    zone_options,
)
from ..figures import budget_spec, empty_spec, history_spec, projects_spec, survey_spec
from ..i18n import t
from ..panels import Prepared, current
from ..urls import make_view
from ..web.callback_guard import declare
from ..zone_view import PANELS, PanelView, zone_panels

PAGE = "sone"
ZONE = "zone-select"
YEAR = "zone-year"
TITLE = "zone-title"
PRINT = "zone-print"
# What the zone callback updates in each panel, in the order `panel_values` returns it.
PANEL_OUTPUTS = (
    ("summary", "children"),
    ("graph", "figure"),
    ("facts", "children"),
    ("table", "children"),
    ("notes", "children"),
    ("empty", "hidden"),
    ("body", "hidden"),
)


def part_id(panel: str, part: str) -> str:
    return f"zone-{panel}-{part}"


def register(app) -> None:
    dash.register_page(
        __name__,
        path_template="/sone/<zone_id>",
        name="Sone",
        order=1,
        layout=layout,
        title=_page_title,
    )
    outputs = [Output(TITLE, "children"), Output(view_id(PAGE), "data")]
    outputs += [
        Output(part_id(panel, part), prop) for panel in PANELS for part, prop in PANEL_OUTPUTS
    ]
    outputs.append(Output(part_id("projects", "projects"), "children"))
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
    return f"Sone {zone_id or ''} – Samskaping i hjemmetjenesten"


# ---------------------------------------------------------------- pure parts


def panel_figure(view: PanelView, lang: str, zone: str, year: int | None, threshold: int):
    """The chart of one panel, from its series (a plotly figure spec; see figures.py)."""
    frame = view.series
    if view.empty or frame is None or frame.empty:
        return empty_spec(lang)
    if view.key == "budget":
        return budget_spec(frame, lang, zone)
    if view.key == "projects":
        return projects_spec(frame, lang, zone)
    if view.key == "survey":
        return survey_spec(frame, lang, zone, year, threshold)
    return history_spec(frame, "scale" if view.key == "risk" else "pct", lang, zone)


def note_items(view: PanelView) -> list:
    """Warnings first (as flags, in words and shape), then plain notes."""
    items = [flag_list(view.flags)] if view.flags else []
    return items + [html.P(note, className="panel-note") for note in view.notes]


def panel_values(view: PanelView, lang: str, zone: str, year, threshold: int) -> list:
    """What the callback sends for one panel, in the order of PANEL_OUTPUTS."""
    reason = t("suppressed_reason", lang, n=threshold)
    return [
        view.sentence if not view.empty else "",
        panel_figure(view, lang, zone, year, threshold),
        facts_list(view.facts, reason),
        data_table(view.table, reason),
        note_items(view),
        not view.empty,
        view.empty,
    ]


def projects_list(view: PanelView, lang: str):
    table = view.projects
    if table is None or not table.rows:
        return html.P(t("projects_none", lang), className="empty-state")
    return data_table(table, class_name="data-table projects-table")


def _panel(view: PanelView, lang: str, zone: str, year, threshold: int) -> html.Section:
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
    if key == "projects":
        body.append(
            html.Div(
                projects_list(view, lang), id=part_id(key, "projects"), className="table-scroll"
            )
        )
    children = [
        html.Div(note_items(view), id=part_id(key, "notes"), className="panel-notes"),
        empty_state(t("empty_year", lang), part_id(key, "empty"), hidden=not view.empty),
        html.Div(body, id=part_id(key, "body"), hidden=view.empty),
        source_line(view.source),
    ]
    return panel_section(key, view.title, children)


def _view(zone_id: str | None, year: int | None, lang: str, prepared: Prepared) -> dict:
    name = prepared.name(zone_id) if zone_id else ""
    title = f"{t('zone_title', lang, zone=name)} – {t('app_title', lang)}"
    return make_view(PAGE, lang, zone=zone_id, title=title, ar=year)


# ---------------------------------------------------------------- layout and callback


def layout(zone_id=None, **query):
    prepared = current()
    state = urls.parse(PAGE, query, prepared.known, zone_id)
    lang, year = state.lang, state.get("ar")
    zone = state.zone or (prepared.zone_ids[0] if zone_id is None and prepared.zone_ids else None)
    zone_id = str(zone_id)[: urls.MAX_TEXT // 4]  # said back to the user, so kept short
    threshold = prepared.dataset.threshold
    views = (
        zone_panels(prepared, zone, year, lang) if zone else zone_panels(prepared, "", year, lang)
    )
    name = prepared.name(zone) if zone else str(zone_id)
    heading = t("zone_title", lang, zone=name) if zone else t("zone_unknown", lang, zone=zone_id)
    controls = html.Div(
        [
            choice(ZONE, t("choose_zone", lang), zone_options(prepared.dataset), zone),
            year_choice(YEAR, prepared.years, year, lang),
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
        html.Div([_panel(v, lang, name, year, threshold) for v in views], className="panel-grid"),
    ]
    view = _view(zone, year, lang, prepared)
    return page_shell(content, lang, PAGE, prepared.dataset, view)


def update(zone_id, year, view):
    """Callback: a new zone or year redraws the five panels in place (inputs checked by the
    callback guard, parsed again so that a year without data falls back to the default)."""
    return update_values(current(), zone_id, year, urls.VIEW.parse(view, None))


def update_values(prepared: Prepared, zone_id, year, lang: str):
    year = urls.YEAR.parse(year, prepared.known)
    zone = urls.ZONE.parse(zone_id, prepared.known)
    title, *panels = prepared.memo(
        ("sone", zone, year, lang), lambda: _payload(prepared, zone, year, lang)
    )
    return [title, _view(zone, year, lang, prepared), *panels]


def _payload(prepared: Prepared, zone: str | None, year, lang: str) -> list:
    """The title and every panel's outputs for one zone and year (figures as plain dicts)."""
    views = zone_panels(prepared, zone or "", year, lang)
    name = prepared.name(zone) if zone else ""
    threshold = prepared.dataset.threshold
    values = [t("zone_title", lang, zone=name)]
    for panel_view in views:
        values += panel_values(panel_view, lang, name, year, threshold)
    projects = next(v for v in views if v.key == "projects")
    values.append(projects_list(projects, lang))
    return values
