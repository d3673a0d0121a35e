"""The generic importer against every rule of the data contract (sections 1-3, 5)."""

from datetime import date

import pytest

from dashboard.ingest.importer import parse_file
from dashboard.ingest.spec import SPECS, SPECS_BY_KIND, TOTAL_LABELS
from tests.workbooks import (
    COUNCIL_HEADER,
    ECONOMY_HEADER,
    GOALS_HEADER,
    PROJECT_HEADER,
    QUALITY_HEADER,
    RISK_HEADER,
    SURVEY_HEADER,
    rewrite_member,
    write_xlsx,
)

# One valid row per sheet kind, keyed like SPECS.
VALID = {
    "survey": (SURVEY_HEADER, [2019, "Byåsen", "Informasjon", "4,7", 25]),
    "council": (
        COUNCIL_HEADER,
        ["12.03.2019", "Brukerråd vest", "Byåsen", 3, 5, 4, 1, "Ja"],
    ),
    "quality": (QUALITY_HEADER, [2019, "Byåsen", "Andel brukere med primærkontakt", "85 %", 0.9]),
    "economy": (ECONOMY_HEADER, [2019, "Byåsen", "1 000 000", 990000, 800000]),
    "risk": (RISK_HEADER, [2019, "Byåsen", 3, "Ja", 2, 1, "kr 50 000"]),
    "projects": (
        PROJECT_HEADER,
        [
            "P-1",
            "Frokostmøter",
            "Byåsen; Heimdal",
            2019,
            None,
            "Pågår",
            3,
            "Politikere",
            "Sent",
            "NTNU; Frivilligsentralen",
            "Demokratisk verdi; Innovasjon",
        ],
    ),
    "goals": (
        GOALS_HEADER,
        [2019, "Byåsen", "Trygg hverdag", "Andel med primærkontakt", 0.9, 0.85, "Høyere er bedre"],
    ),
}
CANONICAL_SHEET = {s.kind: s.sheet_names[0] for s in SPECS if not s.melt}


def parse(tmp_path, registry, settings, sheets, name="eksport.xlsx", setup=None):
    path = write_xlsx(tmp_path / name, sheets, setup)
    return parse_file(path, registry, settings)


def codes(parsed, level="error"):
    return [p.code for p in parsed.report.problems if p.level == level]


# ---------------------------------------------------------------- sheet kinds


@pytest.mark.parametrize("kind", list(VALID))
def test_imp001_each_sheet_kind_imports(kind, tmp_path, registry, settings):
    header, row = VALID[kind]
    parsed = parse(tmp_path, registry, settings, {CANONICAL_SHEET[kind]: [header, row]})
    assert parsed.report.errors == []
    table = SPECS_BY_KIND[kind].table
    assert len(parsed.tables[table]) == 1
    stored = parsed.tables[table][0]
    assert stored["excel_row"] == 2 and stored["sheet"] == CANONICAL_SHEET[kind]


