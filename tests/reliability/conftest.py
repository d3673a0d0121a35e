"""Real gunicorns (3 workers, --preload as in the Procfile) for the reliability tests.

`server` runs on a free 127.0.0.1 port with its own SQLite file (the bundled sample loaded
at start), file-system cache, admin secret and a 6 MB upload limit. `login_server` is the
same with viewing behind a login and no test-only headers. `postgres_server` is
the same on the PostgreSQL of DASHBOARD_TEST_POSTGRES_URL (in a schema of its own),
started only for the tests that ask for it. Each one's whole process group is ended when
the session ends, whatever happened. Tests leave the data as they found it (they undo
their imports), so their order does not matter.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from dashboard.settings import get_settings
from dashboard.store.db import metadata
from dashboard.store.repository import Store
from tests.reliability.harness import (
    UPLOAD_LIMIT_MB,
    Admin,
    Gunicorn,
    postgres_schema_url,
    service_url,
)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    env = {"DASHBOARD_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB)}
    with Gunicorn(tmp_path_factory.mktemp("gunicorn"), workers=3, env=env) as gunicorn:
        yield gunicorn  # stopped on leaving the block, whatever happened


VIEWER_SECRET = "reliability-viewer"


@pytest.fixture(scope="session")
def login_server(tmp_path_factory):
    """Viewing needs a login (DASHBOARD_REQUIRE_LOGIN=1), and nothing test-only is switched
    on, so its answers are what production sends. HOME and XDG_RUNTIME_DIR are its own, to
    see that it opens no control socket there."""
    home = tmp_path_factory.mktemp("home")
    (home / "run").mkdir()
    env = {
        "DASHBOARD_REQUIRE_LOGIN": "1",
        "DASHBOARD_VIEWER_SECRET": VIEWER_SECRET,
        "DASHBOARD_WORKER_ID_HEADER": "0",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
    }
    with Gunicorn(tmp_path_factory.mktemp("gunicorn-login"), workers=2, env=env) as gunicorn:
        gunicorn.home = home
        yield gunicorn


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    url = service_url("DASHBOARD_TEST_POSTGRES_URL", "PostgreSQL")
    url = postgres_schema_url(url, "reliability")
    engine = create_engine(url)
    metadata.drop_all(engine)  # empty, so the server loads the sample as on a first start
    engine.dispose()
    with Gunicorn(tmp_path_factory.mktemp("gunicorn-pg"), database_url=url) as gunicorn:
        yield gunicorn


@pytest.fixture(scope="session")
def server_store(server):
    """The server's store, read directly (WAL: reading never blocks the workers)."""
    return Store(get_settings(database_url=server.database_url, load_sample_when_empty=False))


@pytest.fixture
def admin(server):
    with Admin(server) as admin:
        yield admin
