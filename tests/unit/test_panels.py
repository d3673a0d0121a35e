"""View models, called directly: what a user would read on each page."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import pytest

from dashboard.data import Dataset, Prepared
from dashboard.indicators import COLUMNS
from dashboard.settings import get_settings
from dashboard.views.common import median_text, rank_text, year_choices
from dashboard.views.compare import compare
from dashboard.views.flags import flag_summary, flags_for, spiral_runs
from dashboard.views.meeting import meeting_deck, ranking_lead
from dashboard.views.overview import overview
from dashboard.views.zone import zone_panel, zone_panels

NBSP = "\u00a0"


def _row(model, zone_id):
    return next(r for r in model.rows if r.zone_id == zone_id)


def _cells(model, zone_id):
    return {m.key: c.text for m, c in zip(model.columns, _row(model, zone_id).cells, strict=True)}


def hand_made(rows: list[dict], zones=None, **settings) -> Prepared:
    """A Prepared over a hand-made indicator table: {zone_id, year, column: value, …}."""
    frame = pd.DataFrame(rows)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["zone"] = frame["zone_id"].str.capitalize()
    ids = zones or list(dict.fromkeys(frame["zone_id"]))
    zone_table = pd.DataFrame(
        {
            "id": ids,
            "name": [z.capitalize() for z in ids],
            "active_from": [None] * len(ids),
        }
    )
    dataset = Dataset(
        "1:0",
        frame[COLUMNS],
        zone_table,
        pd.DataFrame(columns=["table", "batch_id", "file_name", "imported_at"]),
        5,
        years=sorted(int(y) for y in frame["year"].unique()),
    )
    return Prepared.build(dataset, get_settings(**settings))


# ---------------------------------------------------------------- overview


def test_ovw001_flags_a_head_would_act_on(ui_prepared):
    model = overview(ui_prepared, 2021, "nb")
    kinds = {r.zone_id: {f.kind for f in r.flags} for r in model.rows}
    assert kinds["saupstad"] == {"spiral"}  # overspent 2020 and 2021
    assert kinds["tiller"] == {"no_council"}  # the council met without Tiller
    assert kinds["spongdal"] == {"suppressed"}  # three answers
    assert kinds["heimdal"] == {"targets"}  # 1 of 3 measured goals reached
    assert kinds["nardo"] == set()
    # Four of five zones have no radical project: one note, not four flags.
    assert model.summary.common_kinds == {"no_radical"}
    spiral = next(f for f in _row(model, "saupstad").flags if f.kind == "spiral")
    assert spiral.text == "Negativ spiral: inntrekk 2 år på rad"
    assert spiral.rule == "Regel: inntrekk 2 år på rad eller mer."


def test_ovw002_cells_in_norwegian_and_withheld_scores_as_colon(ui_prepared):
    model = overview(ui_prepared, 2021, "nb")
    heimdal = _cells(model, "heimdal")
    assert heimdal["council_followup_rate"] == f"90{NBSP}%"
    assert heimdal["carry_over"] == f"+1{NBSP}350{NBSP}000{NBSP}kr"
    assert heimdal["survey_informasjon"] == "4,0"
    assert heimdal["goals_reached_share"] == "1 av 3"
    spongdal = _cells(model, "spongdal")
    assert {spongdal[k] for k in spongdal if k.startswith("survey_")} == {":"}
    assert _cells(model, "saupstad")["carry_over"] == f"\u22121{NBSP}680{NBSP}000{NBSP}kr"


def test_ovw003_sorting_puts_missing_values_last(ui_prepared):
    model = overview(ui_prepared, 2021, "nb", sort="oppfolging", descending=True)
    assert [r.zone_id for r in model.rows] == ["heimdal", "spongdal", "nardo", "saupstad", "tiller"]
    assert model.sort_label("nb") == "Andel innspill fulgt opp"
    ascending = overview(ui_prepared, 2021, "nb", sort="oppfolging")
    assert ascending.rows[0].zone_id == "saupstad" and ascending.rows[-1].zone_id == "tiller"
    assert overview(ui_prepared, 2021, "nb", sort="<script>").sort == "sone"
    # The flag column sorts by severity: the negative spiral (high) first.
    by_flags = overview(ui_prepared, 2021, "nb", sort="flagg", descending=True)
    assert by_flags.rows[0].zone_id == "saupstad" and by_flags.rows[-1].zone_id == "nardo"


def test_ovw004_municipal_median_row(ui_prepared):
    model = overview(ui_prepared, 2021, "en")
    median = dict(zip([m.key for m in model.columns], model.median, strict=True))
    assert median["council_followup_rate"] == "55%"  # median of 90, 50, 40, 60
    assert median["survey_informasjon"] == "4.3"  # the withheld score stays out


def test_ovw005_flag_summary_and_spiral_history(ui_prepared):
    summary = flag_summary(ui_prepared, 2021, "nb")
    zones = {g.rule.kind: [z for z, _ in g.zones] for g in summary.groups}
    assert zones["spiral"] == ["saupstad"]
    assert spiral_runs(ui_prepared) == [("saupstad", 2020, 2021)]
    common = summary.common[0]
    assert common.note.startswith("Ingen radikal samskaping i 2021: 4 av 5 soner.")


def test_ovw006_no_flags_without_data(ui_prepared):
    assert flags_for(ui_prepared, "heimdal", 2015, "nb") == []
    bare = hand_made([{"zone_id": "a", "year": 2020}])
    assert flags_for(bare, "a", 2020, "nb") == []


def test_ovw007_cells_compared_with_the_median_and_the_band_in_words(ui_prepared):
    model = overview(ui_prepared, 2021, "nb")
    rate = [m.key for m in model.columns].index("council_followup_rate")
    result = [m.key for m in model.columns].index("result_pct")
    heimdal = _row(model, "heimdal").cells
    assert (heimdal[rate].cue, heimdal[rate].symbol) == ("better", "+")
    assert heimdal[rate].said == "bedre enn medianen"
    assert (_row(model, "saupstad").cells[rate].cue) == "worse"
    # Heimdal's underspend of 5 % of budget is outside the band; Saupstad's −2,9 % is not.
    assert heimdal[result].cue == "under" and heimdal[result].symbol == "!"
    assert _row(model, "saupstad").cells[result].cue is None
    trend = _row(model, "heimdal").trend
    assert trend.text.endswith("enn i 2020")


# ---------------------------------------------------------------- medians and ranks


def test_num001_medians_of_whole_numbers_keep_their_half():
    p = hand_made(
        [
            {"zone_id": z, "year": 2019, "council_meetings": m, "risk_tolerance": r}
            for z, m, r in (("a", 3, 3), ("b", 4, 4), ("c", 5, 3), ("d", 6, 4))
        ]
        + [{"zone_id": z, "year": 2020, "council_meetings": m} for z, m in (("a", 3), ("b", 4))]
        + [{"zone_id": "c", "year": 2020, "council_meetings": 5}]
    )
    assert median_text(p, 2019, "council_meetings", "nb") == "4,5"  # not 4 (half to even)
    assert median_text(p, 2019, "risk_tolerance", "nb") == "3,5"
    assert median_text(p, 2020, "council_meetings", "nb") == "4"  # whole: no decimal


def test_num002_medians_over_a_handful_of_zones_say_so():
    rows = [{"zone_id": z, "year": 2021, "projects_radical": 1} for z in "abcdefgh"]
    rows[0]["result_pct"] = 0.0143
    p = hand_made(rows)
    assert median_text(p, 2021, "result_pct", "nb") == f"+1,4{NBSP}% (1 sone)"
    assert median_text(p, 2021, "projects_radical", "nb") == "1"


def test_num003_scores_round_half_up():
    p = hand_made(
        [{"zone_id": z, "year": 2021, "survey_samhandling": s} for z, s in (("a", 4.3), ("b", 4.4))]
    )
    assert median_text(p, 2021, "survey_samhandling", "nb") == "4,4"


def test_num004_competition_ranks_say_their_ties():
    values = {"a": 5, "b": 3, "c": 3, **dict.fromkeys("defghijklm", 0)}
    p = hand_made([{"zone_id": z, "year": 2021, "projects_radical": v} for z, v in values.items()])
    assert rank_text(p.rank("a", 2021, "projects_radical"), "nb") == "nr. 1 av 13 soner"
    assert rank_text(p.rank("b", 2021, "projects_radical"), "nb") == "delt 2.–3. av 13 soner"
    assert rank_text(p.rank("m", 2021, "projects_radical"), "nb") == "delt 4.–13. av 13 soner"
    assert rank_text(p.rank("m", 2021, "projects_radical"), "en") == "tied 4–13 of 13 zones"
    # Lower is better for late entry; everyone equal is one tie over all.
    late = hand_made([{"zone_id": z, "year": 2021, "projects_late_entry": 0} for z in "abc"])
    assert rank_text(late.rank("a", 2021, "projects_late_entry"), "nb") == "delt 1.–3. av 3 soner"


def test_num005_meeting_slides_name_ties_or_count_them():
    frame = pd.DataFrame(
        {
            "zone": ["Klæbu", "Nardo", "Tiller", *[f"Z{i}" for i in range(8)], "Y"],
            "value": [5.3, 5.3, 5.3, *[0] * 8, 2],
            "text": ["5,3", "5,3", "5,3", *["0"] * 8, "2"],
        }
    )
    lead = ranking_lead(frame, "Radikale", 2021, "0", "nb")
    assert lead == (
        "Radikale 2021: median 0; høyest: Klæbu, Nardo og Tiller (5,3); lavest: 8 soner har 0."
    )
    equal = frame.assign(value=0, text="0")
    assert ranking_lead(equal, "Radikale", 2017, "0", "nb") == "Radikale 2017: alle 12 soner har 0."


def test_num006_the_meeting_deck_uses_competition_ranks(ui_prepared):
    deck = meeting_deck(ui_prepared, "paneler", 2021, "nb")
    projects = next(s for s in deck if s.key == "projects")
    # Four zones tied at 0 radical projects: counted, not one of them named "lowest".
    assert projects.lead == (
        "Radikale prosjekter 2021: median 0; høyest: Nardo (2); lavest: 4 soner har 0."
    )


# ---------------------------------------------------------------- partial years and membership


def test_num007_a_partial_year_never_takes_over(tmp_path, ui_settings):
    from dashboard.data import build_dataset
    from tests.unit.conftest import fixture_store
    from tests.workbooks import economy_rows, write_xlsx

    store = fixture_store(ui_settings, tmp_path)
    settings = store.settings
    late = write_xlsx(
        tmp_path / "2022.xlsx", {"Økonomi": economy_rows([2022, "Heimdal", 100, 90, 80])}
    )
    assert store.import_path(late).outcome == "imported"
    p = Prepared.build(build_dataset(store), settings)
    assert p.years[-1] == 2022
    assert p.default_year() == 2021
    gaps = {name: (c.have, c.of) for name, c in p.partial(2022)}
    assert gaps["economy"] == (1, 5) and gaps["survey"] == (0, 5)
    assert "projects" in gaps  # the register covers 2019–2021 only
    assert p.partial(2021) == []
    labels = [c.label for c in year_choices(p, "nb")]
    assert labels[-2:] == ["2021", "2022 (delvis)"]
    model = overview(p, 2022, "nb")
    assert model.notes[0].startswith("2022 er ufullstendig: brukerundersøkelse for 0 av 5 soner")
    assert "økonomi for 1 av 5 soner" in model.notes[0]
    assert all(c.cue is None for r in model.rows for c in r.cells)
    assert median_text(p, 2022, "result_pct", "nb").endswith("(1 sone)")
    assert meeting_deck(p, "soner", p.default_year(), "nb")[0].title == "Nettverksmøte 2021"


def test_num008_a_zone_before_it_joined_says_so():
    rows = [{"zone_id": z, "year": y, "council_meetings": 3} for z in "ab" for y in (2019, 2020)]
    p = hand_made([r for r in rows if (r["zone_id"], r["year"]) != ("b", 2019)])
    p.joined["b"] = date(2020, 1, 1)
    view = zone_panel(p, "b", 2019, "council", "nb")
    assert view.empty and view.empty_text == (
        "B ble en del av Trondheim 1.1.2020, og har ingen tall for årene før."
    )
    choices = {c.value: c.disabled for c in year_choices(p, "nb", "b")}
    assert choices == {2019: True, 2020: False}
    assert p.active_zones(2019) == ["a"]


# ---------------------------------------------------------------- values a page cannot format


def test_num009_an_unformattable_value_is_a_dash_with_a_warning(caplog):
    rows = [
        {"zone_id": "a", "year": 2021, "result": 1e28, "result_pct": float("-inf"), "budget": 1e9},
        {"zone_id": "b", "year": 2021, "result": 1000.0, "result_pct": 0.01, "budget": 1e5},
    ]
    with caplog.at_level(logging.WARNING):
        p = hand_made(rows)
        model = overview(p, 2021, "nb")
        cells = _cells(model, "a")
        panels = zone_panels(p, "a", 2021, "nb")
    assert cells["result_pct"] == "–"
    budget = next(v for v in panels if v.key == "budget")
    assert dict(budget.facts)["Resultat"] == "–" and "1e+28" not in str(budget.table.rows)
    assert any("result" in r.getMessage() for r in caplog.records)
    assert budget.sentence.startswith("Resultatet for A i 2021 kan ikke vises")
    # The median leaves the unusable value out (and says how few zones it is over).
    assert median_text(p, 2021, "result", "nb") == f"+1{NBSP}000{NBSP}kr (1 sone)"


# ---------------------------------------------------------------- the zone page


def test_zon001_user_council_against_median_and_rank(ui_prepared):
    view = zone_panel(ui_prepared, "heimdal", 2021, "council", "nb")
    assert view.sentence == (
        f"I 2021 fulgte Heimdal opp 90{NBSP}% av innspillene i brukerrådet (9 av 10), mot en "
        f"median på 55{NBSP}% for alle soner: nr. 1 av 4 soner."
    )
    assert ("Rangering", "nr. 1 av 4 soner") in view.facts
    assert view.table.column("År") == ["2020", "2021"]
    sources = view.table.column("Kilde")
    assert sources[1].startswith("kvalitet-test.xlsx, Brukerråd, rad ")


def test_zon002_budget_result_against_budget_and_the_cap_explained(ui_prepared):
    heimdal = zone_panel(ui_prepared, "heimdal", 2021, "budget", "nb")
    sentence = heimdal.sentence.replace(NBSP, " ")
    assert "mindreforbruk på 3 000 000 kr (+5,0 % av budsjettet, utenfor grensen" in sentence
    assert "påplussing på 1 350 000 kr" in sentence
    facts = {k: v.replace(NBSP, " ") for k, v in heimdal.facts}
    assert facts["Resultat i % av budsjett 2021"] == "+5,0 %"
    assert facts["Tak for overføring (3 % av lønnskostnadene)"] == "1 350 000 kr"
    assert heimdal.notes[0].replace(NBSP, " ") == (
        "Mindreforbruket var 3 000 000 kr, men påplussingen er begrenset til 3 % av "
        "lønnskostnadene (1 350 000 kr): de resterende 1 650 000 kr overføres ikke."
    )
    saupstad = zone_panel(ui_prepared, "saupstad", 2021, "budget", "nb")
    assert "merforbruk" in saupstad.sentence and "inntrekk" in saupstad.sentence
    assert [f.text for f in saupstad.flags] == ["Negativ spiral: inntrekk 2 år på rad"]
    carry = saupstad.table.column("Overføring til neste år")
    assert carry[-1].replace(NBSP, " ") == "inntrekk 1 680 000 kr"
    assert "wage" not in " ".join(
        view.key for view in zone_panels(ui_prepared, "nardo", 2021, "nb")
    )


def test_zon003_radical_projects_and_who_started_them(ui_prepared):
    view = zone_panel(ui_prepared, "nardo", 2021, "projects", "nb")
    assert ("Radikale prosjekter 2021", "2") in view.facts
    assert view.notes == [
        "Radikale prosjekter 2021: Nabomøter (Innbyggere, bottom-up); Innbyggerpanel "
        "(Universitetskommunen, top-down)."
    ]
    rows = {r[0]: r for r in view.listing.rows}
    assert rows["Innbyggerpanel"][4] == "3 Borgere i problemløsning (radikal)"
    assert rows["Innbyggerpanel"][5] == "Universitetskommunen (top-down)"
    assert rows["Innbyggerpanel"][6] == "Sent"
    assert rows["Turvenner"][2] == "Ja"
    assert rows["Turvenner"][-1].startswith("enheter-test.xlsx, Samskapingsprosjekter, rad ")
    assert view.listing.note == ""  # all four fit


def test_zon004_withheld_survey_is_never_a_number(ui_prepared):
    view = zone_panel(ui_prepared, "spongdal", 2021, "survey", "nb")
    assert view.sentence == "Resultatene for Spongdal i 2021 vises ikke: færre enn 5 svar."
    assert set(view.table.column("2021")) == {":"}
    assert view.series["value"].isna().all()
    assert set(view.series["value_text"]) == {":"}
    assert dict(view.facts)["Tjenestekvalitet 2021"] == ":"
    assert view.table.note.startswith("Kilde: kvalitet-test.xlsx, Brukerundersøkelse, rad ")


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


def test_zon007_a_long_project_list_is_summarised(ui_settings, ui_dataset):
    small = Prepared.build(ui_dataset, ui_settings.with_overrides(list_limit=2))
    from dashboard.data import build_dataset
    from dashboard.store.repository import Store

    dataset = build_dataset(Store(ui_settings.with_overrides(list_limit=2)))
    small = Prepared.build(dataset, ui_settings)
    view = zone_panel(small, "nardo", 2021, "projects", "nb")
    assert len(view.listing.rows) == 2
    assert view.listing.note == ("Viser 2 av 3 prosjekter: de aktive i 2021 først, så de nyeste.")
    radical = small.dataset.radical["nardo", 2021]
    assert radical.total == 2


# ---------------------------------------------------------------- targets


def test_tgt001_heimdal_goals_with_direction_aware_status_and_trend(ui_prepared):
    view = zone_panel(ui_prepared, "heimdal", 2021, "targets", "nb")
    assert view.sentence.startswith(
        "I 2021 nådde Heimdal 1 av 3 målte mål i enhetsavtalen (1 nær, 1 ikke målt)"
    )
    rows = {r[0]: r for r in view.listing.rows}
    assert rows["Brukermedvirkning"][5] == "✓ nådd"
    assert rows["Brukermedvirkning"][6] == "↑ bedre enn 2020 (4,6)"
    assert rows["Antall samskapingsprosjekter"][5] == "≈ nær"
    assert rows["Ulike hjelpere"][4] == "lavere er bedre"
    assert rows["Ulike hjelpere"][5] == "✗ ikke nådd"  # 13 against at most 10
    assert rows["Sykefravær i prosent"][5] == "○ ikke målt"
    assert rows["Andel brukere med primærkontakt"][2:4] == [f"90{NBSP}%", f"86{NBSP}%"]
    assert rows["Andel brukere med primærkontakt"][5] == "≈ nær"
    assert view.notes[0].startswith("Slik leses statusen: ✓ nådd når resultatet")
    assert [f.kind for f in view.flags] == ["targets"]


# ---------------------------------------------------------------- compare and meeting


def test_cmp001_own_zone_against_chosen_zones_and_median(ui_prepared):
    model = compare(ui_prepared, "heimdal", ["nardo", "nowhere", "nardo"], 2021, "nb")
    assert model.own == "heimdal" and model.others == ["nardo"]
    first = model.sentences[0].replace(NBSP, " ")
    assert first == "Andel innspill fulgt opp 2021: Heimdal 90 %, Nardo 50 %; median 55 %."
    assert set(model.frame["series"]) == {"Heimdal", "Nardo", "Median alle soner"}
    assert "result_pct" in {key for key, _, _ in model.panels}


def test_cmp002_withheld_scores_in_the_comparison(ui_prepared):
    model = compare(ui_prepared, "spongdal", [], 2021, "nb")
    survey = next(s for s in model.sentences if s.startswith("Informasjon"))
    assert "Spongdal : (færre enn 5 svar)" in survey
    row = next(r for r in model.table.rows if r[0] == "Informasjon – Spongdal")
    assert row[-1] == ":"


def test_mot001_zone_deck_opens_with_the_flags(ui_prepared):
    deck = meeting_deck(ui_prepared, "soner", 2021, "nb", "alfabetisk")
    assert [s.key for s in deck] == ["intro", "heimdal", "nardo", "saupstad", "spongdal", "tiller"]
    kinds = {g.rule.kind for g in deck[0].summary.groups}
    assert kinds >= {"spiral", "no_council"}
    spongdal = deck[4]
    assert dict((label, value) for label, value, _ in spongdal.facts)["Tjenestekvalitet"] == ":"
    heimdal = dict((label, value) for label, value, _ in deck[1].facts)
    assert heimdal["Resultat i % av budsjett"] == f"+5,0{NBSP}%"


def test_mot002_panel_deck_ranks_all_zones(ui_prepared):
    deck = meeting_deck(ui_prepared, "paneler", 2021, "en")
    assert [s.key for s in deck] == [
        "intro",
        "council",
        "budget",
        "risk",
        "projects",
        "survey",
        "targets",
    ]
    council = deck[1]
    assert next(iter(council.ranking["zone"])) == "Heimdal"
    assert council.lead.startswith("Share of inputs followed up 2021: median 55%")
    survey = deck[5]
    assert survey.ranking.iloc[-1]["text"] == ": fewer than 5 answers"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_mot003_every_slide_builds_in_both_languages(ui_prepared, lang):
    for deck in ("gjennomgang", "soner", "paneler"):
        for year in ui_prepared.years:
            for order in ("flagg", "alfabetisk"):
                assert meeting_deck(ui_prepared, deck, year, lang, order)


# ---------------------------------------------------------------- provenance


def test_prv001_what_an_import_batch_changed(tmp_path, ui_settings):
    from dashboard.views.provenance import batch_changes
    from tests.unit.conftest import fixture_store
    from tests.workbooks import economy_rows, write_xlsx

    store = fixture_store(ui_settings, tmp_path)
    newer = write_xlsx(
        tmp_path / "ny.xlsx", {"Økonomi": economy_rows([2021, "Heimdal", 100, 90, 80])}
    )
    batch = store.import_path(newer).batch_id
    changes = batch_changes(store, batch, "nb")
    assert changes.text == "Økonomi: 1 rad for 2021 (1 sone), 1 erstattet"
    (change,) = changes.changes
    assert ("Oversikt 2021", "/?ar=2021") in change.links
    assert ("Heimdal", "/sone/heimdal?ar=2021") in change.links
    first = batch_changes(store, 1, "en")
    assert {c.table for c in first.changes} == {"survey", "council_meetings", "quality_indicators"}
