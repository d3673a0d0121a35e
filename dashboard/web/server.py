"""Flask-level routes and protections: health, data export, login and request limits.

Kept apart from the Dash pages so the security-relevant code is in one place.
"""

from __future__ import annotations

from flask import Flask, jsonify

from ..settings import Settings


def register_server_routes(server: Flask, settings: Settings) -> None:
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes

    @server.get("/healthz")
    def healthz():
        from ..data import get_store

        version = get_store().version()
        return jsonify(status="ok", data_version=version)
