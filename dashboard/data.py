"""The data the pages see: loaded from the store once per change, never from Excel.

Two layers, both keyed on the store's version (latest import and undo count), so every
gunicorn worker agrees on what is current and recomputes only after an import or an undo:

- `Dataset` (`build_dataset`): the indicator table and, per zone and year, the first rows
  of every list a page shows (projects, goals, quality indicators) with their totals, and
  where each number came from. Its size is bounded by zones × years × the list limit
  whatever the store holds (a 250 000-row project sheet included), because it is shared by
  all workers through flask-caching (a file or Redis) and read by each of them.
- `Prepared` (`current()`): the dataset indexed for the pages in this process (values,
  medians, competition ranks, which zones were part of the city each year, how complete
  each year is), with a per-version cache of finished page payloads.

`reset()` forgets both, for tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
from flask import current_app, has_app_context
from flask_caching import Cache

from .indicators import (
    competition_ranks,
    compute_indicators,
    explode_projects,
    goal_rows,
    numeric,
    year_medians,
)
from .ingest.spec import RADICAL
from .ingest.text import norm
from .metrics import CATALOGUE, QUALITY_INDICATORS
from .settings import Settings, get_settings
from .store.repository import Store, sample_hashes
from .urls import YEAR, Known

log = logging.getLogger(__name__)

# The stored tables a zone-year draws on, in the order a source column names them.
ANNUAL_TABLES = (
    "survey",
    "council_meetings",
    "economy",
    "risk_tolerance",
    "goals",
    "quality_indicators",
)
PROJECTS = "projects"
ROWS_NAMED = 12  # Excel rows a source line names before it says "and N more"
PAYLOADS_KEPT = 256  # finished callback answers kept per version (tens of kB each)

# Parts of the index worked out from one version's data alone, registered by the module that
# owns their logic (`index_part`): built with the index, once per version and worker, and
# kept when the finished views are forgotten. A part is a function of the Prepared.
INDEX_PARTS: dict[str, Callable[[Prepared], object]] = {}


def index_part(name: str):
    """Register `compute(prepared)` as the index part `name` (see INDEX_PARTS)."""

    def register(compute):
        INDEX_PARTS[name] = compute
        return compute

    return register


@dataclass(frozen=True)
class Source:
    """Where the rows behind one zone, year and table came from."""

    table: str
    files: tuple[str, ...]
    sheet: str
    rows: tuple[int, ...]  # the first Excel rows, ascending
    count: int  # all rows


@dataclass
class ListPart:
    """The first rows of a list a page shows, and how many there are in all."""

    rows: list[dict]
    total: int


@dataclass
class Dataset:
    version: str
    indicators: pd.DataFrame
    zones: pd.DataFrame
    sources: pd.DataFrame  # per table and batch: file name, import time, rows
    threshold: int
    is_sample: bool = False
    years: list[int] = field(default_factory=list)
    list_limit: int = 50
    # Per (zone, year): the zone's projects (active that year first), its active radical
    # projects, its goals and its quality indicators: the first `list_limit` and the total.
    projects: dict[tuple[str, int], ListPart] = field(default_factory=dict)
    radical: dict[tuple[str, int], ListPart] = field(default_factory=dict)
    goals: dict[tuple[str, int], ListPart] = field(default_factory=dict)
    quality: dict[tuple[str, int], ListPart] = field(default_factory=dict)
    provenance: dict[tuple[str, int, str], Source] = field(default_factory=dict)
    project_span: tuple[int, int] | None = None  # the years the project register covers

    def zone_name(self, zone_id: str) -> str:
        match = self.zones.loc[self.zones["id"] == zone_id, "name"]
        return match.iloc[0] if not match.empty else zone_id

    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


def plain(value: object) -> object:
    """NaN, NA, infinities and numpy scalars become None and Python values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_NATIVE = frozenset({str, int, bool, type(None), date})


