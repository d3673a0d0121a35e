"""Møtemodus: the decks for a network meeting, an opening slide and one per zone or panel."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..data import Prepared
from ..i18n import SUPPRESSED, t
from ..metrics import METRICS, Metric
from ..urls import DECKS
from .common import median_text, partial_note, rank_text, shown, zones_word
from .flags import Flag, FlagSummary, flag_summary, flags_for
from .zone import PANELS, carry_words

NAMED_TIED = 3  # tied zones named on a slide; more are counted ("8 soner har 0")


@dataclass
class Slide:
    key: str
    title: str
    lead: str
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, context
    flags: list[Flag] = field(default_factory=list)
    summary: FlagSummary | None = None
    notes: list[str] = field(default_factory=list)
    ranking: pd.DataFrame | None = None  # zone, value, text
    metric: Metric | None = None
    median: float | None = None
    median_text: str = ""


SLIDE_FACTS = [
    "council_followup_rate",
    "result_pct",
    "risk_tolerance",
    "projects_radical",
    "goals_reached_share",
    "survey_tjenestekvalitet",
]


def _intro(p: Prepared, year: int | None, lang: str) -> Slide:
    notes = [n for n in (partial_note(p, year, lang),) if n]
    return Slide(
        "intro",
        t("mote_intro_title", lang, year=year),
        t("mote_intro_text", lang),
        summary=flag_summary(p, year, lang),
        notes=notes,
    )


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
        facts,
        flags_for(p, zone_id, year, lang),
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
    return Slide(
        panel_key,
        t(panel.title, lang),
        lead,
        ranking=frame,
        metric=metric,
        median=p.median(year, metric.key),
        median_text=median,
    )


def meeting_deck(p: Prepared, deck: str, year: int | None, lang: str) -> list[Slide]:
    """The slides of a deck: an opening slide with the flags, then one per zone or panel."""
    slides = [_intro(p, year, lang)]
    if deck == DECKS[1]:
        slides += [panel_slide(p, key, year, lang) for key in PANELS]
    else:
        slides += [zone_slide(p, z, year, lang) for z in p.zones_in(year)]
    return slides
