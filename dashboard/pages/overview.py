"""Oversikt (`/`): the triage screen for the head of home care, one year, every zone.

URL: `/?ar=2021&sorter=flagg&retning=synkende&lang=en`.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from .. import urls
from ..components import (
    choice,
    cue_mark,
    flag_badge,
    legend,
    link_id,
    no_data,
    notes_block,
    page_shell,
    plain,
    register_choice,
    scroll_region,
    severity_text,
    source_line,
    suppressed_cell,
    view_id,
    year_choice,
)
from ..data import Prepared, current, get_store
from ..i18n import SUPPRESSED, soft_hyphens, t
from ..metrics import OVERVIEW_GROUPS
from ..store.notes import Notes
from ..urls import ASC, DESC, FLAG_SORT, ZONE_SORT, make_view
from ..views import dialogue
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
COLUMNS = "ovw-columns"  # the column groups shown (the URL keeps those hidden: `skjul`)


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
        Input(COLUMNS, "data"),
        State(SORT, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(update)
    register_choice(app, YEAR)
    register_choice(app, COLUMNS, multi=True)
    declare(
        app,
        (YEAR, "data", urls.YEAR),
        ({"type": SORT_BUTTON, "col": ALL}, "n_clicks", Each(urls.CLICKS, {"col": urls.SORT})),
        (COLUMNS, "data", urls.HIDDEN_GROUPS),
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


def _sort_header(slug: str, label: str, model: OverviewView, lang: str, **extra) -> html.Th:
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
    if active:
        extra["aria-sort"] = direction
    return html.Th(button, scope="col", **extra)


def value_cell(cell: Cell, reason: str) -> html.Td:
    """A value with its comparison: a symbol and a colour, and the comparison in words."""
    if cell.text == SUPPRESSED:
        return html.Td(suppressed_cell(reason))
    if not cell.cue:
        return html.Td(cell.text)
    return html.Td(
        [
            cue_mark(cell.cue),
            " ",
            cell.text,
            html.Span(f" ({cell.said})", className="visually-hidden"),
        ],
        className=f"cell-{cell.cue}",
        title=cell.said,
    )


def followup_badge(notes: list, lang: str):
    """A zone's open follow-ups beside its flags: a count that opens into their texts."""
    if not notes:
        return None
    said = t("dlg_ovw_badge_said", lang, n=len(notes))
    return html.Details(
        [
            html.Summary(
                [
                    html.Span("↻ ", **{"aria-hidden": "true"}),
                    t("dlg_ovw_badge", lang, n=len(notes)),
                ],
                title=said,
                className="followup-badge",
            ),
            html.Ul(
                [html.Li(f"{n.text} ({dialogue.followup_line(n, lang)})") for n in notes],
                className="followup-texts",
            ),
        ],
        className="followup-cell",
    )


def shown_groups(hidden) -> list[str]:
    """The column groups a reader keeps on screen (slugs, in the table's order)."""
    return [slug for slug in urls.HIDDEN_GROUPS.values if slug not in (hidden or ())]


