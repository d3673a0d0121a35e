"""Oversikt as a triage screen: every zone for one year, what needs attention and why.

Each cell is compared with the municipal median (better or worse, by the metric's
direction) or, for the budget result, with the ±3 % band, and says so with a symbol as well
as a colour (WCAG 1.4.1). Each zone gets a trend (changes since the year before) and its
flags; flags that fire for most zones are one municipality-wide note instead. Comparisons
are only drawn where the year's data for the metric is complete: a median over a handful of
zones would colour noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import Prepared
from ..i18n import t
from ..indicators import CARRY_OVER_LIMIT
from ..metrics import METRICS, OVERVIEW_COLUMNS, Metric
from ..urls import FLAG_SORT, ZONE_SORT, sort_metric
from .common import (
    is_suppressed,
    median_text,
    outside_zones_note,
    partial_note,
    shown,
)
from .flags import Flag, FlagSummary, flag_summary, flags_for, severity_score, spiral_history

BETTER, WORSE, OVER, UNDER = "better", "worse", "over", "under"
CUE_SYMBOLS = {BETTER: "+", WORSE: "−", OVER: "!", UNDER: "!"}


@dataclass(frozen=True)
class Cell:
    text: str
    cue: str | None = None  # better | worse (than the median) | over | under (the band)
    said: str = ""  # the cue in words, for screen readers and the tooltip

    @property
    def symbol(self) -> str:
        return CUE_SYMBOLS.get(self.cue or "", "")


@dataclass(frozen=True)
class Trend:
    better: int
    worse: int
    text: str  # in words: "3 bedre, 1 svakere enn 2020"

    @property
    def symbol(self) -> str:
        return f"▲{self.better} ▼{self.worse}"


@dataclass
class OverviewRow:
    zone_id: str
    zone: str
    cells: list[Cell]
    flags: list[Flag]  # the zone's own flags (the municipality-wide ones left out)
    severity: int
    trend: Trend | None


@dataclass
class OverviewView:
    year: int | None
    columns: list[Metric]
    rows: list[OverviewRow]
    median: list[str]
    sort: str
    descending: bool
    summary: FlagSummary
    notes: list[str]  # a partial year, zones not yet part of the city
    history: str = ""  # every negative spiral, all years
    # The table's page: `rows` are zones `first` to `first + len(rows) - 1` of `total`.
    page: int = 1
    pages: int = 1
    total: int = 0
    first: int = 1

    def sort_label(self, lang: str) -> str:
        if self.sort == ZONE_SORT:
            return t("zone", lang)
        if self.sort == FLAG_SORT:
            return t("ovw_flags_col", lang)
        return t(sort_metric(self.sort).label, lang)


def compared(p: Prepared, year: int | None, metric: Metric) -> bool:
    """Cells of this metric are compared only where the year's data for it is complete."""
    return metric.ranked and p.table_partial(metric.source, year) is None


def cell(
    p: Prepared,
    zone_id: str,
    year: int | None,
    metric: Metric,
    lang: str,
    comparable: bool | None = None,
) -> Cell:
    """`comparable`: `compared(p, year, metric)`, when the caller has it (one per column)."""
    row = p.row(zone_id, year)
    text = shown(row, metric.key, lang)
    value = None if row is None or is_suppressed(row, metric.key) else row.get(metric.key)
    if comparable is None:
        comparable = compared(p, year, metric)
    if value is None or not comparable:
        return Cell(text)
    if metric.band:
        if value < -CARRY_OVER_LIMIT:
            return Cell(text, OVER, t("cue_over", lang))
        if value > CARRY_OVER_LIMIT:
            return Cell(text, UNDER, t("cue_under", lang))
        return Cell(text)
    median = p.median(year, metric.key)
    if median is None or abs(value - median) <= metric.margin or value == median:
        return Cell(text)
    above = value > median
    good = above if metric.better == "higher" else not above
    return Cell(text, BETTER if good else WORSE, t("cue_better" if good else "cue_worse", lang))


