"""No dead ends (issue 9): a real 404 with the app's frame, a zone chooser, an unknown zone
said by name, pages that say there is no data yet, and the new URL parameters."""

from __future__ import annotations

import json

import pytest
from plotly.io.json import to_json_plotly

from dashboard import data, urls
from dashboard.app import create_app
from dashboard.pages import compare, meeting, not_found_404, overview, zone, zones
from tests.unit.test_pages import texts


@pytest.fixture
def client(ui_settings):
    return create_app(ui_settings).server.test_client()


def test_scr001_unknown_addresses_get_a_404_status_and_pages_a_200(client):
    for path in (
        "/",
        "/sone",
        "/sone/",
        "/sone/heimdal",
        "/sone/heimdal/",
        "/sammenlign",
        "/mote",
        "/import",
        "/?lang=en",
    ):
        assert client.get(path).status_code == 200, path
    for path in (
        "/finnes-ikke",
        "/sone/atlantis",
        "/sone/heimdal/x",
        "/oversikt",
        "/404",
        "/sone/Heimdal?lang=en",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"_dash-config" in response.data  # the app itself, to show its own page
    # Dash's own files, the export and the API keep their statuses.
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/healthz").status_code == 200
    # The log page is a page (for administrators; others get the login or 403 first).
    assert client.get("/logg").status_code != 404


def test_scr009_the_browsers_favicon_address_leads_to_dashs_icon(client):
    # Asked for by every page Dash does not serve (the login form): never a 404.
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.location.endswith("/_favicon.ico")
    icon = client.get("/_favicon.ico")
    assert icon.status_code == 200 and icon.mimetype.startswith("image/")


def test_scr002_the_404_page_has_the_frame_and_ways_on_in_the_chosen_language(ui_app):
    page = not_found_404.layout(lang="en")
    text = texts(page)
    assert "Page not found" in text and "Go to the overview of the zones" in text
    assert "Heimdal" in text and "Tiller" in text
    kinds = [type(n).__name__ for n in page.children]
    assert kinds[:5] == ["A", "Header", "Nav", "Main", "Footer"]
    assert "/sone/heimdal?lang=en" in _said(page)
    store = page.children[-1]
    assert store.data["href"] == ""  # the address bar keeps what the reader typed
    assert "Fant ikke siden" in texts(not_found_404.layout())


def test_scr003_an_unknown_zone_is_named_with_the_zones_to_choose_from(ui_app):
    page = zone.layout(zone_id="atlantis")
    text = texts(page)
    assert "Fant ingen sone «atlantis»" in text
    assert "Heimdal" in text and "Nardo" in text
    assert "Ingen data for valgt år" not in text  # no empty panels
    assert page.children[-1].data["href"] == ""
    long = zone.layout(zone_id="x" * 500, lang="en")
    assert "No zone called “" + "x" * 40 + "”" in texts(long)


def test_scr004_the_zone_chooser_lists_every_zone_and_keeps_the_year(ui_app):
    page = zones.layout(ar="2020", lang="en")
    text = _said(page)
    for zone_id in ("heimdal", "nardo", "saupstad", "spongdal", "tiller"):
        assert f"/sone/{zone_id}?ar=2020&lang=en" in text
    assert "Choose zone" in texts(page)


def _said(component) -> str:
    """Every string in a layout: text, titles, labels, links, stores."""
    return json.dumps(json.loads(to_json_plotly(component)), ensure_ascii=False)


@pytest.fixture
def empty_app(settings):
    app = create_app(settings)
    with app.server.test_request_context():
        data.reset()
        yield app
        data.reset()


def test_scr005_every_page_says_there_is_no_data_yet_and_never_none(empty_app):
    layouts = [
        overview.layout(),
        overview.layout(lang="en", ar="2021"),
        zone.layout(zone_id="heimdal"),
        compare.layout(soner="heimdal,nardo"),
        meeting.layout(),
        meeting.layout(visning="paneler", lang="en"),
        meeting.layout(visning="soner"),
        zones.layout(),
        not_found_404.layout(),
    ]
    for page in layouts:
        said = _said(page)
        assert "None" not in said, said[:2000]
    for page in layouts[:7]:
        text = texts(page)
        assert "Ingen data ennå" in text or "No data yet" in text, text[:500]
        assert "/import" in _said(page)
    assert "Be administratoren" in texts(layouts[0])  # not logged in: who to ask


def test_scr006_new_url_parameters_are_parsed_and_checked():
    known = urls.Known(zones=("heimdal",), years=(2021,), default_year=2021)
    state = urls.parse("oversikt", {"skjul": "risiko,undersokelse,risiko,x"}, known)
    assert state.get("skjul") == ["undersokelse", "risiko"]  # the table's own order
    assert urls.href("oversikt", "nb", skjul=["risiko"]) == "/?skjul=risiko"
    urls.HIDDEN_GROUPS.check(["okonomi", "avtale"], known)
    for bad in (["okonomi", "okonomi"], ["x"], "okonomi", [1], ["a"] * 50):
        with pytest.raises(urls.Invalid):
            urls.HIDDEN_GROUPS.check(bad, known)
    deck = urls.parse("mote", {"rekkefolge": "alfabetisk", "visning": "paneler"}, known)
    assert (deck.get("rekkefolge"), deck.get("visning")) == ("alfabetisk", "paneler")
    default = urls.parse("mote", {"rekkefolge": "tilfeldig"}, known)
    assert (default.get("rekkefolge"), default.get("visning")) == ("flagg", "gjennomgang")
    assert urls.parse("rapport", {"ar": "2021"}, known).get("ar") == 2021


def test_scr007_the_overview_key_says_its_margins():
    from dashboard.components import legend
    from tests.unit.test_pages import texts as said

    for lang in ("nb", "en"):
        text = said(legend(lang, 5, cues=True))
        assert "{" not in text, text
    assert "med mer enn 0,2 og på andeler med mer enn 5 prosentpoeng" in said(
        legend("nb", 5, cues=True)
    )


def test_scr008_column_groups_can_be_hidden_and_the_url_remembers(ui_app):
    from dashboard.data import current

    page = overview.layout(ar="2021", skjul="okonomi,risiko")
    table = _said(page)
    assert "Økonomi" not in texts(find_id(page, "ovw-table"))
    assert "Brukerråd" in texts(find_id(page, "ovw-table"))
    store = page.children[-1].data
    assert store["href"] == "/?ar=2021&skjul=okonomi,risiko"
    assert '"aria-pressed": "false"' in table  # the hidden groups' buttons are not pressed
    shown = ["undersokelse", "brukerrad", "prosjekter", "avtale", "risiko"]
    _flags, body, _notes, _state, view = overview.update_view(
        current(), 2021, None, None, "en", shown=shown
    )
    header = json.dumps(body, ensure_ascii=False)
    assert "Budget" not in header and "Risk" in header
    assert view["href"] == "/?ar=2021&skjul=okonomi&lang=en"
    everything = overview.update_view(current(), 2021, None, None, "nb", shown=None)[4]
    assert "skjul" not in everything["href"]


def find_id(component, element_id):
    from tests.unit.test_pages import find

    return find(component, id=element_id)[0]
