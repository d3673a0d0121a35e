"""Hostile requests shared by the unit and reliability tests of the login gate.

`PATH_TRICKS` are request targets that must never reach a page when login is required;
each is sent as it stands (the unit tests put it into the WSGI environ the way gunicorn
would, the reliability tests write it to a socket), so no client normalises it.
"""

from __future__ import annotations

import re

PATH_TRICKS = [
    "/healthzX",
    "/healthz/",
    "/healthz//",
    "/healthz/x",
    "/healthz/..",
    "/healthz/../",
    "/healthz/../sone/heimdal",
    "/healthz/..%2Fsone%2Fheimdal",
    "/healthz%2F..%2Fsone%2Fheimdal",
    "/healthz/%2e%2e/sone/heimdal",
    "/healthz/%2E%2E/import",
    "/healthz;x",
    "/healthz.json",
    "/healthz%20",
    "/healthz%00",
    "/healthz%0d%0aX-Injected:%201",
    "/HEALTHZ",
    "//healthz",
    "/./healthz",
    "/logg-innX",
    "/logg-inn/",
    "/logg-inn/..",
    "/logg-inn/../import",
    "/logg-inn%2F..%2Fimport",
    "/logg-inn/%2e%2e/sone/heimdal",
    "/Logg-Inn",
    "//logg-inn",
    "/assets/../sone/heimdal",
    "/assets/%2e%2e/sone/heimdal",
    "/assets/..%2Fimport",
    "/assets/style.css/..",
    "/assets/style.css/../../import",
    "/assetsX/style.css",
    "/%2Fsone/heimdal",
    "/sone/heimdal%0d%0aSet-Cookie:%20x=1",
    "/import%0a",
    "/_dash-layout/..",
    "/_dash-layout%2F..",
]

# Flask-WTF's tokens are itsdangerous-signed: payload.timestamp.signature.
TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}")


def leaks(text: str) -> list[str]:
    """Data (zone names, Dash's validation layout) or a CSRF token in a response body. The
    login form's own token, of the requester's own session, is not a leak."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    found = [marker for marker in ("validation_layout", "Heimdal", "Byåsen") if marker in text]
    return found + TOKEN.findall(text)
