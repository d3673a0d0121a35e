"""An import in its own child process: the outcome it reports is the outcome in the store.

These tests run the real child (`python -m dashboard import …`) against a real SQLite file.
Hooks from tests/import_hooks.py make the child hang before or after its commit, or die the
way a failed Rust allocation or a segfault kills a process, so each path is exercised on
purpose rather than by a lucky timing.
"""

from __future__ import annotations

import time

import pytest

from dashboard.store.repository import Store
from dashboard.web.imports import import_upload
from tests.import_hooks import hook_environment
from tests.unit.test_store import snapshot
from tests.workbooks import ECONOMY_HEADER, write_xlsx


@pytest.fixture
def hook(tmp_path, monkeypatch):
    def install(mode: str) -> None:
        for name, value in hook_environment(tmp_path / "hook", mode).items():
            monkeypatch.setenv(name, value)

    return install


def economy_bytes(tmp_path, name="regnskap.xlsx", year=2019, budget=1000) -> bytes:
    rows = [ECONOMY_HEADER, [year, "Byåsen", budget, 900, 800]]
    return write_xlsx(tmp_path / name, {"Økonomi": rows}).read_bytes()


def texts(report) -> str:
    return " ".join(p.message(lang) for p in report.problems for lang in ("nb", "en"))


def test_run001_child_that_commits_then_times_out_reports_what_is_stored(
    store, settings, tmp_path, hook
):
    hook("hang-after-commit")
    data = economy_bytes(tmp_path)
    report = import_upload(
        data, "regnskap.xlsx", settings.with_overrides(import_timeout_seconds=10)
    )
    stored = store.current("economy")
    assert len(stored) == 1, "the child did commit before it was stopped"
    assert report.outcome == "imported", texts(report)
    assert report.batch_id == int(stored["batch_id"].iloc[0])
    assert "ingenting er lagret" not in texts(report).lower()
    history = store.batches()
    assert history.iloc[0]["outcome"] == "imported"


def test_run002_timeout_before_commit_is_in_the_history_and_stores_nothing(
    store, settings, tmp_path, hook
):
    hook("hang-before-commit")
    before = snapshot(store)
    report = import_upload(
        economy_bytes(tmp_path), "regnskap.xlsx", settings.with_overrides(import_timeout_seconds=6)
    )
    assert report.outcome == "timeout"
    (problem,) = report.errors
    assert problem.code == "import_timeout" and "Ingenting er lagret" in problem.message("nb")
    assert "Nothing was stored" in problem.message("en")
    after = snapshot(store)
    (new,) = after.pop("batches")[len(before["batches"]) :]
    assert new.outcome == "timeout" and report.batch_id == new.id
    assert after == {k: v for k, v in before.items() if k != "batches"}
    row = store.batches().iloc[0]
    assert (row["file_name"], row["outcome"], row["errors"]) == ("regnskap.xlsx", "timeout", 1)


@pytest.mark.parametrize(
    "mode, outcome, code",
    [
        ("abort", "rejected", "import_memory"),  # as a failed Rust allocation aborts
        ("segfault", "crashed", "import_crashed"),
    ],
)
def test_run003_a_child_that_dies_is_a_clean_message_and_a_history_row(
    mode, outcome, code, store, settings, tmp_path, hook
):
    hook(mode)
    report = import_upload(economy_bytes(tmp_path), "regnskap.xlsx", settings)
    assert report.outcome == outcome
    (problem,) = report.errors
    assert problem.code == code and "Ingenting er lagret" in problem.message("nb")
    shown = texts(report)
    for leak in ("memory allocation", "RUST_BACKTRACE", "Traceback", "abort"):
        assert leak not in shown
    assert store.batches().iloc[0]["outcome"] == outcome
    assert store.current("economy").empty


def test_run005_the_files_of_one_upload_share_one_time_budget(store, settings, tmp_path, hook):
    from dashboard.web.imports import import_uploads

    hook("hang-before-commit")
    files = [(f"fil{n}.xlsx", economy_bytes(tmp_path, f"fil{n}.xlsx", 2010 + n)) for n in range(3)]
    started = time.monotonic()
    reports = import_uploads(files, settings.with_overrides(import_timeout_seconds=6))
    elapsed = time.monotonic() - started
    assert elapsed < 6 + 4, f"three files took {elapsed:.1f} s against a 6 s budget"
    assert [r.outcome for r in reports] == ["timeout", "not_attempted", "not_attempted"]
    assert [r.file for r in reports] == ["fil0.xlsx", "fil1.xlsx", "fil2.xlsx"]
    (problem,) = reports[1].errors
    assert problem.code == "import_not_attempted" and "6 sekunder" in problem.message("nb")
    assert "Upload this file again" in problem.message("en")
    # Only the file that was tried is in the history.
    assert store.batches()["file_name"].tolist() == ["fil0.xlsx"]


def test_run006_the_childs_report_is_small_and_the_full_list_is_in_the_store(
    store, settings, tmp_path
):
    import json
    import subprocess
    import sys

    from dashboard.settings import PROJECT_DIR
    from dashboard.store.isolated import child_env

    rows = [ECONOMY_HEADER] + [[2019, f"Sone {i}", 1000, 900, 800] for i in range(3000)]
    path = write_xlsx(tmp_path / "mange-feil.xlsx", {"Økonomi": rows})
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", str(path), "--child", "t-1"],
        capture_output=True,
        timeout=120,
        env=child_env(settings),
        cwd=PROJECT_DIR,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-800:]
    assert len(done.stdout) < 30_000, "the child prints counts and the first problems only"
    report = json.loads(done.stdout)
    assert report["counts"]["error"] == 3000 and len(report["errors"]) == 20
    batch_id = store.batch_for_ticket("t-1")
    assert len(store.batch_problems(batch_id)) == 3000


def test_run007_the_child_has_a_memory_limit(store, settings, tmp_path):
    """With the cell cap lifted, XFD3 plus A2000 asks calamine for about a gigabyte; the
    child's address-space limit stops it with a clean refusal and a history row."""
    from tests.workbooks import add_cells

    path = write_xlsx(
        tmp_path / "spredt.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 1, 1]]}
    )
    add_cells(path, {"XFD3": 1, "A2000": 1})
    lifted = settings.with_overrides(max_cells=10**12, import_memory_mb=600)
    report = import_upload(path.read_bytes(), "spredt.xlsx", lifted)
    assert report.outcome == "rejected"
    (problem,) = report.errors
    assert problem.code == "import_memory" and "600 MB" in problem.message("nb")
    assert store.batches().iloc[0]["outcome"] == "rejected"


def test_run008_the_command_lines_child_has_a_cpu_time_limit(store, settings, tmp_path, hook):
    from dashboard.store.isolated import run_import

    hook("spin")
    path = tmp_path / "regnskap.xlsx"
    path.write_bytes(economy_bytes(tmp_path))
    started = time.monotonic()
    report = run_import(path, Store(settings.with_overrides(import_cpu_seconds=2)))
    assert time.monotonic() - started < 60
    assert report.outcome == "timeout"
    (problem,) = report.errors
    assert problem.code == "import_cpu_limit" and "2 sekunder prosessortid" in problem.message()
    assert store.batches().iloc[0]["outcome"] == "timeout"