def overview_table(
    model: OverviewView, lang: str, threshold: int, hidden=(), followups: tuple = ()
) -> html.Table:
    """The sortable table: zone, flags (and open follow-ups), trend, then the indicators in
    their groups; the median last. The zone column stays in view when the table scrolls
    sideways; the groups a reader hid (`hidden`, slugs) are left out."""
    by_zone: dict[str, list] = {}
    for note in followups:
        by_zone.setdefault(note.zone_id, []).append(note)
    reason = t("suppressed_reason", lang, n=threshold)
    kept = {key for key, _ in OVERVIEW_GROUPS if urls.GROUP_SLUGS[key] not in hidden}
    show = [m.group in kept for m in model.columns]
    groups = html.Tr(
        [html.Td(colSpan=3, className="group-spacer sticky-col")]
        + [
            html.Th(t(key, lang), colSpan=len(cols), scope="colgroup", className="group")
            for key, cols in OVERVIEW_GROUPS
            if key in kept
        ]
    )
    columns = html.Tr(
        [
            _sort_header(ZONE_SORT, t("zone", lang), model, lang, className="sticky-col"),
            _sort_header(FLAG_SORT, t("ovw_flags_col", lang), model, lang),
            html.Th(
                t("ovw_trend_col", lang, year=model.year - 1 if model.year else "–"), scope="col"
            ),
        ]
        + [
            _sort_header(m.slug, t(m.label, lang), model, lang)
            for m, on in zip(model.columns, show, strict=True)
            if on
        ]
    )
    body = []
    for row in model.rows:
        link = dcc.Link(row.zone, href=_zone_href(row.zone_id, model.year, lang))
        flags = html.Div(
            [
                *(flag_badge(f, lang) for f in row.flags),
                followup_badge(by_zone.get(row.zone_id, []), lang),
            ],
            className="flag-cell",
        )
        trend = (
            html.Td(
                [
                    html.Span(row.trend.symbol, **{"aria-hidden": "true"}),
                    html.Span(row.trend.text, className="visually-hidden"),
                ],
                title=row.trend.text,
                className="trend",
            )
            if row.trend
            else html.Td("–")
        )
        body.append(
            html.Tr(
                [
                    html.Th(link, scope="row", className="sticky-col"),
                    html.Td(flags),
                    trend,
                    *(value_cell(c, reason) for c, on in zip(row.cells, show, strict=True) if on),
                ]
            )
        )
    foot = html.Tfoot(
        html.Tr(
            [
                html.Th(t("median_all", lang), scope="row", className="sticky-col"),
                html.Td(),
                html.Td(),
            ]
            + [html.Td(v) for v, on in zip(model.median, show, strict=True) if on]
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


def followup_section(p: Prepared, model: OverviewView, followups: tuple, lang: str) -> list:
    """The open follow-ups of every zone, by due date: what the head of home care asked
    for and is waiting on."""
    if not followups:
        return [html.P(t("dlg_no_followups", lang))]
    items = []
    for note in followups:
        link = dcc.Link(p.name(note.zone_id), href=_zone_href(note.zone_id, model.year, lang))
        where = f"{note.year}" + (
            f", {dialogue.panel_label(note.panel, lang)}" if note.panel else ""
        )
        items.append(
            html.Li(
                [
                    link,
                    f" ({where}): ",
                    note.text,
                    html.Span(
                        f" · {dialogue.followup_line(note, lang)} · {dialogue.byline(note, lang)}",
                        className="flag-rule",
                    ),
                ],
                className=f"followup dlg-status-{note.status}",
            )
        )
    return [html.Ul(items, className="followup-list")]


def flag_section(p: Prepared, model: OverviewView, lang: str) -> list:
    """What a head of home care would act on: each kind of flag, its rule and severity, the
    zones carrying it (with why); flags most zones carry are one note for the municipality."""
    items = []
    summary = model.summary
    names = {row.zone_id: row for row in model.rows}
    for group in summary.zone_groups:
        flag = next(f for f in names[group.zones[0][0]].flags if f.kind == group.rule.kind)
        # The severity is said in words after the rule, so the badge need not say it too.
        links: list = [flag_badge(flag, lang, f"{group.label}:", say_severity=False), " "]
        for i, (zone_id, detail) in enumerate(group.zones):
            links += [", "] if i else []
            links.append(dcc.Link(p.name(zone_id), href=_zone_href(zone_id, model.year, lang)))
            links.append(f" ({detail})")
        severity = severity_text(group.rule.severity, lang)
        links.append(html.Span(f". {group.rule_text} {severity}", className="flag-rule"))
        if group.note:
            links.append(html.Span(f" {group.note}", className="flag-rule"))
        items.append(html.Li(links, className=f"severity-{group.rule.severity}"))
    if not items:
        items.append(html.Li(t("ovw_no_flags", lang, year=model.year)))
    common = [
        html.Li([html.Strong(g.note), html.Span(f" {g.rule_text}", className="flag-rule")])
        for g in summary.common
    ]
    parts = [html.Ul(items, className="flag-summary")]
    if model.history:
        parts.append(html.P(model.history, className="note"))
    if common:
        parts += [
            html.H3(t("ovw_common_title", lang), className="common-title"),
            html.Ul(common, className="common-notes"),
        ]
    return parts


def render(
    p: Prepared, year: int | None, lang: str, sort: str, descending: bool, hidden=(), followups=()
):
    model = overview(p, year, lang, sort, descending)
    table = overview_table(model, lang, p.dataset.threshold, hidden, followups)
    flags = [
        *flag_section(p, model, lang),
        html.H3(t("dlg_open_followups", lang), className="common-title"),
        *followup_section(p, model, followups, lang),
    ]
    return model, flags, table, notes_block(model.notes)


def _rendered(
    p: Prepared, year, lang: str, sort: str, descending: bool, hidden: tuple, followups=()
):
    """What the callback sends, as plain JSON once per version, view and set of open
    follow-ups (see `plain`)."""
    model, flags, table, notes = render(p, year, lang, sort, descending, hidden, followups)
    return (model, *plain([flags, table, notes]))


def open_followups() -> tuple:
    """Every zone's open follow-ups, by due date (a store question per request: they
    change without an import)."""
    return tuple(Notes.for_store(get_store()).open_followups())


def _view(model: OverviewView, lang: str, hidden=()) -> dict:
    sort = None if model.sort == ZONE_SORT and not model.descending else model.sort
    direction = (DESC if model.descending else ASC) if sort else None
    return make_view(
        PAGE,
        lang,
        title=_title(lang),
        ar=model.year,
        sorter=sort,
        retning=direction,
        skjul=list(hidden),
    )


def column_choice(hidden, lang: str) -> html.Details:
    """Which column groups to show: folded away, so the table itself stays first."""
    options = [(urls.GROUP_SLUGS[key], t(key, lang)) for key, _ in OVERVIEW_GROUPS]
    return html.Details(
        [
            html.Summary(t("ovw_columns", lang)),
            choice(COLUMNS, t("ovw_columns_legend", lang), options, shown_groups(hidden), True),
        ],
        className="column-choice",
    )


def _title(lang: str) -> str:
    return f"{t('nav_oversikt', lang)} – {t('app_title', lang)}"


# ---------------------------------------------------------------- layout and callback


def layout(**query):
    p = current()
    state = urls.parse(PAGE, query, p.known)
    lang, year = state.lang, state.get("ar")
    if not p.years:
        content = [html.H1(t("ovw_title", lang)), no_data(lang)]
        return page_shell(content, lang, PAGE, p.dataset, make_view(PAGE, lang, title=_title(lang)))
    descending = state.get("retning") == DESC
    hidden = tuple(state.get("skjul", []))
    followups = open_followups()
    sort = state.get("sorter")
    model, flags, table, notes = render(p, year, lang, sort, descending, hidden, followups)
    content = [
        html.H1(t("ovw_title", lang)),
        html.P(t("ovw_intro", lang), className="lead"),
        html.Div(year_choice(YEAR, year_choices(p, lang), year, lang), className="controls"),
        html.P(
            dcc.Link(
                t("rep_link", lang),
                href=urls.href("rapport", lang, ar=year),
                id=link_id("report"),
            ),
            className="report-link",
        ),
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
                column_choice(hidden, lang),
                scroll_region(table, t("ovw_table_region", lang), id=TABLE),
                legend(lang, p.dataset.threshold, cues=True),
                source_line(data_sources(p, None, lang)),
            ],
            className="panel table-panel",
            **{"aria-label": t("ovw_table_title", lang, year=year)},
        ),
        dcc.Store(id=SORT, data={"sorter": model.sort, "retning": DESC if descending else ASC}),
    ]
    return page_shell(content, lang, PAGE, p.dataset, _view(model, lang, hidden))


def update(year, _clicks, shown, sort_state, view):
    """Callback: a new year or a sort click redraws the flags, the notes and the table.

    Its inputs were checked by the callback guard; they are parsed here once more so that a
    year without data or a column the overview does not show falls back to the default."""
    clicked = ctx.triggered_id.get("col") if isinstance(ctx.triggered_id, dict) else None
    lang = urls.VIEW.parse(view, None)
    return update_view(current(), year, sort_state, clicked, lang, shown)


def update_view(p: Prepared, year, sort_state, clicked, lang, shown=None):
    clicked = clicked if clicked in urls.SORTS else None
    state = next_sort(urls.SORT_STATE.parse(sort_state, p.known), clicked)
    year = p.year_of(year)
    descending = state["retning"] == DESC
    kept = urls.HIDDEN_GROUPS.parse(
        shown if shown is not None else list(urls.GROUP_SLUGS.values()), p.known
    )
    hidden = tuple(slug for slug in urls.HIDDEN_GROUPS.values if slug not in kept)
    model, flags, table, notes = p.cached(
        _rendered, year, lang, state["sorter"], descending, hidden, open_followups()
    )
    return flags, table, notes, state, _view(model, lang, hidden)
