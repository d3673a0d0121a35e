"""Layout factories shared by every page: the page shell, panels, tables, charts, choices.

The shell gives each page the same landmarks (header, nav, main, footer), a skip link, the
language switch, the sample-data label and the export links. The links that depend on the
view (menu, language, export) are refreshed by one callback from the page's view store, so a
page callback only has to publish its new view (see `register_shell_callbacks`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from . import urls
from .data import Dataset, current
from .i18n import SUPPRESSED, fmt_date, fmt_number, t
from .metrics import SHARE_MARGIN, SURVEY_MARGIN
from .urls import EXPORT_SIDES, PAGES, export_href, make_view, shell_hrefs, view_export
from .views.common import Option, TableView, sources_note
from .views.flags import SEVERITY_KEYS, Flag
from .web.auth import is_admin
from .web.callback_guard import Each, declare

GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}


# ---------------------------------------------------------------- ids


def view_id(page: str) -> dict:
    return {"type": "view", "page": page}


def link_id(name: str) -> dict:
    return {"type": "shell-link", "name": name}


VIEW_SYNC = "view-sync"  # a store in the app layout, the output of the URL-sync callback
ROUTER_LOCATION = "_pages_location"  # Dash's own location component for its page router


# ---------------------------------------------------------------- the shell


def default_zone(dataset: Dataset | None) -> str | None:
    if dataset is None or dataset.zones.empty:
        return None
    return str(dataset.zones["id"].iloc[0])


def export_links(
    lang: str,
    side: str,
    year: int | None,
    zones: Sequence[str],
    sort: str | None = None,
    direction: str | None = None,
) -> html.P:
    """'Last ned Excel · Last ned CSV': plain links to the export route for this view."""
    return html.P(
        [
            html.Span(t("export_label", lang), className="export-label"),
            " ",
            html.A(
                t("export_xlsx", lang),
                id=link_id("export-xlsx"),
                href=export_href("xlsx", side, year, list(zones), lang, None, sort, direction),
            ),
            html.Span(" · ", **{"aria-hidden": "true"}),
            html.A(
                t("export_csv", lang),
                id=link_id("export-csv"),
                href=export_href("csv", side, year, list(zones), lang, None, sort, direction),
            ),
        ],
        className="export-links",
    )


def _nav(active: str, hrefs: dict[str, str], lang: str) -> html.Nav:
    items = []
    for page in PAGES:
        current = page == active
        label = [t(f"nav_{page}", lang)]
        if current:
            # dcc.Link has no aria-current; hidden words tell a screen reader instead.
            label.append(html.Span(f" {t('current_page', lang)}", className="visually-hidden"))
        items.append(
            html.Li(
                dcc.Link(
                    label,
                    href=hrefs[f"nav-{page}"],
                    id=link_id(f"nav-{page}"),
                    className="nav-link active" if current else "nav-link",
                )
            )
        )
    return html.Nav(html.Ul(items), className="site-nav", **{"aria-label": t("nav_label", lang)})


def sample_banner(dataset: Dataset | None, lang: str):
    if dataset is None or not dataset.is_sample:
        return None
    return html.P(
        [
            html.Strong(t("sample_badge", lang), className="sample-badge"),
            " ",
            t("sample_text", lang),
        ],
        className="sample-banner",
    )


def account_block(lang: str, here: str):
    """Who is logged in, with a way out (and, for administrators, to the audit log); or a
    way in. Built per request, like the rest of the page."""
    from flask import current_app, has_request_context

    from .rights import AUDIT
    from .web.auth import csrf_token, login_url
    from .web.identity import current_identity

    identity = current_identity()
    if not identity.is_authenticated or not has_request_context() or not current_app.secret_key:
        return html.P(html.A(t("acc_login", lang), href=login_url(here, lang)), className="account")
    parts: list = [html.Span(t("acc_logged_in", lang, name=identity.name))]
    if identity.may(AUDIT):
        parts += [" · ", html.A(t("log_link", lang), href=urls.href("logg", lang))]
    parts.append(
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                dcc.Input(type="hidden", name="neste", value=here),
                dcc.Input(type="hidden", name="lang", value=lang),
                html.Button(t("acc_logout", lang), type="submit", className="link-button"),
            ],
            method="post",
            action="/logg-ut",
            className="logout-form",
        )
    )
    return html.Div(
        parts, className="account", role="group", **{"aria-label": t("acc_label", lang)}
    )


def page_shell(
    children,
    lang: str,
    active: str,
    dataset: Dataset | None,
    view: dict | None = None,
    kiosk: bool = False,
) -> html.Div:
    """The frame of every page.

    children: the page's content, placed in <main>. lang: "nb" or "en". active: the page's
    name in `urls.PAGES` ("oversikt", "sone", "sammenlign", "mote", "import"); it marks the
    menu item and names the view store. dataset: for the sample label, the default zone and
    the footer's sources (None is allowed). view: from `urls.make_view(...)`; defaults to the
    page with no query. The export links are shown when the page is one of EXPORT_SIDES.
    kiosk: meeting mode on a wall screen: the content alone, without header, menu, export
    links and footer (the page brings its own control bar, language link and sample label).

    The view store starts marked `replace`: the address bar takes the page's first view
    without a new history entry; views that callbacks publish later are new entries.
    """
    view = view or make_view(active, lang)
    store = dcc.Store(id=view_id(active), data={**view, "replace": True})
    if kiosk:
        main = html.Main(children, id="innhold", tabIndex="-1", className=f"page page-{active}")
        return html.Div([main, store], className=f"shell shell-{active} shell-kiosk", lang=lang)
    hrefs = shell_hrefs(view, default_zone(dataset))
    other = "en" if lang == "nb" else "nb"
    header = html.Header(
        [
            html.Div(
                [
                    html.P(
                        dcc.Link(t("app_title", lang), href=hrefs["brand"], id=link_id("brand")),
                        className="brand",
                    ),
                    html.P(t("app_subtitle", lang), className="brand-sub"),
                ],
                className="brand-block",
            ),
            sample_banner(dataset, lang),
            account_block(lang, view.get("href") or "/"),
            html.P(
                dcc.Link(
                    html.Span(t("lang_switch", lang), lang=other),
                    href=hrefs["lang"],
                    id=link_id("lang"),
                    className="lang-switch",
                ),
                className="lang-block",
            ),
        ],
        className="site-header",
    )
    tools = []
    if view["page"] in EXPORT_SIDES:
        tools.append(export_links(lang, **view_export(view)))
    sources = dataset.sources if dataset is not None else None
    footer = html.Footer(
        [
            html.P(sources_note(sources, None, lang)),
            html.P(t("sample_text", lang)) if dataset is not None and dataset.is_sample else None,
        ],
        className="site-footer",
    )
    return html.Div(
        [
            html.A(t("skip_link", lang), href="#innhold", className="skip-link"),
            header,
            _nav(active, hrefs, lang),
            html.Main(
                [html.Div(tools, className="page-tools"), *_as_list(children)],
                id="innhold",
                tabIndex="-1",
                className=f"page page-{active}",
            ),
            footer,
            store,
        ],
        className=f"shell shell-{active}",
        lang=lang,
    )


def plain(value):
    """Components as the plain JSON Dash sends for them, done once: a callback answer kept
    per version is then sent without turning hundreds of components into JSON again.

    A walk over the tree, not a JSON round trip: the parts built with `JSON` (below) are
    plain already, and are kept as they are. What plotly's encoder would turn into null
    (NaN, infinities) becomes None; anything unusual is left to that encoder."""
    kind = value.__class__
    if kind is str or kind is int or kind is bool or value is None or kind is _Element:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Component):
        found = value.to_plotly_json()
        found["props"] = {k: plain(v) for k, v in found["props"].items()}
        return found
    return json.loads(to_json_plotly(value))


class Builder:
    """Makes the pieces below either as Dash components (`DASH`: page layouts, which the
    tests walk) or directly as the plain JSON Dash sends for them (`JSON`: callback
    answers). One piece of code serves both; `JSON` skips building and serialising
    component objects, which took most of a callback's time on a table of a few hundred
    cells. `b.Td(children, **props)` for any html element, `b.Link(...)` for dcc.Link."""

    def __init__(self, as_json: bool):
        self.as_json = as_json

    def __getattr__(self, tag: str):
        if not self.as_json:
            return getattr(html, tag)
        return lambda children=None, **props: _element(tag, "dash_html_components", children, props)

    def Link(self, children=None, **props):
        if not self.as_json:
            return dcc.Link(children, **props)
        return _element("Link", "dash_core_components", children, props)


class _Element(dict):
    """A component as JSON, built by `JSON`: plain all the way down (text and elements)."""


def _element(tag: str, namespace: str, children, props: dict) -> dict:
    if children is not None:
        props = {"children": children, **props}
    return _Element(props=props, type=tag, namespace=namespace)


DASH, JSON = Builder(False), Builder(True)


def _as_list(children) -> list:
    if children is None:
        return []
    return list(children) if isinstance(children, list | tuple) else [children]


def register_shell_callbacks(app) -> None:
    """Keep the shell's links and the address bar in step with the page's view store."""
    app.callback(
        Output(link_id(ALL), "href"),
        Input(view_id(ALL), "data"),
        prevent_initial_call=True,
    )(update_shell_links)
    declare(
        app,
        (view_id(ALL), "data", Each(urls.VIEW, {"page": urls.Choice(urls.VIEW_PAGES)})),
        # Dash's page router: the browser's path and query, parsed by each page's layout.
        (ROUTER_LOCATION, "pathname", urls.Text(512)),
        (ROUTER_LOCATION, "search", urls.Text(2048)),
    )
    # The address bar, <html lang> and the title follow the view without a server trip, and
    # the page follows Back and Forward (assets/shell.js says how).
    app.clientside_callback(
        ClientsideFunction("shell", "sync"),
        Output(VIEW_SYNC, "data"),
        Input(view_id(ALL), "data"),
    )


def update_shell_links(views: list[dict]):
    """Callback: the hrefs of every shell link on the page, from the page's view (parsed
    again: it came back from the browser)."""
    prepared = current()
    view = urls.parse_view((views or [None])[0], prepared.known)
    names = [o["id"]["name"] for o in ctx.outputs_list] if ctx.outputs_list else []
    return shell_link_values(view, names, default_zone(prepared.dataset))


def shell_link_values(view: dict | None, names: list[str], zone: str | None = None) -> list[str]:
    if not view:
        return ["/" for _ in names]
    hrefs = shell_hrefs(view, zone)
    return [hrefs.get(name, "/") for name in names]


# ---------------------------------------------------------------- content pieces


def suppressed_cell(reason: str, b: Builder = DASH) -> html.Span:
    """':' as Statistics Norway shows a withheld number, with the reason for screen readers."""
    return b.Span(
        [
            b.Span(SUPPRESSED, **{"aria-hidden": "true"}),
            b.Span(reason, className="visually-hidden"),
        ],
        className="suppressed",
        title=reason,
    )


def _cell(text, reason: str, b: Builder = DASH):
    return suppressed_cell(reason, b) if text == SUPPRESSED else text


def value_cells(texts: Sequence[str], reason: str, b: Builder = DASH) -> list[html.Td]:
    """Table cells for formatted values; ':' becomes a withheld-value cell."""
    return [b.Td(_cell(c, reason, b)) for c in texts]


def data_table(
    table: TableView, reason: str = "", class_name: str = "data-table", b: Builder = DASH
) -> html.Table:
    """A real <table>: caption, column headers, and each row's first cell as its header."""
    head = b.Thead(b.Tr([b.Th(c, scope="col") for c in table.columns]))
    body = b.Tbody(
        [
            b.Tr([b.Th(_cell(row[0], reason, b), scope="row"), *value_cells(row[1:], reason, b)])
            for row in table.rows
        ]
    )
    parts = [b.Caption(table.caption), head, body]
    if table.foot:
        parts.append(
            b.Tfoot(
                [
                    b.Tr([b.Th(row[0], scope="row"), *value_cells(row[1:], reason, b)])
                    for row in table.foot
                ]
            )
        )
    if not table.note:
        return b.Table(parts, className=class_name)
    return b.Div([b.Table(parts, className=class_name), b.P(table.note, className="table-note")])


