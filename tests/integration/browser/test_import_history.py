"""The import page in a real browser: what each import changed, opened from its history row
by keyboard, and a page left open past the CSRF time limit, which asks to be reloaded."""

from __future__ import annotations

import time

from tests.integration.browser.conftest import Page
from tests.integration.browser.test_import import login_as_admin
from tests.reliability.harness import ADMIN_SECRET, Gunicorn
from tests.workbooks import ECONOMY_HEADER, write_xlsx


def _open_changes(page, button):
    """Open a history row's "what changed" by keyboard; returns the row it controls."""
    assert button.get_attribute("aria-expanded") == "false"
    row = page.locator(f"[id='{button.get_attribute('aria-controls')}']")
    assert row.is_hidden()
    button.focus()
    page.keyboard.press("Enter")
    row.filter(has_text="rader for").or_(row.filter(has_text="rows for")).wait_for(timeout=30_000)
    assert button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == (
        button.get_attribute("aria-controls")
    )
    return row


def test_imp_brw010_each_import_in_the_history_opens_what_it_changed(ui, tmp_path):
    page = login_as_admin(ui)
    path = write_xlsx(
        tmp_path / "endringer-2022.xlsx",
        {
            "Økonomi": [
                ECONOMY_HEADER,
                [2022, "Heimdal", 61_000_000, 60_000_000, 48_000_000],
                [2022, "Tiller", 50_000_000, 49_000_000, 40_000_000],
            ]
        },
    )
    page.set_input_files("#imp-upload input[type=file]", [str(path)])
    status = page.locator("#imp-status")
    status.filter(has_text="importert").wait_for(timeout=60_000)
    undo = page.locator("#imp-undo-button")
    batch = undo.inner_text().removeprefix("Angre import nr. ").split(" ")[0]

    button = page.locator("#imp-history").get_by_role(
        "button", name=f"Hva endret seg med import nr. {batch} (endringer-2022.xlsx)"
    )
    assert button.inner_text() == "Hva endret seg"
    row = _open_changes(page, button)
    text = row.inner_text()
    assert "Økonomi: 2 rader for 2022 (2 soner)" in text, text
    links = {a.inner_text(): a.get_attribute("href") for a in row.locator("a").all()}
    assert links["Oversikt 2022"] == "/?ar=2022"
    assert links["Heimdal"] == "/sone/heimdal?ar=2022" and "Tiller" in links
    assert ui.axe_problems() == []

    # Space closes it again, and the focus stays on the button.
    page.keyboard.press("Space")
    row.wait_for(state="hidden", timeout=30_000)
    assert button.get_attribute("aria-expanded") == "false"

    # The sample's own batches, in English, for someone who is not the admin too.
    page = ui.open("/import?lang=en")
    sample = page.locator("#imp-history").get_by_role("button", name="What changed").last
    row = _open_changes(page, sample)
    assert "rows for" in row.inner_text() and row.locator("a[href^='/?ar=']").count() >= 1
    assert ui.axe_problems() == []

    # Leave the shared store as it was: undo the upload.
    page = ui.open("/import")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#imp-undo-button").click()
    page.locator("#imp-status").filter(has_text="er angret").wait_for(timeout=30_000)


def test_imp_brw011_a_page_open_past_the_csrf_limit_asks_to_be_reloaded(browser, tmp_path):
    """DASHBOARD_CSRF_TIME_LIMIT of 4 s on a server of its own (the shared one keeps 1 h)."""
    big = write_xlsx(
        tmp_path / "sent.xlsx",
        {"Økonomi": [ECONOMY_HEADER, [2021, "Heimdal", 61_000_000, 60_000_000, 48_000_000]]},
    )
    env = {"DASHBOARD_CSRF_TIME_LIMIT": "4"}
    with Gunicorn(tmp_path / "server", workers=1, env=env) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        ui = Page(context.new_page(), server.base_url)
        try:
            page = ui.open("/logg-inn?neste=/import", ready="form")
            page.fill("#secret", ADMIN_SECRET)
            page.click("button[type=submit]")
            page.wait_for_selector("#imp-undo-button:not([disabled])")
            page.wait_for_load_state("networkidle")
            history = page.inner_text("#imp-history")
            page.on("dialog", lambda dialog: dialog.accept())
            time.sleep(5)

            status = page.locator("#imp-status")
            page.set_input_files("#imp-upload input[type=file]", [str(big)])
            status.filter(has_text="utløpt").wait_for(timeout=30_000)
            assert "Last den på nytt før du importerer eller angrer" in status.inner_text()
            page.locator("#imp-status").get_by_role("link", name="Last siden på nytt").wait_for()
            page.locator("#imp-undo-button").click()
            status.filter(has_text="Ingenting er endret").wait_for(timeout=30_000)
            assert page.inner_text("#imp-history") == history  # nothing imported or undone

            page.locator("#imp-status").get_by_role("link", name="Last siden på nytt").click()
            page.wait_for_selector("#imp-undo-button:not([disabled])")
            page.locator("#imp-undo-button").click()
            status.filter(has_text="er angret").wait_for(timeout=30_000)
            assert ui.axe_problems() == []
        finally:
            context.close()
        assert not ui.errors, ui.errors
