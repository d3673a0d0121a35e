"""What travels to the browser: the plotly.js partial bundle, compression and cache headers.

Against the real app through Flask's test client; the bytes are decompressed and compared
with the files on disk, so a wrong or double encoding fails too.
"""

from __future__ import annotations

import gzip
import os
import re

import brotli
import dash
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.app import create_app
from dashboard.settings import ASSETS_DIR
from dashboard.web.delivery import (
    IMMUTABLE,
    PLOTLY_BUNDLE,
    PLOTLY_TRACES,
    STATIC_CACHE_BYTES,
    StaticCompressor,
)

ROUTER = ".._pages_content.children..._pages_store.data.."


@pytest.fixture(scope="module")
def app(ui_settings):
    return create_app(ui_settings)


@pytest.fixture
def client(app):
    return app.server.test_client()


def decode(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


def script_urls(client) -> list[str]:
    html = decode(client.get("/", headers={"Accept-Encoding": "gzip"})).decode()
    return re.findall(r'<script src="([^"]+)"', html)


def url_of(client, fragment: str) -> str:
    return next(u for u in script_urls(client) if fragment in u)


def router_call(client, path: str, encoding: str):
    body = {
        "output": ROUTER,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": encoding})


# ---------------------------------------------------------------- the partial bundle


def test_dlv001_index_loads_the_partial_bundle_before_dash_and_never_the_full_plotly(client):
    urls = script_urls(client)
    bundle = next(i for i, u in enumerate(urls) if "vendor/plotly-partial.min.js?m=" in u)
    core = next(i for i, u in enumerate(urls) if "dash_core_components." in u)
    renderer = next(i for i, u in enumerate(urls) if "dash_renderer" in u)
    assert bundle < core and bundle < renderer  # window.Plotly exists when dcc.Graph looks
    assert not any("package_data/plotly" in u for u in urls)


def test_dlv002_bundle_is_the_plotlyjs_version_plotly_py_ships_with_its_licence():
    head = PLOTLY_BUNDLE.read_text()[:400]
    traces = ", ".join(PLOTLY_TRACES)
    # Fails after a plotly upgrade until scripts/update_plotly_bundle.py has been run.
    assert f"plotly.js ({traces} - minified) v{get_plotlyjs_version()}" in head
    assert "Licensed under the MIT license" in head
    assert "MIT" in (PLOTLY_BUNDLE.parent / "LICENSE-plotly.js.txt").read_text()
    assert PLOTLY_BUNDLE.stat().st_size < 1_300_000  # the full plotly.js is 4,8 MB


# ---------------------------------------------------------------- compression


@pytest.mark.parametrize("fragment", ["vendor/plotly-partial.min.js", "dash_core_components."])
def test_dlv010_javascript_is_brotli_or_gzip_when_asked_and_plain_when_not(client, fragment):
    url = url_of(client, fragment)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    original = plain.get_data()
    if "vendor/" in fragment:
        assert original == PLOTLY_BUNDLE.read_bytes()
    for accept, expected in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", None)]:
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == expected, accept
        assert "Accept-Encoding" in response.headers["Vary"]
        assert decode(response) == original
        if expected:
            assert len(response.get_data()) < len(original) / 2
            assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_dlv011_html_and_callbacks_are_compressed_and_never_cached_publicly(client):
    page = client.get("/sone/heimdal", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    assert b"<!DOCTYPE html>" in decode(page)
    assert page.headers["Cache-Control"] == "private, no-cache"
    for encoding in ("br", "gzip"):
        answer = router_call(client, "/sone/heimdal", encoding)
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == encoding
        assert b'"_pages_content"' in decode(answer)
        assert answer.headers["Cache-Control"] == "private, no-cache"
    for path in ("/_dash-layout", "/_dash-dependencies", "/healthz"):
        response = client.get(path, headers={"Accept-Encoding": "br"})
        assert "public" not in response.headers["Cache-Control"], path
        assert "max-age" not in response.headers["Cache-Control"], path


def test_dlv012_a_route_that_sets_its_own_cache_header_keeps_it(client):
    response = client.get(
        "/eksport?format=csv&side=oversikt&ar=2021", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Enhet" in decode(response).decode("utf-8-sig")


def test_dlv013_revalidation_answers_304_only_for_the_same_encoding(client):
    # async-graph.js is fetched by dcc.Graph under a URL without a version: it is revalidated.
    url = "/_dash-component-suites/dash/dcc/async-graph.js"
    first = client.get(url, headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    assert etag.endswith(':br"')
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    other = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["Content-Encoding"] == "gzip"


def test_dlv014_static_compression_is_kept_by_content_and_bounded(app, client):
    compressor = next(
        f for f in app.server.after_request_funcs[None] if isinstance(f, StaticCompressor)
    )
    compressor.cache.clear()
    compressor.size = 0
    # Made-up versions of one file are one entry: a client cannot fill the memory.
    for i in range(30):
        response = client.get(f"/assets/style.css?m={i}", headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
    assert len(compressor.cache) == 1
    # Past the byte budget the oldest entries go.
    small = StaticCompressor(lambda: "asset")
    for i in range(40):
        small.compressed(bytes([i]) * 10 + os.urandom(1024 * 1024), "gzip")
    assert small.size <= STATIC_CACHE_BYTES
    assert len(small.cache) < 40


# ---------------------------------------------------------------- cache lifetimes


def test_dlv020_versioned_static_files_are_cached_for_a_year(client):
    for fragment in ("vendor/plotly-partial.min.js?m=", "dash_core_components.", "react@"):
        response = client.get(url_of(client, fragment), headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE, fragment
    favicon = client.get(f"/_favicon.ico?v={dash.__version__}")
    assert favicon.headers["Cache-Control"] == IMMUTABLE


def test_dlv021_unversioned_or_stale_urls_are_revalidated_not_kept(client):
    current = url_of(client, "vendor/plotly-partial.min.js?m=")
    stale = current.split("?m=")[0] + "?m=1234.5"
    for url in (current.split("?")[0], stale, "/assets/style.css"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"], url
        assert "max-age=31536000" not in response.headers["Cache-Control"], url
    unversioned = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert "immutable" not in unversioned.headers.get("Cache-Control", "")
    assert client.get("/_favicon.ico?v=0").headers.get("Cache-Control") != IMMUTABLE


def test_dlv022_assets_folder_holds_one_plotly_bundle():
    bundles = sorted(p.name for p in ASSETS_DIR.rglob("*.js") if "plotly" in p.name)
    assert bundles == [PLOTLY_BUNDLE.name]


def test_dlv023_versioned_files_do_not_vary_by_cookie(client):
    # Flask marks every response whose request touched the session `Vary: Cookie`. For a file
    # kept for a year that would make the browser fetch every script again whenever the
    # session cookie changes (a login, a new CSRF token on the import page).
    client.get("/import")  # sets the session cookie
    for fragment in ("vendor/plotly-partial.min.js?m=", "dash_core_components."):
        response = client.get(url_of(client, fragment), headers={"Accept-Encoding": "br"})
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert "cookie" not in response.headers.get("Vary", "").lower(), fragment
        assert "Accept-Encoding" in response.headers["Vary"]
    page = client.get("/import")
    assert "Cookie" in page.headers["Vary"]
