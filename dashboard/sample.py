"""Deterministic generator of the two bundled sample workbooks (EKSEMPELDATA).

No real export is public, so the dashboard ships with invented workbooks that look like the
real ones (title rows, bold headers, totals, footnotes, zone names and numbers written in the
forms people type) and carry the patterns the dashboard is built to show: a zone whose user
council follow-up stands out, zones in a budget "negative spiral" that report low risk
tolerance, survey scores too thin to show, and radical co-creation that is rare and mostly
initiated from above.

Every random draw comes from `random.Random` seeded with a constant, one stream per table, and
the files carry fixed timestamps, so the same code writes byte-for-byte the same files.

    python -m dashboard.sample        # writes data/sample/*.xlsx
"""

from __future__ import annotations

import csv
import io
import os
import random
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .ingest.spec import LADDER_LABELS as LADDER
from .ingest.spec import TOP_DOWN
from .settings import SAMPLE_DIR, ZONES_FILE

SEED = 20220115
YEARS = tuple(range(2017, 2022))
EXPORTED = datetime(2022, 1, 15, 8, 0, 0)
EXPORTED_TEXT = EXPORTED.strftime("%d.%m.%Y")
PERIOD = f"{YEARS[0]}–{YEARS[-1]}"
QUALITY_FILE = "kvalitetsrapport-eksempel.xlsx"
UNITS_FILE = "enhetsavtaler-eksempel.xlsx"
SAMPLE_NOTE = "EKSEMPELDATA – ikke ekte tall"

# Excel stores number formats locale-free: "#,##0" is what a Norwegian Excel shows as "# ##0".
AMOUNT_FORMAT = "#,##0"
DATE_FORMAT = "dd.mm.yyyy"
PERCENT_FORMAT = "0 %"
DECIMAL_FORMAT = "0.0"

THEMES = (
    ("Informasjon", -0.15),
    ("Serviceinnstilling", 0.30),
    ("Brukermedvirkning/påvirkningsmulighet", -0.35),
    ("Forutsigbarhet", -0.20),
    ("Tjenestekvalitet", 0.20),
    ("Samhandling", 0.00),
)
PARTICIPATION_THEME = "Brukermedvirkning/påvirkningsmulighet"
PRIMARY_CONTACT = "Andel brukere med primærkontakt"
HELPERS = "Antall ulike hjelpere siste 14 dager"

HIGHER, LOWER = "Høyere er bedre", "Lavere er bedre"

# --- The story the sample tells, by zone id from zones.csv.

# Budget result as a share of budget (negative is overspend) in the zones meant to show the
# negative spiral: an overspend two or more years running.
SPIRAL_RESULTS = {
    "saupstad": {2017: 0.008, 2018: -0.024, 2019: -0.046, 2020: -0.031, 2021: 0.006},
    "ostbyen": {2017: 0.021, 2018: 0.012, 2019: -0.019, 2020: -0.054, 2021: -0.036},
}
# Survey zone-years with fewer than 5 answers: Spongdal is small, Klæbu's first year was thin.
FEW_ANSWERS = {("spongdal", 2017), ("spongdal", 2019), ("klabu", 2020)}
SMALL_ZONES = {"spongdal"}
# Zone-years with no one at any user council meeting.
NO_ATTENDANCE = {("tiller", 2018), ("ranheim", 2020)}
# Heimdal follows up far more of the council's inputs than the other zones.
FOLLOW_UP_RATES = {"heimdal": 0.88}
MEETING_MONTHS = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # councils do not meet in July


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    council: str
    active_from: date | None

    def active_in(self, year: int) -> bool:
        return self.active_from is None or self.active_from.year <= year

    def active_on(self, day: date) -> bool:
        return self.active_from is None or self.active_from <= day


class Styled(NamedTuple):
    """A cell value with its own number format, where the column has none or another one."""

    value: object
    number_format: str


@dataclass
class Table:
    sheet: str
    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # header -> format of number cells


@dataclass(frozen=True)
class Project:
    name: str
    zones: tuple[str, ...]
    start: int
    end: int | None
    status: str
    ladder: int
    initiator: str
    entry: str | None
    partners: tuple[str, ...]
    values: tuple[str, ...]


