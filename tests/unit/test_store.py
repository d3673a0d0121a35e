"""Import semantics (contract §6) against a real SQLite file."""

import threading

import pytest
from sqlalchemy import select, text

from dashboard.store.db import FACT_TABLES, batches
from dashboard.store.repository import Store, sample_files
from tests.workbooks import ECONOMY_HEADER, PROJECT_HEADER, SURVEY_HEADER, write_xlsx


def snapshot(store):
    """Every stored row of every table, history included, plus the batch list."""
    with store.engine.connect() as conn:
        tables = {
            name: conn.execute(select(t).order_by(t.c.id)).fetchall()
            for name, t in FACT_TABLES.items()
        }
        tables["batches"] = conn.execute(
            select(batches.c.id, batches.c.outcome, batches.c.undone_at).order_by(batches.c.id)
        ).fetchall()
    return tables


def current_values(store, table, *columns):
    frame = store.current(table)
    return sorted(tuple(r) for r in frame[list(columns)].itertuples(index=False))


def economy_file(tmp_path, name, *rows):
    return write_xlsx(tmp_path / name, {"Økonomi": [ECONOMY_HEADER, *rows]})


def test_sto001_import_keeps_provenance(store, tmp_path):
    path = economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800])
    report = store.import_path(path)
    assert report.outcome == "imported" and report.batch_id
    row = store.current("economy").iloc[0]
    assert (row["batch_id"], row["sheet"], row["excel_row"]) == (report.batch_id, "Økonomi", 2)
    history = store.batches()
    assert history.iloc[0]["file_name"] == "a.xlsx"
    assert history.iloc[0]["sha256"] == report.sha256 and len(report.sha256) == 64
    assert history.iloc[0]["imported_at"] is not None
    assert store.batch_report(report.batch_id).sheets[0].rows == 1


def test_sto002_same_file_again_changes_nothing_and_says_so(store, tmp_path):
    path = economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800])
    first = store.import_path(path)
    before = snapshot(store)
    again = store.import_path(path)
    assert again.outcome == "unchanged" and again.previous_batch_id == first.batch_id
    assert "uendret" in again.text() and "unchanged" in again.text("en")
    assert snapshot(store) == before


def test_sto003_rejected_file_leaves_everything_as_it_was(store, tmp_path):
    store.import_path(
        economy_file(
            tmp_path,
            "a.xlsx",
            [2019, "Byåsen", 1000, 900, 800],
            [2019, "Heimdal", 2000, 1900, 1800],
        )
    )
    before = snapshot(store)
    # Valid rows for the same keys plus one bad cell: nothing at all may change.
    bad = economy_file(tmp_path, "b.xlsx", [2019, "Byåsen", 5, 5, 5], [2019, "Heimdal", "x", 1, 1])
    report = store.import_path(bad)
    assert report.outcome == "rejected" and report.errors
    after = snapshot(store)
    rejected = after.pop("batches")[-1]
    assert rejected.outcome == "rejected"
    assert after == {k: v for k, v in before.items() if k != "batches"}
    assert store.batch_report(report.batch_id).errors[0].cell == "C3"


def test_sto004_newer_file_replaces_the_keys_it_covers(store, tmp_path):
    store.import_path(
        economy_file(
            tmp_path,
            "a.xlsx",
            [2019, "Byåsen", 1000, 900, 800],
            [2019, "Heimdal", 2000, 1900, 1800],
            [2020, "Byåsen", 3000, 2900, 2800],
        )
    )
    report = store.import_path(economy_file(tmp_path, "b.xlsx", [2019, "Byåsen", 1111, 999, 888]))
    assert report.replaced == {"economy": 1}
    assert current_values(store, "economy", "year", "zone_id", "budget") == [
        (2019, "byasen", 1111),
        (2019, "heimdal", 2000),
        (2020, "byasen", 3000),
    ]