def test_imp002_values_are_read_right(tmp_path, registry, settings):
    sheets = {CANONICAL_SHEET[k]: [h, r] for k, (h, r) in VALID.items()}
    parsed = parse(tmp_path, registry, settings, sheets)
    assert parsed.report.errors == []
    t = parsed.tables
    expected = {
        "year": 2019,
        "zone_id": "byasen",
        "theme": "informasjon",
        "score": 4.7,
        "respondents": 25,
    }
    assert {k: t["survey"][0][k] for k in expected} == expected
    council = t["council_meetings"][0]
    assert council["date"] == date(2019, 3, 12) and council["year"] == 2019
    assert council["chaired"] is True and council["decisions"] == 1
    quality = t["quality_indicators"][0]
    assert quality["value"] == pytest.approx(0.85) and quality["target"] == pytest.approx(0.9)
    assert t["economy"][0]["budget"] == 1_000_000
    assert t["risk_tolerance"][0]["development_funds"] == 50_000
    assert t["risk_tolerance"][0]["error_quota"] is True
    project = t["projects"][0]
    assert project["zones"] == "byasen;heimdal"
    assert (project["ladder_level"], project["ladder_class"]) == (3, "radikal")
    assert (project["initiator"], project["initiator_class"]) == ("Politikere", "top-down")
    assert project["entry"] == "Sent" and project["project_key"] == "id:p-1"
    assert project["value_forms"] == "Demokratisk verdi; Innovasjon"
    assert t["goals"][0]["direction"] == "higher"


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.melt], ids=lambda s: s.kind)
def test_imp003_every_sheet_alias(spec, tmp_path, registry, settings):
    header, row = VALID[spec.kind]
    for name in spec.sheet_names:
        parsed = parse(tmp_path, registry, settings, {name: [header, row]})
        assert parsed.report.errors == [], name
        assert parsed.report.sheets[0].kind == spec.kind, name


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.melt], ids=lambda s: s.kind)
def test_imp004_every_column_alias(spec, tmp_path, registry, settings):
    header, row = VALID[spec.kind]
    baseline = parse(tmp_path, registry, settings, {spec.sheet_names[0]: [header, row]})
    expected = baseline.tables[spec.table][0]
    for col in spec.columns:
        for alias in col.aliases:
            if col.header not in header:
                continue
            renamed = [alias if h == col.header else h for h in header]
            parsed = parse(tmp_path, registry, settings, {spec.sheet_names[0]: [renamed, row]})
            assert parsed.report.errors == [], (col.header, alias)
            got = parsed.tables[spec.table][0]
            assert {k: got[k] for k in col.stored_fields if k in got} == {
                k: expected[k] for k in col.stored_fields if k in expected
            }, alias


def test_imp005_wide_survey_means_the_same_as_long(tmp_path, registry, settings):
    long_rows = [
        SURVEY_HEADER,
        [2019, "Byåsen", "Informasjon", 4.5, 20],
        [2019, "Byåsen", "Påvirkningsmulighet", "4,1", 20],
    ]
    wide_rows = [
        [
            "År",
            "Enhet",
            "Antall svar",
            "Informasjon",
            "Brukermedvirkning/påvirkningsmulighet",
            "Samhandling",
        ],
        [2019, "Byåsen", 20, 4.5, "4,1", None],
    ]
    long = parse(tmp_path, registry, settings, {"Brukerundersøkelse": long_rows}, "l.xlsx")
    wide = parse(tmp_path, registry, settings, {"Brukerundersøkelse": wide_rows}, "w.xlsx")
    fields = ("year", "zone_id", "theme", "score", "respondents")

    def key(rows):
        return sorted(tuple(r[f] for f in fields) for r in rows)

    assert wide.report.errors == [] and long.report.errors == []
    assert key(wide.tables["survey"]) == key(long.tables["survey"])
    assert wide.report.sheets[0].kind == "survey_wide"


def test_imp006_unknown_theme_is_an_error(tmp_path, registry, settings):
    parsed = parse(
        tmp_path,
        registry,
        settings,
        {"Brukerundersøkelse": [SURVEY_HEADER, [2019, "Byåsen", "Trivsel", 4, 20]]},
    )
    (problem,) = parsed.report.errors
    assert (
        problem.cell == "C2" and problem.value == "Trivsel" and "Informasjon" in problem.expected_nb
    )


# ---------------------------------------------------------------- workbook level


def test_imp010_generic_sheet_name_recognised_by_headers(tmp_path, registry, settings):
    header, row = VALID["economy"]
    parsed = parse(tmp_path, registry, settings, {"Ark1": [header, row], "Sheet1": [["notat"]]})
    assert parsed.report.errors == []
    assert parsed.report.sheets[0].kind == "economy"
    assert len(parsed.tables["economy"]) == 1


def test_imp011_generic_sheet_matching_two_kinds_is_skipped(tmp_path, registry, settings):
    header, row = VALID["goals"]  # its headers also satisfy Kvalitetsindikatorer's required
    parsed = parse(
        tmp_path,
        registry,
        settings,
        {"Data": [header, row], "Økonomi": [ECONOMY_HEADER, VALID["economy"][1]]},
    )
    assert "sheet_ambiguous" in codes(parsed, "warning")
    assert "goals" not in parsed.tables


