"""Server time of the dashboard's callbacks, against a bare one-bar plotly callback.

    python bench/callbacks.py [--repeat 200] [--seconds 120] [--synthetic]

Builds the app on a fresh SQLite store with the bundled sample (13 zones, 2017-2021) and
POSTs to /_dash-update-component through Flask's test client, so each time is the whole
server side of one callback: the callback guard, request parsing, the callback, and
serialising its response. The yardstick is registered in the same app:
`go.Figure(go.Bar(x=["a"], y=[1]))` returned to a dcc.Graph.

With `--synthetic` a second app in the same process holds bench/synthetic.py's municipality
thirty times larger (400 zones, 10 years, 50 000 projects, weekly councils), and the table
shows both scales side by side. Every case of every scale makes one call per round, in turn,
so all of them see the same moments of this shared, noisy machine; each ratio is against
the bare callback of the same store. "cold" is a first view (the version's finished views
and lists forgotten, only the index kept), "warm" a repeat view (the same view asked twice,
the second timed). The index keeps its parts (`data.INDEX_PARTS`: every zone's flags per year
and language, each year's flag summary, the runs of negative spirals): they are built with
it, once per version and worker, so their cost is in the first request after an import.

Also prints the time of the first request after an import (dataset and index built, per
worker), and the gzip-compressed bytes of a first load of the zone page as the server sends
them (bench/pageload.py measures what the browser receives).
Targets (issue 10): p95 of a first view within 5x the bare callback, of a repeat view within
2x; at 400 zones within 2x the 13-zone time. Nothing is asserted: this prints a table.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dash import Input, Output  # noqa: E402

from dashboard import urls  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.figures import bare_bar  # noqa: E402
from dashboard.settings import get_settings  # noqa: E402
from dashboard.web.callback_guard import declare  # noqa: E402

BARE_OUT, BARE_IN = "bench-bar", "bench-input"
ROUTER = ".._pages_content.children..._pages_store.data.."


def _split_output(spec: str) -> list[dict]:
    """'..a.children...b.data..' -> [{'id': 'a', 'property': 'children'}, ...]."""
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    outputs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        component = json.loads(ident) if ident.startswith("{") else ident
        if isinstance(component, dict) and ["ALL"] in component.values():
            outputs.append([])  # a pattern output matching no component (the callback guard)
            continue
        outputs.append({"id": component, "property": prop})
    return outputs


class Bench:
    def __init__(self, client):
        self.client = client
        deps = json.loads(client.get("/_dash-dependencies").data)
        self.specs = {d["output"]: d for d in deps}

    def spec(self, marker: str) -> str:
        return next(o for o in self.specs if marker in o)

    def post(self, output: str, inputs: list, state: list = ()) -> float:
        outputs = _split_output(output)
        body = {
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": inputs,
            "state": list(state),
            # Every page's first input has a plain string id.
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        }
        start = time.perf_counter()
        response = self.client.post("/_dash-update-component", json=body)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{output}: HTTP {response.status_code} {response.data[:300]!r}")
        return elapsed


def zone_calls(bench: Bench, zones: list[str], years: list[int]):
    output = bench.spec("zone-title.children")
    view = [
        {
            "id": {"type": "view", "page": "sone"},
            "property": "data",
            "value": {"lang": "nb", "default_zone": zones[0]},
        }
    ]
    year = years[-1]
    for zone in itertools.cycle(zones):
        yield lambda z=zone, y=year: bench.post(
            output,
            [
                {"id": "zone-select", "property": "data", "value": z},
                {"id": "zone-year", "property": "data", "value": y},
            ],
            view,
        )


def overview_calls(bench: Bench, years: list[int], sort_columns: list[str]):
    output = bench.spec("ovw-table.children")
    buttons = [
        {"id": {"type": "ovw-sort", "col": c}, "property": "n_clicks", "value": None}
        for c in sort_columns
    ]
    state = [
        {
            "id": "ovw-sort-state",
            "property": "data",
            "value": {"sorter": "sone", "retning": "stigende"},
        },
        {"id": {"type": "view", "page": "oversikt"}, "property": "data", "value": {"lang": "nb"}},
    ]
    for year in itertools.cycle(years):
        yield lambda y=year: bench.post(
            # No page buttons: a year switch starts at the table's first page.
            output,
            [
                {"id": "ovw-year", "property": "data", "value": y},
                buttons,
                [],
                {"id": "ovw-columns", "property": "data", "value": None},  # every group
            ],
            state,
        )


def compare_calls(bench: Bench, zones: list[str], years: list[int]):
    output = bench.spec("cmp-sentences.children")
    state = [
        {"id": {"type": "view", "page": "sammenlign"}, "property": "data", "value": {"lang": "nb"}}
    ]
    for i, year in zip(itertools.count(), itertools.cycle(years)):
        own = zones[i % len(zones)]
        others = [zones[(i + 3) % len(zones)], zones[(i + 7) % len(zones)]]
        yield lambda o=own, s=others, y=year: bench.post(
            output,
            [
                {"id": "cmp-own", "property": "data", "value": o},
                {"id": "cmp-others", "property": "data", "value": s},
                {"id": "cmp-year", "property": "data", "value": y},
            ],
            state,
        )


def bare_calls(bench: Bench):
    for i in itertools.count():
        yield lambda v=i: bench.post(
            f"{BARE_OUT}.figure", [{"id": BARE_IN, "property": "data", "value": v}]
        )


def first_load_bytes(client, path: str = "/sone/heimdal") -> tuple[int, int, int]:
    """(raw bytes, gzip bytes, requests) of a first visit to `path`."""
    html = client.get(path).data
    urls = re.findall(rb'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    bodies = [html]
    for url in urls:
        url = url.decode()
        if url.startswith("/"):
            bodies.append(client.get(url).data)
    bodies.append(client.get("/_dash-layout").data)
    bodies.append(client.get("/_dash-dependencies").data)
    router = {
        "output": ROUTER,
        "outputs": _split_output(ROUTER),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    bodies.append(client.post("/_dash-update-component", json=router).data)
    # Fetched by dcc.Graph when the first chart appears.
    for chunk in ("dash/dcc/async-graph.js", "plotly/package_data/plotly.min.js"):
        bodies.append(client.get(f"/_dash-component-suites/{chunk}").data)
    raw = sum(len(b) for b in bodies)
    packed = sum(len(gzip.compress(b, compresslevel=6)) for b in bodies)
    return raw, packed, len(bodies)


def synthetic_settings(settings):
    """`settings` with a store holding bench/synthetic.py's 30x municipality (400 zones)."""
    from bench.synthetic import build
    from dashboard.store.repository import Store

    data = build()
    settings = settings.with_overrides(zones_file=data.zones_file, load_sample_when_empty=False)
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    for path in data.workbooks:
        report = store.import_path(path)
        if report.outcome != "imported":
            raise SystemExit(report.text())
    return settings


