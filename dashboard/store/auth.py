"""Server-side login sessions: a login is valid only while its row is here.

The browser's signed cookie carries a random token; this table holds the token's SHA-256
(a copy of the table gives no usable cookie), who logged in, a fingerprint of the secret
used, and when the login ends. Logging out deletes the row, so a copied cookie stops
working at once, in every worker and on every machine that shares the store. Ending all of
one principal's sessions (a changed password or role, issue 11) is one DELETE.

Times are whole seconds since the epoch: compared the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Index, Integer, String, Table, delete, insert, select
from sqlalchemy.engine import Engine

from .db import metadata

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 (hex) of the cookie's token
    Column("principal", String(200), nullable=False),  # "admin"/"viewer"; a user id later
    Column("role", String(50), nullable=False),
    Column("credential", String(64), nullable=False),  # fingerprint of the secret used
    Column("address", String(100)),
    Column("created_at", Integer, nullable=False),
    Column("expires_at", Integer, nullable=False),
)
Index("ix_login_sessions_principal", login_sessions.c.principal)
Index("ix_login_sessions_expires", login_sessions.c.expires_at)


@dataclass(frozen=True)
class LoginSession:
    id: str
    principal: str
    role: str
    credential: str
    address: str | None
    created_at: int
    expires_at: int


class LoginSessions:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, row: LoginSession) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(login_sessions).values(**row.__dict__))

    def get(self, session_id: str) -> LoginSession | None:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(login_sessions).where(login_sessions.c.id == session_id)
            ).first()
        return LoginSession(**found._mapping) if found else None

    def remove(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_sessions).where(login_sessions.c.id == session_id))

    def remove_principal(self, principal: str) -> int:
        """End every session of one principal (for a changed password or role)."""
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(login_sessions).where(login_sessions.c.principal == principal)
            )
        return result.rowcount

    def remove_expired(self, now: int) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(delete(login_sessions).where(login_sessions.c.expires_at <= now))
        return result.rowcount
