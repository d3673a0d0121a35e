"""The meeting deck as a story (issue 9): opening, what changed, the panels, a discussion
slide per flagged zone with the study's questions, the sources; rankings drawn as HTML."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.pages import meeting as page
from dashboard.views import meeting
from dashboard.views.meeting import meeting_deck, questions_for
from tests.unit.test_pages import find, texts
from tests.unit.test_panels import hand_made


def test_kio001_the_story_opens_shows_what_changed_the_panels_discussion_and_sources(
    ui_prepared,
):
    deck = meeting_deck(ui_prepared, "gjennomgang", 2021, "nb")
    keys = [s.key for s in deck]
    assert keys[:8] == [
        "intro",
        "changes",
        "council",
        "budget",
        "risk",
        "projects",
        "survey",
        "targets",
    ]
    # Most severe first: Saupstad's negative spiral (high) before the medium and low flags.
    assert keys[8:] == [
        "discuss-all",
        "discuss-saupstad",
        "discuss-heimdal",
        "discuss-tiller",
        "discuss-spongdal",
        "sources",
    ]
    opening = deck[0]
    assert opening.title == "Nettverksmøte 2021"
    assert opening.lead == "5 av 5 soner har komplette tall for 2021."
    assert opening.sections[0][1][-1] == "Samtale om Saupstad, Heimdal, Tiller og Spongdal"
    by_name = meeting_deck(ui_prepared, "gjennomgang", 2021, "nb", "alfabetisk")
    assert [s.key for s in by_name][9:13] == [
        "discuss-heimdal",
        "discuss-saupstad",
        "discuss-spongdal",
        "discuss-tiller",
    ]
    closing = deck[-1]
    assert "kvalitet-test.xlsx" in closing.sections[0][1][0]
    assert "studien" in closing.sections[0][1][1]


def test_kio002_what_changed_names_the_largest_moves_and_flags_that_came_and_went(ui_prepared):
    changes = meeting_deck(ui_prepared, "gjennomgang", 2021, "nb")[1]
    sections = dict(changes.sections)
    assert sections["Største endringer"][0] == "Nardo: Radikale prosjekter 1 → 2 (bedre)"
    # Closer to balance is better for the budget result.
    assert (
        "Tiller: Resultat i % av budsjett +1,0\u00a0% → −0,2\u00a0% (bedre)"
        in (sections["Største endringer"])
    )
    assert sections["Nye flagg"] == [
        "Saupstad: Negativ spiral",
        "Tiller: Ingen i brukerrådet",
        "Spongdal: Skjult brukerundersøkelse",
    ]
    assert sections["Flagg som er borte"] == ["Tiller: Lite fulgt opp i brukerrådet"]
    earliest = ui_prepared.years[0]
    first = meeting_deck(ui_prepared, "gjennomgang", earliest, "en")[1]
    assert first.lead == f"No figures for {earliest - 1} to compare with."
    assert not first.sections


def test_kio003_questions_fit_the_flags_and_the_money(ui_prepared):
    deck = {s.key: s for s in meeting_deck(ui_prepared, "gjennomgang", 2021, "en")}
    saupstad = deck["discuss-saupstad"]  # a negative spiral: no top-up to spend
    assert saupstad.questions[0] == t("q_topdown", "en")
    assert t("q_fund", "en") not in saupstad.questions
    assert deck["discuss-tiller"].questions[0] == t("q_council", "en")
    assert deck["discuss-all"].questions[0] == t("q_radical", "en")
    for slide in deck.values():
        if slide.kind == "discussion":
            assert 2 <= len(slide.questions) <= 3
    low_risk = [f for f in deck["discuss-saupstad"].flags]  # reuse a real Flag's shape
    risky = [low_risk[0].__class__("low_risk", 2, "◆", "Low", "1 of 5", "rule")]
    radical = [low_risk[0].__class__("no_radical", 1, "◇", "None", "none", "rule")]
    assert questions_for(risky, -1.0, "nb") == [t("q_radical", "nb"), t("q_learn", "nb")]
    assert questions_for(risky, 1.0, "nb")[0] == t("q_fund", "nb")
    assert questions_for(radical, 5.0, "nb")[0] == t("q_fund", "nb")  # a surplus could fund it


def test_kio004_follow_ups_come_from_the_page_to_the_zones_discussion_slide(ui_prepared):
    deck = meeting_deck(ui_prepared, "gjennomgang", 2021, "nb")
    assert all(
        s.followups == [] for s in deck if s.key.startswith("discuss-") and s.key != "discuss-all"
    )
    assert next(s for s in deck if s.key == "discuss-all").followups is None
    given = {"tiller": ["Oppfølging for tiller (åpen)"], "atlantis": ["ikke en sone"]}
    deck = {s.key: s for s in meeting_deck(ui_prepared, "gjennomgang", 2021, "nb", "flagg", given)}
    assert deck["discuss-tiller"].followups == ["Oppfølging for tiller (åpen)"]
    assert all(
        s.followups == []
        for k, s in deck.items()
        if k.startswith("discuss-") and k not in ("discuss-all", "discuss-tiller")
    )


def test_kio005_the_budget_ranking_has_the_band_and_labels_in_their_own_column(ui_app):
    deck = page.layout(ar="2021", lysbilde="4")
    ranking = find(deck, id="mote-slide-3-ranking")[0]
    assert "Grense ±3 %" in texts(ranking) and "Median +0,5 %" in texts(ranking)
    band = [n for n in _walk(ranking) if getattr(n, "className", "") == "rank-band"]
    # −3 % to +3 % on a span of ±5,75 % (the largest result, +5,0 %, and a little room).
    assert band[0].style == {"left": "23.91%", "width": "52.18%"}
    rows = [n for n in _walk(ranking) if type(n).__name__ == "Tr"][1:]
    first = rows[0].children
    assert (first[0].children, first[2].children) == ("Heimdal", "+5,0\u00a0%")
    saupstad = next(r.children for r in rows if r.children[0].children == "Saupstad")
    bar = saupstad[1].children.children[-1]
    assert bar.className == "rank-bar negative"
    # No axis at all: counts are said once per zone, never as repeated ticks.
    projects = find(page.layout(ar="2021", lysbilde="6"), id="mote-slide-5-ranking")[0]
    assert "rank-axis" not in str(projects)


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_kio006_a_ranking_of_many_zones_shows_both_ends(monkeypatch):
    zones = [f"z{i:02d}" for i in range(30)]
    p = hand_made(
        [{"zone_id": z, "year": 2021, "risk_tolerance": 1 + i % 5} for i, z in enumerate(zones)]
    )
    slide = meeting.panel_slide(p, "risk", 2021, "nb")
    assert len(slide.ranking) == meeting.RANKED_SHOWN and slide.left_out == 14
    table = page.ranking_table(0, slide, 2021, "nb")
    assert "… 14 soner til mellom disse" in texts(table)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_kio007_the_kiosk_has_no_header_menu_or_export_but_a_control_bar(ui_app, lang):
    deck = page.layout(lang=lang, auto="30")
    kinds = {type(n).__name__ for n in _walk(deck)}
    assert not kinds & {"Header", "Nav"} - {"Nav"} and "Footer" not in kinds
    said = texts(deck)
    assert t("mote_exit", lang) in said and t("mote_fullscreen", lang) in said
    assert t("export_xlsx", lang) not in said and t("nav_label", lang) not in said
    assert find(deck, id="mote-timer")[0].interval == 30_000
    pressed = [
        n
        for n in _walk(deck)
        if isinstance(getattr(n, "id", None), dict)
        and n.id.get("type") == "mote-auto"
        and getattr(n, "aria-pressed", None) == "true"
    ]
    assert [n.id["value"] for n in pressed] == [30]
    assert find(deck, id="mote-pause")[0].hidden is False
    assert find(page.layout(lang=lang), id="mote-pause")[0].hidden is True
