"""Årsrapport (`/rapport?ar=2021`): every zone's summary on one page, ready to print, for the
head of home care's annual review. Linked from the overview.

The municipality first (the flags and what most zones share), then each zone: its flags, its
key figures against the median and its rank, and the one sentence of each panel of the zone
page. Printed (A4), each zone keeps together and the page head says the year and the date.
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, dcc, html

from .. import urls
from ..components import (
    flag_badge,
    no_data,
    notes_block,
    page_shell,
    print_head,
    print_marks,
    severity_text,
)
from ..data import Prepared, current
from ..i18n import t
from ..urls import make_view
from ..views.common import data_sources, partial_note, year_choices
from ..views.flags import flag_summary, flags_for
from ..views.meeting import zone_slide
from ..views.zone import zone_panels

PAGE = "rapport"
PRINT = "report-print"


def register(app) -> None:
    dash.register_page(
        __name__,
        path=urls.PAGE_GRAMMAR[PAGE].path,
        name="Årsrapport",
        layout=layout,
        title="Årsrapport – Samskaping i hjemmetjenesten",
    )
    app.clientside_callback(
        # assets/print.js: charts to paper width, then the print dialog.
        ClientsideFunction("printing", "print"),
        Output(PRINT, "title"),
        Input(PRINT, "n_clicks"),
        prevent_initial_call=True,
    )


def municipality(p: Prepared, year: int | None, lang: str) -> html.Section:
    summary = flag_summary(p, year, lang)
    items = [
        html.Li(
            [
                html.Strong(f"{g.label}: "),
                ", ".join(p.name(z) for z, _ in g.zones),
                html.Span(
                    f". {g.rule_text} {severity_text(g.rule.severity, lang)}", className="flag-rule"
                ),
            ]
        )
        for g in summary.zone_groups
    ] or [html.Li(t("ovw_no_flags", lang, year=year))]
    items += [html.Li(html.Strong(g.note)) for g in summary.common]
    return html.Section(
        [
            html.H2(t("rep_municipality", lang), id="rep-municipality"),
            notes_block([partial_note(p, year, lang)]),
            html.Ul(items, className="flag-summary"),
        ],
        className="panel report-part",
        **{"aria-labelledby": "rep-municipality"},
    )


def zone_part(p: Prepared, zone_id: str, year: int, lang: str) -> html.Section:
    heading = f"rep-{zone_id}"
    flags = flags_for(p, zone_id, year, lang)
    slide = zone_slide(p, zone_id, year, lang)
    figures = html.Dl(
        [
            html.Div(
                [html.Dt(label), html.Dd(value), html.Dd(context, className="fact-context")],
                className="fact",
            )
            for label, value, context in slide.facts
        ],
        className="facts report-facts",
    )
    themes = [
        html.Li([html.Strong(f"{v.title}: "), v.sentence])
        for v in zone_panels(p, zone_id, year, lang)
    ]
    return html.Section(
        [
            html.H2(
                [
                    p.name(zone_id),
                    " ",
                    dcc.Link(
                        t("rep_zone_page", lang),
                        href=urls.href("sone", lang, zone=zone_id, ar=year),
                        className="report-zone-link",
                    ),
                ],
                id=heading,
            ),
            html.H3(t("rep_zone_flags", lang)),
            html.Ul(
                [html.Li([flag_badge(f, lang), f" {f.detail}"]) for f in flags],
                className="report-flags",
            )
            if flags
            else html.P(t("rep_no_zone_flags", lang)),
            html.H3(t("rep_key_figures", lang)),
            figures,
            html.H3(t("rep_themes", lang)),
            html.Ul(themes, className="report-themes"),
        ],
        className="panel report-part report-zone",
        **{"aria-labelledby": heading},
    )


def layout(**query):
    p = current()
    state = urls.parse(PAGE, query, p.known)
    lang, year = state.lang, state.get("ar")
    title = t("rep_title", lang, year=year or "")
    view = make_view(PAGE, lang, title=f"{title} – {t('app_title', lang)}", ar=year)
    if not p.years:
        content = [html.H1(t("rep_title", lang, year="").strip()), no_data(lang)]
        return page_shell(content, lang, PAGE, p.dataset, view)
    years = html.Nav(
        html.Ul(
            [
                html.Li(
                    dcc.Link(o.label, href=urls.href(PAGE, lang, ar=o.value)),
                    className="current" if o.value == year else None,
                )
                for o in year_choices(p, lang)
            ],
            className="year-links",
        ),
        **{"aria-label": t("choose_year", lang)},
    )
    content = [
        *print_marks(
            print_head(lang, title, sample=p.dataset.is_sample), data_sources(p, None, lang), lang
        ),
        html.H1(title),
        html.P(t("rep_intro", lang, year=year), className="lead"),
        html.Div(
            [
                years,
                html.Button(t("zone_print", lang), id=PRINT, className="button", type="button"),
            ],
            className="controls",
        ),
        municipality(p, year, lang),
        *(zone_part(p, z, year, lang) for z in p.zones_in(year)),
    ]
    return page_shell(content, lang, PAGE, p.dataset, view)