@dataclass
class Scale:
    """One app (one store) and the calls measured against it."""

    label: str
    bench: Bench
    app: object
    loaded_s: float  # the first request after an import: dataset and index built
    cases: list = field(default_factory=list)  # (name, calls iterator, kind)
    times: dict = field(default_factory=dict)  # name -> seconds per call
    zones: int = 0
    years: int = 0

    def forget_views(self) -> None:
        # The index the app serves from now: a second app's start forgets the process's
        # indexes (data.init_data), so one kept from before would no longer be the one used.
        from dashboard import data

        with self.app.server.app_context():
            data.current().forget_views()


def make_scale(label: str, settings) -> Scale:
    app = create_app(settings)
    app.callback(Output(BARE_OUT, "figure"), Input(BARE_IN, "data"))(lambda _v: bare_bar())
    # The callback guard runs only declared callbacks; the yardstick's input is a counter.
    declare(app, (BARE_IN, "data", urls.CLICKS))
    client = app.server.test_client()
    bench = Bench(client)
    with app.server.app_context():
        from dashboard import data
        from dashboard.metrics import METRICS as metrics
        from dashboard.metrics import OVERVIEW_COLUMNS
        from dashboard.urls import ZONE_SORT

        started = time.perf_counter()
        prepared = data.current()
        loaded = time.perf_counter() - started
        zones, years = prepared.zone_ids, prepared.years
        sorts = [ZONE_SORT, *(metrics[k].slug for k in OVERVIEW_COLUMNS)]
    client.get("/")
    scale = Scale(label, bench, app, loaded)
    scale.cases = [
        ("bare one-bar figure", bare_calls(bench), "bare"),
        ("switch zone (6 panels), cold", zone_calls(bench, zones, years), "cold"),
        ("switch zone (6 panels), warm", zone_calls(bench, zones, years), "warm"),
        ("overview: switch year, cold", overview_calls(bench, years, sorts), "cold"),
        ("overview: switch year, warm", overview_calls(bench, years, sorts), "warm"),
        ("compare: 3 zones, cold", compare_calls(bench, zones, years), "cold"),
        ("compare: 3 zones, warm", compare_calls(bench, zones, years), "warm"),
    ]
    scale.times = {name: [] for name, _calls, _kind in scale.cases}
    scale.zones, scale.years = len(zones), len(years)
    return scale