def test_imp012_unrecognised_sheets_are_listed_as_skipped(tmp_path, registry, settings):
    parsed = parse(
        tmp_path,
        registry,
        settings,
        {
            "Forside": [["Kvalitetsrapport"]],
            "Pivot": [["x", 1]],
            "Økonomi": [ECONOMY_HEADER, VALID["economy"][1]],
        },
    )
    skipped = [p.sheet for p in parsed.report.problems if p.code == "sheet_skipped"]
    assert skipped == ["Forside", "Pivot"]
    assert parsed.report.errors == []


def test_imp013_no_sheet_recognised_is_an_error(tmp_path, registry, settings):
    parsed = parse(tmp_path, registry, settings, {"Forside": [["hei"]], "Ark1": [["a", "b"]]})
    assert codes(parsed) == ["no_sheet_recognised"]
    assert "Forside" in parsed.report.errors[0].message()
    assert parsed.tables == {}


def test_imp014_header_below_title_rows(tmp_path, registry, settings):
    header, row = VALID["economy"]
    rows = [["Budsjett og regnskap 2019"], ["Eksportert 15.01.2020"], [], [], header, row]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    assert parsed.tables["economy"][0]["excel_row"] == 6


def test_imp015_header_after_row_15_is_not_found(tmp_path, registry, settings):
    header, row = VALID["economy"]
    rows = [["tittel"]] * 15 + [header, row]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    (problem,) = parsed.report.errors
    assert problem.code == "header_not_found" and problem.sheet == "Økonomi"
    assert "Budsjett" in problem.message()


def test_imp016_missing_required_column_names_it(tmp_path, registry, settings):
    parsed = parse(
        tmp_path,
        registry,
        settings,
        {"Økonomi": [["År", "Enhet", "Budsjett", "Regnskap"], [2019, "Byåsen", 1, 1]]},
    )
    (problem,) = parsed.report.errors
    assert "«Lønnskostnader»" in problem.message() and "Lønnskostnader" in problem.message("en")


def test_imp017_empty_rows_between_data_are_ignored(tmp_path, registry, settings):
    rows = [
        ECONOMY_HEADER,
        [2019, "Byåsen", 1000, 900, 800],
        [],
        [None, "  ", None],
        [2019, "Heimdal", 1000, 900, 800],
    ]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    assert [r["excel_row"] for r in parsed.tables["economy"]] == [2, 5]


def test_imp018_hidden_rows_and_columns_are_read(tmp_path, registry, settings):
    def hide(workbook):
        sheet = workbook["Økonomi"]
        sheet.row_dimensions[3].hidden = True
        sheet.column_dimensions["C"].hidden = True

    rows = [ECONOMY_HEADER, [2019, "Byåsen", 1000, 900, 800], [2019, "Heimdal", 1000, 900, 800]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows}, setup=hide)
    assert len(parsed.tables["economy"]) == 2
    assert parsed.tables["economy"][1]["budget"] == 1000


def test_imp019_merged_and_multi_line_headers(tmp_path, registry, settings):
    def merge(workbook):
        sheet = workbook["Brukerundersøkelse"]
        sheet.merge_cells("E2:E3")  # "Antall\nsvar" spans two header rows
        sheet.merge_cells("A1:E1")

    rows = [
        ["Brukerundersøkelse 2019"],
        ["År", "Enhet", "Tema", "Snitt", "Antall\nsvar"],
        [None, None, None, None, None],
        [2019, "Byåsen", "Informasjon", 4.5, 20],
    ]
    parsed = parse(tmp_path, registry, settings, {"Brukerundersøkelse": rows}, setup=merge)
    assert parsed.report.errors == []
    assert parsed.tables["survey"][0]["respondents"] == 20


def test_imp020_hyphen_line_break_joins_the_word(tmp_path, registry, settings):
    header = [h.replace("Samskapingsform", "Samskapings-\nform") for h in PROJECT_HEADER]
    header = [h.replace("Initiert av", "Initiert\nav") for h in header]
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, VALID["projects"][1]]})
    assert parsed.report.errors == []
    assert parsed.tables["projects"][0]["ladder_class"] == "radikal"


