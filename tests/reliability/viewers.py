"""Simulated viewers: the requests a browser makes while someone switches zones and years.

One viewer opens the app (the Dash renderer fetches `/_dash-layout` and
`/_dash-dependencies`), then repeatedly picks a view, loads its HTML and asks Dash's pages
router (`/_dash-update-component`) for the page content, the request a browser makes on
every navigation, and now and then downloads the page's data as CSV. Every response is
checked: status 200, and a router answer must hold the page that was asked for.

Shared by tests/reliability/test_load.py and bench/load.py.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

from dashboard.i18n import t
from dashboard.ingest.zones import ZoneRegistry
from dashboard.sample import YEARS
from dashboard.settings import ZONES_FILE

ROUTER_OUTPUT = "_pages_content.children"
TIMEOUT = 30


@dataclass(frozen=True)
class View:
    kind: str  # oversikt | sone | sammenlign | mote
    path: str
    search: str
    title: str  # the start of the page title the router must report
    heading: str  # the page's own heading, which its content must hold
    export: str  # the page's CSV download

    @property
    def url(self) -> str:
        return self.path + self.search


def zones() -> list[tuple[str, str]]:
    return [(z.id, z.name) for z in ZoneRegistry.from_csv(ZONES_FILE).zones]


def random_view(rng: random.Random, zone_list: list[tuple[str, str]]) -> View:
    year = rng.choice(YEARS)
    kind = rng.choice(("oversikt", "sone", "sone", "sammenlign", "mote"))
    chosen = rng.sample(zone_list, rng.randint(2, 3))
    zone_ids = [z for z, _ in chosen]
    query: dict = {"ar": year}
    if kind == "sone":
        zone_ids = zone_ids[:1]
        path, title, heading = f"/sone/{zone_ids[0]}", f"Sone {zone_ids[0]} –", "zone_title"
    elif kind == "sammenlign":
        query = {"soner": ",".join(zone_ids), "ar": year}
        path, title, heading = "/sammenlign", "Sammenlign –", "cmp_title"
    elif kind == "mote":
        path, title, heading, zone_ids = "/mote", "Møtemodus –", "mote_title", []
    else:
        path, title, heading, zone_ids = "/", "Oversikt –", "ovw_title", []
    export = {"format": "csv", "side": kind, "ar": year, "soner": ",".join(zone_ids)}
    return View(
        kind,
        path,
        "?" + urlencode(query, safe=","),
        title,
        t(heading, "nb", zone=chosen[0][1]),
        "/eksport?" + urlencode(export, safe=","),
    )


def router_payload(dependencies: list[dict], view: View) -> dict:
    """The body the Dash renderer POSTs when the location changes, built from the app's own
    `/_dash-dependencies` (the callback whose output is the pages container)."""
    spec = next(d for d in dependencies if ROUTER_OUTPUT in d["output"])
    # "..a.b...c.d.." is Dash's multi-output id; "a.b" a single one.
    multi = spec["output"].startswith("..")
    parts = spec["output"].strip(".").split("...") if multi else [spec["output"]]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    location = {"pathname": view.path, "search": view.search, "hash": "", "href": view.url}

    def value_of(item: dict) -> dict:
        value = location.get(item["property"]) if item["id"] == "_pages_location" else None
        return {"id": item["id"], "property": item["property"], "value": value}

    inputs = [value_of(i) for i in spec["inputs"]]
    return {
        "output": spec["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": inputs,
        "state": [value_of(s) for s in spec["state"]],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


def router_answer_holds(body: dict, view: View) -> bool:
    """The router's JSON answer is the page asked for: its title and its own heading."""
    answer = body["response"]
    title = answer.get("_pages_store", {}).get("data", {}).get("title", "")
    content = json.dumps(answer.get("_pages_content", {}), ensure_ascii=False)
    return title.startswith(view.title) and view.heading in content