def _column(series: pd.Series) -> list:
    """A column as plain Python values (see `plain`), converted a column at a time."""
    values = series.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub":
        return values
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in values]
    return [v if v.__class__ in _NATIVE else plain(v) for v in values]


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of plain values: a column at a time, since pandas' own
    `to_dict("records")` boxes every cell one by one (minutes on the 30x store)."""
    names = list(frame.columns)
    columns = [_column(frame.iloc[:, i]) for i in range(len(names))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _files(sources: pd.DataFrame) -> dict[int, str]:
    if sources is None or sources.empty:
        return {}
    return dict(zip(sources["batch_id"], sources["file_name"], strict=False))


def build_provenance(
    tables: dict[str, pd.DataFrame], files: dict[int, str]
) -> dict[tuple[str, int, str], Source]:
    """Per zone, year and table: the file(s), sheet and first Excel rows behind it."""
    found: dict[tuple[str, int, str], Source] = {}
    for name in ANNUAL_TABLES:
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        frame = frame[["zone_id", "year", "batch_id", "sheet", "excel_row"]].dropna(
            subset=["zone_id", "year"]
        )
        frame = frame.sort_values(["zone_id", "year", "excel_row"])
        zone, year = frame["zone_id"].to_numpy(object), frame["year"].to_numpy()
        batch, sheet = frame["batch_id"].tolist(), frame["sheet"].tolist()
        excel_row = frame["excel_row"].tolist()
        # Each (zone, year) is a run of rows in this order: its first rows name it.
        starts = np.flatnonzero(
            np.concatenate([[True], (zone[1:] != zone[:-1]) | (year[1:] != year[:-1])])
        ).tolist()
        for start, end in zip(starts, [*starts[1:], len(zone)], strict=True):
            head = slice(start, min(start + ROWS_NAMED, end))
            found[zone[start], int(year[start]), name] = Source(
                name,
                tuple(dict.fromkeys(files.get(b, "?") for b in batch[head])),
                str(sheet[start]),
                tuple(int(r) for r in excel_row[head]),
                end - start,
            )
    return found


# The project columns a page lists (the export reads every column from the store).
PROJECT_FIELDS = [
    "name",
    "zones",
    "start_year",
    "end_year",
    "status",
    "ladder_level",
    "ladder_class",
    "initiator",
    "initiator_class",
    "entry",
    "value_forms",
    "batch_id",
    "sheet",
    "excel_row",
]


def _first_per_zone(codes: np.ndarray, positions: np.ndarray, limit: int) -> np.ndarray:
    """Of `positions` (in list order), the first `limit` of each zone."""
    rank = pd.Series(codes[positions]).groupby(codes[positions]).cumcount().to_numpy()
    return positions[rank < limit]


def build_project_lists(
    projects: pd.DataFrame, years: list[int], limit: int, files: dict[int, str]
) -> tuple[dict, dict, tuple[int, int] | None]:
    """Per zone and year, the zone's first `limit` projects (active that year first, then
    the newest, then by name) and its active radical ones, with their totals.

    The order within "active" and "not active" is the same every year, so the rows are
    sorted once; each year then picks positions only, and copies the few rows it keeps,
    which keeps a 250 000-row register to a second or two."""
    lists: dict[tuple[str, int], ListPart] = {}
    radical: dict[tuple[str, int], ListPart] = {}
    if projects is None or projects.empty:
        return lists, radical, None
    per_zone = explode_projects(projects[[c for c in PROJECT_FIELDS if c in projects]])
    start = pd.to_numeric(per_zone["start_year"]).to_numpy(dtype=float)
    end = pd.to_numeric(per_zone["end_year"]).to_numpy(dtype=float)
    top = np.nanmax(np.concatenate([start, end]))
    span = (int(np.nanmin(start)), int(top))
    order = np.lexsort((per_zone["name"].astype(str).to_numpy(), -start))
    per_zone, start, end = per_zone.iloc[order].reset_index(drop=True), start[order], end[order]
    codes, zone_ids = pd.factorize(per_zone["zone_id"])
    zone_ids = zone_ids.tolist()  # indexed once per listed row: a list, not a pandas Index
    totals = np.bincount(codes, minlength=len(zone_ids))
    is_radical = (per_zone["ladder_class"] == RADICAL).to_numpy()

    # Every row as a dict once; a year lists it as active or not, and the two variants are
    # shared by every year and list that shows it (built as needed), which keeps the
    # dataset small in the shared cache.
    records = _records(per_zone)
    listed: dict[tuple[int, bool], dict] = {}

    def row(position: int, is_active: bool) -> dict:
        found = listed.get((position, is_active))
        if found is None:
            base = records[position]
            found = listed[position, is_active] = {
                **base,
                "active": is_active,
                "file": files.get(base["batch_id"]),
            }
        return found

    def part(positions: np.ndarray, active: np.ndarray, counts: np.ndarray, into: dict, year):
        for position, code, is_active in zip(
            positions.tolist(), codes[positions].tolist(), active[positions].tolist(), strict=True
        ):
            found = into.get((zone_ids[code], year))
            if found is None:
                found = into[zone_ids[code], year] = ListPart([], int(counts[code]))
            if len(found.rows) < limit:
                found.rows.append(row(position, is_active))

    for year in years:
        active = (start <= year) & (np.isnan(end) | (end >= year))
        first = np.concatenate(
            [
                _first_per_zone(codes, np.flatnonzero(active), limit),
                _first_per_zone(codes, np.flatnonzero(~active), limit),
            ]
        )
        part(first, active, totals, lists, year)
        hits = np.flatnonzero(active & is_radical)
        if len(hits):
            counts = np.bincount(codes[hits], minlength=len(zone_ids))
            part(_first_per_zone(codes, hits, limit), active, counts, radical, year)
    return lists, radical, span


def _yearly_lists(frame: pd.DataFrame, order: list[str], limit: int) -> dict:
    lists: dict[tuple[str, int], ListPart] = {}
    if frame is None or frame.empty:
        return lists
    ordered = frame.dropna(subset=["zone_id", "year"]).sort_values(["zone_id", "year", *order])
    keys = zip(ordered["zone_id"].tolist(), ordered["year"].tolist(), strict=True)
    for (zone_id, year), record in zip(keys, _records(ordered), strict=True):
        found = lists.get((zone_id, int(year)))
        if found is None:
            found = lists[zone_id, int(year)] = ListPart([], 0)
        found.total += 1
        if len(found.rows) < limit:
            found.rows.append(record)
    return lists


def quality_rows(quality: pd.DataFrame | None) -> pd.DataFrame | None:
    """Quality indicators with what "better" means for each (higher unless the contract
    says otherwise), ready for the same status rule as the goals."""
    if quality is None or quality.empty:
        return quality
    frame = quality.rename(columns={"value": "actual"}).copy()
    frame["goal"] = ""
    frame["direction"] = frame["indicator"].map(
        lambda name: QUALITY_INDICATORS.get(norm(name), (None, "higher"))[1]
    )
    frame["metric"] = frame["indicator"].map(
        lambda name: QUALITY_INDICATORS.get(norm(name), (None,))[0]
    )
    return frame


def build_dataset(store, settings: Settings | None = None) -> Dataset:
    settings = settings or store.settings
    version = store.version()
    tables = store.current_tables()
    zones = store.zones()
    threshold = settings.suppression_threshold
    close = settings.target_close_pct / 100
    indicators = compute_indicators(tables, zones, threshold, close)
    sources = store.sources()
    is_sample = bool(
        not sources.empty
        and ((sources["source"] == "sample") | sources["sha256"].isin(sample_hashes())).any()
    )
    years = sorted(int(y) for y in indicators["year"].dropna().unique())
    files = _files(sources)
    limit = settings.list_limit
    projects, radical, span = build_project_lists(tables.get(PROJECTS), years, limit, files)
    goals = goal_rows(tables.get("goals"), close)
    quality = quality_rows(tables.get("quality_indicators"))
    if quality is not None and not quality.empty:
        quality = goal_rows(quality, close)
    for frame in (goals, quality):
        if frame is not None and not frame.empty:
            frame["file"] = frame["batch_id"].map(files)
    return Dataset(
        version,
        indicators,
        zones,
        sources,
        threshold,
        is_sample,
        years,
        limit,
        projects,
        radical,
        _yearly_lists(goals, ["excel_row"], limit),
        _yearly_lists(quality, ["excel_row"], limit),
        build_provenance(tables, files),
        span,
    )


# ---------------------------------------------------------------- the index the pages read


def active_from(zones: pd.DataFrame) -> dict[str, date | None]:
    if zones.empty or "active_from" not in zones:
        return {z: None for z in zones.get("id", [])}
    found = {}
    for zone_id, day in zip(zones["id"], zones["active_from"], strict=True):
        if day is None or (not isinstance(day, date) and pd.isna(day)):
            found[zone_id] = None
        else:
            found[zone_id] = day if isinstance(day, date) else pd.Timestamp(day).date()
    return found


# Which column says a zone has data for a table that year (projects: the register's span).
PRESENCE = {
    "survey": "survey_respondents",
    "council_meetings": "council_meetings",
    "economy": "result",
    "risk_tolerance": "risk_tolerance",
    "goals": "goals_count",
}


@dataclass(frozen=True)
class Coverage:
    have: int  # active zones with data
    of: int  # zones that were part of the city that year
    required: bool  # the table had started reporting by that year

    @property
    def share(self) -> float:
        return self.have / self.of if self.of else 0.0


@dataclass(eq=False)
class Prepared:
    """One dataset, indexed for the pages. Build with `Prepared.build(dataset, settings)`."""

    dataset: Dataset
    settings: Settings
    table: pd.DataFrame
    rows: dict[tuple[str, int], dict]
    medians: dict[int, dict[str, tuple[float | None, int]]]
    ranks: dict[tuple[str, int], dict[str, tuple[int, int, int]]]
    zone_ids: list[str]
    names: dict[str, str]
    years: list[int]
    joined: dict[str, date | None]
    coverage: dict[tuple[str, int], Coverage]

    def __post_init__(self):
        # Finished page payloads, per dataset version (a Prepared lives as long as one).
        self.cached = lru_cache(maxsize=PAYLOADS_KEPT)(self._compute)
        # Lists every view asks for again and again (per year, per zone), worked out once:
        # on 400 zones a view would otherwise walk them for each of its cells.
        self._lists: dict[tuple, list] = {}
        self._parts: dict[str, object] = {}

    def once(self, key: tuple, compute) -> list:
        """`compute()`'s list, worked out once per version under `key` (a copy each time)."""
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = compute()
        return list(found)

    def part(self, name: str):
        """The index part `name` (INDEX_PARTS), shared: never change it. Built with the
        index; worked out here on first use only for a part registered after the build."""
        if name not in self._parts:
            self._parts[name] = INDEX_PARTS[name](self)
        return self._parts[name]

    def build_parts(self) -> None:
        for name in INDEX_PARTS:
            self.part(name)

    def forget_views(self) -> None:
        """Forget every finished payload and list worked out since the build (the
        benchmark's "first view": only the index itself, with its parts, is kept)."""
        self.cached.cache_clear()
        self._lists.clear()

    def _compute(self, builder, *args):
        return builder(self, *args)

    @classmethod
    def build(cls, dataset: Dataset, settings: Settings | None = None) -> Prepared:
        settings = settings or get_settings()
        table = dataset.indicators.reset_index(drop=True)
        keys = [m.key for m in CATALOGUE]
        values = numeric(table, keys)
        broken = table[keys].notna() & values.isna()
        for i, key in zip(*broken.to_numpy().nonzero(), strict=True):
            log.warning(
                "unusable value left out: %s %s %s = %r",
                table.at[i, "zone_id"],
                table.at[i, "year"],
                keys[key],
                table.at[i, keys[key]],
            )
        zone_of, year_of = table["zone_id"].tolist(), [int(y) for y in table["year"]]
        rows = {}
        for zone_id, year, name, record in zip(
            zone_of, year_of, table["zone"].tolist(), values.to_dict("records"), strict=True
        ):
            row = {k: plain(v) for k, v in record.items()}
            row["zone_id"], row["year"], row["zone"] = zone_id, year, name
            if row["error_quota"] is not None:
                row["error_quota"] = bool(row["error_quota"])
            rows[zone_id, year] = row
        medians: dict[int, dict[str, tuple[float | None, int]]] = {}
        if not table.empty:
            med, counts = year_medians(table, keys)
            for year, found, n in zip(
                med.index, med.to_dict("records"), counts.to_dict("records"), strict=True
            ):
                medians[int(year)] = {k: (plain(found[k]), int(n[k])) for k in keys}
        ranks: dict[tuple[str, int], dict[str, tuple[int, int, int]]] = {}
        for metric in CATALOGUE:
            if not metric.ranked or table.empty:
                continue
            ranked = competition_ranks(table, metric.key, metric.better, values[metric.key])
            first, last, of = (ranked[c].to_numpy() for c in ("first", "last", "of"))
            for i in np.flatnonzero(~np.isnan(first)):
                ranks.setdefault((zone_of[i], year_of[i]), {})[metric.key] = (
                    int(first[i]),
                    int(last[i]),
                    int(of[i]),
                )
        zones = dataset.zones
        zone_ids = list(zones["id"]) if not zones.empty else sorted(table["zone_id"].unique())
        names = dict(zip(zones["id"], zones["name"], strict=False)) if not zones.empty else {}
        joined = active_from(zones) if not zones.empty else {z: None for z in zone_ids}
        prepared = cls(
            dataset,
            settings,
            table,
            rows,
            medians,
            ranks,
            zone_ids,
            names,
            list(dataset.years),
            joined,
            {},
        )
        prepared.coverage = prepared._coverage()
        prepared.build_parts()
        return prepared

    # ------------------------------------------------------------ lookups

    def name(self, zone_id: str) -> str:
        return self.names.get(zone_id, zone_id)

    def row(self, zone_id: str, year: int | None) -> dict | None:
        return self.rows.get((zone_id, year)) if year is not None else None

    def value(self, zone_id: str, year: int | None, key: str) -> object:
        row = self.row(zone_id, year)
        return None if row is None else row.get(key)

    def median(self, year: int | None, key: str) -> float | None:
        return self.medians.get(year, {}).get(key, (None, 0))[0] if year is not None else None

    def median_count(self, year: int | None, key: str) -> int:
        return self.medians.get(year, {}).get(key, (None, 0))[1] if year is not None else 0

    def rank(self, zone_id: str, year: int | None, key: str) -> tuple[int, int, int] | None:
        return self.ranks.get((zone_id, year), {}).get(key)

    def zones_in(self, year: int | None) -> list[str]:
        """Zones with a row that year, in the reference table's order."""
        return self.once(
            ("zones_in", year), lambda: [z for z in self.zone_ids if (z, year) in self.rows]
        )

    def zone_years(self, zone_id: str) -> list[int]:
        return self.once(
            ("zone_years", zone_id), lambda: [y for y in self.years if (zone_id, y) in self.rows]
        )

    def is_member(self, zone_id: str, year: int | None) -> bool:
        """Whether the zone was part of the city that year (Klæbu joined on 1.1.2020)."""
        day = self.joined.get(zone_id)
        return day is None or year is None or day.year <= year

    def active_zones(self, year: int | None) -> list[str]:
        return [z for z in self.zone_ids if self.is_member(z, year)]

    def active_count(self, year: int | None) -> int:
        """How many zones were part of the city that year (what a median is out of)."""
        return len(self.once(("active", year), lambda: self.active_zones(year)))

    # ------------------------------------------------------------ completeness

    def _coverage(self) -> dict[tuple[str, int], Coverage]:
        """Per table and year: how many of the zones that were part of the city have data."""
        found: dict[tuple[str, int], Coverage] = {}
        prov = self.dataset.provenance
        for name in (*ANNUAL_TABLES, PROJECTS):
            with_data = [y for y in self.years if self._has(name, y, prov)]
            if not with_data:
                continue
            first = min(with_data)
            for year in self.years:
                active = self.active_zones(year)
                have = sum(1 for z in active if self._zone_has(name, z, year, prov))
                found[name, year] = Coverage(have, len(active), year >= first)
        return found

    def _has(self, name: str, year: int, prov) -> bool:
        return any(self._zone_has(name, z, year, prov) for z in self.zone_ids)

    def _zone_has(self, name: str, zone_id: str, year: int, prov) -> bool:
        if name == PROJECTS:
            span = self.dataset.project_span
            return span is not None and span[0] <= year <= span[1]
        if name in PRESENCE:
            return self.value(zone_id, year, PRESENCE[name]) is not None
        return (zone_id, year, name) in prov

    def partial(self, year: int | None) -> list[tuple[str, Coverage]]:
        """The tables a year is incomplete in: below DASHBOARD_COMPLETE_PCT of the zones."""
        if year is None:
            return []
        share = self.settings.complete_pct / 100
        return self.once(
            ("partial", year),
            lambda: [
                (name, c)
                for (name, y), c in self.coverage.items()
                if y == year and c.required and c.share < share
            ],
        )

    def zone_complete(self, zone_id: str, year: int | None) -> bool:
        """Whether the zone has figures that year in every table that reports that year."""
        prov = self.dataset.provenance
        return all(
            self._zone_has(name, zone_id, year, prov)
            for (name, y), c in self.coverage.items()
            if y == year and c.required and c.have
        )

    def table_partial(self, table: str, year: int | None) -> Coverage | None:
        """The table's coverage that year if it is below the completeness share."""
        return next((c for name, c in self.partial(year) if name == table), None)

    def default_year(self) -> int | None:
        """The latest year with complete data (the latest year if none is complete)."""
        complete = [y for y in self.years if not self.partial(y)]
        return complete[-1] if complete else (self.years[-1] if self.years else None)

    @cached_property
    def known(self) -> Known:
        """What the URL grammar checks a page's state against."""
        return Known(tuple(self.zone_ids), tuple(self.years), self.default_year())

    def year_of(self, raw: object) -> int | None:
        """A year from a page's state: one with data, or the default year."""
        return YEAR.parse(raw, self.known)


