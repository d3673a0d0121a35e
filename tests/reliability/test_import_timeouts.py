"""A web import stopped by its time limit reports exactly what the store holds.

A gunicorn of its own (2 workers, a short DASHBOARD_IMPORT_TIMEOUT) with a test hook
(tests/import_hooks.py) that makes the import child hang after its commit, or before it.
Either way the answer the client gets names the batch the store has, with the same outcome,
and the store holds the file's rows exactly when the answer says "imported".
"""

import time

import pytest

from dashboard.settings import get_settings
from dashboard.store.repository import Store
from tests.import_hooks import hook_file_environment
from tests.reliability.harness import Admin, Gunicorn, healthy_everywhere
from tests.workbooks import ECONOMY_HEADER, write_xlsx

pytestmark = pytest.mark.reliability

BUDGET = 10


@pytest.fixture(scope="module")
def hooked(tmp_path_factory):
    env, mode_file = hook_file_environment(tmp_path_factory.mktemp("hook"))
    env["DASHBOARD_IMPORT_TIMEOUT"] = str(BUDGET)
    with Gunicorn(tmp_path_factory.mktemp("gunicorn-timeouts"), workers=2, env=env) as server:
        store = Store(get_settings(database_url=server.database_url, load_sample_when_empty=False))
        yield server, store, mode_file


def economy(tmp_path, name, year):
    rows = [ECONOMY_HEADER, *[[year, zone, 1000 + year, 900, 800] for zone in ("Byåsen", "Nardo")]]
    return write_xlsx(tmp_path / name, {"Økonomi": rows})


def stored_rows(store, batch_id):
    frame = store.current("economy")
    return int((frame["batch_id"] == batch_id).sum())


def test_relimp001_an_import_stopped_after_its_commit_reports_what_the_store_holds(
    hooked, tmp_path
):
    server, store, mode_file = hooked
    mode_file.write_text("hang-after-commit")
    with Admin(server) as admin:
        started = time.monotonic()
        response = admin.upload_paths(economy(tmp_path, "etter-commit.xlsx", 2003), timeout=60)
        elapsed = time.monotonic() - started
    mode_file.write_text("")
    assert elapsed < BUDGET + 15, f"answered after {elapsed:.1f} s"
    (report,) = response.json()
    row = store.batches().set_index("id").loc[report["batch_id"]]
    assert report["outcome"] == row["outcome"] == "imported"
    assert response.status_code == 200
    assert stored_rows(store, report["batch_id"]) == 2
    assert not any("Ingenting er lagret" in e["message"] for e in report["errors"])
    with Admin(server) as admin:
        admin.undo()
    healthy_everywhere(server)


def test_relimp002_an_import_stopped_before_its_commit_is_a_timeout_in_the_history(
    hooked, tmp_path
):
    server, store, mode_file = hooked
    mode_file.write_text("hang-before-commit")
    version = server.get("/healthz").json()["data_version"]
    with Admin(server) as admin:
        response = admin.upload_paths(economy(tmp_path, "for-commit.xlsx", 2004), timeout=60)
    mode_file.write_text("")
    assert response.status_code == 422
    (report,) = response.json()
    row = store.batches().set_index("id").loc[report["batch_id"]]
    assert report["outcome"] == row["outcome"] == "timeout"
    assert row["file_name"] == "for-commit.xlsx" and stored_rows(store, report["batch_id"]) == 0
    (error,) = report["errors"]
    assert error["code"] == "import_timeout" and "Ingenting er lagret" in error["message"]
    assert server.get("/healthz").json()["data_version"] == version
    healthy_everywhere(server)


def test_relimp003_the_files_of_one_request_share_one_budget(hooked, tmp_path):
    server, store, mode_file = hooked
    mode_file.write_text("hang-before-commit")
    files = [economy(tmp_path, f"fil-{n}.xlsx", 2005 + n) for n in range(4)]
    before = len(store.batches())
    with Admin(server) as admin:
        started = time.monotonic()
        response = admin.upload_paths(*files, timeout=60)
        elapsed = time.monotonic() - started
    mode_file.write_text("")
    assert elapsed < BUDGET + 15, f"four files answered after {elapsed:.1f} s"
    outcomes = [r["outcome"] for r in response.json()]
    assert outcomes == ["timeout", "not_attempted", "not_attempted", "not_attempted"]
    assert len(store.batches()) == before + 1  # only the file that was tried is in history
    healthy_everywhere(server)
