"""What every page says the same way: values, medians, ranks, sources, years and their notes.

Survey scores below the suppression threshold are already null in the indicator table; this
module only decides how to *say* that (":" and the reason), it never computes a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..data import Prepared, Source
from ..i18n import (
    MISSING,
    SUPPRESSED,
    fmt_date,
    fmt_kr,
    fmt_number,
    fmt_pct,
    is_missing,
    t,
)
from ..metrics import METRICS, SOURCE_SHEETS, SURVEY_KEYS, Metric

SOURCE_FILES_NAMED = 4  # a page's source line names this many files, then "and N more"


@dataclass
class TableView:
    caption: str
    columns: list[str]
    rows: list[list[str]]  # the first cell of each row is its header
    foot: list[list[str]] = field(default_factory=list)
    note: str = ""  # said under the table: what is left out and where to find it

    def column(self, name: str) -> list[str]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


# ---------------------------------------------------------------- values


def fmt(metric: Metric, value: object, lang: str, signed: bool | None = None, median=False):
    """One value of a metric as the catalogue says: its unit, decimals and sign.

    A median of whole numbers keeps its decimal when it is not whole (3,5 meetings)."""
    if is_missing(value):
        return MISSING
    signed = metric.signed if signed is None else signed
    decimals = metric.median_decimals(value) if median else metric.decimals
    if metric.unit == "share":
        return fmt_pct(value, lang, decimals, signed)
    if metric.unit == "kr":
        return fmt_kr(value, lang, signed)
    if metric.unit == "bool":
        return t("yes" if value else "no", lang)
    return fmt_number(value, lang, decimals, signed)


def is_suppressed(row: dict | None, key: str) -> bool:
    """A survey score withheld because too few answered (there were answers, no score)."""
    return (
        row is not None
        and key in SURVEY_KEYS
        and row.get(key) is None
        and row.get("survey_respondents") is not None
    )


def shown(row: dict | None, key: str, lang: str, signed: bool | None = None) -> str:
    """The text a user sees for one value: formatted, ":" if withheld, "–" if absent."""
    if is_suppressed(row, key):
        return SUPPRESSED
    metric = METRICS[key]
    if metric.count_of and row is not None:
        part, whole = (row.get(k) for k in metric.count_of)
        if part is None or not whole:
            return MISSING
        return t("count_of", lang, part=fmt_number(part, lang), whole=fmt_number(whole, lang))
    return fmt(metric, None if row is None else row.get(key), lang, signed)


def zones_word(n: int, lang: str) -> str:
    return t("one_zone" if n == 1 else "n_zones", lang, n=n)


def few_zones(p: Prepared, year: int | None, count: int) -> bool:
    """A median or rank over fewer zones than a complete year has: it must say so."""
    active = p.active_count(year)
    return bool(active) and count < active * p.settings.complete_pct / 100


def median_text(p: Prepared, year: int | None, key: str, lang: str) -> str:
    """The municipal median, with how many zones it is over when that is a handful."""
    value, count = p.median(year, key), p.median_count(year, key)
    text = fmt(METRICS[key], value, lang, median=True)
    if value is not None and few_zones(p, year, count):
        text = f"{text} ({zones_word(count, lang)})"
    return text


def rank_text(rank: tuple[int, int, int] | None, lang: str) -> str:
    """'nr. 2 av 13 soner', or with ties 'delt 6.–13. av 13 soner'."""
    if rank is None:
        return MISSING
    first, last, of = rank
    if first == last:
        return t("rank_phrase", lang, rank=first, zones=zones_word(of, lang))
    return t("rank_tied", lang, first=first, last=last, zones=zones_word(of, lang))


# ---------------------------------------------------------------- sources


def _row_ranges(rows: tuple[int, ...]) -> str:
    """5, 6, 7, 9 -> '5–7, 9'."""
    parts, start, previous = [], None, None
    for row in rows:
        if start is None:
            start = previous = row
        elif row == previous + 1:
            previous = row
        else:
            parts.append(f"{start}–{previous}" if previous > start else str(start))
            start = previous = row
    if start is not None:
        parts.append(f"{start}–{previous}" if previous > start else str(start))
    return ", ".join(parts)


def sheet_name(table: str, lang: str) -> str:
    nb, en = SOURCE_SHEETS.get(table, (table, table))
    return en if lang == "en" else nb


def source_text(source: Source | None, lang: str) -> str:
    """'kvalitetsrapport.xlsx, Brukerråd, rad 12–14' (and how many rows more)."""
    if source is None:
        return MISSING
    rows = _row_ranges(source.rows)
    more = source.count - len(source.rows)
    text = t(
        "source_rows",
        lang,
        file=", ".join(source.files),
        sheet=source.sheet,
        rows=rows,
    )
    return f"{text} {t('and_more_rows', lang, n=more)}" if more > 0 else text


def row_source(record: dict, lang: str) -> str:
    """The source of one listed row (a project, a goal): file, sheet and Excel row."""
    return t(
        "source_rows",
        lang,
        file=record.get("file") or "?",
        sheet=record.get("sheet") or "?",
        rows=record.get("excel_row") or "?",
    )


def zone_year_sources(p: Prepared, zone_id: str, year: int, tables, lang: str) -> str:
    """Every source of one zone and year, for an exported row or a panel's year table."""
    found = [p.dataset.provenance.get((zone_id, year, name)) for name in tables]
    return "; ".join(source_text(s, lang) for s in found if s is not None) or MISSING


