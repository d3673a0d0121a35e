"""Import speed and cost: full imports against a bare calamine read, the largest file the caps
allow, and hostile files.

1. Builds workbooks of 1k, 10k and 100k project rows and, for each, measures in this one run
   (a) a bare python-calamine read of the sheet and (b) the full import into a fresh SQLite
   store in this process (container and extent checks, parsing and validating every cell, the
   database write). Prints the times and their ratio; the target is a ratio within 3x at 100k
   rows. Machines here are shared and noisy, so each figure is the best of a few repetitions.
2. Builds the largest valid projects workbook the caps allow (DASHBOARD_MAX_ROWS_PER_SHEET,
   DASHBOARD_MAX_CELLS) and imports it the way the web does: in a limited child process,
   with the outcome read back from the store. Prints the wall time against the web budget
   (DASHBOARD_IMPORT_TIMEOUT) and the child's peak memory against its limit
   (DASHBOARD_IMPORT_MEMORY_MB). The target: at most a third of the budget on a quiet
   machine, so a machine busy with viewers still finishes in time.
3. Times the refusal of hostile files: two zip bombs (1.1 MB that unpack to 1 GB; honest and
   lying sizes) and a 2 KB sheet whose cells at XFD3 and A8000 ask for a 16 384 x 8 000
   rectangle (about 5 GB if it were read).

4. Whole workbooks at two scales side by side: the bundled sample (13 zones, 5 years) and
   the synthetic municipality thirty times larger (bench/synthetic.py: 400 zones, 10 years,
   50 000 projects, weekly council meetings), each file imported into a fresh store against
   a bare calamine read of every sheet of the same file. Target: the 30x import within 3x.

    python bench/ingest.py [--sizes 1000,10000,100000] [--repeat 3] [--no-largest] [--no-scale]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.ingest.importer import parse_bytes
from dashboard.ingest.zones import ZoneRegistry
from dashboard.settings import get_settings
from dashboard.store.isolated import run_import
from dashboard.store.repository import Store
from tests.workbooks import (
    ECONOMY_HEADER,
    add_cells,
    bomb,
    largest_projects_rows,
    write_largest_projects,
    write_projects,
    write_xlsx,
)


def build(path: Path, rows: int) -> None:
    write_projects(path, rows)


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


def fresh_store(workdir: Path, n: list[int], **settings_overrides) -> Store:
    n[0] += 1
    settings = get_settings(
        database_url=f"sqlite:///{workdir / f'bench{n[0]}.sqlite'}",
        load_sample_when_empty=False,
        **settings_overrides,
    )
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    return store


def full_import(path: Path, workdir: Path, n: list[int], **settings_overrides) -> None:
    report = fresh_store(workdir, n, **settings_overrides).import_path(path)
    if report.outcome != "imported":
        raise SystemExit(report.text())


def ratios(sizes: list[int], repeat: int, workdir: Path, counter: list[int]) -> None:
    print(f"{'rows':>8} {'file MB':>8} {'bare read s':>12} {'full import s':>14} {'ratio':>6}")
    for rows in sizes:
        path = workdir / f"prosjekter-{rows}.xlsx"
        build(path, rows)
        bare = best_of(repeat, lambda p=path: bare_read(p))
        full = best_of(repeat, lambda p=path: full_import(p, workdir, counter))
        size_mb = path.stat().st_size / 1e6
        print(f"{rows:>8} {size_mb:>8.1f} {bare:>12.3f} {full:>14.3f} {full / bare:>6.2f}")
    print("target: ratio <= 3.0 at 100000 rows")


def largest(workdir: Path, counter: list[int]) -> None:
    store = fresh_store(workdir, counter)
    settings = store.settings
    rows = largest_projects_rows(settings)
    path = workdir / "prosjekter-storst.xlsx"
    started = time.perf_counter()
    write_largest_projects(path, settings)
    written = time.perf_counter() - started
    started = time.perf_counter()
    report = run_import(path, store, source="web", timeout=settings.import_timeout_seconds)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    budget = settings.import_timeout_seconds
    print(
        f"largest allowed projects file: {rows} rows x 11 columns "
        f"(caps: {settings.max_rows_per_sheet} rows, {settings.max_cells} cells), "
        f"{path.stat().st_size / 1e6:.1f} MB, written in {written:.0f} s"
    )
    print(
        f"  imported in a child as the web does: {report.outcome} in {elapsed:.1f} s "
        f"(budget {budget} s: {elapsed / budget:.0%}); "
        f"child peak RSS {peak_mb:.0f} MB (limit {settings.import_memory_mb} MB)"
    )
    print("target: at most a third of the budget on a quiet machine")


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


def hostile(workdir: Path) -> None:
    print(f"{'hostile file':<34} {'size MB':>8} {'refused in s':>13}  outcome")
    settings = get_settings(load_sample_when_empty=False)
    registry = ZoneRegistry.from_csv(settings.zones_file)
    far = write_xlsx(
        workdir / "spredt.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 1, 1]]}
    )
    add_cells(far, {"XFD3": 1, "A8000": 1})
    for name, data in (
        ("zip bomb, honest sizes", bomb(1024**3, lie=False)),
        ("zip bomb, lying sizes", bomb(1024**3, lie=True)),
        ("cells at XFD3 and A8000", far.read_bytes()),
    ):
        started = time.perf_counter()
        report = parse_bytes(data, "fiendtlig.xlsx", registry, settings).report
        elapsed = time.perf_counter() - started
        code = report.errors[0].code if report.errors else "ACCEPTED"
        print(f"{name:<34} {len(data) / 1e6:>8.3f} {elapsed:>13.3f}  {code}")
    print("target: refused in seconds, never inflated or allocated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-largest", action="store_true", help="skip the largest file")
    parser.add_argument("--no-scale", action="store_true", help="skip the 13/400-zone table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        counter = [0]
        ratios([int(s) for s in args.sizes.split(",")], args.repeat, workdir, counter)
        print()
        if not args.no_largest:
            largest(workdir, counter)
            print()
        hostile(workdir)
    if not args.no_scale:
        print()
        scale_table(args.repeat)


if __name__ == "__main__":
    main()
