"""The import page in a real browser: login, upload, the report, the history and undo."""

import os

from tests.integration.browser.conftest import ADMIN_SECRET
from tests.workbooks import ECONOMY_HEADER, write_xlsx


def login_as_admin(ui):
    page = ui.open("/logg-inn?neste=/import", ready="form")
    assert ui.axe_problems() == []
    page.fill("#secret", ADMIN_SECRET)
    page.click("button[type=submit]")
    page.wait_for_selector("#innhold h1")
    page.wait_for_load_state("networkidle")
    return page


def test_imp_brw001_import_page_without_login_points_to_login(ui):
    page = ui.open("/import")
    assert "logget inn som administrator" in page.inner_text("#innhold")
    assert page.is_hidden("#imp-upload")
    assert ui.axe_problems() == []
    page = ui.open("/import?lang=en")
    assert "logged in as administrator" in page.inner_text("#innhold")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert ui.axe_problems() == []


def test_imp_brw002_upload_report_history_and_undo(ui, tmp_path):
    good = write_xlsx(
        tmp_path / "regnskap-2022.xlsx",
        {"Økonomi": [ECONOMY_HEADER, [2022, "Heimdal", 61_000_000, 60_000_000, 48_000_000]]},
    )
    bad = write_xlsx(
        tmp_path / "feil-2022.xlsx",
        {"Økonomi": [ECONOMY_HEADER, [2022, "Heimdall", 61_000_000, 60_000_000, 48_000_000]]},
    )
    page = login_as_admin(ui)
    assert ui.path() == "/import"
    page.set_input_files("#imp-upload input[type=file]", [str(good), str(bad)])
    status = page.locator("#imp-status")
    status.filter(has_text="importert").wait_for(timeout=60_000)
    assert status.inner_text() == "1 av 2 filer importert eller uendret, 1 avvist."
    assert status.get_attribute("role") == "status"
    results = page.inner_text("#imp-results")
    assert "regnskap-2022.xlsx – Importert" in results
    assert "feil-2022.xlsx – Avvist" in results and "Mente du «Heimdal»" in results
    with page.expect_download() as download:
        page.click("#imp-results >> text=Last ned feillisten (Excel)")
    assert download.value.suggested_filename.startswith("importfeil-")
    with page.expect_download() as again:
        page.click("#imp-history >> text=Feilliste")  # the same list, from the history
    assert again.value.suggested_filename == download.value.suggested_filename
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "an id is used twice"
    history = page.inner_text("#imp-history")
    assert "regnskap-2022.xlsx" in history and "nettleser" in history
    assert ui.axe_problems() == []

    # The undo button names the import it takes back, and so does its confirmation.
    undo = page.locator("#imp-undo-button")
    label = undo.inner_text()
    assert label.startswith("Angre import nr. ") and label.endswith(" (regnskap-2022.xlsx)")
    asked = []

    def confirm(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    undo.click()
    status.filter(has_text="er angret").wait_for(timeout=30_000)
    assert asked == [f"{label}? Radene den erstattet kommer tilbake slik de var."]
    assert "regnskap-2022.xlsx" in status.inner_text() and "1 rad fjernet" in status.inner_text()
    assert "Angret" in page.inner_text("#imp-history")


def test_imp_brw003_every_dropped_file_gets_a_line_even_a_csv(ui, tmp_path):
    good = write_xlsx(
        tmp_path / "risiko.xlsx",
        {"Økonomi": [ECONOMY_HEADER, [2020, "Tiller", 50_000_000, 49_000_000, 40_000_000]]},
    )
    csv = tmp_path / "tall.csv"
    csv.write_text("År;Enhet;Budsjett\n2020;Tiller;1\n", encoding="utf-8")
    page = login_as_admin(ui)
    page.set_input_files("#imp-upload input[type=file]", [str(good), str(csv)])
    status = page.locator("#imp-status")
    status.filter(has_text="importert").wait_for(timeout=60_000)
    assert status.inner_text().startswith("1 av 2 filer importert eller uendret")
    results = page.inner_text("#imp-results")
    assert "tall.csv – Avvist" in results and "Filtypen støttes ikke (.csv)" in results


def test_imp_brw004_an_upload_too_large_together_says_so_on_the_page(ui, tmp_path):
    """Two files of 11 MB each pass the 20 MB limit together: the server would answer 413,
    which Dash shows nowhere, so the page checks first and says what happened."""
    big = []
    for n in range(2):
        path = tmp_path / f"stor-{n}.xlsx"
        path.write_bytes(b"PK\x03\x04" + os.urandom(11 * 1024 * 1024))
        big.append(str(path))
    page = login_as_admin(ui)
    history = page.inner_text("#imp-history")
    page.set_input_files("#imp-upload input[type=file]", big)
    status = page.locator("#imp-status")
    status.filter(has_text="for store").wait_for(timeout=60_000)
    text = status.inner_text()
    assert text.startswith("Ingenting er lastet opp: filene er til sammen for store")
    assert "stor-0.xlsx 11,0 MB" in text and "høyst 20 MB" in text
    assert page.inner_text("#imp-history") == history  # nothing was sent, nothing stored
