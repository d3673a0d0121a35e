"""UI test fixtures: a small store with a story the tests can rely on (the sample may change).

The fixture names start with `ui_` so they cannot clash with the store tests' own.

Zones in 2020 and 2021: Heimdal follows up 9 of 10 council inputs and underspends by more
than 3 % of wage costs; Saupstad overspends both years (the negative spiral); Spongdal has
three survey answers in 2021 (withheld); Tiller sends no one to the council in 2021; Nardo
has two radical projects in 2021, one started from above and one from below. Heimdal's unit
agreement has four goals in 2021: one reached, one close, one not reached (lower is better)
and one not yet measured; its primary-contact share has a target too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from dashboard import data
from dashboard.data import Prepared, build_dataset, init_data
from dashboard.settings import get_settings
from dashboard.store.repository import Store
from tests.workbooks import (
    COUNCIL_HEADER,
    ECONOMY_HEADER,
    GOALS_HEADER,
    PROJECT_HEADER,
    QUALITY_HEADER,
    RISK_HEADER,
    SURVEY_HEADER,
    write_xlsx,
)

ZONES = ("heimdal", "nardo", "saupstad", "spongdal", "tiller")
NAMES = {
    "heimdal": "Heimdal",
    "nardo": "Nardo",
    "saupstad": "Saupstad",
    "spongdal": "Spongdal",
    "tiller": "Tiller",
}
THEMES = (
    "Informasjon",
    "Serviceinnstilling",
    "Brukermedvirkning",
    "Forutsigbarhet",
    "Tjenestekvalitet",
    "Samhandling",
)
YEARS = (2020, 2021)
# (budget, actual, wage costs): result = budget - actual.
ECONOMY = {
    "heimdal": (60_000_000, 57_000_000, 45_000_000),  # +3 000 000, 6,7 % of wages
    "nardo": (100_000_000, 99_500_000, 80_000_000),
    "saupstad": (70_000_000, 72_000_000, 56_000_000),  # −2 000 000 both years
    "spongdal": (40_000_000, 39_800_000, 30_000_000),
    "tiller": (50_000_000, 50_100_000, 40_000_000),  # overspends in 2021 only
}
# The participation goal (target 5,0) where it is not 5,2: Heimdal misses it in 2020.
GOAL_RESULTS = {("heimdal", 2020): 4.6, ("heimdal", 2021): 5.1}
FOLLOW_UP = {
    "heimdal": (10, 9),
    "nardo": (10, 5),
    "saupstad": (10, 4),
    "spongdal": (10, 6),
    "tiller": (10, 3),
}


def write_fixture(directory: Path) -> list[Path]:
    survey = [SURVEY_HEADER]
    for year in YEARS:
        for i, zone in enumerate(ZONES):
            answers = 3 if (zone, year) == ("spongdal", 2021) else 20
            for j, theme in enumerate(THEMES):
                survey.append(
                    [year, NAMES[zone], theme, round(4.0 + 0.2 * i + 0.1 * j, 1), answers]
                )
    council = [COUNCIL_HEADER]
    for year in YEARS:
        for zone in ZONES:
            if (zone, year) == ("tiller", 2021):
                continue  # the council met; Tiller was not there
            inputs, followed = FOLLOW_UP[zone]
            first = followed // 2
            for month, done in ((3, first), (9, followed - first)):
                council.append(
                    [
                        date(year, month, 10),
                        "Brukerråd vest",
                        NAMES[zone],
                        2,
                        inputs // 2,
                        done,
                        0,
                        "Nei",
                    ]
                )
    economy, risk = [ECONOMY_HEADER], [RISK_HEADER]
    for year in YEARS:
        for zone in ZONES:
            budget, actual, wages = ECONOMY[zone]
            if zone == "tiller" and year == 2020:
                actual = budget - 500_000
            economy.append([year, NAMES[zone], budget, actual, wages])
            risk.append([year, NAMES[zone], 2 if zone == "saupstad" else 4, "Ja", 2, 1, 100_000])
    projects = [
        PROJECT_HEADER,
        [
            "P-1",
            "Innbyggerpanel",
            "Nardo",
            2020,
            None,
            "Pågår",
            3,
            "Universitetskommunen",
            "Sent",
            "NTNU",
            "Demokratisk verdi; Innovasjon",
        ],
        [
            "P-2",
            "Nabomøter",
            "Nardo",
            2021,
            None,
            "Pågår",
            4,
            "Innbyggere",
            "Tidlig",
            None,
            "Offentlig verdi",
        ],
        [
            "P-3",
            "Turvenner",
            "Nardo; Heimdal",
            2019,
            2021,
            "Avsluttet",
            2,
            "Frivillige",
            "Tidlig",
            "Turlaget",
            "Effektivitet og kvalitet",
        ],
        [
            "P-4",
            "Primærkontakt",
            "Heimdal",
            2020,
            None,
            "Implementert",
            1,
            "Brukerråd",
            None,
            None,
            None,
        ],
    ]
    goal = "Brukerne opplever medvirkning"
    goals = [GOALS_HEADER]
    for year in YEARS:
        for zone in ZONES:
            result = GOAL_RESULTS.get((zone, year), 5.2)
            goals.append([year, NAMES[zone], goal, "Brukermedvirkning", 5.0, result, None])
    goals += [
        [2021, "Heimdal", "Samskaping", "Antall samskapingsprosjekter", 2, 1.96, None],
        [2021, "Heimdal", "Kontinuitet", "Ulike hjelpere", 10, 13, "Lavere er bedre"],
        [2021, "Heimdal", "Arbeidsmiljø", "Sykefravær i prosent", 8.5, None, "Lavere er bedre"],
    ]
    quality = [QUALITY_HEADER]
    for zone in ZONES:
        share = 0.86 if zone == "heimdal" else 0.92
        quality.append([2021, NAMES[zone], "Andel brukere med primærkontakt", share, 0.9])
    return [
        write_xlsx(
            directory / "kvalitet-test.xlsx",
            {"Brukerundersøkelse": survey, "Brukerråd": council, "Kvalitetsindikatorer": quality},
        ),
        write_xlsx(
            directory / "enheter-test.xlsx",
            {
                "Økonomi": economy,
                "Risikovilje": risk,
                "Samskapingsprosjekter": projects,
                "Mål og indikatorer": goals,
            },
        ),
    ]


def write_zones(directory: Path) -> Path:
    """The fixture's municipality: its five zones only, so every year is complete."""
    path = directory / "zones.csv"
    lines = ["id,name,aliases,council,active_from"]
    lines += [f"{z},{NAMES[z]},,Brukerråd vest," for z in ZONES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory):
    directory = tmp_path_factory.mktemp("store")
    settings = get_settings(
        database_url=f"sqlite:///{directory / 'test.sqlite'}",
        cache_type="SimpleCache",
        load_sample_when_empty=False,
        zones_file=write_zones(directory),
    )
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    for path in write_fixture(directory):
        report = store.import_path(path, source="cli")
        assert report.outcome == "imported", report.text()
    return settings


def fixture_store(settings, directory: Path, name: str = "store.sqlite") -> Store:
    """A store of its own with the fixture workbooks imported (for tests that change it)."""
    settings = settings.with_overrides(database_url=f"sqlite:///{directory / name}")
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    for path in write_fixture(directory):
        assert store.import_path(path).outcome == "imported"
    return store


@pytest.fixture(scope="session")
def ui_dataset(ui_settings):
    return build_dataset(Store(ui_settings))


@pytest.fixture(scope="session")
def ui_prepared(ui_dataset, ui_settings):
    return Prepared.build(ui_dataset, ui_settings)


@pytest.fixture
def ui_app(ui_settings):
    """A Flask app wired to the fixture store, for layouts that call `data.current()`."""
    server = Flask(__name__)
    init_data(server, ui_settings)
    with server.app_context():
        data.reset()
        yield server
        data.reset()


@pytest.fixture(scope="session")
def ui_sample_settings(tmp_path_factory):
    """The bundled sample data, as the README's run command loads it."""
    directory = tmp_path_factory.mktemp("sample")
    return get_settings(
        database_url=f"sqlite:///{directory / 'sample.sqlite'}",
        cache_type="SimpleCache",
        load_sample_when_empty=True,
    )
