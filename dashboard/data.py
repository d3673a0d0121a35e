"""The data the pages see: loaded from the store once per change, never from Excel.

`build_dataset` is pure given a store; `load_dataset` memoizes it with flask-caching under
the store's version (latest import and undo count), so every gunicorn worker agrees on what
is current and recomputes only after an import or an undo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from flask_caching import Cache

from .indicators import compute_indicators, explode_projects
from .settings import Settings
from .store.repository import sample_hashes


@dataclass
class Dataset:
    version: str
    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    zones: pd.DataFrame
    sources: pd.DataFrame
    threshold: int
    is_sample: bool = False
    years: list[int] = field(default_factory=list)

    @property
    def projects(self) -> pd.DataFrame:
        return self.tables.get("projects", pd.DataFrame())

    @property
    def project_zones(self) -> pd.DataFrame:
        return explode_projects(self.projects)

    def zone_name(self, zone_id: str) -> str:
        match = self.zones.loc[self.zones["id"] == zone_id, "name"]
        return match.iloc[0] if not match.empty else zone_id

    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


def build_dataset(store) -> Dataset:
    version = store.version()
    tables = store.current_tables()
    zones = store.zones()
    threshold = store.settings.suppression_threshold
    indicators = compute_indicators(tables, zones, threshold)
    sources = store.sources()
    is_sample = bool(
        not sources.empty
        and ((sources["source"] == "sample") | sources["sha256"].isin(sample_hashes())).any()
    )
    years = sorted(int(y) for y in indicators["year"].dropna().unique())
    return Dataset(version, indicators, tables, zones, sources, threshold, is_sample, years)


# ---------------------------------------------------------------- memoized loading

cache = Cache()
_state: dict = {}


def init_data(server, settings: Settings) -> None:
    """Wire the cache and the store to the Flask server. Called once by create_app."""
    from .store.repository import Store

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
    _state["store"] = Store(settings)


def get_store():
    return _state["store"]


@cache.memoize()
def _load(database_url: str, version: str) -> Dataset:
    # Arguments are the cache key: a new import or an undo changes `version`.
    return build_dataset(get_store())


def get_dataset() -> Dataset:
    store = get_store()
    return _load(store.settings.database_url, store.version())
