"""The import page's callbacks and views against the real app and a real SQLite store.

The callbacks are called as the functions they are (Dash's `callback` returns the function),
inside a Flask request context with or without the admin login.
"""

from __future__ import annotations

import base64
import io

import openpyxl
import pytest
from flask_login import login_user

from dashboard.app import create_app
from dashboard.data import get_store
from dashboard.pages import import_page
from dashboard.web.auth import ADMIN, User, csrf_token
from tests.workbooks import ECONOMY_HEADER, write_xlsx

SECRET = "riktig-hemmelig"
NB = {"lang": "nb"}
EN = {"lang": "en"}


@pytest.fixture
def app(settings):
    return create_app(settings.with_overrides(admin_secret=SECRET, load_sample_when_empty=True))


def data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def drop(*paths) -> dict:
    """What the page's size check in the browser hands to the server for these files."""
    return {
        "contents": [data_url(p.read_bytes()) for p in paths],
        "filenames": [p.name for p in paths],
    }


def economy(tmp_path, name, *rows):
    return write_xlsx(tmp_path / name, {"Økonomi": [ECONOMY_HEADER, *rows]})


def as_admin():
    login_user(User(ADMIN))
    return csrf_token()


def xlsx_rows(content: bytes):
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


def test_web021_upload_callback_imports_and_reports(app, tmp_path):
    good = economy(tmp_path, "god.xlsx", [2022, "Byåsen", 1000, 900, 800])
    bad = economy(tmp_path, "feil.xlsx", [2022, "Heimdall", 1000, 900, 800])
    with app.server.test_request_context():
        assert import_page.on_upload(drop(good, bad), "x", NB)[0][0] == (
            import_page.t("imp_forbidden", "nb")
        )
        status, results, history, message, label, disabled, batch = import_page.on_upload(
            drop(good, bad), as_admin(), NB
        )
    assert status == "1 av 2 filer importert eller uendret, 1 avvist."
    assert "Mente du «Heimdal»" in str(results) and "B2" in str(results)
    assert "god.xlsx" in str(history)
    good_batch = get_store().latest_in_effect()
    assert batch == good_batch[0] and good_batch[1] == "god.xlsx"
    assert label == f"Angre import nr. {batch} (god.xlsx)" and disabled is False
    assert message.startswith(f"Angre import nr. {batch} (god.xlsx)?")


def test_web022_undo_callback_restores(app, tmp_path):
    store = get_store()
    before = store.version()
    with app.server.test_request_context():
        report = store.import_path(economy(tmp_path, "a.xlsx", [2022, "Byåsen", 1, 1, 1]))
        token = as_admin()
        message, _history, *_undo = import_page.on_undo(1, report.batch_id, token, EN)
    assert (
        message
        == f"Import no. {report.batch_id} (a.xlsx) is undone: 1 row removed, 0 rows restored."
    )
    assert store.version() != before and store.current("economy")["year"].max() == 2021


def test_ipg001_every_file_of_a_drop_gets_its_line_unsupported_ones_with_the_reason(app, tmp_path):
    good = economy(tmp_path, "god.xlsx", [2022, "Byåsen", 1000, 900, 800])
    csv = tmp_path / "tall.csv"
    csv.write_text("År;Enhet\n2022;Byåsen\n", encoding="utf-8")
    notes = tmp_path / "notat.txt"
    notes.write_text("ikke en arbeidsbok")
    with app.server.test_request_context():
        status, results, *_ = import_page.on_upload(drop(good, csv, notes), as_admin(), NB)
    assert status == "1 av 3 filer importert eller uendret, 2 avvist."
    text = str(results)
    assert "tall.csv" in text and "Filtypen støttes ikke (.csv)" in text
    assert "notat.txt" in text and "Filtypen støttes ikke (.txt)" in text


def test_ipg002_one_file_is_one_fil(app, tmp_path):
    good = economy(tmp_path, "god.xlsx", [2022, "Byåsen", 1000, 900, 800])
    with app.server.test_request_context():
        status, *_ = import_page.on_upload(drop(good), as_admin(), NB)
        status_en, *_ = import_page.on_upload(drop(good), as_admin(), EN)
    assert status == "1 av 1 fil importert eller uendret, 0 avvist."
    assert status_en == "1 of 1 file imported or unchanged, 0 rejected."


def test_ipg003_the_error_list_comes_from_the_store_by_batch_id_for_the_admin_only(app, tmp_path):
    rows = [[2022, f"Sone {i}", 1000, 900, 800] for i in range(30)]
    bad = economy(tmp_path, "feil.xlsx", *rows)
    store = get_store()
    with app.server.test_request_context():
        report = store.import_path(bad, source="web")
        trigger = {"type": import_page.ERRORS, "batch": report.batch_id}
        assert import_page.error_list(trigger, "nb") is None  # not logged in
        as_admin()
        download = import_page.error_list(trigger, "nb")
        for forged in ("1; DROP", -1, 10**9, None, "../1", True, [report.batch_id]):
            assert import_page.error_list({**trigger, "batch": forged}, "nb") is None
        assert import_page.error_list({"type": "other", "batch": report.batch_id}, "nb") is None
        from_history = {"type": import_page.HISTORY_ERRORS, "batch": report.batch_id}
        assert import_page.error_list(from_history, "nb")["filename"] == download["filename"]
    assert download["filename"] == f"importfeil-{report.batch_id}.xlsx"
    listed = xlsx_rows(base64.b64decode(download["content"]))
    assert listed[0][:3] == ("Fil", "Ark", "Celle") and len(listed) == 31
    assert listed[1][:3] == ("feil.xlsx", "Økonomi", "B2")
    # Nothing the browser holds feeds the list: the callback's only inputs are the buttons'
    # clicks (their ids carry the batch number) and the page's language.
    (callback,) = [
        c for key, c in app.callback_map.items() if key.startswith(import_page.ERRORS_DOWNLOAD)
    ]
    assert [i["property"] for i in callback["inputs"]] == ["n_clicks", "n_clicks"]
    assert [s["id"] for s in callback["state"]] == ['{"page":"import","type":"view"}']


