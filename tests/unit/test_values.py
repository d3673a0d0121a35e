"""Every value format in the contract's section 3 table, accepted and refused."""

from datetime import date, datetime

import pytest

from dashboard.ingest import values as v
from dashboard.ingest.spec import LADDER, SPECS_BY_KIND
from dashboard.ingest.text import norm
from dashboard.ingest.values import CellProblem
from dashboard.ingest.zones import zone_key


@pytest.mark.parametrize("raw", [2019, "2019", 2019.0, " 2019 ", "2019.0"])
def test_val001_year_accepted(raw):
    assert v.parse_year(raw) == 2019


@pytest.mark.parametrize("raw", [2019.5, "19", "2019/20", "tjue", 1999, 2101, True])
def test_val002_year_refused(raw):
    with pytest.raises(CellProblem):
        v.parse_year(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (date(2019, 3, 12), date(2019, 3, 12)),
        (datetime(2019, 3, 12, 0, 0), date(2019, 3, 12)),
        ("12.03.2019", date(2019, 3, 12)),
        ("2.3.2019", date(2019, 3, 2)),
        ("2019-03-12", date(2019, 3, 12)),
        (43536.0, date(2019, 3, 12)),  # a date cell that lost its format
    ],
)
def test_val003_date_accepted(raw, expected):
    assert v.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2019", "12/03/2019", "mars 2019", 12.5, "2019-3-12"])
def test_val004_date_refused(raw):
    with pytest.raises(CellProblem):
        v.parse_date(raw)


@pytest.mark.parametrize("raw, expected", [(3, 3), ("3", 3), (3.0, 3), (0, 0), (" 12 ", 12)])
def test_val005_count_accepted(raw, expected):
    assert v.parse_count(raw) == expected


@pytest.mark.parametrize("raw", [3.5, "3,5", -1, "-2", "tre", True])
def test_val006_count_refused(raw):
    with pytest.raises(CellProblem):
        v.parse_count(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1234567, 1234567),
        ("1 234 567", 1234567),
        ("1\u00a0234\u00a0567", 1234567),
        ("1.234.567", 1234567),
        ("kr 1 234 567,50", 1234567.5),
        ("1 234 567,50 kr", 1234567.5),
        ("NOK 1 234 567", 1234567),
        ("-12 000", -12000),
        ("\u221212 000", -12000),
        ("(12 000)", -12000),
        ("kr (12 000)", -12000),
        ("1.234", 1234),
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("1,234,567.50", 1234567.5),
        ("1.234.567,50", 1234567.5),
        (-5.25, -5.25),
    ],
)
def test_val007_amount_accepted(raw, expected):
    assert v.parse_amount(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["kr", "12 000 kroner ekstra", "1,2,3", "abc", "--5", True])
def test_val008_amount_refused(raw):
    with pytest.raises(CellProblem):
        v.parse_amount(raw)


@pytest.mark.parametrize("raw, expected", [("4,7", 4.7), ("4.7", 4.7), (4.7, 4.7), ("5", 5.0)])
def test_val009_score(raw, expected):
    assert v.parse_score(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw, expected",
    [("85 %", (0.85, True)), ("85%", (0.85, True)), (85, (85.0, False)), ("0,85", (0.85, False))],
)
def test_val010_percent_forms(raw, expected):
    value, had_sign = v.parse_percent_or_score(raw)
    assert (pytest.approx(value), had_sign) == (pytest.approx(expected[0]), expected[1])


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ja", True),
        ("nei", False),
        ("J", True),
        ("N", False),
        ("Yes", True),
        ("No", False),
        ("X", True),
        ("x", True),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("FALSE", False),
        (True, True),
        (False, False),
    ],
)
def test_val011_yes_no(raw, expected):
    assert v.parse_yesno(raw) is expected


@pytest.mark.parametrize("raw", ["kanskje", 2, "JA!"])
def test_val012_yes_no_refused(raw):
    with pytest.raises(CellProblem):
        v.parse_yesno(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Byåsen; Heimdal", ["Byåsen", "Heimdal"]),
        ("Byåsen, Heimdal", ["Byåsen", "Heimdal"]),
        ("Byåsen\nHeimdal", ["Byåsen", "Heimdal"]),
        ("Byåsen;; Heimdal ;", ["Byåsen", "Heimdal"]),
        ("", []),
    ],
)
def test_val013_lists(raw, expected):
    assert v.split_list(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1, (1, "konservativ")),
        ("2", (2, "konservativ")),
        (3.0, (3, "radikal")),
        ("Likeverdig samarbeid", (4, "radikal")),
        ("borgere som frivillige", (2, "konservativ")),
        ("Nivå 3", (3, "radikal")),
        ("Konservativ", (None, "konservativ")),
        ("RADIKAL", (None, "radikal")),
    ],
)
def test_val014_ladder(raw, expected):
    assert LADDER.parse(raw) == expected


@pytest.mark.parametrize("raw", [0, 5, "Nivå 7", "Blanding"])
def test_val015_ladder_refused(raw):
    with pytest.raises(CellProblem):
        LADDER.parse(raw)


def test_val016_initiator_classes():
    parse = SPECS_BY_KIND["projects"].column("initiator").kind.parse
    assert parse("Politikere") == ("Politikere", "top-down")
    assert parse("universitetskommunen") == ("Universitetskommunen", "top-down")
    assert parse("Brukere og pårørende") == ("Brukere og pårørende", "bottom-up")
    assert parse("Brukerråd") == ("Brukerråd", "top-down")
    with pytest.raises(CellProblem):
        parse("Noen andre")


def test_val017_label_matching_ignores_case_space_nbsp_and_colon():
    assert norm("  Antall\u00a0 svar: ") == norm("antall svar")
    assert norm("Samskapings-\nform") == norm("Samskapingsform")
    assert norm("Antall\nsvar") == "antall svar"


@pytest.mark.parametrize(
    "raw",
    [
        "Hjemmetjenesten Byåsen",
        "Byåsen hjemmetjeneste",
        "BYÅSEN HJT",
        "Byaasen",
        "byåsen",
        "Byåsen - hjemmetjenesten",
        "Hjemmetjenesten, Byåsen",
        "Enhet Byåsen",
        " Byåsen\u00a0",
    ],
)
def test_val018_zone_spellings_are_one_zone(raw, registry):
    assert registry.match(raw).id == "byasen"


def test_val019_zone_ae_o_spellings(registry):
    assert registry.match("Klaebu").id == "klabu"
    assert registry.match("Ostbyen hjt").id == "ostbyen"
    assert registry.match("ØSTBYEN").id == "ostbyen"
    assert zone_key("Flatåsen") == zone_key("Flataasen")


def test_val020_unknown_zone_suggests_closest(registry):
    assert registry.match("Heimdall") is None
    assert registry.suggestions("Heimdall")[0] == "Heimdal"
    assert "Byåsen" in registry.suggestions("Byåsn")


def test_val021_status_and_value_forms():
    projects = SPECS_BY_KIND["projects"]
    assert projects.column("status").kind.parse(" PÅGÅR ") == "Pågår"
    assert projects.column("status").kind.parse("Paagaar") == "Pågår"
    value_forms = projects.column("value_forms").kind.parse
    assert value_forms("Innovasjon; demokratisk verdi") == "Innovasjon; Demokratisk verdi"
    with pytest.raises(CellProblem):
        value_forms("Innovasjon; Lønnsomhet")
