"""Export, login, CSRF and the import page, against the real app and a real SQLite store."""

import io
import re

import openpyxl
import pytest

from dashboard.app import create_app
from dashboard.data import get_store
from dashboard.export import ExportRequest, export_tables, neutralise
from dashboard.pages import import_page
from dashboard.web.imports import safe_filename
from tests.workbooks import ECONOMY_HEADER, PROJECT_HEADER, SURVEY_HEADER, write_xlsx

SECRET = "riktig-hemmelig"


@pytest.fixture
def app(settings):
    return create_app(settings.with_overrides(admin_secret=SECRET, load_sample_when_empty=True))


@pytest.fixture
def client(app):
    return app.server.test_client()


def login(client, secret=SECRET, **extra):
    page = client.get("/logg-inn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/logg-inn", data={"secret": secret, "csrf_token": token, **extra})


def xlsx_rows(content: bytes, sheet=None):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list((book[sheet] if sheet else book.active).values)


# ---------------------------------------------------------------- export


def test_web001_export_xlsx_has_norwegian_headers_and_the_years_rows(client):
    response = client.get("/eksport?format=xlsx&side=oversikt&ar=2021")
    assert response.status_code == 200
    assert 'filename="samskaping-oversikt-2021.xlsx"' in response.headers["Content-Disposition"]
    rows = xlsx_rows(response.data)
    assert rows[0][:3] == ("Enhets-ID", "Enhet", "År")
    assert "Informasjon" in rows[0] and "Budsjett" in rows[0]
    assert {r[2] for r in rows[1:]} == {2021}
    assert len(rows) - 1 == 13


def test_web002_export_leaves_suppressed_scores_out(client, app):
    store = get_store()
    with app.server.app_context():
        store.import_path(
            write_xlsx(
                store.settings.database_url and _tmp(store) / "s.xlsx",
                {"Brukerundersøkelse": [SURVEY_HEADER, [2021, "Byåsen", "Informasjon", 5.9, 2]]},
            )
        )
    rows = xlsx_rows(client.get("/eksport?format=xlsx&side=oversikt&ar=2021").data)
    header, byasen = rows[0], next(r for r in rows if r[0] == "byasen")
    assert byasen[header.index("Antall svar")] == 2
    assert byasen[header.index("Informasjon")] is None  # left out, not 5,9


def _tmp(store):
    from pathlib import Path

    return Path(store.settings.database_url.removeprefix("sqlite:///")).parent


def test_web003_export_csv_is_norwegian_and_safe(client):
    response = client.get("/eksport?format=csv&side=sone&soner=nardo&lang=nb")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffEnhets-ID;Enhet;År;")
    assert re.search(r";\d+,\d+;", text)  # decimal comma


def test_web004_export_neutralises_formula_text(app, tmp_path):
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+", "-", "@", "\t", "\r"):
        assert neutralise(start + "1") == "'" + start + "1"
    assert neutralise(-5) == -5 and neutralise("Byåsen") == "Byåsen"
    store = get_store()
    project = ["P-9", "=1+2", "Nardo", 2021, None, "Pågår", 1, "Enheten", None, "@SUM(A1)", None]

    def as_text(book):  # openpyxl would otherwise store "=1+2" as a formula
        book["Prosjekter"]["B2"].data_type = "s"

    with app.server.app_context():
        report = store.import_path(
            write_xlsx(tmp_path / "p.xlsx", {"Prosjekter": [PROJECT_HEADER, project]}, as_text)
        )
    assert report.outcome == "imported"
    response = app.server.test_client().get("/eksport?format=xlsx&side=sone&soner=nardo")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [c for row in book["Prosjekter"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert "=1+2" in [c.value for c in cells]  # text, never a formula, and no apostrophe


def test_web005_export_accepts_only_known_keys(app):
    with app.server.test_request_context():
        from dashboard.data import get_dataset

        dataset = get_dataset()
        request = ExportRequest.from_query(
            {"side": "../../etc", "format": "exe", "ar": "abc", "soner": "nardo,<script>"}, dataset
        )
        assert (request.side, request.fmt, request.year, request.zones) == (
            "oversikt",
            "xlsx",
            dataset.latest_year(),
            ("nardo",),
        )
        tables = export_tables(dataset, ExportRequest("sone", 2021, ("nardo",), "en", "xlsx"))
        assert list(tables)[:2] == ["Indicators", "Projects"]
        assert set(tables["Indicators"]["Zone ID"]) == {"nardo"}


# ---------------------------------------------------------------- login and CSRF


def test_web010_login_needs_the_secret_and_the_csrf_token(client):
    assert login(client, "feil").status_code == 401
    assert client.post("/logg-inn", data={"secret": SECRET}).status_code == 400  # no token
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_web011_login_never_redirects_off_site(client):
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        assert login(client, neste=target).headers["Location"] == "/"
    assert login(client, neste="/import").headers["Location"] == "/import"


def test_web012_api_import_needs_admin_and_csrf(client, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 1, 1]]})
    data = {"file": (path.open("rb"), "a.xlsx")}
    assert client.post("/api/import", data=data).status_code == 400  # no CSRF token
    login(client)
    page = client.get("/logg-inn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/api/import", data={"file": (path.open("rb"), "a.xlsx")}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.json
    assert response.json[0]["outcome"] == "imported"
    assert client.post("/api/undo", headers={"X-CSRFToken": token}).status_code == 200


def test_web013_viewing_can_require_login(settings):
    app = create_app(
        settings.with_overrides(require_login=True, viewer_secret="se", admin_secret=SECRET)
    )
    client = app.server.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/eksport").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert login(client, "se").status_code == 302
    assert client.get("/").status_code == 200


def test_web014_oversize_request_is_refused_with_a_message(settings):
    app = create_app(settings.with_overrides(max_upload_bytes=1024 * 1024, admin_secret=SECRET))
    client = app.server.test_client()
    response = client.post(
        "/api/import", data=b"x" * (3 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "for stor" in response.json["message"] and "1 MB" in response.json["message"]


# ---------------------------------------------------------------- import page


def test_web020_import_page_asks_for_login(client):
    with client.application.test_request_context():
        layout = import_page.layout(lang="nb")
    text = str(layout)
    assert "Du må være logget inn som administrator" in text and "Importhistorikk" in text


def test_web023_upload_names_are_made_safe():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\Kvalitet 2021.xlsx") == "Kvalitet 2021.xlsx"
    assert safe_filename("<script>.xlsx") == "_script_.xlsx"
