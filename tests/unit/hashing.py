"""Argon2id with the smallest cost parameters, for tests that make and check many
passwords: the real parameters (argon2-cffi's defaults, 64 MiB and three passes) take a
few tenths of a second per password on a loaded machine. The algorithm is the same."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    from dashboard.store import people

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(people, "_hasher", hasher)
    monkeypatch.setattr(people, "_DUMMY_HASH", hasher.hash("dummy"))
