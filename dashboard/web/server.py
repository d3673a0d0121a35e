"""Flask-level routes and protections: health, data export, login and request limits.

Kept apart from the Dash pages so the security-relevant code is in one place.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, redirect, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..settings import Settings
from .auth import csrf, init_auth, is_admin
from .headers import init_headers
from .identity import client_address, current_identity
from .imports import import_uploads, undo_request
from .notes_api import register_notes_api


def max_request_bytes(settings: Settings) -> int:
    # An upload travels base64-encoded inside a JSON callback: 4/3 of the file plus framing.
    return settings.max_upload_bytes * 4 // 3 + 1024 * 1024


def register_server_routes(server: Flask, settings: Settings) -> None:
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes(settings)
    init_headers(server, settings)
    init_auth(server, settings)
    register_notes_api(server)

    @server.get("/healthz")
    def healthz():
        from ..data import get_store

        return jsonify(status="ok", data_version=get_store().version())

    @server.get("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico on pages Dash does not serve (the login form, "no
        # access"); Dash keeps its icon at /_favicon.ico. Without this the address would be
        # an unknown page (404) in every such browser's console.
        return redirect("/_favicon.ico", code=301)

    @server.get("/eksport")
    def export():
        from ..data import get_dataset
        from ..export import ExportRequest, export_file

        dataset = get_dataset()
        content, name, mime = export_file(dataset, ExportRequest.from_query(request.args, dataset))
        return Response(
            content,
            mimetype=mime,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )

    @server.post("/api/import")
    def api_import():
        """Import for scripts: multipart `file` fields, admin session, CSRF token in the form
        field `csrf_token` or the `X-CSRFToken` header (Flask-WTF's own check)."""
        csrf.protect()
        if not is_admin():
            return jsonify(error="admin login required"), 403
        lang = "en" if request.args.get("lang") == "en" else "nb"
        files = request.files.getlist("file")
        if not files:
            return jsonify(error="no file"), 400
        uploads = [(f.filename or "upload.xlsx", f.read()) for f in files]
        reports = import_uploads(
            uploads, settings, actor=current_identity(), address=client_address()
        )
        status = 200 if all(r.ok for r in reports) else 422
        return jsonify([r.to_dict(lang) for r in reports]), status

    @server.post("/api/undo")
    def api_undo():
        from ..data import get_store

        csrf.protect()
        if not is_admin():
            return jsonify(error="admin login required"), 403
        body, status = undo_request(
            get_store(), request.values.get("batch"), current_identity(), client_address()
        )
        return jsonify(body), status

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        limit = settings.max_upload_bytes // (1024 * 1024)
        message = {
            "nb": f"Forespørselen er for stor. Filer kan være på høyst {limit} MB.",
            "en": f"The request is too large. Files may be at most {limit} MB.",
        }
        return jsonify(error="too_large", message=message["nb"], message_en=message["en"]), 413