def table_details(table: TableView, lang: str, reason: str = "", body_id: str | None = None):
    """The numbers behind a chart, folded away under 'Vis tallene som tabell'."""
    kwargs = {"id": body_id} if body_id else {}
    return html.Details(
        [
            html.Summary(t("show_table", lang)),
            scroll_region(data_table(table, reason), table.caption, **kwargs),
        ],
        className="chart-table",
    )


def scroll_region(children, label: str, **kwargs) -> html.Div:
    """A wide table's own scrolling region: reachable by keyboard and named, so a reader on a
    phone scrolls the table, not the page (WCAG 1.4.10, 2.1.1)."""
    return html.Div(
        children,
        className="table-scroll",
        tabIndex="0",
        role="region",
        **{"aria-label": label},
        **kwargs,
    )


def legend(lang: str, threshold: int, cues: bool = False) -> html.P:
    """The key to the symbols: withheld and missing values, and (on the overview) the cues
    that compare a cell with the median or the ±3 % band, each with its symbol and colour."""
    parts = [
        html.Strong(f"{t('legend_title', lang)}: "),
        t("legend_suppressed", lang, n=threshold),
        "; ",
        t("legend_missing", lang),
    ]
    if cues:
        margins = {
            "survey": fmt_number(SURVEY_MARGIN, lang, 1),
            "points": fmt_number(SHARE_MARGIN * 100, lang),
        }
        for cue, key in (
            ("better", "legend_better"),
            ("worse", "legend_worse"),
            ("over", "legend_band"),
        ):
            parts += ["; ", cue_mark(cue), " ", t(key, lang, **margins)]
        parts += ["; ", t("legend_trend", lang)]
    parts.append(".")
    return html.P(parts, className="legend-note")


