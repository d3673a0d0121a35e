"""Page layouts and callbacks called as plain functions, and once through Dash itself."""

from __future__ import annotations

import json

import pytest
from dash import html

from dashboard import data
from dashboard.app import create_app
from dashboard.components import page_shell, shell_link_values
from dashboard.data import current
from dashboard.pages import compare, meeting, overview, zone
from dashboard.urls import make_view

NBSP = "\u00a0"


def walk(component):
    """Every component in a layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def texts(component) -> str:
    """All the text a user could read in a layout, joined by spaces."""
    words = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int | float):
                words.append(str(child))
    return " ".join(words).replace(NBSP, " ")


def plain_nodes(value):
    """Every component of a callback answer sent as plain JSON: (type, props) pairs."""
    if isinstance(value, dict) and "props" in value:
        yield value["type"], value["props"]
        value = value["props"].get("children")
    for child in value if isinstance(value, list) else [value]:
        if isinstance(child, dict | list):
            yield from plain_nodes(child)


def plain_text(value) -> str:
    words = []
    for _type, props in plain_nodes(value):
        children = props.get("children")
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str | int | float):
                words.append(str(child))
    return " ".join(words).replace(NBSP, " ")


def find(component, **props):
    return [n for n in walk(component) if all(getattr(n, k, None) == v for k, v in props.items())]


def by_type(component, name):
    return [n for n in walk(component) if type(n).__name__ == name]


def test_pag001_overview_shows_flags_links_and_median(ui_app):
    page = overview.layout(ar="2021")
    text = texts(page)
    assert "Negativ spiral" in text and "inntrekk 2 år på rad" in text
    assert "Median alle soner" in text
    links = {n.children: n.href for n in by_type(page, "Link") if isinstance(n.children, str)}
    assert links["Saupstad"] == "/sone/saupstad?ar=2021"
    assert "Eksempeldata" not in text  # the fixture store is not the sample


def test_pag002_overview_in_english_keeps_state_in_links(ui_app):
    page = overview.layout(ar="2021", sorter="oppfolging", retning="synkende", lang="en")
    text = texts(page)
    assert "Negative spiral" in text and "Sorted by Share of inputs followed up" in text
    lang_link = find(page, id={"type": "shell-link", "name": "lang"})[0]
    assert lang_link.href == "/?ar=2021&sorter=oppfolging&retning=synkende"
    store = find(page, id={"type": "view", "page": "oversikt"})[0]
    assert store.data["href"] == "/?ar=2021&sorter=oppfolging&retning=synkende&lang=en"


def test_pag003_overview_sort_click_flips_direction(ui_app):
    assert overview.next_sort({"sorter": "oppfolging", "retning": "synkende"}, "oppfolging") == {
        "sorter": "oppfolging",
        "retning": "stigende",
    }
    assert overview.next_sort(None, "sone") == {"sorter": "sone", "retning": "synkende"}
    assert overview.next_sort({"sorter": "oppfolging", "retning": "synkende"}, "sone") == {
        "sorter": "sone",
        "retning": "stigende",
    }
    _flags, table, _notes, state, view = overview.update_view(
        current(), 2021, None, "oppfolging", "nb"
    )
    assert state == {"sorter": "oppfolging", "retning": "synkende"}
    body = next(props for kind, props in plain_nodes(table) if kind == "Tbody")
    assert plain_text(body["children"][0]).startswith("Heimdal")
    assert view["href"] == "/?ar=2021&sorter=oppfolging&retning=synkende"
    sorted_header = [p for kind, p in plain_nodes(table) if kind == "Th" and "aria-sort" in p]
    assert len(sorted_header) == 1


def test_pag004_zone_page_has_five_panels_with_sources(ui_app):
    page = zone.layout(zone_id="heimdal", ar="2021")
    headings = [n.children for n in by_type(page, "H2")]
    assert headings == [
        "Notater og oppfølginger",  # the zone's notes and open follow-ups (issue 11)
        "Brukerråd",
        "Budsjett og ±3 %-regelen",
        "Risikovilje",
        "Samskapingsprosjekter",
        "Brukerundersøkelse",
        "Mål og kvalitet",
    ]
    text = texts(page)
    assert "mot en median på 55 % for alle soner" in text
    assert "Kilde: enheter-test.xlsx (importert " in text
    assert len(by_type(page, "Graph")) == 6
    assert all(len(by_type(d, "Table")) == 1 for d in by_type(page, "Details"))


def test_pag005_zone_callback_redraws_in_place(ui_app):
    values = zone.update("spongdal", 2021, {"lang": "nb", "default_zone": "heimdal"})
    assert values[0] == "Sone Spongdal"
    assert values[1]["href"] == "/sone/spongdal?ar=2021"
    survey = values[4 + 4 * 8 : 4 + 5 * 8]
    sentence, figure = survey[0], survey[1]
    assert sentence == "Resultatene for Spongdal i 2021 vises ikke: færre enn 5 svar."
    points = next(d for d in figure["data"] if d["name"] == "Spongdal 2021")
    assert all(x is None for x in points["x"])  # no marker, so no hover can show a number
    assert ": færre enn 5 svar" in [a["text"] for a in figure["layout"]["annotations"]]
    # A second call for the same view is served from the version's memo, unchanged.
    again = zone.update("spongdal", 2021, {"lang": "nb"})
    assert again[4:] == values[4:] and "default_zone" not in again[1]  # never echoed back


def test_pag006_zone_empty_state(ui_app):
    values = zone.update("heimdal", 2019, {"lang": "nb"})
    council = values[4:12]
    assert council[6] is False and council[7] is True  # empty state shown, body hidden
    page = zone.layout(zone_id="heimdal", ar="2019")
    assert "Ingen data for valgt år" in texts(page)


def test_pag007_unknown_zone_says_so(ui_app):
    page = zone.layout(zone_id="atlantis")
    assert "Fant ingen sone «atlantis»" in texts(page)


def test_pag008_compare_page_and_callback(ui_app):
    page = compare.layout(soner="heimdal,nardo", ar="2021")
    assert "Heimdal 90 %, Nardo 50 %; median 55 %" in texts(page)
    figure, summary, _sentences, _table, _notes, view = compare.update(
        "nardo", ["heimdal", "nardo"], 2021, {"lang": "en"}
    )
    assert view["href"] == "/sammenlign?soner=nardo,heimdal&ar=2021&lang=en"
    assert "15 small charts" in summary and "whole scale" in summary
    assert len(figure["data"]) == 15 * 3


def test_pag009_meeting_deck_position_from_the_url(ui_app):
    page = meeting.layout(visning="soner", lysbilde="3", ar="2021")
    slides = [
        n
        for n in walk(page)
        if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "mote-slide"
    ]
    assert len(slides) == 6
    assert [s.hidden for s in slides] == [True, True, False, True, True, True]
    assert "Side 3 av 6" in texts(page)
    assert find(page, id="mote-timer")[0].disabled is True
    timed = meeting.layout(visning="paneler", lysbilde="99", auto="20")
    assert "Side 7 av 7" in texts(timed)  # the opening slide and one per panel
    assert find(timed, id="mote-timer")[0].interval == 20_000


def test_shl001_shell_landmarks_skip_link_and_links(ui_app):
    view = make_view("sone", "en", zone="nardo", ar=2021)
    page = page_shell(html.P("x"), "en", "sone", current().dataset, view)
    kinds = [type(n).__name__ for n in page.children]
    assert kinds[:5] == ["A", "Header", "Nav", "Main", "Footer"]
    assert page.children[0].href == "#innhold" and page.children[3].id == "innhold"
    hrefs = {
        n.id["name"]: n.href
        for n in walk(page)
        if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "shell-link"
    }
    assert hrefs["nav-import"] == "/import?lang=en"
    assert hrefs["nav-oversikt"] == "/?ar=2021&lang=en"
    assert hrefs["nav-sammenlign"] == "/sammenlign?soner=nardo&ar=2021&lang=en"
    assert hrefs["export-xlsx"] == "/eksport?format=xlsx&side=sone&ar=2021&soner=nardo&lang=en"
    assert hrefs["export-csv"] == "/eksport?format=csv&side=sone&ar=2021&soner=nardo&lang=en"
    assert hrefs["lang"] == "/sone/nardo?ar=2021"
    assert "Download Excel" in texts(page)


def test_shl002_import_page_shell_has_no_export_links(ui_app):
    page = page_shell([html.H1("Importer data")], "nb", "import", current().dataset)
    names = {
        n.id["name"]
        for n in walk(page)
        if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == "shell-link"
    }
    assert "export-xlsx" not in names and "nav-import" in names
    assert shell_link_values(make_view("import", "en"), ["lang", "nav-mote"]) == [
        "/import",
        "/mote?lang=en",
    ]


def test_shl003_sample_data_is_labelled(ui_sample_settings):
    app = create_app(ui_sample_settings)
    with app.server.app_context():
        data.reset()
        page = overview.layout()
        assert "Eksempeldata" in texts(page)
        assert "Sample data" in texts(overview.layout(lang="en"))
        data.reset()


@pytest.fixture
def client(ui_settings):
    app = create_app(ui_settings)
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # first request builds the validation layout
    return client


def _dispatch(client, output, outputs, inputs, state=()):
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]


def test_app001_router_renders_pages_through_dash(client):
    out = _dispatch(
        client,
        ".._pages_content.children..._pages_store.data..",
        [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        [
            {"id": "_pages_location", "property": "pathname", "value": "/sone/heimdal"},
            {"id": "_pages_location", "property": "search", "value": "?ar=2021&lang=en"},
        ],
    )
    body = json.dumps(out, ensure_ascii=False)
    assert "Zone Heimdal" in body and "Sample data" not in body


def test_app002_each_callback_is_registered_once(client):
    deps = json.loads(client.get("/_dash-dependencies").data)
    outputs = [d["output"] for d in deps]
    assert len(outputs) == len(set(outputs))
    second = create_app(_settings_of(client)).server.test_client()
    second.get("/")
    assert len(json.loads(second.get("/_dash-dependencies").data)) == len(deps)


def _settings_of(client):
    from dashboard.data import get_store

    with client.application.app_context():
        return get_store().settings


def test_app003_zone_callback_through_dash(client):
    deps = json.loads(client.get("/_dash-dependencies").data)
    spec = next(d for d in deps if "zone-title.children" in d["output"])
    outputs = [
        {"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
        for o in spec["output"].strip(".").split("...")
    ]
    for o in outputs:
        if o["id"].startswith("{"):
            o["id"] = json.loads(o["id"])
    # A pattern output is the list of components it matches: here the year buttons.
    outputs = [
        [{"id": {**o["id"], "value": y}, "property": o["property"]} for y in (2020, 2021)]
        if isinstance(o["id"], dict) and o["id"].get("value") == ["ALL"]
        else o
        for o in outputs
    ]
    out = _dispatch(
        client,
        spec["output"],
        outputs,
        [
            {"id": "zone-select", "property": "data", "value": "tiller"},
            {"id": "zone-year", "property": "data", "value": 2021},
        ],
        [
            {
                "id": {"type": "view", "page": "sone"},
                "property": "data",
                "value": {"lang": "nb", "default_zone": "heimdal"},
            }
        ],
    )
    assert out["zone-title"]["children"] == "Sone Tiller"
    summary = out["zone-council-summary"]["children"]
    assert summary == "I 2021 deltok ingen fra Tiller i brukerrådet."


def test_pag010_every_page_builds_on_an_empty_store(settings):
    """Layouts, callbacks and exports with nothing imported (the validation layout and a
    fresh install build them so)."""
    app = create_app(settings)
    with app.server.test_request_context():
        data.reset()
        for layout, query in [
            (overview.layout, {}),
            (zone.layout, {}),
            (zone.layout, {"zone_id": "heimdal"}),
            (compare.layout, {"soner": "heimdal,nardo"}),
            (meeting.layout, {}),
            (meeting.layout, {"visning": "paneler"}),
        ]:
            assert "Ingen" in texts(layout(**query)) or layout is not zone.layout
        assert zone.update("heimdal", None, {})[0] == "Sone Heimdal"
        assert overview.update_view(current(), None, None, "flagg", "nb")[3]["sorter"] == "flagg"
        data.reset()
    client = app.server.test_client()
    for url in ("/eksport?format=xlsx&side=sone&soner=heimdal", "/eksport?format=csv"):
        assert client.get(url).status_code == 200


def test_pag011_a_value_no_page_can_format_is_a_dash_not_a_500(ui_settings, tmp_path, caplog):
    """Issue 7, item 7: an amount of 1e28 and an infinite result, written straight into the
    store past the importer, give every page a visible dash and a warning in the log."""
    from sqlalchemy import update

    from dashboard.store.db import FACT_TABLES
    from tests.unit.conftest import fixture_store

    store = fixture_store(ui_settings, tmp_path)
    settings = store.settings
    economy = FACT_TABLES["economy"]
    with store.engine.begin() as conn:
        conn.execute(
            update(economy)
            .where(economy.c.zone_id == "heimdal", economy.c.year == 2021)
            .values(budget=1e28, actual=float("-inf"))
        )
    app = create_app(settings)
    client = app.server.test_client()
    with caplog.at_level("WARNING"):
        for path in ("/", "/sone/heimdal?ar=2021", "/sammenlign?soner=heimdal", "/mote"):
            assert client.get(path).status_code == 200, path
        with app.server.test_request_context():
            data.reset()
            values = zone.update("heimdal", 2021, {"lang": "nb"})
            budget = values[4 + 8 : 4 + 2 * 8]
            assert budget[0].startswith("Resultatet for Heimdal i 2021 kan ikke vises")
            page = overview.layout(ar="2021")
            deck = meeting.layout(visning="paneler", ar="2021")
            assert "e+28" not in texts(page) + texts(deck)
            data.reset()
        for url in ("/eksport?format=xlsx&side=sone&soner=heimdal", "/eksport?format=csv"):
            assert client.get(url).status_code == 200, url
    assert any("unusable value left out: heimdal 2021" in r.getMessage() for r in caplog.records)
