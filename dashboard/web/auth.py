"""Who may do what on the web: the login gate, server-side sessions, CSRF, login limits.

Viewing is open unless DASHBOARD_REQUIRE_LOGIN is set. People log in with a personal
account (user name and password, or OpenID Connect: identity.py) and get the rights of
their roles (rights.py); the shared admin secret (DASHBOARD_ADMIN_SECRET, importing and
undoing) and viewer secret keep working without a user name, as a bootstrap. Nothing here
is home-made cryptography: the session is Flask's signed cookie holding a random token
that the store must still know (sessions.py), the CSRF token is Flask-WTF's, secrets are
compared in constant time, passwords are Argon2id hashes (store/people.py), and failed
logins on every login path are counted together by Flask-Limiter.
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

from ..rights import AUDIT, IMPORT, Identity
from ..settings import Settings
from ..store import audit
from ..store.people import People
from .identity import (
    OIDC_PATHS,
    OidcLogin,
    allowed,
    client_address,
    current_identity,
    no_access_response,
    origin_of,
    record,
)
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
PUBLIC_PATHS = frozenset({"/logg-inn", "/healthz", LOGIN_STYLESHEET, *OIDC_PATHS})
# The audit log: administrators only, refused here before any page is built.
AUDIT_PATH = "/logg"
USERNAME_MAX = 200
# Paths a script or Dash's renderer asks for (Dash's own all start with "/_"): answered
# 401, not redirected to a form.
_API_PREFIXES = ("/_", "/eksport", "/api/")


def is_admin() -> bool:
    """May whoever sent this request import and undo (the administrator's rights)?"""
    return allowed(IMPORT)


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
        "intro_admin": "Logg inn for å skrive notater, importere data eller se loggen.",
        "intro_view": "Dashbordet krever innlogging.",
        "username": "Brukernavn",
        "username_hint": "La feltet stå tomt når du bruker et felles passord.",
        "secret": "Passord",
        "submit": "Logg inn",
        "oidc": "Logg inn med {provider}",
        "or": "Eller med brukernavn og passord:",
        "wrong": "Feil brukernavn eller passord. Prøv igjen.",
        "expired": "Skjemaet er utløpt. Skriv passordet og prøv igjen.",
        "limited": "For mange mislykkede forsøk. Vent litt og prøv igjen.",
        "back": "Tilbake til dashbordet",
    },
    "en": {
        "title": "Log in",
        "intro_admin": "Log in to write notes, import data or see the log.",
        "intro_view": "The dashboard requires login.",
        "username": "User name",
        "username_hint": "Leave it empty when you use a shared password.",
        "secret": "Password",
        "submit": "Log in",
        "oidc": "Log in with {provider}",
        "or": "Or with user name and password:",
        "wrong": "Wrong user name or password. Try again.",
        "expired": "The form has expired. Enter the password and try again.",
        "limited": "Too many failed attempts. Wait a little and try again.",
        "back": "Back to the dashboard",
    },
}


def _login_page(
    lang: str,
    next_url: str,
    problem: str | None,
    require_login: bool,
    provider: str | None = None,
    username: str = "",
) -> str:
    text = _TEXT[lang]
    intro = text["intro_view"] if require_login else text["intro_admin"]
    message = f'<p class="login-error" role="alert">{text[problem]}</p>' if problem else ""
    oidc = ""
    if provider:
        query = urlencode({"neste": next_url, "lang": lang})
        label = escape(text["oidc"].format(provider=provider))
        oidc = (
            f'<p><a class="button login-provider" href="/logg-inn/oidc?{escape(query)}">'
            f"{label}</a></p><p>{text['or']}</p>"
        )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text["title"]} – Samskaping i hjemmetjenesten</title>
<link rel="stylesheet" href="{LOGIN_STYLESHEET}"></head>
<body><main class="login" id="innhold"><p class="brand">Samskaping i hjemmetjenesten</p>
<h1>{text["title"]}</h1><p>{intro}</p>{message}{oidc}
<form method="post" action="/logg-inn">
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<input type="hidden" name="neste" value="{escape(next_url)}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{text["username"]}</label>
<input id="username" name="brukernavn" type="text" autocomplete="username"
 autocapitalize="none" spellcheck="false" maxlength="{USERNAME_MAX}"
 aria-describedby="username-hint" value="{escape(username)}">
