"""Møtemodus (`/mote?visning=gjennomgang&ar=2021&rekkefolge=flagg&lysbilde=3&auto=30`): a
kiosk for a wall screen or a projector.

The slide fills the screen, white and yellow on black, with type and bars sized to the
viewport (assets/meeting.css), so a slide never scrolls from 1280×720 to 3840×2160. Below it
one control bar: previous and next, the position, the year, the timer (auto-advance, with
pause: WCAG 2.2.2), the clock and the time in the meeting, full screen (the Fullscreen API;
F as a key, Esc leaves full screen, never the deck), the view (deck, order, language) and
"Avslutt møtemodus". Moving and the timer happen in the browser (assets/meeting.js); the
position and the timer are written to the URL without new history entries, while a year,
deck or order is a link (Back returns to it).

The slides are plain data from views/meeting.py. Rankings are drawn as HTML, a real table
whose rows share the slide's height, so a label never runs into a zone name and the ±3 %
band and the median are continuous across the rows.
"""

from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html

from .. import urls
from ..components import flag_badge, link_id, no_data, page_shell, view_id
from ..data import Prepared, current
from ..figures import full_range, scaled
from ..i18n import is_missing, t
from ..urls import DECKS, ORDERS, make_view
from ..views.common import year_choices, zones_word
from ..views.dialogue import followup_line
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
AUTO = "mote-auto"
AUTO_LABEL = "mote-auto-label"
PREV, NEXT, PAUSE = "mote-prev", "mote-next", "mote-pause"
FULLSCREEN, EXIT, CLOCK, ELAPSED = "mote-fullscreen", "mote-exit", "mote-clock", "mote-elapsed"
AUTO_SECONDS = (0, 10, 20, 30, 60)  # the timer's choices (any 0–3600 from a URL is kept)
DIALOGUE = "mote-dialogue"  # {"type": DIALOGUE, "zone": id}: a zone's notes on its slide
SLIDE_NOTES = 4  # the newest notes of the year on a zone's slide (the zone page has them all)


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
        ClientsideFunction("meeting", "timer"),
        Output(TIMER, "disabled"),
        Output(TIMER, "interval"),
        Output(PAUSE, "children"),
        Output(PAUSE, "aria-pressed"),
        Output(PAUSE, "hidden"),
        Output({"type": AUTO, "value": ALL}, "aria-pressed"),
        Output(AUTO_LABEL, "children"),
        Output(view_id(PAGE), "data", allow_duplicate=True),
        Input(PAUSE, "n_clicks"),
        Input({"type": AUTO, "value": ALL}, "n_clicks"),
        State(TIMER, "disabled"),
        State(TIMER, "interval"),
        State(view_id(PAGE), "data"),
        State({"type": AUTO, "value": ALL}, "id"),
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


# ---------------------------------------------------------------- rankings


def ranking_domain(slide: Slide) -> tuple[float, float]:
    """The span the bars are drawn on (in the units drawn: per cent for shares): the
    metric's whole scale, centred on zero for signed values (the band included), else from
    zero to a little past the largest value."""
    metric = slide.metric
    values = [v for v in slide.ranking["value"] if not is_missing(v)]
    if slide.band is not None:
        values += [slide.band, -slide.band]
    found = full_range(metric, values)
    if found is not None:
        return float(found[0]), float(found[1])
    return 0.0, max([*(v for v in scaled(values, metric) if v is not None), 1.0]) * 1.08


def _rank_key(mark: str, text: str) -> html.Span:
    """One entry of a ranking's key: its drawn mark (decoration) and what it means."""
    return html.Span(
        [html.Span(className=mark, **{"aria-hidden": "true"}), f" {text}"], className="rank-key"
    )