# ---------------------------------------------------------------- memoized loading

cache = Cache()
_state: dict = {}


def init_data(server, settings: Settings) -> None:
    """Wire the cache and the store to the Flask server. Called once by create_app."""
    config = {"CACHE_DEFAULT_TIMEOUT": 24 * 3600}
    if settings.cache_type == "RedisCache":
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=settings.cache_redis_url)
    elif settings.cache_type == "SimpleCache":
        config.update(CACHE_TYPE="SimpleCache")
    else:
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        config.update(
            CACHE_TYPE="FileSystemCache", CACHE_DIR=str(settings.cache_dir), CACHE_THRESHOLD=50
        )
    cache.init_app(server, config=config)
    _state["store"] = server.extensions[STORE_EXTENSION] = Store(settings)
    _state.pop("datasets", None)
    _PREPARED.clear()


STORE_EXTENSION = "dashboard_store"


def get_store():
    """The store of the app serving this request (two apps in one process, as in the
    tests and the benchmarks, each read their own); outside a request, the latest app's."""
    if has_app_context():
        store = current_app.extensions.get(STORE_EXTENSION)
        if store is not None:
            return store
    return _state["store"]


# After an import a large store takes seconds to build (about 12 s for the largest file the
# caps allow, far more under load). Requests wait at most this long after the build began,
# and are then served the data from before while one build goes on in the background: 50
# viewers no longer pile up behind the build past their timeouts. A small store's build is
# done well within the wait, so its pages show a new import (or an undo) at once.
FRESH_WAIT_SECONDS = 2.0
# A build that failed is started again on a request after this pause, not on every request.
RETRY_SECONDS = 5.0


