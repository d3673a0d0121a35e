"""A real gunicorn on loopback, started the way the Procfile starts it, for tests and bench/.

`Gunicorn` runs `python -m gunicorn -c python:dashboard.gunicorn_conf dashboard.app:server`
(preloaded, access log on stdout, no control socket) in its own process
group on a free 127.0.0.1 port, with its own SQLite file (or a given database URL) and
file-system cache, and always
ends that whole group (master, workers and any import child) when stopped. Process
relations are read from /proc, so this is Linux-only, like the import child's
PR_SET_PDEATHSIG it is used to check.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from dashboard.settings import PROJECT_DIR

ADMIN_SECRET = "reliability-admin"
SECRET_KEY = "reliability-secret-key-0123456789abcdef"
REQUEST_TIMEOUT = 30
# The reliability server's upload limit: the 100 000-row workbook (~5 MB) fits, 10 MB does not.
UPLOAD_LIMIT_MB = 6


def service_url(variable: str, what: str) -> str:
    """The URL of a service a test needs, from `variable`. Without it the test is skipped,
    except in CI (env CI set), where it fails: CI must prove that path."""
    import pytest

    url = os.environ.get(variable)
    if not url:
        message = f"{variable} is not set: no {what} to test against"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must test this path", pytrace=False)
        pytest.skip(message)
    return url


def postgres_schema_url(url: str, prefix: str) -> str:
    """`url` narrowed to a schema of its own (created if missing) per pytest-xdist worker,
    so parallel runs never drop each other's tables."""
    from sqlalchemy import create_engine, make_url, text

    schema = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(
        self,
        workdir: Path,
        workers: int = 3,
        env: dict[str, str] | None = None,
        database_url: str | None = None,
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.database_path = self.workdir / "store.sqlite"  # unless database_url says otherwise
        self.database_url = database_url or f"sqlite:///{self.database_path}"
        self.log_path = self.workdir / "gunicorn.log"
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    # ------------------------------------------------------------ lifecycle

    def environment(self) -> dict[str, str]:
        # Nothing from the caller's own DASHBOARD_* settings leaks in (login, limits...).
        env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
        env.update(
            {
                "DASHBOARD_DATABASE_URL": self.database_url,
                "DASHBOARD_CACHE_DIR": str(self.workdir / "cache"),
                "DASHBOARD_ADMIN_SECRET": ADMIN_SECRET,
                "DASHBOARD_SECRET_KEY": SECRET_KEY,
                # Tests only: which worker answered (from_every_worker, the load test).
                "DASHBOARD_WORKER_ID_HEADER": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, boot_seconds: float = 90) -> Gunicorn:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        # The Procfile's settings (timeout, preload, access log, no control socket).
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:dashboard.gunicorn_conf",
            "dashboard.app:server",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() ends all of it
        )
        log.close()
        try:
            self.wait_healthy(boot_seconds)
            self.wait_for_workers(boot_seconds)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_healthy(self, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        for _ in range(int(seconds / 0.2) + 1):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                response = requests.get(self.base_url + "/healthz", timeout=5)
                if response.status_code == 200:
                    return response.json()
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after {seconds} s:\n{self.log_tail()}")

    def wait_for_workers(self, seconds: float, exclude: set[int] = frozenset()) -> set[int]:
        """Wait until the master has its full set of workers, none of them in `exclude`."""
        deadline = time.monotonic() + seconds
        pids: set[int] = set()
        for _ in range(int(seconds / 0.1) + 1):
            pids = self.worker_pids()
            if len(pids) == self.workers and not pids & exclude:
                return pids
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        raise RuntimeError(f"workers {sorted(pids)} after {seconds} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        # Whatever is left of the group (a stuck worker or an import child) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ------------------------------------------------------------ processes

    def worker_pids(self) -> set[int]:
        return {pid for pid in children(self.process.pid) if alive(pid)}

    def import_children(self) -> dict[int, int]:
        """Running `python -m dashboard import` children: {child pid: worker pid}."""
        found = {}
        for worker in self.worker_pids():
            for child in children(worker):
                if alive(child) and "import" in cmdline(child) and "dashboard" in cmdline(child):
                    found[child] = worker
        return found

    # ------------------------------------------------------------ requests

    def get(self, path: str, **kwargs):
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return requests.get(self.base_url + path, **kwargs)

    def post(self, path: str, **kwargs):
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return requests.post(self.base_url + path, **kwargs)

    def from_every_worker(self, paths: list[str], check, rounds: int = 60, seconds: float = 30):
        """GET `paths` in concurrent bursts until every current worker has answered each one.

        `check(path, response)` must hold for every response. Returns {path: {pids}}.
        Bounded by `rounds` bursts and `seconds`.
        """
        workers = self.worker_pids()
        seen: dict[str, set[int]] = {p: set() for p in paths}
        deadline = time.monotonic() + seconds
        with ThreadPoolExecutor(max_workers=2 * self.workers) as pool:
            for _ in range(rounds):
                burst = [p for p in paths for _ in range(self.workers * 2)]
                for path, response in zip(burst, pool.map(self.get, burst), strict=True):
                    check(path, response)
                    seen[path].add(int(response.headers["X-Served-By"]))
                if all(workers <= pids for pids in seen.values()) or time.monotonic() > deadline:
                    break
        return seen


@dataclass
class RawResponse:
    status: int
    headers: dict[str, list[str]]  # lower-case names
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def raw_request(
    base_url: str, target: str, method: str = "GET", headers: dict[str, str] | None = None
) -> RawResponse:
    """Send `target` exactly as written (no client normalises `..`, `//` or `%2F`) over a
    plain socket, and read the whole answer."""
    parts = urlsplit(base_url)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in (headers.get("transfer-encoding") or [""])[0]:
        body = _unchunk(body)
    return RawResponse(int(status_line.split()[1]), headers, body)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return out


class Admin:
    """A logged-in admin: a requests session with the session cookie and the CSRF token."""

    def __init__(self, server: Gunicorn):
        self.server = server
        self.session = requests.Session()
        response = self.session.post(
            server.base_url + "/logg-inn",
            data={"secret": ADMIN_SECRET, "csrf_token": self._form_token(), "neste": "/import"},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        assert response.status_code == 302, response.text[:300]
        # A login starts a new session: tokens from before it are worthless.
        self.csrf = self._form_token()

    def _form_token(self) -> str:
        form = self.session.get(self.server.base_url + "/logg-inn", timeout=REQUEST_TIMEOUT)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token, f"no CSRF token in the login form: {form.status_code} {form.text[:300]!r}"
        return token.group(1)

    def __enter__(self) -> Admin:
        return self

    def __exit__(self, *exc) -> None:
        self.session.close()

    def post(self, path: str, timeout: float = 60, **kwargs) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf}
        return self.session.post(
            self.server.base_url + path, headers=headers, timeout=timeout, **kwargs
        )

    def upload(self, *files: tuple[str, bytes], timeout: float = 60) -> requests.Response:
        fields = [("file", (name, data, "application/octet-stream")) for name, data in files]
        return self.post("/api/import", files=fields, timeout=timeout)

    def upload_paths(self, *paths: Path, timeout: float = 60) -> requests.Response:
        return self.upload(*[(p.name, p.read_bytes()) for p in paths], timeout=timeout)

    def undo(self, times: int = 1) -> None:
        for _ in range(times):
            response = self.post("/api/undo")
            assert response.status_code == 200, response.text[:300]


def healthy_everywhere(server: Gunicorn) -> set[int]:
    """/healthz answers ok from every current worker; returns their pids."""

    def ok(_path, response):
        assert response.status_code == 200 and response.json()["status"] == "ok"

    seen = server.from_every_worker(["/healthz"], ok)["/healthz"]
    assert seen >= server.worker_pids(), (seen, server.worker_pids())
    return seen


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may hold spaces: split after the last ")".
    return raw[raw.rindex(")") + 2 :].split()


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in {"Z", "X"}


def children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                pids.append(int(entry.name))
    return pids


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def wait_dead(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.05) + 1):
        if not alive(pid):
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return not alive(pid)
