"""Load: 50 viewers against 3 gunicorn workers, first alone, then while an admin imports the
largest file the caps allow through the web.

Starts `gunicorn dashboard.app:server --preload` (as the Procfile does, with the default
settings) on a free loopback port with a fresh SQLite store holding the bundled sample, and
runs the viewers of tests/reliability/viewers.py (page HTML, Dash's page router, now and
then a CSV export) in two phases:

1. no import: the viewers alone for `--seconds`;
2. with import: an admin logs in (form, CSRF token) and posts the largest valid projects
   workbook (tests/workbooks.py `write_largest_projects`, about 218 000 rows, 10 MB) to
   `/api/import`, as a script would, while the viewers go on; the phase lasts until the
   import has answered and `--after` seconds more, to see the workers load the new data.

It prints, side by side, request counts, errors and p50/p95/max latency per kind of request
for "no import", "during the import" (its request's start to its answer) and "after it", the
import's own outcome, rows and time, and what its child process used (CPU seconds, peak
memory). Exit code 1 if any request failed or the import was not imported.

    python bench/load.py [--viewers 50] [--seconds 60] [--after 20] [--workers 3]
                         [--think 0.25] [--no-import]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.settings import get_settings
from tests.reliability.harness import Admin, Gunicorn
from tests.reliability.viewers import (
    Stats,
    percentile,
    random_view,
    router_payload,
    run_load,
    zones,
)
from tests.workbooks import largest_projects_rows, write_largest_projects

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
TICK = os.sysconf("SC_CLK_TCK")


def show_router_request(base_url: str) -> None:
    """Print one router request and what came back, to see the viewers ask the right thing."""
    import random

    view = random_view(random.Random(0), zones())
    dependencies = requests.get(base_url + "/_dash-dependencies", timeout=30).json()
    payload = router_payload(dependencies, view)
    answer = requests.post(base_url + "/_dash-update-component", json=payload, timeout=30)
    print(f"router request for {view.url}: {answer.status_code}, {len(answer.content)} bytes")


def largest_file() -> Path:
    """The largest projects workbook the default caps allow, written once into bench/.cache/
    (about 20 s) under a name that says its size."""
    settings = get_settings()
    rows = largest_projects_rows(settings)
    path = CACHE_DIR / f"largest-projects-{rows}-{settings.year_min}-{settings.year_max}.xlsx"
    if not path.exists():
        CACHE_DIR.mkdir(exist_ok=True)
        started = time.perf_counter()
        print(f"writing {path.name} ...", end=" ", flush=True)
        partial = path.with_suffix(".part")
        write_largest_projects(partial, settings).rename(path)
        print(f"{time.perf_counter() - started:.1f} s")
    return path


# ---------------------------------------------------------------- the import


@dataclass
class ImportRun:
    """One upload through the web, and what its child process used, sampled from /proc."""

    path: Path
    started: float = 0.0
    ended: float = 0.0
    status: int | None = None
    outcome: str = ""
    rows: int = 0
    message: str = ""
    child_cpu: float = 0.0  # user + system seconds, the last sample before it ended
    child_peak_mb: float = 0.0
    child_seconds: float = 0.0
    _children: dict[int, tuple[float, float, float]] = field(default_factory=dict)

    def run(self, server: Gunicorn) -> None:
        with Admin(server) as admin:  # login form, session cookie, CSRF token
            data = self.path.read_bytes()
            self.started = time.monotonic()
            try:
                response = admin.upload((self.path.name, data), timeout=180)
            except requests.RequestException as exc:
                self.message = f"{type(exc).__name__}: {exc}"
            else:
                self.status = response.status_code
                try:
                    (report,) = response.json()
                    self.outcome = report["outcome"]
                    self.rows = sum(s["rows"] for s in report["sheets"])
                    self.message = "; ".join(e["message"] for e in report["errors"][:2])
                except (ValueError, KeyError, TypeError):
                    self.message = response.text[:300]
            self.ended = time.monotonic()

    def watch(self, server: Gunicorn, stop: threading.Event) -> None:
        """Sample the import child's CPU time and peak memory while it lives. Children are
        found through /proc/<worker>/task/<worker>/children, not by scanning /proc: this
        thread shares the viewers' process and must not slow them down."""
        workers = server.worker_pids()
        while not stop.is_set():
            for pid in _children_of(workers):
                sample = _child_sample(pid)
                if sample is not None:
                    first = self._children.get(pid, (time.monotonic(), 0.0, 0.0))[0]
                    self._children[pid] = (first, *sample)
            for first, cpu, peak in self._children.values():
                self.child_cpu, self.child_peak_mb = cpu, max(peak, self.child_peak_mb)
                self.child_seconds = time.monotonic() - first
            stop.wait(0.2)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def _children_of(parents: set[int]) -> list[int]:
    found = []
    for parent in parents:
        try:
            found += [
                int(p) for p in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            ]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _child_sample(pid: int) -> tuple[float, float] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    peak = next((int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmHWM:"), 0)
    return cpu, peak / 1024


# ---------------------------------------------------------------- the report


def _cells(stats: Stats | None, kind: str | None) -> str:
    if stats is None:
        return f"{'':>29}"
    values = stats.all_latencies() if kind is None else sorted(stats.latencies.get(kind, []))
    if not values:
        return f"{'–':>6}{'':>23}"
    return (
        f"{len(values):>6}{percentile(values, 50) * 1000:>8.0f}"
        f"{percentile(values, 95) * 1000:>8.0f}{values[-1] * 1000:>7.0f}"
    )


def side_by_side(phases: dict[str, Stats | None]) -> str:
    names = list(phases)
    head = f"{'':<18}" + "".join(f"| {name:<27}" for name in names)
    sub = f"{'kind':<18}" + "| count  p50 ms  p95 ms max ms" * len(names)
    lines = [head, sub]
    kinds = sorted({k for s in phases.values() if s for k in s.latencies})
    for kind in [*kinds, None]:
        label = "all requests" if kind is None else kind
        lines.append(f"{label:<18}" + "".join(f"| {_cells(phases[n], kind)}" for n in names))
    lines.append(
        f"{'errors':<18}" + "".join(f"| {len(s.errors) if s else '':>27}" for s in phases.values())
    )
    lines.append(
        f"{'seconds, req/s':<18}"
        + "".join(
            f"| {s.seconds:>10.1f} s {s.requests / max(s.seconds, 1e-9):>9.1f}/s  " if s else ""
            for s in phases.values()
        )
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="the no-import phase, s")
    parser.add_argument("--after", type=float, default=20, help="viewers after the import, s")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--think", type=float, default=0.25, help="mean pause between a viewer's steps, s"
    )
    parser.add_argument("--no-import", action="store_true", help="only the first phase")
    args = parser.parse_args()
    path = None if args.no_import else largest_file()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with (
        tempfile.TemporaryDirectory(prefix="dashboard-load-") as tmp,
        Gunicorn(Path(tmp), workers=args.workers) as server,
    ):
        print(f"gunicorn with {args.workers} workers at {server.base_url}")
        show_router_request(server.base_url)
        print(f"{args.viewers} viewers, no import, {args.seconds:.0f} s ...", flush=True)
        alone = run_load(server.base_url, args.viewers, args.seconds, args.think)
        phases: dict[str, Stats | None] = {"no import": alone}
        run = None
        if path is not None:
            run = ImportRun(path)
            budget = get_settings().import_timeout_seconds
            print(
                f"{args.viewers} viewers while {path.name} ({path.stat().st_size / 1e6:.1f} MB) "
                f"is imported, then {args.after:.0f} s more ...",
                flush=True,
            )
            stop = threading.Event()
            importer = threading.Thread(target=run.run, args=(server,))
            watcher = threading.Thread(target=run.watch, args=(server, stop), daemon=True)

            enough = threading.Event()

            def start_import():
                time.sleep(2)  # the viewers are under way first
                importer.start()
                watcher.start()
                importer.join()
                stop.set()
                time.sleep(args.after)
                enough.set()

            threading.Thread(target=start_import, daemon=True).start()
            # At most the import's whole budget and the time after it; the windows below
            # are cut from it by the import's own start and answer.
            limit = 2 + budget + 30 + args.after
            during = run_load(server.base_url, args.viewers, limit, args.think, stop=enough)
            importer.join()
            phases["during import"] = during.between(run.started, run.ended)
            phases["after import"] = during.between(run.ended, run.ended + args.after)
            health = requests.get(server.base_url + "/healthz", timeout=30).json()
            print(f"data version after: {health['data_version']}")
    print()
    print(side_by_side(phases))
    errors = [e for s in phases.values() if s for e in s.errors]
    for error in errors[:10]:
        print(f"  error: {error}")
    if run is not None:
        print(
            f"\nimport of {run.path.name}: HTTP {run.status}, {run.outcome or 'no outcome'}, "
            f"{run.rows} rows, {run.seconds:.1f} s through the web "
            f"(budget {get_settings().import_timeout_seconds} s); its child ran "
            f"{run.child_seconds:.1f} s, used {run.child_cpu:.1f} s of CPU, "
            f"peak {run.child_peak_mb:.0f} MB"
        )
        if run.message:
            print(f"  {run.message}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    failed = bool(errors) or (run is not None and run.outcome != "imported")
    summary = {
        name: {
            "requests": s.requests,
            "errors": len(s.errors),
            "p50": percentile(s.all_latencies(), 50),
            "p95": percentile(s.all_latencies(), 95),
        }
        for name, s in phases.items()
        if s is not None
    }
    print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