def get_dataset() -> Dataset:
    """The current dataset, shared by every worker through the cache (a file or Redis).

    After an import or an undo, one build runs (across workers: one at a time, the others
    find its result in the cache) in a background thread. Requests wait for it until
    FRESH_WAIT_SECONDS after it began; if it takes longer, they are served the newest
    dataset any worker finished before (never one older than that), and the first request
    after the build gets the new one. A build that fails raises in the requests waiting for
    it, and is tried again after RETRY_SECONDS."""
    store = get_store()
    url = store.settings.database_url
    version = store.version()
    known = _state.setdefault("datasets", {}).get(url)
    if known is not None and known.version == version:
        return known  # a version's dataset never changes: no need to read the cache again
    key = _dataset_key(url, version)
    dataset = cache.get(key)
    if dataset is None:
        dataset = _await_build(store, version, key)
    if known is None or _order(dataset.version) > _order(known.version):
        _state["datasets"][url] = dataset
    return dataset


def _dataset_key(url: str, version: str) -> str:
    return f"dataset:{hashlib.sha256(url.encode()).hexdigest()[:16]}:{version}"


def _order(version: str) -> tuple[int, ...]:
    """Store versions in the order they happened: both parts only ever grow."""
    return tuple(int(part) for part in version.split(":"))


