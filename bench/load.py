"""Load: simulated viewers switching zones and years against a real multi-worker gunicorn.

Starts `gunicorn dashboard.app:server --preload` (as the Procfile does) on a free loopback
port with a fresh SQLite store holding the bundled sample, then runs the viewers of
tests/reliability/viewers.py for the given time and prints the request count, errors,
throughput and p50/p95 latency per kind of request. Exit code 1 if any request failed.

    python bench/load.py [--viewers 50] [--seconds 60] [--workers 3] [--think 0.25]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.harness import Gunicorn
from tests.reliability.viewers import random_view, router_payload, run_load, zones


def show_router_request(base_url: str) -> None:
    """Print one router request and what came back, to see the viewers ask the right thing."""
    import random

    view = random_view(random.Random(0), zones())
    dependencies = requests.get(base_url + "/_dash-dependencies", timeout=30).json()
    payload = router_payload(dependencies, view)
    answer = requests.post(base_url + "/_dash-update-component", json=payload, timeout=30)
    print(f"router request for {view.url}:\n{json.dumps(payload, ensure_ascii=False)}")
    print(f"-> {answer.status_code}, {len(answer.content)} bytes, page title ", end="")
    print(answer.json()["response"]["_pages_store"]["data"]["title"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--think", type=float, default=0.25, help="mean pause between a viewer's steps, s"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="dashboard-load-") as tmp,
        Gunicorn(Path(tmp), workers=args.workers) as server,
    ):
        print(f"gunicorn with {args.workers} workers at {server.base_url}")
        show_router_request(server.base_url)
        print(f"{args.viewers} viewers for {args.seconds:.0f} s ...", flush=True)
        stats = run_load(server.base_url, args.viewers, args.seconds, args.think)
    print(stats.summary())
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
