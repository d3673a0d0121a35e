"""Møtemodus (`/mote?visning=soner&lysbilde=3&ar=2021&auto=30`): slides for a wall screen.

Large type, white on black, one slide per zone (`visning=soner`) or per panel
(`visning=paneler`), after an opening slide with the flags. The arrow keys, Page Up/Down,
Home and End move (assets/meeting.js), and `auto=N` advances every N seconds with a pause
button (WCAG 2.2.2). Moving happens in the browser; the position is written to the URL.
"""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, dcc, html

from .. import urls
from ..components import (
    chart,
    flag_list,
    page_shell,
    table_details,
    view_id,
)
from ..data import Prepared, current
from ..figures import ranking_spec
from ..i18n import t
from ..urls import make_view
from ..views.common import TableView
from ..views.meeting import Slide, meeting_deck

PAGE = "mote"
SLIDE = "mote-slide"
POSITION = "mote-pos"
POSITION_TEXT = "mote-position"
KEY = "mote-key"
TEXTS = "mote-text"
TIMER = "mote-timer"
PREV, NEXT, PAUSE = "mote-prev", "mote-next", "mote-pause"


def register(app) -> None:
    dash.register_page(
        __name__,
        path="/mote",
        name="Møtemodus",
        order=3,
        layout=layout,
        title="Møtemodus – Samskaping i hjemmetjenesten",
    )
    app.clientside_callback(
        ClientsideFunction("meeting", "move"),
        Output({"type": SLIDE, "index": ALL}, "hidden"),
        Output(POSITION, "data"),
        Output(POSITION_TEXT, "children"),
        Output(view_id(PAGE), "data"),
        Input(PREV, "n_clicks"),
        Input(NEXT, "n_clicks"),
        Input(KEY, "data"),
        Input(TIMER, "n_intervals"),
        State(POSITION, "data"),
        State(view_id(PAGE), "data"),
        State({"type": SLIDE, "index": ALL}, "id"),
        State(TEXTS, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("meeting", "pause"),
        Output(TIMER, "disabled"),
        Output(PAUSE, "children"),
        Output(PAUSE, "aria-pressed"),
        Input(PAUSE, "n_clicks"),
        State(TIMER, "disabled"),
        State(TEXTS, "data"),
        prevent_initial_call=True,
    )


# ---------------------------------------------------------------- slides


def _facts(slide: Slide) -> html.Dl:
    return html.Dl(
        [
            html.Div(
                [html.Dt(label), html.Dd(value), html.Dd(context, className="fact-context")],
                className="fact",
            )
            for label, value, context in slide.facts
        ],
        className="slide-facts",
    )


def _summary(slide: Slide, prepared: Prepared, lang: str) -> list:
    """The opening slide's flags: per kind, its zones; common ones as one note."""
    items = []
    for group in slide.summary.zone_groups:
        names = ", ".join(prepared.name(z) for z, _ in group.zones)
        items.append(
            html.Li(
                [
                    html.Span(group.rule.icon, className="flag-icon", **{"aria-hidden": "true"}),
                    html.Strong(f" {group.label}: "),
                    names,
                ],
                className=f"severity-{group.rule.severity}",
            )
        )
    items += [html.Li(group.note, className="common-note") for group in slide.summary.common]
    if not items:
        items.append(html.Li(t("ovw_no_flags", lang, year=slide.summary.year)))
    return [html.Ul(items, className="flag-summary")]


def slide_section(
    index: int, slide: Slide, prepared: Prepared, lang: str, year, visible: bool
) -> html.Section:
    heading = f"mote-slide-{index}-heading"
    children = [html.H2(slide.title, id=heading)]
    if slide.ranking is not None:
        prefix = f"mote-slide-{index}"
        figure = ranking_spec(slide.ranking, slide.metric, lang, slide.median, slide.median_text)
        children += [
            chart(prefix, figure, slide.lead),
            table_details(
                TableView(
                    slide.title,
                    [t("zone", lang), str(year)],
                    [
                        [z, v]
                        for z, v in zip(slide.ranking["zone"], slide.ranking["text"], strict=True)
                    ],
                ),
                lang,
            ),
        ]
    else:
        children.append(html.P(slide.lead, className="slide-lead"))
    if slide.facts:
        children.append(_facts(slide))
    if slide.flags:
        children.append(flag_list(slide.flags, lang))
    if slide.summary is not None:
        children += _summary(slide, prepared, lang)
    children += [html.P(note, className="slide-note") for note in slide.notes]
    return html.Section(
        children,
        id={"type": SLIDE, "index": index},
        className="slide",
        hidden=not visible,
        **{"aria-labelledby": heading},
    )


def _deck_switch(deck: str, year, lang: str) -> dcc.Link:
    other = "paneler" if deck == "soner" else "soner"
    label = t("mote_switch_deck", lang, deck=t(f"mote_deck_{other}", lang))
    return dcc.Link(label, href=make_view(PAGE, lang, visning=other, ar=year, lysbilde=1)["href"])


# ---------------------------------------------------------------- layout


def layout(**query):
    prepared = current()
    state = urls.parse(PAGE, query, prepared.known)
    lang, deck, year = state.lang, state.get("visning"), state.get("ar")
    slides = meeting_deck(prepared, deck, year, lang)
    position = min(state.get("lysbilde") - 1, len(slides) - 1)
    seconds = state.get("auto", 0)
    texts = {
        "position": t("mote_position", lang, n="{n}", total="{total}"),
        "pause": t("mote_pause", lang),
        "resume": t("mote_resume", lang),
    }
    bar = [
        html.Button(t("mote_prev", lang), id=PREV, className="button", type="button"),
        html.P(
            t("mote_position", lang, n=position + 1, total=len(slides)),
            id=POSITION_TEXT,
            className="deck-position",
            **{"aria-live": "polite"},
        ),
        html.Button(t("mote_next", lang), id=NEXT, className="button", type="button"),
        html.P(t("mote_help", lang), className="deck-help"),
        _deck_switch(deck, year, lang),
    ]
    if seconds:
        bar.insert(
            3,
            html.Button(
                t("mote_pause", lang),
                id=PAUSE,
                className="button",
                type="button",
                **{"aria-pressed": "false"},
            ),
        )
        bar.append(html.P(t("mote_timer", lang, n=seconds), className="deck-help"))
    else:
        bar.append(html.Button(id=PAUSE, hidden=True, type="button"))
    content = [
        html.H1(
            f"{t('mote_title', lang)}: {t(f'mote_deck_{deck}', lang)}", className="visually-hidden"
        ),
        html.Div(
            [
                slide_section(i, s, prepared, lang, year, i == position)
                for i, s in enumerate(slides)
            ],
            className="deck",
            id="mote-deck",
            role="region",
            **{"aria-label": t("mote_deck_label", lang)},
        ),
        html.Div(bar, className="deck-bar"),
        dcc.Store(id=POSITION, data=position),
        dcc.Store(id=KEY),
        dcc.Store(id=TEXTS, data=texts),
        dcc.Interval(id=TIMER, interval=max(seconds, 1) * 1000, disabled=not seconds),
    ]
    title = f"{t('mote_title', lang)} – {t('app_title', lang)}"
    view = make_view(
        PAGE, lang, title=title, visning=deck, ar=year, lysbilde=position + 1, auto=seconds or None
    )
    return page_shell(content, lang, PAGE, prepared.dataset, view)
