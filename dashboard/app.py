"""The app factory. `server` (for gunicorn: `dashboard.app:server`) is created on first use,
so importing this module in a test does not open the default database.

Pages are registered explicitly, each by its module's `register(app)`, instead of Dash
scanning a pages folder: scanning executes the page modules again for every app and queues
their `@callback`s globally, so a second app in one process (the tests) would inherit the
first one's callbacks twice. Here every app gets exactly its own.
"""

from __future__ import annotations

import importlib

import dash
from dash import Dash, dcc, html
from flask import Flask

from .components import VIEW_SYNC, register_shell_callbacks
from .data import init_data
from .i18n import lang_of
from .settings import ASSETS_DIR, Settings, get_settings
from .store.repository import Store
from .web.callback_guard import register_callback_guard
from .web.server import register_server_routes

# Modules under dashboard/pages, each with `register(app)`; a missing one is skipped, so
# the import page can arrive in its own change.
PAGE_MODULES = ("overview", "zone", "compare", "meeting", "import_page")

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


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or get_settings()
    server = Flask(__name__)
    Store(settings).ensure_ready()
    init_data(server, settings)
    register_server_routes(server, settings)
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        title="Samskaping i hjemmetjenesten",
        update_title=None,
        compress=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
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
    register_callback_guard(app, settings)
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