@pytest.mark.parametrize("label", TOTAL_LABELS)
def test_imp021_total_rows_are_skipped_and_reported(label, tmp_path, registry, settings):
    rows = [ECONOMY_HEADER, [2019, "Byåsen", 1000, 900, 800], [2019, f" {label.upper()} ", 1, 1, 1]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    (skipped,) = parsed.report.skipped
    assert skipped.code == "skipped_total" and skipped.row == 3
    assert len(parsed.tables["economy"]) == 1


def test_imp022_footnote_rows_are_skipped_and_reported(tmp_path, registry, settings):
    rows = [
        ECONOMY_HEADER,
        [2019, "Byåsen", 1000, 900, 800],
        [],
        ["* Færre enn 5 svar vises ikke"],
        [None, None, "Kilde: Regnskap 2019"],
    ]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    assert [p.row for p in parsed.report.skipped] == [4, 5]
    assert all(p.code == "skipped_footnote" for p in parsed.report.skipped)


def test_imp023_unknown_columns_are_listed(tmp_path, registry, settings):
    rows = [[*ECONOMY_HEADER, "Kommentar", "Ansvar"], [2019, "Byåsen", 1000, 900, 800, "ok", 7]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    assert parsed.report.sheets[0].unknown_columns == ["Kommentar", "Ansvar"]
    assert "unknown_columns" in codes(parsed, "warning")


def test_imp024_duplicate_header_is_an_error(tmp_path, registry, settings):
    rows = [[*ECONOMY_HEADER, "Budget"], [2019, "Byåsen", 1000, 900, 800, 1000]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert codes(parsed) == ["duplicate_header"]
    assert "C1" in parsed.report.errors[0].message() and "F1" in parsed.report.errors[0].message()


# ---------------------------------------------------------------- cells


def _with_formula(cell, formula, cached):
    """Turn a numeric cell into a formula cell, with or without its stored value."""

    def transform(xml: bytes) -> bytes:
        marker = f'<c r="{cell}" t="n"><v>'.encode()
        assert marker in xml
        value = f"<v>{cached}</v>" if cached is not None else ""
        end = xml.index(b"</c>", xml.index(marker))
        return (
            xml[: xml.index(marker)] + f'<c r="{cell}"><f>{formula}</f>{value}'.encode() + xml[end:]
        )

    return transform


def test_imp030_formula_cell_read_by_stored_value(tmp_path, registry, settings):
    path = write_xlsx(
        tmp_path / "f.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 900, 800]]}
    )
    rewrite_member(path, "xl/worksheets/sheet1.xml", _with_formula("C2", "500*2", 1000))
    parsed = parse_file(path, registry, settings)
    assert parsed.report.errors == []
    assert parsed.tables["economy"][0]["budget"] == 1000


@pytest.mark.parametrize("cell, column", [("C2", "Budsjett"), ("G2", "Utviklingsmidler")])
def test_imp031_formula_without_stored_value_is_an_error(
    cell, column, tmp_path, registry, settings
):
    rows = [RISK_HEADER, [2019, "Byåsen", 3, "Ja", 2, 1, 5]]
    path = write_xlsx(tmp_path / "f.xlsx", {"Risikovilje": rows})
    if column == "Budsjett":
        path = write_xlsx(
            tmp_path / "f.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 9, 8]]}
        )
    rewrite_member(path, "xl/worksheets/sheet1.xml", _with_formula(cell, "SUM(A1:A3)", None))
    parsed = parse_file(path, registry, settings)
    (problem,) = parsed.report.errors
    assert problem.code == "formula_no_value" and problem.cell == cell
    assert problem.column == column  # an optional column too: not mistaken for a blank
    assert "Excel eller LibreOffice" in problem.message()
    assert "LibreOffice" in problem.message("en")


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#REF!", "#VALUE!"])
def test_imp032_error_cells_are_errors(error, tmp_path, registry, settings):
    rows = [RISK_HEADER, [2019, "Byåsen", 3, "Ja", 2, 1, error]]  # optional column
    parsed = parse(tmp_path, registry, settings, {"Risikovilje": rows})
    (problem,) = parsed.report.errors
    assert problem.code == "error_cell" and problem.cell == "G2" and error in problem.message()


def test_imp033_every_error_names_file_sheet_row_column_value_expected(
    tmp_path, registry, settings
):
    rows = [ECONOMY_HEADER, [2019, "Byåsen", "mye", 900, 800]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows}, name="rapport.xlsx")
    (p,) = parsed.report.errors
    assert (p.file, p.sheet, p.row, p.cell, p.column, p.value) == (
        "rapport.xlsx",
        "Økonomi",
        2,
        "C2",
        "Budsjett",
        "mye",
    )
    assert "beløp" in p.expected("nb") and "amount" in p.expected("en")
    text = p.text("nb")
    for part in ("rapport.xlsx", "Økonomi", "C2", "Budsjett", "mye", "Forventet"):
        assert part in text


def test_imp034_all_errors_are_reported_not_just_the_first(tmp_path, registry, settings):
    rows = [
        ECONOMY_HEADER,
        [2019, "Byåsen", "mye", 900, 800],
        [2019, "Narvik", 1, 1, 1],
        [1999, "Heimdal", 1, -1, 1],
    ]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert [p.cell for p in parsed.report.errors] == ["A4", "B3", "C2", "D4"] or sorted(
        p.cell for p in parsed.report.errors
    ) == ["A4", "B3", "C2", "D4"]


def test_imp035_required_blank_is_an_error_optional_blank_is_not(tmp_path, registry, settings):
    rows = [RISK_HEADER, [2019, "Byåsen", 3, None, 2, 1, None]]
    parsed = parse(tmp_path, registry, settings, {"Risikovilje": rows})
    (p,) = parsed.report.errors
    assert p.code == "missing" and p.column == "Tabbekvote"
    rows = [COUNCIL_HEADER, ["12.03.2019", "Brukerråd vest", "Byåsen", 3, 5, 4, None, None]]
    parsed = parse(tmp_path, registry, settings, {"Brukerråd": rows})
    assert parsed.report.errors == []
    assert parsed.tables["council_meetings"][0]["chaired"] is False  # X/blank: blank means no


def test_imp036_unknown_zone_lists_closest_names(tmp_path, registry, settings):
    rows = [ECONOMY_HEADER, [2019, "Heimdall", 1, 1, 1]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    (p,) = parsed.report.errors
    assert (
        p.code == "unknown_zone" and "Heimdal" in p.message() and "Did you mean" in p.message("en")
    )


def test_imp037_zone_before_active_date_is_a_warning_and_kept(tmp_path, registry, settings):
    rows = [ECONOMY_HEADER, [2019, "Klæbu", 1000, 900, 800], [2020, "Klæbu", 1000, 900, 800]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    (warning,) = [p for p in parsed.report.warnings if p.code == "zone_not_active"]
    assert warning.row == 2 and "01.01.2020" in warning.message()
    assert len(parsed.tables["economy"]) == 2


def test_imp038_zone_list_in_projects(tmp_path, registry, settings):
    header, row = VALID["projects"]
    row = list(row)
    row[2] = "Hjemmetjenesten Byåsen, Heimdal hjt\nNardo"
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, row]})
    assert parsed.tables["projects"][0]["zones"] == "byasen;heimdal;nardo"
    row[2] = "Byåsen; Narvik"
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, row]})
    (p,) = parsed.report.errors
    assert p.code == "unknown_zone" and p.cell == "C2"


