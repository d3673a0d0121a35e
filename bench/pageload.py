"""Page loads in Debian's headless Chromium: the dashboard against a bare Dash page, cold cache.

    python bench/pageload.py [--runs 5] [--pages sone,sammenlign] [--variants all] [--levers]
                             [--repeat-visit] [--network 20,30] [--json out.json]

Starts two servers on loopback, each in its own process and each the way `make run` serves
(werkzeug, threaded): the dashboard on a fresh SQLite store holding the bundled sample, and a
toy Dash app of the same Dash version (one `dcc.Graph` with one `px.bar` of 13 bars, Dash's
defaults). Every page is loaded `--runs` times, alternating with the toy, each time in a
fresh browser context (an empty HTTP cache: a first visit). Measured per load:

- ready: time from navigation start to the first chart drawn (a plotly trace in the DOM), or
  to the first table row where a page has no chart (the overview and the import page),
  taken in the page itself by a MutationObserver (performance.now(), so Playwright's polling
  adds nothing);
- bytes on the wire: every response of the load, as Chromium's network layer counts them
  (compressed bodies plus headers, CDP `Network.loadingFinished.encodedDataLength`), until
  the network has been idle for 0,5 s; and the number of requests;
- with `--network MBIT,RTT_MS`, over an emulated link (Chromium's network emulation) instead
  of loopback, where bytes cost no time;
- with `--repeat-visit`, the same for a second visit in the same context (the HTTP cache
  primed), which shows what the caching headers save.

Prints per page the median of the runs, and the ratio to the toy's median in the same slots.
Each server is warmed first with one untimed load of every page (a running server has its
imports and caches in place; the browser side is still cold).

`--variants` runs the dashboard several times in one run with levers switched off, so their
effect is measured side by side on the same machine at the same time:
  all          the dashboard as it is
  before       without the plotly.js partial bundle, compression and cache headers
  +bundle      the partial bundle only
  +compress    the bundle and compression, without cache headers
  no-layouts   as `all`, without the page layouts Dash embeds in the index HTML (validation
               layout): what removing them will save
`--levers` is short for `--variants before,+bundle,+compress,all,no-layouts --repeat-visit`.
The default run (5 pages, 5 runs, cold only) takes about 4 minutes on a busy 2-core machine.
Nothing is asserted: this prints tables.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The same Debian Chromium and flags as the browser tests.
from tests.integration.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

CHART = ".js-plotly-plot g.trace path"
# (name, path, what counts as ready)
PAGES = [
    ("oversikt", "/", "#ovw-table tbody tr"),
    ("sone", "/sone/heimdal", CHART),
    ("sammenlign", "/sammenlign", CHART),
    ("mote", "/mote?visning=paneler", ".slide:not([hidden]) .ranking tbody tr"),
    ("import", "/import", "#imp-history tbody tr"),
]
TOY_PAGE = ("toy", "/", CHART)

# Which levers each variant switches off (see the module docstring).
VARIANTS = {
    "all": (),
    "before": ("bundle", "compress", "cache"),
    "+bundle": ("compress", "cache"),
    "+compress": ("cache",),
    "no-layouts": ("layouts",),
}
LEVERS = "before,+bundle,+compress,all,no-layouts"

SERVER_BOOT_SECONDS = 180
LOAD_TIMEOUT_MS = 30_000
IDLE_MS = 500

# Runs in the page before any of its scripts: notes when `selector` first matches.
READY_SCRIPT = """
(() => {
  const selector = %s;
  const mark = () => {
    if (window.__benchReady === undefined && document.querySelector(selector)) {
      window.__benchReady = performance.now();
      return true;
    }
    return false;
  };
  const watch = () => {
    if (mark()) return;
    const observer = new MutationObserver(() => { if (mark()) observer.disconnect(); });
    observer.observe(document.documentElement, {childList: true, subtree: true});
  };
  if (document.documentElement) watch();
  else document.addEventListener('readystatechange', watch, {once: true});
})();
"""


# ---------------------------------------------------------------- the servers (child side)


def toy_app():
    """The yardstick: a bare Dash page with one bar chart of 13 bars, Dash's defaults."""
    import plotly.express as px
    from dash import Dash, dcc, html

    app = Dash(__name__)
    figure = px.bar(x=[f"Sone {i}" for i in range(1, 14)], y=[(i * 7) % 13 + 1 for i in range(13)])
    app.layout = html.Div([html.H1("Toy"), dcc.Graph(id="graph", figure=figure)])
    return app