CUE_SYMBOLS = {"better": "+", "worse": "−", "over": "!", "under": "!"}


def cue_mark(cue: str, b: Builder = DASH) -> html.Span:
    """The symbol of a cell's comparison, in its colour (the colour is never the only sign)."""
    return b.Span(CUE_SYMBOLS[cue], className=f"cue cue-{cue}", **{"aria-hidden": "true"})


def chart(prefix: str, figure, summary: str, scroll_label: str | None = None):
    """A chart with its one-sentence summary as the caption; the graph is labelled by it.

    scroll_label: the chart keeps a least width (CSS `.chart-scroll`) and scrolls inside its
    own region on a narrow screen, as a table does (small multiples cannot shrink to a phone
    and stay readable)."""
    caption_id = f"{prefix}-summary"
    graph = html.Div(
        dcc.Graph(id=f"{prefix}-graph", figure=figure, config=GRAPH_CONFIG),
        id=f"{prefix}-graph-wrap",
        role="img",
        **{"aria-labelledby": caption_id},
    )
    if scroll_label:
        graph = scroll_region(graph, scroll_label)
        graph.className = "table-scroll chart-scroll"
    return html.Figure(
        [html.Figcaption(summary, id=caption_id, className="chart-summary"), graph],
        className="chart",
    )


