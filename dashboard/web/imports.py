"""Running an uploaded file through the command line's importer, in a child process.

The child has a hard time limit below the web server's worker timeout, so a slow or
hostile file can never hold a worker hostage; if it is killed, its one transaction dies with
it and the store is exactly as before. The child is the same `python -m dashboard import`
a person runs by hand, so the web and the command line cannot drift apart.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..ingest.report import ImportReport
from ..settings import PROJECT_DIR, Settings

_UNSAFE = re.compile(r"[^\w.\- ()æøåÆØÅ]+")


def safe_filename(name: str) -> str:
    """The file's own name, stripped of any path and odd characters (it is shown back)."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "opplasting.xlsx"
    return cleaned[:150]


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DASHBOARD_DATABASE_URL": settings.database_url,
            "DASHBOARD_ZONES_FILE": str(settings.zones_file),
            "DASHBOARD_MAX_UNCOMPRESSED_MB": str(settings.max_uncompressed_bytes // (1024 * 1024)),
            "DASHBOARD_MAX_ROWS_PER_SHEET": str(settings.max_rows_per_sheet),
            "DASHBOARD_LOAD_SAMPLE": "0",
        }
    )
    return env


def _die_with_parent() -> None:
    """In the child: if the web worker is killed, the kernel kills the import too, so a
    dead worker can never leave an import running behind it (Linux prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the time limit applies
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def import_upload(data: bytes, filename: str, settings: Settings) -> ImportReport:
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="dashboard-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        command = [
            sys.executable,
            "-m",
            "dashboard",
            "import",
            str(path),
            "--json",
            "--source",
            "web",
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=settings.import_timeout_seconds,
                env=child_env(settings),
                cwd=PROJECT_DIR,
                check=False,
                preexec_fn=_die_with_parent,
            )
        except subprocess.TimeoutExpired:
            return ImportReport.refused(
                name, "import_timeout", seconds=settings.import_timeout_seconds
            )
    try:
        (payload,) = json.loads(done.stdout)
    except (ValueError, TypeError):
        detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["?"]
        return ImportReport.refused(name, "import_crashed", detail=detail[0][:300])
    return ImportReport.from_dict(payload)
