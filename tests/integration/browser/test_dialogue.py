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
        notes_poll_seconds=2,
        **oidc_settings(provider, directory),
    )
    url, stop = serve_in_thread(settings)
    people = People(get_engine(settings.database_url), ZoneRegistry.from_csv(ZONES_FILE))
    people.add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD, "Lise Leder")
    people.add(SYSTEM, "ada", ["admin"], [], PASSWORD, "Ada Admin")
    people.add(SYSTEM, "kari", ["kommunalsjef"], [], PASSWORD, "Kari Kommunalsjef")
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


# ---------------------------------------------------------------- notes in the pages


def notes_of(site_url: str):
    from dashboard.data import get_store
    from dashboard.store.notes import Notes

    return Notes.for_store(get_store())


def hover_marker(page, panel) -> None:
    """Point at the chart's note marker (plotly's drag layer lies over the points, so the
    mouse is moved there, as a person's would be)."""
    marker = panel.locator(".js-plotly-plot .scatterlayer .trace").last.locator(".point").first
    marker.wait_for()
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 - 3, box["y"] + box["height"] / 2 - 3)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)


def wait_ready(page):
    page.wait_for_selector("#innhold h1")
    page.wait_for_load_state("networkidle")


def test_dlg005_a_unit_leader_writes_on_the_budget_panel_and_sees_it_on_chart_and_table(ui):
    page = log_in(ui, "lise", path="/logg-inn?neste=/sone/heimdal?ar=2021")
    wait_ready(page)
    panel = page.locator(".panel-budget")
    text = "Underskuddet i 2021 skyldes nye senger, besluttet i fjor."
    panel.get_by_label(re.compile("Nytt notat om budsjett")).fill(text)
    panel.get_by_role("button", name="Lagre notat").click()
    panel.locator(".dlg-message").filter(has_text="Notatet er lagret.").wait_for()
    # Beside the panel
    panel.locator(".dlg-notes .dlg-text").filter(has_text=text).wait_for()
    # On the chart, at its year: a marker whose hover shows the text
    names = page.evaluate(
        "[...document.querySelectorAll('.panel-budget .js-plotly-plot')].flatMap("
        "g => g.data.map(t => t.name + ':' + (t.x || []).join(',')))"
    )
    assert "Notat:2021" in names
    hover_marker(page, panel)
    page.locator(".hoverlayer").filter(has_text="nye senger").wait_for()
    # And in the panel's table, for screen readers
    panel.get_by_text("Vis tallene som tabell").click()
    table = panel.locator(".chart-table table")
    assert "Notater" in table.locator("thead").inner_text()
    assert text in table.locator("tbody tr", has_text="2021").inner_text()
    assert ui.axe_problems() == []
    # In English
    page.goto(ui.base_url + "/sone/heimdal?ar=2021&lang=en")
    wait_ready(page)
    english = page.locator(".panel-budget")
    assert english.get_by_role("button", name="Save note").is_visible()
    assert english.get_by_role("heading", name="Notes 2021").is_visible()
    assert text in english.inner_text()
    assert ui.axe_problems() == []


def test_dlg006_a_unit_leader_cannot_write_on_another_zone_even_when_forging(ui):
    page = log_in(ui, "lise", path="/logg-inn?neste=/sone/tiller?ar=2021")
    wait_ready(page)
    assert page.locator(".dlg-textarea").count() == 0  # no form offered
    from tests.notes_requests import action_body

    deps = page.evaluate("fetch('/_dash-dependencies').then(r => r.json())")
    token = page.evaluate(
        "fetch('/logg-inn').then(r => r.text())"
        """.then(t => t.match(/name="csrf_token" value="([^"]+)"/)[1])"""
    )
    forged = action_body(
        deps,
        {
            "budget": {
                "target": {"zone": "tiller", "year": 2021, "panel": "budget", "lang": "nb"},
                "text": "Forfalsket notat",
                "editing": None,
            }
        },
        {"type": "dlg-save", "form": "budget"},
        token=token,
    )
    before = notes_of(ui.base_url).list(zones=["tiller"])
    answer = page.evaluate(
        """body => fetch('/_dash-update-component', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
            .then(r => r.text())""",
        forged,
    )
    assert "Du har ikke rett" in answer
    assert notes_of(ui.base_url).list(zones=["tiller"]) == before


def slide_of(page, zone_name: str) -> int:
    """The position of a zone's slide: its discussion slide in the story deck."""
    titles = page.evaluate("[...document.querySelectorAll('.slide h2')].map(h => h.textContent)")
    return titles.index(f"Samtale: {zone_name}") + 1


