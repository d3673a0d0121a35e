"""One place for every setting, read from environment variables with safe defaults.

Paths are anchored on the package, never on the working directory, so the app behaves the
same whether it is started by `make run`, by gunicorn from another folder or by the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
SAMPLE_DIR = DATA_DIR / "sample"
ZONES_FILE = DATA_DIR / "zones.csv"
ASSETS_DIR = PROJECT_DIR / "assets"

MIB = 1024 * 1024


def _env(name: str, default: str) -> str:
    return os.environ.get(f"DASHBOARD_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"DASHBOARD_{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "ja", "on"}


def database_url_from(value: str | None) -> str:
    """Accept either a SQLAlchemy URL or a plain file path (the CLI's --db takes both)."""
    if not value:
        return f"sqlite:///{DATA_DIR / 'dashboard.sqlite'}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: database_url_from(_env("DATABASE_URL", "")))
    zones_file: Path = field(default_factory=lambda: Path(_env("ZONES_FILE", str(ZONES_FILE))))
    # A survey score based on fewer answers than this is stored but never shown.
    suppression_threshold: int = field(default_factory=lambda: _env_int("SUPPRESSION_THRESHOLD", 5))
    # Guards against hostile workbooks, checked before any XML is parsed.
    max_uncompressed_bytes: int = field(
        default_factory=lambda: _env_int("MAX_UNCOMPRESSED_MB", 300) * MIB
    )
    max_rows_per_sheet: int = field(default_factory=lambda: _env_int("MAX_ROWS_PER_SHEET", 250_000))
    # Load the bundled sample workbooks when the store is empty (the README's promise).
    load_sample_when_empty: bool = field(default_factory=lambda: _env_bool("LOAD_SAMPLE", True))
    # Cache shared by gunicorn workers: "FileSystemCache" on one machine, "RedisCache" beyond.
    cache_type: str = field(default_factory=lambda: _env("CACHE_TYPE", "FileSystemCache"))
    cache_dir: Path = field(
        default_factory=lambda: Path(_env("CACHE_DIR", str(DATA_DIR / "cache")))
    )
    cache_redis_url: str = field(default_factory=lambda: _env("REDIS_URL", ""))
    # Web: who may import, who may view.
    admin_secret: str = field(default_factory=lambda: _env("ADMIN_SECRET", ""))
    require_login: bool = field(default_factory=lambda: _env_bool("REQUIRE_LOGIN", False))
    viewer_secret: str = field(default_factory=lambda: _env("VIEWER_SECRET", ""))
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", ""))
    max_upload_bytes: int = field(default_factory=lambda: _env_int("MAX_UPLOAD_MB", 20) * MIB)
    import_timeout_seconds: int = field(default_factory=lambda: _env_int("IMPORT_TIMEOUT", 20))
    default_language: str = field(default_factory=lambda: _env("LANGUAGE", "nb"))
    # The largest request a page callback (not an upload) may send; larger ones get 413.
    max_callback_bytes: int = field(default_factory=lambda: _env_int("MAX_CALLBACK_KB", 16) * 1024)
    # Pages list at most this many rows (projects, goals); the export has them all.
    list_limit: int = field(default_factory=lambda: _env_int("LIST_LIMIT", 50))
    # A year is complete for a panel when this share (%) of the zones have data for it.
    complete_pct: int = field(default_factory=lambda: _env_int("COMPLETE_PCT", 75))
    # A goal is "close" when its result misses the target by at most this % of the target.
    target_close_pct: int = field(default_factory=lambda: _env_int("TARGET_CLOSE_PCT", 5))
    # The overview's flags (see views/flags.py for the rules they feed).
    flag_spiral_years: int = field(default_factory=lambda: _env_int("FLAG_SPIRAL_YEARS", 2))
    flag_overspend_pct: int = field(default_factory=lambda: _env_int("FLAG_OVERSPEND_PCT", 3))
    flag_followup_pct: int = field(default_factory=lambda: _env_int("FLAG_FOLLOWUP_PCT", 40))
    flag_risk_at_most: int = field(default_factory=lambda: _env_int("FLAG_RISK_AT_MOST", 1))
    flag_targets_pct: int = field(default_factory=lambda: _env_int("FLAG_TARGETS_PCT", 50))
    # A flag carried by more than this % of the zones is one note for the municipality.
    flag_common_pct: int = field(default_factory=lambda: _env_int("FLAG_COMMON_PCT", 50))

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


def get_settings(**overrides) -> Settings:
    settings = Settings()
    return settings.with_overrides(**overrides) if overrides else settings
