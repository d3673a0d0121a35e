"""Web uploads through the command line's importer, each file in a limited child process.

One upload (a drop of one or more files, or one /api/import request) has one time budget,
DASHBOARD_IMPORT_TIMEOUT, below the web server's worker timeout: the files share it in turn,
and when it runs out the rest are not attempted (each says so), so the answer always comes
back from a live worker. Each child is killed when its share runs out; what it did is read
back from the store (store/isolated.py), so the page never says "nothing was stored" about
rows that were.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from ..ingest.report import ImportReport
from ..rights import SYSTEM, Identity
from ..settings import MIB, Settings
from ..store.isolated import run_import
from ..store.repository import Store

_UNSAFE = re.compile(r"[^\w.\- ()æøåÆØÅ]+")
# Problems of each level a web report carries (the page shows them; the error list is
# built from the store by batch id).
SHOWN_PROBLEMS = 200
# A child needs about this long just to start; with less left, a file is not attempted.
MIN_SECONDS_PER_FILE = 3.0


def safe_filename(name: str) -> str:
    """The file's own name, stripped of any path and odd characters (it is shown back)."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "opplasting.xlsx"
    return cleaned[:150]


def import_uploads(
    files: list[tuple[str, bytes | None]],
    settings: Settings,
    store: Store | None = None,
    actor: Identity = SYSTEM,
    address: str | None = None,
) -> list[ImportReport]:
    """Import the files of one upload in turn within one time budget. A file whose bytes
    could not be decoded comes as None and is refused as unreadable. `actor` and `address`
    (who uploaded, from where) go to the audit trail with each file."""
    store = store or Store(settings)
    budget = settings.import_timeout_seconds
    deadline = time.monotonic() + budget
    reports = []
    for raw_name, data in files:
        name = safe_filename(raw_name)
        if data is None:
            reports.append(ImportReport.refused(name, "corrupt_file", detail="base64"))
            store.record_refused(reports[-1], "web", actor, address)
            continue
        if len(data) > settings.max_upload_bytes:
            reports.append(
                ImportReport.refused(
                    name,
                    "file_too_big",
                    size_mb={
                        "nb": f"{len(data) / MIB:.1f}".replace(".", ","),
                        "en": f"{len(data) / MIB:.1f}",
                    },
                    limit_mb=settings.max_upload_bytes // MIB,
                )
            )
            store.record_refused(reports[-1], "web", actor, address)
            continue
        remaining = deadline - time.monotonic()
        if remaining < MIN_SECONDS_PER_FILE:
            reports.append(
                ImportReport.refused(
                    name, "import_not_attempted", outcome="not_attempted", seconds=budget
                )
            )
            store.record_refused(reports[-1], "web", actor, address)
            continue
        with tempfile.TemporaryDirectory(prefix="dashboard-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            reports.append(
                run_import(
                    path,
                    store,
                    source="web",
                    timeout=remaining,
                    limit=SHOWN_PROBLEMS,
                    actor=actor,
                    address=address,
                )
            )
    return reports


def import_upload(
    data: bytes, filename: str, settings: Settings, store: Store | None = None
) -> ImportReport:
    """One file with the whole budget of an upload."""
    (report,) = import_uploads([(filename, data)], settings, store)
    return report


def undo_request(
    store: Store, batch: str | None, actor: Identity = SYSTEM, address: str | None = None
) -> tuple[dict, int]:
    """POST /api/undo: `batch` (form field or query) names the import to undo, which must
    still be the latest in effect; without it, the latest. Returns (JSON body, status)."""
    from ..store.repository import UndoRefused

    if batch is not None and not (batch.isdigit() and len(batch) < 12):
        return {"error": "batch must be a whole number"}, 400
    try:
        if batch is not None:
            undone = store.undo(int(batch), actor, address)
        else:
            undone = store.undo_latest(actor, address)
    except UndoRefused as refused:
        return {
            "error": refused.code,
            "message": refused.message("nb"),
            "message_en": refused.message("en"),
            "latest": refused.latest_id,
        }, 409
    if undone is None:
        return {"error": "nothing to undo"}, 409
    return undone, 200
