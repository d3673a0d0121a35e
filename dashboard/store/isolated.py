"""One import in a child process with limits; what it did is read back from the store.

Both the web (web/imports.py) and the command line (`python -m dashboard import`) import each
file in a child, `python -m dashboard import FILE --child TICKET`, that has a memory limit
(RLIMIT_AS), a CPU-time limit (RLIMIT_CPU), dies with its parent (PR_SET_PDEATHSIG) and, on
the web, a wall-clock limit. The child sets its own limits as it starts, before it reads the
file: a `preexec_fn` would run Python between fork and exec, which can deadlock a parent
that has threads (the development server has one per request). A hostile or huge file can
then cost at most that, and a crash in the reader (a Rust abort in calamine) ends the child,
not the web worker or the command.

The outcome shown is the outcome in the store. The child stamps the batch it writes with a
ticket this process made up. Whatever happens to the child (it exits, it is killed by the time
limit after it committed but before it could report, it aborts), this process then looks the
ticket up and reports that batch. When the child ended badly the look-up runs under the
import lock, so a commit the database server was still finishing has landed, or not, first.
No batch means nothing was stored; the timeout or crash is then recorded as a batch of its
own, so the import history shows it in both languages.

The alternative, a child that commits only while its parent still waits for it, was not
chosen: the commit itself takes time, and a kill during it would leave the parent as unsure
as before. Deciding from the store is right whenever the kill lands.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from ..ingest.importer import sha256_of
from ..ingest.report import ImportReport
from ..rights import SYSTEM, Identity
from ..settings import MIB, PROJECT_DIR, Settings
from .repository import Store

log = logging.getLogger(__name__)

# The child's own exit codes (besides 0 imported or unchanged, 1 rejected).
EXIT_MEMORY = 3
EXIT_ORPHANED = 4  # its parent was gone before it could start
# Problems per level in the child's report on stdout: the parent reads the real report from
# the store, so this only has to say what a file that stored nothing was.
CHILD_REPORT_PROBLEMS = 20
# Seconds of CPU beyond the wall-clock limit: the clock decides on the web, this is a backstop.
_CPU_MARGIN = 5


def child_env(settings: Settings) -> dict[str, str]:
    """The child's environment: the caller's own settings (a test may override them), so the
    child reads the same store with the same limits."""
    env = dict(os.environ)
    env.update(
        {
            "DASHBOARD_DATABASE_URL": settings.database_url,
            "DASHBOARD_ZONES_FILE": str(settings.zones_file),
            "DASHBOARD_MAX_UNCOMPRESSED_MB": str(settings.max_uncompressed_bytes // MIB),
            "DASHBOARD_MAX_ROWS_PER_SHEET": str(settings.max_rows_per_sheet),
            "DASHBOARD_MAX_CELLS": str(settings.max_cells),
            "DASHBOARD_YEAR_MIN": str(settings.year_min),
            "DASHBOARD_YEAR_MAX": str(settings.year_max),
            "DASHBOARD_LOAD_SAMPLE": "0",
        }
    )
    return env


def enter_child(limits: str) -> None:
    """In the child, first of all: its limits ("memory bytes,CPU seconds,parent pid") and
    death with its parent, so a killed web worker can never leave an import running behind
    it (Linux prctl PR_SET_PDEATHSIG; a parent that died before that is noticed too)."""
    memory_bytes, cpu_seconds, parent = (int(part) for part in limits.split(","))
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the limits still apply
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(EXIT_ORPHANED)
    with contextlib.suppress(OSError):
        os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))


def run_import(
    path: Path,
    store: Store,
    source: str = "cli",
    timeout: float | None = None,
    limit: int | None = None,
    actor: Identity = SYSTEM,
    address: str | None = None,
) -> ImportReport:
    """Import one file in a limited child; return the report as the store has it (the first
    `limit` problems of each level, all kept ones when None). `actor` and `address` go to
    the audit trail, written by the child with its batch (or here, when it stored none)."""
    settings = store.settings
    path = Path(path)
    try:
        sha256 = sha256_of(path.read_bytes())
    except OSError:
        sha256 = ""  # the child reports the unreadable file; nothing is stored for it
    ticket = uuid.uuid4().hex
    cpu = settings.import_cpu_seconds
    if timeout is not None:
        cpu = min(cpu, math.ceil(timeout) + _CPU_MARGIN)
    command = [
        sys.executable,
        "-m",
        "dashboard",
        "import",
        str(path),
        "--child",
        ticket,
        "--limits",
        f"{settings.import_memory_mb * MIB},{cpu},{os.getpid()}",
        "--source",
        source,
        "--actor",
        actor_argument(actor, address),
    ]
    started = time.monotonic()
    timed_out = False
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=timeout,
            env=child_env(settings),
            cwd=PROJECT_DIR,
            check=False,
        )
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed and reaped it
        timed_out = True
        returncode, stdout, stderr = None, exc.stdout or b"", exc.stderr or b""
    if not timed_out and returncode in (0, 1):
        batch_id = store.batch_for_ticket(ticket)
        if batch_id is not None:
            return store.batch_report(batch_id, limit)
        report = _child_report(stdout)
        if report is not None:
            return report  # unchanged, or a file that could not be read: nothing stored
    outcome, code, params = _failure(
        timed_out, returncode, stderr, timeout, cpu, settings.import_memory_mb
    )
    log.warning(
        "import child for %s ended with %s after %.1f s: %s",
        path.name,
        "a timeout" if timed_out else returncode,
        time.monotonic() - started,
        stderr.decode("utf-8", "replace")[-2000:],
    )
    batch_id = store.settle(
        ticket, path.name, sha256, outcome, code, source, actor=actor, address=address, **params
    )
    return store.batch_report(batch_id, limit)


def actor_argument(actor: Identity, address: str | None) -> str:
    """Who imports, for the child's audit row (a command-line argument: no secrets in it)."""
    return json.dumps(
        {"principal": actor.principal, "name": actor.name, "address": address or ""},
        ensure_ascii=False,
    )


