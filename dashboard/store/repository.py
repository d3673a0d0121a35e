"""Everything that reads or changes the store. Import semantics follow the contract's §6.

- A file lands whole or not at all: one write transaction per file.
- The same content again (same SHA-256, still in effect) changes nothing and says so.
- A newer file replaces the stored rows whose replace key it covers; the rest stay.
- Undo removes the latest import and brings back exactly the rows it replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, func, select, text
from sqlalchemy.engine import Connection, Engine

from ..ingest.importer import ParsedFile, parse_file, sha256_of
from ..ingest.report import ImportReport
from ..ingest.zones import ZoneRegistry
from ..settings import SAMPLE_DIR, Settings
from .db import FACT_TABLES, batches, create_schema, get_engine, is_sqlite, zones_table

# Any constant will do: it only has to be the same for every process importing into one
# PostgreSQL database, so imports queue instead of interleaving.
_PG_IMPORT_LOCK = 7_271_949


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

    def import_path(self, path: Path | str, source: str = "cli") -> ImportReport:
        return self.apply(parse_file(path, self.registry, self.settings), source)

    def apply(self, parsed: ParsedFile, source: str = "cli") -> ImportReport:
        report = parsed.report
        now = datetime.now(UTC)
        report.imported_at = now.isoformat(timespec="seconds")
        if not report.sha256:
            return report  # the file could not even be read: nothing to record
        with self._write() as conn:
            if not report.errors:
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
                    return report
            report.outcome = "rejected" if report.errors else "imported"
            batch_id = conn.execute(
                batches.insert().values(
                    file_name=report.file,
                    sha256=report.sha256,
                    imported_at=now,
                    outcome=report.outcome,
                    source=source,
                    rows=sum(len(r) for r in parsed.tables.values()),
                    errors=len(report.errors),
                    warnings=len(report.warnings),
                    report="{}",
                )
            ).inserted_primary_key[0]
            report.batch_id = batch_id
            if report.outcome == "imported":
                for table_name, rows in parsed.tables.items():
                    report.replaced[table_name] = self._insert_rows(
                        conn, table_name, rows, batch_id
                    )
            conn.execute(
                batches.update()
                .where(batches.c.id == batch_id)
                .values(
                    report=json.dumps(
                        report.to_dict(messages=False), ensure_ascii=False, default=str
                    )
                )
            )
        return report

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

    def undo_latest(self) -> dict | None:
        """Take back the newest import still in effect; returns what was undone."""
        with self._write() as conn:
            row = conn.execute(
                select(batches.c.id, batches.c.file_name, batches.c.imported_at)
                .where(batches.c.outcome == "imported", batches.c.undone_at.is_(None))
                .order_by(batches.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            restored = removed = 0
            for table in FACT_TABLES.values():
                removed += conn.execute(table.delete().where(table.c.batch_id == row.id)).rowcount
                restored += conn.execute(
                    table.update().where(table.c.superseded_by == row.id).values(superseded_by=None)
                ).rowcount
            conn.execute(
                batches.update().where(batches.c.id == row.id).values(undone_at=datetime.now(UTC))
            )
        return {"batch_id": row.id, "file": row.file_name, "removed": removed, "restored": restored}

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
        table = FACT_TABLES[table_name]
        with self.engine.connect() as conn:
            result = conn.execute(select(table).where(table.c.superseded_by.is_(None)))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def current_tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.current(name) for name in FACT_TABLES}

    def zones(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(select(zones_table).order_by(zones_table.c.sort_order))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def batches(self, limit: int | None = None) -> pd.DataFrame:
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

    def batch_report(self, batch_id: int) -> ImportReport | None:
        with self.engine.connect() as conn:
            raw = conn.execute(select(batches.c.report).where(batches.c.id == batch_id)).scalar()
        return ImportReport.from_dict(json.loads(raw)) if raw else None

    def sources(self) -> pd.DataFrame:
        """Per table, the files whose rows are in effect: where each panel's numbers come from."""
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


def sample_files() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.xlsx"))


@lru_cache(maxsize=1)
def sample_hashes() -> frozenset[str]:
    """The bundled samples' content hashes: sample data stays labelled as such even when
    someone uploads the sample files through the browser."""
    return frozenset(sha256_of(p.read_bytes()) for p in sample_files())


@dataclass
class ImportSummary:
    reports: list[ImportReport]

    @property
    def exit_code(self) -> int:
        return 0 if all(r.ok for r in self.reports) else 1


def import_paths(store: Store, paths: Iterable[Path | str], source: str = "cli") -> ImportSummary:
    return ImportSummary([store.import_path(p, source) for p in paths])