def run_rounds(scales: list[Scale], repeat: int, seconds: float) -> None:
    """Every case of every scale once per round, in turn, so that all of them see the same
    moments of a busy machine. Cold: the version's views and lists are forgotten first, so
    the call works its view out from the index and its parts ("first view"). Warm: the same
    view is asked once untimed and then again (a repeat view, served from the version's
    memo)."""
    deadline = time.perf_counter() + seconds
    for round_ in range(repeat + WARM_UP):
        for scale in scales:
            for name, calls, kind in scale.cases:
                call = next(calls)
                if kind == "cold":
                    scale.forget_views()
                elif kind == "warm":
                    call()
                elapsed = call()
                if round_ >= WARM_UP:
                    scale.times[name].append(elapsed)
        if time.perf_counter() > deadline:
            break


def stats(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "n": len(times),
        "p50": statistics.median(times) * 1000,
        "p95": times[max(int(len(times) * 0.95) - 1, 0)] * 1000,
    }


def report(scales: list[Scale]) -> None:
    names = [name for name, _calls, _kind in scales[0].cases]
    table = {s.label: {n: stats(s.times[n]) for n in names} for s in scales}
    print("Callbacks, server time per call (ms) and its ratio to the bare callback of the")
    print("same store, measured in turns in one run")
    header = f"{'callback':<31}"
    for s in scales:
        header += f" | {s.label + f' ({s.zones} zones, {s.years} years)':^34}"
    print(header)
    sub = f"{'':<31}" + f" | {'n':>4}{'p50':>8}{'p95':>8}{'p50 ×':>7}{'p95 ×':>7}" * len(scales)
    if len(scales) == 2:
        sub += f" | {'p95 400/13':>10}"
    print(sub)
    for name in names:
        line = f"{name:<31}"
        for s in scales:
            row, bare = table[s.label][name], table[s.label][names[0]]
            line += (
                f" | {row['n']:>4}{row['p50']:>8.1f}{row['p95']:>8.1f}"
                f"{row['p50'] / bare['p50']:>7.1f}{row['p95'] / bare['p95']:>7.1f}"
            )
        if len(scales) == 2:
            small, large = (table[s.label][name]["p95"] for s in scales)
            line += f" | {large / small:>10.2f}"
        print(line)
    print("targets: p95 of a first view within 5× the bare callback, of a repeat view within")
    print("2×; at 400 zones every callback within 2× its 13-zone time (p95)")
    for s in scales:
        print(f"{s.label}: first request after an import (dataset and index) {s.loaded_s:.2f} s")


WARM_UP = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per callback")
    parser.add_argument("--seconds", type=float, default=120, help="time bound of the run")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="also the 30x municipality of bench/synthetic.py, side by side",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite'}", cache_type="SimpleCache"
        )
        scales = [make_scale("13 zones", settings)]
        if args.synthetic:
            large = synthetic_settings(
                settings.with_overrides(database_url=f"sqlite:///{Path(tmp) / 'bench30.sqlite'}")
            )
            scales.append(make_scale("400 zones", large))
        run_rounds(scales, args.repeat, args.seconds)
        raw, packed, requests = first_load_bytes(scales[0].bench.client)
    report(scales)
    print()
    print(
        f"First load of /sone/heimdal (13 zones): {requests} requests, {raw / 1e6:.2f} MB raw, "
        f"{packed / 1e6:.2f} MB gzip (bench/pageload.py measures what the browser receives)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