@pytest.mark.parametrize(
    "column, value",
    [("Snitt", 6.5), ("Snitt", 0.5), ("Antall svar", -1)],
)
def test_imp039_ranges(column, value, tmp_path, registry, settings):
    row = [2019, "Byåsen", "Informasjon", 4.5, 20]
    row[SURVEY_HEADER.index(column)] = value
    parsed = parse(tmp_path, registry, settings, {"Brukerundersøkelse": [SURVEY_HEADER, row]})
    (p,) = parsed.report.errors
    assert p.column == column


@pytest.mark.parametrize(
    "column, value", [("Budsjett", 0), ("Lønnskostnader", 0), ("Regnskap", -1)]
)
def test_imp040_economy_bounds(column, value, tmp_path, registry, settings):
    row = [2019, "Byåsen", 1000, 900, 800]
    row[ECONOMY_HEADER.index(column)] = value
    parsed = parse(tmp_path, registry, settings, {"Økonomi": [ECONOMY_HEADER, row]})
    (p,) = parsed.report.errors
    assert p.column == column and p.code == "out_of_range"


def test_imp041_risk_tolerance_is_1_to_5(tmp_path, registry, settings):
    row = [2019, "Byåsen", 6, "Ja", 2, 1, None]
    parsed = parse(tmp_path, registry, settings, {"Risikovilje": [RISK_HEADER, row]})
    (p,) = parsed.report.errors
    assert p.column == "Risikovilje" and "1 til 5" in p.expected("nb")