def test_ipg004_undo_names_the_batch_and_refuses_one_that_is_no_longer_the_latest(app, tmp_path):
    store = get_store()
    with app.server.test_request_context():
        first = store.import_path(economy(tmp_path, "a.xlsx", [2022, "Byåsen", 1, 1, 1]))
        token = as_admin()
        layout = str(import_page.layout(lang="nb"))
        assert f"Angre import nr. {first.batch_id} (a.xlsx)?" in layout
        # Someone imports b.xlsx in another window; this page still offers a.xlsx.
        second = store.import_path(economy(tmp_path, "b.xlsx", [2022, "Nardo", 1, 1, 1]))
        message, _history, confirm, label, _disabled, batch = import_page.on_undo(
            1, first.batch_id, token, NB
        )
    assert "ikke lenger den siste" in message and f"nr. {second.batch_id} (b.xlsx)" in message
    assert batch == second.batch_id and label == f"Angre import nr. {second.batch_id} (b.xlsx)"
    assert confirm.startswith(f"{label}?")
    assert store.latest_in_effect() == (second.batch_id, "b.xlsx")  # nothing was undone
    with app.server.test_request_context():
        token = as_admin()
        for forged in ("x", None, -3, {"batch": 1}):
            message, *_ = import_page.on_undo(1, forged, token, NB)
            assert message == "Det er ingen import å angre."
        assert store.latest_in_effect() == (second.batch_id, "b.xlsx")
        assert import_page.on_undo(1, second.batch_id, "forfalsket", NB)[0][0] == (
            import_page.t("imp_expired", "nb", minutes=60)
        )


def test_ipg005_timeouts_and_crashes_are_in_the_history_in_both_languages(app):
    store = get_store()
    store.settle("t1", "stor.xlsx", "ab" * 32, "timeout", "import_timeout", "web", seconds=40)
    detail = {"nb": "prosessen ble stoppet", "en": "the process was stopped"}
    store.settle("t2", "rar.xlsx", "cd" * 32, "crashed", "import_crashed", "web", detail=detail)
    with app.server.test_request_context():
        nb = str(import_page.history_view(store.batches(), "nb"))
        en = str(import_page.history_view(store.batches(), "en"))
    assert "Tidsavbrutt – ingenting er lagret" in nb and "Stoppet uventet" in nb
    assert "Timed out – nothing was stored" in en and "Stopped unexpectedly" in en


def test_ipg006_long_problem_texts_wrap_in_the_error_table(app, tmp_path):
    bad = economy(tmp_path, "feil.xlsx", [2022, "Heimdall", 1000, 900, 800])
    with app.server.test_request_context():
        report = get_store().import_path(bad)
        view = import_page.report_view(report, "nb")
    table = view.children[2].children  # heading, sheets table, the scrolling error table
    header = [th.children for th in table.children[1].children.children]
    expected = header.index("Forventet")
    (row,) = table.children[2].children
    assert row.children[expected].style == import_page.WRAP
    assert row.children[header.index("Feil")].style == import_page.WRAP


@pytest.mark.parametrize(
    "gated",
    [
        None,
        "x",
        {"contents": "data:,", "filenames": ["a.xlsx"]},
        {"contents": ["data:,"], "filenames": []},
        {"contents": [1], "filenames": ["a.xlsx"]},
        {"contents": ["data:,"] * 21, "filenames": ["a.xlsx"] * 21},
    ],
)
def test_ipg007_an_upload_the_page_never_sends_is_refused_and_imports_nothing(app, gated):
    store = get_store()
    before = store.batch_count()
    with app.server.test_request_context():
        status, *_ = import_page.on_upload(gated, as_admin(), NB)
    assert status == import_page.t("imp_bad_upload", "nb")
    assert store.batch_count() == before


def test_ipg008_a_file_over_the_size_limit_gets_its_own_line(app, tmp_path, settings):
    from dashboard.web.imports import import_uploads

    small = settings.with_overrides(max_upload_bytes=1024 * 1024)
    reports = import_uploads([("stor.xlsx", b"PK" + b"\0" * 1_300_000)], small)
    (report,) = reports
    assert report.outcome == "rejected" and report.errors[0].code == "file_too_big"
    assert report.errors[0].message() == (
        "Filen er 1,2 MB; en fil kan være på høyst 1 MB. Ingenting er lagret."
    )
    assert "1.2 MB" in report.errors[0].message("en")
