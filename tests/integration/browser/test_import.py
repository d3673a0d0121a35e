"""The import page in a real browser: login, upload, the report, the history and undo."""

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
    status.filter(has_text="filer importert").wait_for(timeout=60_000)
    assert status.inner_text() == "1 av 2 filer importert eller uendret, 1 avvist."
    assert status.get_attribute("role") == "status"
    results = page.inner_text("#imp-results")
    assert "regnskap-2022.xlsx – Importert" in results
    assert "feil-2022.xlsx – Avvist" in results and "Mente du «Heimdal»" in results
    assert page.is_visible("#imp-errors-button")
    with page.expect_download() as download:
        page.click("#imp-errors-button")
    assert download.value.suggested_filename == "importfeil.xlsx"
    history = page.inner_text("#imp-history")
    assert "regnskap-2022.xlsx" in history and "nettleser" in history
    assert ui.axe_problems() == []

    # The new year is on the zone page, then gone again after undo.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Angre siste import")
    status.filter(has_text="er angret").wait_for(timeout=30_000)
    assert "regnskap-2022.xlsx" in status.inner_text()
    assert "Angret" in page.inner_text("#imp-history")
