"""While the data is rebuilt after an import, the pages are served the data from before.

After an import of a large file the dataset takes seconds to build (about 12 s for the
largest file the caps allow, more under load). Every request used to wait for that build
behind one lock, so 50 viewers' requests piled up past their timeouts (bench/load.py). Now
one build runs in the background; a request waits a short while for it (a small store's
build is done by then, so a page shows the new data at once) and is otherwise served the
data from before, until the new data is ready. The build is slowed here by holding it at a
gate, so the test does not need a large store.
"""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import data
from dashboard.app import create_app
from dashboard.data import current, get_dataset, get_store
from tests.workbooks import economy_rows, write_xlsx


@pytest.fixture
def app(settings):
    return create_app(settings.with_overrides(load_sample_when_empty=True))


class Gate:
    """build_dataset held until `open()`; counts the builds."""

    def __init__(self, monkeypatch):
        self.builds = 0
        self.opened = threading.Event()
        self.real = data.build_dataset
        monkeypatch.setattr(data, "build_dataset", self.build)

    def build(self, store, *args, **kwargs):
        self.builds += 1
        assert self.opened.wait(10), "the gate was never opened"
        return self.real(store, *args, **kwargs)

    def open(self):
        self.opened.set()


def _import(tmp_path, name: str, year: int = 2021) -> str:
    path = write_xlsx(
        tmp_path / name,
        {"Økonomi": economy_rows([year, "Heimdal", 99_999_000, 11_111_000, 50_000_000])},
    )
    assert get_store().import_path(path).outcome == "imported"
    return get_store().version()


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_dat001_while_a_slow_build_runs_pages_get_the_data_from_before(app, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 0.5, raising=False)
    with app.server.app_context():
        before = get_dataset().version
        assert current().dataset.version == before
        gate = Gate(monkeypatch)
        after = _import(tmp_path, "ny.xlsx")
        dataset, seconds = _timed(get_dataset)
        assert dataset.version == before and seconds < 5  # not the build's time
        assert current().dataset.version == before
        # Every request meanwhile: no second build is started.
        for _ in range(3):
            assert get_dataset().version == before
        gate.open()
        deadline = time.monotonic() + 30
        while get_dataset().version != after and time.monotonic() < deadline:
            time.sleep(0.05)
        assert get_dataset().version == after and current().dataset.version == after
        assert gate.builds == 1


def test_dat002_a_build_done_within_the_wait_is_shown_at_once(app, tmp_path):
    with app.server.app_context():
        get_dataset()
        after = _import(tmp_path, "ny.xlsx")
        assert get_dataset().version == after  # the sample's build takes well under a second
        assert current().dataset.version == after


def test_dat003_with_nothing_from_before_a_request_waits_for_the_build(app, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 0.2, raising=False)
    with app.server.app_context():
        data.reset()  # a worker that has never had any data
        gate = Gate(monkeypatch)
        threading.Timer(1.0, gate.open).start()
        dataset, seconds = _timed(get_dataset)
        assert dataset.version == get_store().version() and seconds >= 0.9


def _until(version: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while get_dataset().version != version and time.monotonic() < deadline:
        time.sleep(0.05)
    return get_dataset()


def test_dat004_a_failed_build_is_reported_to_the_waiting_request_and_tried_again_later(
    app, tmp_path, monkeypatch
):
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 0.2, raising=False)
    monkeypatch.setattr(data, "RETRY_SECONDS", 0.5, raising=False)
    with app.server.app_context():
        data.reset()
        real = data.build_dataset
        attempts = []

        def broken(store, *args, **kwargs):
            attempts.append(1)
            raise RuntimeError("the store went away")

        monkeypatch.setattr(data, "build_dataset", broken)
        with pytest.raises(RuntimeError, match="went away"):
            get_dataset()
        monkeypatch.setattr(data, "build_dataset", real)
        # At once: the failure again, not a build per request.
        with pytest.raises(RuntimeError, match="went away"):
            get_dataset()
        assert len(attempts) == 1
        time.sleep(0.6)
        assert get_dataset().version == get_store().version()


def test_dat005_a_failed_build_with_data_from_before_fails_only_those_who_waited(
    app, tmp_path, monkeypatch
):
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 1.0, raising=False)
    monkeypatch.setattr(data, "RETRY_SECONDS", 60, raising=False)
    with app.server.app_context():
        before = get_dataset().version
        monkeypatch.setattr(data, "build_dataset", lambda *a, **k: 1 / 0)
        after = _import(tmp_path, "ny.xlsx")
        with pytest.raises(ZeroDivisionError):
            get_dataset()
        # Later requests during the pause before the retry: the data from before, at once.
        dataset, seconds = _timed(get_dataset)
        assert dataset.version == before != after and seconds < 0.5


def test_dat006_an_undo_is_shown_at_once_on_a_small_store(app, tmp_path):
    with app.server.app_context():
        first = get_dataset()
        assert not first.indicators.empty
        imported = _import(tmp_path, "ny.xlsx")
        assert not get_dataset().indicators.equals(first.indicators)
        get_store().undo_latest()
        shown = get_dataset()
        assert shown.version == get_store().version() != imported
        assert shown.indicators.equals(first.indicators)
        # Every import undone (the sample's too): no old numbers stay behind.
        while get_store().undo_latest():
            pass
        shown = get_dataset()
        assert shown.version == get_store().version() and shown.indicators.empty
        assert current().dataset.version == shown.version and current().years == []


def test_dat007_never_older_than_the_last_build_any_worker_finished(app, tmp_path, monkeypatch):
    """This worker last saw v1; another worker built v2; while v3 is built, v2 is shown."""
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 0.3, raising=False)
    with app.server.app_context():
        url = get_store().settings.database_url
        v1 = get_dataset()
        v2 = _import(tmp_path, "ny.xlsx")
        assert _until(v2).version == v2  # built here; as far as the cache goes, by anyone
        data._state["datasets"][url] = v1  # this worker's memory: still v1
        data._PREPARED.clear()
        gate = Gate(monkeypatch)
        get_store().undo_latest()
        v3 = get_store().version()
        assert get_dataset().version == v2 and current().dataset.version == v2
        gate.open()
        assert _until(v3).version == v3 and current().dataset.version == v3


def test_dat008_an_undo_during_a_slow_build_shows_the_undo_once_built(app, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "FRESH_WAIT_SECONDS", 0.3, raising=False)
    with app.server.app_context():
        v1 = get_dataset().version
        gate = Gate(monkeypatch)
        v2 = _import(tmp_path, "ny.xlsx")
        assert get_dataset().version == v1
        get_store().undo_latest()
        v3 = get_store().version()
        assert get_dataset().version == v1  # v2's build holds the lock; v3 waits behind it
        gate.open()
        assert _until(v3).version == v3 and current().dataset.version == v3
        assert v2 != v3
