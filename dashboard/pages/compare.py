"""Sammenlign (`/sammenlign?soner=heimdal,nardo&ar=2021`): the leader's own zone (the first
in `soner`) against chosen zones and the median, indicator by indicator, over the years.
"""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, html

from .. import urls
from ..components import (
    DASH,
    JSON,
    Builder,
    chart,
    choice,
    data_table,
    legend,
    no_data,
    notes_block,
    page_shell,
    plain,
    register_choice,
    source_line,
    table_details,
    view_id,
    year_choice,
    zone_options,
)
from ..data import Prepared, current
from ..figures import compare_spec
from ..i18n import t
from ..urls import make_view
from ..views.common import data_sources, year_choices
from ..views.compare import CompareView, axis_note, compare
from ..web.callback_guard import declare

PAGE = "sammenlign"
OWN = "cmp-own"
OTHERS = "cmp-others"
YEAR = "cmp-year"
SENTENCES = "cmp-sentences"
NOTES = "cmp-notes"
TABLE = "cmp-table"
CHART = "cmp"


def register(app) -> None:
    dash.register_page(
        __name__,
        path="/sammenlign",
        name="Sammenlign",
        order=2,
        layout=layout,
        title="Sammenlign – Samskaping i hjemmetjenesten",
    )
    app.callback(
        Output(f"{CHART}-graph", "figure"),
        Output(f"{CHART}-summary", "children"),
        Output(SENTENCES, "children"),
        Output(TABLE, "children"),
        Output(NOTES, "children"),
        Output(view_id(PAGE), "data"),
        Input(OWN, "data"),
        Input(OTHERS, "data"),
        Input(YEAR, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(update)
    register_choice(app, OWN)
    register_choice(app, OTHERS, multi=True)
    app.clientside_callback(
        ClientsideFunction("choices", "without"),
        Output({"type": OTHERS, "value": ALL}, "hidden"),
        Output(OTHERS, "data", allow_duplicate=True),
        Output({"type": OTHERS, "value": ALL}, "aria-pressed", allow_duplicate=True),
        Input(OWN, "data"),
        State({"type": OTHERS, "value": ALL}, "id"),
        State(OTHERS, "data"),
        prevent_initial_call=True,
    )
    register_choice(app, YEAR)
    declare(
        app,
        (OWN, "data", urls.ZONE),
        (OTHERS, "data", urls.ZONES),
        (YEAR, "data", urls.YEAR),
        (view_id(PAGE), "data", urls.VIEW),
    )


# ---------------------------------------------------------------- pure parts


def split_zones(prepared: Prepared, zones: list[str]) -> tuple[str | None, list[str]]:
    """`soner=a,b,c` (parsed): the first zone is the own zone, the rest are compared with it."""
    own = zones[0] if zones else (prepared.zone_ids[0] if prepared.zone_ids else None)
    return own, [z for z in zones if z != own]


def render(model: CompareView, lang: str, threshold: int, b: Builder = DASH):
    reason = t("suppressed_reason", lang, n=threshold)
    figure = compare_spec(model.frame, model.panels, lang)
    summary = f"{t('cmp_figure_summary', lang, count=len(model.panels))} {axis_note(lang)}"
    sentences = b.Ul([b.Li(s) for s in model.sentences], className="compare-sentences")
    table = data_table(model.table, reason, b=b)
    return figure, summary, sentences, table, notes_block(model.notes, b)


def _view(model: CompareView, lang: str) -> dict:
    zones = [z for z in [model.own, *model.others] if z]
    title = f"{t('cmp_title', lang)} – {t('app_title', lang)}"
    return make_view(PAGE, lang, zone=None, title=title, soner=zones, ar=model.year)


# ---------------------------------------------------------------- layout and callback


def layout(**query):
    prepared = current()
    state = urls.parse(PAGE, query, prepared.known)
    lang, year = state.lang, state.get("ar")
    if not prepared.years:
        content = [html.H1(t("cmp_title", lang)), no_data(lang)]
        title = f"{t('cmp_title', lang)} – {t('app_title', lang)}"
        view = make_view(PAGE, lang, title=title)
        return page_shell(content, lang, PAGE, prepared.dataset, view)
    own, others = split_zones(prepared, state.get("soner", []))
    model = compare(prepared, own, others, year, lang)
    threshold = prepared.dataset.threshold
    figure, summary, sentences, _table, notes = render(model, lang, threshold)
    options = zone_options(prepared.dataset)
    content = [
        html.H1(t("cmp_title", lang)),
        html.P(t("cmp_intro", lang), className="lead"),
        html.Div(
            [
                choice(OWN, t("cmp_own", lang), options, own),
                choice(OTHERS, t("cmp_others", lang), options, others, multi=True, hidden=own),
                year_choice(YEAR, year_choices(prepared, lang), year, lang),
            ],
            className="controls",
        ),
        html.Div(notes, id=NOTES),
        html.Section(
            [
                html.H2(t("cmp_sentences_title", lang), id="cmp-heading"),
                html.Div(sentences, id=SENTENCES),
                chart(CHART, figure, summary, scroll_label=t("cmp_chart_region", lang)),
                table_details(
                    model.table, lang, t("suppressed_reason", lang, n=threshold), body_id=TABLE
                ),
                legend(lang, threshold),
                source_line(data_sources(prepared, None, lang)),
            ],
            className="panel",
            **{"aria-labelledby": "cmp-heading"},
        ),
    ]
    return page_shell(content, lang, PAGE, prepared.dataset, _view(model, lang))


def update(own, others, year, view):
    """Callback: another zone, comparison set or year redraws the chart, text and table.

    The callback guard has refused unknown, repeated or too many zones before this runs."""
    return update_values(current(), own, others, year, urls.VIEW.parse(view, None))


def update_values(prepared: Prepared, own, others, year, lang: str):
    known = prepared.known
    year = prepared.year_of(year)
    own = urls.ZONE.parse(own, known)
    others = tuple(z for z in urls.ZONES.parse(others or [], known) if z != own)
    model, figure, summary, sentences, table, notes = prepared.cached(
        _payload, own, others, year, lang
    )
    return figure, summary, sentences, table, notes, _view(model, lang)


def _payload(prepared: Prepared, own, others, year, lang: str):
    model = compare(prepared, own, list(others), year, lang)
    # Sent as plain JSON, done once per version and view (see components.plain).
    return (model, *plain(list(render(model, lang, prepared.dataset.threshold, JSON))))
