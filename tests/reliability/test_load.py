"""50 simulated viewers switching zones and years against 3 workers: no error responses.

bench/load.py runs the same viewers for a minute and prints the latencies.
"""

import json
import random

import pytest

from tests.reliability.viewers import (
    random_view,
    router_answer_holds,
    router_payload,
    run_load,
    zones,
)

pytestmark = pytest.mark.reliability

VIEWERS = 50
SECONDS = 15


def test_rel006_router_request_is_what_the_browser_sends(server):
    dependencies = server.get("/_dash-dependencies").json()
    rng = random.Random(7)
    seen = set()
    for _ in range(40):
        view = random_view(rng, zones())
        if view.kind in seen:
            continue
        seen.add(view.kind)
        payload = router_payload(dependencies, view)
        if len(seen) == 1:
            print(f"router request for {view.url}:\n{json.dumps(payload, ensure_ascii=False)}")
        assert payload["inputs"][:2] == [
            {"id": "_pages_location", "property": "pathname", "value": view.path},
            {"id": "_pages_location", "property": "search", "value": view.search},
        ]
        answer = server.post("/_dash-update-component", json=payload)
        assert answer.status_code == 200, answer.text[:300]
        assert router_answer_holds(answer.json(), view), (view, answer.text[:300])
    assert seen == {"oversikt", "sone", "sammenlign", "mote"}


def test_rel007_fifty_viewers_get_no_error_responses(server):
    stats = run_load(server.base_url, viewers=VIEWERS, seconds=SECONDS)
    print(stats.summary())
    assert stats.errors == [], stats.summary()
    assert stats.seconds < SECONDS + 60
    routed = sum(len(v) for k, v in stats.latencies.items() if k.startswith("router:"))
    assert routed >= VIEWERS  # every viewer got pages, not just the app shell
    assert stats.workers == {str(pid) for pid in server.worker_pids()}
