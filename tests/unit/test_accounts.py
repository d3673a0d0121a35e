"""Personal logins on the web: the login form with user name and password, sessions that a
role change ends, the shared limits, the audit log page and its export, and the notes API
refusing what the rights matrix refuses, even when the request is forged.

Against the real app (Flask test client) on a real SQLite file.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook

from dashboard.app import create_app
from dashboard.data import get_store
from dashboard.rights import SYSTEM
from dashboard.store import audit
from dashboard.store.audit import AuditFilter, AuditLog
from dashboard.store.notes import Notes
from dashboard.store.people import People
from tests.reliability.viewers import View, router_payload
from tests.unit.hashing import cheap_hashing  # noqa: F401 - autouse

SECRET = "riktig-hemmelig"
PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def base(settings):
    return settings.with_overrides(admin_secret=SECRET, secret_key="k" * 64)


@pytest.fixture
def app(base):
    app = create_app(base)
    people = People(get_store().engine, get_store().registry)
    people.add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD, "Lise Leder")
    people.add(SYSTEM, "hege", ["kommunalsjef"], [], PASSWORD, "Hege Helse")
    people.add(SYSTEM, "ada", ["admin"], [], PASSWORD, "Ada Admin")
    return app


def people() -> People:
    return People(get_store().engine, get_store().registry)


def form_token(client, path="/logg-inn") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, username: str, password: str = PASSWORD, address="192.0.2.10"):
    return client.post(
        "/logg-inn",
        data={"brukernavn": username, "secret": password, "csrf_token": form_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def entries(action=None):
    flt = AuditFilter(actions=(action,)) if action else AuditFilter()
    return AuditLog(get_store().engine).entries(flt)


def post_note(client, body: dict, path="/api/notes", token: str | None = None):
    token = token if token is not None else form_token(client)
    return client.post(path, json=body, headers={"X-CSRFToken": token})


# ---------------------------------------------------------------- logging in


def test_acc001_a_person_logs_in_with_user_name_and_password(app):
    client = app.server.test_client()
    response = log_in(client, "Lise")
    assert response.status_code == 302
    (entry,) = entries(audit.LOGIN)
    assert (entry.actor_name, entry.address, entry.detail["method"]) == (
        "Lise Leder",
        "192.0.2.10",
        "password",
    )
    # The session is hers: a note on her zone is accepted.
    created = post_note(client, {"zone": "heimdal", "year": 2021, "text": "Hei"})
    assert created.status_code == 201 and created.json["author"] == "Lise Leder"


@pytest.mark.parametrize(
    ("username", "password"),
    [("lise", "feil-passord-her"), ("ingen", PASSWORD), ("lise", ""), ("", PASSWORD)],
)
def test_acc002_a_wrong_name_or_password_gets_the_same_answer_and_is_audited(
    app, username, password
):
    client = app.server.test_client()
    response = log_in(client, username, password)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Feil brukernavn eller passord" in page
    (entry,) = entries(audit.LOGIN_FAILED)
    assert entry.address == "192.0.2.10" and entry.actor == "anonymous"
    assert entry.target == (username or None)


def test_acc003_the_shared_admin_password_still_works_without_a_user_name(app):
    client = app.server.test_client()
    assert log_in(client, "", SECRET).status_code == 302
    (entry,) = entries(audit.LOGIN)
    assert entry.actor == "admin" and entry.detail["method"] == "shared_secret"
    assert client.get("/logg").status_code == 200


def test_acc004_a_role_change_ends_the_persons_live_sessions(app):
    browser = app.server.test_client()
    log_in(browser, "lise")
    assert post_note(browser, {"zone": "heimdal", "year": 2021, "text": "a"}).status_code == 201
    cookie = browser.get_cookie("session").value
    ended = people().set_roles(SYSTEM, "lise", ["leder"], ["tiller"])[1]
    assert ended == 1
    copy = app.server.test_client()
    copy.set_cookie("session", cookie)
    for client in (browser, copy):
        refused = post_note(client, {"zone": "tiller", "year": 2021, "text": "b"})
        assert refused.status_code == 401  # logged out, not merely refused
    # After logging in again she has the new zone, not the old one.
    log_in(browser, "lise")
    assert post_note(browser, {"zone": "tiller", "year": 2021, "text": "c"}).status_code == 201
    assert post_note(browser, {"zone": "heimdal", "year": 2021, "text": "d"}).status_code == 403


def test_acc005_a_disabled_account_is_logged_out_and_cannot_log_in(app):
    browser = app.server.test_client()
    log_in(browser, "hege")
    people().set_disabled(SYSTEM, "hege", True)
    assert post_note(browser, {"zone": "tiller", "year": 2021, "text": "x"}).status_code == 401
    assert log_in(browser, "hege").status_code == 401


def test_acc006_a_session_row_left_behind_is_still_refused_after_a_role_change(app, monkeypatch):
    """The fingerprint alone ends it: even if deleting the rows had failed."""
    from dashboard.store import people as people_module

    browser = app.server.test_client()
    log_in(browser, "lise")
    monkeypatch.setattr(people_module.People, "_end_sessions", staticmethod(lambda *_: 0))
    people().set_roles(SYSTEM, "lise", ["leder"], ["tiller"])
    assert post_note(browser, {"zone": "heimdal", "year": 2021, "text": "x"}).status_code == 401


def test_acc007_personal_and_shared_logins_count_in_the_same_limit(base):
    app = create_app(base.with_overrides(login_rate_per_address="3/minute"))
    people().add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD)
    client = app.server.test_client()
    codes = [
        log_in(client, "lise", "feil-passord-1").status_code,
        log_in(client, "", "feil-felles").status_code,
        log_in(client, "ukjent", "feil-passord-2").status_code,
        log_in(client, "lise").status_code,
    ]
    assert codes == [401, 401, 401, 429]
    assert log_in(client, "lise", address="192.0.2.99").status_code == 302


def test_acc008_the_login_form_echoes_a_user_name_as_text_only(app):
    client = app.server.test_client()
    name = '"><script>alert(1)</script>'
    page = log_in(client, name, "feil-passord-her").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&#34;&gt;&lt;script&gt;" in page or "&quot;&gt;&lt;script&gt;" in page


def test_acc009_logout_is_audited_and_ends_the_session(app):
    client = app.server.test_client()
    log_in(client, "ada")
    cookie = client.get_cookie("session").value
    assert client.post("/logg-ut", data={"csrf_token": form_token(client)}).status_code == 302
    (entry,) = entries(audit.LOGOUT)
    assert entry.actor_name == "Ada Admin"
    copy = app.server.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/logg").status_code == 302


# ---------------------------------------------------------------- the audit log page


def router_answer(client, path: str, search: str = "") -> str:
    dependencies = client.get("/_dash-dependencies").json
    view = View("x", path, search, "", "", "")
    answer = client.post("/_dash-update-component", json=router_payload(dependencies, view))
    assert answer.status_code == 200
    return json.dumps(answer.json, ensure_ascii=False)


def test_acc010_only_administrators_reach_the_audit_log(app):
    anonymous = app.server.test_client()
    response = anonymous.get("/logg?hvem=x")
    assert response.status_code == 302 and "/logg-inn?neste=%2Flogg%3Fhvem%3Dx" in response.location
    assert anonymous.get("/logg/eksport").status_code == 302
    leader = app.server.test_client()
    log_in(leader, "lise")
    for path in ("/logg", "/logg/eksport?format=csv", "/logg?lang=en"):
        refused = leader.get(path)
        assert refused.status_code == 403
    assert "Ingen tilgang" in leader.get("/logg").get_data(as_text=True)
    assert "No access" in leader.get("/logg?lang=en").get_data(as_text=True)
    # Dash's router asked for the page directly (a forged navigation): no entries in it.
    answer = router_answer(leader, "/logg")
    assert "bare for administratorer" in answer and "192.0.2.10" not in answer
    admin = app.server.test_client()
    log_in(admin, "ada")
    assert admin.get("/logg").status_code == 200
    content = router_answer(admin, "/logg")
    assert "Hendelseslogg" in content and "Lise Leder" in content and "192.0.2.10" in content


def test_acc011_the_log_filters_by_who_what_and_period_and_pages(app):
    log = AuditLog(get_store().engine)
    for i in range(60):
        log.record(SYSTEM, audit.IMPORT, address=f"198.51.100.{i % 250}", target=f"fil-{i}.xlsx")
    admin = app.server.test_client()
    log_in(admin, "ada")
    first = router_answer(admin, "/logg", "?hva=import")
    assert "Viser 1–50 av 60 hendelser" in first and "fil-59.xlsx" in first
    assert "fil-9.xlsx" not in first and "side=2" in first
    second = router_answer(admin, "/logg", "?hva=import&side=2")
    assert "Viser 51–60 av 60" in second and "fil-0.xlsx" in second
    who = router_answer(admin, "/logg", "?hvem=ADA")
    assert "Viser 1–1 av 1 " in who  # her own login
    none = router_answer(admin, "/logg", "?fra=2001-01-01&til=2001-12-31")
    assert "Ingen hendelser passer filtrene" in none
    bad = router_answer(admin, "/logg", "?fra=i%20morgen&side=999999999&hva=alt")
    assert "er ikke en dato" in bad and "Viser 1–50 av 64" in bad
    english = router_answer(admin, "/logg", "?hva=import&lang=en")
    assert "Showing 1–50 of 60 events" in english and "Import" in english


def test_acc012_the_log_export_is_formula_safe_bounded_and_itself_audited(app):
    log = AuditLog(get_store().engine)
    log.record(SYSTEM, audit.IMPORT, target='=HYPERLINK("http://x","klikk")')
    admin = app.server.test_client()
    log_in(admin, "ada")
    response = admin.get("/logg/eksport?format=xlsx&hva=import")
    assert response.status_code == 200
    assert "hendelseslogg.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:4] == ["Tidspunkt", "Hvem", "Bruker-ID", "Hva"]
    assert sheet.max_row == 2
    assert sheet.cell(2, 6).value.startswith("=HYPERLINK")  # a string, never a formula
    assert sheet.cell(2, 6).data_type == "s"
    csv = admin.get("/logg/eksport?format=csv&lang=en").get_data(as_text=True)
    assert csv.startswith("\ufeffTime,Who,User id,What")
    assert ",'=HYPERLINK" in csv or "\"'=HYPERLINK" in csv
    exports = entries(audit.AUDIT_EXPORTED)
    assert len(exports) == 2 and exports[-1].detail["filters"] == {"hva": "import"}


# ---------------------------------------------------------------- notes over HTTP


def test_acc013_forged_note_requests_are_refused_by_the_server(app):
    leader = app.server.test_client()
    log_in(leader, "lise")
    base = {"zone": "heimdal", "year": 2021, "text": "Mitt notat", "panel": "budget"}
    assert post_note(leader, {**base, "zone": "tiller"}).status_code == 403
    assert post_note(leader, {**base, "followup": True}).status_code == 403
    assert post_note(leader, base, token="").status_code == 400  # no CSRF token
    assert post_note(leader, {**base, "year": "2021 OR 1=1"}).status_code == 400
    not_json = leader.post("/api/notes", data="tekst", headers={"X-CSRFToken": form_token(leader)})
    assert not_json.status_code == 400 and not_json.json["error"] == "body"
    large = {**base, "text": "x" * (70 * 1024)}  # over the 64 KB a body may have
    assert post_note(leader, large).status_code == 400
    mine = post_note(leader, base).json
    head = app.server.test_client()
    log_in(head, "hege")
    theirs = post_note(head, {**base, "zone": "tiller", "text": "Ikke ditt"}).json
    # Editing or deleting someone else's zone's note by its id: refused, unchanged.
    for body in (
        {"version": 1, "text": "Overskrevet"},
        {"version": 1, "delete": True},
        {"version": 1, "status": "done"},
    ):
        refused = post_note(leader, body, path=f"/api/notes/{theirs['id']}")
        assert refused.status_code in {403, 400}, body
    assert Notes.for_store(get_store()).get(theirs["id"]).text == "Ikke ditt"
    assert leader.get(f"/api/notes/{theirs['id']}/history").status_code == 403
    # Anonymous requests are refused before anything is read.
    stranger = app.server.test_client()
    assert post_note(stranger, base).status_code == 401
    assert [n["id"] for n in leader.get("/api/notes?zone=heimdal").json] == [mine["id"]]


def test_acc014_edits_over_http_keep_history_and_refuse_stale_versions(app):
    leader = app.server.test_client()
    log_in(leader, "lise")
    note = post_note(leader, {"zone": "heimdal", "year": 2021, "text": "Én"}).json
    path = f"/api/notes/{note['id']}"
    edited = post_note(leader, {"version": 1, "text": "To"}, path=path)
    assert edited.status_code == 200 and edited.json["version"] == 2
    stale = post_note(leader, {"version": 1, "text": "Tre"}, path=path)
    assert stale.status_code == 409 and "Noen andre" in stale.json["message"]
    history = leader.get(path + "/history").json
    assert [(h["version"], h["text"], h["by"]) for h in history] == [
        (1, "Én", "Lise Leder"),
        (2, "To", "Lise Leder"),
    ]
    assert post_note(leader, {"version": 2, "delete": True}, path=path).status_code == 200
    assert leader.get("/api/notes?zone=heimdal").json == []


def test_acc015_an_oversized_or_odd_body_is_refused(app):
    leader = app.server.test_client()
    log_in(leader, "lise")
    huge = {"zone": "heimdal", "year": 2021, "text": "x" * 70_000}
    assert post_note(leader, huge).status_code == 400
    assert post_note(leader, ["not", "an", "object"]).status_code == 400
    assert leader.get("/api/notes?zone=../../etc").status_code == 400
    assert leader.get("/api/notes?zone=heimdal&year=abc").status_code == 400
