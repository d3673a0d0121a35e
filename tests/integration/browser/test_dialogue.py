"""Personal logins and the audit log in Chromium (issue 11, first part).

One app for this module, with OpenID Connect switched on against a real provider on
loopback (tests/oidc_provider.py) and local accounts made as the README says; the sample
data loaded. Every page is checked with axe-core and under the app's Content-Security-
Policy (a blocked form redirect or script would show as a violation or a console error).
"""

from __future__ import annotations

import re

import pytest

from dashboard.app import serve_in_thread
from dashboard.ingest.zones import ZoneRegistry
from dashboard.rights import SYSTEM
from dashboard.settings import ZONES_FILE, get_settings
from dashboard.store.db import get_engine
from dashboard.store.people import People
from tests.integration.browser.conftest import VIEWPORT, Page
from tests.integration.browser.test_csp import RECORD_VIOLATIONS
from tests.oidc_provider import Provider, oidc_settings

pytestmark = pytest.mark.browser

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture(scope="module")
def provider():
    with Provider() as provider:
        provider.set_user(
            "ola-sub", preferred_username="ola", name="Ola Uten Rolle", groups=["hjt-alle-ansatte"]
        )
        provider.set_user(
            "hege-sub", preferred_username="hege", name="Hege Helse", groups=["hjt-kommunalsjef"]
        )
        yield provider


@pytest.fixture(scope="module")
def site(provider, tmp_path_factory):
    directory = tmp_path_factory.mktemp("dialogue")
    settings = get_settings(
        database_url=f"sqlite:///{directory / 'dialog.sqlite'}",
        cache_type="SimpleCache",
        cache_dir=directory / "cache",
        load_sample_when_empty=True,
        secret_key="d" * 64,
        **oidc_settings(provider, directory),
    )
    url, stop = serve_in_thread(settings)
    people = People(get_engine(settings.database_url), ZoneRegistry.from_csv(ZONES_FILE))
    people.add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD, "Lise Leder")
    people.add(SYSTEM, "ada", ["admin"], [], PASSWORD, "Ada Admin")
    yield url
    stop()


@pytest.fixture
def ui(browser, site):
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    page = Page(context.new_page(), site)
    page.page.add_init_script(RECORD_VIOLATIONS)
    yield page
    violations = page.page.evaluate("window.__violations || []")
    context.close()
    assert not page.errors, f"browser console errors: {page.errors}"
    assert not violations, f"CSP violations: {violations}"


def expected_refusal(ui, status: int) -> None:
    """Chromium logs a page answered 401 or 403 as a console error; here it is the point."""
    ui.errors[:] = [e for e in ui.errors if f"status of {status}" not in e]


def left_provider(ui) -> None:
    """The provider's own pages ask for a stylesheet on the internet and a favicon it has
    not got; what they log is theirs, not the dashboard's."""
    ui.errors[:] = [
        e for e in ui.errors if "ERR_NAME_NOT_RESOLVED" not in e and "status of 404" not in e
    ]


def log_in(ui, username: str, password: str = PASSWORD, path: str = "/logg-inn?neste=/"):
    page = ui.open(path, ready="form")
    page.fill("#username", username)
    page.fill("#secret", password)
    page.get_by_role("button", name=re.compile("^(Logg inn|Log in)$")).click()
    page.wait_for_load_state("networkidle")
    return page


def test_dlg001_a_unit_leader_logs_in_with_user_name_and_password(ui):
    page = ui.open("/logg-inn", ready="form")
    assert page.get_by_label("Brukernavn").is_visible()
    assert page.get_by_role("link", name="Logg inn med Testleverandøren").is_visible()
    assert ui.axe_problems() == []
    page = log_in(ui, "lise", "feil-passord-her")
    assert page.get_by_role("alert").inner_text() == "Feil brukernavn eller passord. Prøv igjen."
    assert page.input_value("#username") == "lise"  # no need to type the name again
    assert ui.axe_problems() == []
    expected_refusal(ui, 401)
    page = log_in(ui, "lise", path="/logg-inn?neste=/sone/heimdal")
    page.wait_for_selector("#innhold h1")
    assert ui.path().startswith("/sone/heimdal")
    english = ui.open("/logg-inn?lang=en", ready="form")
    assert english.get_by_label("User name").is_visible()
    assert english.evaluate("document.documentElement.lang") == "en"
    assert ui.axe_problems() == []


