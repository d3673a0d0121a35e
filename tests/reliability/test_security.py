"""The login gate, sessions, login limits and headers against real gunicorn workers.

Hostile paths are written to a socket as they stand, so nothing between the test and
gunicorn normalises them; gunicorn decodes them as it would for any client.
"""

from __future__ import annotations

import contextlib
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.hostile import PATH_TRICKS, TOKEN, leaks
from tests.reliability.conftest import VIEWER_SECRET
from tests.reliability.harness import (
    ADMIN_SECRET,
    REQUEST_TIMEOUT,
    Admin,
    Gunicorn,
    raw_request,
    service_url,
)
from tests.reliability.viewers import View, router_payload
from tests.workbooks import economy_rows, write_xlsx

pytestmark = pytest.mark.reliability
BUDGET_DIGITS = "77777000"  # budget 88 888 000 less accounts 11 111 000


def _form_token(session: requests.Session, base_url: str) -> str:
    page = session.get(base_url + "/logg-inn", timeout=REQUEST_TIMEOUT).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _log_in(session: requests.Session, base_url: str, secret: str) -> requests.Response:
    return session.post(
        base_url + "/logg-inn",
        data={"secret": secret, "csrf_token": _form_token(session, base_url)},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )


def test_sec100_path_tricks_never_reach_a_page_on_gunicorn(login_server):
    # A viewer has looked at pages on both workers first, as in the attack that found this.
    viewer = requests.Session()
    assert _log_in(viewer, login_server.base_url, VIEWER_SECRET).status_code == 302
    for _ in range(6):
        assert viewer.get(login_server.base_url + "/import", timeout=REQUEST_TIMEOUT).ok
    for target in PATH_TRICKS:
        response = raw_request(login_server.base_url, target)
        where = f"{target!r} -> {response.status}"
        assert response.status in {200, 302, 400, 401, 404}, where
        if response.status == 200:  # gunicorn reads `//healthz` as `/healthz` itself
            assert (
                response.text.startswith('{"data_version"') or 'action="/logg-inn"' in response.text
            ), where
        if response.status == 302:
            assert response.header("location").startswith("/logg-inn?neste="), where
        assert leaks(response.text) == [], where
        assert "x-injected" not in response.headers and "set-cookie: x=1" not in response.text
    # The exact public paths stay open; everything else asks for a login.
    assert raw_request(login_server.base_url, "/healthz").status == 200
    assert raw_request(login_server.base_url, "/logg-inn").status == 200
    assert raw_request(login_server.base_url, "/assets/style.css").status == 200
    assert raw_request(login_server.base_url, "/sone/heimdal").status == 302
    assert raw_request(login_server.base_url, "/_dash-layout").status == 401


def test_sec101_production_headers_and_gunicorn_settings(login_server):
    for target in ("/healthz", "/logg-inn", "/", "/assets/style.css", "/x%0d%0a"):
        response = raw_request(login_server.base_url, target)
        assert response.header("x-content-type-options") == "nosniff", target
        assert "frame-ancestors 'none'" in response.header("content-security-policy"), target
        assert response.header("referrer-policy") == "same-origin", target
        assert "x-served-by" not in response.headers, target
        # gunicorn names itself, without a version or anything per worker.
        assert response.headers.get("server", ["gunicorn"]) == ["gunicorn"], target
    # Nobody was named a trusted proxy: a forged X-Forwarded-Proto changes nothing.
    forged = raw_request(login_server.base_url, "/logg-inn", headers={"X-Forwarded-Proto": "https"})
    (cookie,) = forged.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "strict-transport-security" not in forged.headers
    log = login_server.log_path.read_text(errors="replace")
    assert re.search(r'"GET /logg-inn HTTP/1.1" 200 ', log), "no access log line"
    home = login_server.home
    assert not [p for p in home.rglob("*") if p.name.endswith(".ctl")], "a control socket"


