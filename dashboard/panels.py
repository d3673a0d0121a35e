"""View models: what each page says and shows, as plain data, with no Dash in sight.

Pages and callbacks call these functions and render the result; tests call them directly.
Everything starts from a `Prepared` index of one `Dataset` (built once per store version):
per zone and year the indicator values, the municipal medians and the zones' ranks, so a
callback does lookups instead of DataFrame work.

Survey scores below the suppression threshold are already null in the indicator table; this
module only decides how to *say* that (":" and the reason), it never computes a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .data import Dataset
from .i18n import (
    MISSING,
    SUPPRESSED,
    fmt_date,
    fmt_kr,
    fmt_number,
    fmt_pct,
    fmt_score,
    is_missing,
    t,
    word,
)
from .indicators import SURVEY_COLUMNS
from .urls import Known

# ---------------------------------------------------------------- the indicators we show


@dataclass(frozen=True)
class Metric:
    key: str  # column of the indicator table
    slug: str  # name in URLs (Norwegian, short)
    kind: str  # count | pct | kr | score | scale | bool
    better: str | None = "higher"  # which way is better, for ranks; None: not ranked

    def label(self, lang: str) -> str:
        if self.key in SURVEY_COLUMNS:
            return word(self.key.removeprefix("survey_").capitalize(), lang)
        return t(f"m_{self.key}", lang)

    def fmt(self, value: object, lang: str, signed: bool = False) -> str:
        if self.kind == "pct":
            return fmt_pct(value, lang, 0 if self.key == "council_followup_rate" else 1, signed)
        if self.kind == "kr":
            return fmt_kr(value, lang, signed)
        if self.kind == "score":
            return fmt_score(value, lang)
        if self.kind == "bool":
            return MISSING if is_missing(value) else t("yes" if value else "no", lang)
        return fmt_number(value, lang, signed=signed)


_METRICS = [
    Metric("survey_respondents", "svar", "count", None),
    Metric("survey_informasjon", "informasjon", "score"),
    Metric("survey_serviceinnstilling", "serviceinnstilling", "score"),
    Metric("survey_brukermedvirkning", "brukermedvirkning", "score"),
    Metric("survey_forutsigbarhet", "forutsigbarhet", "score"),
    Metric("survey_tjenestekvalitet", "tjenestekvalitet", "score"),
    Metric("survey_samhandling", "samhandling", "score"),
    Metric("council_meetings", "moter", "count"),
    Metric("council_representatives", "representanter", "count"),
    Metric("council_inputs", "innspill", "count"),
    Metric("council_followed_up", "fulgt-opp", "count"),
    Metric("council_followup_rate", "oppfolging", "pct"),
    Metric("council_decisions", "vedtak", "count"),
    Metric("budget", "budsjett", "kr", None),
    Metric("actual", "regnskap", "kr", None),
    Metric("wage_costs", "lonn", "kr", None),
    Metric("result", "resultat-kr", "kr"),
    Metric("result_pct", "resultat", "pct"),
    Metric("result_wage_pct", "resultat-lonn", "pct"),
    Metric("carry_over", "overforing", "kr"),
    Metric("inntrekk_streak", "inntrekk", "count", "lower"),
    Metric("risk_tolerance", "risikovilje", "scale"),
    Metric("error_quota", "tabbekvote", "bool", None),
    Metric("experiments_started", "forsok", "count"),
    Metric("experiments_stopped", "forsok-avsluttet", "count", None),
    Metric("development_funds", "utviklingsmidler", "kr"),
    Metric("projects_active", "prosjekter", "count"),
    Metric("projects_conservative", "konservative", "count"),
    Metric("projects_radical", "radikale", "count"),
    Metric("projects_top_down", "top-down", "count", None),
    Metric("projects_bottom_up", "bottom-up", "count"),
    Metric("projects_late_entry", "sen-inngang", "count", "lower"),
]
METRICS: dict[str, Metric] = {m.key: m for m in _METRICS}
BY_SLUG: dict[str, Metric] = {m.slug: m for m in _METRICS}
RANKED = [m.key for m in _METRICS if m.better]

# The overview's columns, grouped as the head of home care reads them.
OVERVIEW_GROUPS: list[tuple[str, list[str]]] = [
    ("group_survey", SURVEY_COLUMNS),
    ("group_council", ["council_meetings", "council_followup_rate"]),
    ("group_budget", ["result_pct", "carry_over"]),
    ("group_risk", ["risk_tolerance"]),
    (
        "group_projects",
        ["projects_conservative", "projects_radical", "projects_top_down", "projects_bottom_up"],
    ),
]
OVERVIEW_COLUMNS = [key for _, keys in OVERVIEW_GROUPS for key in keys]
ZONE_SORT = "sone"

# ---------------------------------------------------------------- the prepared index

MEMO_LIMIT = 2000  # payloads of a few kB to a few hundred kB each


def _plain(value: object) -> object:
    """NaN, NA and numpy scalars become None and Python numbers."""
    if is_missing(value):
        return None
    return value.item() if hasattr(value, "item") else value


@dataclass
class Prepared:
    """One dataset, indexed for the pages. Build with `Prepared.build(dataset)`."""

    dataset: Dataset
    table: pd.DataFrame
    rows: dict[tuple[str, int], dict]
    medians: dict[int, dict[str, float | None]]
    ranks: dict[tuple[str, int], dict[str, tuple[int, int]]]
    zone_ids: list[str]
    names: dict[str, str]
    years: list[int]

    memo_store: dict = field(default_factory=dict, repr=False)

    def memo(self, key: tuple, build):
        """What `build()` returns for `key`, computed once per dataset version.

        A Prepared is rebuilt after every import or undo, so nothing kept here goes stale;
        the callbacks keep their finished payloads here (bounded, since the comparison's
        zone sets are many).
        """
        if key not in self.memo_store:
            if len(self.memo_store) >= MEMO_LIMIT:
                self.memo_store.clear()
            self.memo_store[key] = build()
        return self.memo_store[key]

    @classmethod
    def build(cls, dataset: Dataset) -> Prepared:
        table = dataset.indicators.copy()
        wages = pd.to_numeric(table["wage_costs"], errors="coerce")
        table["result_wage_pct"] = pd.to_numeric(table["result"], errors="coerce") / wages
        rows = {
            (r["zone_id"], int(r["year"])): {k: _plain(v) for k, v in r.items()}
            for r in table.to_dict("records")
        }
        numeric = table[["year", *METRICS]].apply(pd.to_numeric, errors="coerce")
        medians: dict[int, dict[str, float | None]] = {}
        for year, group in numeric.groupby("year"):
            med = group.drop(columns="year").median(skipna=True)
            medians[int(year)] = {k: _plain(v) for k, v in med.items()}
        ranks: dict[tuple[str, int], dict[str, tuple[int, int]]] = {}
        for key in RANKED:
            values = numeric[key]
            ranked = values.groupby(numeric["year"]).rank(
                method="min", ascending=METRICS[key].better == "lower"
            )
            counts = values.notna().groupby(numeric["year"]).transform("sum")
            for i in ranked.dropna().index:
                where = (table.at[i, "zone_id"], int(table.at[i, "year"]))
                ranks.setdefault(where, {})[key] = (int(ranked[i]), int(counts[i]))
        zones = dataset.zones
        zone_ids = list(zones["id"]) if not zones.empty else sorted(table["zone_id"].unique())
        names = dict(zip(zones["id"], zones["name"], strict=False)) if not zones.empty else {}
        return cls(dataset, table, rows, medians, ranks, zone_ids, names, list(dataset.years))

    # ------------------------------------------------------------ lookups

    def name(self, zone_id: str) -> str:
        return self.names.get(zone_id, zone_id)

    def row(self, zone_id: str, year: int | None) -> dict | None:
        return self.rows.get((zone_id, year)) if year is not None else None

    def value(self, zone_id: str, year: int | None, key: str) -> object:
        row = self.row(zone_id, year)
        return None if row is None else row.get(key)

    def median(self, year: int | None, key: str) -> float | None:
        return self.medians.get(year, {}).get(key) if year is not None else None

    def rank(self, zone_id: str, year: int | None, key: str) -> tuple[int, int] | None:
        return self.ranks.get((zone_id, year), {}).get(key)

    def zones_in(self, year: int | None) -> list[str]:
        """Zones with a row that year, in the reference table's order."""
        return [z for z in self.zone_ids if (z, year) in self.rows]

    def zone_years(self, zone_id: str) -> list[int]:
        return [y for y in self.years if (zone_id, y) in self.rows]

    def default_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @cached_property
    def known(self) -> Known:
        """What the URL grammar checks a page's state against."""
        return Known(tuple(self.zone_ids), tuple(self.years), self.default_year())

    @cached_property
    def _projects_by_zone(self) -> dict[str, list[dict]]:
        frame = self.dataset.project_zones
        found: dict[str, list[dict]] = {}
        if frame is None or frame.empty:
            return found
        for record in frame.to_dict("records"):
            record = {k: _plain(v) for k, v in record.items()}
            found.setdefault(record["zone_id"], []).append(record)
        return found

    def projects_of(self, zone_id: str) -> list[dict]:
        """The zone's projects as plain records (a project shared by zones is in each)."""
        return self._projects_by_zone.get(zone_id, [])

    @cached_property
    def _source_notes(self) -> dict:
        return {}

    def sources_note(self, tables: tuple[str, ...] | None, lang: str) -> str:
        """The source line for some tables (or all), kept for the version's lifetime."""
        key = (tables, lang)
        if key not in self._source_notes:
            self._source_notes[key] = sources_note(self.source_frame, tables, lang)
        return self._source_notes[key]

    @cached_property
    def source_frame(self) -> pd.DataFrame:
        return self.dataset.sources


