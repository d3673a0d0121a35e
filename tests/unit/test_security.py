"""Login gate, sessions, CSRF, rate limits and what the index HTML may carry (issue 7).

Against the real app (Flask test client) on a real SQLite file. Paths are put into the
WSGI environ as a server would after percent-decoding them, so no client normalises them.
"""

from __future__ import annotations

import json
import logging
import re
import time
from unittest.mock import ANY
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import dash
import pytest

import dashboard.data
from dashboard.app import create_app
from dashboard.data import get_store
from tests.hostile import PATH_TRICKS, TOKEN, leaks
from tests.reliability.viewers import View, router_payload
from tests.workbooks import economy_rows, write_xlsx

SECRET = "riktig-hemmelig"
VIEWER = "se-bare"
# A budget no sample or fixture has: budget 99 999 000, accounts 11 111 000.
RESULT_DIGITS = "88888000"


@pytest.fixture
def base(settings, tmp_path):
    return settings.with_overrides(
        admin_secret=SECRET, viewer_secret=VIEWER, secret_key="k" * 64, load_sample_when_empty=True
    )


def make_app(base, **overrides):
    return create_app(base.with_overrides(**overrides))


def raw_get(client, target: str, **kwargs):
    """GET a request target exactly as a server would pass it on: path percent-decoded,
    query untouched, dot segments and slashes left as they are."""
    path, _, query = target.partition("?")
    # WSGI strings are bytes read as latin-1, as gunicorn's unquote_to_wsgi_str makes them.
    path_info = unquote_to_bytes(path).decode("latin-1")
    environ = {"PATH_INFO": path_info, "QUERY_STRING": query, "RAW_URI": target}
    return client.get("/", environ_overrides=environ, **kwargs)


def form_token(client, path="/logg-inn") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, secret=SECRET, **extra):
    token = form_token(client)
    return client.post("/logg-inn", data={"secret": secret, "csrf_token": token, **extra})


def import_marker(tmp_path, zone="Heimdal", year=2021):
    path = write_xlsx(
        tmp_path / "merke.xlsx",
        {"Økonomi": economy_rows([year, zone, 99_999_000, 11_111_000, 50_000_000])},
    )
    report = get_store().import_path(path, source="web")
    assert report.outcome == "imported", report.text()


def flat(text: str) -> str:
    """Without any kind of space, so `88 888 000 kr` is found however it was spaced."""
    return re.sub(r"[\s\u00a0\u202f\u2009]|\\u00a0|\\u202f|\\u2009", "", text)


def page_content(client, path: str, search: str = "") -> str:
    """What the browser gets for a page: Dash's router answer, without spaces."""
    dependencies = client.get("/_dash-dependencies").json
    view = View("x", path, search, "", "", "")
    answer = client.post("/_dash-update-component", json=router_payload(dependencies, view))
    assert answer.status_code == 200, answer.status_code
    return flat(json.dumps(answer.json, ensure_ascii=False))


# ---------------------------------------------------------------- exact public paths


def test_sec001_path_tricks_never_reach_a_page_when_login_is_required(base):
    app = make_app(base, require_login=True)
    admin = app.server.test_client()
    log_in(admin)
    admin.get("/import")  # the first page view of this worker is an admin's
    anonymous = app.server.test_client()
    for target in PATH_TRICKS:
        response = raw_get(anonymous, target)
        body = response.get_data(as_text=True)
        where = f"{target!r} -> {response.status_code}"
        assert response.status_code in {200, 302, 400, 401, 404, 405}, where
        if response.status_code == 200:  # werkzeug reads `//healthz` as `/healthz` itself
            assert response.json == {"status": "ok", "data_version": ANY} or (
                'action="/logg-inn"' in body
            ), where
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/logg-inn?neste="), where
        assert leaks(body) == [], where
        for value in response.headers.values():
            assert "\n" not in value and "\r" not in value, where


def test_sec002_only_the_exact_public_paths_are_open(base):
    app = make_app(base, require_login=True)
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/logg-inn").status_code == 200
    assert client.get("/assets/style.css").status_code == 200
    assert client.get("/assets/upload.js").status_code == 302
    for path in ("/", "/import", "/sone/heimdal", "/sammenlign", "/mote", "/favicon.ico"):
        assert client.get(path).status_code == 302, path
    for path in ("/_dash-layout", "/_dash-dependencies", "/_favicon.ico", "/eksport", "/api/x"):
        assert client.get(path).status_code == 401, path
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_sec003_a_crlf_in_the_path_is_a_client_error(base):
    for require_login in (True, False):
        client = make_app(base, require_login=require_login).server.test_client()
        for target in ("/x%0d%0aSet-Cookie:%20a=b", "/sone/heimdal%0a", "/%0d"):
            response = raw_get(client, target)
            assert response.status_code == 400, (require_login, target, response.status_code)
            assert "Set-Cookie" not in response.headers or "a=b" not in str(response.headers)