<p class="hint" id="username-hint">{text["username_hint"]}</p>
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
    people = People(sessions.rows.engine, None, settings.password_min_length)

    def limited(methods: list[str]):
        """Every login path (the form, OpenID Connect) counts failures in the same two
        windows: per client address and in total."""

        def wrap(view):
            view = limiter.shared_limit(
                lambda: settings.login_rate_per_address,
                scope="login-per-address",
                methods=methods,
                deduct_when=_failed,
                on_breach=_warn_address,
            )(view)
            return limiter.shared_limit(
                lambda: settings.login_rate_total,
                scope="login-total",
                key_func=lambda: "every-address",
                methods=methods,
                deduct_when=_failed,
                on_breach=_warn_total,
            )(view)

        return wrap

    oidc = (
        OidcLogin(server, settings, sessions, limited, _safe_next) if settings.oidc_issuer else None
    )

    @server.before_request
    def gate():
        # A line break in a path can only be an attack (on the Location header below).
        if _has_control_characters(request.path):
            abort(400)
        if request.method == "POST" and request.path in {"/logg-inn", "/logg-ut"}:
            csrf.protect()
        if request.path == AUDIT_PATH or request.path.startswith(AUDIT_PATH + "/"):
            if not current_user.is_authenticated:
                return redirect(login_url(request.full_path.rstrip("?"), request.args.get("lang")))
            if not allowed(AUDIT):
                return no_access_response()
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

    def page(problem: str | None, status: int, username: str = "") -> Response:
        next_url = _safe_next(request.values.get("neste"))
        provider = oidc.label if oidc else None
        html = _login_page(
            language(), next_url, problem, settings.require_login, provider, username
        )
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
    @limited(["POST"])
    def login():
        if request.method == "GET":
            return page(None, 200)
        given = request.form.get("secret", "")
        username = request.form.get("brukernavn", "").strip()[:USERNAME_MAX]
        address = client_address()
        if username:
            person = people.authenticate(username, given)
            user = sessions.start_person(person, address) if person else None
        else:
            role = ADMIN if _matches(given, settings.admin_secret) else None
            if role is None and settings.require_login and _matches(given, settings.viewer_secret):
                role = VIEWER
            user = sessions.start(role, address) if role else None
        if user is None:
            log.info("Failed login from %s", address)
            record(
                audit.LOGIN_FAILED,
                Identity("anonymous", ""),
                target=username or None,
                detail={"method": "password" if username else "shared_secret"},
            )
            return page("wrong", 401, username)
        # A new session: nothing from before the login (a planted cookie, an old CSRF
        # token) carries over into it. (The session row exists already; it is only the
        # cookie that is new.)
        session.clear()
        login_user(user)
        session["login_lang"] = language()
        log.info("Login as %s from %s", user.identity.principal, address)
        record(
            audit.LOGIN,
            user.identity,
            target=username or None,
            detail={"method": "password" if username else "shared_secret"},
        )
        return redirect(iri_to_uri(_safe_next(request.form.get("neste"))))

    @server.post("/logg-ut")
    def logout():
        identity = current_identity()
        via_oidc = session.get("login_method") == "oidc"
        id_token = session.get("oidc_id_token")
        lang = "en" if request.form.get("lang") == "en" else session.get("login_lang", "nb")
        if current_user.is_authenticated:
            sessions.end(current_user.get_id())
            record(audit.LOGOUT, identity)
        logout_user()
        session.clear()
        target = _safe_next(request.form.get("neste"))
        if oidc is not None and via_oidc:
            # The provider's session too, where it offers an end-session endpoint: straight
            # there when the page's form may go to its site (CSP form-action), else a link.
            url = oidc.logout_url(id_token)
            if url and origin_of(url) == origin_of(oidc.issuer):
                return redirect(url)
            if url:
                return oidc.logged_out_page(url, "en" if lang == "en" else "nb")
        return redirect(iri_to_uri(target))
