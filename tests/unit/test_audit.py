"""The audit trail: append-only in the database itself, written with every import and undo
(by whom, from where, the command line as its operating-system user), filtered and paged
in bounded steps."""

from __future__ import annotations

import json
import os
import pwd
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.cli import main
from dashboard.rights import Identity
from dashboard.store import audit
from dashboard.store.audit import AuditFilter, AuditLog
from tests.workbooks import ECONOMY_HEADER, write_xlsx

KARI = Identity("user:5", "Kari Admin", frozenset({"admin"}))


def economy(tmp_path, name="a.xlsx", budget=1000, zone="Heimdal"):
    return write_xlsx(
        tmp_path / name, {"Økonomi": [ECONOMY_HEADER, [2021, zone, budget, 900, 800]]}
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_aud001_the_database_refuses_to_change_or_delete_audit_rows(store, statement):
    log = AuditLog(store.engine)
    log.record(KARI, audit.LOGIN, address="192.0.2.1")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    (entry,) = log.entries()
    assert (entry.actor, entry.action, entry.address) == ("user:5", "login", "192.0.2.1")


def test_aud002_imports_and_undo_are_recorded_with_who_and_where(store, tmp_path):
    path = economy(tmp_path)  # written once: a workbook written again has a new timestamp
    good = store.import_path(path, actor=KARI, address="192.0.2.7")
    store.import_path(path, actor=KARI, address="192.0.2.7")  # unchanged
    bad = write_xlsx(
        tmp_path / "feil.xlsx", {"Økonomi": [ECONOMY_HEADER, [2021, "Heimdal", "tusen", 9, 8]]}
    )
    store.import_path(bad, actor=KARI)
    broken = tmp_path / "ødelagt.xlsx"
    broken.write_bytes(b"not a workbook")
    store.import_path(broken, actor=KARI)
    store.undo(good.batch_id, KARI, "192.0.2.8")
    entries = AuditLog(store.engine).entries()
    assert [(e.action, e.target, e.detail.get("outcome")) for e in reversed(entries)] == [
        ("import", "a.xlsx", "imported"),
        ("import", "a.xlsx", "unchanged"),
        ("import", "feil.xlsx", "rejected"),
        ("import", "ødelagt.xlsx", "rejected"),
        ("undo", "a.xlsx", None),
    ]
    assert all(e.actor == "user:5" and e.actor_name == "Kari Admin" for e in entries)
    assert entries[0].address == "192.0.2.8"
    assert entries[0].detail["batch_id"] == good.batch_id
    assert entries[-1].detail["batch"] == good.batch_id


def test_aud003_the_command_line_records_its_operating_system_user(db_path, tmp_path):
    path = economy(tmp_path)
    assert main(["import", str(path), "--db", db_path]) == 0  # through the import child
    assert main(["undo", "--db", db_path]) == 0
    from dashboard.settings import database_url_from
    from dashboard.store.db import get_engine

    entries = AuditLog(get_engine(database_url_from(db_path))).entries()
    user = pwd.getpwuid(os.geteuid()).pw_name
    assert [(e.action, e.actor) for e in entries] == [
        ("undo", f"os:{user}"),
        ("import", f"os:{user}"),
    ]
    assert all(e.address and e.address.startswith("cli@") for e in entries)


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "cli.sqlite")


def test_aud004_filters_by_who_what_and_period_in_bounded_pages(store):
    log = AuditLog(store.engine)
    for i in range(7):
        log.record(KARI, audit.LOGIN, address=f"192.0.2.{i}")
    per = Identity("user:6", "Åse Ødegård", frozenset({"unit_leader"}), frozenset({"heimdal"}))
    log.record(per, audit.LOGIN_FAILED)
    log.record(per, audit.NOTE_CREATED, zone="heimdal", target="note 1")
    assert log.count() == 9
    assert log.count(AuditFilter(who="åse ø")) == 2  # any case, Norwegian letters too
    assert log.count(AuditFilter(who="USER:5")) == 7
    assert log.count(AuditFilter(actions=audit.GROUPS["login"])) == 8
    assert log.count(AuditFilter(who="ØDEGÅRD", actions=audit.GROUPS["note"])) == 1
    now = datetime.now(UTC)
    assert log.count(AuditFilter(since=now - timedelta(minutes=5))) == 9
    assert log.count(AuditFilter(until=now - timedelta(minutes=5))) == 0
    assert log.count(AuditFilter(since=now + timedelta(minutes=5))) == 0
    page1, page2 = log.entries(limit=5), log.entries(limit=5, offset=5)
    assert [e.action for e in page1][:2] == ["note_created", "login_failed"]
    assert len(page1) == 5 and len(page2) == 4
    assert {e.id for e in page1}.isdisjoint({e.id for e in page2})
    assert len(log.entries(limit=10**9)) == 9  # capped at 1 000, never unbounded
    assert [e.id for e in log.iter_entries(AuditFilter(), cap=4, batch=3)] == [
        e.id for e in page1[:4]
    ]
    # A pattern's wildcards are the user's text, nothing more.
    assert log.count(AuditFilter(who="%")) == 0


def test_aud005_what_is_recorded_is_bounded_and_printable(store):
    log = AuditLog(store.engine)
    odd = Identity("anonymous", "x\r\nFAKE LINE" + "y" * 500)
    log.record(odd, audit.LOGIN_FAILED, target="z" * 900, detail={"text": "q" * 10_000})
    (entry,) = log.entries()
    assert "\n" not in entry.actor_name and len(entry.actor_name) == 200
    assert len(entry.target) == 200
    assert len(json.dumps(entry.detail)) < 4100
    with pytest.raises(ValueError, match="unknown audit action"):
        log.record(KARI, "coffee_made")


def test_aud006_the_log_pages_filter_kinds_are_the_audit_trails_groups():
    from dashboard import urls

    assert tuple(audit.GROUPS) == urls.AUDIT_GROUPS
    assert set(audit.ACTIONS) == {a for group in audit.GROUPS.values() for a in group}