# ---------------------------------------------------------------- the login redirect


def test_sec004_the_login_redirect_keeps_the_whole_query(base):
    client = make_app(base, require_login=True).server.test_client()
    response = raw_get(client, "/sammenlign?soner=heimdal,nardo&ar=2020&lang=en")
    location = response.headers["Location"]
    assert urlsplit(location).path == "/logg-inn"
    (neste,) = parse_qs(urlsplit(location).query)["neste"]
    assert neste == "/sammenlign?soner=heimdal,nardo&ar=2020&lang=en"
    form = client.get(location).get_data(as_text=True)
    assert 'name="neste" value="/sammenlign?soner=heimdal,nardo&amp;ar=2020&amp;lang=en"' in form
    assert '<html lang="en">' in form  # the form speaks the page's language
    answer = log_in(client, VIEWER, neste=neste)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/sammenlign?soner=heimdal,nardo&ar=2020&lang=en"
    # Letters beyond ASCII travel encoded and come back the same.
    client.post("/logg-ut", data={"csrf_token": form_token(client)})
    location = raw_get(client, "/sone/heimdal?merknad=%C3%A6%C3%B8%C3%A5").headers["Location"]
    (neste,) = parse_qs(urlsplit(location).query)["neste"]
    assert neste == "/sone/heimdal?merknad=%C3%A6%C3%B8%C3%A5"
    assert log_in(client, VIEWER, neste=neste).headers["Location"] == neste
    client.post("/logg-ut", data={"csrf_token": form_token(client)})
    location = raw_get(client, "/s%C3%B8k").headers["Location"]
    (neste,) = parse_qs(urlsplit(location).query)["neste"]
    assert neste == "/søk"
    assert log_in(client, VIEWER, neste=neste).headers["Location"] == "/s%C3%B8k"


def test_sec005_the_login_redirect_never_leaves_the_site(base):
    client = make_app(base).server.test_client()
    for target in (
        "//evil.example/x",
        "/\\evil.example/x",
        "\\\\evil.example",
        "/\t/evil.example",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "/x\r\nSet-Cookie: a=b",
        "",
    ):
        response = log_in(client, neste=target)
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target
        client.post("/logg-ut", data={"csrf_token": form_token(client)})
    assert log_in(client, neste="/import?lang=en").headers["Location"] == "/import?lang=en"


# ---------------------------------------------------------------- the index carries no data


def test_sec010_the_index_html_carries_no_data_and_no_token(base):
    app = make_app(base)
    admin = app.server.test_client()
    log_in(admin)
    first = admin.get("/import").get_data(as_text=True)  # the worker's first page view
    assert leaks(first) == []
    for path in ("/", "/sone/heimdal", "/sammenlign", "/mote", "/import", "/healthzX"):
        html = app.server.test_client().get(path).get_data(as_text=True)
        assert leaks(html) == [], path
        assert len(html) < 30_000, (path, len(html))


def test_sec011_a_token_read_from_an_open_path_cannot_undo(base, tmp_path):
    app = make_app(base)
    admin = app.server.test_client()
    log_in(admin)
    admin.get("/import")
    import_marker(tmp_path)
    version = get_store().version()
    anonymous = app.server.test_client()
    scraped = TOKEN.findall(raw_get(anonymous, "/healthzX").get_data(as_text=True))
    assert scraped == []
    for token in [*scraped, "", "x"]:
        response = admin.post("/api/undo", headers={"X-CSRFToken": token})
        assert response.status_code == 400, response.status_code
    assert get_store().version() == version


def test_sec012_after_undoing_every_import_no_page_shows_the_old_numbers(base, tmp_path):
    app = make_app(base, load_sample_when_empty=False)
    client = app.server.test_client()
    import_marker(tmp_path, zone="Byåsen")  # the zone page's default zone
    index = flat(client.get("/sone/byasen?ar=2021").get_data(as_text=True))
    assert RESULT_DIGITS in page_content(client, "/sone/byasen", "?ar=2021")
    store = get_store()
    while store.undo_latest():
        pass
    for path in ("/", "/sone/byasen", "/sammenlign", "/mote"):
        assert RESULT_DIGITS not in flat(client.get(path).get_data(as_text=True)), path
        assert RESULT_DIGITS not in page_content(client, path, "?ar=2021"), path
    assert RESULT_DIGITS not in index