def is_suppressed(row: dict | None, key: str) -> bool:
    """A survey score withheld because too few answered (there were answers, no score)."""
    return (
        row is not None
        and key in SURVEY_COLUMNS
        and row.get(key) is None
        and row.get("survey_respondents") is not None
    )


def shown(row: dict | None, key: str, lang: str, signed: bool = False) -> str:
    """The text a user sees for one value: formatted, ":" if withheld, "–" if absent."""
    if is_suppressed(row, key):
        return SUPPRESSED
    value = None if row is None else row.get(key)
    return METRICS[key].fmt(value, lang, signed)


def rank_text(rank: tuple[int, int] | None, lang: str) -> str:
    return MISSING if rank is None else t("rank_phrase", lang, rank=rank[0], n=rank[1])


def sources_note(sources: pd.DataFrame | None, tables: tuple[str, ...] | None, lang: str) -> str:
    """'Kilde: fil.xlsx (importert 26. nov. 2025).' for the files behind some tables (or all)."""
    if sources is None or sources.empty:
        return t("source_none", lang)
    rows = sources if tables is None else sources[sources["table"].isin(tables)]
    rows = rows.drop_duplicates("batch_id")
    if rows.empty:
        return t("source_none", lang)
    items = [
        t("source_item", lang, file=r.file_name, date=fmt_date(r.imported_at, lang))
        for r in rows.sort_values("batch_id").itertuples()
    ]
    return t("source_note", lang, items="; ".join(items))


