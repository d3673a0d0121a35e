"""Who may do what on the web: Flask-Login sessions and Flask-WTF's CSRF tokens.

Viewing is open unless DASHBOARD_REQUIRE_LOGIN is set; importing and undoing need the admin
secret (DASHBOARD_ADMIN_SECRET). Nothing here is home-made cryptography: the session is
Flask's signed cookie, the CSRF token is Flask-WTF's, secrets are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, redirect, request
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf

from ..settings import Settings

ADMIN, VIEWER = "admin", "viewer"
csrf = CSRFProtect()

# Paths anyone may reach even when login is required: the login form itself, the health
# check for the platform, and static files the login page needs.
_PUBLIC_PREFIXES = ("/logg-inn", "/healthz", "/assets/")


class User(UserMixin):
    def __init__(self, role: str):
        self.id = role
        self.role = role


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
    path = Path(settings.cache_dir).parent / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        with path.open("x") as fh:  # "x": if another worker won the race, read its key
            fh.write(key)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text().strip()
    return key


def _matches(given: str, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login form must not become an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


_TEXT = {
    "nb": {
        "title": "Logg inn",
        "intro_admin": "Import av data krever administratorpassordet.",
        "intro_view": "Dashbordet krever innlogging.",
        "secret": "Passord",
        "submit": "Logg inn",
        "wrong": "Feil passord. Prøv igjen.",
        "back": "Tilbake til dashbordet",
    },
    "en": {
        "title": "Log in",
        "intro_admin": "Importing data needs the administrator password.",
        "intro_view": "The dashboard requires login.",
        "secret": "Password",
        "submit": "Log in",
        "wrong": "Wrong password. Try again.",
        "back": "Back to the dashboard",
    },
}


def _login_page(lang: str, next_url: str, error: bool, require_login: bool) -> str:
    text = _TEXT[lang]
    intro = text["intro_view"] if require_login else text["intro_admin"]
    message = f'<p class="login-error" role="alert">{text["wrong"]}</p>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text["title"]} – Samskaping i hjemmetjenesten</title>
<link rel="stylesheet" href="/assets/style.css"></head>
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


def init_auth(server: Flask, settings: Settings) -> None:
    server.config["SECRET_KEY"] = stable_secret_key(settings)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Dash's own POSTs carry JSON, not forms; the state-changing ones check the token
        # themselves (check_csrf), and every plain form route is protected below.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(server)
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(user_id: str):
        return User(user_id) if user_id in {ADMIN, VIEWER} else None

    @server.before_request
    def gate():
        if request.method == "POST" and request.path in {"/logg-inn", "/logg-ut"}:
            csrf.protect()
        if not settings.require_login or current_user.is_authenticated:
            return None
        if request.path.startswith(_PUBLIC_PREFIXES):
            return None
        if request.path.startswith("/_dash") or request.path.startswith("/eksport"):
            return jsonify(error="login required"), 401
        return redirect(f"/logg-inn?neste={request.full_path.rstrip('?')}")

    @server.errorhandler(CSRFError)
    def csrf_failed(error):
        return Response(f"CSRF: {escape(error.description)}", status=400, mimetype="text/plain")

    @server.route("/logg-inn", methods=["GET", "POST"])
    def login():
        lang = "en" if request.values.get("lang") == "en" else "nb"
        next_url = _safe_next(request.values.get("neste"))
        if request.method == "POST":
            given = request.form.get("secret", "")
            role = ADMIN if _matches(given, settings.admin_secret) else None
            if role is None and settings.require_login and _matches(given, settings.viewer_secret):
                role = VIEWER
            if role:
                login_user(User(role))
                return redirect(next_url)
            page = _login_page(lang, next_url, True, settings.require_login)
            return Response(page, status=401, mimetype="text/html")
        return Response(
            _login_page(lang, next_url, False, settings.require_login), mimetype="text/html"
        )

    @server.post("/logg-ut")
    def logout():
        logout_user()
        return redirect(_safe_next(request.form.get("neste")))