def test_sec013_health_and_login_never_build_a_page_or_load_the_data(base, monkeypatch, tmp_path):
    """Structural: on a fresh app, /healthz and the login form never call a page layout or
    the data loader, whatever the store holds (a huge store cannot make them hang)."""
    for require_login in (False, True):
        # A store of its own each time, so nothing is cached from the round before.
        database = f"sqlite:///{tmp_path / f'login-{require_login}.sqlite'}"
        app = make_app(base, require_login=require_login, database_url=database)
        calls: list[str] = []
        real_build = dashboard.data.build_dataset

        def counting_build(store, calls=calls, real=real_build):
            calls.append("build_dataset")
            return real(store)

        monkeypatch.setattr(dashboard.data, "build_dataset", counting_build)
        for page in dash.page_registry.values():

            def counting_layout(
                *args, _real=page["layout"], _path=page["path"], _calls=calls, **kwargs
            ):
                _calls.append(_path)
                return _real(*args, **kwargs)

            monkeypatch.setitem(page, "layout", counting_layout)
        client = app.server.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/logg-inn").status_code == 200
        assert log_in(client, "feil").status_code == 401
        assert log_in(client).status_code == 302
        assert client.get("/healthz").status_code == 200
        assert client.post("/logg-ut", data={"csrf_token": form_token(client)}).status_code == 302
        assert calls == [], (require_login, calls)
        # The counters do count: a page view builds its page.
        page_content(client if not require_login else _logged_in(client), "/", "")
        assert "/" in calls and "build_dataset" in calls
        monkeypatch.undo()


def _logged_in(client):
    log_in(client)
    return client


# ---------------------------------------------------------------- sessions


def _undo_status(client) -> int:
    return client.post("/api/undo", headers={"X-CSRFToken": form_token(client)}).status_code


def test_sec020_logout_ends_the_session_for_a_copied_cookie_too(base, tmp_path):
    app = make_app(base)
    browser = app.server.test_client()
    log_in(browser)
    cookie = browser.get_cookie("session").value
    thief = app.server.test_client()
    thief.set_cookie("session", cookie)
    import_marker(tmp_path)
    assert browser.post("/logg-ut", data={"csrf_token": form_token(browser)}).status_code == 302
    version = get_store().version()
    assert _undo_status(thief) == 403
    assert _undo_status(browser) == 403
    assert get_store().version() == version


def test_sec021_a_new_admin_secret_ends_the_old_sessions(base, tmp_path):
    first = make_app(base)
    browser = first.server.test_client()
    log_in(browser)
    cookie = browser.get_cookie("session").value
    # A restart with the same secret keeps the session: the check is on the secret.
    restarted = make_app(base).server.test_client()
    restarted.set_cookie("session", cookie)
    import_marker(tmp_path)
    assert _undo_status(restarted) == 200
    import_marker(tmp_path)
    later = make_app(base, admin_secret="nytt-hemmelig").server.test_client()
    later.set_cookie("session", cookie)
    assert _undo_status(later) == 403
    # Ended for good: going back to the old secret does not bring it back.
    again = make_app(base).server.test_client()
    again.set_cookie("session", cookie)
    assert _undo_status(again) == 403


def test_sec022_a_new_viewer_secret_ends_the_viewers_sessions(base):
    first = make_app(base, require_login=True)
    viewer = first.server.test_client()
    assert log_in(viewer, VIEWER).status_code == 302
    assert viewer.get("/").status_code == 200
    cookie = viewer.get_cookie("session").value
    second = make_app(base, require_login=True, viewer_secret="nytt")
    later = second.server.test_client()
    later.set_cookie("session", cookie)
    assert later.get("/").status_code == 302
    assert later.get("/_dash-layout").status_code == 401


def test_sec023_a_login_starts_a_new_session(base):
    """A cookie planted before the login (session fixation) is worth nothing after it."""
    app = make_app(base)
    browser = app.server.test_client()
    token_before = form_token(browser)
    cookie_before = browser.get_cookie("session").value
    log_in(browser)
    assert browser.get_cookie("session").value != cookie_before
    response = browser.post("/api/undo", headers={"X-CSRFToken": token_before})
    assert response.status_code == 400


