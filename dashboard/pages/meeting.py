"""Møtemodus (`/mote?visning=soner&lysbilde=3&ar=2021&auto=30`): slides for a wall screen.

Large type, white on black, one slide per zone (`visning=soner`) or per panel
(`visning=paneler`), after an opening slide with the flags. The arrow keys, Page Up/Down,
Home and End move (assets/meeting.js), and `auto=N` advances every N seconds with a pause
button (WCAG 2.2.2). Moving happens in the browser; the position is written to the URL.
"""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html

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
from ..web.callback_guard import declare
from ..web.identity import current_identity
from . import dialogue as notes_ui

PAGE = "mote"
SLIDE = "mote-slide"
POSITION = "mote-pos"
POSITION_TEXT = "mote-position"
KEY = "mote-key"
TEXTS = "mote-text"
TIMER = "mote-timer"
PREV, NEXT, PAUSE = "mote-prev", "mote-next", "mote-pause"
DIALOGUE = "mote-dialogue"  # {"type": DIALOGUE, "zone": id}: a zone slide's notes
SLIDE_NOTES = 8  # the newest notes of the year on a zone slide (the zone page has them all)


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
    app.callback(
        Output({"type": DIALOGUE, "zone": ALL}, "children"),
        Input(notes_ui.VERSION, "data"),
        State(view_id(PAGE), "data"),
        prevent_initial_call=True,
    )(refresh)
    declare(app, (view_id(PAGE), "data", urls.VIEW))
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
    index: int,
    slide: Slide,
    prepared: Prepared,
    lang: str,
    year,
    visible: bool,
    talk: tuple | None = None,
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
    if talk is not None:
        listed, form = talk
        heading_id = f"mote-slide-{index}-dialogue"
        children.append(
            html.Div(
                [
                    html.H3(t("dlg_mote_title", lang), id=heading_id),
                    html.Div(listed, id={"type": DIALOGUE, "zone": slide.key}),
                    *form,  # a flat list: the renderer does not look into nested ones
                ],
                className="slide-dialogue",
                role="region",
                **{"aria-labelledby": heading_id},
            )
        )
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
    identity = current_identity()
    zones = set(prepared.zone_ids)
    grouped = slide_notes(year)
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
    title = f"{t('mote_title', lang)} – {t('app_title', lang)}"
    view = make_view(
        PAGE, lang, title=title, visning=deck, ar=year, lysbilde=position + 1, auto=seconds or None
    )
    here = view["href"]
    content = [
        html.H1(
            f"{t('mote_title', lang)}: {t(f'mote_deck_{deck}', lang)}", className="visually-hidden"
        ),
        html.Div(
            [
                slide_section(
                    i,
                    s,
                    prepared,
                    lang,
                    year,
                    i == position,
                    zone_talk(prepared, s.key, year, lang, grouped, identity, here)
                    if s.key in zones
                    else None,
                )
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
        *notes_ui.page_stores(),
    ]
    return page_shell(content, lang, PAGE, prepared.dataset, view)


# ---------------------------------------------------------------- notes on the zone slides


def slide_notes(year) -> dict[str, list]:
    """Per zone: its open follow-ups (any year), then the year's other notes, newest first."""
    store = notes_ui.notes_store()
    grouped: dict[str, list] = {}
    for note in store.open_followups():
        grouped.setdefault(note.zone_id, []).append(note)
    if year is not None:
        for note in store.list(years=[year], limit=notes_ui.ZONE_NOTES):
            if not note.is_open:
                grouped.setdefault(note.zone_id, []).append(note)
    return grouped


def zone_list(zone: str, year, lang: str, grouped: dict, identity) -> list:
    mine = grouped.get(zone, [])
    followups = [n for n in mine if n.is_open]
    notes = [n for n in mine if not n.is_open][:SLIDE_NOTES]
    form = f"z-{zone}"
    return [
        html.H4(t("dlg_open_followups", lang)),
        notes_ui.note_list(
            followups, identity, form, lang, show_year=True, empty=t("dlg_no_followups", lang)
        ),
        html.H4(t("dlg_mote_notes", lang, year=year)),
        notes_ui.note_list(notes, identity, form, lang),
    ]


def zone_talk(p: Prepared, zone: str, year, lang: str, grouped: dict, identity, here: str):
    """A zone slide's follow-ups and notes, and a form for those who may write on it."""
    label = t("dlg_mote_label", lang, zone=p.name(zone), year=year)
    form = notes_ui.note_form(f"z-{zone}", zone, year, None, identity, lang, label, here)
    seconds = notes_ui.get_store().settings.notes_poll_seconds
    hint = html.P(t("dlg_mote_refresh", lang, n=seconds), className="hint")
    return zone_list(zone, year, lang, grouped, identity), [form, hint] if form else [hint]


def refresh(_version, view):
    """Callback: the notes changed (here, or on another screen, found by polling): every
    zone slide's lists again, for the person looking."""
    prepared = current()
    lang = urls.VIEW.parse(view, None)
    state = urls.parse(PAGE, (view or {}).get("query") or {}, prepared.known)
    year = state.get("ar")
    grouped = slide_notes(year)
    identity = current_identity()
    zones = [item["id"]["zone"] for item in ctx.outputs_list]
    known = set(prepared.zone_ids)
    # Components, not `plain` JSON: the renderer takes plain JSON only for plain outputs.
    return [zone_list(z, year, lang, grouped, identity) if z in known else None for z in zones]