def dashboard_app(workdir: Path, without: set[str]):
    from dashboard.settings import get_settings

    if {"compress", "cache"} & without:
        from dashboard.web import delivery

        if "compress" in without:
            delivery.enable_compression = lambda app: None
        if "cache" in without:
            delivery.enable_cache_headers = lambda app: None

    from dashboard.app import create_app

    settings = get_settings(
        database_url=f"sqlite:///{workdir / 'store.sqlite'}",
        cache_dir=workdir / "cache",
        load_sample_when_empty=True,
    )
    app = create_app(settings)
    if "bundle" in without:
        from dashboard.web.delivery import PLOTLY_BUNDLE

        walk = app._walk_assets_directory

        def walk_without_bundle():
            walk()
            resources = app.scripts._resources._resources
            resources[:] = [r for r in resources if r.get("filepath") != str(PLOTLY_BUNDLE)]

        app._walk_assets_directory = walk_without_bundle
    if "layouts" in without:
        # What Dash does without a validation layout; the hardening issue removes it.
        app.config.suppress_callback_exceptions = True
    return app


def serve(kind: str, workdir: Path, without: set[str]) -> None:
    """Child process: serve until stdin closes (the parent ended or died)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    app = toy_app() if kind == "toy" else dashboard_app(workdir, without)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (workdir / "url.tmp").write_text(f"http://127.0.0.1:{server.server_port}")
    (workdir / "url.tmp").rename(workdir / "url")
    sys.stdin.read()  # returns at EOF
    server.shutdown()


# ---------------------------------------------------------------- the servers (parent side)


class Server:
    def __init__(self, name: str, kind: str, without: tuple[str, ...], workdir: Path):
        self.name, self.kind, self.without = name, kind, without
        self.workdir = workdir
        self.workdir.mkdir(parents=True)
        self.log = self.workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        command = [sys.executable, __file__, "--serve", self.kind, "--workdir", str(self.workdir)]
        if self.without:
            command += ["--without", ",".join(self.without)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_BOOT_SECONDS
        url_file = self.workdir / "url"
        while not url_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise SystemExit(f"server {self.name} did not start:\n{tail}")
            time.sleep(0.1)
        self.url = url_file.read_text()

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # the child's cue to shut down
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# ---------------------------------------------------------------- one page load


@dataclass
class Load:
    ready_ms: float | None = None
    bytes: int = 0
    requests: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    error: str = ""


class Network:
    """Counts what crosses the wire for one page, from Chromium's own network events."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.cached: set[str] = set()
        self.done: dict[str, int] = {}
        self.pending: set[str] = set()
        self.last_activity = time.monotonic()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]
        self.pending.add(event["requestId"])
        self.last_activity = time.monotonic()

    def _response(self, event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])
        mime = response.get("mimeType", "")
        kind = "js" if "javascript" in mime else mime.split("/")[-1] or "other"
        self.kinds[event["requestId"]] = kind

    def _from_cache(self, event):
        self.cached.add(event["requestId"])

    def _finished(self, event):
        self.pending.discard(event["requestId"])
        self.last_activity = time.monotonic()
        if event["requestId"] not in self.cached:
            self.done[event["requestId"]] = int(event["encodedDataLength"])

    def _failed(self, event):
        self.pending.discard(event["requestId"])
        self.last_activity = time.monotonic()

    def settle(self, page, timeout: float) -> None:
        """Until no request has been in flight for IDLE_MS (plotly draws after the last)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)  # lets Playwright deliver the CDP events
            if not self.pending and time.monotonic() - self.last_activity > IDLE_MS / 1000:
                return

    def fill(self, load: Load, base: str) -> None:
        wire = {rid: n for rid, n in self.done.items() if n > 0}
        load.bytes = sum(wire.values())
        load.requests = len(wire)
        for rid, n in wire.items():
            kind = self.kinds.get(rid, "other")
            load.by_kind[kind] = load.by_kind.get(kind, 0) + n
        load.urls = sorted(self.urls[rid].removeprefix(base) for rid in wire)


def load_page(context, base: str, path: str, ready: str, link: dict | None = None) -> Load:
    load = Load()
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        network = Network(cdp)
        if link:
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **link})
        page.goto(base + path, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function(
            "window.__benchReady !== undefined", timeout=LOAD_TIMEOUT_MS, polling=50
        )
        load.ready_ms = page.evaluate("window.__benchReady")
        network.settle(page, LOAD_TIMEOUT_MS / 1000)
        network.fill(load, base)
    except Exception as exc:  # a timeout or a crashed page: reported, the run goes on
        load.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        page.close()
    return load


def visit(
    browser, base: str, path: str, ready: str, repeat: bool, link: dict | None = None
) -> tuple[Load, Load]:
    """A first visit in a fresh context, then (`repeat`) a second one with its HTTP cache."""
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    try:
        context.add_init_script(READY_SCRIPT % json.dumps(ready))
        cold = load_page(context, base, path, ready, link)
        warm = Load(error="not measured")
        if repeat and not cold.error:
            warm = load_page(context, base, path, ready, link)
    finally:
        context.close()
    return cold, warm


# ---------------------------------------------------------------- the run


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    pages = [p for p in PAGES if not args.pages or p[0] in args.pages.split(",")]
    repeat = args.repeat_visit or args.levers
    link = None
    if args.network:
        mbit, rtt = (float(x) for x in args.network.split(","))
        link = {
            "latency": rtt,
            "downloadThroughput": mbit * 125_000,
            "uploadThroughput": mbit * 125_000 / 4,
        }
    variants = (LEVERS if args.levers else args.variants).split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; choose from {sorted(VARIANTS)}")
    results: dict = {"toy": {}, **{v: {} for v in variants}}
    with tempfile.TemporaryDirectory(prefix="pageload-") as tmp:
        servers = [Server("toy", "toy", (), Path(tmp) / "toy")]
        servers += [
            Server(v, "app", VARIANTS[v], Path(tmp) / f"app{i}") for i, v in enumerate(variants)
        ]
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.chromium, args=CHROMIUM_ARGS
                )
                try:
                    print(f"warming {len(servers)} servers ...", file=sys.stderr, flush=True)
                    for server in servers:
                        for _name, path, ready in [TOY_PAGE] if server.kind == "toy" else pages:
                            visit(browser, server.url, path, ready, repeat=False)
                    total = args.runs * len(pages) * (1 + len(variants))
                    done = 0
                    for i in range(args.runs):
                        for name, path, ready in pages:
                            # The toy first, then each variant, rotated so none is always last.
                            order = servers[1:]
                            order = order[i % len(order) :] + order[: i % len(order)]
                            for server in [servers[0], *order]:
                                page = TOY_PAGE if server.kind == "toy" else (name, path, ready)
                                cold, warm = visit(
                                    browser, server.url, page[1], page[2], repeat, link
                                )
                                slot = results[server.name].setdefault(name, [])
                                slot.append({"cold": asdict(cold), "warm": asdict(warm)})
                                done += 1
                                if cold.error:
                                    print(f"  {server.name} {path}: {cold.error}", file=sys.stderr)
                            print(f"  {done}/{total} loads", file=sys.stderr, flush=True)
                finally:
                    browser.close()
        finally:
            for server in servers:
                server.stop()
    return {"pages": [p[0] for p in pages], "variants": variants, "results": results}


def summarise(loads: list[dict], which: str) -> dict:
    chosen = [load[which] for load in loads if not load[which]["error"]]
    return {
        "n": len(chosen),
        "errors": len(loads) - len(chosen),
        "ready_ms": median([c["ready_ms"] for c in chosen]),
        "bytes": median([c["bytes"] for c in chosen]),
        "requests": median([c["requests"] for c in chosen]),
    }


def kb(n) -> str:
    return "–" if n is None else f"{n / 1000:,.0f}".replace(",", " ")


def ms(n) -> str:
    return "–" if n is None else f"{n:,.0f}".replace(",", " ")


def ratio(a, b) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}".replace(".", ",")


def row(label: str, cold: dict, toy: dict | None, warm: dict) -> str:
    text = f"{label:<24}{ms(cold['ready_ms']):>9}"
    text += (
        f"{ms(toy['ready_ms']):>8}{ratio(cold['ready_ms'], toy['ready_ms']):>7}"
        if toy
        else " " * 15
    )
    text += f"{kb(cold['bytes']):>9}{cold['requests'] or 0:>5.0f}"
    if warm["n"]:
        text += f"  | {ms(warm['ready_ms']):>7}{kb(warm['bytes']):>7}{warm['requests']:>5.0f}"
    if cold["errors"]:
        text += f"  ({cold['errors']} failed)"
    return text


def report(data: dict) -> None:
    results, variants = data["results"], data["variants"]
    print()
    print("Cold load (fresh context, empty HTTP cache), median; ratio = page / toy, same slots;")
    print("KB = bytes on the wire (compressed bodies and headers), req = requests")
    header = f"{'page':<12}{'variant':<12}{'ready ms':>9}{'toy ms':>8}{'ratio':>7}"
    header += f"{'KB':>9}{'req':>5}"
    if any(summarise(loads, "warm")["n"] for loads in results["toy"].values()):
        header += f"  | {'repeat visit: ms':>7}{'KB':>7}{'req':>5}"
    print(header)
    for page in data["pages"]:
        toy = summarise(results["toy"][page], "cold")
        for variant in variants:
            loads = results[variant][page]
            label = f"{page:<12}{variant:<12}"
            print(row(label, summarise(loads, "cold"), toy, summarise(loads, "warm")))
    toy = [load for loads in results["toy"].values() for load in loads]
    print(row("toy (every slot)", summarise(toy, "cold"), None, summarise(toy, "warm")))
    print("targets: ready <= 0,75 × toy on every page; a cold zone page < 700 KB on the wire")
    for variant in variants:
        loads = [x["cold"] for x in results[variant].get("sone", []) if not x["cold"]["error"]]
        if loads:
            kinds: dict[str, list[int]] = {}
            for load in loads:
                for kind, n in load["by_kind"].items():
                    kinds.setdefault(kind, []).append(n)
            parts = ", ".join(f"{k} {kb(statistics.median(v))}" for k, v in sorted(kinds.items()))
            print(f"cold /sone/heimdal, {variant}: KB by type: {parts}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pages", default="", help="comma list of: " + ",".join(p[0] for p in PAGES)
    )
    parser.add_argument("--variants", default="all", help="comma list of: " + ",".join(VARIANTS))
    parser.add_argument("--levers", action="store_true", help=f"--variants {LEVERS} --repeat-visit")
    parser.add_argument(
        "--repeat-visit", action="store_true", help="also load each page again, cache primed"
    )
    parser.add_argument(
        "--network",
        default="",
        help="MBIT,RTT_MS: emulate a link (e.g. 20,30) for both apps; default: loopback",
    )
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--json", type=Path, help="also write every load's numbers here")
    parser.add_argument("--serve", choices=["app", "toy"], help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--without", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.workdir, set(filter(None, args.without.split(","))))
        return 0
    if not Path(args.chromium).exists():
        raise SystemExit(f"Chromium not found at {args.chromium} (apt-get install chromium)")
    started = time.monotonic()
    data = run(args)
    report(data)
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(data, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
