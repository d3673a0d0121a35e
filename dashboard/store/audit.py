"""The audit trail: an append-only table of who did what, when, from where.

Every import, undo, note and follow-up change, login, failed login, logout, user and role
change is one row, written in the same transaction as the change it describes wherever
there is one (a note and its audit row land together or not at all). The code has no path
that updates or deletes a row, and the database refuses one too: a trigger on SQLite and
on PostgreSQL (also TRUNCATE there) aborts any UPDATE or DELETE. That guards against
mistakes and against the app's own bugs; the database's owner can still drop the trigger,
so a log that must withstand the operator belongs in the municipality's log system too
(every row is also a line in the app's log).

Rows are read only in bounded pages (`entries` with a limit, `count`) or up to a cap for
an export; never as a whole table.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    DDL,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine

from ..rights import Identity
from .db import is_sqlite, metadata

log = logging.getLogger(__name__)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),  # the principal: user:12, admin, os:kari
    Column("actor_name", String(200), nullable=False),
    # principal and name, case-folded in Python (SQLite's lower() knows only A-Z, and a
    # search for "åse" must find "Åse"): what the who-filter searches.
    Column("who_key", String(401), nullable=False),
    Column("address", String(100)),  # the client's address; empty on the command line
    Column("action", String(40), nullable=False),
    Column("zone", String(64)),
    Column("target", String(200)),  # what it was about: a note, a batch, a user name
    Column("detail", Text),  # JSON, bounded
)
Index("ix_audit_log_at", audit_log.c.at)
Index("ix_audit_log_actor", audit_log.c.actor)
Index("ix_audit_log_action", audit_log.c.action, audit_log.c.at)

_REFUSE = "audit_log is append-only"
for statement in (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
):
    event.listen(audit_log, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
):
    event.listen(audit_log, "after_create", DDL(statement).execute_if(dialect="postgresql"))

# Actions, grouped the way the /logg page filters them.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_REFUSED = "login_refused"  # a known person without a role, or a disabled account
LOGOUT = "logout"
IMPORT = "import"
UNDO = "undo"
NOTE_CREATED = "note_created"
NOTE_EDITED = "note_edited"
NOTE_DELETED = "note_deleted"
FOLLOWUP_CREATED = "followup_created"
FOLLOWUP_EDITED = "followup_edited"
FOLLOWUP_STATUS = "followup_status"
FOLLOWUP_DELETED = "followup_deleted"
USER_CREATED = "user_created"
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
ROLE_CHANGED = "role_changed"
PASSWORD_SET = "password_set"
SESSIONS_ENDED = "sessions_ended"
AUDIT_EXPORTED = "audit_exported"

GROUPS: dict[str, tuple[str, ...]] = {
    "login": (LOGIN, LOGIN_FAILED, LOGIN_REFUSED, LOGOUT),
    "import": (IMPORT, UNDO),
    "note": (NOTE_CREATED, NOTE_EDITED, NOTE_DELETED),
    "followup": (FOLLOWUP_CREATED, FOLLOWUP_EDITED, FOLLOWUP_STATUS, FOLLOWUP_DELETED),
    "users": (
        USER_CREATED,
        USER_DISABLED,
        USER_ENABLED,
        ROLE_CHANGED,
        PASSWORD_SET,
        SESSIONS_ENDED,
    ),
    "audit": (AUDIT_EXPORTED,),
}
ACTIONS = tuple(a for group in GROUPS.values() for a in group)

DETAIL_MAX_CHARS = 4000
TEXT_MAX = {"actor": 200, "actor_name": 200, "address": 100, "zone": 64, "target": 200}


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    actor_name: str
    address: str | None
    action: str
    zone: str | None
    target: str | None
    detail: dict


@dataclass(frozen=True)
class AuditFilter:
    """What the /logg page and the export ask for. Every part is optional; `who` matches
    the principal or the name, in any case, anywhere in it."""

    who: str = ""
    actions: tuple[str, ...] = ()
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction for a change and its audit row. On SQLite it takes the write
    lock at BEGIN (IMMEDIATE), so a read-then-write waits its turn behind another writer
    instead of failing; on PostgreSQL it is a plain transaction (no import lock: a note
    must not wait for an import)."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def _clip(value: object, limit: int) -> str | None:
    if value is None or value == "":
        return None
    text = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    return text[:limit]


def _detail(detail: dict | None) -> str | None:
    if not detail:
        return None
    text = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)
    if len(text) > DETAIL_MAX_CHARS:
        text = json.dumps({"truncated": text[: DETAIL_MAX_CHARS - 40]}, ensure_ascii=False)
    return text


def record(
    conn: Connection,
    actor: Identity,
    action: str,
    *,
    address: str | None = None,
    zone: str | None = None,
    target: object = None,
    detail: dict | None = None,
) -> None:
    """Append one row inside the caller's transaction (so it lands with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    principal = _clip(actor.principal, TEXT_MAX["actor"]) or "anonymous"
    name = _clip(actor.name, TEXT_MAX["actor_name"]) or ""
    row = {
        "at": datetime.now(UTC),
        "actor": principal,
        "actor_name": name,
        "who_key": f"{principal}\n{name}".casefold()[:401],
        "address": _clip(address, TEXT_MAX["address"]),
        "action": action,
        "zone": _clip(zone, TEXT_MAX["zone"]),
        "target": _clip(target, TEXT_MAX["target"]),
        "detail": _detail(detail),
    }
    conn.execute(insert(audit_log).values(**row))
    log.info(
        "audit %s by %s (%s) from %s: zone=%s target=%s",
        action,
        row["actor"],
        row["actor_name"],
        row["address"] or "-",
        row["zone"] or "-",
        row["target"] or "-",
    )


class AuditLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record(self, actor: Identity, action: str, **fields) -> None:
        """One row in a transaction of its own (for events that change nothing else)."""
        with writing(self.engine) as conn:
            record(conn, actor, action, **fields)

    @staticmethod
    def _where(query, flt: AuditFilter):
        if flt.who.strip():
            # autoescape: a % or _ typed into the filter is text, not a wildcard.
            part = flt.who.strip().casefold()
            query = query.where(audit_log.c.who_key.contains(part, autoescape=True))
        if flt.actions:
            query = query.where(audit_log.c.action.in_(flt.actions))
        if flt.since is not None:
            query = query.where(audit_log.c.at >= flt.since)
        if flt.until is not None:
            query = query.where(audit_log.c.at < flt.until)
        return query

    def count(self, flt: AuditFilter = AuditFilter()) -> int:
        query = self._where(select(func.count()).select_from(audit_log), flt)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def entries(self, flt: AuditFilter = AuditFilter(), limit: int = 50, offset: int = 0):
        """The newest first, `limit` of them (at most 1 000) after skipping `offset`."""
        limit = max(1, min(int(limit), 1000))
        query = self._where(select(audit_log), flt).order_by(audit_log.c.id.desc())
        query = query.limit(limit).offset(max(0, int(offset)))
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def iter_entries(self, flt: AuditFilter, cap: int, batch: int = 1000) -> Iterable[Entry]:
        """Up to `cap` entries, newest first, read a batch at a time (for an export)."""
        last_id = None
        given = 0
        while given < cap:
            query = self._where(select(audit_log), flt).order_by(audit_log.c.id.desc())
            if last_id is not None:
                query = query.where(audit_log.c.id < last_id)
            with self.engine.connect() as conn:
                rows = [_entry(r) for r in conn.execute(query.limit(min(batch, cap - given)))]
            if not rows:
                return
            yield from rows
            given += len(rows)
            last_id = rows[-1].id


def _entry(row) -> Entry:
    at = row.at
    if at is not None and at.tzinfo is None:  # SQLite gives UTC back without its zone
        at = at.replace(tzinfo=UTC)
    try:
        detail = json.loads(row.detail) if row.detail else {}
    except ValueError:
        detail = {"raw": row.detail}
    return Entry(
        row.id,
        at,
        row.actor,
        row.actor_name,
        row.address,
        row.action,
        row.zone,
        row.target,
        detail if isinstance(detail, dict) else {"value": detail},
    )
