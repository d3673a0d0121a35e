"""The HTTP status of a page address.

Dash serves its app for every path with 200 and lets its router in the browser decide what to
show, so a mistyped link, `/sone/atlantis` or an old bookmark looked like a page to browsers,
crawlers and monitoring. Here the server answers such an address with 404 while still serving
the app, so the reader gets the app's own "not found" page in their language
(pages/not_found_404.py, and the zone page's "no such zone"). Which addresses are pages is
the URL grammar's to say (`urls.page_of_path`).
"""

from __future__ import annotations

from flask import request

from ..urls import page_of_path


def register_page_status(app, zones: tuple[str, ...]) -> None:
    """Install the status check for `app`'s index routes; `zones` are the known zone ids."""
    prefix = app.config.routes_pathname_prefix
    index_routes = {prefix, f"{prefix}<path:path>"}  # Dash's endpoints serving its app
    known = frozenset(zones)

    @app.server.after_request
    def not_found_status(response):
        if (
            response.status_code == 200
            and request.method in ("GET", "HEAD")
            and request.endpoint in index_routes
            and page_of_path(request.path, known) is None
        ):
            response.status_code = 404
        return response
