"""A synthetic municipality thirty times Trondheim's home care, for the benchmarks only.

    python bench/synthetic.py [--check]     # writes (or finds) the files, prints their sizes

400 zones in 20 user councils (a zones.csv of its own, used through DASHBOARD_ZONES_FILE /
`Settings.zones_file`), 10 years (2012-2021), weekly meetings of every council with a row
per zone, the user survey (6 themes), quality indicators, budgets, risk tolerance, goals,
and 50 000 co-creation projects. Written as the two workbooks the importer reads (the
quality report and the unit agreements), laid out like the bundled sample: a title row,
the header, data, a footnote. Numbers follow the contract's value kinds in the forms people
type (zone names in several spellings, ladder levels as numbers or labels, lists with `;`).

Deterministic: every draw comes from `random.Random` seeded per table, and the workbooks
carry a fixed creation time, so the same code writes byte-for-byte the same files. They are
kept in bench/.cache/ (ignored by git) under a name that changes with this file's content,
so they are written once (about a minute) and reused. `--check` imports them into a fresh
SQLite store and prints the import report.

Not the app's sample data: nothing in dashboard/ uses this.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.ingest.spec import (  # noqa: E402
    BOTTOM_UP,
    LADDER_LABELS,
    SPECS_BY_KIND,
    STATUSES,
    TOP_DOWN,
)

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SEED = 30_400
YEARS = tuple(range(2012, 2022))
COUNCILS = 20
PROJECTS = 50_000
CREATED = datetime(2022, 1, 15, 8, 0, 0)
QUALITY_FILE = "kvalitetsrapport-30x.xlsx"
UNITS_FILE = "enhetsavtaler-30x.xlsx"

STEMS = (
    "Byåsen", "Flatåsen", "Heimdal", "Klæbu", "Lerkendal", "Midtbyen", "Nardo", "Ranheim",
    "Saupstad", "Spongdal", "Strinda", "Tiller", "Østbyen", "Lade", "Moholt", "Singsaker",
    "Ila", "Bakklandet", "Møllenberg", "Lademoen", "Rosten", "Kattem", "Kolstad", "Sjetne",
    "Okstad", "Nidarvoll", "Risvollan", "Jakobsli", "Brundalen", "Charlottenlund", "Hallset",
    "Stavne", "Tempe", "Valentinlyst", "Vikåsen", "Leira", "Romolslia", "Berg", "Persaunet",
    "Sverresborg",
)  # fmt: skip
QUARTERS = ("nord", "sør", "øst", "vest", "sentrum", "øvre", "nedre", "indre", "ytre", "midt")
THEMES = (
    "Informasjon",
    "Serviceinnstilling",
    "Brukermedvirkning/påvirkningsmulighet",
    "Forutsigbarhet",
    "Tjenestekvalitet",
    "Samhandling",
)
INDICATORS = ("Andel brukere med primærkontakt", "Antall ulike hjelpere siste 14 dager")
GOALS = (
    ("Brukerne opplever medvirkning", "Brukerundersøkelse: brukermedvirkning", 5.0, None),
    ("Kontinuitet i tjenesten", "Antall ulike hjelpere siste 14 dager", 10, "Lavere er bedre"),
    ("Et godt arbeidsmiljø", "Sykefravær i prosent", 8.5, "Lavere er bedre"),
    ("Mer samskaping med brukerne", "Antall samskapingsprosjekter", 2, "Høyere er bedre"),
)
PARTNERS = ("NTNU", "Frivilligsentralen", "Pensjonistforeningen", "Røde Kors", "Sanitetsforeningen")
VALUE_FORMS = ("Demokratisk verdi", "Effektivitet og kvalitet", "Innovasjon", "Offentlig verdi")


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    council: str


@dataclass(frozen=True)
class Synthetic:
    """The files of one synthetic municipality."""

    zones_file: Path
    quality: Path
    units: Path
    zones: int
    rows: dict[str, int]

    @property
    def workbooks(self) -> list[Path]:
        return [self.quality, self.units]


def slug(text: str) -> str:
    folded = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return "-".join(folded.split())


def make_zones() -> list[Zone]:
    zones = []
    for i, (stem, quarter) in enumerate((s, q) for s in STEMS for q in QUARTERS):
        name = f"{stem} {quarter}"
        zones.append(Zone(slug(name), name, f"Brukerråd {i % COUNCILS + 1:02d}"))
    return zones


def spelling(zone: Zone, rng: random.Random) -> str:
    """The zone as people type it: mostly its name, sometimes another accepted form."""
    roll = rng.random()
    if roll < 0.80:
        return zone.name
    if roll < 0.90:
        return f"Hjemmetjenesten {zone.name}"
    if roll < 0.95:
        return zone.name.upper()
    return zone.name.replace("æ", "ae").replace("ø", "o").replace("å", "aa")


class Sheet:
    """One worksheet of a kind the importer knows, written row by row (xlsxwriter's
    constant-memory mode), with the kind's canonical sheet name and headers."""

    def __init__(self, book, kind: str, title: str, date_format=None):
        spec = SPECS_BY_KIND[kind]
        self.name = spec.sheet_names[0]
        self.sheet = book.add_worksheet(self.name)
        self.sheet.write_row(0, 0, [f"{title} {YEARS[0]}–{YEARS[-1]} (syntetisk)"])
        self.sheet.write_row(2, 0, [col.header for col in spec.columns])
        self.next = 3
        self.date_format = date_format
        self.count = 0

    def row(self, values: list) -> None:
        for col, value in enumerate(values):
            if isinstance(value, date):
                self.sheet.write_datetime(
                    self.next, col, datetime.combine(value, datetime.min.time()), self.date_format
                )
            elif value is not None:
                self.sheet.write(self.next, col, value)
        self.next += 1
        self.count += 1

    def footnote(self, text: str) -> None:
        self.sheet.write_row(self.next + 1, 0, [text])