def test_dlg002_a_unit_leader_is_refused_the_audit_log_on_the_server(ui):
    log_in(ui, "lise")
    response = ui.page.goto(ui.base_url + "/logg")
    assert response.status == 403
    assert ui.page.get_by_role("heading", name="Ingen tilgang").is_visible()
    assert ui.axe_problems() == []
    expected_refusal(ui, 403)


def test_dlg003_the_administrator_filters_and_pages_the_audit_log(ui):
    log_in(ui, "ada", path="/logg-inn?neste=/logg")
    page = ui.page
    page.wait_for_selector("#innhold h1")
    assert page.get_by_role("heading", level=1).inner_text() == "Hendelseslogg"
    table = page.locator(".log-table")
    assert "Lise Leder" in table.inner_text() and "Innlogging" in table.inner_text()
    assert ui.axe_problems() == []
    page.get_by_role("link", name="Innlogging og utlogging").click()
    page.wait_for_url(re.compile(r"/logg\?hva=login$"))
    page.wait_for_selector(".log-table")
    page.get_by_label("Hvem (navn eller bruker-ID)").fill("lise")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url(re.compile(r"hvem=lise"))
    page.wait_for_selector(".log-table")
    whos = page.locator(".log-table tbody tr td:nth-child(2)").all_inner_texts()
    assert whos and set(whos) == {"Lise Leder"}
    assert page.locator("[aria-current=true]").inner_text() == "Innlogging og utlogging"
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == "hendelseslogg.xlsx"
    page.goto(ui.base_url + "/logg?lang=en&fra=2000-01-01&til=2000-01-02")
    page.wait_for_selector("#innhold h1")
    assert page.get_by_role("status").inner_text() == "No events match the filters."
    assert ui.axe_problems() == []


def test_dlg004_an_oidc_login_a_no_access_page_and_a_logout_at_the_provider(ui, provider):
    page = ui.open("/logg-inn?neste=/mote", ready="form")
    page.get_by_role("link", name="Logg inn med Testleverandøren").click()
    page.wait_for_url(re.compile(re.escape(provider.url) + "/oauth2/authorize"))
    page.fill("input[name=sub]", "ola-sub")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_selector("h1")
    left_provider(ui)
    assert page.get_by_role("heading", level=1).inner_text() == "Ingen tilgang"
    assert "Ola Uten Rolle" in page.inner_text("main")
    assert ui.axe_problems() == []
    expected_refusal(ui, 403)
    # Someone with a role: in, and out again through the provider's own logout.
    page = ui.open("/logg-inn?neste=/mote", ready="form")
    page.get_by_role("link", name="Logg inn med Testleverandøren").click()
    page.wait_for_url(re.compile(re.escape(provider.url)))
    page.fill("input[name=sub]", "hege-sub")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(ui.base_url) + "/mote"))
    page.wait_for_selector("#innhold h1")
    left_provider(ui)
    # A logout form on one of our own pages, as the page shell's will be: the policy's
    # form-action must let its redirect on to the provider through.
    ui.open("/logg-inn", ready="form")
    token = page.get_attribute("input[name=csrf_token]", "value")
    page.evaluate(
        """token => {
            const form = document.createElement("form");
            form.method = "post"; form.action = "/logg-ut";
            const input = document.createElement("input");
            input.name = "csrf_token"; input.value = token; form.appendChild(input);
            document.body.appendChild(form); form.submit();
        }""",
        token,
    )
    page.wait_for_url(re.compile(re.escape(provider.url) + "/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(ui.base_url) + r"/(\?.*)?$"))
    page.wait_for_selector("#innhold h1")
    left_provider(ui)
    # Logged out here too: the audit log asks for a login again.
    page.goto(ui.base_url + "/logg")
    page.wait_for_selector("form")
    assert "/logg-inn" in page.url
