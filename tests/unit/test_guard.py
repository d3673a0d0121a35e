"""The callback guard: every page callback's inputs have rules, and hostile ones get a 4xx."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.web.callback_guard import EXTENSION

PAGE_PREFIXES = ("ovw-", "zone-", "cmp-", "mote-", "_pages_content", '{"name":["ALL"]')


@pytest.fixture
def app(ui_settings):
    app = create_app(ui_settings)
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # registers Dash's page router
    return app


def test_grd001_every_page_callback_has_a_rule_for_every_input(app):
    rules = app.server.extensions[EXTENSION].rules
    checked = 0
    for output, callback in app.callback_map.items():
        if "callback" not in callback or not output.strip(".").startswith(PAGE_PREFIXES):
            continue  # clientside callbacks never reach the server
        for dep in [*callback["inputs"], *callback["state"]]:
            assert (dep["id"], dep["property"]) in rules, (output[:60], dep)
        checked += 1
    assert checked >= 5  # overview, zone, compare, shell links, page router


def callback_outputs(client, marker: str) -> tuple[str, list[dict]]:
    """The `output` string of the callback whose outputs include `marker`, and its outputs
    as the renderer lists them in a request."""
    deps = json.loads(client.get("/_dash-dependencies").data)
    spec = next(d for d in deps if marker in d["output"])
    outputs = []
    for part in spec["output"].strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        outputs.append({"id": json.loads(ident) if ident[0] == "{" else ident, "property": prop})
    return spec["output"], outputs


def _compare_body(client, others):
    output, outputs = callback_outputs(client, "cmp-sentences.children")
    return {
        "output": output,
        "outputs": outputs,
        "inputs": [
            {"id": "cmp-own", "property": "data", "value": "heimdal"},
            {"id": "cmp-others", "property": "data", "value": others},
            {"id": "cmp-year", "property": "data", "value": 2021},
        ],
        "state": [{"id": {"type": "view", "page": "sammenlign"}, "property": "data", "value": {}}],
        "changedPropIds": ["cmp-others.data"],
    }


def test_grd002_repeated_and_oversized_zone_lists_are_refused(app):
    client = app.server.test_client()
    zones = ["heimdal", "nardo", "saupstad", "spongdal", "tiller"]
    assert (
        client.post("/_dash-update-component", json=_compare_body(client, zones * 3)).status_code
        == 400
    )
    big = client.post("/_dash-update-component", json=_compare_body(client, zones * 1000))
    assert big.status_code == 413
    assert b"at most 16384 bytes" in big.data
    fine = client.post("/_dash-update-component", json=_compare_body(client, ["nardo"]))
    assert fine.status_code == 200


def test_grd003_inputs_must_line_up_with_the_callback(app):
    client = app.server.test_client()
    body = _compare_body(client, ["nardo"])
    body["inputs"] = body["inputs"][:2]
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body = _compare_body(client, ["nardo"])
    body["inputs"][0]["id"] = "zone-select"
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body = _compare_body(client, ["nardo"])
    body["state"][0]["id"] = {"type": "view", "page": "sone"}
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body = _compare_body(client, ["nardo"])
    body["outputs"] = body["outputs"][:1]
    assert client.post("/_dash-update-component", json=body).status_code == 400
    # A clientside callback has nothing to run on the server.
    key = next(k for k, c in app.callback_map.items() if "callback" not in c)
    clientside = {**_compare_body(client, ["nardo"]), "output": key}
    assert client.post("/_dash-update-component", json=clientside).status_code == 404