def _rng(stream: str) -> random.Random:
    # One stream per table, so changing one table does not reshuffle all the others.
    return random.Random(f"{SEED}:{stream}")


def load_zones(path: Path = ZONES_FILE) -> list[Zone]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        return [
            Zone(
                id=row["id"].strip(),
                name=row["name"].strip(),
                council=row["council"].strip(),
                active_from=date.fromisoformat(row["active_from"].strip())
                if row.get("active_from", "").strip()
                else None,
            )
            for row in csv.DictReader(fh)
        ]


def _active(zones: Sequence[Zone], year: int) -> list[Zone]:
    return [z for z in zones if z.active_in(year)]


# ---------------------------------------------------------------- how people type values


def zone_label(zone: Zone, rng: random.Random, share: float = 0.1) -> str:
    """The zone's name, now and then in one of the other forms the real exports use."""
    if rng.random() >= share:
        return zone.name
    return rng.choice(
        (f"Hjemmetjenesten {zone.name}", f"{zone.name} hjemmetjeneste", f"{zone.name.upper()} HJT")
    )


def _grouped(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


def amount_cell(value: int, rng: random.Random, text_share: float = 0.15) -> object:
    """An amount as a number, or as the text a copy from a PDF or a ledger leaves behind."""
    if rng.random() >= text_share:
        return value
    if rng.random() < 0.5:
        return f"kr {_grouped(value, ' ')}"
    return _grouped(value, "\u00a0")


def score_cell(value: float, rng: random.Random, text_share: float = 0.12) -> object:
    if rng.random() < text_share:
        return f"{value:.1f}".replace(".", ",")
    return value


def percent_cell(share: float, style: str) -> object:
    """A share written the way one year's export writes it: '85 %', 0,85 or 85."""
    whole = round(share * 100)
    if style == "text":
        return f"{whole} %"
    if style == "whole":
        return whole
    if style == "comma":
        return f"{share:.2f}".replace(".", ",")
    return Styled(round(share, 2), PERCENT_FORMAT)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _clamp_int(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# ---------------------------------------------------------------- quality report


def survey_table(zones: Sequence[Zone]) -> tuple[Table, dict[tuple[int, str, str], float]]:
    rng = _rng("survey")
    base = {z.id: rng.uniform(4.45, 5.05) for z in zones}
    size = {z.id: rng.randint(25, 70) for z in zones}
    table = Table(
        "Brukerundersøkelse",
        "Brukerundersøkelse hjemmetjenesten " + PERIOD,
        ["År", "Enhet", "Tema", "Snitt", "Antall\nsvar"],
        footnotes=[
            "* Færre enn 5 svar vises ikke i den publiserte kvalitetsmeldingen",
            "Kilde: Brukerundersøkelse i hjemmetjenesten, Trondheim kommune – EKSEMPELDATA",
        ],
        formats={"Snitt": DECIMAL_FORMAT},
    )
    scores: dict[tuple[int, str, str], float] = {}
    for year in YEARS:
        for zone in _active(zones, year):
            answers = _answer_count(zone, year, size[zone.id], rng)
            label = zone_label(zone, rng)
            for theme, offset in THEMES:
                # Thin samples scatter more; the trend is a slow improvement.
                noise = rng.gauss(0, 0.3 if answers < 15 else 0.12)
                score = round(
                    _clamp(base[zone.id] + offset + 0.04 * (year - 2017) + noise, 4.0, 5.5), 1
                )
                scores[year, zone.id, theme] = score
                # A few skip a question, so the count per theme varies a little.
                n = answers if answers < 5 or rng.random() < 0.7 else answers - rng.randint(1, 2)
                table.rows.append([year, label, theme, score_cell(score, rng), n])
    return table, scores


def _answer_count(zone: Zone, year: int, size: int, rng: random.Random) -> int:
    if (zone.id, year) in FEW_ANSWERS:
        return rng.randint(3, 4)
    if zone.id in SMALL_ZONES:
        return rng.randint(9, 14)
    return _clamp_int(size + rng.randint(-8, 8), 15, 80)


def meeting_dates(rng: random.Random, year: int) -> list[date]:
    months = sorted(rng.sample(MEETING_MONTHS, rng.randint(4, 6)))
    dates = []
    for month in months:
        day = date(year, month, rng.randint(3, 22))
        # Councils meet Tuesday to Thursday.
        while day.weekday() not in (1, 2, 3):
            day = day.replace(day=day.day + 1)
        dates.append(day)
    return dates


def council_table(zones: Sequence[Zone]) -> Table:
    rng = _rng("council")
    rates = {z.id: FOLLOW_UP_RATES.get(z.id, rng.uniform(0.35, 0.65)) for z in zones}
    councils = list(dict.fromkeys(z.council for z in zones))
    table = Table(
        "Brukerråd",
        "Brukerrådene i hjemmetjenesten – møter og innspill " + PERIOD,
        [
            "Dato",
            "Brukerråd",
            "Enhet",
            "Brukerrepresentanter",
            "Innspill",
            "Innspill\nfulgt opp",
            "Politiske\nvedtak",
            "Møteleder",
        ],
        footnotes=["Kilde: Referater fra brukerrådene – EKSEMPELDATA"],
    )
    rows: list[tuple[date, int, int, list[object]]] = []
    for c_index, council in enumerate(councils):
        members = [z for z in zones if z.council == council]
        meeting_no = 0
        for year in YEARS:
            # Each year's minutes were kept by someone else: "Ja"/"Nei" one year, "X"/blank next.
            chair_marks = ("Ja", "Nei") if year % 2 else ("X", None)
            for day in meeting_dates(rng, year):
                present = [z for z in members if z.active_on(day)]
                chair = present[meeting_no % len(present)]
                meeting_no += 1
                for z_index, zone in enumerate(present):
                    if (zone.id, year) in NO_ATTENDANCE or rng.random() < 0.04:
                        continue
                    cells = _council_cells(zone, day, council, rates[zone.id], rng)
                    cells.append(chair_marks[0] if zone is chair else chair_marks[1])
                    rows.append((day, c_index, z_index, cells))
    table.rows = [cells for *_, cells in sorted(rows, key=lambda r: r[:3])]
    return table


def _council_cells(
    zone: Zone, day: date, council: str, rate: float, rng: random.Random
) -> list[object]:
    inputs = rng.choices(range(6), weights=(1, 3, 4, 3, 2, 1))[0]
    followed = sum(rng.random() < rate for _ in range(inputs))
    decisions: int | None = sum(rng.random() < 0.25 for _ in range(followed))
    if decisions == 0 and rng.random() < 0.5:
        decisions = None  # a zero is often left blank in the minutes
    typed_date: object = day.strftime("%d.%m.%Y") if rng.random() < 0.2 else day
    return [
        typed_date,
        council,
        zone_label(zone, rng),
        rng.randint(1, 3),
        inputs,
        followed,
        decisions,
    ]


def quality_table(zones: Sequence[Zone]) -> tuple[Table, dict[tuple[int, str], float]]:
    rng = _rng("quality")
    # The format of the share changed from year to year, as it does in the real reports.
    year_style = {2017: "fraction", 2018: "fraction", 2019: "text", 2020: "whole", 2021: "text"}
    contact_base = {z.id: rng.uniform(0.66, 0.80) for z in zones}
    helpers_base = {z.id: rng.uniform(13.0, 18.0) for z in zones}
    table = Table(
        "Kvalitetsindikatorer",
        "Kvalitetsindikatorer hjemmetjenesten " + PERIOD,
        ["År", "Enhet", "Indikator", "Verdi", "Mål"],
        footnotes=["Kilde: Fagsystemet for hjemmetjenesten – EKSEMPELDATA"],
        formats={"Verdi": DECIMAL_FORMAT, "Mål": DECIMAL_FORMAT},
    )
    helpers: dict[tuple[int, str], float] = {}
    for year in YEARS:
        # Primary contact and a cap on helpers were political decisions that took hold in 2019.
        contact_target = 0.80 if year < 2019 else 0.90
        for zone in _active(zones, year):
            label = zone_label(zone, rng)
            style = "comma" if rng.random() < 0.1 else year_style[year]
            share = _clamp(
                contact_base[zone.id] + 0.045 * (year - 2017) + rng.gauss(0, 0.03), 0.55, 0.99
            )
            table.rows.append(
                [
                    year,
                    label,
                    PRIMARY_CONTACT,
                    percent_cell(share, style),
                    percent_cell(contact_target, style),
                ]
            )
            count = round(
                _clamp(helpers_base[zone.id] - 1.1 * (year - 2017) + rng.gauss(0, 0.8), 7, 20), 1
            )
            helpers[year, zone.id] = count
            target = None if year < 2019 else 10
            table.rows.append([year, label, HELPERS, score_cell(count, rng), target])
    return table, helpers


# ---------------------------------------------------------------- unit agreements


@dataclass(frozen=True)
class Accounts:
    budget: int
    actual: int
    wages: int

    @property
    def deficit(self) -> bool:
        return self.budget - self.actual < 0


def accounts(zones: Sequence[Zone]) -> dict[tuple[int, str], Accounts]:
    rng = _rng("economy")
    result: dict[tuple[int, str], Accounts] = {}
    for zone in zones:
        size = rng.uniform(0.38, 0.92)
        previous_deficit = False
        for year in YEARS:
            if not zone.active_in(year):
                continue
            budget = round(size * 115_000_000 * 1.03 ** (year - 2017), -3)
            scripted = SPIRAL_RESULTS.get(zone.id)
            if scripted:
                share = scripted[year] + rng.uniform(-0.003, 0.003)
            else:
                share = rng.uniform(-0.02, 0.045)
                # Outside the scripted spiral a zone never overspends two years running.
                if share < 0 and previous_deficit:
                    share = -share
            actual = round(budget * (1 - share))
            wages = round(actual * rng.uniform(0.77, 0.83))
            result[year, zone.id] = Accounts(int(budget), actual, wages)
            previous_deficit = share < 0
    return result


def economy_table(zones: Sequence[Zone], books: dict[tuple[int, str], Accounts]) -> Table:
    rng = _rng("economy-sheet")
    table = Table(
        "Økonomi",
        f"Budsjett og regnskap per enhet {PERIOD} (kr)",
        ["År", "Enhet", "Budsjett", "Regnskap", "Lønnskostnader"],
        footnotes=["Kilde: Regnskapssystemet, Trondheim kommune – EKSEMPELDATA"],
        formats={h: AMOUNT_FORMAT for h in ("Budsjett", "Regnskap", "Lønnskostnader")},
    )
    for year in YEARS:
        for zone in _active(zones, year):
            acc = books[year, zone.id]
            table.rows.append(
                [year, zone_label(zone, rng)]
                + [amount_cell(v, rng) for v in (acc.budget, acc.actual, acc.wages)]
            )
    totals = [sum(getattr(a, f) for a in books.values()) for f in ("budget", "actual", "wages")]
    table.rows.append([PERIOD, "Totalt", *totals])
    return table


def deficit_streak(books: dict[tuple[int, str], Accounts], zone_id: str, year: int) -> int:
    streak = 0
    while (year, zone_id) in books and books[year, zone_id].deficit:
        streak += 1
        year -= 1
    return streak


def risk_table(zones: Sequence[Zone], books: dict[tuple[int, str], Accounts]) -> Table:
    rng = _rng("risk")
    table = Table(
        "Risikovilje",
        "Risikovilje og forsøk – egenvurdering i årlig dialog " + PERIOD,
        [
            "År",
            "Enhet",
            "Risikovilje",
            "Tabbekvote",
            "Forsøk startet",
            "Forsøk avsluttet",
            "Utviklingsmidler",
        ],
        footnotes=[
            "Risikovilje: 1 = svært lav, 5 = svært høy. Kilde: Enhetsavtaler – EKSEMPELDATA"
        ],
        formats={"Utviklingsmidler": AMOUNT_FORMAT},
    )
    base = {z.id: rng.choice((3, 4, 4, 4, 5)) for z in zones}
    for zone in SPIRAL_RESULTS:
        base[zone] = 3
    for year in YEARS:
        for zone in _active(zones, year):
            # An overspend claws back next year's budget; leaders in that spiral dare less.
            streak = deficit_streak(books, zone.id, year)
            hangover = 1 if streak == 0 and deficit_streak(books, zone.id, year - 1) >= 2 else 0
            # Ratings wobble a little, except in a year of overspend, which sets the tone.
            noise = 0 if streak else rng.choice((-1, 0, 0, 0, 0, 1))
            risk = _clamp_int(base[zone.id] - min(streak, 2) - hangover + noise, 1, 5)
            quota = "Ja" if risk >= 3 and rng.random() < 0.85 else "Nei"
            started = max(0, risk - 1 + rng.randint(-1, 1))
            stopped = rng.randint(0, started // 2 + (1 if started else 0))
            funds = None if rng.random() < 0.1 else round(risk * rng.uniform(60_000, 140_000), -4)
            table.rows.append(
                [
                    year,
                    zone_label(zone, rng),
                    risk,
                    quota,
                    started,
                    stopped,
                    None if funds is None else amount_cell(int(funds), rng, 0.1),
                ]
            )
    return table


# Projects the story rests on; the rest are drawn from PROJECT_POOL.
ANCHOR_PROJECTS = (
    Project(
        name="Leve hele livet – debattmøter",
        zones=("nardo", "midtbyen", "ostbyen"),
        start=2019,
        end=2020,
        status="Avsluttet",
        ladder=4,
        initiator="Politikere",
        entry="Sent",
        partners=("Eldrerådet", "Frivilligsentralen", "NTNU"),
        values=("Demokratisk verdi", "Offentlig verdi"),
    ),
    Project(
        name="Innbyggerpanel for fremtidens hjemmetjeneste",
        zones=("nardo",),
        start=2020,
        end=None,
        status="Pågår",
        ladder=3,
        initiator="Universitetskommunen",
        entry="Sent",
        partners=("NTNU", "Nardo velforening"),
        values=("Demokratisk verdi", "Innovasjon"),
    ),
    Project(
        name="Frokostmøter i aldersvennlige bydeler",
        zones=("byasen", "heimdal"),
        start=2018,
        end=2021,
        status="Implementert",
        ladder=3,
        initiator="Kommunalsjef",
        entry="Sent",
        partners=("Frivilligsentralen", "Pensjonistforeningen", "Trondheim folkebibliotek"),
        values=("Demokratisk verdi", "Offentlig verdi"),
    ),
    Project(
        name="Velferdsteknologi sammen med brukere",
        zones=("lerkendal", "strinda"),
        start=2019,
        end=None,
        status="Pågår",
        ladder=3,
        initiator="Helse- og velferdsdirektør",
        entry="Tidlig",
        partners=("NTNU", "Brukerrådet øst"),
        values=("Innovasjon", "Effektivitet og kvalitet"),
    ),
    Project(
        name="Demensvennlig nærmiljø",
        zones=("saupstad",),
        start=2018,
        end=2019,
        status="Avbrutt",
        ladder=3,
        initiator="Universitetskommunen",
        entry="Sent",
        partners=("Nasjonalforeningen for folkehelsen",),
        values=("Offentlig verdi",),
    ),
    Project(
        name="Brukerstyrt hverdagsrehabilitering",
        zones=("heimdal",),
        start=2020,
        end=None,
        status="Pågår",
        ladder=3,
        initiator="Brukere og pårørende",
        entry="Tidlig",
        partners=("Pårørendeforeningen",),
        values=("Demokratisk verdi", "Effektivitet og kvalitet"),
    ),
)

# (name, ladder level, possible initiators, possible partners) – everyday co-production.
PROJECT_POOL = (
    ("Primærkontakt i praksis", 1, ("Brukerråd", "Politikere", "Enheten"), ()),
    ("Frivillige turvenner", 2, ("Frivillige", "Innbyggere"), ("Frivilligsentralen", "Turlaget")),
    ("Middagsvenner", 2, ("Frivillige", "Innbyggere"), ("Sanitetsforeningen", "Røde Kors")),
    ("Pårørendeskole", 1, ("Brukere og pårørende", "Ansatte"), ("Pårørendeforeningen",)),
    ("Hverdagsrehabilitering hjemme", 1, ("Ansatte", "Enheten"), ("Fysioterapitjenesten",)),
    ("Kulturvenner i hjemmetjenesten", 2, ("Frivillige",), ("Kirkens Bymisjon", "Kulturenheten")),
    ("Måltidsglede og ernæring", 1, ("Ansatte", "Brukerråd"), ("Kjøkkensenteret",)),
    ("Færre hjelpere – faste team", 1, ("Brukerråd", "Kommunalsjef", "Enheten"), ()),
    (
        "Digitalt tilsyn med brukerpanel",
        1,
        ("Enheten", "Kommunalsjef"),
        ("Trygghetsalarmsentralen",),
    ),
    ("Nabohjelp om vinteren", 2, ("Innbyggere", "Frivillige"), ("Velforeningen",)),
    (
        "Teknologiverksted for eldre",
        2,
        ("Frivillige", "Universitetskommunen"),
        ("Trondheim folkebibliotek", "Seniornett"),
    ),
    ("Samtaler om livets siste fase", 1, ("Ansatte",), ("Fastlegene",)),
    (
        "Brukermedvirkning i vedtaksmøter",
        1,
        ("Brukerråd", "Enheten"),
        ("Helse- og velferdskontor",),
    ),
    ("Trygg medisinering sammen med apotek", 1, ("Enheten", "Ansatte"), ("Apotek",)),
    ("Besøksvenn", 2, ("Frivillige", "Innbyggere"), ("Røde Kors",)),
    ("Aktivitetsgrupper i nærmiljøet", 2, ("Innbyggere", "Ansatte"), ("Frivilligsentralen",)),
)
VALUE_WEIGHTS = (
    ("Effektivitet og kvalitet", 5),
    ("Offentlig verdi", 3),
    ("Innovasjon", 1),
    ("Demokratisk verdi", 1),
)


def projects(zones: Sequence[Zone]) -> list[tuple[str, Project]]:
    """All projects with their IDs ("P-2019-03"), numbered within each start year."""
    rng = _rng("projects")
    drawn = list(ANCHOR_PROJECTS)
    for zone in zones:
        first = max(YEARS[0], zone.active_from.year if zone.active_from else YEARS[0])
        count = rng.randint(2, 4) if first == YEARS[0] else rng.randint(1, 2)
        for name, ladder, initiators, partners in rng.sample(PROJECT_POOL, count):
            drawn.append(_draw_project(zones, zone, first, name, ladder, initiators, partners, rng))
    order = {z.id: i for i, z in enumerate(zones)}
    drawn.sort(key=lambda p: (p.start, order[p.zones[0]], p.name))
    numbered: list[tuple[str, Project]] = []
    per_year: dict[int, int] = {}
    for project in drawn:
        per_year[project.start] = per_year.get(project.start, 0) + 1
        numbered.append((f"P-{project.start}-{per_year[project.start]:02d}", project))
    return numbered


def _draw_project(
    zones: Sequence[Zone],
    zone: Zone,
    first: int,
    name: str,
    ladder: int,
    initiators: tuple[str, ...],
    partners: tuple[str, ...],
    rng: random.Random,
) -> Project:
    start = rng.randint(first, YEARS[-1])
    status, end = _status_and_end(start, rng)
    shared = [
        z.id for z in zones if z.council == zone.council and z is not zone and z.active_in(start)
    ]
    members = (zone.id, rng.choice(shared)) if shared and rng.random() < 0.15 else (zone.id,)
    initiator = rng.choice(initiators)
    if initiator in TOP_DOWN:
        entry = rng.choice(("Tidlig", "Tidlig", "Sent", None))
    else:
        entry = rng.choice(("Tidlig", "Tidlig", None))
    values = rng.choices([v for v, _ in VALUE_WEIGHTS], [w for _, w in VALUE_WEIGHTS], k=2)
    return Project(
        name=name,
        zones=members,
        start=start,
        end=end,
        status=status,
        ladder=ladder,
        initiator=initiator,
        entry=entry,
        partners=partners if rng.random() < 0.8 else (),
        values=() if rng.random() < 0.1 else tuple(dict.fromkeys(values)),
    )


def _status_and_end(start: int, rng: random.Random) -> tuple[str, int | None]:
    if start == YEARS[-1]:
        return rng.choice(("Planlagt", "Pågår", "Pågår")), None
    status = rng.choices(("Pågår", "Avsluttet", "Implementert", "Avbrutt"), (35, 30, 25, 10))[0]
    if status == "Pågår" or rng.random() < 0.25:
        return status, None
    return status, rng.randint(start, YEARS[-1])


def projects_table(zones: Sequence[Zone], numbered: list[tuple[str, Project]]) -> Table:
    rng = _rng("projects-sheet")
    by_id = {z.id: z for z in zones}
    table = Table(
        "Samskapingsprosjekter",
        "Samskapingsprosjekter i hjemmetjenesten " + PERIOD,
        [
            "Prosjekt-ID",
            "Prosjekt",
            "Enhet",
            "Startår",
            "Sluttår",
            "Status",
            "Samskapings-\nform",
            "Initiert av",
            "Inngang",
            "Partnere",
            "Verdi",
        ],
        footnotes=[
            "Samskapingsform etter Røiseland og Lo (2019). Kilde: Enhetsavtaler – EKSEMPELDATA"
        ],
    )
    for project_id, p in numbered:
        separator = "; " if rng.random() < 0.75 else ", "
        table.rows.append(
            [
                project_id,
                p.name,
                "; ".join(zone_label(by_id[z], rng, 0.08) for z in p.zones),
                p.start,
                p.end,
                p.status,
                # Some registrars type the step number, others the label.
                p.ladder if rng.random() < 0.5 else LADDER[p.ladder],
                p.initiator,
                p.entry,
                separator.join(p.partners) or None,
                separator.join(p.values) or None,
            ]
        )
    return table


def _active_projects(numbered: Iterable[tuple[str, Project]], zone_id: str, year: int) -> int:
    return sum(
        1
        for _, p in numbered
        if zone_id in p.zones
        and p.start <= year
        and (p.end is None or p.end >= year)
        and p.status != "Planlagt"
    )


def goals_table(
    zones: Sequence[Zone],
    scores: dict[tuple[int, str, str], float],
    helpers: dict[tuple[int, str], float],
    numbered: list[tuple[str, Project]],
) -> Table:
    rng = _rng("goals")
    table = Table(
        "Mål og indikatorer",
        "Enhetsavtaler – mål og indikatorer " + PERIOD,
        ["År", "Enhet", "Mål", "Indikator", "Målverdi", "Resultat", "Retning"],
        footnotes=["Tomt resultat: ikke målt ennå. Kilde: Enhetsavtaler – EKSEMPELDATA"],
    )
    last = YEARS[-1]
    for year in YEARS:
        for zone in _active(zones, year):
            label = zone_label(zone, rng)
            sick = round(rng.uniform(6.5, 11.5), 1)
            goals = (
                (
                    "Brukerne opplever medvirkning",
                    "Brukerundersøkelse: brukermedvirkning",
                    4.6,
                    scores[year, zone.id, PARTICIPATION_THEME],
                    HIGHER,
                ),
                (
                    "Kontinuitet i tjenesten",
                    HELPERS,
                    15 if year < 2019 else 13,
                    helpers[year, zone.id],
                    LOWER,
                ),
                (
                    "Et godt arbeidsmiljø",
                    "Sykefravær i prosent",
                    8.5,
                    None if year == last and rng.random() < 0.4 else sick,
                    LOWER,
                ),
                (
                    "Mer samskaping med brukere og innbyggere",
                    "Antall samskapingsprosjekter",
                    2,
                    _active_projects(numbered, zone.id, year),
                    HIGHER,
                ),
            )
            for goal, indicator, target, actual, direction in goals:
                # "Higher is better" is the default, so it is sometimes left out.
                shown = None if direction == HIGHER and rng.random() < 0.1 else direction
                table.rows.append([year, label, goal, indicator, target, actual, shown])
    return table


# ---------------------------------------------------------------- writing the workbooks

TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
HEADER_ROW = 4


def write_table(ws: Worksheet, table: Table) -> None:
    """Title, export line, a blank row, the header at row 4, the data, then the footnotes."""
    ws.cell(1, 1, table.title).font = TITLE_FONT
    ws.cell(2, 1, f"Eksportert {EXPORTED_TEXT} – EKSEMPELDATA").font = Font(italic=True)
    for col, header in enumerate(table.headers, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    if any("\n" in h for h in table.headers):
        ws.row_dimensions[HEADER_ROW].height = 30
    row = HEADER_ROW
    for row, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            _write_cell(ws, row, col, value, table.formats.get(table.headers[col - 1]))
    last_data_row = row
    for offset, note in enumerate(table.footnotes, start=2):
        ws.cell(last_data_row + offset, 1, note).font = Font(italic=True, size=9)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.headers))}{last_data_row}"
    _set_widths(ws, table)


def _write_cell(
    ws: Worksheet, row: int, col: int, value: object, number_format: str | None
) -> None:
    if isinstance(value, Styled):
        value, number_format = value.value, value.number_format
    cell = ws.cell(row, col, value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format


def _display_width(value: object) -> int:
    if isinstance(value, Styled):
        value = value.value
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float) and abs(value) >= 1000:
        return len(f"{value:,.0f}")
    return (
        max((len(line) for line in str(value).split("\n")), default=0) if value is not None else 0
    )


def _set_widths(ws: Worksheet, table: Table) -> None:
    for col, header in enumerate(table.headers, start=1):
        longest = max([_display_width(header), *(_display_width(r[col - 1]) for r in table.rows)])
        ws.column_dimensions[get_column_letter(col)].width = _clamp(longest + 2, 8, 48)


def _cover_sheet(ws: Worksheet, contents: str) -> None:
    ws.title = "Forside"
    ws["A1"] = "Kvalitetsmelding for eldre – hjemmetjenesten i Trondheim"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = SAMPLE_NOTE
    ws["A2"].font = Font(bold=True, color="C00000")
    for row, (label, value) in enumerate(
        (("Eksportert:", EXPORTED_TEXT), ("Periode:", PERIOD), ("Innhold:", contents)), start=4
    ):
        ws.cell(row, 1, label).font = HEADER_FONT
        ws.cell(row, 2, value)
    ws["A8"] = (
        "Tallene er laget av en generator (dashboard/sample.py) for å vise dashbordet. "
        "De beskriver ingen virkelig enhet."
    )
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60


def _new_workbook(title: str) -> Workbook:
    wb = Workbook()
    props = wb.properties
    props.title = title
    props.creator = props.lastModifiedBy = "Eksempeldata-generator"
    props.created = props.modified = EXPORTED
    return wb


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save with no trace of the current time, so two runs give identical bytes.

    openpyxl's `save()` stamps the properties with now and the zip entries with the local
    time; the writer is driven directly here and every entry rewritten with a fixed time.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    stamp = EXPORTED.timetuple()[:6]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info))
    # Replace in one step so a reader never sees half a file.
    os.replace(tmp, path)


