"""One real app and one headless Chromium for the whole browser session.

The app runs in a thread on a free loopback port with its own SQLite file holding the
bundled sample data, exactly as the README's run command loads it. Chromium is Debian's
(`/usr/bin/chromium`); Playwright never downloads a browser here. When it is missing the
tests fail in CI (env CI set) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1920, "height": 1080}
SERIOUS = {"serious", "critical"}
ADMIN_SECRET = "nettleser-admin"


def _missing(message: str):
    """No browser to test with: a failure in CI (env CI set), a skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _require_chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright is not installed: pip install playwright axe-playwright-python")
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        _missing(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    return path


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    from dashboard.app import serve_in_thread
    from dashboard.settings import get_settings

    directory = tmp_path_factory.mktemp("browser")
    settings = get_settings(
        database_url=f"sqlite:///{directory / 'ui.sqlite'}",
        cache_type="SimpleCache",
        cache_dir=directory / "cache",
        load_sample_when_empty=True,
        admin_secret=ADMIN_SECRET,
    )
    url, stop = serve_in_thread(settings)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A Playwright page that remembers console errors and can run axe-core."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str, ready: str = "#innhold h1"):
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector(ready)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def axe_problems(self) -> list[str]:
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(self.page)
        return [
            f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result.response["violations"]
            if v["impact"] in SERIOUS
        ]


@pytest.fixture
def ui(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    page = Page(context.new_page(), base_url)
    yield page
    context.close()
    assert not page.errors, f"browser console errors: {page.errors}"