def test_dlg007_the_health_head_opens_a_follow_up_sees_it_on_overview_and_deck_and_closes_it(ui):
    page = log_in(ui, "kari", path="/logg-inn?neste=/sone/tiller?ar=2021")
    wait_ready(page)
    section = page.locator(".dialogue-panel")
    text = "Legg fram en plan for brukerrådet før sommeren."
    section.get_by_label(re.compile("Nytt notat om sonen")).fill(text)
    section.get_by_label(re.compile("Frist")).fill("2030-06-01")
    section.get_by_role("button", name="Lagre som oppfølging").click()
    section.locator(".dlg-message").filter(has_text="Oppfølgingen er lagret.").wait_for()
    section.locator(".dlg-note", has_text=text).wait_for()
    assert "Åpen · frist 1. juni 2030" in section.locator(".dlg-note", has_text=text).inner_text()
    assert ui.axe_problems() == []
    # On the overview, next to Tiller's flags, and in the list of open follow-ups
    page.goto(ui.base_url + "/?ar=2021")
    wait_ready(page)
    row = page.locator(".overview-table tbody tr", has_text="Tiller")
    assert "Oppfølging: 1" in row.inner_text()
    assert text in page.locator(".followup-list").inner_text()
    assert ui.axe_problems() == []
    page.goto(ui.base_url + "/?ar=2021&lang=en")
    wait_ready(page)
    assert (
        "Follow-up: 1" in page.locator(".overview-table tbody tr", has_text="Tiller").inner_text()
    )
    assert ui.axe_problems() == []
    # In the meeting deck, on Tiller's slide
    page.goto(ui.base_url + "/mote?ar=2021")
    wait_ready(page)
    page.goto(ui.base_url + f"/mote?ar=2021&lysbilde={slide_of(page, 'Tiller')}")
    wait_ready(page)
    slide = page.locator(".slide:not([hidden])")
    assert text in slide.locator(".slide-dialogue").inner_text()
    assert ui.axe_problems() == []
    # Closed on the zone page: gone from the overview
    page.goto(ui.base_url + "/sone/tiller?ar=2021")
    wait_ready(page)
    note = page.locator(".dialogue-panel .dlg-note", has_text=text)
    note.get_by_role("button", name="Merk som ferdig").click()
    page.locator(".dialogue-panel .dlg-message").filter(has_text="Ny status: Ferdig.").wait_for()
    page.goto(ui.base_url + "/?ar=2021")
    wait_ready(page)
    assert text not in page.inner_text("#innhold")


def test_dlg008_a_note_written_in_the_meeting_appears_at_once_on_the_other_screens(ui, browser):
    from tests.integration.browser.conftest import VIEWPORT, Page

    wall = Page(browser.new_context(viewport=VIEWPORT).new_page(), ui.base_url)
    wall.open("/mote?ar=2021")
    position = slide_of(wall.page, "Heimdal")
    wall.open(f"/mote?ar=2021&lysbilde={position}")
    page = log_in(ui, "kari", path=f"/logg-inn?neste=/mote?ar=2021%26lysbilde={position}")
    wait_ready(page)
    slide = page.locator(".slide:not([hidden])")
    text = "Vi prøver primærkontakt i to team fra høsten."
    slide.locator(".slide-write summary").click()  # folded, so the slide fits the screen
    slide.get_by_label(re.compile("Skriv et notat om Heimdal")).fill(text)
    slide.get_by_role("button", name="Lagre notat").click()
    slide.locator(".dlg-message").filter(has_text="Notatet er lagret.").wait_for()
    slide.locator(".dlg-text", has_text=text).wait_for()
    # The wall screen, not logged in, polls every 2 s (DASHBOARD_NOTES_POLL_SECONDS here).
    wall.page.locator(".slide:not([hidden]) .dlg-text", has_text=text).wait_for(timeout=10_000)
    assert wall.page.locator(".slide:not([hidden]) .dlg-textarea").count() == 0
    assert wall.axe_problems() == []
    assert ui.axe_problems() == []
    wall.page.context.close()
    assert not wall.errors, wall.errors


def test_dlg009_an_xss_attempt_in_a_note_stays_text(ui):
    attack = '<img src=x onerror="window.__hit=1"> [klikk](javascript:window.__hit=2)'
    dialogs: list[str] = []
    ui.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = log_in(ui, "lise", path="/logg-inn?neste=/sone/heimdal?ar=2020")
    wait_ready(page)
    panel = page.locator(".panel-council")
    panel.get_by_label(re.compile("Nytt notat om brukerråd")).fill(attack)
    panel.get_by_role("button", name="Lagre notat").click()
    shown = panel.locator(".dlg-notes .dlg-text").first
    shown.wait_for()
    assert shown.inner_text() == attack  # the characters themselves, as text
    assert panel.locator(".dlg-notes img").count() == 0
    assert panel.locator(".dlg-notes a").count() == 0
    hover_marker(page, panel)
    label = page.locator(".hoverlayer").filter(has_text="onerror")
    label.wait_for()
    assert label.locator("image, img, a").count() == 0
    assert page.evaluate("window.__hit === undefined") and dialogs == []
