"""Møtemodus: the decks for a network meeting, as plain slides.

The default deck tells the year as a story a network meeting can discuss (`gjennomgang`):

1. the opening: the year, how many zones have complete figures, what is on the agenda, and
   the flags most zones carry (one note for the municipality);
2. what changed since the year before: the largest moves, new flags, flags resolved;
3. one slide per panel of the zone page, every zone ranked on the panel's headline number;
4. a discussion slide for the municipality (the flags most zones carry) and one per zone
   with flags of its own, each with the questions from the study that fit those flags and
   the zone's open follow-ups (`open_followups`);
5. the sources.

Two plainer decks remain: one slide per zone (`soner`), one per panel (`paneler`), each
after the opening. Zones come most flagged first or by name (`rekkefolge`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..data import Prepared
from ..i18n import SUPPRESSED, t
from ..indicators import CARRY_OVER_LIMIT
from ..metrics import METRICS, Metric
from ..urls import ORDERS, PANEL_DECK, STORY, ZONE_DECK
from .common import data_sources, median_text, partial_note, rank_text, shown, zones_word
from .flags import Flag, FlagSummary, flag_summary, flags_for, severity_score
from .zone import PANELS, carry_words

NAMED_TIED = 3  # tied zones named on a slide; more are counted ("8 soner har 0")
RANKED_SHOWN = 16  # zones drawn on a ranking slide; past that, the top and bottom halves
MOVES_SHOWN = 4  # the largest moves named on the "what changed" slide
FLAGS_NAMED = 6  # new or resolved flags named before "and N more"
QUESTIONS_SHOWN = 3  # questions on one discussion slide: a meeting discusses a few, well
SMALLEST_MOVE = 0.05  # a move of less than 5 % of the metric's spread is not news

# The questions the study suggests for a network meeting (shared/FINDINGS.md), and which of
# them each kind of flag raises, most fitting first.
QUESTIONS = ("q_radical", "q_council", "q_fund", "q_topdown", "q_learn")
QUESTIONS_FOR = {
    "spiral": ("q_topdown", "q_learn"),
    "overspend": ("q_topdown", "q_learn"),
    "no_council": ("q_council",),
    "low_followup": ("q_council",),
    "low_risk": ("q_fund", "q_radical"),
    "targets": ("q_learn", "q_council"),
    "no_radical": ("q_radical", "q_topdown"),
    "suppressed": ("q_council",),
}


@dataclass
class Slide:
    key: str
    title: str
    lead: str
    kind: str = "zone"  # opening | changes | panel | zone | discussion | closing
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, context
    flags: list[Flag] = field(default_factory=list)
    summary: FlagSummary | None = None
    notes: list[str] = field(default_factory=list)
    ranking: pd.DataFrame | None = None  # zone, value, text: the zones drawn, best first
    metric: Metric | None = None
    median: float | None = None
    median_text: str = ""
    band: float | None = None  # the ±3 % band of the budget slide, as a share
    left_out: int = 0  # zones not drawn on a ranking slide (between the two halves)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # heading, lines
    questions: list[str] = field(default_factory=list)
    followups: list[str] | None = field(default_factory=list)  # None: not a zone's slide


SLIDE_FACTS = [
    "council_followup_rate",
    "result_pct",
    "risk_tolerance",
    "projects_radical",
    "goals_reached_share",
    "survey_tjenestekvalitet",
]


# ---------------------------------------------------------------- the order of zones


def name_key(name: str) -> str:
    """Norwegian alphabetical order: Æ, Ø and Å after Z, in that order."""
    return name.casefold().translate({ord("æ"): "{", ord("ø"): "|", ord("å"): "}"})


def ordered_zones(p: Prepared, zones: list[str], year: int | None, order: str) -> list[str]:
    """Most severe flags first (the reference table's order among equals), or by name."""
    if order == ORDERS[1]:
        return sorted(zones, key=lambda z: name_key(p.name(z)))
    common = flag_summary(p, year, "nb").common_kinds
    score = {z: severity_score(flags_for(p, z, year, "nb"), common) for z in zones}
    return sorted(zones, key=lambda z: -score[z])


# ---------------------------------------------------------------- opening and closing


def complete_zones(p: Prepared, year: int | None) -> tuple[int, int]:
    """(zones with figures in every table that reports that year, zones in the city)."""
    active = p.active_zones(year)
    return sum(1 for z in active if p.zone_complete(z, year)), len(active)


def _opening(p: Prepared, year: int | None, lang: str, discussed: list[str]) -> Slide:
    summary = flag_summary(p, year, lang)
    complete, of = complete_zones(p, year)
    agenda = [t("mote_agenda_changes", lang, year=(year or 0) - 1)]
    agenda.append(t("mote_agenda_panels", lang, n=len(PANELS)))
    if discussed:
        names = _named([p.name(z) for z in discussed], lang)
        agenda.append(t("mote_agenda_discuss", lang, zones=names))
    notes = [n for n in (partial_note(p, year, lang),) if n]
    return Slide(
        "intro",
        t("mote_intro_title", lang, year=year),
        t("mote_complete", lang, complete=complete, zones=zones_word(of, lang), year=year),
        kind="opening",
        summary=summary,
        sections=[(t("mote_agenda", lang), agenda)],
        notes=notes,
    )


def _closing(p: Prepared, year: int | None, lang: str) -> Slide:
    lines = [data_sources(p, None, lang), t("mote_sources_study", lang)]
    if p.dataset.is_sample:
        lines.append(t("sample_text", lang))
    return Slide(
        "sources",
        t("mote_sources_title", lang),
        t("mote_sources_lead", lang, year=year),
        kind="closing",
        sections=[("", lines)],
    )


# ---------------------------------------------------------------- what changed


def _spread(p: Prepared, metric: Metric, years: tuple[int, int]) -> float:
    """How far the metric's values can lie apart: its whole scale, or the zones' range."""
    if metric.scale is not None:
        return float(metric.scale[1] - metric.scale[0])
    values = [
        float(v)
        for y in years
        for z in p.zones_in(y)
        if (v := p.value(z, y, metric.key)) is not None
    ]
    return max((max(values) - min(values)) if values else 0.0, 1e-9)


def largest_moves(p: Prepared, year: int, lang: str) -> list[str]:
    """The largest changes since the year before among the panels' headline numbers, each
    measured against how far that number can lie apart, said with better or worse."""
    moves = []
    for panel in PANELS.values():
        metric = panel.metric()
        spread = _spread(p, metric, (year - 1, year))
        for zone_id in p.zones_in(year):
            now, before = p.value(zone_id, year, metric.key), p.value(zone_id, year - 1, metric.key)
            if now is None or before is None or now == before:
                continue
            if metric.band:  # the budget: closer to balance is better
                better = abs(now) < abs(before)
            else:
                better = (now > before) == (metric.better == "higher")
            size = abs(now - before) / spread
            if size >= SMALLEST_MOVE:
                moves.append((size, zone_id, metric, better))
    moves.sort(key=lambda m: -m[0])
    return [
        t(
            "mote_move",
            lang,
            zone=p.name(zone_id),
            metric=t(metric.label, lang),
            before=shown(p.row(zone_id, year - 1), metric.key, lang),
            now=shown(p.row(zone_id, year), metric.key, lang),
            way=t("mote_better" if better else "mote_worse", lang),
        )
        for _, zone_id, metric, better in moves[:MOVES_SHOWN]
    ]


def flag_changes(p: Prepared, year: int, lang: str) -> tuple[list[str], list[str]]:
    """Flags a zone has this year and had not the year before, and the other way round;
    the flags most zones carry in either year are left out (they are not about a zone)."""
    common = flag_summary(p, year, lang).common_kinds | flag_summary(p, year - 1, lang).common_kinds
    new, gone = [], []
    for zone_id in p.zone_ids:
        now = {f.kind: f for f in flags_for(p, zone_id, year, lang) if f.kind not in common}
        before = {f.kind: f for f in flags_for(p, zone_id, year - 1, lang) if f.kind not in common}
        if p.row(zone_id, year - 1) is None or p.row(zone_id, year) is None:
            continue  # a zone without both years has nothing to compare
        new += [(now[k].severity, zone_id, now[k].label) for k in now if k not in before]
        gone += [(before[k].severity, zone_id, before[k].label) for k in before if k not in now]
    return _flag_lines(p, new, lang), _flag_lines(p, gone, lang)


def _flag_lines(p: Prepared, found: list[tuple[int, str, str]], lang: str) -> list[str]:
    found.sort(key=lambda f: -f[0])
    lines = [t("mote_flag_line", lang, zone=p.name(z), flag=label) for _, z, label in found]
    if len(lines) > FLAGS_NAMED:
        rest = len(lines) - FLAGS_NAMED
        lines = [*lines[:FLAGS_NAMED], t("and_more", lang, n=rest)]
    return lines


def _changes(p: Prepared, year: int | None, lang: str) -> Slide:
    title = t("mote_changes_title", lang, year=(year or 0) - 1)
    if year is None or not p.zones_in(year - 1):
        return Slide(
            "changes", title, t("mote_changes_none", lang, year=(year or 0) - 1), "changes"
        )
    new, gone = flag_changes(p, year, lang)
    sections = [
        (t("mote_moves", lang), largest_moves(p, year, lang) or [t("mote_no_moves", lang)]),
        (t("mote_new_flags", lang), new or [t("mote_no_new", lang)]),
        (t("mote_gone_flags", lang), gone or [t("mote_no_gone", lang)]),
    ]
    lead = t("mote_changes_lead", lang, year=year, before=year - 1)
    return Slide("changes", title, lead, "changes", sections=sections)


# ---------------------------------------------------------------- zones and panels


def zone_slide(p: Prepared, zone_id: str, year: int | None, lang: str) -> Slide:
    row = p.row(zone_id, year)
    facts = []
    for key in SLIDE_FACTS:
        metric = METRICS[key]
        context = t(
            "mote_fact_context",
            lang,
            median=median_text(p, year, key, lang),
            rank=rank_text(p.rank(zone_id, year, key), lang),
        )
        if key == PANELS["budget"].headline and row is not None:
            context = f"{carry_words(row.get('carry_over'), lang)} · {context}"
        facts.append((t(metric.label, lang), shown(row, key, lang), context))
    return Slide(
        zone_id,
        p.name(zone_id),
        t("mote_zone_lead", lang, zone=p.name(zone_id), year=year),
        facts=facts,
        flags=flags_for(p, zone_id, year, lang),
    )


def _named(zones: list[str], lang: str) -> str:
    """'Klæbu', 'Nardo og Tiller', 'Byåsen, Nardo og Tiller'."""
    if len(zones) == 1:
        return zones[0]
    return f"{', '.join(zones[:-1])} {t('and', lang)} {zones[-1]}"


def _end(group: pd.DataFrame, lang: str) -> str:
    """The zones at one end of a ranking: named when few, counted when many."""
    text = group.iloc[0]["text"]
    if len(group) <= NAMED_TIED:
        return t("mote_end_named", lang, zones=_named(list(group["zone"]), lang), value=text)
    return t("mote_end_counted", lang, zones=zones_word(len(group), lang), value=text)


def ranking_lead(frame: pd.DataFrame, label: str, year: int | None, median: str, lang: str) -> str:
    """'… median 2; høyest Klæbu, Nardo og Tiller (5,3), lavest 8 soner har 0.' Nothing is
    said about highest and lowest when every zone has the same value."""
    ranked = frame.dropna(subset=["value"])
    if ranked.empty:
        return t("empty_year", lang)
    top = ranked[ranked["value"] == ranked["value"].max()]
    bottom = ranked[ranked["value"] == ranked["value"].min()]
    if len(top) == len(ranked):
        return t(
            "mote_panel_all_equal",
            lang,
            metric=label,
            year=year,
            zones=zones_word(len(ranked), lang),
            value=top.iloc[0]["text"],
        )
    return t(
        "mote_panel_lead",
        lang,
        metric=label,
        year=year,
        median=median,
        top=_end(top, lang),
        bottom=_end(bottom, lang),
    )


def panel_slide(p: Prepared, panel_key: str, year: int | None, lang: str) -> Slide:
    panel = PANELS[panel_key]
    metric = panel.metric()
    records = []
    for zone_id in p.zones_in(year):
        row = p.row(zone_id, year)
        text = shown(row, metric.key, lang)
        if text == SUPPRESSED:
            text = f"{SUPPRESSED} {t('suppressed_reason', lang, n=p.dataset.threshold)}"
        value = None if row is None else row.get(metric.key)
        records.append({"zone": p.name(zone_id), "value": value, "text": text})
    frame = pd.DataFrame(records, columns=["zone", "value", "text"])
    ranked = frame.dropna(subset=["value"]).sort_values("value", ascending=False, kind="stable")
    frame = pd.concat([ranked, frame[frame["value"].isna()]])
    median = median_text(p, year, metric.key, lang)
    lead = ranking_lead(frame, t(metric.label, lang), year, median, lang)
    left_out = max(len(frame) - RANKED_SHOWN, 0)
    if left_out:  # a wall screen has room for so many rows: the best and the last
        half = RANKED_SHOWN // 2
        frame = pd.concat([frame.head(half), frame.tail(half)])
    return Slide(
        panel_key,
        t(panel.title, lang),
        lead,
        kind="panel",
        ranking=frame,
        metric=metric,
        median=p.median(year, metric.key),
        median_text=median,
        band=CARRY_OVER_LIMIT if metric.band else None,
        left_out=left_out,
    )


# ---------------------------------------------------------------- discussion


def open_followups(followups: Mapping[str, list[str]] | None, zone_id: str) -> list[str]:
    """The zone's open follow-ups, for its discussion slide: the one place the deck asks
    for them. They live in the notes store, not in the imported data, so the page hands
    them in (`followups`: zone → lines); none when it does not."""
    return list((followups or {}).get(zone_id, []))


def questions_for(flags: list[Flag], carry_over: float | None, lang: str) -> list[str]:
    """The study's questions that fit a zone's flags (most severe flags first). A zone with
    a top-up next year is asked whether it could fund a trial; a zone facing a claw-back is
    not (it has no top-up to spend). At least two questions, at most QUESTIONS_SHOWN."""
    keys: list[str] = []
    for flag in sorted(flags, key=lambda f: -f.severity):
        keys += [k for k in QUESTIONS_FOR.get(flag.kind, ()) if k not in keys]
    if carry_over is not None and carry_over > 0 and "q_radical" in keys:
        keys = ["q_fund", *[k for k in keys if k != "q_fund"]]
    if carry_over is not None and carry_over < 0:
        keys = [k for k in keys if k != "q_fund"]
    for extra in ("q_learn", "q_radical"):
        if len(keys) < 2 and extra not in keys:
            keys.append(extra)
    return [t(k, lang) for k in keys[:QUESTIONS_SHOWN]]


def discussion_slides(
    p: Prepared,
    year: int | None,
    lang: str,
    order: str = ORDERS[0],
    followups: Mapping[str, list[str]] | None = None,
) -> list[Slide]:
    """One slide for what most zones share, then one per zone with flags of its own."""
    summary = flag_summary(p, year, lang)
    common = summary.common_kinds
    slides = []
    if summary.common:
        flags = [
            Flag(
                g.rule.kind,
                g.rule.severity,
                g.rule.icon,
                g.label,
                t("count_of", lang, part=len(g.zones), whole=zones_word(g.of, lang)),
                g.rule_text,
            )
            for g in summary.common
        ]
        slides.append(
            Slide(
                "discuss-all",
                t("mote_discuss_all", lang),
                t("mote_discuss_all_lead", lang, year=year),
                kind="discussion",
                flags=flags,
                questions=questions_for(flags, None, lang),
                followups=None,  # follow-ups belong to a zone
            )
        )
    for zone_id in flagged_zones(p, year, order):
        own = [f for f in flags_for(p, zone_id, year, lang) if f.kind not in common]
        slides.append(
            Slide(
                f"discuss-{zone_id}",
                t("mote_discuss_title", lang, zone=p.name(zone_id)),
                t("mote_discuss_lead", lang, zone=p.name(zone_id), year=year),
                kind="discussion",
                flags=own,
                questions=questions_for(own, p.value(zone_id, year, "carry_over"), lang),
                followups=open_followups(followups, zone_id),
            )
        )
    return slides


def flagged_zones(p: Prepared, year: int | None, order: str = ORDERS[0]) -> list[str]:
    """The zones with flags of their own (not only those most zones carry), in order."""
    common = flag_summary(p, year, "nb").common_kinds
    flagged = [
        z
        for z in p.zones_in(year)
        if any(f.kind not in common for f in flags_for(p, z, year, "nb"))
    ]
    return ordered_zones(p, flagged, year, order)


# ---------------------------------------------------------------- the decks


def meeting_deck(
    p: Prepared,
    deck: str,
    year: int | None,
    lang: str,
    order: str = ORDERS[0],
    followups: Mapping[str, list[str]] | None = None,
) -> list[Slide]:
    """The slides of a deck (see the module's docstring for the story's order); `followups`
    are the zones' open follow-ups as lines, for their discussion slides."""
    if not p.years:
        return [Slide("intro", t("mote_title", lang), t("no_data_title", lang), "opening")]
    if deck == PANEL_DECK:
        return [_opening(p, year, lang, []), *(panel_slide(p, k, year, lang) for k in PANELS)]
    if deck == ZONE_DECK:
        zones = ordered_zones(p, p.zones_in(year), year, order)
        return [_opening(p, year, lang, []), *(zone_slide(p, z, year, lang) for z in zones)]
    assert deck == STORY, deck
    discussed = flagged_zones(p, year, order)
    return [
        _opening(p, year, lang, discussed),
        _changes(p, year, lang),
        *(panel_slide(p, key, year, lang) for key in PANELS),
        *discussion_slides(p, year, lang, order, followups),
        _closing(p, year, lang),
    ]
