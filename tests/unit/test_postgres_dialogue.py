"""Notes, people and the audit trail against a real PostgreSQL: the store tests of
test_notes.py, test_people.py and test_audit.py run again here, unchanged, with
test_postgres.py's fixtures (an empty schema per test), plus what only PostgreSQL has:
its trigger refuses TRUNCATE of the audit trail too."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.rights import SYSTEM
from dashboard.store import audit
from dashboard.store.audit import AuditLog
from tests.unit.hashing import cheap_hashing  # noqa: F401 - autouse
from tests.unit.test_audit import (  # noqa: F401 - run again here, against PostgreSQL
    test_aud001_the_database_refuses_to_change_or_delete_audit_rows,
    test_aud002_imports_and_undo_are_recorded_with_who_and_where,
    test_aud004_filters_by_who_what_and_period_in_bounded_pages,
    test_aud005_what_is_recorded_is_bounded_and_printable,
)
from tests.unit.test_notes import (  # noqa: F401 - run again here, against PostgreSQL
    notes,
    test_nte001_a_unit_leader_writes_a_note_on_their_own_zone,
    test_nte002_writing_without_the_right_is_refused_and_leaves_no_trace,
    test_nte003_the_health_head_opens_moves_and_closes_a_follow_up,
    test_nte004_edits_keep_who_when_and_the_earlier_text,
    test_nte005_deleting_hides_the_note_and_keeps_it_in_the_history,
    test_nte008_notes_survive_a_re_import_and_undoing_it,
    test_nte009_open_follow_ups_by_due_date_without_done_or_deleted,
    test_nte013_a_note_and_its_audit_row_land_together_or_not_at_all,
)
from tests.unit.test_people import (  # noqa: F401 - run again here, against PostgreSQL
    people,
    test_ppl004_a_role_change_ends_the_sessions_and_is_audited,
    test_ppl007_people_from_the_identity_provider_get_their_own_rows,
)
from tests.unit.test_postgres import db, postgres_url, settings  # noqa: F401

pytestmark = pytest.mark.postgres


def test_pgd001_the_store_under_test_is_postgresql(store):
    assert store.engine.dialect.name == "postgresql"


def test_pgd002_truncating_the_audit_trail_is_refused(store):
    AuditLog(store.engine).record(SYSTEM, audit.LOGIN)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert AuditLog(store.engine).count() == 1