def new_book(path: Path):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": CREATED, "author": "bench/synthetic.py"})
    return book


def write_quality(path: Path, zones: list[Zone]) -> dict[str, int]:
    book = new_book(path)
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    # The survey: six themes per zone and year; small zone-years fall under the threshold.
    rng = random.Random(f"{SEED}-survey")
    survey = Sheet(book, "survey", "Brukerundersøkelse hjemmetjenesten")
    for year in YEARS:
        for zone in zones:
            answers = rng.choice((3, 4)) if rng.random() < 0.04 else rng.randint(8, 90)
            base = rng.uniform(3.8, 5.4)
            for theme in THEMES:
                score = round(min(6.0, max(1.0, base + rng.uniform(-0.6, 0.6))), 1)
                survey.row([year, spelling(zone, rng), theme, score, answers])
    survey.footnote("* Færre enn 5 svar vises ikke. Kilde: syntetiske data")
    # Every council meets weekly; each meeting has a row for each of its zones.
    rng = random.Random(f"{SEED}-council")
    council = Sheet(book, "council", "Brukerrådsmøter", date_format)
    by_council: dict[str, list[Zone]] = {}
    for zone in zones:
        by_council.setdefault(zone.council, []).append(zone)
    for c, (name, members) in enumerate(sorted(by_council.items())):
        day = date(YEARS[0], 1, 2) + timedelta(days=c % 5)
        while day.year <= YEARS[-1]:
            chair = rng.randrange(len(members))
            for i, zone in enumerate(members):
                present = 0 if rng.random() < 0.05 else rng.randint(1, 4)
                inputs = rng.randint(0, 3) if present else 0
                followed = rng.randint(0, inputs)
                decisions = rng.randint(0, followed)
                council.row(
                    [
                        day,
                        name,
                        spelling(zone, rng),
                        present,
                        inputs,
                        followed,
                        decisions,
                        "Ja" if i == chair else "Nei",
                    ]
                )
            day += timedelta(days=7)
    council.footnote("Kilde: møtebøker, syntetiske data")
    rng = random.Random(f"{SEED}-quality")
    quality = Sheet(book, "quality", "Kvalitetsindikatorer")
    for year in YEARS:
        for zone in zones:
            share = round(rng.uniform(0.55, 0.98), 2)
            quality.row([year, spelling(zone, rng), INDICATORS[0], share, 0.9])
            quality.row([year, spelling(zone, rng), INDICATORS[1], rng.randint(6, 22), 12])
    quality.footnote("Kilde: syntetiske data")
    book.close()
    return {
        "Brukerundersøkelse": survey.count,
        "Brukerråd": council.count,
        "Kvalitet": quality.count,
    }


