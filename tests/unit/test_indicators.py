"""The indicator definitions of the foundation issue, on hand-computed cases."""

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.indicators import COLUMNS, compute_indicators, municipal_median

ZONES = pd.DataFrame({"id": ["byasen", "heimdal", "nardo"], "name": ["Byåsen", "Heimdal", "Nardo"]})


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


def survey(*rows):
    return frame(rows, ["year", "zone_id", "theme", "score", "respondents"])


def council(*rows):
    df = frame(
        rows,
        ["date", "zone_id", "representatives", "inputs", "followed_up", "decisions", "chaired"],
    )
    df["year"] = [d.year for d in df["date"]]
    return df


def economy(*rows):
    return frame(rows, ["year", "zone_id", "budget", "actual", "wage_costs"])


def projects(*rows):
    return frame(
        rows, ["zones", "start_year", "end_year", "ladder_class", "initiator_class", "entry"]
    )


def row(table, zone, year):
    match = table[(table["zone_id"] == zone) & (table["year"] == year)]
    assert len(match) == 1, (zone, year)
    return match.iloc[0]


def test_ind001_columns_are_the_interface():
    table = compute_indicators({"economy": economy([2019, "byasen", 100, 90, 80])}, ZONES)
    assert list(table.columns) == COLUMNS
    assert row(table, "byasen", 2019)["zone"] == "Byåsen"


def test_ind002_survey_mean_suppression_and_respondents():
    table = compute_indicators(
        {
            "survey": survey(
                [2019, "byasen", "informasjon", 4.5, 20],
                [2019, "byasen", "samhandling", 3.9, 4],  # below the threshold of 5
                [2019, "heimdal", "informasjon", 5.1, 5],  # exactly the threshold: shown
            )
        },
        ZONES,
        threshold=5,
    )
    byasen = row(table, "byasen", 2019)
    assert byasen["survey_informasjon"] == 4.5
    assert math.isnan(byasen["survey_samhandling"])
    assert byasen["survey_respondents"] == 20
    assert math.isnan(byasen["survey_forutsigbarhet"])
    assert row(table, "heimdal", 2019)["survey_informasjon"] == 5.1


def test_ind003_threshold_is_a_setting():
    data = {"survey": survey([2019, "byasen", "informasjon", 4.5, 8])}
    assert math.isnan(
        row(compute_indicators(data, ZONES, threshold=10), "byasen", 2019)["survey_informasjon"]
    )


def test_ind004_council_sums_distinct_dates_and_rate():
    table = compute_indicators(
        {
            "council_meetings": council(
                [date(2019, 3, 1), "byasen", 2, 4, 3, 1, True],
                [date(2019, 3, 1), "byasen", 1, 2, 1, None, False],  # second council, same date
                [date(2019, 6, 1), "byasen", 3, 0, 0, 0, True],
                [date(2019, 6, 1), "heimdal", 2, 0, 0, 0, False],
            ),
            "economy": economy([2019, "nardo", 100, 90, 80], [2018, "nardo", 100, 90, 80]),
        },
        ZONES,
    )
    byasen = row(table, "byasen", 2019)
    assert byasen["council_meetings"] == 2
    assert byasen["council_representatives"] == 6
    assert byasen["council_inputs"] == 6 and byasen["council_followed_up"] == 4
    assert byasen["council_followup_rate"] == pytest.approx(4 / 6)
    assert byasen["council_decisions"] == 1  # a blank count is 0
    assert byasen["council_chaired"] == 2
    assert math.isnan(row(table, "heimdal", 2019)["council_followup_rate"])  # 0 inputs
    nardo = row(table, "nardo", 2019)  # no rows in a year with council data: zeros
    assert nardo["council_meetings"] == 0 and nardo["council_inputs"] == 0
    assert pd.isna(row(table, "nardo", 2018)["council_meetings"])  # year without council data


