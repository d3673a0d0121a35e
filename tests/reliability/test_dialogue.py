"""Notes across real gunicorn workers (issue 11): a note written through one worker is seen
through the other at once, and notes outlive an import and the undo of that import.

Two workers on one SQLite store (and, with DASHBOARD_TEST_POSTGRES_URL, the PostgreSQL
server's three), people logged in with their own accounts over HTTP, as browsers would.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from dashboard.ingest.zones import ZoneRegistry
from dashboard.rights import SYSTEM
from dashboard.settings import ZONES_FILE
from dashboard.store.db import get_engine
from dashboard.store.people import People
from tests.reliability.harness import REQUEST_TIMEOUT, Admin, Gunicorn
from tests.workbooks import economy_rows, write_xlsx

pytestmark = pytest.mark.reliability

PASSWORD = "korrekt-hest-batteri-stall"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    with Gunicorn(tmp_path_factory.mktemp("gunicorn-dialogue"), workers=2) as gunicorn:
        yield gunicorn


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_server(request):
    name = "two_workers" if request.param == "sqlite" else "postgres_server"
    server = request.getfixturevalue(name)
    people = People(get_engine(server.database_url), ZoneRegistry.from_csv(ZONES_FILE))
    if people.get("lise") is None:
        people.add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD, "Lise Leder")
    return server


class Person:
    """Logged in with a personal account: session cookie and CSRF token."""

    def __init__(self, server: Gunicorn, username: str):
        self.server = server
        self.session = requests.Session()
        response = self.session.post(
            server.base_url + "/logg-inn",
            data={"brukernavn": username, "secret": PASSWORD, "csrf_token": self._token()},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        assert response.status_code == 302, response.text[:300]
        self.csrf = self._token()

    def _token(self) -> str:
        form = self.session.get(self.server.base_url + "/logg-inn", timeout=REQUEST_TIMEOUT)
        return re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)

    def write(self, text: str) -> requests.Response:
        return self.session.post(
            self.server.base_url + "/api/notes",
            json={"zone": "heimdal", "year": 2021, "panel": "budget", "text": text},
            headers={"X-CSRFToken": self.csrf},
            timeout=REQUEST_TIMEOUT,
        )

    def read(self) -> requests.Response:
        return self.session.get(
            self.server.base_url + "/api/notes?zone=heimdal&year=2021", timeout=REQUEST_TIMEOUT
        )


def test_reldlg001_a_note_written_through_one_worker_is_seen_through_the_other_at_once(
    any_server,
):
    server = any_server
    lise = Person(server, "lise")
    written = lise.write(f"Skrevet {time.time_ns()}")
    assert written.status_code == 201, written.text[:300]
    note, writer = written.json(), int(written.headers["X-Served-By"])
    others = server.worker_pids() - {writer}
    assert others, "only one worker"
    # The first answer from any other worker already has it: no cache, no delay.
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(max_workers=4) as pool:
        while time.monotonic() < deadline:
            for answer in pool.map(lambda _: lise.read(), range(8)):
                assert answer.status_code == 200
                if int(answer.headers["X-Served-By"]) in others:
                    assert note["id"] in [n["id"] for n in answer.json()], "not seen at once"
                    return
    pytest.fail("no other worker answered within 30 s")


def test_reldlg002_notes_survive_an_import_and_the_undo_of_that_import(any_server, tmp_path):
    server = any_server
    lise = Person(server, "lise")
    note = lise.write("Underskuddet skyldes en planlagt investering.").json()
    path = write_xlsx(
        tmp_path / "heimdal-2021.xlsx",
        {"Økonomi": economy_rows([2021, "Heimdal", 54_321_000, 54_000_000, 40_000_000])},
    )
    with Admin(server) as admin:
        uploaded = admin.upload_paths(path)
        assert uploaded.status_code == 200 and uploaded.json()[0]["outcome"] == "imported"
        assert note["id"] in [n["id"] for n in lise.read().json()]
        admin.undo()
    after = {n["id"]: n for n in lise.read().json()}
    assert after[note["id"]]["text"] == note["text"]
    assert after[note["id"]]["version"] == note["version"]
