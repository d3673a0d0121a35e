"""Files only this process's user may write: the session key and the pickled cache.

Whoever can write the session key can forge an admin session, and flask-caching's
FileSystemCache unpickles what it finds in its folder, so a planted cache file runs code.
Both are therefore refused at start-up, with a message saying what to do, when another
user owns them or when others may write to them (a key shared in /tmp, a cache folder left
group-writable). The key file is created with O_EXCL and mode 0600 in one step, so there is
no moment in which it exists with the umask's wider mode, and published whole (a link of
a finished temporary file), so a second worker starting at the same moment never reads
half a key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

MIN_KEY_LENGTH = 32


class UnsafeFileError(RuntimeError):
    """A key or cache location that another user could have planted or could change."""


def _owner_and_mode_problem(info: os.stat_result, forbidden_bits: int, others: str) -> str | None:
    if info.st_uid != os.geteuid():
        return f"it belongs to user id {info.st_uid}, not to this process's user ({os.geteuid()})"
    if info.st_mode & forbidden_bits:
        return f"its mode is {stat.filemode(info.st_mode)}: other users may {others} it"
    return None


def read_or_create_key(path: Path) -> str:
    """The key in `path`, made (random, 0600) on first use; refused when unsafe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return _create_key(path)
    except OSError as exc:  # ELOOP: a symbolic link, which someone else may have made
        raise UnsafeFileError(
            f"The session key file {path} cannot be opened safely ({exc.strerror}). "
            "Remove it (a new key is made) or set DASHBOARD_SECRET_KEY."
        ) from exc
    try:
        info = os.fstat(fd)
        regular = stat.S_ISREG(info.st_mode)
        problem = (
            _owner_and_mode_problem(info, 0o077, "read or change")
            if regular
            else "it is not a regular file"
        )
        key = os.read(fd, 4096).decode(errors="replace").strip() if regular else ""
    finally:
        os.close(fd)
    if problem is None and len(key) < MIN_KEY_LENGTH:
        problem = f"it holds {len(key)} characters, fewer than {MIN_KEY_LENGTH}"
    if problem:
        raise UnsafeFileError(
            f"Refusing the session key file {path}: {problem}. Whoever can write it can forge "
            f"a login. Remove it (a new key is made), or `chmod 600 {path}` if it is yours, "
            "or set DASHBOARD_SECRET_KEY."
        )
    return key


def _create_key(path: Path) -> str:
    key = secrets.token_hex(32)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600; the link publishes it whole and,
    # like O_EXCL, fails when another process has published its key first.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return read_or_create_key(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return key


def ensure_private_dir(path: Path, what: str = "cache") -> Path:
    """Create `path` (mode 0700) or check the existing one: ours, and writable by no one else.

    Files in it may be unpickled, so a folder another user can write to is refused."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    info = path.stat()
    problem = (
        "it is not a folder"
        if not stat.S_ISDIR(info.st_mode)
        else _owner_and_mode_problem(info, 0o022, "write into")
    )
    if problem:
        raise UnsafeFileError(
            f"Refusing the {what} folder {path}: {problem}. The cache holds pickled data "
            "that is loaded back, so only this user may write there. Use a folder of your "
            f"own (DASHBOARD_CACHE_DIR) or `chmod go-w {path}`."
        )
    return path