def facts_list(facts: list[tuple[str, str]], reason: str = "", b: Builder = DASH) -> list:
    """<dl> children: label and value pairs."""
    items = []
    for label, value in facts:
        items.append(b.Div([b.Dt(label), b.Dd(_cell(value, reason, b))], className="fact"))
    return items


def flag_badge(
    flag: Flag, lang: str, label: str | None = None, say_severity: bool = True, b: Builder = DASH
) -> html.Span:
    """A flag says its meaning in words; the shape before it is extra, never the only sign.
    Its severity is said too (hidden words for screen readers, a class for the colour)."""
    severity = severity_text(flag.severity, lang)
    return b.Span(
        [
            b.Span(flag.icon, className="flag-icon", **{"aria-hidden": "true"}),
            b.Span(label or flag.label, className="flag-label"),
            b.Span(f" {severity}", className="visually-hidden") if say_severity else None,
        ],
        className=f"flag flag-{flag.kind} severity-{flag.severity}",
        title=f"{flag.detail}. {flag.rule}",
    )


def severity_text(severity: int, lang: str) -> str:
    """'Alvorlighet: høy.'"""
    return t("severity_said", lang, level=t(SEVERITY_KEYS[severity], lang))


def flag_list(flags: list[Flag], lang: str, b: Builder = DASH) -> html.Ul | str:
    if not flags:
        return ""
    return b.Ul(
        [
            b.Li(
                [
                    flag_badge(f, lang, b=b),
                    b.Span(f" {f.detail}. {f.rule}", className="flag-detail"),
                ]
            )
            for f in flags
        ],
        className="flag-list",
    )


def empty_state(text: str, element_id: str | None = None, hidden: bool = False) -> html.P:
    kwargs = {"id": element_id} if element_id else {}
    return html.P(text, className="empty-state", hidden=hidden, **kwargs)


def choice(
    group: str,
    legend_text: str,
    options: list[tuple[object, str]] | list[Option],
    value,
    multi: bool = False,
    hidden: object = None,
) -> html.Fieldset:
    """A group of toggle buttons (aria-pressed) under a legend; the value is in a store.

    Dash 4's RadioItems and Checklist put focusable inputs inside role="option" labels,
    which axe reports as nested interactive controls without a name; plain buttons in a
    fieldset are named by their text and grouped by the legend. The page's callbacks read
    `Input(group, "data")`; `register_choice` keeps that store and the buttons in step.
    `hidden`: a value whose button is left out of view (the compare page's own zone).
    """
    chosen = set(value or []) if multi else {value}
    options = [o if isinstance(o, Option) else Option(o[0], o[1]) for o in options]
    buttons = [
        html.Button(
            o.label,
            id={"type": group, "value": o.value},
            type="button",
            className="chip",
            disabled=o.disabled,
            hidden=o.value == hidden if hidden is not None else False,
            title=o.title or None,
            **{"aria-pressed": "true" if o.value in chosen else "false"},
        )
        for o in options
    ]
    return html.Fieldset(
        [
            html.Legend(legend_text),
            html.Div(buttons, className="chips"),
            dcc.Store(id=group, data=value),
        ],
        className="choice",
    )


