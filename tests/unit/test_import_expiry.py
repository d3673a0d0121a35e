"""An import page left open past DASHBOARD_CSRF_TIME_LIMIT: an upload or undo says to reload.

Through the app (Flask test client, `/_dash-update-component` as the browser posts it) with a
one-second limit. Nothing is imported or undone with an expired token; a page loaded anew
(a fresh token) works again. Someone no longer logged in is told to log in instead.
"""

from __future__ import annotations

import json
import time

import pytest

from dashboard.app import create_app
from dashboard.data import get_store
from tests.unit.test_import_guard import (
    SECRET,
    _deps,
    _form_token,
    data_url,
    economy_file,
    undo_body,
    upload_body,
)

PATH = "/_dash-update-component"


@pytest.fixture
def app(settings):
    return create_app(
        settings.with_overrides(
            admin_secret=SECRET, load_sample_when_empty=True, csrf_time_limit_seconds=1
        )
    )


def _log_in(client):
    token = _form_token(client)
    assert client.post("/logg-inn", data={"secret": SECRET, "csrf_token": token}).status_code == 302


def _status(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return json.dumps(response.json["response"]["imp-status"]["children"], ensure_ascii=False)


def test_ipg010_an_expired_token_asks_to_reload_the_page_and_changes_nothing(app, tmp_path):
    client = app.server.test_client()
    _log_in(client)
    token = _form_token(client)
    deps = _deps(client)
    store = get_store()
    path = economy_file(tmp_path)
    gated = {"contents": [data_url(path.read_bytes())], "filenames": [path.name]}
    batches, latest = store.batch_count(), store.latest_in_effect()
    time.sleep(2.1)
    for lang, words in (("nb", "Last siden på nytt"), ("en", "Reload the page")):
        view = {"id": {"type": "view", "page": "import"}, "property": "data", "value": {}}
        view["value"]["lang"] = lang
        upload = _status(client.post(PATH, json=upload_body(deps, gated, token, view)))
        undo = _status(client.post(PATH, json=undo_body(deps, latest[0], token, view=view)))
        for said in (upload, undo):
            assert words in said and ("utløpt" in said or "expired" in said), said
            assert '"href": "/import' in said  # the reload is a link
            assert "logget inn" not in said and "logged in" not in said
    assert '"href": "/import?lang=en"' in undo
    assert store.batch_count() == batches and store.latest_in_effect() == latest

    # A page loaded anew has a fresh token, which works.
    fresh = _form_token(client)
    assert "1 av 1 fil" in _status(client.post(PATH, json=upload_body(deps, gated, fresh)))


def test_ipg011_someone_no_longer_logged_in_is_asked_to_log_in(app, tmp_path):
    client = app.server.test_client()
    _log_in(client)
    token = _form_token(client)
    deps = _deps(client)
    client.post("/logg-ut", data={"csrf_token": token})
    latest = get_store().latest_in_effect()
    said = _status(client.post(PATH, json=undo_body(deps, latest[0], token)))
    assert "logget inn som administrator" in said
    assert '"href": "/logg-inn?neste=%2Fimport"' in said
    assert get_store().latest_in_effect() == latest
