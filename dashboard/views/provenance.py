"""What an import batch changed, for the import history (a pure view model over the store).

`batch_changes(store, batch_id, lang)` reads, per stored table, the rows the batch brought
(still in effect or since replaced) and the rows it replaced, with their years and zones,
and says it in one line per table with links to the pages that show those numbers:
"Økonomi: 13 rader for 2021 (13 soner), 13 erstattet · Oversikt 2021".

Where a single number on a page comes from (file, sheet, Excel row) is said by
`common.source_text` and `common.row_source`, from the dataset's provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..i18n import fmt_number, t
from ..store.db import FACT_TABLES
from ..urls import href
from .common import sheet_name, zones_word

ZONES_LINKED = 3  # a change to this many zones or fewer links each zone page


@dataclass(frozen=True)
class TableChange:
    table: str
    sheet: str
    rows: int  # rows the batch brought
    replaced: int  # earlier rows it replaced
    years: tuple[int, ...]
    zones: tuple[str, ...]
    text: str
    links: tuple[tuple[str, str], ...]  # (label, href)


@dataclass
class BatchChanges:
    batch_id: int
    changes: list[TableChange] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "; ".join(c.text for c in self.changes)


def batch_changes(store, batch_id: int, lang: str) -> BatchChanges:
    """Per table: what batch `batch_id` brought and replaced, and where to see it."""
    found = BatchChanges(int(batch_id))
    names = {z.id: z.name for z in store.registry.zones}
    with store.engine.connect() as conn:
        for name, table in FACT_TABLES.items():
            rows = conn.execute(
                select(func.count()).select_from(table).where(table.c.batch_id == batch_id)
            ).scalar_one()
            replaced = conn.execute(
                select(func.count()).select_from(table).where(table.c.superseded_by == batch_id)
            ).scalar_one()
            if not rows and not replaced:
                continue
            years: tuple[int, ...] = ()
            zones: tuple[str, ...] = ()
            if "year" in table.c and "zone_id" in table.c:
                years = tuple(
                    int(y)
                    for (y,) in conn.execute(
                        select(table.c.year)
                        .where(table.c.batch_id == batch_id)
                        .distinct()
                        .order_by(table.c.year)
                        .limit(200)
                    )
                )
                zones = tuple(
                    z
                    for (z,) in conn.execute(
                        select(table.c.zone_id)
                        .where(table.c.batch_id == batch_id)
                        .distinct()
                        .order_by(table.c.zone_id)
                        .limit(200)
                    )
                )
            found.changes.append(_change(name, rows, replaced, years, zones, names, lang))
    return found


def _years_text(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _change(name, rows, replaced, years, zones, names, lang) -> TableChange:
    sheet = sheet_name(name, lang)
    parts = [t("change_row" if rows == 1 else "change_rows", lang, n=fmt_number(rows, lang))]
    if years:
        parts.append(
            t("change_for", lang, years=_years_text(years), zones=zones_word(len(zones), lang))
        )
    if replaced:
        parts.append(t("change_replaced", lang, n=fmt_number(replaced, lang)))
    text = f"{sheet}: {' '.join(parts[:2])}" + (f", {parts[2]}" if len(parts) > 2 else "")
    links: list[tuple[str, str]] = []
    for year in years[-3:]:
        links.append((t("change_link_overview", lang, year=year), href("oversikt", lang, ar=year)))
    if zones and len(zones) <= ZONES_LINKED:
        last = years[-1] if years else None
        links += [(names.get(z, z), href("sone", lang, zone=z, ar=last)) for z in zones]
    if name == "projects":
        links.append((t("nav_oversikt", lang), href("oversikt", lang)))
    return TableChange(name, sheet, rows, replaced, years, zones, text, tuple(links))
