"""Oversikt (`/`): the triage screen for the head of home care, one year, every zone.

URL: `/?ar=2021&sorter=flagg&retning=synkende&lang=en`.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from .. import urls
from ..components import (
    DASH,
    JSON,
    Builder,
    cue_mark,
    flag_badge,
    legend,
    notes_block,
    page_shell,
    plain,
    register_choice,
    severity_text,
    source_line,
    suppressed_cell,
    view_id,
    year_choice,
)
from ..data import Prepared, current
from ..i18n import SUPPRESSED, soft_hyphens, t
from ..metrics import OVERVIEW_GROUPS
from ..urls import ASC, DESC, FLAG_SORT, ZONE_SORT, make_view
from ..views.common import data_sources, year_choices
from ..views.overview import Cell, OverviewView, overview
from ..web.callback_guard import Each, declare

PAGE = "oversikt"
YEAR = "ovw-year"
FLAGS = "ovw-flags"
TABLE = "ovw-table"
NOTES = "ovw-notes"
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
        Output(NOTES, "children"),
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
    return urls.href("sone", lang, zone=zone_id, ar=year)


def _sort_header(
    slug: str, label: str, model: OverviewView, lang: str, b: Builder = DASH, **extra
) -> html.Th:
    active = model.sort == slug
    direction = "descending" if model.descending else "ascending"
    arrow = ("▼" if model.descending else "▲") if active else "↕"
    button = b.Button(
        [
            soft_hyphens(label),
            b.Span(f" {arrow}", className="sort-arrow", **{"aria-hidden": "true"}),
        ],
        id={"type": SORT_BUTTON, "col": slug},
        className="sort-button",
        title=t("sort_by", lang, column=label),
    )
    if active:
        extra["aria-sort"] = direction
    return b.Th(button, scope="col", **extra)


def value_cell(cell: Cell, reason: str, b: Builder = DASH) -> html.Td:
    """A value with its comparison: a symbol and a colour, and the comparison in words."""
    if cell.text == SUPPRESSED:
        return b.Td(suppressed_cell(reason, b))
    if not cell.cue:
        return b.Td(cell.text)
    return b.Td(
        [
            cue_mark(cell.cue, b),
            " ",
            cell.text,
            b.Span(f" ({cell.said})", className="visually-hidden"),
        ],
        className=f"cell-{cell.cue}",
        title=cell.said,
    )


def overview_table(model: OverviewView, lang: str, threshold: int, b: Builder = DASH) -> html.Table:
    """The sortable table: zone, flags, trend, then the indicators in their groups; the
    median last. The zone column stays in view when the table scrolls sideways."""
    reason = t("suppressed_reason", lang, n=threshold)
    groups = b.Tr(
        [b.Td(colSpan=3, className="group-spacer sticky-col")]
        + [
            b.Th(t(key, lang), colSpan=len(cols), scope="colgroup", className="group")
            for key, cols in OVERVIEW_GROUPS
        ]
    )
    columns = b.Tr(
        [
            _sort_header(ZONE_SORT, t("zone", lang), model, lang, b, className="sticky-col"),
            _sort_header(FLAG_SORT, t("ovw_flags_col", lang), model, lang, b),
            b.Th(t("ovw_trend_col", lang, year=model.year - 1 if model.year else "–"), scope="col"),
        ]
        + [_sort_header(m.slug, t(m.label, lang), model, lang, b) for m in model.columns]
    )
    body = []
    for row in model.rows:
        link = b.Link(row.zone, href=_zone_href(row.zone_id, model.year, lang))
        flags = b.Div([flag_badge(f, lang, b=b) for f in row.flags], className="flag-cell")
        trend = (
            b.Td(
                [
                    b.Span(row.trend.symbol, **{"aria-hidden": "true"}),
                    b.Span(row.trend.text, className="visually-hidden"),
                ],
                title=row.trend.text,
                className="trend",
            )
            if row.trend
            else b.Td("–")
        )
        body.append(
            b.Tr(
                [
                    b.Th(link, scope="row", className="sticky-col"),
                    b.Td(flags),
                    trend,
                    *(value_cell(c, reason, b) for c in row.cells),
                ]
            )
        )
    foot = b.Tfoot(
        b.Tr(
            [
                b.Th(t("median_all", lang), scope="row", className="sticky-col"),
                b.Td(),
                b.Td(),
            ]
            + [b.Td(v) for v in model.median]
        )
    )
    caption = t(
        "ovw_table_caption",
        lang,
        year=model.year,
        column=model.sort_label(lang),
        direction=t("sort_desc" if model.descending else "sort_asc", lang),
    )
    return b.Table(
        [b.Caption(caption), b.Thead([groups, columns]), b.Tbody(body), foot],
        className="data-table overview-table",
    )


def flag_section(p: Prepared, model: OverviewView, lang: str, b: Builder = DASH) -> list:
    """What a head of home care would act on: each kind of flag, its rule and severity, the
    zones carrying it (with why); flags most zones carry are one note for the municipality."""
    items = []
    summary = model.summary
    names = {row.zone_id: row for row in model.rows}
    for group in summary.zone_groups:
        flag = next(f for f in names[group.zones[0][0]].flags if f.kind == group.rule.kind)
        # The severity is said in words after the rule, so the badge need not say it too.
        links: list = [
            flag_badge(flag, lang, f"{group.label}:", say_severity=False, b=b),
            " ",
        ]
        for i, (zone_id, detail) in enumerate(group.zones):
            links += [", "] if i else []
            links.append(b.Link(p.name(zone_id), href=_zone_href(zone_id, model.year, lang)))
            links.append(f" ({detail})")
        severity = severity_text(group.rule.severity, lang)
        links.append(b.Span(f". {group.rule_text} {severity}", className="flag-rule"))
        if group.note:
            links.append(b.Span(f" {group.note}", className="flag-rule"))
        items.append(b.Li(links, className=f"severity-{group.rule.severity}"))
    if not items:
        items.append(b.Li(t("ovw_no_flags", lang, year=model.year)))
    common = [
        b.Li([b.Strong(g.note), b.Span(f" {g.rule_text}", className="flag-rule")])
        for g in summary.common
    ]
    parts = [b.Ul(items, className="flag-summary")]
    if model.history:
        parts.append(b.P(model.history, className="note"))
    if common:
        parts += [
            b.H3(t("ovw_common_title", lang), className="common-title"),
            b.Ul(common, className="common-notes"),
        ]
    return parts


def render(
    p: Prepared, year: int | None, lang: str, sort: str, descending: bool, b: Builder = DASH
):
    model = overview(p, year, lang, sort, descending)
    table = overview_table(model, lang, p.dataset.threshold, b)
    return model, flag_section(p, model, lang, b), table, notes_block(model.notes, b)


def _rendered(p: Prepared, year, lang: str, sort: str, descending: bool):
    """What the callback sends, as plain JSON once per version and view (see `plain`)."""
    model, flags, table, notes = render(p, year, lang, sort, descending, JSON)
    return (model, *plain([flags, table, notes]))


def _view(model: OverviewView, lang: str) -> dict:
    sort = None if model.sort == ZONE_SORT and not model.descending else model.sort
    direction = (DESC if model.descending else ASC) if sort else None
    return make_view(PAGE, lang, title=_title(lang), ar=model.year, sorter=sort, retning=direction)


def _title(lang: str) -> str:
    return f"{t('nav_oversikt', lang)} – {t('app_title', lang)}"


# ---------------------------------------------------------------- layout and callback


def layout(**query):
    p = current()
    state = urls.parse(PAGE, query, p.known)
    lang, year = state.lang, state.get("ar")
    descending = state.get("retning") == DESC
    model, flags, table, notes = render(p, year, lang, state.get("sorter"), descending)
    content = [
        html.H1(t("ovw_title", lang)),
        html.P(t("ovw_intro", lang), className="lead"),
        html.Div(year_choice(YEAR, year_choices(p, lang), year, lang), className="controls"),
        html.Div(notes, id=NOTES),
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
                html.Div(table, id=TABLE, className="table-scroll", tabIndex="0"),
                legend(lang, p.dataset.threshold, cues=True),
                source_line(data_sources(p, None, lang)),
            ],
            className="panel table-panel",
            **{"aria-label": t("ovw_table_title", lang, year=year)},
        ),
        dcc.Store(id=SORT, data={"sorter": model.sort, "retning": DESC if descending else ASC}),
    ]
    return page_shell(content, lang, PAGE, p.dataset, _view(model, lang))


def update(year, _clicks, sort_state, view):
    """Callback: a new year or a sort click redraws the flags, the notes and the table.

    Its inputs were checked by the callback guard; they are parsed here once more so that a
    year without data or a column the overview does not show falls back to the default."""
    clicked = ctx.triggered_id.get("col") if isinstance(ctx.triggered_id, dict) else None
    return update_view(current(), year, sort_state, clicked, urls.VIEW.parse(view, None))


def update_view(p: Prepared, year, sort_state, clicked, lang):
    clicked = clicked if clicked in urls.SORTS else None
    state = next_sort(urls.SORT_STATE.parse(sort_state, p.known), clicked)
    year = p.year_of(year)
    descending = state["retning"] == DESC
    model, flags, table, notes = p.cached(_rendered, year, lang, state["sorter"], descending)
    return flags, table, notes, state, _view(model, lang)
