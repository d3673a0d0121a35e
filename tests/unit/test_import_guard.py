"""The import page's callbacks under the callback guard (issue 7, item 1), through the app.

Every request goes through Flask's test client to `/_dash-update-component`, as the
browser's renderer sends it (built from the app's own `/_dash-dependencies`): a value the
page could never have sent is refused with a 4xx before any work is done, and a
well-formed request still does its work. A callback nobody declared rules for is refused
too (the guard fails closed), and a unit test lists any registered callback without rules.
"""

from __future__ import annotations

import base64
import json
import re
import time

import pytest
from dash import Input, Output

from dashboard.app import create_app
from dashboard.data import get_store
from dashboard.pages import import_page
from dashboard.web.callback_guard import EXTENSION, unguarded
from dashboard.web.server import max_request_bytes
from tests.reliability.callbacks import callback_body
from tests.workbooks import ECONOMY_HEADER, write_xlsx

SECRET = "riktig-hemmelig"
PATH = "/_dash-update-component"
BOUND = 1.0  # seconds: "refused at once", with room for a loaded machine
VIEW = {"id": {"type": "view", "page": "import"}, "property": "data", "value": {"lang": "nb"}}


@pytest.fixture
def app(settings):
    return create_app(settings.with_overrides(admin_secret=SECRET, load_sample_when_empty=True))


@pytest.fixture
def admin(app):
    """A logged-in admin's test client and a CSRF token of its session."""
    client = app.server.test_client()
    token = _form_token(client)
    response = client.post("/logg-inn", data={"secret": SECRET, "csrf_token": token})
    assert response.status_code == 302
    return client, _form_token(client)


def _form_token(client) -> str:
    page = client.get("/logg-inn").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _deps(client) -> list[dict]:
    return json.loads(client.get("/_dash-dependencies").data)


def data_url(data: bytes) -> str:
    return "data:application/vnd.ms-excel;base64," + base64.b64encode(data).decode()


def upload_body(deps, gated, token, view=None) -> dict:
    return callback_body(
        deps,
        "imp-results.children",
        [{"id": import_page.GATE, "property": "data", "value": gated}],
        [{"id": import_page.CSRF, "property": "data", "value": token}, view or VIEW],
    )


def undo_body(deps, batch, token, clicks=1, view=None) -> dict:
    return callback_body(
        deps,
        "imp-history.children@",
        [{"id": import_page.UNDO, "property": "submit_n_clicks", "value": clicks}],
        [
            {"id": import_page.UNDO_BATCH, "property": "data", "value": batch},
            {"id": import_page.CSRF, "property": "data", "value": token},
            view or VIEW,
        ],
    )


def buttons(kind: str, batches: list, clicks=1) -> list[dict]:
    return [
        {"id": {"type": kind, "batch": b}, "property": "n_clicks", "value": clicks} for b in batches
    ]


def _trigger(items: list[dict]) -> list[str]:
    """changedPropIds as the renderer writes a pattern id: sorted keys, no spaces."""
    ids = [json.dumps(i["id"], sort_keys=True, separators=(",", ":")) for i in items[:1]]
    return [f"{i}.n_clicks" for i in ids]


def errors_body(deps, results: list, history: list, view=None) -> dict:
    spec = next(d for d in deps if "imp-errors-download.data" in d["output"])
    return {
        "output": spec["output"],
        "outputs": {"id": import_page.ERRORS_DOWNLOAD, "property": "data"},
        "inputs": [results, history],
        "state": [view or VIEW],
        "changedPropIds": _trigger([*results, *history]),
    }


def changes_body(deps, clicked: list, shown: list | None = None, view=None) -> dict:
    """The history's "what changed" buttons: `clicked` pressed once, `shown` never."""
    items = buttons(import_page.CHANGES, clicked) + buttons(import_page.CHANGES, shown or [], None)
    batches = [item["id"]["batch"] for item in items]
    spec = next(d for d in deps if import_page.CHANGES_BODY in d["output"])
    outputs = []
    for part in spec["output"][2:-2].split("..."):
        ident, prop = part.rsplit(".", 1)
        kind = json.loads(ident)["type"]
        outputs.append([{"id": {"batch": b, "type": kind}, "property": prop} for b in batches])
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [items],
        "state": [view or VIEW],
        "changedPropIds": _trigger(items),
    }


def economy_file(tmp_path, name="god.xlsx", zone="Byåsen"):
    return write_xlsx(tmp_path / name, {"Økonomi": [ECONOMY_HEADER, [2022, zone, 1000, 900, 800]]})


