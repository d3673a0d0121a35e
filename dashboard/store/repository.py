"""Everything that reads or changes the store. Import semantics follow the contract's §6.

- A file lands whole or not at all: one write transaction per file.
- The same content again (same SHA-256, still in effect) changes nothing and says so.
- A newer file replaces the stored rows whose replace key it covers; the rest stay.
- Undo takes back one import, named by its batch id, and only while it is the latest import
  in effect; it brings back exactly the rows that import replaced.
- Every problem an import kept is stored by batch id (`batch_report`, `batch_problems`).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, and_, func, select, text
from sqlalchemy.engine import Connection, Engine

from ..ingest.importer import ParsedFile, parse_file, sha256_of
from ..ingest.messages import render
from ..ingest.report import ERROR, LEVELS, SKIPPED, WARNING, ImportReport, Problem
from ..ingest.zones import ZoneRegistry
from ..rights import SYSTEM, Identity
from ..settings import SAMPLE_DIR, Settings
from . import audit, notes, people  # noqa: F401 - their tables are part of the schema
from .db import FACT_TABLES, batches, create_schema, get_engine, is_sqlite, problems, zones_table

if TYPE_CHECKING:
    import pandas as pd

# Any constant will do: it only has to be the same for every process importing into one
# PostgreSQL database, so imports queue instead of interleaving.
_PG_IMPORT_LOCK = 7_271_949
_LEVEL_KEYS = {ERROR: "errors", WARNING: "warnings", SKIPPED: "skipped"}


class UndoRefused(Exception):
    """An undo that is not done. `code`: not_found, not_imported, not_in_effect (already
    undone), not_latest (someone imported since) or nothing (no import in effect)."""

    def __init__(
        self,
        code: str,
        batch_id: int | None = None,
        file: str | None = None,
        latest_id: int | None = None,
        latest_file: str | None = None,
    ):
        super().__init__(code)
        self.code = code
        self.batch_id = batch_id
        self.file = file
        self.latest_id = latest_id
        self.latest_file = latest_file

    def message(self, lang: str = "nb") -> str:
        return render(
            f"undo_{self.code}",
            lang,
            {
                "batch": str(self.batch_id),
                "file": self.file or "",
                "latest": str(self.latest_id),
                "latest_file": self.latest_file or "",
            },
        )


class Store:
    def __init__(self, settings: Settings, registry: ZoneRegistry | None = None):
        self.settings = settings
        self.engine: Engine = get_engine(settings.database_url)
        self.registry = registry or ZoneRegistry.from_csv(settings.zones_file)

    # ------------------------------------------------------------ set-up

    def ensure_ready(self, load_sample: bool | None = None) -> list[ImportReport]:
        """Create tables, refresh the zone reference table, and load the sample if empty."""
        with self._write() as conn:  # workers starting together queue instead of failing
            create_schema(conn)
            conn.execute(zones_table.delete())
            conn.execute(
                zones_table.insert(),
                [
                    {
                        "id": z.id,
                        "name": z.name,
                        "council": z.council,
                        "aliases": ";".join(z.aliases),
                        "active_from": z.active_from,
                        "sort_order": i,
                    }
                    for i, z in enumerate(self.registry.zones)
                ],
            )
        load = self.settings.load_sample_when_empty if load_sample is None else load_sample
        if load and self.is_empty():
            return [self.import_path(p, source="sample") for p in sample_files()]
        return []

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).select_from(batches).where(batches.c.outcome == "imported")
            ).scalar_one()
        return count == 0

    # ------------------------------------------------------------ importing

    def import_path(
        self,
        path: Path | str,
        source: str = "cli",
        actor: Identity = SYSTEM,
        address: str | None = None,
    ) -> ImportReport:
        """Import in this process. The web and the command line run imports in a child with
        limits (store/isolated.py); this is for trusted files (the sample) and tests."""
        parsed = parse_file(path, self.registry, self.settings)
        return self.apply(parsed, source, actor=actor, address=address)

    def apply(
        self,
        parsed: ParsedFile,
        source: str = "cli",
        ticket: str | None = None,
        actor: Identity = SYSTEM,
        address: str | None = None,
    ) -> ImportReport:
        """Store one parsed file (or its rejection), with its row in the audit trail in the
        same transaction; `actor` and `address` say who imported it from where."""
        report = parsed.report
        now = datetime.now(UTC)
        report.imported_at = now.isoformat(timespec="seconds")
        if not report.sha256:
            # The file could not even be read: no batch, but the attempt is on record.
            self.record_refused(report, source, actor, address)
            return report
        with self._write() as conn:
            if not report.error_count:
                previous = conn.execute(
                    select(batches.c.id).where(
                        batches.c.sha256 == report.sha256,
                        batches.c.outcome == "imported",
                        batches.c.undone_at.is_(None),
                    )
                ).scalar()
                if previous is not None:
                    report.outcome = "unchanged"
                    report.previous_batch_id = previous
                    audit.record(
                        conn, actor, audit.IMPORT, **_import_audit(report, source, address)
                    )
                    return report
            report.outcome = "rejected" if report.error_count else "imported"
            batch_id = self._insert_batch(
                conn, report, source, ticket, now, sum(len(r) for r in parsed.tables.values())
            )
            if report.outcome == "imported":
                for table_name, rows in parsed.tables.items():
                    report.replaced[table_name] = self._insert_rows(
                        conn, table_name, rows, batch_id
                    )
            self._finish_batch(conn, report)
            audit.record(conn, actor, audit.IMPORT, **_import_audit(report, source, address))
        return report

    def settle(
        self,
        ticket: str,
        file: str,
        sha256: str,
        outcome: str,
        code: str,
        source: str,
        actor: Identity = SYSTEM,
        address: str | None = None,
        **params,
    ) -> int:
        """After an import child ended badly: the batch it stored, if it did, else a batch
        recording the failure. Under the import lock, so a commit the child had sent before it
        was stopped has landed (or not) before we look. Returns the batch id."""
        with self._write() as conn:
            stored = conn.execute(select(batches.c.id).where(batches.c.ticket == ticket)).scalar()
            if stored is not None:
                return stored
            report = ImportReport.refused(file, code, sha256, outcome=outcome, **params)
            now = datetime.now(UTC)
            report.imported_at = now.isoformat(timespec="seconds")
            self._insert_batch(conn, report, source, ticket, now, 0)
            self._finish_batch(conn, report)
            audit.record(conn, actor, audit.IMPORT, **_import_audit(report, source, address))
            return report.batch_id

    def record_refused(
        self, report: ImportReport, source: str, actor: Identity, address: str | None
    ) -> None:
        """An import refused before it reached the store (too large, unreadable upload, out
        of time): no batch, but the attempt is in the audit trail."""
        audit.AuditLog(self.engine).record(
            actor, audit.IMPORT, **_import_audit(report, source, address)
        )

    def batch_for_ticket(self, ticket: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(batches.c.id).where(batches.c.ticket == ticket)).scalar()

    def _insert_batch(self, conn, report: ImportReport, source, ticket, now, rows: int) -> int:
        batch_id = conn.execute(
            batches.insert().values(
                file_name=report.file,
                sha256=report.sha256,
                imported_at=now,
                outcome=report.outcome,
                source=source,
                rows=rows,
                errors=report.counts.get(ERROR, 0),
                warnings=report.counts.get(WARNING, 0),
                report="{}",
                ticket=ticket,
            )
        ).inserted_primary_key[0]
        report.batch_id = batch_id
        return batch_id

    def _finish_batch(self, conn: Connection, report: ImportReport) -> None:
        """Store the kept problems as rows and the rest of the report as a small summary."""
        if report.problems:
            seq = dict.fromkeys(LEVELS, 0)
            rows = []
            for p in report.problems:
                seq[p.level] = seq.get(p.level, 0) + 1
                rows.append(
                    {
                        "batch_id": report.batch_id,
                        "seq": seq[p.level],
                        "level": p.level,
                        "code": p.code,
                        "sheet": p.sheet,
                        "row_number": p.row,
                        "column_name": p.column,
                        "cell": p.cell,
                        "value": p.value,
                        "expected_nb": p.expected_nb,
                        "expected_en": p.expected_en,
                        "params": json.dumps(p.params, ensure_ascii=False, default=str),
                    }
                )
            conn.execute(problems.insert(), rows)
        conn.execute(
            batches.update()
            .where(batches.c.id == report.batch_id)
            .values(report=json.dumps(report.summary(), ensure_ascii=False, default=str))
        )

    def _insert_rows(
        self, conn: Connection, table_name: str, rows: list[dict], batch_id: int
    ) -> int:
        table = FACT_TABLES[table_name]
        names = [c.name for c in table.columns if c.name not in {"id", "superseded_by", "batch_id"}]
        had_rows = conn.execute(
            select(table.c.id).where(table.c.superseded_by.is_(None)).limit(1)
        ).first()
        if rows:
            # A plain DB-API executemany: SQLAlchemy's per-row parameter handling costs more
            # than the whole parse on a 100 000-row file.
            # Rows go in as the importer's own dicts, bound by name (the batch id is our own
            # integer); rows missing a field fall back to tuples.
            named = conn.dialect.paramstyle in {"named", "pyformat"} or is_sqlite(self.engine)
            mark = "%({})s" if conn.dialect.paramstyle == "pyformat" else ":{}"
            columns = ", ".join([*names, "batch_id"])
            if named and all(n in rows[0] for n in names):
                values = ", ".join([*(mark.format(n) for n in names), str(int(batch_id))])
                params = rows
            else:
                values = ", ".join(
                    ["%s" if conn.dialect.paramstyle != "qmark" else "?"] * (len(names) + 1)
                )
                params = [(*map(row.get, names), batch_id) for row in rows]
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({values})", params)
        if had_rows is None:
            return 0  # nothing stored yet, so nothing to supersede
        # Rows the new file covers become history of this batch, so undo can restore them.
        newer = select(table.c.replace_key).where(table.c.batch_id == batch_id)
        result = conn.execute(
            table.update()
            .where(
                table.c.superseded_by.is_(None),
                table.c.batch_id != batch_id,
                table.c.replace_key.in_(newer),
            )
            .values(superseded_by=batch_id)
        )
        return result.rowcount or 0

    def undo(self, batch_id: int, actor: Identity = SYSTEM, address: str | None = None) -> dict:
        """Take back import `batch_id`, only while it is the latest import in effect (so an
        admin never undoes an import they have not seen). Raises UndoRefused otherwise."""
        with self._write() as conn:
            row = conn.execute(
                select(
                    batches.c.id, batches.c.file_name, batches.c.outcome, batches.c.undone_at
                ).where(batches.c.id == int(batch_id))
            ).first()
            if row is None:
                raise UndoRefused("not_found", batch_id)
            if row.outcome != "imported":
                raise UndoRefused("not_imported", row.id, row.file_name)
            if row.undone_at is not None:
                raise UndoRefused("not_in_effect", row.id, row.file_name)
            latest = self._latest_in_effect(conn)
            if latest.id != row.id:
                raise UndoRefused("not_latest", row.id, row.file_name, latest.id, latest.file_name)
            return self._undo(conn, row, actor, address)

    def undo_latest(self, actor: Identity = SYSTEM, address: str | None = None) -> dict | None:
        """Take back the newest import still in effect; returns what was undone."""
        with self._write() as conn:
            row = self._latest_in_effect(conn)
            return None if row is None else self._undo(conn, row, actor, address)

    def latest_in_effect(self) -> tuple[int, str] | None:
        """(batch id, file name) of the import an undo would take back now."""
        with self.engine.connect() as conn:
            row = self._latest_in_effect(conn)
        return None if row is None else (row.id, row.file_name)

    @staticmethod
    def _latest_in_effect(conn: Connection):
        return conn.execute(
            select(batches.c.id, batches.c.file_name)
            .where(batches.c.outcome == "imported", batches.c.undone_at.is_(None))
            .order_by(batches.c.id.desc())
            .limit(1)
        ).first()

    @staticmethod
    def _undo(conn: Connection, row, actor: Identity, address: str | None) -> dict:
        restored = removed = 0
        for table in FACT_TABLES.values():
            removed += conn.execute(table.delete().where(table.c.batch_id == row.id)).rowcount
            restored += conn.execute(
                table.update().where(table.c.superseded_by == row.id).values(superseded_by=None)
            ).rowcount
        conn.execute(
            batches.update().where(batches.c.id == row.id).values(undone_at=datetime.now(UTC))
        )
        undone = {
            "batch_id": row.id,
            "file": row.file_name,
            "removed": removed,
            "restored": restored,
        }
        audit.record(conn, actor, audit.UNDO, address=address, target=row.file_name, detail=undone)
        return undone

    # ------------------------------------------------------------ reading

    def version(self) -> str:
        """Changes whenever the data in effect changes: the cache key for the loader."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(func.max(batches.c.id), func.count(batches.c.undone_at)).where(
                    batches.c.outcome == "imported"
                )
            ).one()
        return f"{row[0] or 0}:{row[1]}"

    def current(self, table_name: str) -> pd.DataFrame:
        """The rows in effect of one fact table, every column.

        Read through the driver's own cursor and handed to pandas column by column:
        SQLAlchemy's row objects (and its Python date parsing on SQLite), turned into a
        frame row by row, cost five to ten times the read itself on the 30x store's
        208 800 council rows. The values are the ones SQLAlchemy would give (dates as
        `date`, booleans as `bool`), so the frame is the same."""
        import pandas as pd  # not at module level: the import child never needs it

        table = FACT_TABLES[table_name]
        query = select(table).where(table.c.superseded_by.is_(None))
        with self.engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(str(query.compile(dialect=conn.dialect)))
                rows = cursor.fetchall()
            finally:
                cursor.close()
        names = [c.name for c in table.columns]
        if not rows:
            return pd.DataFrame([], columns=names)
        values = zip(table.columns, zip(*rows, strict=True), strict=True)
        return pd.DataFrame({c.name: _from_driver(c, v) for c, v in values}, columns=names)

    def current_tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.current(name) for name in FACT_TABLES}

    def zones(self) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            result = conn.execute(select(zones_table).order_by(zones_table.c.sort_order))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def batches(self, limit: int | None = None) -> pd.DataFrame:
        import pandas as pd

        query = select(
            batches.c.id,
            batches.c.file_name,
            batches.c.sha256,
            batches.c.imported_at,
            batches.c.outcome,
            batches.c.source,
            batches.c.rows,
            batches.c.errors,
            batches.c.warnings,
            batches.c.undone_at,
        ).order_by(batches.c.id.desc())
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def batch_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(batches)).scalar_one()

    def batch_report(self, batch_id: int, limit: int | None = None) -> ImportReport | None:
        """The report of one batch as stored, with the first `limit` problems of each level
        (all kept ones when None) and every count."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    batches.c.id,
                    batches.c.file_name,
                    batches.c.sha256,
                    batches.c.outcome,
                    batches.c.imported_at,
                    batches.c.errors,
                    batches.c.warnings,
                    batches.c.report,
                ).where(batches.c.id == int(batch_id))
            ).first()
            if row is None:
                return None
            data = json.loads(row.report) if row.report and row.report != "{}" else {}
            data.setdefault("file", row.file_name)
            data.setdefault("sha256", row.sha256)
            data.setdefault("counts", {ERROR: row.errors, WARNING: row.warnings})
            if not any(data.get(key) for key in _LEVEL_KEYS.values()):
                for level, key in _LEVEL_KEYS.items():
                    data[key] = self._problem_rows(conn, row.id, row.file_name, level, limit)
            elif limit is not None:  # a batch stored before problems had their own table
                for key in _LEVEL_KEYS.values():
                    data[key] = data.get(key, [])[:limit]
        report = ImportReport.from_dict(data)
        report.batch_id, report.outcome = row.id, row.outcome
        return report

    def batch_problems(
        self, batch_id: int, level: str = ERROR, limit: int | None = None
    ) -> list[Problem]:
        """The kept problems of one level of one batch, in the order they were found."""
        report = self.batch_report(batch_id, limit)
        if report is None:
            return []
        return [p for p in report.problems if p.level == level]

    @staticmethod
    def _problem_rows(conn, batch_id: int, file: str, level: str, limit: int | None) -> list:
        query = (
            select(problems)
            .where(problems.c.batch_id == batch_id, problems.c.level == level)
            .order_by(problems.c.seq)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            {
                "level": r.level,
                "code": r.code,
                "file": file,
                "sheet": r.sheet,
                "row": r.row_number,
                "column": r.column_name,
                "cell": r.cell,
                "value": r.value,
                "expected_nb": r.expected_nb,
                "expected_en": r.expected_en,
                "params": json.loads(r.params),
            }
            for r in conn.execute(query)
        ]

    def sources(self) -> pd.DataFrame:
        """Per table, the files whose rows are in effect: where each panel's numbers come from."""
        import pandas as pd

        frames = []
        with self.engine.connect() as conn:
            for name, table in FACT_TABLES.items():
                query = (
                    select(
                        table.c.batch_id,
                        func.count().label("rows"),
                        batches.c.file_name,
                        batches.c.imported_at,
                        batches.c.source,
                        batches.c.sha256,
                    )
                    .join(batches, and_(batches.c.id == table.c.batch_id))
                    .where(table.c.superseded_by.is_(None))
                    .group_by(
                        table.c.batch_id,
                        batches.c.file_name,
                        batches.c.imported_at,
                        batches.c.source,
                        batches.c.sha256,
                    )
                )
                result = conn.execute(query)
                frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
                frame.insert(0, "table", name)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    # ------------------------------------------------------------ plumbing

    def _write(self):
        return _WriteTransaction(self.engine)


