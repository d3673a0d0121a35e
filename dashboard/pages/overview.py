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
from ..views.flags import flags_for
from ..views.overview import Cell, OverviewView, default_sort, overview
from ..web.callback_guard import Each, declare

PAGE = "oversikt"
YEAR = "ovw-year"
FLAGS = "ovw-flags"
TABLE = "ovw-table"
NOTES = "ovw-notes"
SORT = "ovw-sort-state"
SORT_BUTTON = "ovw-sort"
PAGE_BUTTON = "ovw-page"
FLAG_ZONES_NAMED = 10  # zones named per kind of flag; the table sorted by flags has them all
PAGE_BUTTONS = 9  # page buttons shown at most: the first, the last and those around this one
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
        Input({"type": PAGE_BUTTON, "page": ALL}, "n_clicks"),
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
        (
            {"type": PAGE_BUTTON, "page": ALL},
            "n_clicks",
            Each(urls.CLICKS, {"page": urls.PAGE_NUMBER}, max_items=PAGE_BUTTONS),
        ),
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


def followup_badge(notes: list, lang: str, b: Builder = DASH):
    """A zone's open follow-ups beside its flags: a count that opens into their texts."""
    if not notes:
        return None
    said = t("dlg_ovw_badge_said", lang, n=len(notes))
    return b.Details(
        [
            b.Summary(
                [
                    b.Span("↻ ", **{"aria-hidden": "true"}),
                    t("dlg_ovw_badge", lang, n=len(notes)),
                ],
                title=said,
                className="followup-badge",
            ),
            b.Ul(
                [b.Li(f"{n.text} ({dialogue.followup_line(n, lang)})") for n in notes],
                className="followup-texts",
            ),
        ],
        className="followup-cell",
    )


def shown_groups(hidden) -> list[str]:
    """The column groups a reader keeps on screen (slugs, in the table's order)."""
    return [slug for slug in urls.HIDDEN_GROUPS.values if slug not in (hidden or ())]


def overview_table(
    model: OverviewView,
    lang: str,
    threshold: int,
    b: Builder = DASH,
    hidden=(),
    followups: tuple = (),
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
    groups = b.Tr(
        [b.Td(colSpan=3, className="group-spacer sticky-col")]
        + [
            b.Th(t(key, lang), colSpan=len(cols), scope="colgroup", className="group")
            for key, cols in OVERVIEW_GROUPS
            if key in kept
        ]
    )
    columns = b.Tr(
        [
            _sort_header(ZONE_SORT, t("zone", lang), model, lang, b, className="sticky-col"),
            _sort_header(FLAG_SORT, t("ovw_flags_col", lang), model, lang, b),
            b.Th(t("ovw_trend_col", lang, year=model.year - 1 if model.year else "–"), scope="col"),
        ]
        + [
            _sort_header(m.slug, t(m.label, lang), model, lang, b)
            for m, on in zip(model.columns, show, strict=True)
            if on
        ]
    )
    body = []
    for row in model.rows:
        link = b.Link(row.zone, href=_zone_href(row.zone_id, model.year, lang))
        flags = b.Div(
            [
                *(flag_badge(f, lang, b=b) for f in row.flags),
                followup_badge(by_zone.get(row.zone_id, []), lang, b),
            ],
            className="flag-cell",
        )
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
                    *(
                        value_cell(c, reason, b)
                        for c, on in zip(row.cells, show, strict=True)
                        if on
                    ),
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
            + [b.Td(v) for v, on in zip(model.median, show, strict=True) if on]
        )
    )
    caption = t(
        "ovw_table_caption",
        lang,
        year=model.year,
        column=model.sort_label(lang),
        direction=t("sort_desc" if model.descending else "sort_asc", lang),
    )
    if model.pages > 1:
        caption = f"{caption} {page_status(model, lang)}"
    return b.Table(
        [b.Caption(caption), b.Thead([groups, columns]), b.Tbody(body), foot],
        className="data-table overview-table",
    )


