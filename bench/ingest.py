"""Import speed: full import of a projects workbook against a bare calamine read of it.

Builds workbooks of 1k, 10k and 100k project rows, then for each size measures, in this one
run, (a) a bare python-calamine read of the sheet and (b) the full import into a fresh
SQLite store (container checks, parsing and validation of every cell, the database write).
Prints the times and their ratio; the target is a ratio within 3x at 100k rows. Machines
here are shared and noisy, so each figure is the best of a few repetitions. Last, it times
the refusal of two zip bombs (1.1 MB that unpack to 1 GB; one with honest sizes in its
headers, one whose headers lie).

Then whole workbooks at two scales side by side: the bundled sample (13 zones, 5 years) and
the synthetic municipality thirty times larger (bench/synthetic.py: 400 zones, 10 years,
50 000 projects, weekly council meetings), each file imported into a fresh store against a
bare calamine read of every sheet of the same file. Target: the 30x import within 3x.

    python bench/ingest.py [--sizes 1000,10000,100000] [--repeat 3] [--no-scale]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import python_calamine
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.ingest.importer import parse_bytes
from dashboard.ingest.spec import SPECS_BY_KIND
from dashboard.ingest.zones import ZoneRegistry
from dashboard.settings import get_settings
from dashboard.store.repository import Store
from tests.workbooks import bomb

HEADER = [col.header for col in SPECS_BY_KIND["projects"].columns]
ZONES = [
    "Byåsen",
    "Flatåsen",
    "Heimdal",
    "Klæbu",
    "Lerkendal",
    "Midtbyen",
    "Nardo",
    "Ranheim",
    "Saupstad",
    "Spongdal",
    "Strinda",
    "Tiller",
    "Østbyen",
]
STATUS = ["Planlagt", "Pågår", "Avsluttet", "Implementert", "Avbrutt"]
INITIATORS = ["Enheten", "Ansatte", "Politikere", "Brukerråd", "Universitetskommunen"]


def build(path: Path, rows: int) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Samskapingsprosjekter")
    sheet.write_row(0, 0, ["Samskapingsprosjekter – benchmark"])
    sheet.write_row(2, 0, HEADER)
    for i in range(rows):
        zones = ZONES[i % 13] if i % 5 else f"{ZONES[i % 13]}; {ZONES[(i + 3) % 13]}"
        start = 2015 + i % 7
        sheet.write_row(
            i + 3,
            0,
            [
                f"P-{i:06d}",
                f"Prosjekt nummer {i}",
                zones,
                start,
                "" if i % 3 else start + 2,
                STATUS[i % 5],
                (i % 4) + 1,
                INITIATORS[i % 5],
                "Sent" if i % 7 == 0 else "Tidlig",
                "NTNU; Frivilligsentralen",
                "Innovasjon; Demokratisk verdi",
            ],
        )
    book.close()


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def bare_read(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name("Samskapingsprosjekter").to_python()


def full_import(path: Path, workdir: Path, n: list[int], **settings_overrides) -> None:
    n[0] += 1
    settings = get_settings(
        database_url=f"sqlite:///{workdir / f'bench{n[0]}.sqlite'}",
        load_sample_when_empty=False,
        **settings_overrides,
    )
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    report = store.import_path(path)
    if report.outcome != "imported":
        raise SystemExit(report.text())


def bare_read_all(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def scale_table(repeat: int) -> None:
    """The sample and the synthetic 30x municipality, file by file, side by side."""
    from bench.synthetic import build
    from dashboard.settings import SAMPLE_DIR, ZONES_FILE

    started = time.perf_counter()
    synthetic = build()
    print(f"(synthetic 30x files ready in {time.perf_counter() - started:.1f} s)")
    scales = [
        ("13 zones", ZONES_FILE, sorted(SAMPLE_DIR.glob("*.xlsx"))),
        ("400 zones", synthetic.zones_file, synthetic.workbooks),
    ]
    print(
        f"{'scale':<10} {'workbook':<32} {'MB':>5} {'bare read s':>12} {'import s':>9} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        counter = [0]
        for label, zones_file, paths in scales:
            bare_total = full_total = 0.0
            for path in paths:
                bare = best_of(repeat, lambda p=path: bare_read_all(p))
                full = best_of(
                    repeat,
                    lambda p=path, z=zones_file: full_import(p, Path(tmp), counter, zones_file=z),
                )
                bare_total, full_total = bare_total + bare, full_total + full
                size = path.stat().st_size / 1e6
                print(
                    f"{label:<10} {path.name:<32} {size:>5.1f} {bare:>12.3f} {full:>9.3f}"
                    f" {full / bare:>6.2f}"
                )
            print(
                f"{label:<10} {'both':<32} {'':>5} {bare_total:>12.3f} {full_total:>9.3f}"
                f" {full_total / bare_total:>6.2f}"
            )
    print("target: the 400-zone import within 3x a bare read of the same files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-scale", action="store_true", help="skip the 13/400-zone table")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'rows':>8} {'file MB':>8} {'bare read s':>12} {'full import s':>14} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        counter = [0]
        for rows in sizes:
            path = workdir / f"prosjekter-{rows}.xlsx"
            build(path, rows)
            bare = best_of(args.repeat, lambda p=path: bare_read(p))
            full = best_of(args.repeat, lambda p=path: full_import(p, workdir, counter))
            size_mb = path.stat().st_size / 1e6
            print(f"{rows:>8} {size_mb:>8.1f} {bare:>12.3f} {full:>14.3f} {full / bare:>6.2f}")
    print("target: ratio <= 3.0 at 100000 rows")
    print()
    print(f"{'hostile file':<28} {'size MB':>8} {'refused in s':>13}  outcome")
    settings = get_settings(load_sample_when_empty=False)
    registry = ZoneRegistry.from_csv(settings.zones_file)
    for name, data in (
        ("zip bomb, honest sizes", bomb(1024**3, lie=False)),
        ("zip bomb, lying sizes", bomb(1024**3, lie=True)),
    ):
        started = time.perf_counter()
        report = parse_bytes(data, "bombe.xlsx", registry, settings).report
        elapsed = time.perf_counter() - started
        code = report.errors[0].code if report.errors else "ACCEPTED"
        print(f"{name:<28} {len(data) / 1e6:>8.1f} {elapsed:>13.3f}  {code}")
    print("target: refused in seconds, never inflated (1 GB unpacked)")
    if not args.no_scale:
        print()
        scale_table(args.repeat)


if __name__ == "__main__":
    main()
