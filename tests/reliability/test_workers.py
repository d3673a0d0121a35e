"""Three workers share one store: an import through one is seen at once by all of them.

On the default SQLite store and, beyond one machine, on PostgreSQL: there the workers are
forked after the app has opened its connection pool (--preload), so this also proves that
no worker reuses another's connections.
"""

import pytest

from tests.reliability.harness import Admin
from tests.reliability.viewers import run_load
from tests.workbooks import economy_rows, write_xlsx

pytestmark = pytest.mark.reliability

EXPORT = "/eksport?format=csv&side=sone&soner=heimdal&ar=2021"
BUDGET = 12_345_678


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_server(request):
    return request.getfixturevalue("server" if request.param == "sqlite" else "postgres_server")


def test_rel001_an_import_through_one_worker_is_seen_by_every_worker(any_server, tmp_path):
    server = any_server
    before = server.get("/healthz").json()["data_version"]
    assert f"{BUDGET},0" not in server.get(EXPORT).text
    path = write_xlsx(
        tmp_path / "ny-heimdal.xlsx",
        {"Økonomi": economy_rows([2021, "Heimdal", BUDGET, BUDGET - 1000, 1000])},
    )
    with Admin(server) as admin:
        response = admin.upload_paths(path)
        assert response.status_code == 200, response.text[:500]
        (report,) = response.json()
        assert report["outcome"] == "imported" and report["replaced"] == {"economy": 1}
        imported_by = int(response.headers["X-Served-By"])
        try:
            after = server.get("/healthz").json()["data_version"]
            assert after != before

            # From the moment the import answered, every answer from every worker is new.
            def is_new(path, response):
                assert response.status_code == 200
                if path == "/healthz":
                    assert response.json()["data_version"] == after
                else:
                    assert f"{BUDGET},0" in response.text

            seen = server.from_every_worker(["/healthz", EXPORT], is_new)
            workers = server.worker_pids()
            assert len(workers) == 3
            assert seen["/healthz"] == workers and seen[EXPORT] == workers
            assert imported_by in workers
        finally:
            admin.undo()
    assert server.get("/healthz").json()["data_version"] != after
    assert f"{BUDGET},0" not in server.get(EXPORT).text


@pytest.mark.postgres
def test_rel008_postgresql_workers_serve_concurrent_viewers_without_errors(postgres_server):
    stats = run_load(postgres_server.base_url, viewers=20, seconds=5)
    print(stats.summary())
    assert stats.errors == [], stats.summary()
    assert stats.workers == {str(pid) for pid in postgres_server.worker_pids()}
