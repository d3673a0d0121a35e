"""The store's tables and engine.

SQLite is the embedded default; PostgreSQL works by changing the database URL. Each fact
table is built from the sheet specs, plus provenance (batch, sheet, Excel row) and the
bookkeeping that makes imports reversible: a row replaced by a newer file is not deleted but
marked `superseded_by` that batch, so undoing the batch brings it back exactly as it was.
"""

from __future__ import annotations

import os
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.engine import Connection, Engine

from ..ingest.spec import TABLES, table_fields


class Refused(Exception):
    """A change a store refuses: `code` names the reason, `params` fill its message, which
    each kind of refusal keeps in its own table (`messages`: code -> (bokmål, English))."""

    messages: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "nb") -> str:
        return self.messages[self.code][1 if lang == "en" else 0].format(**self.params)


metadata = MetaData()

_TYPES = {"int": Integer, "float": Float, "date": Date, "bool": Boolean, "text": Text}

zones_table = Table(
    "zones",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("council", String(200)),
    Column("aliases", Text),
    Column("active_from", Date),
    Column("sort_order", Integer),
)

batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    # imported | rejected | timeout | crashed (ingest/report.py OUTCOMES)
    Column("outcome", String(20), nullable=False),
    Column("source", String(20), nullable=False, default="cli"),  # cli | web | sample
    Column("rows", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("report", Text, nullable=False),
    Column("undone_at", DateTime(timezone=True)),
    # Made up by the process that started the import child; the child stamps its batch with
    # it, so the starter can look up what really happened (store/isolated.py).
    Column("ticket", String(64)),
)

# Every problem an import kept (ingest/report.py KEPT_PROBLEMS per level), by batch: the
# page shows the first ones and the error list is built from here, never from what a
# browser sends back.
problems = Table(
    "import_problems",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("level", String(10), nullable=False),
    Column("code", String(40), nullable=False),
    Column("sheet", String(200)),
    Column("row_number", Integer),
    Column("column_name", Text),
    Column("cell", String(20)),
    Column("value", Text),
    Column("expected_nb", Text),
    Column("expected_en", Text),
    Column("params", Text, nullable=False),
    Index("ix_import_problems_batch", "batch_id", "level", "seq"),
)


def _fact_table(name: str) -> Table:
    columns = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
        Column("sheet", String(200), nullable=False),
        Column("excel_row", Integer, nullable=False),
        Column("replace_key", String(500), nullable=False),
        Column("superseded_by", Integer, ForeignKey("import_batches.id")),
    ]
    for field_name, typ in table_fields(name).items():
        columns.append(Column(field_name, _TYPES[typ]))
    table = Table(name, metadata, *columns)
    Index(f"ix_{name}_current", table.c.superseded_by, table.c.replace_key)
    Index(f"ix_{name}_batch", table.c.batch_id)
    return table


FACT_TABLES: dict[str, Table] = {name: _fact_table(name) for name in TABLES}


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Hand transaction control to SQLAlchemy's "begin" hook below (pysqlite's own is broken
    # for this), then WAL so readers never wait for the importer, and a busy timeout so a
    # second writer waits its turn instead of failing.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Writers ask for IMMEDIATE so two imports queue on the lock instead of deadlocking on
    # a read-to-write upgrade; readers keep the default, which never blocks in WAL mode.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def get_engine(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = _new_engine(url)
    return engine


def _new_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # A small pool: every page asks the store's version, and a fresh connection (with its
        # PRAGMAs) per request costs as much as a whole simple callback.
        engine = create_engine(url, pool_size=5, max_overflow=10, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    return engine


def _forget_inherited_connections() -> None:
    # gunicorn --preload forks workers after the app (and its pool) exists; a connection
    # must never be shared across processes, so each child starts with an empty pool.
    for engine in _ENGINES.values():
        engine.dispose(close=False)


def dispose_engines() -> None:
    """Close every pooled connection (tests do this between databases)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


_ENGINES: dict[str, Engine] = {}
os.register_at_fork(after_in_child=_forget_inherited_connections)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_schema(bind: Engine | Connection) -> None:
    metadata.create_all(bind)
    # A store made before a column existed gets it added (create_all only adds tables).
    columns = {c["name"] for c in inspect(bind).get_columns(batches.name)}
    if "ticket" not in columns:
        statement = f"ALTER TABLE {batches.name} ADD COLUMN ticket VARCHAR(64)"
        if isinstance(bind, Connection):
            bind.exec_driver_sql(statement)
        else:
            with bind.begin() as conn:
                conn.exec_driver_sql(statement)