def test_ind005_budget_result_and_carry_over_clamp():
    table = compute_indicators(
        {
            "economy": economy(
                [2019, "byasen", 1_000_000, 900_000, 800_000],  # +100 000, limit 24 000
                [2019, "heimdal", 1_000_000, 1_010_000, 800_000],  # -10 000 within the band
                [2019, "nardo", 1_000_000, 1_200_000, 900_000],  # -200 000, limit 27 000
            )
        },
        ZONES,
    )
    byasen = row(table, "byasen", 2019)
    assert byasen["result"] == 100_000 and byasen["result_pct"] == pytest.approx(0.1)
    assert byasen["carry_over"] == pytest.approx(24_000)
    assert row(table, "heimdal", 2019)["carry_over"] == pytest.approx(-10_000)
    assert row(table, "nardo", 2019)["carry_over"] == pytest.approx(-27_000)


def test_ind006_inntrekk_streak_counts_consecutive_negative_years():
    table = compute_indicators(
        {
            "economy": economy(
                [2016, "byasen", 100, 110, 80],
                [2017, "byasen", 100, 110, 80],
                [2018, "byasen", 100, 90, 80],
                [2019, "byasen", 100, 101, 80],
                [2020, "byasen", 100, 105, 80],
                [2021, "byasen", 100, 105, 80],
                [2017, "heimdal", 100, 110, 80],
                [2019, "heimdal", 100, 110, 80],  # 2018 missing: the run starts again
            )
        },
        ZONES,
    )
    streaks = [row(table, "byasen", y)["inntrekk_streak"] for y in range(2016, 2022)]
    assert streaks == [1, 2, 0, 1, 2, 3]
    assert row(table, "heimdal", 2019)["inntrekk_streak"] == 1


def test_ind007_projects_count_per_zone_and_active_year():
    table = compute_indicators(
        {
            "projects": projects(
                ["byasen;heimdal", 2018, None, "konservativ", "bottom-up", "Tidlig"],
                ["byasen", 2019, 2019, "radikal", "top-down", "Sent"],
                ["byasen", 2021, None, "radikal", "top-down", None],
            ),
            "economy": economy(
                *[
                    [y, z, 100, 90, 80]
                    for y in (2017, 2018, 2019, 2020)
                    for z in ("byasen", "nardo")
                ]
            ),
        },
        ZONES,
    )
    b19 = row(table, "byasen", 2019)
    assert (b19["projects_active"], b19["projects_conservative"], b19["projects_radical"]) == (
        2,
        1,
        1,
    )
    assert (b19["projects_top_down"], b19["projects_bottom_up"], b19["projects_late_entry"]) == (
        1,
        1,
        1,
    )
    assert row(table, "byasen", 2020)["projects_active"] == 1  # ended 2019
    assert row(table, "byasen", 2017)["projects_active"] == 0
    assert row(table, "heimdal", 2019)["projects_active"] == 1  # shared project counts for each
    assert row(table, "nardo", 2019)["projects_active"] == 0  # project data stored: zeros
    assert row(table, "byasen", 2021)["projects_radical"] == 1


def test_ind008_without_project_data_project_columns_are_null():
    table = compute_indicators({"economy": economy([2019, "byasen", 100, 90, 80])}, ZONES)
    assert pd.isna(row(table, "byasen", 2019)["projects_active"])


def test_ind009_one_row_per_zone_and_year_that_has_data():
    table = compute_indicators(
        {
            "economy": economy([2019, "byasen", 100, 90, 80]),
            "survey": survey([2020, "heimdal", "informasjon", 4.0, 10]),
        },
        ZONES,
    )
    assert sorted(zip(table["zone_id"], table["year"], strict=True)) == [
        ("byasen", 2019),
        ("heimdal", 2020),
    ]


def test_ind010_empty_store_gives_an_empty_table():
    table = compute_indicators({}, ZONES)
    assert table.empty and list(table.columns) == COLUMNS


def test_ind011_median_ignores_suppressed_scores():
    table = compute_indicators(
        {
            "survey": survey(
                [2019, "byasen", "informasjon", 4.0, 20],
                [2019, "heimdal", "informasjon", 5.0, 20],
                [2019, "nardo", "informasjon", 1.0, 2],
            )
        },
        ZONES,
    )
    assert municipal_median(table, 2019, ["survey_informasjon"])["survey_informasjon"] == 4.5
