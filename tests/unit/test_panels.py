"""View models, called directly: what a user would read on each page."""

from __future__ import annotations

from dashboard.decks import compare, meeting_deck
from dashboard.panels import flags_for, overview, spiral_runs
from dashboard.zone_view import zone_panel, zone_panels

NBSP = "\u00a0"


def _row(model, zone_id):
    return next(r for r in model.rows if r.zone_id == zone_id)


def test_ovw001_flags_a_head_would_act_on(ui_prepared):
    model = overview(ui_prepared, 2021, "nb")
    kinds = {r.zone_id: {f.kind for f in r.flags} for r in model.rows}
    assert "spiral" in kinds["saupstad"]  # overspent 2020 and 2021
    assert "no_council" in kinds["tiller"]  # the council met without Tiller
    assert "suppressed" in kinds["spongdal"]  # three answers
    assert "no_radical" in kinds["heimdal"]
    assert kinds["nardo"] == set()
    spiral = next(f for f in _row(model, "saupstad").flags if f.kind == "spiral")
    assert spiral.text == "Negativ spiral: inntrekk 2 år på rad"


def test_ovw002_cells_in_norwegian_and_withheld_scores_as_colon(ui_prepared):
    model = overview(ui_prepared, 2021, "nb")
    labels = [m.key for m in model.columns]
    heimdal = dict(zip(labels, _row(model, "heimdal").cells, strict=True))
    assert heimdal["council_followup_rate"] == f"90{NBSP}%"
    assert heimdal["carry_over"] == f"1{NBSP}350{NBSP}000{NBSP}kr"
    assert heimdal["survey_informasjon"] == "4,0"
    spongdal = dict(zip(labels, _row(model, "spongdal").cells, strict=True))
    assert {spongdal[k] for k in labels if k.startswith("survey_")} == {":"}
    saupstad = dict(zip(labels, _row(model, "saupstad").cells, strict=True))
    assert saupstad["carry_over"] == f"\u22121{NBSP}680{NBSP}000{NBSP}kr"


def test_ovw003_sorting_puts_missing_values_last(ui_prepared):
    model = overview(ui_prepared, 2021, "nb", sort="oppfolging", descending=True)
    assert [r.zone_id for r in model.rows] == ["heimdal", "spongdal", "nardo", "saupstad", "tiller"]
    assert model.sort_label("nb") == "Andel innspill fulgt opp"
    ascending = overview(ui_prepared, 2021, "nb", sort="oppfolging")
    assert ascending.rows[0].zone_id == "saupstad" and ascending.rows[-1].zone_id == "tiller"
    unknown = overview(ui_prepared, 2021, "nb", sort="<script>")
    assert unknown.sort == "sone"


def test_ovw004_municipal_median_row(ui_prepared):
    model = overview(ui_prepared, 2021, "en")
    median = dict(zip([m.key for m in model.columns], model.median, strict=True))
    assert median["council_followup_rate"] == "55%"  # median of 90, 50, 40, 60
    assert median["survey_informasjon"] == "4.3"  # the withheld score stays out


def test_ovw005_flag_summary_and_spiral_history(ui_prepared):
    summary = {flag.kind: zones for flag, zones in overview(ui_prepared, 2021, "nb").summary}
    assert summary["spiral"] == ["saupstad"]
    assert spiral_runs(ui_prepared) == [("saupstad", 2020, 2021)]


def test_ovw006_no_flags_without_data():
    assert flags_for(None, 5, "nb") == []
    assert flags_for({"council_meetings": None, "projects_radical": None}, 5, "nb") == []


def test_zon001_user_council_against_median_and_rank(ui_prepared):
    view = zone_panel(ui_prepared, "heimdal", 2021, "council", "nb")
    assert view.sentence == (
        f"I 2021 fulgte Heimdal opp 90{NBSP}% av innspillene i brukerrådet (9 av 10), mot en "
        f"median på 55{NBSP}% for alle soner: nr. 1 av 4 soner."
    )
    assert ("Rangering", "nr. 1 av 4 soner") in view.facts
    assert view.table.column("År") == ["2020", "2021"]


