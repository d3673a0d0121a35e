"""The store's import semantics (contract §6) and the indicators CLI against a real PostgreSQL.

The store tests of test_store.py and the CLI tests of test_cli.py that hold for any database
run here again, unchanged: this module's `settings` and `db` fixtures point them at the
PostgreSQL in DASHBOARD_TEST_POSTGRES_URL, with every table dropped and created again for
each test. Without that variable the module is skipped, except in CI (env CI set), where it
fails: CI must prove the PostgreSQL path.
"""

import os
import threading

import pytest
from sqlalchemy import inspect, text

from dashboard.settings import get_settings
from dashboard.store.db import get_engine, metadata
from tests.reliability.harness import postgres_schema_url, service_url
from tests.unit.test_cli import (  # noqa: F401 - run again here, against PostgreSQL
    bad,
    good,
    test_cli008_indicators_csv_filtered,
    test_cli009_indicators_json,
    test_cli012_history_and_undo,
    test_cli014_undo_by_batch_number,
)
from tests.unit.test_import_runs import (  # noqa: F401 - run again here, against PostgreSQL
    hook,
    test_run001_child_that_commits_then_times_out_reports_what_is_stored,
    test_run002_timeout_before_commit_is_in_the_history_and_stores_nothing,
)
from tests.unit.test_speed import (  # noqa: F401 - run again here, against PostgreSQL
    test_spd001_store_reads_every_table_as_sqlalchemy_types_it,
)
from tests.unit.test_store import (  # noqa: F401 - run again here, against PostgreSQL
    economy_file,
    test_sto001_import_keeps_provenance,
    test_sto002_same_file_again_changes_nothing_and_says_so,
    test_sto003_rejected_file_leaves_everything_as_it_was,
    test_sto004_newer_file_replaces_the_keys_it_covers,
    test_sto005_survey_is_replaced_per_year_and_zone,
    test_sto006_undo_brings_back_exactly_what_was_replaced,
    test_sto007_undo_walks_back_one_import_at_a_time,
    test_sto008_an_undone_file_can_be_imported_again,
    test_sto009_projects_are_replaced_by_project_key,
    test_sto011_sample_is_loaded_only_when_the_store_is_empty,
    test_sto012_concurrent_imports_each_land_whole,
    test_sto013_version_changes_on_import_and_undo,
    test_sto015_undo_by_batch_id_only_while_it_is_the_latest_in_effect,
    test_sto016_the_full_problem_list_is_kept_by_batch_id,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def postgres_url():
    # Parallel runs (pytest-xdist) get a schema each; the import lock, a database-wide
    # advisory lock, just makes their imports take turns.
    return postgres_schema_url(service_url("DASHBOARD_TEST_POSTGRES_URL", "PostgreSQL"), "test")


@pytest.fixture
def db(postgres_url):
    """An empty schema: every table dropped and created again. Named `db` for test_cli."""
    engine = get_engine(postgres_url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return postgres_url


@pytest.fixture
def settings(db, tmp_path):
    """Replaces tests/conftest.py's `settings`, so its `store` fixture opens PostgreSQL."""
    return get_settings(
        database_url=db,
        cache_type="SimpleCache",
        cache_dir=tmp_path / "cache",
        load_sample_when_empty=False,
    )


def test_pg001_the_store_under_test_is_postgresql(store, postgres_url):
    assert store.engine.dialect.name == "postgresql"
    with store.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    assert schema == "test_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert {"import_batches", "economy", "zones"} <= set(inspect(store.engine).get_table_names())


def test_pg002_imports_from_threads_queue_on_the_advisory_lock(store, tmp_path):
    """While one import holds the lock, another waits for it instead of interleaving."""
    first = economy_file(tmp_path, "a.xlsx", [2019, "Byåsen", 1000, 900, 800])
    second = economy_file(tmp_path, "b.xlsx", [2019, "Byåsen", 2000, 900, 800])
    results = {}
    with store._write() as conn:  # holds the import lock, as a running import does
        conn.execute(text("SELECT 1"))
        thread = threading.Thread(target=lambda: results.update(b=store.import_path(second)))
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the second import did not wait for the lock"
        assert store.current("economy").empty
    thread.join(timeout=60)
    results["a"] = store.import_path(first)
    assert [results[k].outcome for k in "ba"] == ["imported", "imported"]
    assert results["a"].replaced == {"economy": 1}
    assert store.current("economy")["budget"].tolist() == [1000]