def test_sec102_a_logout_ends_a_copied_cookie_on_every_worker(server):
    with Admin(server) as admin:
        thief = requests.Session()
        thief.cookies.update(admin.session.cookies)
        token = _form_token(thief, server.base_url)
        logout = admin.session.post(
            server.base_url + "/logg-ut",
            data={"csrf_token": admin.csrf},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        assert logout.status_code == 302
    workers, seen = server.worker_pids(), set()
    deadline = time.monotonic() + 30
    while not workers <= seen and time.monotonic() < deadline:
        response = thief.post(
            server.base_url + "/api/undo", headers={"X-CSRFToken": token}, timeout=REQUEST_TIMEOUT
        )
        assert response.status_code == 403, response.text[:200]
        seen.add(int(response.headers["X-Served-By"]))
    assert workers <= seen


def test_sec103_after_undo_no_worker_shows_the_old_numbers(server, tmp_path):
    path = write_xlsx(
        tmp_path / "merke.xlsx",
        {"Økonomi": economy_rows([2021, "Byåsen", 88_888_000, 11_111_000, 50_000_000])},
    )
    dependencies = server.get("/_dash-dependencies").json()
    view = View("sone", "/sone/byasen", "?ar=2021", "", "", "")

    def router_answer() -> tuple[str, int]:
        answer = server.post("/_dash-update-component", json=router_payload(dependencies, view))
        assert answer.status_code == 200
        flat = re.sub(r"\s|\\u00a0|\\u202f|\\u2009", "", answer.text)
        return flat, int(answer.headers["X-Served-By"])

    def every_worker(check) -> None:
        """Every worker shows the new state once its data is built (a request waits a short
        while for that, then gets the data from before: on a loaded machine the build may
        take longer), and never goes back to the old state afterwards."""
        workers, fresh = server.worker_pids(), set()
        deadline = time.monotonic() + 45
        while not workers <= fresh and time.monotonic() < deadline:
            text, worker = router_answer()
            if worker in fresh:
                check(text)
            else:
                with contextlib.suppress(AssertionError):
                    check(text)
                    fresh.add(worker)
            index = server.get("/sone/byasen?ar=2021")
            assert leaks(index.text) == [] and len(index.text) < 30_000
        assert workers <= fresh

    with Admin(server) as admin:
        assert admin.upload_paths(path).json()[0]["outcome"] == "imported"
        try:
            every_worker(lambda text: _assert_in(BUDGET_DIGITS, text))
        finally:
            admin.undo()
    every_worker(lambda text: _assert_not_in(BUDGET_DIGITS, text))


def _assert_in(part, text):
    assert part in text


def _assert_not_in(part, text):
    assert part not in text


def test_sec104_failed_logins_are_counted_across_workers_in_redis(tmp_path):
    redis_url = service_url("DASHBOARD_TEST_REDIS_URL", "Redis")
    env = {"DASHBOARD_REDIS_URL": redis_url, "DASHBOARD_LOGIN_RATE_PER_ADDRESS": "4 per 6 seconds"}
    with Gunicorn(tmp_path, workers=3, env=env) as server:
        client = requests.Session()
        token = _form_token(client, server.base_url)

        def attempt(secret: str) -> requests.Response:
            return client.post(
                server.base_url + "/logg-inn",
                data={"secret": secret, "csrf_token": token},
                allow_redirects=False,
                timeout=REQUEST_TIMEOUT,
            )

        # Which worker accepts a request is up to the kernel: one idle worker may take all
        # four. Sent side by side they usually spread; a round where one worker took them
        # all proves nothing about sharing, so it waits out the window and tries again.
        for _round in range(6):
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=4) as pool:
                failed = list(pool.map(lambda _: attempt("feil"), range(4)))
            assert [r.status_code for r in failed] == [401] * 4
            if len({r.headers["X-Served-By"] for r in failed}) > 1:
                break
            time.sleep(max(0.0, 6.5 - (time.monotonic() - started)))
        assert len({r.headers["X-Served-By"] for r in failed}) > 1  # several workers counted
        refused = attempt("feil")
        assert refused.status_code == 429 and "For mange" in refused.text
        assert int(refused.headers["Retry-After"]) <= 6
        assert attempt(ADMIN_SECRET).status_code == 429  # the right one waits too
        time.sleep(max(0.0, 6.5 - (time.monotonic() - started)))
        assert attempt(ADMIN_SECRET).status_code == 302
        log = server.log_path.read_text(errors="replace")
        assert "Too many failed logins from 127.0.0.1" in log


def test_sec105_no_token_leaks_to_an_anonymous_reader_of_any_open_path(server):
    """Without login required: the index of any path carries neither data nor a token."""
    with Admin(server) as admin:
        admin.session.get(server.base_url + "/import", timeout=REQUEST_TIMEOUT)
        for target in ("/healthzX", "/logg-innX", "/healthz/../x", "/", "/import"):
            response = raw_request(server.base_url, target)
            assert TOKEN.findall(response.text) == [] and leaks(response.text) == [], target
