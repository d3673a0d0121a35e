"""Notes and follow-ups: the story beside the numbers, per zone and year.

A note belongs to a zone, a year and optionally a panel (user council, budget, risk,
projects, survey, targets). A follow-up is a note from the health head with a status
(open, in progress, done) and an optional due date. Neither belongs to an import batch,
so re-imports and undo leave them alone.

Every change appends the note's new state to `note_history` (who, when, from where, the
text as it then was) and a row to the audit trail, in the same transaction as the change;
a deleted note is hidden, never removed. An edit names the version it was made from, so
two people editing at once cannot overwrite each other unseen (the second is told).

Rights are checked here, inside the transaction, with the rights matrix: whichever page,
callback or script calls this API, a unit leader writes on their own zones only and only
the health head writes follow-ups. Text is kept as plain text, never interpreted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine

from ..ingest.zones import ZoneRegistry
from ..rights import FOLLOWUP_WRITE, NOTE_HISTORY, NOTE_WRITE, Identity, may
from . import audit
from .db import Refused, metadata

PANELS = ("council", "budget", "risk", "projects", "survey", "targets")
NOTE, FOLLOWUP = "note", "followup"
OPEN, IN_PROGRESS, DONE = "open", "in_progress", "done"
STATUSES = (OPEN, IN_PROGRESS, DONE)
CREATED, EDITED, STATUS, DELETED = "created", "edited", "status", "deleted"
LIST_MAX = 2000  # notes one question may return
DUE_MIN, DUE_MAX = date(2000, 1, 1), date(2100, 12, 31)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("zone_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("panel", String(20)),
    Column("kind", String(10), nullable=False),  # note | followup
    Column("text", Text, nullable=False),
    Column("status", String(20)),  # follow-ups: open | in_progress | done
    Column("due_date", Date),
    Column("author", String(200), nullable=False),  # principal
    Column("author_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_by_name", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", DateTime(timezone=True)),
)
Index("ix_notes_zone_year", notes.c.zone_id, notes.c.year)
Index("ix_notes_kind_status", notes.c.kind, notes.c.status)

# Every state a note has had, oldest first: appended to, never changed.
note_history = Table(
    "note_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", Integer, ForeignKey("notes.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("change", String(10), nullable=False),  # created | edited | status | deleted
    Column("text", Text, nullable=False),
    Column("panel", String(20)),
    Column("status", String(20)),
    Column("due_date", Date),
    Column("changed_by", String(200), nullable=False),
    Column("changed_by_name", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("address", String(100)),
)
Index("ix_note_history_note", note_history.c.note_id, note_history.c.version)


MESSAGES = {
    "forbidden": (
        "Du har ikke rett til å skrive her.",
        "You do not have the right to write here.",
    ),
    "not_found": ("Notatet finnes ikke.", "The note does not exist."),
    "stale": (
        "Noen andre har endret notatet i mellomtiden. Last inn på nytt og prøv igjen.",
        "Someone else has changed the note meanwhile. Reload and try again.",
    ),
    "deleted": ("Notatet er slettet.", "The note has been deleted."),
    "empty": ("Skriv en tekst først.", "Write a text first."),
    "too_long": (
        "Teksten er for lang: {length} tegn, høyst {limit} er lov.",
        "The text is too long: {length} characters, at most {limit} are allowed.",
    ),
    "bad_zone": ("Ukjent sone.", "Unknown zone."),
    "bad_year": (
        "Året må være mellom {low} og {high}.",
        "The year must be between {low} and {high}.",
    ),
    "bad_panel": ("Ukjent panel.", "Unknown panel."),
    "bad_status": ("Ukjent status.", "Unknown status."),
    "bad_due": (
        "Fristen må være en dato (åååå-mm-dd) mellom 2000 og 2100.",
        "The due date must be a date (yyyy-mm-dd) between 2000 and 2100.",
    ),
    "not_followup": ("Bare en oppfølging har status.", "Only a follow-up has a status."),
}


class NoteError(Refused):
    """A change the notes store refuses; `code` says why (see MESSAGES), for the UI to say."""

    messages = MESSAGES


@dataclass(frozen=True)
class Note:
    id: int
    zone_id: str
    year: int
    panel: str | None
    kind: str
    text: str
    status: str | None
    due_date: date | None
    author: str
    author_name: str
    created_at: datetime
    updated_at: datetime
    updated_by_name: str
    version: int
    deleted_at: datetime | None

    @property
    def is_followup(self) -> bool:
        return self.kind == FOLLOWUP

    @property
    def is_open(self) -> bool:
        return self.is_followup and self.status in {OPEN, IN_PROGRESS} and not self.deleted_at

    @property
    def edited(self) -> bool:
        return self.version > 1


@dataclass(frozen=True)
class NoteVersion:
    version: int
    change: str
    text: str
    panel: str | None
    status: str | None
    due_date: date | None
    changed_by: str
    changed_by_name: str
    changed_at: datetime


def _utc(value):
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _note(row) -> Note:
    return Note(
        id=row.id,
        zone_id=row.zone_id,
        year=row.year,
        panel=row.panel,
        kind=row.kind,
        text=row.text,
        status=row.status,
        due_date=row.due_date,
        author=row.author,
        author_name=row.author_name,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        updated_by_name=row.updated_by_name,
        version=row.version,
        deleted_at=_utc(row.deleted_at),
    )


def clean_text(value: object, limit: int) -> str:
    """Plain text as it will be kept: NFC, line breaks as \\n, no other control characters,
    no space around it. Refuses empty and too long text rather than cutting it."""
    if not isinstance(value, str):
        raise NoteError("empty")
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in {"Cc", "Cs", "Co"}
    )
    text = text.strip()
    if not text:
        raise NoteError("empty")
    if len(text) > limit:
        raise NoteError("too_long", length=len(text), limit=limit)
    return text


def due_from(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip()[:10])
        except ValueError as exc:
            raise NoteError("bad_due") from exc
    if not DUE_MIN <= value <= DUE_MAX:
        raise NoteError("bad_due")
    return value


_UNSET = object()


class Notes:
    def __init__(
        self,
        engine: Engine,
        registry: ZoneRegistry,
        max_chars: int = 2000,
        years: tuple[int, int] = (2000, 2100),
    ):
        self.engine = engine
        self.registry = registry
        self.max_chars = max_chars
        self.years = years

    @classmethod
    def for_store(cls, store) -> Notes:
        s = store.settings
        return cls(store.engine, store.registry, s.note_max_chars, (s.year_min, s.year_max))

    # ------------------------------------------------------------ checks

    def _zone(self, zone: object) -> str:
        if not isinstance(zone, str) or zone not in self.registry.by_id:
            raise NoteError("bad_zone")
        return zone

    def _year(self, year: object) -> int:
        low, high = self.years
        if isinstance(year, bool) or not isinstance(year, int | str):
            raise NoteError("bad_year", low=low, high=high)
        try:
            number = int(year)
        except ValueError as exc:
            raise NoteError("bad_year", low=low, high=high) from exc
        if not low <= number <= high:
            raise NoteError("bad_year", low=low, high=high)
        return number

    @staticmethod
    def _panel(panel: object) -> str | None:
        if panel is None or panel == "":
            return None
        if panel not in PANELS:
            raise NoteError("bad_panel")
        return str(panel)

    @staticmethod
    def _status(status: object) -> str:
        if status not in STATUSES:
            raise NoteError("bad_status")
        return str(status)

    @staticmethod
    def _allow(actor: Identity, kind: str, zone: str) -> None:
        if not may(actor, FOLLOWUP_WRITE if kind == FOLLOWUP else NOTE_WRITE, zone):
            raise NoteError("forbidden")

    # ------------------------------------------------------------ changes

    def add(
        self,
        actor: Identity,
        zone: str,
        year: int,
        text: str,
        panel: str | None = None,
        *,
        followup: bool = False,
        status: str = OPEN,
        due: object = None,
        address: str | None = None,
    ) -> Note:
        zone, year, panel = self._zone(zone), self._year(year), self._panel(panel)
        kind = FOLLOWUP if followup else NOTE
        self._allow(actor, kind, zone)
        text = clean_text(text, self.max_chars)
        values = {
            "status": self._status(status) if followup else None,
            "due_date": due_from(due) if followup else None,
        }
        now = datetime.now(UTC)
        with audit.writing(self.engine) as conn:
            note_id = conn.execute(
                insert(notes).values(
                    zone_id=zone,
                    year=year,
                    panel=panel,
                    kind=kind,
                    text=text,
                    author=actor.principal,
                    author_name=actor.name,
                    created_at=now,
                    updated_at=now,
                    updated_by=actor.principal,
                    updated_by_name=actor.name,
                    version=1,
                    deleted_at=None,
                    **values,
                )
            ).inserted_primary_key[0]
            note = self._get(conn, note_id)
            self._remember(conn, actor, note, CREATED, now, address)
        return note

    def edit(
        self,
        actor: Identity,
        note_id: int,
        version: int,
        *,
        text: object = _UNSET,
        panel: object = _UNSET,
        due: object = _UNSET,
        address: str | None = None,
    ) -> Note:
        """Change the text, panel or (a follow-up's) due date of the note as it was at
        `version`."""

        def change(note: Note) -> dict:
            values = {}
            if text is not _UNSET:
                values["text"] = clean_text(text, self.max_chars)
            if panel is not _UNSET:
                values["panel"] = self._panel(panel)
            if due is not _UNSET and note.is_followup:
                values["due_date"] = due_from(due)
            return values

        return self._change(actor, note_id, version, EDITED, change, address)

    def set_status(
        self,
        actor: Identity,
        note_id: int,
        version: int,
        status: str,
        address: str | None = None,
    ) -> Note:
        def change(note: Note) -> dict:
            if not note.is_followup:
                raise NoteError("not_followup")
            return {"status": self._status(status)}

        return self._change(actor, note_id, version, STATUS, change, address)

    def delete(
        self, actor: Identity, note_id: int, version: int, address: str | None = None
    ) -> Note:
        """Hide the note; it stays in the history."""
        return self._change(
            actor, note_id, version, DELETED, lambda _n: {"deleted_at": datetime.now(UTC)}, address
        )

    def _change(self, actor, note_id, version, change, values_of, address) -> Note:
        if isinstance(note_id, bool) or not isinstance(note_id, int):
            raise NoteError("not_found")
        if isinstance(version, bool) or not isinstance(version, int):
            raise NoteError("stale")
        now = datetime.now(UTC)
        with audit.writing(self.engine) as conn:
            note = self._get(conn, note_id)
            if note is None:
                raise NoteError("not_found")
            self._allow(actor, note.kind, note.zone_id)
            if note.deleted_at is not None:
                raise NoteError("deleted")
            if note.version != version:
                raise NoteError("stale")
            values = values_of(note)
            if change == EDITED and all(getattr(note, k) == v for k, v in values.items()):
                return note  # nothing changed: no new version
            result = conn.execute(
                notes.update()
                .where(notes.c.id == note.id, notes.c.version == note.version)
                .values(
                    **values,
                    updated_at=now,
                    updated_by=actor.principal,
                    updated_by_name=actor.name,
                    version=note.version + 1,
                )
            )
            if result.rowcount != 1:
                raise NoteError("stale")
            changed = self._get(conn, note.id)
            self._remember(conn, actor, changed, change, now, address, before=note)
        return changed

    @staticmethod
    def _remember(
        conn: Connection,
        actor: Identity,
        note: Note,
        change: str,
        when: datetime,
        address: str | None,
        before: Note | None = None,
    ) -> None:
        conn.execute(
            insert(note_history).values(
                note_id=note.id,
                version=note.version,
                change=change,
                text=note.text,
                panel=note.panel,
                status=note.status,
                due_date=note.due_date,
                changed_by=actor.principal,
                changed_by_name=actor.name,
                changed_at=when,
                address=(address or "")[:100] or None,
            )
        )
        action = {
            (NOTE, CREATED): audit.NOTE_CREATED,
            (NOTE, EDITED): audit.NOTE_EDITED,
            (NOTE, DELETED): audit.NOTE_DELETED,
            (FOLLOWUP, CREATED): audit.FOLLOWUP_CREATED,
            (FOLLOWUP, EDITED): audit.FOLLOWUP_EDITED,
            (FOLLOWUP, STATUS): audit.FOLLOWUP_STATUS,
            (FOLLOWUP, DELETED): audit.FOLLOWUP_DELETED,
        }[(note.kind, change)]
        detail = {"year": note.year, "panel": note.panel, "version": note.version}
        if note.is_followup:
            detail["status"] = note.status
            if before is not None and before.status != note.status:
                detail["status_before"] = before.status
        audit.record(
            conn,
            actor,
            action,
            address=address,
            zone=note.zone_id,
            target=f"{note.kind} {note.id}",
            detail=detail,
        )

    # ------------------------------------------------------------ reading

    @staticmethod
    def _get(conn: Connection, note_id: int) -> Note | None:
        row = conn.execute(select(notes).where(notes.c.id == int(note_id))).first()
        return _note(row) if row else None

    def get(self, note_id: int) -> Note | None:
        """The note as stored, deleted or not."""
        with self.engine.connect() as conn:
            return self._get(conn, note_id)

    def list(
        self,
        zones: list[str] | tuple[str, ...] | None = None,
        years: list[int] | tuple[int, ...] | None = None,
        panels: list[str | None] | tuple[str | None, ...] | None = None,
        kinds: tuple[str, ...] | None = None,
        open_only: bool = False,
        limit: int = 500,
    ) -> list[Note]:
        """Notes in effect (not deleted): by zone, year, newest first, at most `limit`."""
        query = select(notes).where(notes.c.deleted_at.is_(None))
        if zones is not None:
            query = query.where(notes.c.zone_id.in_(list(zones)))
        if years is not None:
            query = query.where(notes.c.year.in_([int(y) for y in years]))
        if panels is not None:
            named = [p for p in panels if p is not None]
            condition = notes.c.panel.in_(named)
            if None in panels:
                condition = condition | notes.c.panel.is_(None)
            query = query.where(condition)
        if kinds is not None:
            query = query.where(notes.c.kind.in_(list(kinds)))
        if open_only:
            query = query.where(notes.c.kind == FOLLOWUP, notes.c.status.in_((OPEN, IN_PROGRESS)))
        query = query.order_by(notes.c.year.desc(), notes.c.id.desc())
        query = query.limit(max(1, min(int(limit), LIST_MAX)))
        with self.engine.connect() as conn:
            return [_note(r) for r in conn.execute(query)]

    def open_followups(self, zones: list[str] | None = None, limit: int = 500) -> list[Note]:
        """Follow-ups still open or in progress, by due date (none last), then newest."""
        found = self.list(zones=zones, open_only=True, limit=limit)
        return sorted(found, key=lambda n: (n.due_date or DUE_MAX, -n.id))

    def history(self, actor: Identity, note_id: int) -> list[NoteVersion]:
        """Every version of a note, oldest first, for those who may see it (the note's
        zone's leaders, the health head, the administrator)."""
        note = self.get(note_id)
        if note is None:
            raise NoteError("not_found")
        if not may(actor, NOTE_HISTORY, note.zone_id):
            raise NoteError("forbidden")
        query = (
            select(note_history)
            .where(note_history.c.note_id == note.id)
            .order_by(note_history.c.version)
        )
        with self.engine.connect() as conn:
            return [
                NoteVersion(
                    r.version,
                    r.change,
                    r.text,
                    r.panel,
                    r.status,
                    r.due_date,
                    r.changed_by,
                    r.changed_by_name,
                    _utc(r.changed_at),
                )
                for r in conn.execute(query)
            ]

    def version(self) -> int:
        """Grows with every change to any note: what a page polls to see if it must redraw."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(note_history.c.id))).scalar() or 0
