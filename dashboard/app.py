"""The app factory. `server` (for gunicorn: `dashboard.app:server`) is created on first use,
so importing this module in a test does not open the default database.

Pages are registered explicitly, each by its module's `register(app)`, instead of Dash
scanning a pages folder: scanning executes the page modules again for every app and queues
their `@callback`s globally, so a second app in one process (the tests) would inherit the
first one's callbacks twice. Here every app gets exactly its own.
"""

from __future__ import annotations

import importlib
import logging
import sys

import dash
from dash import Dash, dcc, html
from flask import Flask

from .components import VIEW_SYNC, register_shell_callbacks
from .data import init_data
from .i18n import lang_of
from .pages.dialogue import register_notes
from .settings import ASSETS_DIR, Settings, get_settings
from .store.repository import Store
from .web.callback_guard import register_callback_guard
from .web.delivery import register as register_delivery
from .web.headers import follow_dash
from .web.private_files import ensure_private_dir
from .web.server import register_server_routes
from .web.status import register_page_status

# Modules under dashboard/pages, each with `register(app)`; a missing one is skipped, so
# the import page can arrive in its own change.
PAGE_MODULES = (
    "overview",
    "zone",
    "compare",
    "meeting",
    "import_page",
    "audit_log",
    "zones",
    "report",
    "not_found_404",
)

INDEX = """<!DOCTYPE html>
<html lang="{lang}">
    <head>
        {{%metas%}}
        <title>{{%title%}}</title>
        {{%favicon%}}
        {{%css%}}
    </head>
    <body>
        {{%app_entry%}}
        <div class="dash-scripts">
            {{%config%}}
            {{%scripts%}}
            {{%renderer%}}
        </div>
    </body>
</html>"""


def configure_logging() -> None:
    """The app's warnings (refused logins, rate limits) go to stderr, which gunicorn keeps in
    its error log; a host that set up logging itself keeps its own handlers."""
    logger = logging.getLogger(__package__)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or get_settings()
    configure_logging()
    server = Flask(__name__)
    store = Store(settings)
    store.ensure_ready()
    if settings.cache_type == "FileSystemCache":
        # The file-system cache unpickles what it reads: only a folder of our own will do.
        ensure_private_dir(settings.cache_dir)
    init_data(server, settings)
    register_server_routes(server, settings)
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        # No validation layout. With pages, Dash builds one on a worker's first request by
        # calling every page's layout inside that request: it computed the pages (and
        # loaded the whole dataset) on a health check or the login form, held the first
        # requester's data and CSRF token, was put into every index page of that worker
        # for anyone to read (about 238 KB), and went stale after an import or an undo.
        # A layout without data would still cost every page load and needs the pages to
        # know a "no data" mode. So Dash's in-browser wiring check is off here, and
        # tests/unit/test_wiring.py does that check instead, on every run of the tests:
        # every registered callback's inputs, outputs and states against the components
        # of every registered page's layout, and their properties against the components'
        # own property lists, from the registries, not from a list of ids.
        suppress_callback_exceptions=True,
        assets_folder=str(ASSETS_DIR),
        title="Samskaping i hjemmetjenesten",
        update_title=None,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    register_delivery(app)  # plotly.js partial bundle, compression, cache headers
    # <html lang> before any script runs; a clientside callback follows `?lang=` after that.
    app.index_string = INDEX.format(lang=lang_of(settings.default_language))
    for name in PAGE_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.pages.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.pages.{name}":
                raise
            continue
        module.register(app)
    app.layout = html.Div([dash.page_container, dcc.Store(id=VIEW_SYNC)])
    register_shell_callbacks(app)
    register_notes(app)  # the notes' buttons on the zone page and in meeting mode
    follow_dash(app)
    register_callback_guard(app, settings)
    register_page_status(app, tuple(z.id for z in store.registry.zones))
    return app


def serve_in_thread(settings: Settings, host: str = "127.0.0.1", port: int = 0):
    """Run the app on loopback in a daemon thread (tests, screenshots, the benchmark).

    Returns (base URL, stop function). Port 0 picks a free port.
    """
    import threading

    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per asset would drown the output
            pass

    app = create_app(settings)
    server = make_server(host, port, app.server, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)

    return f"http://{host}:{server.server_port}", stop


_lazy: dict = {}


def __getattr__(name: str):
    if name in {"app", "server"}:
        if "app" not in _lazy:
            _lazy["app"] = create_app()
        return _lazy["app"] if name == "app" else _lazy["app"].server
    raise AttributeError(name)
