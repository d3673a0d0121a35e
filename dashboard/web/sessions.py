"""Logins the server can end: Flask-Login on top of the store's login_sessions table.

The signed session cookie holds a random token as Flask-Login's user id; the user is
loaded only while the token's row exists, has not expired (DASHBOARD_SESSION_HOURS) and
was made with the secret that is configured now. So logging out ends a copied cookie too,
and changing DASHBOARD_ADMIN_SECRET or DASHBOARD_VIEWER_SECRET ends every session that
was opened with the old one, in every worker, without anything to restart or clean up.

Personal logins (issue 11) use the same table: the principal is `user:<id>`, and the
fingerprint is taken from the account's password hash, roles, zones and state, so a new
password, a role or zone change or disabling the account ends every session opened before
it, even one whose row was somehow left behind; `end_all(principal)` ends them at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask_login import UserMixin

from .. import rights
from ..rights import Identity
from ..settings import Settings
from ..store.auth import LoginSession, LoginSessions
from ..store.db import get_engine
from ..store.people import People, Person

ADMIN, VIEWER = rights.ADMIN, rights.VIEWER
PERSON = "user"  # login_sessions.role of a personal login; its rights are the account's
_SHARED = {
    ADMIN: Identity("admin", "Administrator (felles passord)", frozenset({rights.ADMIN})),
    VIEWER: Identity("viewer", "Leser (felles passord)", frozenset({rights.VIEWER})),
}


class User(UserMixin):
    """Who is logged in. `id` is the session token (what Flask-Login keeps in the cookie);
    a User made without one (tests inside one request) lives only for that request.
    `identity` is what the rights matrix is asked about."""

    def __init__(self, role: str, token: str | None = None, identity: Identity | None = None):
        self.role = role
        self.id = token or role
        self.identity = identity or _SHARED.get(role, rights.ANONYMOUS)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionManager:
    def __init__(self, settings: Settings, secret_key: str):
        self.settings = settings
        self.rows = LoginSessions(get_engine(settings.database_url))
        self.people = People(get_engine(settings.database_url), None)
        self._key = secret_key.encode()

    def credential(self, role: str) -> str:
        """A fingerprint of the secret a role logs in with: keyed, so the table does not
        give away a hash of the password to guess against."""
        secret = {ADMIN: self.settings.admin_secret, VIEWER: self.settings.viewer_secret}
        message = f"{role}\0{secret.get(role, '')}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def person_credential(self, person: Person) -> str:
        message = f"{PERSON}\0{person.fingerprint()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def start(self, role: str, address: str | None) -> User:
        token = self._add(role, role, self.credential(role), address)
        return User(role, token)

    def start_person(self, person: Person, address: str | None) -> User:
        """A personal login (local account or OpenID Connect) for `person` as stored now."""
        token = self._add(person.principal, PERSON, self.person_credential(person), address)
        self.people.touch_login(person)
        return User(PERSON, token, person.identity)

    def _add(self, principal: str, role: str, credential: str, address: str | None) -> str:
        token = secrets.token_urlsafe(32)
        now = int(time.time())
        self.rows.remove_expired(now)
        self.rows.add(
            LoginSession(
                id=_digest(token),
                principal=principal,
                role=role,
                credential=credential,
                address=(address or "")[:100] or None,
                created_at=now,
                expires_at=now + self.settings.session_lifetime_seconds,
            )
        )
        return token

    def load(self, token: str) -> User | None:
        row = self.rows.get(_digest(token))
        if row is None:
            return None
        person = None
        if row.role == PERSON:
            person = self.people.by_principal(row.principal)
            expected = self.person_credential(person) if person and person.active else ""
        else:
            expected = self.credential(row.role)
        if (
            row.expires_at <= time.time()
            or not expected
            or not hmac.compare_digest(row.credential, expected)
        ):
            self.rows.remove(row.id)
            return None
        if person is not None:
            return User(PERSON, token, person.identity)
        return User(row.role, token)

    def end(self, token: str) -> None:
        self.rows.remove(_digest(token))

    def end_all(self, principal: str) -> int:
        return self.rows.remove_principal(principal)