class _Build:
    """One background build of a version's dataset in this process."""

    def __init__(self):
        self.started = time.monotonic()
        self.finished = math.inf
        self.done = threading.Event()
        self.error: BaseException | None = None


_builds: dict[str, _Build] = {}
_builds_lock = threading.Lock()


def _await_build(store: Store, version: str, key: str) -> Dataset:
    arrived = time.monotonic()
    build = _start_build(store, version, key)
    previous = _previous(store.settings.database_url)
    if previous is None:
        build.done.wait()  # nothing to show meanwhile
    elif not build.done.wait(max(0.0, build.started + FRESH_WAIT_SECONDS - time.monotonic())):
        return previous
    elif build.error is not None and build.finished < arrived:
        return previous  # its failure was reported to those who waited; a retry follows
    if build.error is not None:
        raise build.error
    dataset = cache.get(key)
    if dataset is None:  # the cache dropped it at once (full): build here, as before
        dataset = build_dataset(store)
    return dataset


def _previous(url: str) -> Dataset | None:
    """The newest dataset finished before: the last any worker built (in the cache), or
    this process's own if the cache has lost that."""
    known = _state.get("datasets", {}).get(url)
    latest = _latest_in_cache(url)
    if latest is None or (known is not None and _order(known.version) > _order(latest.version)):
        return known
    return latest


