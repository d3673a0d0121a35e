"""Server time of the dashboard's callbacks, against a bare one-bar plotly callback.

    python bench/callbacks.py [--repeat 200] [--seconds 20] [--synthetic]

Builds the app on a fresh SQLite store with the bundled sample (13 zones, 2017-2021) and
POSTs to /_dash-update-component through Flask's test client, so each time is the whole
server side of one callback: request parsing, the callback, and serialising its response.
The yardstick is registered in the same app and measured in the same run:
`go.Figure(go.Bar(x=["a"], y=[1]))` returned to a dcc.Graph.

Also prints the gzip-compressed bytes of a first page load of the zone page (the heaviest):
the HTML, every script and stylesheet it names, the layout and dependency requests, the
first callback (the page router) and the chart bundles Dash fetches when a graph appears.
Targets (issue 3): p95 within 5x the bare callback at 13 zones; first load under 2 MB.
Nothing is asserted: this prints a table.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dash import Input, Output  # noqa: E402

from dashboard.app import create_app  # noqa: E402
from dashboard.figures import bare_bar  # noqa: E402
from dashboard.settings import get_settings  # noqa: E402

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

    def measure(self, name: str, calls, repeat: int, seconds: float, before=None) -> dict:
        """Time `repeat` calls (at most `seconds`); `before()` runs untimed before each."""
        for call in itertools.islice(calls, 10):  # warm up: first imports, the data index
            call()
        times, deadline = [], time.perf_counter() + seconds
        for call in itertools.islice(calls, repeat):
            if before:
                before()
            times.append(call())
            if time.perf_counter() > deadline:
                break
        times.sort()
        return {
            "name": name,
            "n": len(times),
            "p50": statistics.median(times) * 1000,
            "p95": times[max(int(len(times) * 0.95) - 1, 0)] * 1000,
        }


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
            output, [{"id": "ovw-year", "property": "data", "value": y}, buttons], state
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per callback")
    parser.add_argument("--seconds", type=float, default=20, help="time bound per callback")
    parser.add_argument(
        "--synthetic", action="store_true", help="the 30x municipality of bench/synthetic.py"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite'}", cache_type="SimpleCache"
        )
        if args.synthetic:
            settings = synthetic_settings(settings)
        app = create_app(settings)
        app.callback(Output(BARE_OUT, "figure"), Input(BARE_IN, "data"))(lambda _v: bare_bar())
        client = app.server.test_client()
        client.get("/")
        bench = Bench(client)
        with app.server.app_context():
            from dashboard.data import current
            from dashboard.metrics import METRICS as metrics
            from dashboard.metrics import OVERVIEW_COLUMNS
            from dashboard.urls import ZONE_SORT

            prepared = current()
            zones, years = prepared.zone_ids, prepared.years
            sorts = [ZONE_SORT, *(metrics[k].slug for k in OVERVIEW_COLUMNS)]
        # Cold: the version's memo is emptied before each call, so every call computes its
        # view from the prepared data. Warm: repeated views come from the memo, as they do
        # when many people switch among 13 zones and a few years.
        cold = prepared.forget_views
        cases = [
            ("switch zone (5 panels)", lambda: zone_calls(bench, zones, years)),
            ("overview: switch year", lambda: overview_calls(bench, years, sorts)),
            ("compare: 3 zones", lambda: compare_calls(bench, zones, years)),
        ]
        rows = [bench.measure("bare one-bar figure", bare_calls(bench), args.repeat, args.seconds)]
        for name, calls in cases:
            rows.append(bench.measure(f"{name}, cold", calls(), args.repeat, args.seconds, cold))
            rows.append(bench.measure(f"{name}, warm", calls(), args.repeat, args.seconds))
        raw, packed, requests = first_load_bytes(client)
    base = rows[0]
    print(f"Callbacks, server time per call ({len(zones)} zones, {len(years)} years)")
    print(f"{'callback':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×':>8}{'p95 ×':>8}")
    for row in rows:
        print(
            f"{row['name']:<34}{row['n']:>5}{row['p50']:>9.2f}{row['p95']:>9.2f}"
            f"{row['p50'] / base['p50']:>8.1f}{row['p95'] / base['p95']:>8.1f}"
        )
    print("target: p95 within 5× the bare callback")
    print()
    print(
        f"First load of /sone/heimdal: {requests} requests, {raw / 1e6:.2f} MB raw, "
        f"{packed / 1e6:.2f} MB gzip (target < 2 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
