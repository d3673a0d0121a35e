"""The URL grammar: one parser for every page's state, lenient for links, strict for callbacks."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from dashboard import urls

KNOWN = urls.Known(zones=("heimdal", "nardo", "tiller"), years=(2020, 2021), default_year=2021)


def test_url001_a_stale_or_edited_link_falls_back_to_defaults():
    state = urls.parse(
        "oversikt", {"ar": "1999", "sorter": "<script>", "retning": "opp", "lang": "de"}, KNOWN
    )
    assert (state.lang, state.get("ar"), state.get("sorter"), state.get("retning")) == (
        "nb",
        2021,
        "sone",
        "stigende",
    )
    assert urls.parse("oversikt", {"ar": ["2020", "2021"]}, KNOWN).get("ar") == 2021


def test_url002_zone_lists_are_deduplicated_and_capped_to_known_zones():
    state = urls.parse("sammenlign", {"soner": "nardo,heimdal,nardo,atlantis," * 5000}, KNOWN)
    assert state.get("soner") == ["nardo", "heimdal"]
    repeated = MultiDict([("soner", "tiller"), ("soner", "nardo,tiller")])
    assert urls.parse("eksport", repeated, KNOWN).get("soner") == ["tiller", "nardo"]


def test_url003_pages_and_the_export_share_one_grammar():
    state = urls.parse(
        "eksport",
        MultiDict({"format": "csv", "side": "sone", "soner": "nardo", "ar": "2020", "x": "y"}),
        KNOWN,
    )
    assert state.query == {
        "format": "csv",
        "side": "sone",
        "tabell": "indikatorer",
        "ar": 2020,
        "soner": ["nardo"],
        "sorter": "sone",
        "retning": "stigende",
    }
    assert urls.href("sone", "en", zone="nardo", ar=2020) == "/sone/nardo?ar=2020&lang=en"
    assert urls.export_href("csv", "oversikt", 2021, [], "nb", sort="oppfolging") == (
        "/eksport?format=csv&side=oversikt&ar=2021&sorter=oppfolging&lang=nb"
    )


@pytest.mark.parametrize(
    ("param", "value"),
    [
        (urls.YEAR, "2021"),
        (urls.YEAR, 9999),
        (urls.YEAR, True),
        (urls.ZONE, "atlantis"),
        (urls.ZONE, ["nardo"]),
        (urls.ZONES, ["nardo", "nardo"]),
        (urls.ZONES, ["nardo", "heimdal", "tiller", "heimdal"]),
        (urls.ZONES, "nardo"),
        (urls.SORT_STATE, {"sorter": "oppfolging", "retning": "opp"}),
        (urls.SORT_STATE, {"sorter": "oppfolging", "extra": 1}),
        (urls.VIEW, ["x"]),
        (urls.VIEW, {"lang": "de"}),
        (urls.CLICKS, -1),
        (urls.Text(5), "toolong"),
    ],
)
def test_url004_callback_values_a_page_could_not_send_are_invalid(param, value):
    with pytest.raises(urls.Invalid):
        param.check(value, KNOWN)


def test_url005_callback_values_a_page_sends_are_valid():
    for param, value in [
        (urls.YEAR, 2021),
        (urls.YEAR, None),
        (urls.ZONE, "nardo"),
        (urls.ZONES, ["nardo", "tiller"]),
        (urls.SORT_STATE, {"sorter": "oppfolging", "retning": "synkende"}),
        (urls.VIEW, {"lang": "en", "page": "x", "anything": 1}),
        (urls.CLICKS, 3),
    ]:
        param.check(value, KNOWN)


def test_url006_a_view_from_the_browser_is_parsed_again():
    hostile = {
        "page": "sammenlign",
        "zone": "<b>",
        "lang": "en",
        "query": {"soner": "nardo,nardo,atlantis", "ar": "1800", "x": "y"},
        "href": "javascript:alert(1)",
        "default_zone": "atlantis",
    }
    view = urls.parse_view(hostile, KNOWN)
    assert view["href"] == "/sammenlign?soner=nardo&ar=2021&lang=en"
    assert "default_zone" not in view and view["zone"] is None
    assert urls.parse_view({"page": "../../etc"}, KNOWN) is None