def _build(wb: Workbook, tables: Sequence[Table]) -> None:
    for table in tables:
        write_table(wb.create_sheet(table.sheet), table)


def write_sample(directory: Path, zones_file: Path = ZONES_FILE) -> list[Path]:
    """Write both sample workbooks into `directory` and return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    zones = load_zones(zones_file)

    survey, scores = survey_table(zones)
    quality, helpers = quality_table(zones)
    books = accounts(zones)
    numbered = projects(zones)

    quality_wb = _new_workbook("Kvalitetsrapport hjemmetjenesten – Eksempeldata")
    _cover_sheet(quality_wb.active, "Brukerundersøkelse, Brukerråd, Kvalitetsindikatorer")
    _build(quality_wb, (survey, council_table(zones), quality))

    units_wb = _new_workbook("Enhetsavtaler hjemmetjenesten – Eksempeldata")
    units_wb.remove(units_wb.active)
    _build(
        units_wb,
        (
            economy_table(zones, books),
            risk_table(zones, books),
            projects_table(zones, numbered),
            goals_table(zones, scores, helpers, numbered),
        ),
    )

    paths = [directory / QUALITY_FILE, directory / UNITS_FILE]
    save_deterministic(quality_wb, paths[0])
    save_deterministic(units_wb, paths[1])
    return paths


if __name__ == "__main__":
    for written in write_sample(SAMPLE_DIR):
        print(written)