# ---------------------------------------------------------------- one run


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    workers: set[str] = field(default_factory=set)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (when it started on time.monotonic's clock, kind, seconds, error): for time windows
    events: list[tuple[float, str, float, str | None]] = field(default_factory=list)

    def record(self, kind: str, started: float, error: str | None, served_by: str | None):
        elapsed = time.perf_counter() - started
        began = time.monotonic() - elapsed
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.events.append((began, kind, elapsed, error))
            if error:
                self.errors.append(f"{kind}: {error}")
            if served_by:
                self.workers.add(served_by)

    def between(self, start: float, end: float) -> Stats:
        """The requests that started in [start, end) on time.monotonic's clock."""
        window = Stats(seconds=max(0.0, end - start))
        for began, kind, elapsed, error in self.events:
            if start <= began < end:
                window.latencies[kind].append(elapsed)
                window.events.append((began, kind, elapsed, error))
                if error:
                    window.errors.append(f"{kind}: {error}")
        return window

    def all_latencies(self) -> list[float]:
        return sorted(v for values in self.latencies.values() for v in values)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests in {self.seconds:.1f} s, {len(self.errors)} errors, "
            f"{self.requests / max(self.seconds, 1e-9):.1f} req/s, "
            f"answered by {len(self.workers)} workers",
            f"{'kind':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}",
        ]
        for kind, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            lines.append(
                f"{kind:<18}{len(ordered):>7}{percentile(ordered, 50) * 1000:>9.0f}"
                f"{percentile(ordered, 95) * 1000:>9.0f}{ordered[-1] * 1000:>9.0f}"
            )
        lines += [f"  error: {e}" for e in self.errors[:10]]
        return "\n".join(lines)


def percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


class Viewer:
    def __init__(self, base_url: str, stats: Stats, seed: int, think: float):
        self.base_url = base_url
        self.stats = stats
        self.rng = random.Random(seed)
        self.think = think
        self.session = requests.Session()
        self.dependencies: list[dict] = []

    def request(self, kind: str, method: str, path: str, check=None, **kwargs):
        started = time.perf_counter()
        error = response = None
        try:
            response = self.session.request(method, self.base_url + path, timeout=TIMEOUT, **kwargs)
            if response.status_code != 200:
                error = f"{path} -> {response.status_code} {response.text[:200]!r}"
            elif check is not None and not check(response):
                error = f"{path} -> 200 without the expected content"
        except requests.RequestException as exc:
            error = f"{path} -> {type(exc).__name__}: {exc}"
        served_by = response.headers.get("X-Served-By") if response is not None else None
        self.stats.record(kind, started, error, served_by)
        return response if error is None else None

    def open_app(self) -> bool:
        layout = self.request("layout", "GET", "/_dash-layout")
        deps = self.request("dependencies", "GET", "/_dash-dependencies")
        if deps is not None:
            self.dependencies = deps.json()
        return layout is not None and deps is not None

    def step(self, zone_list: list[tuple[str, str]]) -> None:
        view = random_view(self.rng, zone_list)
        self.request("page", "GET", view.url)
        self.request(
            f"router:{view.kind}",
            "POST",
            "/_dash-update-component",
            check=lambda r: router_answer_holds(r.json(), view),
            json=router_payload(self.dependencies, view),
        )
        if self.rng.random() < 0.2:
            self.request("export", "GET", view.export)

    def run(
        self,
        deadline: float,
        zone_list: list[tuple[str, str]],
        max_steps: int,
        stop: threading.Event | None = None,
    ) -> None:
        with self.session:
            if not self.open_app():
                return
            for _ in range(max_steps):
                if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                    break
                self.step(zone_list)
                if self.think:
                    time.sleep(self.rng.uniform(0, 2 * self.think))


def run_load(
    base_url: str,
    viewers: int = 50,
    seconds: float = 15,
    think: float = 0.25,
    max_steps: int = 10_000,
    seed: int = 1,
    stop: threading.Event | None = None,
) -> Stats:
    """`viewers` concurrent viewers for `seconds` (or until `stop` is set); in-flight
    requests finish (bounded by their timeout). Returns the latencies per kind of request
    and every error."""
    stats = Stats()
    zone_list = zones()
    started = time.monotonic()
    deadline = started + seconds
    with ThreadPoolExecutor(max_workers=viewers) as pool:
        crowd = [Viewer(base_url, stats, seed + n, think) for n in range(viewers)]
        futures = [pool.submit(v.run, deadline, zone_list, max_steps, stop) for v in crowd]
        done, pending = wait(futures, timeout=seconds + 4 * TIMEOUT)
        for future in done:
            if future.exception() is not None:
                stats.errors.append(f"viewer crashed: {future.exception()!r}")
        if pending:
            stats.errors.append(f"{len(pending)} viewers still running after the time limit")
    stats.seconds = time.monotonic() - started
    return stats