def test_sec024_csrf_tokens_expire(base, tmp_path):
    app = make_app(base, csrf_time_limit_seconds=1)
    browser = app.server.test_client()
    log_in(browser)
    token = form_token(browser)
    import_marker(tmp_path)
    time.sleep(2.1)
    assert browser.post("/api/undo", headers={"X-CSRFToken": token}).status_code == 400
    assert _undo_status(browser) == 200


def test_sec025_a_login_expires_on_the_server(base):
    app = make_app(base, session_lifetime_seconds=1)
    browser = app.server.test_client()
    log_in(browser)
    time.sleep(2.1)
    assert _undo_status(browser) == 403


def test_sec026_an_expired_login_form_asks_again_instead_of_failing(base):
    app = make_app(base, csrf_time_limit_seconds=1)
    browser = app.server.test_client()
    token = form_token(browser)
    time.sleep(2.1)
    response = browser.post("/logg-inn", data={"secret": SECRET, "csrf_token": token})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'name="csrf_token"' in page and "utløpt" in page
    assert log_in(browser).status_code == 302


# ---------------------------------------------------------------- rate limits


def _attempt(client, secret, address="203.0.113.5", **headers):
    token = form_token(client)
    return client.post(
        "/logg-inn",
        data={"secret": secret, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_sec030_wrong_passwords_are_limited_per_address(base, caplog):
    app = make_app(base, login_rate_per_address="3 per 2 seconds", login_rate_total="50/minute")
    client = app.server.test_client()
    caplog.set_level(logging.WARNING)
    assert [_attempt(client, "feil").status_code for _ in range(3)] == [401, 401, 401]
    refused = _attempt(client, "feil")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "For mange" in refused.get_data(as_text=True)
    assert any(
        "203.0.113.5" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )
    # Even the right password waits until the window has passed; another address does not.
    assert _attempt(client, SECRET).status_code == 429
    assert _attempt(client, SECRET, address="203.0.113.6").status_code == 302
    time.sleep(2.2)
    assert _attempt(client, SECRET).status_code == 302


def test_sec031_wrong_passwords_are_limited_in_total(base, caplog):
    app = make_app(base, login_rate_per_address="100/minute", login_rate_total="4/minute")
    client = app.server.test_client()
    caplog.set_level(logging.WARNING)
    codes = [_attempt(client, "feil", address=f"198.51.100.{i}").status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    assert any("total" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_sec032_right_passwords_do_not_count(base):
    app = make_app(base, login_rate_per_address="2/minute")
    client = app.server.test_client()
    for _ in range(5):
        assert _attempt(client, SECRET).status_code == 302


def test_sec033_a_forged_forwarded_for_does_not_reset_the_count(base):
    app = make_app(base, login_rate_per_address="2/minute")
    client = app.server.test_client()
    codes = [
        _attempt(client, "feil", **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 429]


def test_sec034_behind_a_trusted_proxy_each_client_counts_for_itself(base):
    app = make_app(base, login_rate_per_address="2/minute", proxy_count=1)
    client = app.server.test_client()

    def via_proxy(client_address, secret="feil"):
        return _attempt(
            client, secret, address="127.0.0.1", **{"X-Forwarded-For": client_address}
        ).status_code

    assert [via_proxy("192.0.2.1") for _ in range(3)] == [401, 401, 429]
    assert via_proxy("192.0.2.2") == 401
    # Only the proxy's own entry counts: a client cannot prepend one to escape.
    assert via_proxy("10.9.9.9, 192.0.2.1") == 429


# ---------------------------------------------------------------- headers


def _inline_script_hashes(html: str) -> set[str]:
    import base64
    import hashlib

    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attrs, body in scripts
        if "src=" not in attrs and "application/json" not in attrs
    }


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";"))


def test_sec040_every_response_carries_the_security_headers(base, tmp_path):
    app = make_app(base, login_rate_per_address="1/minute")
    client = app.server.test_client()
    responses = {
        "index": client.get("/"),
        "unknown page": client.get("/finnes-ikke"),
        "health": client.get("/healthz"),
        "login form": client.get("/logg-inn"),
        "stylesheet": client.get("/assets/style.css"),
        "dash layout": client.get("/_dash-layout"),
        "export": client.get("/eksport?format=csv"),
        "bad path": raw_get(client, "/x%0d%0ay"),
        "no csrf": client.post("/api/undo"),
        "wrong password": log_in(client, "feil"),
        "rate limited": log_in(client, "feil"),
        "redirect": make_app(base, require_login=True).server.test_client().get("/mote"),
    }
    assert responses["rate limited"].status_code == 429
    for name, response in responses.items():
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("Referrer-Policy") == "same-origin", name
        assert headers.get("X-Frame-Options") == "DENY", name
        policy = _csp(response)
        assert policy["frame-ancestors"] == "'none'", name
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'", name
        assert "unsafe-inline" not in policy["script-src"], name
        assert "unsafe-eval" not in policy["script-src"], name
        assert "Server" not in headers and "X-Served-By" not in headers, name
        assert "Strict-Transport-Security" not in headers, name  # plain http here


def test_sec041_the_policy_allows_exactly_the_inline_scripts_of_the_index(base):
    client = make_app(base).server.test_client()
    for path in ("/", "/sone/heimdal", "/import", "/mote?lang=en"):
        response = client.get(path)
        inline = _inline_script_hashes(response.get_data(as_text=True))
        allowed = set(_csp(response)["script-src"].split()) - {"'self'"}
        assert inline and inline == allowed, path


def test_sec042_the_worker_id_header_is_for_tests_only(base):
    import os

    plain = make_app(base).server.test_client().get("/healthz")
    assert "X-Served-By" not in plain.headers
    tested = make_app(base, worker_id_header=True).server.test_client().get("/healthz")
    assert tested.headers["X-Served-By"] == str(os.getpid())


def _session_cookie(response) -> str:
    return next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))