def page_status(model: OverviewView, lang: str) -> str:
    """'Side 2 av 8: sone 51–100 av 400.'"""
    return t(
        "ovw_page_status",
        lang,
        page=model.page,
        pages=model.pages,
        first=model.first,
        last=model.first + len(model.rows) - 1,
        total=model.total,
    )


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The pages with a button (None: a gap): all of them when they are few, otherwise the
    first, the last and the ones around `page`."""
    if pages <= PAGE_BUTTONS:
        return list(range(1, pages + 1))
    around = (PAGE_BUTTONS - 3) // 2
    low = min(max(page - around, 2), pages - 2 * around - 1)
    found: list[int | None] = []
    for number in [1, *range(low, low + 2 * around + 1), pages]:
        if found and number - found[-1] > 1:
            found.append(None)
        found.append(number)
    return found


def pager(model: OverviewView, lang: str, b: Builder = DASH):
    """Buttons for the table's pages, with where this page is said in words."""
    buttons = []
    for number in page_numbers(model.page, model.pages):
        if number is None:
            buttons.append(b.Span("…", className="pager-gap", **{"aria-hidden": "true"}))
            continue
        current = {"aria-current": "page"} if number == model.page else {}
        buttons.append(
            b.Button(
                str(number),
                id={"type": PAGE_BUTTON, "page": number},
                type="button",
                className="chip pager-button",
                # The label holds the number shown, so speech input finds the button by it.
                **{"aria-label": t("ovw_page_button", lang, page=number, pages=model.pages)},
                **current,
            )
        )
    return b.Nav(
        [
            # Said again when a button has moved the table (the button keeps the focus).
            b.P(page_status(model, lang), className="pager-status", role="status"),
            b.Div(buttons, className="chips"),
        ],
        className="pager",
        **{"aria-label": t("ovw_pages_label", lang)},
    )


def followup_section(
    p: Prepared, model: OverviewView, followups: tuple, lang: str, b: Builder = DASH
) -> list:
    """The open follow-ups of every zone, by due date: what the head of home care asked
    for and is waiting on."""
    if not followups:
        return [b.P(t("dlg_no_followups", lang))]
    items = []
    for note in followups:
        link = b.Link(p.name(note.zone_id), href=_zone_href(note.zone_id, model.year, lang))
        where = f"{note.year}" + (
            f", {dialogue.panel_label(note.panel, lang)}" if note.panel else ""
        )
        items.append(
            b.Li(
                [
                    link,
                    f" ({where}): ",
                    note.text,
                    b.Span(
                        f" · {dialogue.followup_line(note, lang)} · {dialogue.byline(note, lang)}",
                        className="flag-rule",
                    ),
                ],
                className=f"followup dlg-status-{note.status}",
            )
        )
    return [b.Ul(items, className="followup-list")]


def flag_section(p: Prepared, model: OverviewView, lang: str, b: Builder = DASH) -> list:
    """What a head of home care would act on: each kind of flag, its rule and severity, the
    zones carrying it (with why); flags most zones carry are one note for the municipality.
    A kind carried by many zones names the first FLAG_ZONES_NAMED and counts the rest."""
    items = []
    summary = model.summary
    for group in summary.zone_groups:
        first = flags_for(p, group.zones[0][0], model.year, lang)
        flag = next(f for f in first if f.kind == group.rule.kind)
        # The severity is said in words after the rule, so the badge need not say it too.
        links: list = [
            flag_badge(flag, lang, f"{group.label}:", say_severity=False, b=b),
            " ",
        ]
        for i, (zone_id, detail) in enumerate(group.zones[:FLAG_ZONES_NAMED]):
            links += [", "] if i else []
            links.append(b.Link(p.name(zone_id), href=_zone_href(zone_id, model.year, lang)))
            links.append(f" ({detail})")
        if len(group.zones) > FLAG_ZONES_NAMED:
            more = t("ovw_flag_more", lang, n=len(group.zones) - FLAG_ZONES_NAMED)
            links.append(f" {more}")
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
    p: Prepared,
    year: int | None,
    lang: str,
    sort: str,
    descending: bool,
    b: Builder = DASH,
    page: int = 1,
    hidden: tuple = (),
    followups: tuple = (),
):
    """The view model, the flags and open follow-ups, the table (with its pager when it has
    pages), the notes."""
    model = overview(p, year, lang, sort, descending, page)
    table = overview_table(model, lang, p.dataset.threshold, b, hidden, followups)
    if model.pages > 1:
        table = [table, pager(model, lang, b)]
    flags = [
        *flag_section(p, model, lang, b),
        b.H3(t("dlg_open_followups", lang), className="common-title"),
        *followup_section(p, model, followups, lang, b),
    ]
    return model, flags, table, notes_block(model.notes, b)