# ---------------------------------------------------------------- flags


@dataclass(frozen=True)
class Flag:
    kind: str  # spiral | no_council | no_radical | suppressed
    label: str
    detail: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.detail}"


FLAG_KINDS = ("spiral", "no_council", "no_radical", "suppressed")


def flags_for(row: dict | None, threshold: int, lang: str) -> list[Flag]:
    """The plain-language flags a head of home care would act on, for one zone and year."""
    if row is None:
        return []
    flags = []
    streak = row.get("inntrekk_streak")
    if streak is not None and streak >= 2:
        flags.append(
            Flag("spiral", t("flag_spiral", lang), t("flag_spiral_text", lang, n=int(streak)))
        )
    meetings, reps = row.get("council_meetings"), row.get("council_representatives")
    # Null means no council data that year; zero means the council met without the zone.
    if (meetings is not None and meetings == 0) or (reps is not None and reps == 0):
        flags.append(
            Flag("no_council", t("flag_no_council", lang), t("flag_no_council_text", lang))
        )
    radical = row.get("projects_radical")
    if radical is not None and radical == 0:
        flags.append(
            Flag("no_radical", t("flag_no_radical", lang), t("flag_no_radical_text", lang))
        )
    if any(is_suppressed(row, key) for key in SURVEY_COLUMNS):
        flags.append(
            Flag(
                "suppressed",
                t("flag_suppressed", lang),
                t("flag_suppressed_text", lang, n=threshold),
            )
        )
    return flags


def flag_summary(prepared: Prepared, year: int | None, lang: str) -> list[tuple[Flag, list[str]]]:
    """Per kind of flag, the zones that carry it this year (only kinds that occur)."""
    threshold = prepared.dataset.threshold
    found: dict[str, tuple[Flag, list[str]]] = {}
    for zone_id in prepared.zones_in(year):
        for flag in flags_for(prepared.row(zone_id, year), threshold, lang):
            found.setdefault(flag.kind, (flag, []))[1].append(zone_id)
    return [found[k] for k in FLAG_KINDS if k in found]