def test_zon002_budget_band_and_carry_over_in_words(ui_prepared):
    heimdal = zone_panel(ui_prepared, "heimdal", 2021, "budget", "nb")
    assert "mindreforbruk på 3 000 000 kr" in heimdal.sentence.replace(NBSP, " ")
    assert "utenfor grensen" in heimdal.sentence
    assert "påplussing på 1 350 000 kr" in heimdal.sentence.replace(NBSP, " ")
    saupstad = zone_panel(ui_prepared, "saupstad", 2021, "budget", "nb")
    assert "merforbruk" in saupstad.sentence and "inntrekk" in saupstad.sentence
    assert [f.text for f in saupstad.flags] == ["Negativ spiral: inntrekk 2 år på rad"]
    carry = saupstad.table.column("Overføring til neste år")
    assert carry[-1].replace(NBSP, " ") == "inntrekk 1 680 000 kr"


def test_zon003_radical_projects_and_who_started_them(ui_prepared):
    view = zone_panel(ui_prepared, "nardo", 2021, "projects", "nb")
    assert ("Radikale prosjekter 2021", "2") in view.facts
    assert view.notes == [
        "Radikale prosjekter 2021: Nabomøter (Innbyggere, bottom-up); Innbyggerpanel "
        "(Universitetskommunen, top-down)."
    ]
    rows = {r[0]: r for r in view.projects.rows}
    assert rows["Innbyggerpanel"][4] == "3 Borgere i problemløsning (radikal)"
    assert rows["Innbyggerpanel"][5] == "Universitetskommunen (top-down)"
    assert rows["Innbyggerpanel"][6] == "Sent"
    assert rows["Turvenner"][2] == "Ja"


def test_zon004_withheld_survey_is_never_a_number(ui_prepared):
    view = zone_panel(ui_prepared, "spongdal", 2021, "survey", "nb")
    assert view.sentence == "Resultatene for Spongdal i 2021 vises ikke: færre enn 5 svar."
    assert set(view.table.column("2021")) == {":"}
    assert view.series["value"].isna().all()
    assert set(view.series["value_text"]) == {":"}
    assert dict(view.facts)["Tjenestekvalitet 2021"] == ":"


def test_zon005_empty_state_for_a_year_without_data(ui_prepared):
    views = {v.key: v for v in zone_panels(ui_prepared, "heimdal", 2019, "nb")}
    assert views["council"].empty and views["council"].sentence == "Ingen data for valgt år"
    assert not views["projects"].empty  # Turvenner ran in 2019
    assert views["council"].source.startswith("Kilde: kvalitet-test.xlsx (importert ")


def test_zon006_english_panels(ui_prepared):
    view = zone_panel(ui_prepared, "heimdal", 2021, "council", "en")
    assert view.title == "User council"
    assert view.sentence.startswith("In 2021, Heimdal followed up 90% of its inputs")
    assert zone_panel(ui_prepared, "heimdal", 2019, "council", "en").sentence == (
        "No data for the selected year"
    )


def test_cmp001_own_zone_against_chosen_zones_and_median(ui_prepared):
    model = compare(ui_prepared, "heimdal", ["nardo", "nowhere"], 2021, "nb")
    assert model.own == "heimdal" and model.others == ["nardo"]
    first = model.sentences[0].replace(NBSP, " ")
    assert first == "Andel innspill fulgt opp 2021: Heimdal 90 %, Nardo 50 %; median 55 %."
    assert set(model.frame["series"]) == {"Heimdal", "Nardo", "Median alle soner"}


def test_cmp002_withheld_scores_in_the_comparison(ui_prepared):
    model = compare(ui_prepared, "spongdal", [], 2021, "nb")
    survey = next(s for s in model.sentences if s.startswith("Informasjon"))
    assert "Spongdal : (færre enn 5 svar)" in survey
    row = next(r for r in model.table.rows if r[0] == "Informasjon – Spongdal")
    assert row[-1] == ":"


def test_mot001_zone_deck_opens_with_the_flags(ui_prepared):
    deck = meeting_deck(ui_prepared, "soner", 2021, "nb")
    assert [s.key for s in deck] == ["intro", "heimdal", "nardo", "saupstad", "spongdal", "tiller"]
    assert {f.kind for f, _ in deck[0].summary} >= {"spiral", "no_council"}
    spongdal = deck[4]
    assert dict((label, value) for label, value, _ in spongdal.facts)["Tjenestekvalitet"] == ":"


def test_mot002_panel_deck_ranks_all_zones(ui_prepared):
    deck = meeting_deck(ui_prepared, "paneler", 2021, "en")
    assert [s.key for s in deck] == ["intro", "council", "budget", "risk", "projects", "survey"]
    council = deck[1]
    assert next(iter(council.ranking["zone"])) == "Heimdal"
    assert council.lead.startswith("Share of inputs followed up 2021: median 55%")
    survey = deck[-1]
    assert survey.ranking.iloc[-1]["text"] == ": fewer than 5 answers"
