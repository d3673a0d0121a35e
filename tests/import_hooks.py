"""Test hooks for the import child process, installed from the outside.

A directory with a `sitecustomize.py` is put on PYTHONPATH; every Python process started with
that environment (the import child of a web worker or of the command line) then runs it at
start-up and, when DASHBOARD_TEST_IMPORT_HOOK names a hook, wraps the store's write or the
workbook reader to misbehave at a chosen moment. The product code has no test switches: the
hook only replaces functions, the way a slow disk, a stuck database or a crash would.

Hooks (DASHBOARD_TEST_IMPORT_HOOK, or the contents of the file DASHBOARD_TEST_IMPORT_HOOK_FILE
names, read when a child starts, so a running server can be given another hook):
- `hang-before-commit`: the child sleeps before its import transaction starts.
- `hang-after-commit`: the child commits its import, then sleeps before it can report.
- `abort`: the workbook reader aborts the process as a failed Rust allocation does.
- `segfault`: the workbook reader dies of SIGSEGV.
- `spin`: the workbook reader computes forever (until its CPU-time limit stops it).
Only imports from the web (`--source web`) or the command line's children misbehave; the
sample import at a server's start is left alone.
"""

from __future__ import annotations

from pathlib import Path

HOOK = """
import os, sys, time, signal

_mode = os.environ.get("DASHBOARD_TEST_IMPORT_HOOK", "")
if os.environ.get("DASHBOARD_TEST_IMPORT_HOOK_FILE"):
    try:
        with open(os.environ["DASHBOARD_TEST_IMPORT_HOOK_FILE"]) as _file:
            _mode = _file.read().strip()
    except OSError:
        _mode = ""
if _mode:
    from dashboard.store import repository as _repository
    from dashboard.ingest import importer as _importer

    _apply = _repository.Store.apply

    def _hooked_apply(self, parsed, source="cli", *args, **kwargs):
        if source == "sample":
            return _apply(self, parsed, source, *args, **kwargs)
        if _mode == "hang-before-commit":
            time.sleep(120)
        result = _apply(self, parsed, source, *args, **kwargs)
        if _mode == "hang-after-commit":
            time.sleep(120)
        return result

    _repository.Store.apply = _hooked_apply

    _read = _importer.read_workbook

    def _hooked_read(*args, **kwargs):
        if _mode == "abort":
            sys.stderr.write("memory allocation of 34359738368 bytes failed\\n")
            sys.stderr.flush()
            os.abort()
        if _mode == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        while _mode == "spin":
            pass
        return _read(*args, **kwargs)

    _importer.read_workbook = _hooked_read
"""


def hook_environment(directory: Path, mode: str) -> dict[str, str]:
    """The environment variables that install hook `mode` in every child process."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(HOOK)
    return {"PYTHONPATH": str(directory), "DASHBOARD_TEST_IMPORT_HOOK": mode}


def hook_file_environment(directory: Path) -> tuple[dict[str, str], Path]:
    """The environment that installs whichever hook the returned file names when a child
    starts (empty file: none)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(HOOK)
    mode_file = directory / "hook-mode"
    mode_file.write_text("")
    return {"PYTHONPATH": str(directory), "DASHBOARD_TEST_IMPORT_HOOK_FILE": str(mode_file)}, (
        mode_file
    )
