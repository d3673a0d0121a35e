"""Sammenlign: the leader's own zone against chosen zones and the median, over the years."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Prepared
from ..i18n import MISSING, t
from ..metrics import METRICS, SURVEY_KEYS, Metric
from .common import (
    TableView,
    is_suppressed,
    median_text,
    membership_note,
    partial_note,
    shown,
)

COMPARE_METRICS = [
    "council_followup_rate",
    "council_meetings",
    "result_pct",
    "carry_over",
    "risk_tolerance",
    "experiments_started",
    "projects_conservative",
    "projects_radical",
    "goals_reached_share",
    *SURVEY_KEYS,
]


@dataclass
class CompareView:
    own: str | None
    others: list[str]
    year: int | None
    frame: pd.DataFrame  # series, is_median, metric, year, value, text
    panels: list[tuple[str, str, Metric]]  # metric key, title, metric
    sentences: list[str]
    table: TableView
    notes: list[str]


def compare_zones(p: Prepared, own: str | None, others: list[str]) -> list[str]:
    """The zones to draw: the own zone first, then the others, each once, known ones only."""
    known = set(p.zone_ids)
    zones = [own] if own in known else []
    for zone_id in others:
        if zone_id in known and zone_id not in zones:
            zones.append(zone_id)
    return zones


def _value_phrase(p: Prepared, zone_id: str, year: int | None, key: str, lang: str) -> str:
    row = p.row(zone_id, year)
    name = p.name(zone_id)
    if is_suppressed(row, key):
        reason = t("suppressed_reason", lang, n=p.dataset.threshold)
        return t("cmp_suppressed", lang, zone=name, reason=reason)
    if not p.is_member(zone_id, year):
        return t("cmp_not_member", lang, zone=name, year=year)
    text = shown(row, key, lang)
    if text == MISSING:
        return t("cmp_no_value", lang, zone=name)
    return t("cmp_zone_value", lang, zone=name, value=text)


def compare(
    p: Prepared, own: str | None, others: list[str], year: int | None, lang: str
) -> CompareView:
    zones = compare_zones(p, own, others)
    median_label = t("median_all", lang)
    records, sentences, rows = [], [], []
    for key in COMPARE_METRICS:
        metric = METRICS[key]
        label = t(metric.label, lang)
        for zone_id in zones:
            cells = []
            for y in p.years:
                row = p.row(zone_id, y)
                text = shown(row, key, lang)
                cells.append(text)
                records.append(
                    (p.name(zone_id), False, key, y, None if row is None else row.get(key), text)
                )
            rows.append([f"{label} – {p.name(zone_id)}", *cells])
        medians = []
        for y in p.years:
            text = median_text(p, y, key, lang)
            medians.append(text)
            records.append((median_label, True, key, y, p.median(y, key), text))
        rows.append([f"{label} – {median_label}", *medians])
        values = ", ".join(_value_phrase(p, z, year, key, lang) for z in zones)
        sentences.append(
            t(
                "cmp_sentence",
                lang,
                metric=label,
                year=year,
                values=values or MISSING,
                median=median_text(p, year, key, lang),
            )
        )
    frame = pd.DataFrame(
        records, columns=["series", "is_median", "metric", "year", "value", "text"]
    )
    panels = [(k, t(METRICS[k].label, lang), METRICS[k]) for k in COMPARE_METRICS]
    columns = [t("cmp_indicator", lang), *(str(y) for y in p.years)]
    table = TableView(t("cmp_table_caption", lang), columns, rows)
    has_own = bool(zones) and zones[0] == own
    notes = [partial_note(p, year, lang)] + [membership_note(p, z, year, lang) for z in zones]
    return CompareView(
        own if has_own else None,
        zones[1:] if has_own else zones,
        year,
        frame,
        panels,
        sentences,
        table,
        [n for n in notes if n],
    )


def axis_note(lang: str) -> str:
    """How the small charts are scaled, said once under them."""
    return t("cmp_scales", lang)