# ---------------------------------------------------------------- cross-column rules and keys


def test_imp050_followed_up_cannot_exceed_inputs(tmp_path, registry, settings):
    rows = [COUNCIL_HEADER, ["12.03.2019", "Brukerråd vest", "Byåsen", 3, 2, 4, None, "Nei"]]
    parsed = parse(tmp_path, registry, settings, {"Brukerråd": rows})
    (p,) = parsed.report.errors
    assert p.cell == "F2" and "Innspill" in p.message()


def test_imp051_decisions_cannot_exceed_followed_up(tmp_path, registry, settings):
    rows = [COUNCIL_HEADER, ["12.03.2019", "Brukerråd vest", "Byåsen", 3, 5, 2, 3, "Nei"]]
    parsed = parse(tmp_path, registry, settings, {"Brukerråd": rows})
    (p,) = parsed.report.errors
    assert p.cell == "G2"


def test_imp052_end_year_not_before_start_year(tmp_path, registry, settings):
    header, row = VALID["projects"]
    row = list(row)
    row[4] = 2018
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, row]})
    (p,) = parsed.report.errors
    assert p.cell == "E2" and "Startår" in p.message()


def test_imp053_wage_costs_above_actual_is_a_warning(tmp_path, registry, settings):
    rows = [ECONOMY_HEADER, [2019, "Byåsen", 1000, 500, 800]]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    assert parsed.report.errors == []
    (w,) = [p for p in parsed.report.warnings if p.code == "wage_above_actual"]
    assert w.cell == "E2"


def test_imp054_duplicate_keys_name_both_rows(tmp_path, registry, settings):
    rows = [
        ECONOMY_HEADER,
        [2019, "Byåsen", 1000, 900, 800],
        [2019, "Heimdal", 1, 1, 1],
        ["2019", "BYÅSEN HJT", 1000, 900, 800],
    ]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    (p,) = parsed.report.errors
    assert p.code == "duplicate_key" and "rad 2" in p.message() and "rad 4" in p.message()


def test_imp055_project_key_is_id_or_name_and_start_year(tmp_path, registry, settings):
    header, row = VALID["projects"]
    no_id = [None, *row[1:]]
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, no_id, no_id]})
    (p,) = parsed.report.errors
    assert p.code == "duplicate_key"
    other_year = [None, row[1], row[2], 2020, *row[4:]]
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, no_id, other_year]})
    assert parsed.report.errors == []
    assert parsed.tables["projects"][0]["project_key"] == "navn:frokostmøter|2019"


def test_imp056_duplicate_across_long_and_wide_survey_sheets(tmp_path, registry, settings):
    long_rows = [SURVEY_HEADER, [2019, "Byåsen", "Informasjon", 4.5, 20]]
    wide_rows = [["År", "Enhet", "Antall svar", "Informasjon"], [2019, "Byåsen", 20, 4.6]]
    parsed = parse(
        tmp_path, registry, settings, {"Brukerundersøkelse": long_rows, "User survey": wide_rows}
    )
    assert codes(parsed) == ["duplicate_key"]


def test_imp057_percent_indicator_forms_agree(tmp_path, registry, settings):
    rows = [QUALITY_HEADER]
    for zone, value in (("Byåsen", "85 %"), ("Heimdal", 85), ("Nardo", "0,85")):
        rows.append([2019, zone, "Andel brukere med primærkontakt", value, None])
    rows.append([2019, "Byåsen", "Antall ulike hjelpere siste 14 dager", 12, 10])
    parsed = parse(tmp_path, registry, settings, {"Kvalitetsindikatorer": rows})
    values = [r["value"] for r in parsed.tables["quality_indicators"]]
    assert values == pytest.approx([0.85, 0.85, 0.85, 12])


def test_imp060_sheet_and_header_names_ignore_case_space_and_colon(tmp_path, registry, settings):
    header = ["ÅR:", " enhet ", "Budsjett\u00a0", "REGNSKAP", "Lønnskostnader:"]
    parsed = parse(
        tmp_path, registry, settings, {" ØKONOMI ": [header, [2019, "Byåsen", 1000, 900, 800]]}
    )
    assert parsed.report.errors == []
    assert parsed.report.sheets[0].kind == "economy"