class _WriteTransaction:
    """A write transaction that holds the import lock for its whole length."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def __enter__(self) -> Connection:
        conn = self.engine.connect()
        if is_sqlite(self.engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        self._conn = conn
        self._tx = conn.begin()
        if not is_sqlite(self.engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_IMPORT_LOCK})
        return conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._tx.commit()
            else:
                self._tx.rollback()
        finally:
            self._conn.close()


def _import_audit(report: ImportReport, source: str, address: str | None) -> dict:
    """The audit row's fields for one file's import, whatever its outcome."""
    return {
        "address": address,
        "target": report.file,
        "detail": {
            "batch": report.batch_id or report.previous_batch_id,
            "outcome": report.outcome,
            "source": source,
            "sha256": (report.sha256 or "")[:16],
            "errors": report.error_count,
        },
    }


def _from_driver(column, values: tuple) -> list:
    """A column's values as SQLAlchemy would type them (SQLite keeps dates as text and
    booleans as 0/1; PostgreSQL's driver gives `date` and `bool` already)."""
    if isinstance(column.type, Date):
        return [v if v is None or isinstance(v, date) else date.fromisoformat(v) for v in values]
    if isinstance(column.type, Boolean):
        return [v if v is None else bool(v) for v in values]
    return list(values)


def sample_files() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.xlsx"))


@lru_cache(maxsize=1)
def sample_hashes() -> frozenset[str]:
    """The bundled samples' content hashes: sample data stays labelled as such even when
    someone uploads the sample files through the browser."""
    return frozenset(sha256_of(p.read_bytes()) for p in sample_files())
