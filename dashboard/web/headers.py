"""Security headers on every response, the reverse proxy in front, the session cookie.

Flask-Talisman sets the headers: a Content-Security-Policy, X-Content-Type-Options nosniff,
X-Frame-Options and CSP frame-ancestors, Referrer-Policy and Permissions-Policy; HSTS is
added here on requests that arrived over HTTPS. The policy allows scripts from this site
only, plus the inline scripts Dash writes into its index page, each by its SHA-256
(`Dash.csp_hashes()`, Dash's documented way). Dash adds one of those (the page-title
updater) on its first request, so the hashes are taken again when a response leaves, not
once at start-up.

X-Forwarded-For and -Proto are believed only from DASHBOARD_PROXY_COUNT proxies
(werkzeug's ProxyFix), so a client cannot choose the address the login limits count, nor
pretend to have come over HTTPS.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from ..settings import Settings

_EXTENSION = "dashboard_headers"
ONE_YEAR = 365 * 24 * 3600


def content_security_policy(settings: Settings, script_hashes: list[str]) -> dict[str, str]:
    """The smallest policy the pages work under: the browser test loads every page with it
    and fails on any violation. Images, fonts and connections fall under default-src."""
    return {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # Dash's renderer, dcc and plotly.js add <style> elements from their scripts (their
        # contents differ by version, so no list of hashes would stay right). Styles cannot
        # run code; scripts stay strict.
        "style-src": "'self' 'unsafe-inline'",
        "object-src": "'none'",
        "base-uri": "'none'",
        # The logout form is redirected on to the OpenID Connect provider's logout.
        "form-action": " ".join(["'self'", *_provider_origin(settings)]),
        "frame-ancestors": settings.frame_ancestors,
    }


def _provider_origin(settings: Settings) -> list[str]:
    parts = urlsplit(settings.oidc_issuer)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


class _SessionCookie(SecureCookieSessionInterface):
    """Secure on requests that came over HTTPS (directly, or as a trusted proxy says), so
    the same app works on http://127.0.0.1 in development and behind TLS in production."""

    def __init__(self, always: bool):
        self.always = always

    def get_cookie_secure(self, app) -> bool:
        return self.always or (has_request_context() and request.is_secure)


class SecurityHeaders:
    def __init__(self, server: Flask, settings: Settings):
        if settings.cookie_secure not in {"auto", "always"}:
            raise ValueError(
                "DASHBOARD_COOKIE_SECURE must be 'auto' or 'always', "
                f"not {settings.cookie_secure!r}"
            )
        if settings.proxy_count < 0:
            raise ValueError("DASHBOARD_PROXY_COUNT cannot be negative")
        self.settings = settings
        if settings.proxy_count:
            n = settings.proxy_count
            server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n)
        server.session_interface = _SessionCookie(settings.cookie_secure == "always")
        self._hashes: tuple[str, ...] = ()
        self.talisman = Talisman(
            server,
            force_https=False,  # TLS is the proxy's job
            session_cookie_secure=False,  # decided per request by _SessionCookie
            # Talisman would believe any client's X-Forwarded-Proto here; see _hsts.
            strict_transport_security=False,
            frame_options="DENY" if settings.frame_ancestors == "'none'" else None,
            content_security_policy=content_security_policy(settings, []),
            referrer_policy="same-origin",
            permissions_policy={
                "browsing-topics": "()",
                "camera": "()",
                "microphone": "()",
                "geolocation": "()",
            },
        )
        server.extensions[_EXTENSION] = self

        @server.after_request
        def _hsts(response):
            # Only when the request really came over HTTPS (ProxyFix decided, above), and
            # for this host only: other municipal sites under the domain are not ours.
            if request.is_secure:
                response.headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}"
            return response

        if settings.worker_id_header:

            @server.after_request
            def served_by(response):
                response.headers["X-Served-By"] = str(os.getpid())
                return response

    def follow(self, app: Dash) -> None:
        """Keep script-src in step with the inline scripts of `app`'s index page."""

        @app.server.after_request  # runs before Talisman's, which was registered earlier
        def scripts_of_this_app(response):
            hashes = tuple(app.csp_hashes())
            if hashes != self._hashes:
                self._hashes = hashes
                self.talisman.content_security_policy = content_security_policy(
                    self.settings, list(hashes)
                )
            return response


def init_headers(server: Flask, settings: Settings) -> SecurityHeaders:
    return SecurityHeaders(server, settings)


def follow_dash(app: Dash) -> None:
    app.server.extensions[_EXTENSION].follow(app)
