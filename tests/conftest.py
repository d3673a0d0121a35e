import pytest

from dashboard.ingest.zones import ZoneRegistry
from dashboard.settings import ZONES_FILE, get_settings
from dashboard.store.db import dispose_engines
from dashboard.store.repository import Store


@pytest.fixture
def settings(tmp_path):
    return get_settings(
        database_url=f"sqlite:///{tmp_path / 'store.sqlite'}",
        cache_type="SimpleCache",
        cache_dir=tmp_path / "cache",
        load_sample_when_empty=False,
    )


@pytest.fixture(scope="session")
def registry():
    return ZoneRegistry.from_csv(ZONES_FILE)


@pytest.fixture
def store(settings, registry):
    store = Store(settings, registry)
    store.ensure_ready(load_sample=False)
    return store


@pytest.fixture(autouse=True)
def _close_databases():
    # Each test has its own SQLite file; close its pooled connections when it is done.
    yield
    dispose_engines()