def actor_from_argument(text: str | None) -> tuple[Identity, str | None]:
    try:
        data = json.loads(text) if text else {}
        principal, name = str(data["principal"])[:200], str(data.get("name", ""))[:200]
    except (ValueError, TypeError, KeyError):
        return SYSTEM, None
    return Identity(principal, name), (str(data.get("address") or "")[:100] or None)


def _child_report(stdout: bytes) -> ImportReport | None:
    try:
        payload = json.loads(stdout)
        return ImportReport.from_dict(payload)
    except (ValueError, TypeError, KeyError):
        return None


def _failure(
    timed_out: bool,
    returncode: int | None,
    stderr: bytes,
    timeout: float | None,
    cpu_seconds: int,
    memory_mb: int,
) -> tuple[str, str, dict]:
    """(outcome, message code, parameters) for a child that did not report normally. The
    child's own output is logged for the operator, never shown: it may hold a backtrace."""
    if timed_out:
        return "timeout", "import_timeout", {"seconds": math.ceil(timeout or 0)}
    if returncode == -signal.SIGXCPU:
        return "timeout", "import_cpu_limit", {"seconds": cpu_seconds}
    if returncode == EXIT_MEMORY or (
        returncode == -signal.SIGABRT and b"memory allocation" in stderr
    ):
        return "rejected", "import_memory", {"limit_mb": memory_mb}
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        detail = {
            "nb": f"prosessen ble stoppet av signalet {name or -returncode}",
            "en": f"the process was stopped by signal {name or -returncode}",
        }
    else:
        detail = {
            "nb": f"prosessen avsluttet med kode {returncode}",
            "en": f"the process exited with code {returncode}",
        }
    return "crashed", "import_crashed", {"detail": detail}


def child_main(
    path: Path, ticket: str, source: str, settings: Settings, actor: str | None = None
) -> int:
    """The child's side: import one file, stamp the batch with `ticket`, print a small report.
    Exit 0 when imported or unchanged, 1 when refused, EXIT_MEMORY when out of memory."""
    from ..ingest.importer import parse_file

    who, address = actor_from_argument(actor)
    try:
        store = Store(settings)
        parsed = parse_file(path, store.registry, settings)
        report = store.apply(parsed, source, ticket, actor=who, address=address)
    except MemoryError:
        return EXIT_MEMORY
    sys.stdout.write(json.dumps(report.to_dict(messages=False, limit=CHILD_REPORT_PROBLEMS)))
    sys.stdout.flush()
    return 0 if report.ok else 1