def register_choice(app, group: str, multi: bool = False) -> None:
    """Clicking a button picks it (or toggles it, for `multi`), in the browser."""
    app.clientside_callback(
        ClientsideFunction("choices", "multi" if multi else "single"),
        Output(group, "data"),
        Output({"type": group, "value": ALL}, "aria-pressed"),
        Input({"type": group, "value": ALL}, "n_clicks"),
        State(group, "data"),
        State({"type": group, "value": ALL}, "id"),
        prevent_initial_call=True,
    )


def year_choice(group: str, choices: list[Option], value: int | None, lang: str):
    """The year buttons: a partial year labelled so, a year before a zone joined disabled."""
    return choice(group, t("choose_year", lang), choices, value)


def list_export_links(table: str, side: str, year, zones, lang: str, b: Builder = DASH) -> html.P:
    """Where the rest of a capped list is: the same list in full, as Excel or CSV."""
    return b.P(
        [
            t("list_export", lang),
            " ",
            b.A(
                t("export_xlsx", lang),
                href=export_href("xlsx", side, year, list(zones), lang, table),
            ),
            b.Span(" · ", **{"aria-hidden": "true"}),
            b.A(
                t("export_csv", lang),
                href=export_href("csv", side, year, list(zones), lang, table),
            ),
        ],
        className="list-export",
    )


def notes_block(notes: list[str], b: Builder = DASH) -> list:
    """Notes that change what the numbers mean (a partial year, a zone not yet joined)."""
    return [b.P(n, className="notice") for n in notes if n]


def zone_options(dataset: Dataset) -> list[tuple[str, str]]:
    return list(zip(dataset.zones["id"], dataset.zones["name"], strict=False))


def panel_section(key: str, title: str, children, class_name: str = "panel") -> html.Section:
    heading_id = f"{key}-heading"
    return html.Section(
        [html.H2(title, id=heading_id), *children],
        className=f"{class_name} {class_name}-{key}",
        **{"aria-labelledby": heading_id},
    )


def zone_links(zones: Sequence[tuple[str, str]], lang: str, year: int | None = None) -> html.Ul:
    """A link to every zone's page (the zone chooser, and where an address led nowhere)."""
    return html.Ul(
        [
            html.Li(dcc.Link(name, href=urls.href("sone", lang, zone=zone_id, ar=year)))
            for zone_id, name in zones
        ],
        className="zone-links",
    )


def no_data(lang: str) -> html.Section:
    """What a page shows when nothing has been imported: who can fill it, and where."""
    admin = is_admin()
    link = t("no_data_import" if admin else "no_data_login", lang)
    return html.Section(
        [
            html.H2(t("no_data_title", lang), id="no-data-heading"),
            html.P(t("no_data_admin" if admin else "no_data_viewer", lang)),
            html.P(dcc.Link(link, href=urls.href("import", lang))),
        ],
        className="panel no-data",
        **{"aria-labelledby": "no-data-heading"},
    )


PRINT_HEAD_TEXT = "print-head-text"  # what a page's callback updates in the printed head


def print_marks(head: str, foot: str, lang: str) -> list:
    """What every printed page repeats in its margins: `head` (the page, the zone, the year)
    and the date printed at the top, `foot` (the sources) at the bottom. Never shown on
    screen; assets/print.js copies them into the page margins and sets the date."""
    printed = t("printed", lang, date=fmt_date(date.today(), lang))
    template = t("printed", lang, date="{date}")
    return [
        html.P(
            [
                html.Span(head, id=PRINT_HEAD_TEXT),
                " · ",
                html.Span(printed, className="print-date", **{"data-template": template}),
            ],
            id="print-head",
            className="print-mark",
        ),
        html.P(foot, id="print-foot", className="print-mark"),
    ]


def print_head(lang: str, *parts: object, sample: bool = False) -> str:
    """'Samskaping i hjemmetjenesten · Sone Heimdal · 2021 · Eksempeldata'."""
    items = [t("app_title", lang), *(str(x) for x in parts if x not in (None, ""))]
    if sample:
        items.append(t("sample_badge", lang))
    return " · ".join(items)


def source_line(text: str, element_id: str | None = None) -> html.P:
    kwargs = {"id": element_id} if element_id else {}
    return html.P(text, className="source-note", **kwargs)