def _rendered(
    p: Prepared,
    year,
    lang: str,
    sort: str,
    descending: bool,
    page: int = 1,
    hidden: tuple = (),
    followups: tuple = (),
):
    """What the callback sends, as plain JSON once per version, view and set of open
    follow-ups (see `plain`)."""
    model, flags, table, notes = render(
        p, year, lang, sort, descending, JSON, page, hidden, followups
    )
    return (model, *plain([flags, table, notes]))


def open_followups() -> tuple:
    """Every zone's open follow-ups, by due date (a store question per request: they
    change without an import)."""
    return tuple(Notes.for_store(get_store()).open_followups())


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


def _view(p: Prepared, model: OverviewView, lang: str, hidden=()) -> dict:
    # The order is left out of the address when it is the one the page starts with, so the
    # address read back gives this same table (the default differs once the table has pages).
    default = default_sort(p, model.year) == (model.sort, model.descending)
    sort = None if default else model.sort
    direction = (DESC if model.descending else ASC) if sort else None
    page = model.page if model.page > 1 else None
    return make_view(
        PAGE,
        lang,
        title=_title(lang),
        ar=model.year,
        sorter=sort,
        retning=direction,
        side=page,
        skjul=list(hidden),
    )


def _sort_state(model: OverviewView) -> dict:
    """What the sort store keeps: the column, the direction and the page (when not the first)."""
    state = {"sorter": model.sort, "retning": DESC if model.descending else ASC}
    return {**state, "side": model.page} if model.page > 1 else state


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
    sort, descending = state.get("sorter"), state.get("retning") == DESC
    if query.get("sorter") is None:
        sort, descending = default_sort(p, year)
    hidden = tuple(state.get("skjul", []))
    model, flags, table, notes = render(
        p,
        year,
        lang,
        sort,
        descending,
        page=state.get("side"),
        hidden=hidden,
        followups=open_followups(),
    )
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
        dcc.Store(id=SORT, data=_sort_state(model)),
    ]
    return page_shell(content, lang, PAGE, p.dataset, _view(p, model, lang, hidden))


def update(year, _clicks, _pages, shown, sort_state, view):
    """Callback: a new year, a sort click or a page button redraws the flags, the notes and
    the table (a new year or order starts at its first page).

    Its inputs were checked by the callback guard; they are parsed here once more so that a
    year without data or a column the overview does not show falls back to the default."""
    triggered = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
    clicked = triggered.get("col") if triggered.get("type") == SORT_BUTTON else None
    page = triggered.get("page") if triggered.get("type") == PAGE_BUTTON else 1
    lang = urls.VIEW.parse(view, None)
    if ctx.triggered_id == COLUMNS:
        page = None  # other columns, the same rows: stay on this page
    return update_view(current(), year, sort_state, clicked, lang, page, shown)


def update_view(p: Prepared, year, sort_state, clicked, lang, page=1, shown=None):
    clicked = clicked if clicked in urls.SORTS else None
    parsed = urls.SORT_STATE.parse(sort_state, p.known)
    state = next_sort({k: parsed[k] for k in ("sorter", "retning")}, clicked)
    if page is None:
        page = parsed.get("side", 1)
    page = urls.PAGE_NUMBER.parse(page, p.known) if clicked is None else 1
    year = p.year_of(year)
    descending = state["retning"] == DESC
    kept = urls.HIDDEN_GROUPS.parse(
        shown if shown is not None else list(urls.GROUP_SLUGS.values()), p.known
    )
    hidden = tuple(slug for slug in urls.HIDDEN_GROUPS.values if slug not in kept)
    model, flags, table, notes = p.cached(
        _rendered, year, lang, state["sorter"], descending, page, hidden, open_followups()
    )
    return flags, table, notes, _sort_state(model), _view(p, model, lang, hidden)