def test_imp061_goals_defaults(tmp_path, registry, settings):
    rows = [GOALS_HEADER[:5], [2021, "Byåsen", "Trygghet", "Andel fornøyde", "4,5"]]
    parsed = parse(tmp_path, registry, settings, {"Mål og indikatorer": rows})
    assert parsed.report.errors == []
    goal = parsed.tables["goals"][0]
    assert goal["actual"] is None and goal["direction"] is None  # blank: not measured yet
    rows = [GOALS_HEADER, [2021, "Byåsen", "Trygghet", "Hjelpere", 10, 12, "lavere er bedre"]]
    parsed = parse(tmp_path, registry, settings, {"Mål og indikatorer": rows})
    assert parsed.tables["goals"][0]["direction"] == "lower"


@pytest.mark.parametrize(
    "column, value", [("Inngang", "Midt i"), ("Status", "Ferdig"), ("Verdi", "Lønnsomhet")]
)
def test_imp062_project_categories_are_checked(column, value, tmp_path, registry, settings):
    header, row = VALID["projects"]
    row = list(row)
    row[header.index(column)] = value
    parsed = parse(tmp_path, registry, settings, {"Prosjekter": [header, row]})
    (p,) = parsed.report.errors
    assert p.column == column and p.value == value and p.expected_nb.startswith("en")


# ---------------------------------------------------------------- plausible values (issue 7.7)


def only_error(parsed):
    (problem,) = parsed.report.errors
    assert parsed.tables == {}
    return problem


@pytest.mark.parametrize("year", [2099, 9999, 1999, date.today().year + 2])
def test_imp063_a_year_outside_the_window_is_refused_with_the_window(
    year, tmp_path, registry, settings
):
    rows = [ECONOMY_HEADER, [year, "Byåsen", 1000, 900, 800]]
    p = only_error(parse(tmp_path, registry, settings, {"Økonomi": rows}))
    assert (p.code, p.cell, p.value, p.column) == ("out_of_range", "A2", str(year), "År")
    window = f"{settings.year_min}–{settings.year_max}"
    assert window in p.expected("nb") and f"{settings.year_min}-{settings.year_max}" in p.expected(
        "en"
    )
    assert settings.year_max == date.today().year + 1  # the default: next year at most


def test_imp064_the_year_window_is_a_setting(tmp_path, registry, settings):
    rows = [ECONOMY_HEADER, [2035, "Byåsen", 1000, 900, 800], [2012, "Heimdal", 1000, 900, 800]]
    wide = settings.with_overrides(year_min=2000, year_max=2040)
    parsed = parse(tmp_path, registry, wide, {"Økonomi": rows})
    assert parsed.report.errors == [] and len(parsed.tables["economy"]) == 2
    narrow = settings.with_overrides(year_min=2015, year_max=2040)
    p = only_error(parse(tmp_path, registry, narrow, {"Økonomi": rows}))
    assert p.cell == "A3" and "2015–2040" in p.expected("nb")


@pytest.mark.parametrize("raw", ["31.12.9999", "01.01.1900", "2099-06-01", date(1900, 1, 1)])
def test_imp065_a_council_date_outside_the_window_is_refused(raw, tmp_path, registry, settings):
    rows = [COUNCIL_HEADER, [raw, "Brukerråd vest", "Byåsen", 3, 5, 4, 1, "Ja"]]
    p = only_error(parse(tmp_path, registry, settings, {"Brukerråd": rows}))
    assert (p.code, p.cell, p.column) == ("out_of_range", "A2", "Dato")
    assert p.value and f"01.01.{settings.year_min}" in p.expected("nb")
    assert f"31.12.{settings.year_max}" in p.expected("en")