def _start_build(store: Store, version: str, key: str) -> _Build:
    """The build of `key` under way (or failed lately) in this process, or a new one in a
    background thread."""
    from flask import current_app

    with _builds_lock:
        build = _builds.get(key)
        if build is not None and (
            not build.done.is_set() or time.monotonic() - build.finished < RETRY_SECONDS
        ):
            return build
        build = _builds[key] = _Build()
    app = current_app._get_current_object()
    url = store.settings.database_url

    def run():
        try:
            with app.app_context(), _build_lock(store.settings):
                if cache.get(key) is None:  # built by another worker while this one waited
                    cache.set(key, build_dataset(store))
                    log.info("built %s in %.1f s", key, time.monotonic() - build.started)
                # Builds of versions overtaken meanwhile may finish late: never step back.
                if _newer_than_latest(url, version):
                    cache.set(_latest_key(url), version)
        except BaseException as exc:  # handed to the requests that wait for it
            log.exception("building %s failed", key)
            build.error = exc
        finally:
            build.finished = time.monotonic()
            build.done.set()
            with _builds_lock:
                if build.error is None and _builds.get(key) is build:
                    del _builds[key]

    threading.Thread(target=run, name=f"build {key}", daemon=True).start()
    return build


def _latest_key(url: str) -> str:
    return _dataset_key(url, "latest")