def trend(p: Prepared, zone_id: str, year: int | None, lang: str) -> Trend | None:
    """How many of the overview's ranked numbers got better or worse since the year before."""
    if year is None or p.row(zone_id, year - 1) is None:
        return None
    better = worse = 0
    for key in OVERVIEW_COLUMNS:
        metric = METRICS[key]
        now, before = p.value(zone_id, year, key), p.value(zone_id, year - 1, key)
        if not metric.ranked or now is None or before is None or now == before:
            continue
        if metric.band:  # the budget: closer to balance is better
            up = abs(now) < abs(before)
        else:
            up = (now > before) == (metric.better == "higher")
        better, worse = better + up, worse + (not up)
    return Trend(better, worse, t("trend_text", lang, better=better, worse=worse, year=year - 1))


def _sort_key(p: Prepared, year: int | None, sort: str, severities: dict[str, int]):
    order = {z: i for i, z in enumerate(p.zone_ids)}
    metric = sort_metric(sort)

    def key(zone_id: str):
        if sort == ZONE_SORT:
            return (0, order.get(zone_id, 0))
        if sort == FLAG_SORT:
            return (0, severities[zone_id], -order.get(zone_id, 0))
        value = p.value(zone_id, year, metric.key)
        # Zones without a value go last whichever way the column is sorted.
        return (1, 0) if value is None else (0, value)

    return key


def is_paged(p: Prepared, year: int | None) -> bool:
    """More zones that year than one page of the table shows."""
    return len(p.zones_in(year)) > p.settings.overview_page_size


def default_sort(p: Prepared, year: int | None) -> tuple[str, bool]:
    """(column, descending) when the address names none: by zone when every zone fits on
    one page; the flagged zones first (most severe first) when the table has pages, so
    the first page is the one to act on."""
    return (FLAG_SORT, True) if is_paged(p, year) else (ZONE_SORT, False)


def overview(
    p: Prepared,
    year: int | None,
    lang: str,
    sort: str = ZONE_SORT,
    descending=False,
    page: int = 1,
    page_size: int | None = None,
) -> OverviewView:
    """The table's view of one year: every zone's flags and order, and the rows of `page`
    (of `page_size` zones, DASHBOARD_OVERVIEW_PAGE_SIZE by default; past the last page,
    the last)."""
    columns = [METRICS[k] for k in OVERVIEW_COLUMNS]
    if sort not in (ZONE_SORT, FLAG_SORT) and sort_metric(sort) is None:
        sort = ZONE_SORT
    summary = flag_summary(p, year, lang)
    common = summary.common_kinds
    flags = {z: flags_for(p, z, year, lang) for z in p.zones_in(year)}
    severities = {z: severity_score(f, common) for z, f in flags.items()}
    key = _sort_key(p, year, sort, severities)
    zones = sorted(p.zones_in(year), key=key)
    if descending:
        present = [z for z in zones if key(z)[0] == 0]
        missing = [z for z in zones if key(z)[0] != 0]
        zones = present[::-1] + missing
    size = page_size or p.settings.overview_page_size
    pages = max(1, -(-len(zones) // size))
    page = min(max(int(page or 1), 1), pages)
    total, first = len(zones), (page - 1) * size
    zones = zones[first : first + size]
    comparable = [compared(p, year, m) for m in columns]
    rows = [
        OverviewRow(
            zone_id,
            p.name(zone_id),
            [cell(p, zone_id, year, m, lang, c) for m, c in zip(columns, comparable, strict=True)],
            [f for f in flags[zone_id] if f.kind not in common],
            severities[zone_id],
            trend(p, zone_id, year, lang),
        )
        for zone_id in zones
    ]
    median = [median_text(p, year, m.key, lang) for m in columns]
    notes = [partial_note(p, year, lang), outside_zones_note(p, year, lang)]
    return OverviewView(
        year,
        columns,
        rows,
        median,
        sort,
        bool(descending),
        summary,
        [n for n in notes if n],
        spiral_history(p, lang),
        page,
        pages,
        total,
        first + 1,
    )