@pytest.mark.parametrize(
    "column, raw",
    [
        ("Budsjett", 1e28),
        ("Regnskap", "1 000 000 000 000 000"),
        ("Lønnskostnader", -1e15),
        ("Budsjett", 1e-300),
        ("Budsjett", 0.5),
    ],
)
def test_imp066_an_implausible_amount_is_refused(column, raw, tmp_path, registry, settings):
    row = [2019, "Byåsen", 1000, 900, 800]
    row[ECONOMY_HEADER.index(column)] = raw
    p = only_error(parse(tmp_path, registry, settings, {"Økonomi": [ECONOMY_HEADER, row]}))
    assert (p.code, p.column) == ("out_of_range", column)
    if raw in (1e28, 1e-300):
        assert p.value == {1e28: "1E+28", 1e-300: "1E-300"}[raw]  # as Excel shows it
    assert "100\u00a0000\u00a0000\u00a0000" in p.expected("nb")
    assert p.expected("en") != p.expected("nb")


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400"])
def test_imp067_infinite_and_nan_cells_are_refused(text, tmp_path, registry, settings):
    """A number cell holding inf or NaN (Excel never writes one; a script can)."""
    path = write_xlsx(
        tmp_path / "x.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1000, 900, 800]]}
    )

    def poison(xml: bytes) -> bytes:
        return xml.replace(b"<v>900</v>", f"<v>{text}</v>".encode())

    rewrite_member(path, "xl/worksheets/sheet1.xml", poison)
    p = only_error(parse_file(path, registry, settings))
    assert p.cell == "D2" and p.code in {"bad_value", "out_of_range"}


@pytest.mark.parametrize(
    "sheet, header, row, column",
    [
        ("Brukerundersøkelse", SURVEY_HEADER, [2019, "Byåsen", "Informasjon", 4.5, 1e12], "E2"),
        ("Mål", GOALS_HEADER, [2019, "Byåsen", "Mål", "Ind", 1e300, None, None], "E2"),
        ("Kvalitetsindikatorer", QUALITY_HEADER, [2019, "Byåsen", "X", 1e300, None], "D2"),
        ("Risikovilje", RISK_HEADER, [2019, "Byåsen", 3, "Ja", 10**20, 1, None], "E2"),
    ],
)
def test_imp068_other_numbers_are_bounded_too(
    sheet, header, row, column, tmp_path, registry, settings
):
    p = only_error(parse(tmp_path, registry, settings, {sheet: [header, row]}))
    assert p.cell == column and p.code == "out_of_range"


def test_imp069_formula_text_in_a_message_is_shown_as_written(tmp_path, registry, settings):
    path = write_xlsx(tmp_path / "f.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 9, 8]]})
    formula = 'IF(A1&amp;"x"&lt;&gt;"",1,2)'  # as Excel stores A1&"x"<>"" in the XML
    rewrite_member(path, "xl/worksheets/sheet1.xml", _with_formula("C2", formula, None))
    p = only_error(parse_file(path, registry, settings))
    assert p.code == "formula_no_value"
    assert '=IF(A1&"x"<>"",1,2)' in p.message("nb") and "&amp;" not in p.message("en")
    assert p.value == '=IF(A1&"x"<>"",1,2)'


def test_imp070_a_known_sheet_name_with_other_headers_gets_one_clear_message(
    tmp_path, registry, settings
):
    """A sheet named «Brukerråd» that holds the budget: one error, saying what it looks like."""
    rows = [ECONOMY_HEADER, [2019, "Byåsen", 1000, 900, 800]]
    parsed = parse(tmp_path, registry, settings, {"Brukerråd": rows})
    p = only_error(parsed)
    assert p.code == "header_not_found" and p.sheet == "Brukerråd"
    assert "«Økonomi»" in p.message("nb") and "'Økonomi'" in p.message("en")
    (sheet,) = parsed.report.sheets
    assert sheet.title == "Brukerråd"  # recognised by its name, not "not recognised"
    assert [q.code for q in parsed.report.problems] == ["header_not_found"]


def test_imp071_problems_beyond_the_kept_number_are_counted_not_kept(
    tmp_path, registry, settings, monkeypatch
):
    from dashboard.ingest import report as report_module

    monkeypatch.setattr(report_module, "KEPT_PROBLEMS", 50)
    rows = [ECONOMY_HEADER] + [[2019, f"Sone {i}", "mye", 900, 800] for i in range(120)]
    parsed = parse(tmp_path, registry, settings, {"Økonomi": rows})
    report = parsed.report
    assert report.counts["error"] == 240 and len(report.errors) == 50
    assert report.outcome == "rejected" and parsed.tables == {}
