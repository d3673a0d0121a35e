"""A worker killed (SIGKILL) in the middle of a large import loses nothing and breaks nothing.

The upload of a 100 000-row workbook runs in a thread. The test finds the worker's import
child in /proc, waits until that child holds the store's write lock (its one transaction
is open and rows are going in), then kills the worker. The child must die with it
(PR_SET_PDEATHSIG), the store must be exactly as before, gunicorn must replace the worker,
and the same file must then import normally.
"""

import os
import signal
import sqlite3
import threading
import time

import pytest
import requests

from bench.ingest import build
from tests.reliability.harness import alive, healthy_everywhere, wait_dead
from tests.unit.test_store import snapshot

pytestmark = pytest.mark.reliability

ROWS = 100_000


@pytest.fixture(scope="session")
def large_workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("large") / "prosjekter-100k.xlsx"
    build(path, ROWS)
    return path


def write_lock_held(database: str) -> bool:
    """True if another connection holds the SQLite write lock right now."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def wait_for_import_child(server, seconds=30) -> tuple[int, int]:
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.02)):
        found = server.import_children()
        if found:
            return next(iter(found.items()))
        assert time.monotonic() < deadline, "no import child appeared"
        time.sleep(0.02)
    raise AssertionError("no import child appeared")


def wait_inside_transaction(server, child: int, seconds=30) -> None:
    """Until the child has held the write lock for three probes in a row: its import
    transaction, not the short zone-table refresh every store does when it opens."""
    held = 0
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.01)):
        assert alive(child), "the import ended before it could be interrupted"
        held = held + 1 if write_lock_held(str(server.database_path)) else 0
        if held >= 3:
            return
        assert time.monotonic() < deadline, "the import never took the write lock"
        time.sleep(0.01)
    raise AssertionError("the import never took the write lock")


def test_rel003_sigkill_during_a_large_import_changes_nothing(
    server, server_store, admin, large_workbook
):
    before = snapshot(server_store)
    projects = len(server_store.current("projects"))
    version = server.get("/healthz").json()["data_version"]
    outcome: dict = {}

    def upload():
        try:
            outcome["response"] = admin.upload_paths(large_workbook, timeout=90)
        except requests.RequestException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=upload)
    thread.start()
    child, worker = wait_for_import_child(server)
    wait_inside_transaction(server, child)
    os.kill(worker, signal.SIGKILL)
    thread.join(timeout=60)
    assert not thread.is_alive()
    # The client saw the connection drop, not an answer.
    assert "error" in outcome, outcome.get("response") and outcome["response"].text[:300]
    assert wait_dead(child, 10), "the import child outlived its worker"

    # The store is exactly as before, and SQLite itself is sound.
    assert snapshot(server_store) == before
    with server_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    # gunicorn replaced the worker, and every worker is healthy and agrees.
    workers = server.wait_for_workers(30, exclude={worker})
    assert worker not in workers
    healthy_everywhere(server)
    assert server.get("/healthz").json()["data_version"] == version

    # The next import of the same file is a fresh, complete import.
    response = admin.upload_paths(large_workbook, timeout=90)
    assert response.status_code == 200, response.text[:500]
    (report,) = response.json()
    assert report["outcome"] == "imported"
    assert sum(sheet["rows"] for sheet in report["sheets"]) == ROWS
    replaced = report["replaced"].get("projects", 0)
    assert len(server_store.current("projects")) == projects + ROWS - replaced
    admin.undo()
    after = snapshot(server_store)
    assert {k: v for k, v in after.items() if k != "batches"} == {
        k: v for k, v in before.items() if k != "batches"
    }