def _newer_than_latest(url: str, version: str) -> bool:
    latest = cache.get(_latest_key(url))
    return latest is None or _order(version) >= _order(latest)


def _latest_in_cache(url: str) -> Dataset | None:
    """The last dataset any worker finished building for this store, if the cache has it."""
    version = cache.get(_latest_key(url))
    return cache.get(_dataset_key(url, version)) if version else None


@contextlib.contextmanager
def _build_lock(settings: Settings):
    """One build at a time: across the machine's workers (a file lock beside the file
    cache), across machines (a Redis lock), or in this process (tests)."""
    if settings.cache_type == "RedisCache":
        import redis

        client = redis.Redis.from_url(settings.cache_redis_url)
        lock = client.lock("samskaping:dataset-build", timeout=300, blocking_timeout=120)
        acquired = lock.acquire()
        try:
            yield
        finally:
            if acquired:
                with contextlib.suppress(Exception):  # expired: another worker may hold it
                    lock.release()
            client.close()
    elif settings.cache_type == "FileSystemCache":
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        with (settings.cache_dir / "dataset-build.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        with _LOCAL_BUILD:
            yield


_LOCAL_BUILD = threading.Lock()


_PREPARED: dict[tuple[str, str], Prepared] = {}
_PREPARED_KEPT = 2  # per process: the current version's index and the one before


def _build_prepared(dataset: Dataset, settings: Settings) -> Prepared:
    # What an earlier version left frozen may be collected again once it is let go.
    gc.unfreeze()
    prepared = Prepared.build(dataset, settings)
    _freeze()
    return prepared


def _freeze() -> None:
    """Take what is loaded now (the app, the libraries, this version's dataset and index)
    out of the garbage collector's full collections: they live as long as the version,
    and walking them in every full collection (a few hundred thousand objects) was what
    made the slowest 5 % of callbacks several times slower than the rest."""
    gc.collect()
    gc.freeze()


def current() -> Prepared:
    """The prepared index of the store's current data, built once per version in each
    process (while a new version is being built, the index of the data from before, see
    get_dataset). It costs a few milliseconds of lookups per callback afterwards."""
    store = get_store()
    url = store.settings.database_url
    found = _PREPARED.get((url, store.version()))
    if found is not None:
        return found
    dataset = get_dataset()
    found = _PREPARED.get((url, dataset.version))
    if found is None:
        found = _PREPARED[url, dataset.version] = _build_prepared(dataset, store.settings)
        for old in list(_PREPARED)[:-_PREPARED_KEPT]:
            _PREPARED.pop(old, None)
    return found


def prepared_for(dataset: Dataset) -> Prepared:
    """The index of a given dataset: the process's own when it is the current one."""
    store = _state.get("store")
    if store is None:
        return Prepared.build(dataset)
    with contextlib.suppress(RuntimeError):  # outside a request: no shared cache to ask
        prepared = current()
        if prepared.dataset.version == dataset.version:
            return prepared
    return Prepared.build(dataset, store.settings)


def reset() -> None:
    """Forget every loaded dataset and index (tests switch stores between them)."""
    _PREPARED.clear()
    _state.pop("datasets", None)
    if _state.get("store") is not None:
        # Outside an application context only the process's own index can be forgotten.
        with contextlib.suppress(RuntimeError):
            cache.clear()
