"""The shared cache in Redis (DASHBOARD_CACHE_TYPE=RedisCache), against a real Redis.

The dataset is built once per store version and then served from Redis to every app that
shares it (every worker, every machine); an import or an undo changes the version, so new
data shows at once. Without DASHBOARD_TEST_REDIS_URL the module is skipped, except in CI
(env CI set), where it fails.
"""

import pytest
import redis

from dashboard import data
from dashboard.app import create_app
from dashboard.store.repository import Store
from tests.reliability.harness import service_url
from tests.reliability.viewers import View, router_answer_holds, router_payload
from tests.workbooks import economy_rows, write_xlsx

EXPORT = "/eksport?format=csv&side=sone&soner=heimdal&ar=2021"
ZONE_PAGE = View("sone", "/sone/heimdal", "?ar=2021", "Sone heimdal –", "Sone Heimdal", EXPORT)


@pytest.fixture
def redis_url():
    return service_url("DASHBOARD_TEST_REDIS_URL", "Redis")


@pytest.fixture
def new_redis_keys(redis_url):
    """The cache keys written to Redis since the test began; deleted at its end (only
    those: the server may be shared)."""
    client = redis.Redis.from_url(redis_url)
    before = set(client.scan_iter("flask_cache_*", count=1000))

    def new_keys() -> set[bytes]:
        return set(client.scan_iter("flask_cache_*", count=1000)) - before

    yield new_keys
    if new_keys():
        client.delete(*new_keys())
    client.close()


@pytest.fixture
def builds(monkeypatch):
    """How many times the dataset was built from the store, in this process."""
    calls = []
    real = data.build_dataset
    monkeypatch.setattr(data, "build_dataset", lambda store: calls.append(1) or real(store))
    data.reset()
    yield calls
    data.reset()


def budget_file(tmp_path, name, budget):
    rows = economy_rows([2021, "Heimdal", budget, budget - 1000, 1000])
    return write_xlsx(tmp_path / name, {"Økonomi": rows})


def test_rds001_dataset_is_cached_in_redis_under_the_store_version(
    settings, redis_url, new_redis_keys, builds, tmp_path
):
    settings = settings.with_overrides(cache_type="RedisCache", cache_redis_url=redis_url)
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    assert store.import_path(budget_file(tmp_path, "a.xlsx", 1_111_111)).outcome == "imported"

    first = create_app(settings).server.test_client()
    assert first.get("/").status_code == 200
    dependencies = first.get("/_dash-dependencies").get_json()
    for _ in range(2):  # the page and the export, twice: built once, then from the cache
        page = first.post("/_dash-update-component", json=router_payload(dependencies, ZONE_PAGE))
        assert page.status_code == 200 and router_answer_holds(page.get_json(), ZONE_PAGE)
        assert "1111111,0" in first.get(EXPORT).text
    assert len(builds) == 1
    assert new_redis_keys(), "nothing was written to Redis"

    # Another app (another worker or machine) on the same Redis finds it built already.
    second = create_app(settings).server.test_client()
    assert "1111111,0" in second.get(EXPORT).text
    assert len(builds) == 1

    # An import changes the version: new data at once, built once more, then shared.
    assert store.import_path(budget_file(tmp_path, "b.xlsx", 2_222_222)).outcome == "imported"
    assert "2222222,0" in first.get(EXPORT).text
    assert "2222222,0" in second.get(EXPORT).text
    assert len(builds) == 2

    # So does an undo: the earlier numbers are back.
    store.undo_latest()
    assert "1111111,0" in second.get(EXPORT).text
    assert "1111111,0" in first.get(EXPORT).text
    assert len(builds) == 3
