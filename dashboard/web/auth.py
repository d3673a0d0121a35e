"""Who may do what on the web: the login gate, server-side sessions, CSRF, login limits.

Viewing is open unless DASHBOARD_REQUIRE_LOGIN is set; importing and undoing need the admin
secret (DASHBOARD_ADMIN_SECRET). Nothing here is home-made cryptography: the session is
Flask's signed cookie holding a random token that the store must still know
(sessions.py), the CSRF token is Flask-WTF's, secrets are compared in constant time, and
failed logins are counted by Flask-Limiter.
"""

from __future__ import annotations

import hmac
import logging
from hashlib import sha256
from html import escape
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, jsonify, redirect, request, session
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from limits import parse_many
from werkzeug.urls import iri_to_uri

from ..settings import Settings
from .private_files import read_or_create_key
from .sessions import ADMIN, VIEWER, SessionManager, User

__all__ = ["ADMIN", "VIEWER", "User", "check_csrf", "csrf", "csrf_token", "is_admin"]

log = logging.getLogger(__name__)
csrf = CSRFProtect()

LOGIN_STYLESHEET = "/assets/style.css"
# The only paths anyone may reach when login is required: the login form, the health check
# for the platform, and the one stylesheet the login form uses. Compared whole, after the
# server has decoded the path: `/healthzX`, `/healthz/`, `/healthz/../x` or `/HEALTHZ` are
# other paths and need a login like every page.
PUBLIC_PATHS = frozenset({"/logg-inn", "/healthz", LOGIN_STYLESHEET})
# Paths a script or Dash's renderer asks for (Dash's own all start with "/_"): answered
# 401, not redirected to a form.
_API_PREFIXES = ("/_", "/eksport", "/api/")


def is_admin() -> bool:
    return bool(getattr(current_user, "is_authenticated", False) and current_user.role == ADMIN)


def csrf_token() -> str:
    return generate_csrf()


def check_csrf(token: str | None) -> bool:
    """For Dash callbacks that change state: the token travels as a State value."""
    try:
        validate_csrf(token)
    except Exception:  # flask_wtf raises ValidationError subclasses for every failure
        return False
    return True


def stable_secret_key(settings: Settings) -> str:
    """The session key must be the same in every gunicorn worker and survive restarts."""
    if settings.secret_key:
        return settings.secret_key
    # Beside the cache (data/ by default), which every worker on the machine shares.
    return read_or_create_key(settings.cache_dir.parent / ".secret_key")