def test_sto005_survey_is_replaced_per_year_and_zone(store, tmp_path):
    rows = [[2019, "Byåsen", t, 4.0, 20] for t in ("Informasjon", "Samhandling")]
    store.import_path(
        write_xlsx(tmp_path / "a.xlsx", {"Brukerundersøkelse": [SURVEY_HEADER, *rows]})
    )
    newer = [[2019, "Byåsen", "Informasjon", 5.0, 30]]
    store.import_path(
        write_xlsx(tmp_path / "b.xlsx", {"Brukerundersøkelse": [SURVEY_HEADER, *newer]})
    )
    assert current_values(store, "survey", "theme", "score") == [("informasjon", 5.0)]


def test_sto006_undo_brings_back_exactly_what_was_replaced(store, tmp_path):
    store.import_path(economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800]))
    before = snapshot(store)
    store.import_path(
        economy_file(tmp_path, "b.xlsx", [2019, "Byåsen", 1111, 999, 888], [2021, "Nardo", 1, 1, 1])
    )
    undone = store.undo_latest()
    assert undone["removed"] == 2 and undone["restored"] == 1
    after = snapshot(store)
    assert {k: v for k, v in after.items() if k != "batches"} == {
        k: v for k, v in before.items() if k != "batches"
    }
    assert after["batches"][-1].undone_at is not None


def test_sto007_undo_walks_back_one_import_at_a_time(store, tmp_path):
    for n, budget in enumerate((1000, 2000, 3000)):
        store.import_path(economy_file(tmp_path, f"{n}.xlsx", [2019, "Byåsen", budget, 900, 800]))
    assert current_values(store, "economy", "budget") == [(3000,)]
    store.undo_latest()
    assert current_values(store, "economy", "budget") == [(2000,)]
    store.undo_latest()
    assert current_values(store, "economy", "budget") == [(1000,)]
    store.undo_latest()
    assert store.current("economy").empty
    assert store.undo_latest() is None


def test_sto008_an_undone_file_can_be_imported_again(store, tmp_path):
    path = economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800])
    store.import_path(path)
    store.undo_latest()
    assert store.import_path(path).outcome == "imported"
    assert len(store.current("economy")) == 1


def test_sto009_projects_are_replaced_by_project_key(store, tmp_path):
    def project(pid, name, status):
        return [pid, name, "Byåsen", 2019, None, status, 1, "Enheten", None, None, None]

    store.import_path(
        write_xlsx(
            tmp_path / "a.xlsx",
            {
                "Prosjekter": [
                    PROJECT_HEADER,
                    project("P-1", "Turvenner", "Planlagt"),
                    project("P-2", "Kafé", "Pågår"),
                ]
            },
        )
    )
    store.import_path(
        write_xlsx(
            tmp_path / "b.xlsx",
            {"Prosjekter": [PROJECT_HEADER, project("p-1 ", "Turvenner", "Implementert")]},
        )
    )
    assert current_values(store, "projects", "project_key", "status") == [
        ("id:p-1", "Implementert"),
        ("id:p-2", "Pågår"),
    ]


def test_sto010_sqlite_runs_in_wal_mode_with_a_busy_timeout(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_sto011_sample_is_loaded_only_when_the_store_is_empty(settings, registry):
    store = Store(settings, registry)
    reports = store.ensure_ready(load_sample=True)
    assert [r.outcome for r in reports] == ["imported"] * len(sample_files())
    assert store.sources()["source"].eq("sample").all()
    assert store.ensure_ready(load_sample=True) == []


def test_sto012_concurrent_imports_each_land_whole(store, tmp_path):
    paths = [
        economy_file(tmp_path, f"{n}.xlsx", *[[2000 + y, "Byåsen", n + 1, 1, 1] for y in range(20)])
        for n in range(4)
    ]
    results = []
    threads = [
        threading.Thread(target=lambda p=p: results.append(store.import_path(p))) for p in paths
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.outcome for r in results) == ["imported"] * 4
    frame = store.current("economy")
    assert len(frame) == 20
    # One file won every key: the last to commit, never a mix of two files.
    assert frame["batch_id"].nunique() == 1


def test_sto013_version_changes_on_import_and_undo(store, tmp_path):
    v0 = store.version()
    store.import_path(economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800]))
    v1 = store.version()
    store.undo_latest()
    assert len({v0, v1, store.version()}) == 3