def sources_note(sources: pd.DataFrame | None, tables: tuple[str, ...] | None, lang: str) -> str:
    """'Kilde: fil.xlsx (importert 26. nov. 2025).' for the files behind some tables (or all)."""
    if sources is None or sources.empty:
        return t("source_none", lang)
    rows = sources if tables is None else sources[sources["table"].isin(tables)]
    rows = rows.drop_duplicates("batch_id").sort_values("batch_id", ascending=False)
    if rows.empty:
        return t("source_none", lang)
    items = [
        t("source_item", lang, file=r.file_name, date=fmt_date(r.imported_at, lang))
        for r in rows.head(SOURCE_FILES_NAMED).itertuples()
    ]
    text = "; ".join(items)
    if len(rows) > SOURCE_FILES_NAMED:
        text = f"{text} {t('and_more_files', lang, n=len(rows) - SOURCE_FILES_NAMED)}"
    return t("source_note", lang, items=text)


@lru_cache(maxsize=64)
def data_sources(p: Prepared, tables: tuple[str, ...] | None, lang: str) -> str:
    """The source line of some tables (or all), worked out once per version (a few per
    version: the entries of past versions fall out as new ones come)."""
    return sources_note(p.dataset.sources, tables, lang)


# ---------------------------------------------------------------- years


@dataclass(frozen=True)
class Option:
    """One button of a choice (a year, a zone)."""

    value: object
    label: str
    disabled: bool = False
    title: str = ""


def year_choices(p: Prepared, lang: str, zone_id: str | None = None) -> list[Option]:
    """The year buttons: a partial year says so; a year before a zone joined is disabled."""
    choices = []
    for year in p.years:
        partial = bool(p.partial(year))
        label = t("year_partial", lang, year=year) if partial else str(year)
        member = zone_id is None or p.is_member(zone_id, year)
        title = membership_note(p, zone_id, year, lang) if not member else ""
        choices.append(Option(year, label, not member, title))
    return choices


def table_name(table: str, lang: str) -> str:
    return t(f"table_{table}", lang)


def partial_note(p: Prepared, year: int | None, lang: str) -> str:
    """'2022 er ufullstendig: økonomi for 1 av 13 soner. …' or '' for a complete year."""
    gaps = p.partial(year)
    if not gaps:
        return ""
    items = ", ".join(
        t("partial_item", lang, table=table_name(name, lang), have=c.have, of=c.of)
        for name, c in gaps
    )
    return t("partial_note", lang, year=year, items=items)


def membership_note(p: Prepared, zone_id: str | None, year: int | None, lang: str) -> str:
    """'Klæbu ble en del av Trondheim 1.1.2020.' for a year before the zone joined."""
    if zone_id is None or p.is_member(zone_id, year):
        return ""
    day = p.joined[zone_id]
    return t(
        "zone_joined",
        lang,
        zone=p.name(zone_id),
        date=f"{day.day}.{day.month}.{day.year}",
    )


def outside_zones_note(p: Prepared, year: int | None, lang: str) -> str:
    """For a page of all zones: which zones were not yet part of the city that year."""
    notes = [membership_note(p, z, year, lang) for z in p.zone_ids if not p.is_member(z, year)]
    return " ".join(notes)
