"""Notes and follow-ups over HTTP, for scripts and for the pages' own requests.

    GET  /api/notes?zone=heimdal&year=2021      notes in effect (newest first, at most 500)
    POST /api/notes                             {"zone", "year", "text", "panel"?,
                                                 "followup"?, "due"?, "status"?}
    POST /api/notes/<id>                        {"version", "text"?, "panel"?, "due"?,
                                                 "status"?, "delete"?}
    GET  /api/notes/<id>/history                every version (the note's zone's leaders,
                                                 the health head, the administrator)

Every POST needs the session's CSRF token (header X-CSRFToken) and the right, which the
notes store checks with the rights matrix in the same transaction as the change: a
forged request for another zone gets 403 and changes nothing. Bodies are small JSON
(at most 64 KB); every value is checked before it reaches the store.
"""

from __future__ import annotations

from flask import Flask, jsonify, request

from ..rights import ANONYMOUS
from ..store.notes import Note, NoteError, Notes
from .auth import csrf
from .identity import client_address, current_identity

BODY_MAX = 64 * 1024
STATUS_OF = {
    "forbidden": 403,
    "not_found": 404,
    "stale": 409,
    "deleted": 409,
}


def note_json(note: Note) -> dict:
    return {
        "id": note.id,
        "zone": note.zone_id,
        "year": note.year,
        "panel": note.panel,
        "kind": note.kind,
        "text": note.text,
        "status": note.status,
        "due": note.due_date.isoformat() if note.due_date else None,
        "author": note.author_name,
        "created_at": note.created_at.isoformat(timespec="seconds"),
        "updated_at": note.updated_at.isoformat(timespec="seconds"),
        "updated_by": note.updated_by_name,
        "version": note.version,
    }


def _refused(error: NoteError):
    body = {"error": error.code, "message": error.message("nb"), "message_en": error.message("en")}
    return jsonify(body), STATUS_OF.get(error.code, 400)


def _body() -> dict | None:
    if (request.content_length or 0) > BODY_MAX:
        return None
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


class _Refused(Exception):
    """A write request refused before it reaches the store (its answer in `response`)."""

    def __init__(self, response):
        self.response = response


def _writer() -> tuple:
    """Who writes, and the JSON body they send: after the CSRF check, a logged-in person and
    a small JSON object, or _Refused with the answer."""
    csrf.protect()
    identity = current_identity()
    if identity is ANONYMOUS:
        raise _Refused((jsonify(error="login required"), 401))
    data = _body()
    if data is None:
        raise _Refused((jsonify(error="body", message_en="a JSON object of at most 64 KB"), 400))
    return identity, data


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def register_notes_api(server: Flask) -> None:
    def notes() -> Notes:
        from ..data import get_store

        return Notes.for_store(get_store())

    @server.get("/api/notes")
    def list_notes():
        store = notes()
        zone = request.args.get("zone", "")
        if zone not in store.registry.by_id:
            return jsonify(error="zone", message="ukjent sone", message_en="unknown zone"), 400
        years = None
        if "year" in request.args:
            year = _int(request.args.get("year"))
            if year is None:
                return jsonify(error="year"), 400
            years = [year]
        found = store.list(zones=[zone], years=years, limit=500)
        return jsonify([note_json(n) for n in found])

    @server.post("/api/notes")
    def add_note():
        try:
            identity, data = _writer()
        except _Refused as refused:
            return refused.response
        try:
            note = notes().add(
                identity,
                data.get("zone"),
                data.get("year"),
                data.get("text"),
                data.get("panel"),
                followup=data.get("followup") is True,
                status=data.get("status") or "open",
                due=data.get("due"),
                address=client_address(),
            )
        except NoteError as error:
            return _refused(error)
        return jsonify(note_json(note)), 201

    @server.post("/api/notes/<int:note_id>")
    def change_note(note_id: int):
        try:
            identity, data = _writer()
        except _Refused as refused:
            return refused.response
        version = _int(data.get("version"))
        store, address = notes(), client_address()
        try:
            if version is None:
                raise NoteError("stale")
            if data.get("delete") is True:
                note = store.delete(identity, note_id, version, address)
            elif "status" in data:
                note = store.set_status(identity, note_id, version, data["status"], address)
            else:
                changes = {k: data[k] for k in ("text", "panel", "due") if k in data}
                note = store.edit(identity, note_id, version, address=address, **changes)
        except NoteError as error:
            return _refused(error)
        return jsonify(note_json(note))

    @server.get("/api/notes/<int:note_id>/history")
    def note_history(note_id: int):
        try:
            versions = notes().history(current_identity(), note_id)
        except NoteError as error:
            return _refused(error)
        return jsonify(
            [
                {
                    "version": v.version,
                    "change": v.change,
                    "text": v.text,
                    "panel": v.panel,
                    "status": v.status,
                    "due": v.due_date.isoformat() if v.due_date else None,
                    "by": v.changed_by_name,
                    "at": v.changed_at.isoformat(timespec="seconds"),
                }
                for v in versions
            ]
        )