def write_units(path: Path, zones: list[Zone], projects_count: int = PROJECTS) -> dict[str, int]:
    book = new_book(path)
    amount = book.add_format({"num_format": "#,##0"})
    rng = random.Random(f"{SEED}-economy")
    economy = Sheet(book, "economy", "Budsjett og regnskap")
    for year in YEARS:
        for zone in zones:
            budget = rng.randrange(20_000_000, 150_000_000, 1000)
            actual = round(budget * (1 - rng.gauss(0.0, 0.03)))
            wages = round(actual * rng.uniform(0.70, 0.85))
            economy.row([year, spelling(zone, rng), budget, actual, wages])
    economy.sheet.set_column(2, 4, 14, amount)
    economy.footnote("Positivt resultat er mindreforbruk. Kilde: syntetiske data")
    rng = random.Random(f"{SEED}-risk")
    risk = Sheet(book, "risk", "Risikovilje")
    for year in YEARS:
        for zone in zones:
            started = rng.randint(0, 6)
            risk.row(
                [
                    year,
                    spelling(zone, rng),
                    rng.randint(1, 5),
                    rng.choice(("Ja", "Nei")),
                    started,
                    rng.randint(0, started),
                    rng.randrange(0, 2_000_000, 5000) if rng.random() < 0.7 else None,
                ]
            )
    risk.footnote("Kilde: årlig dialog med enhetslederne, syntetiske data")
    rng = random.Random(f"{SEED}-projects")
    projects = Sheet(book, "projects", "Samskapingsprosjekter")
    initiators = BOTTOM_UP + TOP_DOWN
    statuses = tuple(STATUSES)
    for i in range(projects_count):
        shared = rng.random() < 0.15
        members = rng.sample(zones, rng.randint(2, 3)) if shared else [rng.choice(zones)]
        start = rng.choice(YEARS)
        level = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]
        projects.row(
            [
                f"S-{i:06d}",
                f"Samskapingsprosjekt {i}",
                "; ".join(spelling(z, rng) for z in members),
                start,
                None if rng.random() < 0.4 else min(YEARS[-1], start + rng.randint(0, 3)),
                rng.choice(statuses),
                level if rng.random() < 0.5 else LADDER_LABELS[level],
                rng.choice(initiators),
                rng.choice(("Tidlig", "Sent", None)),
                "; ".join(rng.sample(PARTNERS, rng.randint(0, 2))) or None,
                "; ".join(rng.sample(VALUE_FORMS, rng.randint(1, 2))),
            ]
        )
    projects.footnote("Kilde: enhetsavtalene, syntetiske data")
    rng = random.Random(f"{SEED}-goals")
    goals = Sheet(book, "goals", "Enhetsavtaler – mål og indikatorer")
    for year in YEARS:
        for zone in zones:
            label = spelling(zone, rng)
            for goal, indicator, target, direction in GOALS:
                actual = None if rng.random() < 0.05 else round(target * rng.uniform(0.7, 1.3), 1)
                goals.row([year, label, goal, indicator, target, actual, direction])
    goals.footnote("Tomt resultat: ikke målt ennå. Kilde: syntetiske data")
    book.close()
    return {sheet.name: sheet.count for sheet in (economy, risk, projects, goals)}


def write_zones(path: Path, zones: list[Zone]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "aliases", "council", "active_from"])
        for zone in zones:
            writer.writerow([zone.id, zone.name, "", zone.council, ""])


def build(cache_dir: Path = CACHE_DIR) -> Synthetic:
    """The synthetic municipality's files, written on first use and then reused."""
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    target = cache_dir / f"synthetic-30x-{version}"
    zones = make_zones()
    counts_file = target / "rows.csv"
    if not counts_file.exists():
        for stale in cache_dir.glob("synthetic-30x-*"):  # written by an older version
            shutil.rmtree(stale)
        target.mkdir(parents=True, exist_ok=True)
        write_zones(target / "zones.csv", zones)
        counts = write_quality(target / QUALITY_FILE, zones) | write_units(
            target / UNITS_FILE, zones
        )
        with counts_file.open("w", newline="") as fh:
            csv.writer(fh).writerows(counts.items())
    with counts_file.open(newline="") as fh:
        rows = {name: int(n) for name, n in csv.reader(fh)}
    return Synthetic(
        target / "zones.csv", target / QUALITY_FILE, target / UNITS_FILE, len(zones), rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="import into a fresh store")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = build()
    print(f"{data.zones} zones, {len(YEARS)} years ({time.perf_counter() - started:.1f} s)")
    for path in data.workbooks:
        print(f"  {path} ({path.stat().st_size / 1e6:.1f} MB)")
    for name, n in data.rows.items():
        print(f"  {name:<24}{n:>9,} rows")
    if args.check:
        from dashboard.settings import get_settings
        from dashboard.store.repository import Store

        with tempfile.TemporaryDirectory() as tmp:
            settings = get_settings(
                database_url=f"sqlite:///{Path(tmp) / 'check.sqlite'}",
                zones_file=data.zones_file,
                load_sample_when_empty=False,
            )
            store = Store(settings)
            store.ensure_ready(load_sample=False)
            for path in data.workbooks:
                started = time.perf_counter()
                report = store.import_path(path)
                print(f"{path.name}: {report.outcome} in {time.perf_counter() - started:.1f} s")
                if report.outcome != "imported":
                    print(report.text())
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
