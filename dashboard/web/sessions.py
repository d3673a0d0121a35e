"""Logins the server can end: Flask-Login on top of the store's login_sessions table.

The signed session cookie holds a random token as Flask-Login's user id; the user is
loaded only while the token's row exists, has not expired (DASHBOARD_SESSION_HOURS) and
was made with the secret that is configured now. So logging out ends a copied cookie too,
and changing DASHBOARD_ADMIN_SECRET or DASHBOARD_VIEWER_SECRET ends every session that
was opened with the old one, in every worker, without anything to restart or clean up.

Issue 11's personal logins reuse this: the principal becomes the user's id, the credential
fingerprint is taken from the user's password hash or role, and `end_all(principal)` ends
a user's sessions at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask_login import UserMixin

from ..settings import Settings
from ..store.auth import LoginSession, LoginSessions
from ..store.db import get_engine

ADMIN, VIEWER = "admin", "viewer"


class User(UserMixin):
    """Who is logged in. `id` is the session token (what Flask-Login keeps in the cookie);
    a User made without one (tests inside one request) lives only for that request."""

    def __init__(self, role: str, token: str | None = None):
        self.role = role
        self.id = token or role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionManager:
    def __init__(self, settings: Settings, secret_key: str):
        self.settings = settings
        self.rows = LoginSessions(get_engine(settings.database_url))
        self._key = secret_key.encode()

    def credential(self, role: str) -> str:
        """A fingerprint of the secret a role logs in with: keyed, so the table does not
        give away a hash of the password to guess against."""
        secret = {ADMIN: self.settings.admin_secret, VIEWER: self.settings.viewer_secret}
        message = f"{role}\0{secret.get(role, '')}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def start(self, role: str, address: str | None) -> User:
        token = secrets.token_urlsafe(32)
        now = int(time.time())
        self.rows.remove_expired(now)
        self.rows.add(
            LoginSession(
                id=_digest(token),
                principal=role,
                role=role,
                credential=self.credential(role),
                address=(address or "")[:100] or None,
                created_at=now,
                expires_at=now + self.settings.session_lifetime_seconds,
            )
        )
        return User(role, token)

    def load(self, token: str) -> User | None:
        row = self.rows.get(_digest(token))
        if row is None:
            return None
        if row.expires_at <= time.time() or not hmac.compare_digest(
            row.credential, self.credential(row.role)
        ):
            self.rows.remove(row.id)
            return None
        return User(row.role, token)

    def end(self, token: str) -> None:
        self.rows.remove(_digest(token))

    def end_all(self, principal: str) -> int:
        return self.rows.remove_principal(principal)