@pytest.mark.parametrize("url_kind", ["path", "url"])
def test_sto014_db_setting_takes_a_path_or_a_url(url_kind, tmp_path):
    from dashboard.settings import database_url_from

    target = tmp_path / "x.sqlite"
    value = str(target) if url_kind == "path" else f"sqlite:///{target}"
    assert database_url_from(value) == f"sqlite:///{target}"


def test_sto015_undo_by_batch_id_only_while_it_is_the_latest_in_effect(store, tmp_path):
    from dashboard.store.repository import UndoRefused

    first = store.import_path(economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800]))
    second = store.import_path(economy_file(tmp_path, "b.xlsx", [2019, "Byåsen", 2000, 900, 800]))
    with pytest.raises(UndoRefused) as refused:
        store.undo(first.batch_id)  # someone imported since
    assert refused.value.code == "not_latest"
    assert (refused.value.latest_id, refused.value.latest_file) == (second.batch_id, "b.xlsx")
    assert current_values(store, "economy", "budget") == [(2000,)]
    undone = store.undo(second.batch_id)
    assert (undone["batch_id"], undone["file"]) == (second.batch_id, "b.xlsx")
    assert current_values(store, "economy", "budget") == [(1000,)]
    with pytest.raises(UndoRefused) as refused:
        store.undo(second.batch_id)  # already undone
    assert refused.value.code == "not_in_effect"
    with pytest.raises(UndoRefused) as refused:
        store.undo(999)
    assert refused.value.code == "not_found"
    assert store.undo(first.batch_id)["removed"] == 1
    assert store.current("economy").empty


def test_sto016_the_full_problem_list_is_kept_by_batch_id(store, tmp_path):
    rows = [[2019, f"Sone {i}", 1000, 900, 800] for i in range(300)]
    report = store.import_path(economy_file(tmp_path, "mange.xlsx", *rows))
    assert report.outcome == "rejected" and report.counts["error"] == 300
    shown = store.batch_report(report.batch_id, limit=20)
    assert len(shown.errors) == 20 and shown.counts["error"] == 300
    everything = store.batch_problems(report.batch_id)
    assert len(everything) == 300 and everything[-1].cell == "B301"
    assert everything[0].file == "mange.xlsx" and everything[0].code == "unknown_zone"
    with store.engine.connect() as conn:
        summary = conn.execute(
            select(batches.c.report).where(batches.c.id == report.batch_id)
        ).scalar_one()
    assert len(summary) < 2000  # the problems live in their own table, not in this text


def test_sto017_a_store_made_before_tickets_and_problem_rows_is_brought_up_to_date(
    settings, registry
):
    from sqlalchemy import create_engine, inspect

    old = create_engine(settings.database_url)
    with old.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE import_batches (id INTEGER PRIMARY KEY, file_name VARCHAR(500) NOT "
            "NULL, sha256 VARCHAR(64) NOT NULL, imported_at DATETIME NOT NULL, outcome "
            "VARCHAR(20) NOT NULL, source VARCHAR(20) NOT NULL, rows INTEGER NOT NULL, errors "
            "INTEGER NOT NULL, warnings INTEGER NOT NULL, report TEXT NOT NULL, undone_at "
            "DATETIME)"
        )
    old.dispose()
    store = Store(settings, registry)
    store.ensure_ready(load_sample=False)
    columns = {c["name"] for c in inspect(store.engine).get_columns("import_batches")}
    assert "ticket" in columns
    assert "import_problems" in inspect(store.engine).get_table_names()
