"""Every page works in Chromium under the app's Content-Security-Policy.

Chromium reports a blocked script, style, image or connection both as a console error
(which the `ui` fixture fails on) and as a `securitypolicyviolation` event, which each
page here records from before the first script runs.
"""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture then fails in CI and skips elsewhere
    expect = None

from tests.integration.browser.conftest import ADMIN_SECRET

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
PAGES = ["/", "/sone/heimdal", "/sammenlign", "/mote", "/import", "/logg-inn", "/?lang=en"]


def _violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def _policy_of(ui, path: str) -> str:
    response = ui.page.goto(ui.base_url + path)
    return response.headers["content-security-policy"]


def test_sec200_every_page_runs_under_the_policy(ui):
    ui.page.add_init_script(RECORD_VIOLATIONS)
    for path in PAGES:
        policy = _policy_of(ui, path)
        assert "script-src 'self' 'sha256-" in policy or path == "/logg-inn", path
        assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
        ui.page.wait_for_selector("#innhold h1")
        ui.page.wait_for_load_state("networkidle")
        if path in {"/sone/heimdal", "/sammenlign"}:
            ui.page.wait_for_selector(".js-plotly-plot .main-svg")
        assert _violations(ui.page) == [], path
    assert ui.errors == []


def test_sec201_interaction_stays_inside_the_policy(ui):
    """Callbacks, plotly redraws, clientside callbacks and the admin's import page."""
    page = ui.page
    page.add_init_script(RECORD_VIOLATIONS)
    ui.open("/sone/heimdal")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    page.get_by_role("button", name="2019", exact=True).click()
    expect(page).to_have_url(ui.base_url + "/sone/heimdal?ar=2019")
    page.locator(".js-plotly-plot").first.hover()
    ui.open("/mote")
    page.keyboard.press("ArrowRight")
    ui.open("/logg-inn?neste=/import")
    page.fill("#secret", ADMIN_SECRET)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(ui.base_url + "/import")
    page.wait_for_selector("#innhold h1")
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []


def test_sec202_the_policy_does_block_what_it_should(browser, base_url):
    """The checks above can fail: an injected inline script is blocked and reported."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(base_url + "/mote")
    page.wait_for_selector("#innhold h1")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in _violations(page))
    assert any("Content Security Policy" in e for e in errors)
    context.close()