def ranking_table(index: int, slide: Slide, year, lang: str) -> html.Div:
    """Every zone's bar, best first; the median dashed and the ±3 % band shaded through all
    rows; the value in its own column, so it never runs into the zone's name."""
    low, high = ranking_domain(slide)

    def at(value: float) -> float:
        return round(max(0.0, min(100.0, (value - low) / (high - low) * 100)), 2)

    base = at(0.0) if low <= 0 <= high else 0.0
    overlay = []
    if slide.band is not None:
        edge = scaled([slide.band], slide.metric)[0]
        overlay.append(
            html.Div(
                className="rank-band",
                style={"left": f"{at(-edge)}%", "width": f"{round(at(edge) - at(-edge), 2)}%"},
            )
        )
    if low < 0 < high:
        overlay.append(html.Div(className="rank-zero", style={"left": f"{base}%"}))
    if slide.median is not None:
        median = scaled([slide.median], slide.metric)[0]
        overlay.append(html.Div(className="rank-median", style={"left": f"{at(median)}%"}))
    rows = []
    frame = slide.ranking
    half = len(frame) // 2 if slide.left_out else None
    for i, (zone, value, text) in enumerate(
        zip(frame["zone"], frame["value"], frame["text"], strict=True)
    ):
        if half is not None and i == half:
            rows.append(
                html.Tr(
                    html.Td(
                        t("mote_left_out", lang, zones=zones_word(slide.left_out, lang)),
                        colSpan=3,
                        className="rank-gap",
                    )
                )
            )
        bar = []
        if not is_missing(value):
            end = at(scaled([value], slide.metric)[0])
            negative = end < base
            bar.append(
                html.Div(
                    className="rank-bar negative" if negative else "rank-bar",
                    style={"left": f"{min(end, base)}%", "width": f"{round(abs(end - base), 2)}%"},
                )
            )
        rows.append(
            html.Tr(
                [
                    html.Th(zone, scope="row", className="rank-zone"),
                    html.Td(
                        html.Div([*overlay, *bar], className="rank-area"),
                        className="rank-cell",
                        **{"aria-hidden": "true"},
                    ),
                    html.Td(text, className="rank-value"),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("zone", lang), scope="col"),
                html.Td(),
                html.Th(f"{t(slide.metric.label, lang)} {year}", scope="col"),
            ]
        ),
        className="visually-hidden",
    )
    keys = []
    if slide.median is not None:
        keys.append(_rank_key("key-median", f"{t('median', lang)} {slide.median_text}"))
    if slide.band is not None:
        keys.append(_rank_key("key-band", t("fig_band", lang)))
    return html.Div(
        [
            html.P(keys, className="rank-keys") if keys else None,
            html.Div(
                html.Table(
                    [
                        html.Caption(slide.title, className="visually-hidden"),
                        head,
                        html.Tbody(rows),
                    ],
                    className="ranking",
                    style={"--rows": len(rows)},
                ),
                className="rank-frame",
            ),
        ],
        className="slide-ranking",
        id=f"mote-slide-{index}-ranking",
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


def _flags(flags, lang: str) -> html.Ul:
    """A slide's flags: the badge and why, without the rule (the overview says it)."""
    return html.Ul(
        [
            html.Li([flag_badge(f, lang), html.Span(f" {f.detail}", className="flag-detail")])
            for f in flags
        ],
        className="slide-flags",
    )


def _sections(slide: Slide) -> html.Div:
    return html.Div(
        [
            html.Section(
                [html.H3(heading) if heading else None, html.Ul([html.Li(x) for x in lines])]
            )
            for heading, lines in slide.sections
        ],
        className=f"slide-sections sections-{len(slide.sections)}",
    )


def _discussion(slide: Slide, lang: str, talk: html.Div | None = None) -> html.Div:
    left = [_flags(slide.flags, lang)]
    if talk is not None:  # the zone's follow-ups and notes, kept up to date, and a form
        left.append(talk)
    elif slide.followups is not None:
        left.append(html.H3(t("mote_followups", lang)))
        left.append(
            html.Ul([html.Li(f) for f in slide.followups])
            if slide.followups
            else html.P(t("mote_no_followups", lang), className="slide-none")
        )
    return html.Div(
        [
            html.Div(left, className="discuss-flags"),
            html.Div(
                [
                    html.H3(t("mote_questions", lang)),
                    html.Ol([html.Li(q) for q in slide.questions]),
                ],
                className="discuss-questions",
            ),
        ],
        className="discuss-grid",
    )


def slide_section(
    index: int, slide: Slide, lang: str, year, visible: bool, talk: tuple | None = None
) -> html.Section:
    """One slide; `talk` (a zone's note lists and form, see zone_talk) on a zone's slide."""
    heading = f"mote-slide-{index}-heading"
    block = _talk_block(index, slide, talk, lang) if talk is not None else None
    children = [html.H2(slide.title, id=heading), html.P(slide.lead, className="slide-lead")]
    if slide.ranking is not None:
        children.append(ranking_table(index, slide, year, lang))
    if slide.facts:
        children.append(_facts(slide))
    if slide.kind == "discussion":
        children.append(_discussion(slide, lang, block))
    else:
        if slide.flags:
            children.append(_flags(slide.flags, lang))
        if block is not None:
            children.append(block)
    if slide.sections:
        children.append(_sections(slide))
    if slide.summary is not None and slide.summary.common:
        children.append(
            html.Ul([html.Li(g.note) for g in slide.summary.common], className="slide-common")
        )
    children += [html.P(note, className="slide-note") for note in slide.notes]
    return html.Section(
        children,
        id={"type": SLIDE, "index": index},
        className=f"slide kind-{slide.kind}",
        hidden=not visible,
        **{"aria-labelledby": heading},
    )


def _talk_block(index: int, slide: Slide, talk: tuple, lang: str) -> html.Div:
    listed, form = talk
    heading_id = f"mote-slide-{index}-dialogue"
    return html.Div(
        [
            html.H3(t("dlg_mote_title", lang), id=heading_id),
            html.Div(listed, id={"type": DIALOGUE, "zone": slide_zone(slide)}),
            *form,  # a flat list: the renderer does not look into nested ones
        ],
        className="slide-dialogue",
        role="region",
        tabIndex="0",  # it may scroll: reachable by keyboard (WCAG 2.1.1)
        **{"aria-labelledby": heading_id},
    )


def slide_zone(slide: Slide) -> str | None:
    """The zone a slide is about (a zone's slide, or its discussion slide), if any."""
    if slide.kind == "zone":
        return slide.key
    if slide.kind == "discussion" and slide.key.startswith("discuss-"):
        return slide.key.removeprefix("discuss-")
    return None


# ---------------------------------------------------------------- the control bar


def _menu(summary, body, element_id: str | None = None) -> html.Details:
    """A small menu that opens upwards from the bar (Esc closes it: assets/meeting.js)."""
    kwargs = {"id": element_id} if element_id else {}
    return html.Details(
        [html.Summary(summary), html.Div(body, className="menu-body")],
        className="deck-menu",
        **kwargs,
    )


def _links(items: list[tuple[str, str, bool]], label: str, lang: str) -> html.Nav:
    """Links to the deck in another year, deck or order; the one on screen is marked."""
    said = t("current_page", lang)
    return html.Nav(
        html.Ul(
            [
                html.Li(
                    dcc.Link(
                        [text, html.Span(f" {said}", className="visually-hidden")]
                        if current
                        else text,
                        href=href,
                    ),
                    className="current" if current else None,
                )
                for text, href, current in items
            ]
        ),
        **{"aria-label": label},
    )


def auto_label(seconds: int, lang: str) -> str:
    state = t("mote_auto_every", lang, n=seconds) if seconds else t("mote_auto_off", lang)
    return t("mote_auto_menu", lang, state=state)


def control_bar(p: Prepared, state, total: int, position: int) -> html.Div:
    lang, year, deck, order = (
        state.lang,
        state.get("ar"),
        state.get("visning"),
        state.get("rekkefolge"),
    )
    seconds = state.get("auto", 0)

    def deck_href(**change) -> str:
        query = {"visning": deck, "ar": year, "rekkefolge": order, "auto": seconds or None}
        return urls.href(PAGE, lang, **{**query, **change})

    years = [(o.label, deck_href(ar=o.value), o.value == year) for o in year_choices(p, lang)]
    decks = [(t(f"mote_deck_{d}", lang), deck_href(visning=d), d == deck) for d in DECKS]
    orders = [(t(f"mote_order_{o}", lang), deck_href(rekkefolge=o), o == order) for o in ORDERS]
    choices = sorted({*AUTO_SECONDS, seconds})
    other = "en" if lang == "nb" else "nb"
    auto = html.Div(
        [
            html.Button(
                t("mote_auto_off", lang) if n == 0 else t("mote_auto_seconds", lang, n=n),
                id={"type": AUTO, "value": n},
                type="button",
                className="chip",
                **{"aria-pressed": "true" if n == seconds else "false"},
            )
            for n in choices
        ],
        className="chips",
        role="group",
        **{"aria-label": t("mote_auto", lang)},
    )
    fullscreen = html.Button(
        t("mote_fullscreen", lang),
        id=FULLSCREEN,
        type="button",
        className="button",
        title="F",
        **{
            "aria-pressed": "false",
            "data-on": t("mote_fullscreen_off", lang),
            "data-off": t("mote_fullscreen", lang),
        },
    )
    sample = (
        html.Span(t("sample_badge", lang), className="sample-badge", title=t("sample_text", lang))
        if p.dataset.is_sample
        else None
    )
    return html.Div(
        [
            html.Div(
                [
                    html.Button(t("mote_prev", lang), id=PREV, className="button", type="button"),
                    html.P(
                        t("mote_position", lang, n=position + 1, total=total),
                        id=POSITION_TEXT,
                        className="deck-position",
                        **{"aria-live": "polite"},
                    ),
                    html.Button(t("mote_next", lang), id=NEXT, className="button", type="button"),
                ],
                className="bar-group",
            ),
            html.Div(
                [
                    _menu(
                        t("mote_year_menu", lang, year=year),
                        _links(years, t("choose_year", lang), lang),
                    ),
                    _menu(
                        html.Span(auto_label(seconds, lang), id=AUTO_LABEL),
                        auto,
                    ),
                    html.Button(
                        t("mote_pause", lang),
                        id=PAUSE,
                        className="button",
                        type="button",
                        hidden=not seconds,
                        **{"aria-pressed": "false"},
                    ),
                    _menu(
                        t("mote_view_menu", lang),
                        [
                            html.P(t("mote_deck_choice", lang), className="menu-heading"),
                            _links(decks, t("mote_deck_choice", lang), lang),
                            html.P(t("mote_order_choice", lang), className="menu-heading"),
                            _links(orders, t("mote_order_choice", lang), lang),
                            html.P(
                                dcc.Link(
                                    html.Span(t("lang_switch", lang), lang=other),
                                    href=urls.lang_href(
                                        make_view(
                                            PAGE,
                                            lang,
                                            visning=deck,
                                            ar=year,
                                            rekkefolge=order,
                                            auto=seconds or None,
                                        )
                                    ),
                                    id=link_id("lang"),
                                )
                            ),
                            html.P(t("mote_help", lang), className="menu-help"),
                        ],
                    ),
                ],
                className="bar-group",
            ),
            html.Div(
                [
                    html.P(
                        [
                            html.Span(f"{t('mote_clock', lang)} ", className="visually-hidden"),
                            html.Time("", id=CLOCK),
                            html.Span(" · ", **{"aria-hidden": "true"}),
                            html.Span(f"{t('mote_elapsed', lang)} ", className="visually-hidden"),
                            html.Span("", id=ELAPSED),
                        ],
                        className="deck-clock",
                    ),
                    sample,
                    fullscreen,
                    dcc.Link(
                        t("mote_exit", lang),
                        href=urls.href("oversikt", lang, ar=year),
                        id=EXIT,
                        className="button exit-link",
                    ),
                ],
                className="bar-group",
            ),
        ],
        className="deck-bar",
        role="group",
        **{"aria-label": t("mote_controls", lang)},
    )


# ---------------------------------------------------------------- layout


def layout(**query):
    prepared = current()
    state = urls.parse(PAGE, query, prepared.known)
    lang, deck, year = state.lang, state.get("visning"), state.get("ar")
    order, seconds = state.get("rekkefolge"), state.get("auto", 0)
    title = f"{t('mote_title', lang)} – {t('app_title', lang)}"
    if not prepared.years:  # nothing to present: the ordinary frame, to go elsewhere
        content = [html.H1(t("mote_title", lang)), no_data(lang)]
        return page_shell(content, lang, PAGE, prepared.dataset, make_view(PAGE, lang, title=title))
    grouped = slide_notes(year)
    followups = {
        zone: [f"{n.text} ({followup_line(n, lang)})" for n in notes if n.is_open]
        for zone, notes in grouped.items()
    }
    slides = meeting_deck(prepared, deck, year, lang, order, followups)
    position = min(state.get("lysbilde") - 1, len(slides) - 1)
    texts = {
        "position": t("mote_position", lang, n="{n}", total="{total}"),
        "pause": t("mote_pause", lang),
        "resume": t("mote_resume", lang),
        "off": auto_label(0, lang),
        "every": t("mote_auto_menu", lang, state=t("mote_auto_every", lang, n="{n}")),
    }
    view = make_view(
        PAGE,
        lang,
        title=title,
        visning=deck,
        ar=year,
        rekkefolge=order,
        lysbilde=position + 1,
        auto=seconds or None,
    )
    identity, here = current_identity(), view["href"]
    talks = {
        zone: zone_talk(prepared, zone, year, lang, grouped, identity, here)
        for zone in filter(None, map(slide_zone, slides))
        if zone in set(prepared.zone_ids)
    }
    content = [
        html.H1(
            f"{t('mote_title', lang)}: {t(f'mote_deck_{deck}', lang)}", className="visually-hidden"
        ),
        html.Div(
            [
                slide_section(i, s, lang, year, i == position, talks.get(slide_zone(s)))
                for i, s in enumerate(slides)
            ],
            className="deck",
            id="mote-deck",
            role="region",
            tabIndex="0",
            **{"aria-label": t("mote_deck_label", lang)},
        ),
        control_bar(prepared, state, len(slides), position),
        dcc.Store(id=POSITION, data=position),
        # Explicitly empty: a store Dash's router reuses for the next deck would otherwise
        # bring back the last key pressed on the one before (and move the new deck).
        dcc.Store(id=KEY, data=None),
        dcc.Store(id=TEXTS, data=texts),
        dcc.Interval(id=TIMER, interval=max(seconds, 1) * 1000, disabled=not seconds),
        *notes_ui.page_stores(),
    ]
    return page_shell(content, lang, PAGE, prepared.dataset, view, kiosk=True)


# ---------------------------------------------------------------- notes on the zones' slides


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
    """A zone's follow-ups and notes on its slide, and a form for those who may write
    there (folded, so the slide still fits the screen until someone writes)."""
    label = t("dlg_mote_label", lang, zone=p.name(zone), year=year)
    form = notes_ui.note_form(f"z-{zone}", zone, year, None, identity, lang, label, here)
    seconds = notes_ui.get_store().settings.notes_poll_seconds
    hint = html.P(t("dlg_mote_refresh", lang, n=seconds), className="hint")
    if form is not None and identity.is_authenticated:
        form = html.Details([html.Summary(label), form], className="slide-write")
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
