"""View models for the comparison page and the meeting decks (pure, like panels.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .i18n import MISSING, SUPPRESSED, t
from .indicators import SURVEY_COLUMNS
from .panels import (
    METRICS,
    Flag,
    Prepared,
    TableView,
    flag_summary,
    flags_for,
    is_suppressed,
    rank_text,
    shown,
)
from .zone_view import PANEL_HEADLINE, PANEL_TITLES, PANELS, carry_words

COMPARE_METRICS = [
    "council_followup_rate",
    "council_meetings",
    "result_wage_pct",
    "carry_over",
    "risk_tolerance",
    "experiments_started",
    "projects_conservative",
    "projects_radical",
    *SURVEY_COLUMNS,
]


# ---------------------------------------------------------------- comparison


@dataclass
class CompareView:
    own: str | None
    others: list[str]
    year: int | None
    frame: pd.DataFrame  # series, is_median, metric, year, value, text
    panels: list[tuple[str, str, str]]  # metric, title, kind
    sentences: list[str]
    table: TableView


def compare_zones(prepared: Prepared, own: str | None, others: list[str]) -> list[str]:
    """The zones to draw: the own zone first, then the others it is compared with."""
    known = set(prepared.zone_ids)
    zones = [own] if own in known else []
    return zones + [z for z in others if z in known and z not in zones]


def _value_phrase(
    prepared: Prepared, zone_id: str, year: int | None, key: str, lang: str, reason: str
) -> str:
    row = prepared.row(zone_id, year)
    name = prepared.name(zone_id)
    if is_suppressed(row, key):
        return t("cmp_suppressed", lang, zone=name, reason=reason)
    text = shown(row, key, lang)
    if text == MISSING:
        return t("cmp_no_value", lang, zone=name)
    return t("cmp_zone_value", lang, zone=name, value=text)


def compare(
    prepared: Prepared, own: str | None, others: list[str], year: int | None, lang: str
) -> CompareView:
    zones = compare_zones(prepared, own, others)
    median_label = t("median_all", lang)
    reason = t("suppressed_reason", lang, n=prepared.dataset.threshold)
    records, sentences, rows = [], [], []
    for key in COMPARE_METRICS:
        metric = METRICS[key]
        for zone_id in zones:
            cells = []
            for y in prepared.years:
                row = prepared.row(zone_id, y)
                value = None if row is None else row.get(key)
                text = shown(row, key, lang)
                cells.append(text)
                records.append((prepared.name(zone_id), False, key, y, value, text))
            rows.append([f"{metric.label(lang)} – {prepared.name(zone_id)}", *cells])
        medians = []
        for y in prepared.years:
            median = prepared.median(y, key)
            medians.append(metric.fmt(median, lang))
            records.append((median_label, True, key, y, median, metric.fmt(median, lang)))
        rows.append([f"{metric.label(lang)} – {median_label}", *medians])
        values = ", ".join(_value_phrase(prepared, z, year, key, lang, reason) for z in zones)
        sentences.append(
            t(
                "cmp_sentence",
                lang,
                metric=metric.label(lang),
                year=year,
                values=values or MISSING,
                median=metric.fmt(prepared.median(year, key), lang),
            )
        )
    frame = pd.DataFrame(
        records, columns=["series", "is_median", "metric", "year", "value", "text"]
    )
    panels = [(k, METRICS[k].label(lang), METRICS[k].kind) for k in COMPARE_METRICS]
    columns = [t("cmp_indicator", lang), *(str(y) for y in prepared.years)]
    table = TableView(t("cmp_table_caption", lang), columns, rows)
    has_own = bool(zones) and zones[0] == own
    return CompareView(
        own if has_own else None,
        zones[1:] if has_own else zones,
        year,
        frame,
        panels,
        sentences,
        table,
    )


# ---------------------------------------------------------------- meeting decks


@dataclass
class Slide:
    key: str
    title: str
    lead: str
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, context
    flags: list[Flag] = field(default_factory=list)
    summary: list[tuple[Flag, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ranking: pd.DataFrame | None = None  # zone, value, text
    kind: str = "count"
    median: float | None = None
    median_text: str = ""


SLIDE_FACTS = [
    "council_followup_rate",
    "result_wage_pct",
    "risk_tolerance",
    "projects_radical",
    "survey_tjenestekvalitet",
]


def _intro(prepared: Prepared, year: int | None, lang: str) -> Slide:
    return Slide(
        "intro",
        t("mote_intro_title", lang, year=year),
        t("mote_intro_text", lang),
        summary=flag_summary(prepared, year, lang),
    )


def zone_slide(prepared: Prepared, zone_id: str, year: int | None, lang: str) -> Slide:
    row = prepared.row(zone_id, year)
    facts = []
    for key in SLIDE_FACTS:
        metric = METRICS[key]
        context = t(
            "mote_fact_context",
            lang,
            median=metric.fmt(prepared.median(year, key), lang),
            rank=rank_text(prepared.rank(zone_id, year, key), lang),
        )
        value = shown(row, key, lang, signed=key == "result_wage_pct")
        if key == "result_wage_pct" and row is not None:
            context = f"{carry_words(row.get('carry_over'), lang)} · {context}"
        facts.append((metric.label(lang), value, context))
    flags = flags_for(row, prepared.dataset.threshold, lang)
    return Slide(
        zone_id,
        prepared.name(zone_id),
        t("mote_zone_lead", lang, zone=prepared.name(zone_id), year=year),
        facts,
        flags,
    )


def panel_slide(prepared: Prepared, panel: str, year: int | None, lang: str) -> Slide:
    key = PANEL_HEADLINE[panel]
    metric = METRICS[key]
    records = []
    for zone_id in prepared.zones_in(year):
        row = prepared.row(zone_id, year)
        text = shown(row, key, lang)
        if text == SUPPRESSED:
            text = f": {t('suppressed_reason', lang, n=prepared.dataset.threshold)}"
        records.append(
            {
                "zone": prepared.name(zone_id),
                "value": None if row is None else row.get(key),
                "text": text,
            }
        )
    frame = pd.DataFrame(records, columns=["zone", "value", "text"])
    ranked = frame.dropna(subset=["value"]).sort_values("value", ascending=False, kind="stable")
    frame = pd.concat([ranked, frame[frame["value"].isna()]])
    median = prepared.median(year, key)
    if len(ranked):
        lead = t(
            "mote_panel_lead",
            lang,
            metric=metric.label(lang),
            year=year,
            median=metric.fmt(median, lang),
            top=ranked.iloc[0]["zone"],
            top_value=ranked.iloc[0]["text"],
            bottom=ranked.iloc[-1]["zone"],
            bottom_value=ranked.iloc[-1]["text"],
        )
    else:
        lead = t("empty_year", lang)
    return Slide(
        panel,
        t(PANEL_TITLES[panel], lang),
        lead,
        ranking=frame,
        kind=metric.kind,
        median=median,
        median_text=metric.fmt(median, lang),
    )


def meeting_deck(prepared: Prepared, deck: str, year: int | None, lang: str) -> list[Slide]:
    """The slides of a deck: an opening slide with the flags, then one per zone or panel."""
    slides = [_intro(prepared, year, lang)]
    if deck == "paneler":
        slides += [panel_slide(prepared, p, year, lang) for p in PANELS]
    else:
        slides += [zone_slide(prepared, z, year, lang) for z in prepared.zones_in(year)]
    return slides
