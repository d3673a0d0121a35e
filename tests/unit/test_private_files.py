"""The session key file and the pickled cache folder, with real files (issue 7, item 6).

A planted key forges an admin session; a planted cache file is unpickled. Files owned by
another user are made with chown, so those tests need root (as CI runs); elsewhere they
are skipped.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from dashboard.app import create_app

OTHER_USER = 65534  # nobody


def _key_path(settings) -> Path:
    return settings.cache_dir.parent / ".secret_key"


@pytest.fixture
def keyed(settings):
    """Settings without DASHBOARD_SECRET_KEY, so the key file is used."""
    return settings.with_overrides(secret_key="", admin_secret="x")


def _needs_root():
    if os.geteuid() != 0:
        pytest.skip("making a file of another user needs root")


def test_sec050_the_key_file_is_made_private_in_one_step(keyed, monkeypatch):
    """Mode 0600 from the moment it exists, under any umask: no chmod afterwards."""

    def no_chmod(*_args, **_kwargs):
        raise AssertionError("the key file was made with a wider mode and chmod-ed after")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    old = os.umask(0)
    try:
        app = create_app(keyed)
    finally:
        os.umask(old)
    path = _key_path(keyed)
    info = path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == os.geteuid()
    assert app.server.config["SECRET_KEY"] == path.read_text() and len(path.read_text()) == 64
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".secret_key")] == [
        ".secret_key"
    ]
    # The next start reads the same key.
    assert create_app(keyed).server.config["SECRET_KEY"] == path.read_text()


def test_sec051_a_key_file_of_another_user_is_refused(keyed):
    _needs_root()
    path = _key_path(keyed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("planted-" + "x" * 60)
    path.chmod(0o600)
    os.chown(path, OTHER_USER, OTHER_USER)
    with pytest.raises(RuntimeError, match=r"Refusing the session key file .*user id 65534"):
        create_app(keyed)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o666, 0o700])
def test_sec052_a_key_file_others_may_read_or_change_is_refused(keyed, mode):
    path = _key_path(keyed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("k" * 64)
    path.chmod(mode)
    if mode & 0o077:
        with pytest.raises(RuntimeError, match=r"chmod 600"):
            create_app(keyed)
    else:
        assert create_app(keyed).server.config["SECRET_KEY"] == "k" * 64


def test_sec053_a_linked_short_or_odd_key_file_is_refused(keyed, tmp_path):
    path = _key_path(keyed)
    path.parent.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("k" * 64)
    elsewhere.chmod(0o600)
    path.symlink_to(elsewhere)
    with pytest.raises(RuntimeError, match="cannot be opened safely"):
        create_app(keyed)
    path.unlink()
    path.write_text("short")
    path.chmod(0o600)
    with pytest.raises(RuntimeError, match="fewer than 32"):
        create_app(keyed)
    path.unlink()
    path.mkdir()
    with pytest.raises(RuntimeError):
        create_app(keyed)


def test_sec054_workers_starting_together_share_one_whole_key(tmp_path):
    from dashboard.web.private_files import read_or_create_key

    path = tmp_path / ".secret_key"
    keys: list[str] = []
    start = threading.Barrier(8)

    def worker():
        start.wait()
        keys.append(read_or_create_key(path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and set(keys) == {path.read_text()} and len(keys[0]) == 64


@pytest.fixture
def cached(settings):
    return settings.with_overrides(cache_type="FileSystemCache", admin_secret="x")


def test_sec055_a_new_cache_folder_is_private(cached):
    old = os.umask(0)
    try:
        create_app(cached)
    finally:
        os.umask(old)
    info = cached.cache_dir.stat()
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.geteuid()


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777, 0o702])
def test_sec056_a_cache_folder_others_may_write_into_is_refused(cached, mode):
    cached.cache_dir.mkdir(parents=True)
    cached.cache_dir.chmod(mode)
    with pytest.raises(RuntimeError, match=r"Refusing the cache folder .*chmod go-w"):
        create_app(cached)


def test_sec057_a_cache_folder_of_another_user_is_refused(cached):
    _needs_root()
    cached.cache_dir.mkdir(parents=True, mode=0o755)
    os.chown(cached.cache_dir, OTHER_USER, OTHER_USER)
    with pytest.raises(RuntimeError, match=r"Refusing the cache folder .*user id 65534"):
        create_app(cached)


def test_sec058_an_existing_private_cache_folder_is_used(cached):
    cached.cache_dir.mkdir(parents=True, mode=0o755)
    cached.cache_dir.chmod(0o755)
    app = create_app(cached)
    assert app.server.test_client().get("/healthz").status_code == 200