# ---------------------------------------------------------------- tables as data


@dataclass
class TableView:
    caption: str
    columns: list[str]
    rows: list[list[str]]  # the first cell of each row is its header
    foot: list[list[str]] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


# ---------------------------------------------------------------- overview


@dataclass
class OverviewRow:
    zone_id: str
    zone: str
    cells: list[str]
    flags: list[Flag]


@dataclass
class OverviewView:
    year: int | None
    columns: list[Metric]
    rows: list[OverviewRow]
    median: list[str]
    sort: str
    descending: bool
    summary: list[tuple[Flag, list[str]]]

    def sort_label(self, lang: str) -> str:
        return t("zone", lang) if self.sort == ZONE_SORT else BY_SLUG[self.sort].label(lang)


def _sort_key(prepared: Prepared, year: int | None, key: str | None):
    order = {z: i for i, z in enumerate(prepared.zone_ids)}

    def sort_key(zone_id: str):
        if key is None:
            return (0, order.get(zone_id, 0))
        value = prepared.value(zone_id, year, key)
        # Zones without a value go last whichever way the column is sorted.
        return (1, 0) if value is None else (0, value)

    return sort_key


def overview(
    prepared: Prepared, year: int | None, lang: str, sort: str = ZONE_SORT, descending=False
) -> OverviewView:
    columns = [METRICS[k] for k in OVERVIEW_COLUMNS]
    sort = sort if sort in BY_SLUG and BY_SLUG[sort].key in OVERVIEW_COLUMNS else ZONE_SORT
    key = None if sort == ZONE_SORT else BY_SLUG[sort].key
    zones = sorted(prepared.zones_in(year), key=_sort_key(prepared, year, key))
    if descending:
        present = [z for z in zones if key is None or prepared.value(z, year, key) is not None]
        zones = present[::-1] + [z for z in zones if z not in present]
    threshold = prepared.dataset.threshold
    rows = []
    for zone_id in zones:
        row = prepared.row(zone_id, year)
        cells = [shown(row, m.key, lang) for m in columns]
        rows.append(
            OverviewRow(zone_id, prepared.name(zone_id), cells, flags_for(row, threshold, lang))
        )
    medians = prepared.medians.get(year, {}) if year is not None else {}
    median = [m.fmt(medians.get(m.key), lang) for m in columns]
    summary = flag_summary(prepared, year, lang)
    return OverviewView(year, columns, rows, median, sort, bool(descending), summary)


def nearest_year(prepared: Prepared, year: object) -> int | None:
    """The asked-for year if the data has it, else the latest year."""
    try:
        wanted = int(str(year))
    except (TypeError, ValueError):
        return prepared.default_year()
    return wanted if wanted in prepared.years else prepared.default_year()


# ---------------------------------------------------------------- the current data

_PREPARED: dict[tuple[str, str], Prepared] = {}


def current() -> Prepared:
    """The prepared index of the store's current data, built once per store version.

    The data comes from `data.get_dataset()` (shared by all workers through flask-caching);
    the index built from it is kept in this process under the same key (database, version),
    so a callback costs one version query and dictionary look-ups.
    """
    from .data import get_dataset, get_store

    store = get_store()
    key = (store.settings.database_url, store.version())
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = Prepared.build(get_dataset())
        if len(_PREPARED) >= 4:
            _PREPARED.clear()
        _PREPARED[key] = prepared
    return prepared


def spiral_runs(prepared: Prepared) -> list[tuple[str, int, int]]:
    """Every run of two or more years with inntrekk: (zone id, first year, last year)."""
    runs = []
    for zone_id in prepared.zone_ids:
        for year in prepared.zone_years(zone_id):
            streak = prepared.value(zone_id, year, "inntrekk_streak") or 0
            following = prepared.value(zone_id, year + 1, "inntrekk_streak") or 0
            if streak >= 2 and following <= streak:
                runs.append((zone_id, year - int(streak) + 1, year))
    return runs


def spiral_history(prepared: Prepared, lang: str) -> str:
    """'Inntrekk to år på rad eller mer, alle år: Saupstad (2018–2020), …' or ''."""
    runs = spiral_runs(prepared)
    if not runs:
        return ""
    items = ", ".join(
        t("ovw_spiral_item", lang, zone=prepared.name(z), first=a, last=b) for z, a, b in runs
    )
    return t("ovw_spiral_history", lang, items=items)
