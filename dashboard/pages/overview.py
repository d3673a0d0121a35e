"""Oversikt (`/`): every zone side by side for one year, for the head of home care.

URL: `/?ar=2021&sorter=oppfolging&retning=synkende&lang=en`.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from .. import urls
from ..components import (
    flag_badge,
    legend,
    page_shell,
    register_choice,
    source_line,
    value_cells,
    view_id,
    year_choice,
)
from ..i18n import soft_hyphens, t
from ..panels import (
    OVERVIEW_GROUPS,
    ZONE_SORT,
    OverviewView,
    Prepared,
    current,
    overview,
    spiral_history,
)
from ..urls import ASC, DESC, make_view
from ..web.callback_guard import Each, declare

PAGE = "oversikt"
YEAR = "ovw-year"
FLAGS = "ovw-flags"
TABLE = "ovw-table"
SORT = "ovw-sort-state"
SORT_BUTTON = "ovw-sort"


def register(app) -> None:
    dash.register_page(
        __name__,
        path="/",
        name="Oversikt",
        order=0,
        layout=layout,
        title="Oversikt – Samskaping i hjemmetjenesten",
    )
    app.callback(
        Output(FLAGS, "children"),
        Output(TABLE, "children"),
        Output(SORT, "data"),
        Output(view_id(PAGE), "data"),
        Input(YEAR, "data"),
        Input({"type": SORT_BUTTON, "col": ALL}, "n_clicks"),
        State(SORT, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(update)
    register_choice(app, YEAR)
    declare(
        app,
        (YEAR, "data", urls.YEAR),
        ({"type": SORT_BUTTON, "col": ALL}, "n_clicks", Each(urls.CLICKS, {"col": urls.SORT})),
        (SORT, "data", urls.SORT_STATE),
        (view_id(PAGE), "data", urls.VIEW),
    )


# ---------------------------------------------------------------- pure parts


def next_sort(state: dict | None, clicked: str | None) -> dict:
    """Clicking the sorted column flips its direction; another column starts highest first
    (zone names start at A)."""
    state = state or {"sorter": ZONE_SORT, "retning": ASC}
    if clicked is None:
        return state
    if clicked == state.get("sorter"):
        return {"sorter": clicked, "retning": ASC if state.get("retning") == DESC else DESC}
    return {"sorter": clicked, "retning": ASC if clicked == ZONE_SORT else DESC}


def _zone_href(zone_id: str, year: int | None, lang: str) -> str:
    return make_view("sone", lang, zone=zone_id, ar=year)["href"]


def _sort_header(slug: str, label: str, model: OverviewView, lang: str) -> html.Th:
    active = model.sort == slug
    direction = "descending" if model.descending else "ascending"
    arrow = ("▼" if model.descending else "▲") if active else "↕"
    button = html.Button(
        [
            soft_hyphens(label),
            html.Span(f" {arrow}", className="sort-arrow", **{"aria-hidden": "true"}),
        ],
        id={"type": SORT_BUTTON, "col": slug},
        className="sort-button",
        title=t("sort_by", lang, column=label),
    )
    extra = {"aria-sort": direction} if active else {}
    return html.Th(button, scope="col", **extra)


def overview_table(model: OverviewView, lang: str, threshold: int) -> html.Table:
    """The sortable table: zone, flags, then the indicators in their groups; median last."""
    reason = t("suppressed_reason", lang, n=threshold)
    groups = html.Tr(
        [html.Td(colSpan=2, className="group-spacer")]
        + [
            html.Th(t(key, lang), colSpan=len(cols), scope="colgroup", className="group")
            for key, cols in OVERVIEW_GROUPS
        ]
    )
    columns = html.Tr(
        [
            _sort_header(ZONE_SORT, t("zone", lang), model, lang),
            html.Th(t("ovw_flags_col", lang), scope="col"),
        ]
        + [_sort_header(m.slug, m.label(lang), model, lang) for m in model.columns]
    )
    body = []
    for row in model.rows:
        link = dcc.Link(row.zone, href=_zone_href(row.zone_id, model.year, lang))
        flags = html.Div([flag_badge(f) for f in row.flags], className="flag-cell")
        body.append(
            html.Tr([html.Th(link, scope="row"), html.Td(flags), *value_cells(row.cells, reason)])
        )
    foot = html.Tfoot(
        html.Tr(
            [html.Th(t("median_all", lang), scope="row"), html.Td()]
            + [html.Td(v) for v in model.median]
        )
    )
    caption = t(
        "ovw_table_caption",
        lang,
        year=model.year,
        column=model.sort_label(lang),
        direction=t("sort_desc" if model.descending else "sort_asc", lang),
    )
    return html.Table(
        [html.Caption(caption), html.Thead([groups, columns]), html.Tbody(body), foot],
        className="data-table overview-table",
    )


def flag_section(prepared: Prepared, model: OverviewView, lang: str) -> list:
    """What a head of home care would act on: each kind of flag and the zones carrying it."""
    items = []
    for flag, zones in model.summary:
        details = {
            z: next(f.detail for f in _flags_of(model, z) if f.kind == flag.kind) for z in zones
        }
        # Say a detail once when every zone shares it, per zone when it differs.
        shared = len(zones) > 1 and len(set(details.values())) == 1
        links = [f" ({flag.detail}): "] if shared else [": "]
        for i, zone_id in enumerate(zones):
            links += [", "] if i else []
            links.append(
                dcc.Link(prepared.name(zone_id), href=_zone_href(zone_id, model.year, lang))
            )
            links += [] if shared else [f" ({details[zone_id]})"]
        items.append(html.Li([flag_badge(flag), *links]))
    if not items:
        items.append(html.Li(t("ovw_no_flags", lang, year=model.year)))
    history = spiral_history(prepared, lang)
    notes = [html.P(history, className="note")] if history else []
    return [html.Ul(items, className="flag-summary"), *notes]


def _flags_of(model: OverviewView, zone_id: str):
    return next((r.flags for r in model.rows if r.zone_id == zone_id), [])


def render(prepared: Prepared, year: int | None, lang: str, sort: str, descending: bool):
    model = overview(prepared, year, lang, sort, descending)
    table = overview_table(model, lang, prepared.dataset.threshold)
    return model, flag_section(prepared, model, lang), table


def _view(model: OverviewView, lang: str) -> dict:
    sort = None if model.sort == ZONE_SORT and not model.descending else model.sort
    direction = (DESC if model.descending else ASC) if sort else None
    return make_view(PAGE, lang, title=_title(lang), ar=model.year, sorter=sort, retning=direction)


def _title(lang: str) -> str:
    return f"{t('nav_oversikt', lang)} – {t('app_title', lang)}"


# ---------------------------------------------------------------- layout and callback


def layout(**query):
    prepared = current()
    state = urls.parse(PAGE, query, prepared.known)
    lang, year = state.lang, state.get("ar")
    model, flags, table = render(
        prepared, year, lang, state.get("sorter"), state.get("retning") == DESC
    )
    content = [
        html.H1(t("ovw_title", lang)),
        html.P(t("ovw_intro", lang), className="lead"),
        html.Div(year_choice(YEAR, prepared.years, year, lang), className="controls"),
        html.Section(
            [
                html.H2(t("ovw_flags_title", lang), id="ovw-flags-heading"),
                html.Div(flags, id=FLAGS),
            ],
            className="panel flags-panel",
            **{"aria-labelledby": "ovw-flags-heading"},
        ),
        html.Section(
            [
                html.Div(table, id=TABLE, className="table-scroll"),
                legend(lang, prepared.dataset.threshold),
                source_line(prepared.sources_note(None, lang)),
            ],
            className="panel table-panel",
            **{"aria-label": t("ovw_table_title", lang, year=year)},
        ),
        dcc.Store(
            id=SORT, data={"sorter": model.sort, "retning": DESC if model.descending else ASC}
        ),
    ]
    view = _view(model, lang)
    return page_shell(content, lang, PAGE, prepared.dataset, view)


def update(year, _clicks, sort_state, view):
    """Callback: a new year or a sort click redraws the flags and the table.

    Its inputs were checked by the callback guard; they are parsed here once more so that a
    year without data or a column the overview does not show falls back to the default."""
    clicked = ctx.triggered_id.get("col") if isinstance(ctx.triggered_id, dict) else None
    return update_view(current(), year, sort_state, clicked, urls.VIEW.parse(view, None))


def update_view(prepared: Prepared, year, sort_state, clicked, lang):
    known = prepared.known
    clicked = clicked if clicked in urls.SORTS else None
    state = next_sort(urls.SORT_STATE.parse(sort_state, known), clicked)
    year = urls.YEAR.parse(year, known)
    descending = state["retning"] == DESC
    model, flags, table = prepared.memo(
        ("oversikt", year, state["sorter"], descending, lang),
        lambda: render(prepared, year, lang, state["sorter"], descending),
    )
    return flags, table, state, _view(model, lang)