def test_sec043_the_session_cookie_is_secure_over_https_only(base):
    def cookie(app, **kwargs):
        client = app.server.test_client()
        return _session_cookie(client.get("/logg-inn", **kwargs))

    auto = make_app(base)
    assert "Secure" not in cookie(auto)
    assert "Secure" in cookie(auto, base_url="https://samskaping.example")
    # Only a proxy we were told about may say the request came over HTTPS.
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.9"}
    assert "Secure" not in cookie(auto, headers=forwarded)
    proxied = make_app(base, proxy_count=1)
    assert "Secure" in cookie(proxied, headers=forwarded)
    assert "Secure" in cookie(make_app(base, cookie_secure="always"))
    for app in (auto, proxied):
        value = cookie(app, headers=forwarded)
        assert "HttpOnly" in value and "SameSite=Lax" in value
    over_https = auto.server.test_client().get("/healthz", base_url="https://samskaping.example")
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    forged = auto.server.test_client().get("/healthz", headers=forwarded)
    assert "Strict-Transport-Security" not in forged.headers
    behind_proxy = proxied.server.test_client().get("/healthz", headers=forwarded)
    assert behind_proxy.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_sec044_framing_can_be_allowed_for_named_sites(base):
    app = make_app(base, frame_ancestors="https://intranett.example")
    response = app.server.test_client().get("/")
    assert _csp(response)["frame-ancestors"] == "https://intranett.example"
    assert "X-Frame-Options" not in response.headers


def test_sec045_bad_security_settings_stop_the_start(base):
    for overrides in (
        {"cookie_secure": "sometimes"},
        {"proxy_count": -1},
        {"login_rate_per_address": "ti i minuttet"},
    ):
        with pytest.raises(ValueError):
            make_app(base, **overrides)


# ---------------------------------------------------------------- how gunicorn is started


def test_sec060_serve_prod_and_the_procfile_start_gunicorn_with_the_shared_settings():
    import subprocess
    import sys

    from dashboard.settings import PROJECT_DIR

    shared = "-c python:dashboard.gunicorn_conf dashboard.app:server"
    assert shared in (PROJECT_DIR / "Procfile").read_text()
    makefile = (PROJECT_DIR / "Makefile").read_text()
    recipe = makefile.split("\nserve-prod:", 1)[1].split("\n\n", 1)[0]
    assert shared in recipe.replace("\\\n\t\t", "")
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", *shared.split(), "--print-config"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": "4"},
    ).stdout
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", printed, re.M))
    assert config["control_socket_disable"] == "True"  # no control socket shared by instances
    assert config["accesslog"] == "-"  # an access log on stdout
    assert config["forwarded_allow_ips"] == "[]"  # only DASHBOARD_PROXY_COUNT decides
    assert (config["preload_app"], config["timeout"], config["workers"]) == ("True", "60", "4")