def _refused_at_once(client, cases: dict) -> list:
    timings = []
    for name, (payload, status) in cases.items():
        started = time.perf_counter()
        response = client.post(PATH, json=payload)
        elapsed = time.perf_counter() - started
        timings.append((name, response.status_code, elapsed))
        assert response.status_code == status, (name, response.status_code, response.data[:300])
    print()
    for name, status, elapsed in timings:
        print(f"{name:<44}{status:>5}{elapsed * 1000:>9.1f} ms")
    assert [n for n, _, e in timings if e > BOUND] == []
    return timings


# ---------------------------------------------------------------- every callback has rules


def test_grd010_no_registered_callback_is_left_without_rules(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # Dash registers its page router on first use
    assert client.get("/import").status_code == 200
    assert unguarded(app) == []
    rules = app.server.extensions[EXTENSION].rules
    import_callbacks = [c for k, c in app.callback_map.items() if "callback" in c and "imp-" in k]
    assert len(import_callbacks) >= 4  # upload, undo, error list, what a batch changed
    for callback in import_callbacks:
        for dep in [*callback["inputs"], *callback["state"]]:
            assert (dep["id"], dep["property"]) in rules, dep


def test_grd011_a_callback_nobody_declared_is_refused_and_named(app):
    """Fail closed: forgetting `declare(...)` refuses the callback, it never runs unchecked."""
    ran = []

    @app.callback(Output("grd-out", "children"), Input("grd-in", "value"))
    def forgotten(value):
        ran.append(value)
        return value

    assert any("grd-out" in key for key in unguarded(app))
    client = app.server.test_client()
    body = {
        "output": "grd-out.children",
        "outputs": {"id": "grd-out", "property": "children"},
        "inputs": [{"id": "grd-in", "property": "value", "value": "x"}],
        "changedPropIds": ["grd-in.value"],
    }
    response = client.post(PATH, json=body)
    assert response.status_code == 400 and b"no rules" in response.data
    assert ran == []


# ---------------------------------------------------------------- hostile requests


def test_grd012_hostile_upload_requests_are_refused_at_once(app, admin, tmp_path):
    client, token = admin
    deps = _deps(client)
    good = {"contents": [data_url(b"PK")], "filenames": ["a.xlsx"]}
    limit = max_request_bytes(get_store().settings)
    cases = {
        "contents not a list": (upload_body(deps, {**good, "contents": "data:,"}, token), 400),
        "names not a list": (upload_body(deps, {**good, "filenames": "a.xlsx"}, token), 400),
        "lists of different lengths": (
            upload_body(deps, {**good, "filenames": ["a.xlsx", "b.xlsx"]}, token),
            400,
        ),
        "no files": (upload_body(deps, {"contents": [], "filenames": []}, token), 400),
        "21 files": (
            upload_body(deps, {"contents": ["data:,"] * 21, "filenames": ["a.xlsx"] * 21}, token),
            400,
        ),
        "a content that is a number": (upload_body(deps, {**good, "contents": [1]}, token), 400),
        "a content that is no data URL": (
            upload_body(deps, {**good, "contents": ["<script>"]}, token),
            400,
        ),
        "a name that is a dict": (upload_body(deps, {**good, "filenames": [{"a": 1}]}, token), 400),
        "a name of 10 000 characters": (
            upload_body(deps, {**good, "filenames": ["a" * 10_000]}, token),
            400,
        ),
        "an extra key": (upload_body(deps, {**good, "x": 1}, token), 400),
        "upload a list": (upload_body(deps, [good], token), 400),
        "token a dict": (upload_body(deps, good, {"t": token}), 400),
        "token of 100 000 characters": (upload_body(deps, good, "x" * 100_000), 400),
        "view in an unknown language": (
            upload_body(deps, good, token, {**VIEW, "value": {"lang": "xx"}}),
            400,
        ),
        "over the upload limit": (
            upload_body(deps, {**good, "contents": ["data:," + "A" * limit]}, token),
            413,
        ),
    }
    before = get_store().batch_count()
    _refused_at_once(client, cases)
    assert get_store().batch_count() == before


def test_grd013_an_anonymous_upload_may_not_be_large(app, tmp_path):
    """Only an admin's upload may be larger than any other callback request: anyone else's
    is refused by its length, before its body is read."""
    client = app.server.test_client()
    deps = _deps(client)
    big = {"contents": [data_url(b"PK" * 20_000)], "filenames": ["a.xlsx"]}
    _refused_at_once(client, {"anonymous 53 KB upload": (upload_body(deps, big, "x"), 413)})


def test_grd014_hostile_undo_requests_are_refused_at_once(app, admin):
    client, token = admin
    deps = _deps(client)
    cases = {
        f"batch {value!r:.20}": (undo_body(deps, value, token), 400)
        for value in ("12", -1, 0, 1.5, True, {"batch": 1}, [1], 10**15, "1; DROP")
    }
    cases["clicks as text"] = (undo_body(deps, 1, token, clicks="1"), 400)
    cases["clicks negative"] = (undo_body(deps, 1, token, clicks=-5), 400)
    latest = get_store().latest_in_effect()
    _refused_at_once(client, cases)
    assert get_store().latest_in_effect() == latest


def test_grd015_hostile_error_list_requests_are_refused_at_once(app, admin):
    client, _token = admin
    deps = _deps(client)
    kinds = (import_page.ERRORS, import_page.HISTORY_ERRORS)
    cases = {
        "batch as text": (errors_body(deps, buttons(kinds[0], ["1"]), []), 400),
        "batch negative": (errors_body(deps, [], buttons(kinds[1], [-1])), 400),
        "batch a list": (errors_body(deps, [], buttons(kinds[1], [[1, 2]])), 400),
        "another button type": (errors_body(deps, buttons(kinds[1], [1]), []), 400),
        "a button twice": (errors_body(deps, [], buttons(kinds[1], [3, 3])), 400),
        "more buttons than the page has": (
            errors_body(deps, [], buttons(kinds[1], list(range(1, 80)))),
            400,
        ),
        "clicks as text": (errors_body(deps, [], buttons(kinds[1], [1], "9")), 400),
        "view a list": (errors_body(deps, [], buttons(kinds[1], [1]), {**VIEW, "value": [1]}), 400),
    }
    _refused_at_once(client, cases)


def test_grd016_hostile_change_requests_are_refused_at_once(app):
    client = app.server.test_client()  # anyone who may see the history may ask
    deps = _deps(client)
    cases = {
        "batch as text": (changes_body(deps, ["1"]), 400),
        "batch zero": (changes_body(deps, [0]), 400),
        "a button twice": (changes_body(deps, [1], [1]), 400),
        "more buttons than the history has": (changes_body(deps, [1], list(range(2, 53))), 400),
        "far more buttons": (changes_body(deps, [1], list(range(2, 200))), 413),
        "view in an unknown language": (
            changes_body(deps, [1], view={**VIEW, "value": {"lang": "de"}}),
            400,
        ),
    }
    _refused_at_once(client, cases)


# ---------------------------------------------------------------- well-formed requests


def test_grd017_well_formed_import_requests_still_work(app, admin, tmp_path):
    client, token = admin
    deps = _deps(client)
    path = economy_file(tmp_path)
    gated = {"contents": [data_url(path.read_bytes())], "filenames": [path.name]}
    response = client.post(PATH, json=upload_body(deps, gated, token))
    assert response.status_code == 200, response.data[:300]
    answer = response.json["response"]
    assert answer["imp-status"]["children"] == "1 av 1 fil importert eller uendret, 0 avvist."
    batch, name = get_store().latest_in_effect()
    assert name == "god.xlsx" and answer["imp-undo-batch"]["data"] == batch

    # The history's "what changed" for that batch, asked for by its button.
    response = client.post(PATH, json=changes_body(deps, [batch], [1]))
    assert response.status_code == 200, response.data[:300]
    text = json.dumps(response.json, ensure_ascii=False)
    assert "Økonomi: 1 rad for 2022 (1 sone)" in text

    # The error list of a rejected file, by its button in the history.
    bad = economy_file(tmp_path, "feil.xlsx", "Heimdall")
    gated = {"contents": [data_url(bad.read_bytes())], "filenames": [bad.name]}
    assert client.post(PATH, json=upload_body(deps, gated, token)).status_code == 200
    rejected = int(get_store().batches(limit=1).iloc[0]["id"])
    response = client.post(
        PATH, json=errors_body(deps, [], buttons(import_page.HISTORY_ERRORS, [rejected, batch]))
    )
    assert response.status_code == 200, response.data[:300]
    assert response.json["response"]["imp-errors-download"]["data"]["filename"] == (
        f"importfeil-{rejected}.xlsx"
    )

    # And undo, naming the batch.
    response = client.post(PATH, json=undo_body(deps, batch, token))
    assert response.status_code == 200, response.data[:300]
    assert "er angret" in json.dumps(response.json, ensure_ascii=False)
    assert get_store().latest_in_effect() != (batch, "god.xlsx")