def _matches(given: str, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def _has_control_characters(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login form must not become an open redirect. Browsers read
    a backslash as a slash (`/\\evil.example` is `//evil.example`) and drop tabs and line
    breaks inside a URL, so any of those refuses the target."""
    if not target or len(target) > 2000 or "\\" in target or _has_control_characters(target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def login_url(target: str, lang: str | None = None) -> str:
    """The login form, coming back to `target` (a path with its whole query) afterwards."""
    query = {"neste": target}
    if lang == "en":
        query["lang"] = "en"
    return "/logg-inn?" + urlencode(query)


_TEXT = {
    "nb": {
        "title": "Logg inn",
        "intro_admin": "Import av data krever administratorpassordet.",
        "intro_view": "Dashbordet krever innlogging.",
        "secret": "Passord",
        "submit": "Logg inn",
        "wrong": "Feil passord. Prøv igjen.",
        "expired": "Skjemaet er utløpt. Skriv passordet og prøv igjen.",
        "limited": "For mange mislykkede forsøk. Vent litt og prøv igjen.",
        "back": "Tilbake til dashbordet",
    },
    "en": {
        "title": "Log in",
        "intro_admin": "Importing data needs the administrator password.",
        "intro_view": "The dashboard requires login.",
        "secret": "Password",
        "submit": "Log in",
        "wrong": "Wrong password. Try again.",
        "expired": "The form has expired. Enter the password and try again.",
        "limited": "Too many failed attempts. Wait a little and try again.",
        "back": "Back to the dashboard",
    },
}


def _login_page(lang: str, next_url: str, problem: str | None, require_login: bool) -> str:
    text = _TEXT[lang]
    intro = text["intro_view"] if require_login else text["intro_admin"]
    message = f'<p class="login-error" role="alert">{text[problem]}</p>' if problem else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text["title"]} – Samskaping i hjemmetjenesten</title>
<link rel="stylesheet" href="{LOGIN_STYLESHEET}"></head>
<body><main class="login" id="innhold"><p class="brand">Samskaping i hjemmetjenesten</p>
<h1>{text["title"]}</h1><p>{intro}</p>{message}
<form method="post" action="/logg-inn">
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<input type="hidden" name="neste" value="{escape(next_url)}">
<input type="hidden" name="lang" value="{lang}">
<label for="secret">{text["secret"]}</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" required>
<button type="submit">{text["submit"]}</button></form>
<p><a href="/?lang={lang}">{text["back"]}</a></p></main></body></html>"""


def _login_limiter(server: Flask, settings: Settings) -> Limiter:
    """Counts failed logins in Redis when DASHBOARD_REDIS_URL is set (shared by every worker
    and machine), otherwise in each worker's memory: then each of N gunicorn workers keeps
    its own count, and an address may try up to N times the limit before all refuse."""
    for limit in (settings.login_rate_per_address, settings.login_rate_total):
        try:
            parse_many(limit)
        except ValueError as exc:
            raise ValueError(f"Not a rate limit: {limit!r} (write e.g. '10/minute')") from exc
    # One Redis may hold the counts of several dashboards: each keeps to its own, by store.
    store_key = sha256(settings.database_url.encode()).hexdigest()[:12]
    return Limiter(
        get_remote_address,
        app=server,
        storage_uri=settings.cache_redis_url or "memory://",
        strategy="fixed-window",
        key_prefix=f"samskaping-login-{store_key}",
        headers_enabled=True,
        # A Redis outage must not lock everyone out: count in memory meanwhile.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _warn_address(limit: RequestLimit) -> None:
    log.warning(
        "Too many failed logins from %s (limit %s): refusing logins from there until the "
        "window has passed",
        get_remote_address(),
        limit.limit,
    )


def _warn_total(limit: RequestLimit) -> None:
    log.warning(
        "Too many failed logins in total (limit %s), the latest from %s: refusing every "
        "login until the window has passed",
        limit.limit,
        get_remote_address(),
    )


def init_auth(server: Flask, settings: Settings) -> None:
    secret_key = stable_secret_key(settings)
    server.config["SECRET_KEY"] = secret_key
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Dash's own POSTs carry JSON, not forms; the state-changing ones check the token
        # themselves (check_csrf), and every plain form route is protected below.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=settings.csrf_time_limit_seconds,
    )
    csrf.init_app(server)
    sessions = SessionManager(settings, secret_key)
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(sessions.load)
    limiter = _login_limiter(server, settings)

    @server.before_request
    def gate():
        # A line break in a path can only be an attack (on the Location header below).
        if _has_control_characters(request.path):
            abort(400)
        if request.method == "POST" and request.path in {"/logg-inn", "/logg-ut"}:
            csrf.protect()
        if not settings.require_login or request.path in PUBLIC_PATHS:
            return None
        if current_user.is_authenticated:
            return None
        if request.path.startswith(_API_PREFIXES):
            return jsonify(error="login required"), 401
        target = request.full_path.rstrip("?")
        return redirect(login_url(target, request.args.get("lang")))

    def language() -> str:
        return "en" if request.values.get("lang") == "en" else "nb"

    def page(problem: str | None, status: int) -> Response:
        next_url = _safe_next(request.values.get("neste"))
        html = _login_page(language(), next_url, problem, settings.require_login)
        return Response(html, status=status, mimetype="text/html")

    @server.errorhandler(CSRFError)
    def csrf_failed(error):
        if request.path == "/logg-inn":
            return page("expired", 400)
        return Response(f"CSRF: {escape(error.description)}", status=400, mimetype="text/plain")

    @server.errorhandler(RateLimitExceeded)
    def too_many(_error):
        return page("limited", 429)

    @server.route("/logg-inn", methods=["GET", "POST"])
    @limiter.limit(
        lambda: settings.login_rate_per_address,
        methods=["POST"],
        deduct_when=_failed,
        on_breach=_warn_address,
    )
    @limiter.limit(
        lambda: settings.login_rate_total,
        key_func=lambda: "every-address",
        methods=["POST"],
        deduct_when=_failed,
        on_breach=_warn_total,
    )
    def login():
        if request.method == "GET":
            return page(None, 200)
        given = request.form.get("secret", "")
        role = ADMIN if _matches(given, settings.admin_secret) else None
        if role is None and settings.require_login and _matches(given, settings.viewer_secret):
            role = VIEWER
        if role is None:
            log.info("Failed login from %s", get_remote_address())
            return page("wrong", 401)
        # A new session: nothing from before the login (a planted cookie, an old CSRF
        # token) carries over into it.
        session.clear()
        login_user(sessions.start(role, get_remote_address()))
        log.info("Login as %s from %s", role, get_remote_address())
        return redirect(iri_to_uri(_safe_next(request.form.get("neste"))))

    @server.post("/logg-ut")
    def logout():
        if current_user.is_authenticated:
            sessions.end(current_user.get_id())
        logout_user()
        session.clear()
        return redirect(iri_to_uri(_safe_next(request.form.get("neste"))))
