"""How the browser gets the app: a small plotly.js, compressed responses, lasting caches.

- plotly.js: dcc.Graph draws with `window.Plotly` when the page already has it and only
  otherwise fetches the full plotly.js (4,8 MB) that plotly.py ships. The assets folder holds
  a partial bundle with only the trace types `figures.py` draws (`PLOTLY_TRACES`); Dash loads
  it as a script before its own, so the full one is never fetched.
  `scripts/update_plotly_bundle.py` rebuilds it for a new plotly.js.
- Compression for every response, also without a proxy in front (`make run`): brotli when
  the browser accepts it, gzip otherwise. Flask-Compress compresses what the app computes
  (HTML, callbacks, exports) per response at a fast level; the static files (Dash's bundles
  and the assets) are compressed once per worker at a high level and kept, by content.
- Cache headers: a file whose URL carries its version (Dash's fingerprinted component
  suites, assets with Dash's `?m=<mtime>`, the favicon with `?v=<Dash version>`) is
  `public, max-age=1 year, immutable`, so a repeat visit asks for nothing. Everything the app
  computes (HTML, callbacks, exports) is `private, no-cache` unless its route says otherwise:
  it may depend on the login and the data, so no shared cache may keep it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections import OrderedDict

import brotli
import dash
from dash.fingerprint import check_fingerprint
from flask import Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

from ..settings import ASSETS_DIR

# plotly.js trace types the dashboard draws (figures.py); scatter is in plotly.js's core.
PLOTLY_TRACES = ("scatter", "bar")
PLOTLY_BUNDLE = ASSETS_DIR / "vendor" / "plotly-partial.min.js"

IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-cache"

# Static files are compressed once, so they can afford the slow, small settings.
STATIC_ENCODINGS = ("br", "gzip")
STATIC_BR_QUALITY = 9
STATIC_GZIP_LEVEL = 9
STATIC_CACHE_BYTES = 32 * 1024 * 1024
COMPRESSIBLE = {"application/javascript", "text/javascript", "text/css", "application/json"}


def register(app: dash.Dash) -> None:
    """Called once by the app factory, after Dash has set up its routes."""
    enable_compression(app)
    enable_cache_headers(app)


# ---------------------------------------------------------------- compression


def enable_compression(app: dash.Dash) -> None:
    server = app.server
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # No gzip for streamed bodies in Flask-Compress; nothing the app streams is large.
    server.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    # Level 5 is where brotli starts to beat gzip -6 on this app's JSON and JavaScript,
    # in about the same time (level 4, Flask-Compress's default, does not).
    server.config.setdefault("COMPRESS_BR_LEVEL", 5)
    Compress(server).compress_mimetypes_set.add("text/csv")
    # Registered after Flask-Compress, so it runs first (Flask runs them in reverse) and
    # Flask-Compress leaves the responses it has encoded alone.
    server.after_request(StaticCompressor(_static_kind(app)))


class StaticCompressor:
    """Compresses static files once and keeps the result, keyed by the bytes themselves: a
    changed file is a new key, and no URL a client makes up can add entries."""

    def __init__(self, static_kind):
        self.static_kind = static_kind
        self.cache: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __call__(self, response: Response) -> Response:
        if (
            response.status_code != 200
            or request.method != "GET"
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or not self.static_kind()
        ):
            return response
        encoding = request.accept_encodings.best_match(STATIC_ENCODINGS)
        if not encoding:
            return response
        response.direct_passthrough = False  # send_file hands over a file, not bytes
        data = response.get_data()
        packed = self.compressed(data, encoding)
        response.set_data(packed)
        response.headers["Content-Encoding"] = encoding
        etag, weak = response.get_etag()
        if etag:
            # One representation, one validator: a 304 must not answer for another encoding.
            response.set_etag(f"{etag}:{encoding}", weak=weak)
            response.make_conditional(request)
        return response

    def compressed(self, data: bytes, encoding: str) -> bytes:
        key = (encoding, hashlib.blake2b(data, digest_size=16).digest())
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        if encoding == "br":
            packed = brotli.compress(data, quality=STATIC_BR_QUALITY)
        else:
            packed = gzip.compress(data, compresslevel=STATIC_GZIP_LEVEL, mtime=0)
        with self.lock:
            if key not in self.cache:
                self.cache[key] = packed
                self.size += len(packed)
            while self.size > STATIC_CACHE_BYTES and len(self.cache) > 1:
                _, dropped = self.cache.popitem(last=False)
                self.size -= len(dropped)
        return packed


# ---------------------------------------------------------------- cache headers


def enable_cache_headers(app: dash.Dash) -> None:
    static_kind = _static_kind(app)
    app.server.wsgi_app = NoCookieVaryWhenImmutable(app.server.wsgi_app)

    @app.server.after_request
    def cache_headers(response: Response) -> Response:
        kind = static_kind()
        if kind and response.status_code == 200 and _versioned(app, kind):
            response.headers["Cache-Control"] = IMMUTABLE
        elif not kind and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = PRIVATE
        return response


class NoCookieVaryWhenImmutable:
    """Flask marks every response whose request touched the session `Vary: Cookie`, after the
    after-request hooks have run, so only a WSGI wrapper can take it off. A file kept for a
    year does not depend on the cookie; with the mark, the browser would fetch every script
    again whenever the session cookie changes (a login, a new CSRF token)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if ("Cache-Control", IMMUTABLE) in headers:
                headers = [_without_cookie(name, value) for name, value in headers]
                headers = [(n, v) for n, v in headers if v or n.lower() != "vary"]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def _without_cookie(name: str, value: str) -> tuple[str, str]:
    if name.lower() != "vary":
        return name, value
    kept = [v.strip() for v in value.split(",") if v.strip().lower() != "cookie"]
    return name, ", ".join(kept)


def _static_kind(app: dash.Dash):
    """A function telling which of Dash's static routes the current request went to."""
    assets_endpoint = (
        app.config.routes_pathname_prefix.replace("/", "_").replace(".", "_") + "dash_assets.static"
    )
    favicon = app.config.routes_pathname_prefix + "_favicon.ico"

    def static_kind() -> str:
        args = request.view_args or {}
        if "fingerprinted_path" in args and "package_name" in args:
            return "suite"
        if request.endpoint == assets_endpoint:
            return "asset"
        if request.path == favicon:
            return "favicon"
        return ""

    return static_kind


def _versioned(app: dash.Dash, kind: str) -> bool:
    """Does the URL name this exact version of the file (so it may be cached for good)?"""
    if kind == "suite":
        return check_fingerprint(request.view_args["fingerprinted_path"])[1]
    if kind == "favicon":
        return request.args.get("v") == dash.__version__
    # Assets: Dash appends ?m=<modification time>; only the current one is a version.
    stamp = request.args.get("m")
    path = safe_join(app.config.assets_folder, request.view_args.get("filename", ""))
    if not stamp or not path or not os.path.isfile(path):
        return False
    return stamp == str(os.stat(path).st_mtime)
