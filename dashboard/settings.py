"""One place for every setting, read from environment variables with safe defaults.

Paths are anchored on the package, never on the working directory, so the app behaves the
same whether it is started by `make run`, by gunicorn from another folder or by the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
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
    # Room for 400 zones x 10 years of weekly council meetings (208 000 rows).
    max_rows_per_sheet: int = field(default_factory=lambda: _env_int("MAX_ROWS_PER_SHEET", 220_000))
    # Cells per workbook, each sheet counted as its rectangle from A1 to its last cell (the
    # reader holds that whole rectangle): checked before a sheet is read. It bounds the time
    # an import takes, so the largest file allowed imports well within the web's time budget
    # (README "Importing data", measured with bench/ingest.py).
    max_cells: int = field(default_factory=lambda: _env_int("MAX_CELLS", 2_400_000))
    # Years (and dates) a value may have: within the contract's 2000-2100. The default stops
    # at next year, so a typo such as 2099 or 9999 can never become "the latest year".
    year_min: int = field(default_factory=lambda: _env_int("YEAR_MIN", 2000))
    year_max: int = field(default_factory=lambda: _env_int("YEAR_MAX", date.today().year + 1))
    # The import child's limits (web and command line): address space and CPU seconds.
    import_memory_mb: int = field(default_factory=lambda: _env_int("IMPORT_MEMORY_MB", 2048))
    import_cpu_seconds: int = field(default_factory=lambda: _env_int("IMPORT_CPU_SECONDS", 120))
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
    # Seconds one web upload may take, all its files together; below gunicorn's worker
    # timeout (60 s in `make serve-prod`), so the answer always comes from a live worker.
    import_timeout_seconds: int = field(default_factory=lambda: _env_int("IMPORT_TIMEOUT", 40))
    default_language: str = field(default_factory=lambda: _env("LANGUAGE", "nb"))
    # Sessions, login and headers (README "Security").
    # A login ends on the server after this long, whatever the browser keeps.
    session_lifetime_seconds: int = field(
        default_factory=lambda: _env_int("SESSION_HOURS", 12) * 3600
    )
    # A CSRF token (in forms and on the import page) is good for this long.
    csrf_time_limit_seconds: int = field(default_factory=lambda: _env_int("CSRF_TIME_LIMIT", 3600))
    # Failed logins allowed per client address, and from all addresses together, in limits'
    # notation ("10/minute", "100 per hour"); the next one gets 429 until the window passes.
    login_rate_per_address: str = field(
        default_factory=lambda: _env("LOGIN_RATE_PER_ADDRESS", "10/minute")
    )
    login_rate_total: str = field(default_factory=lambda: _env("LOGIN_RATE_TOTAL", "100/minute"))
    # Reverse proxies in front that set X-Forwarded-For/-Proto; 0 trusts no such header.
    proxy_count: int = field(default_factory=lambda: _env_int("PROXY_COUNT", 0))
    # "auto": the session cookie is Secure when the request came over HTTPS; "always": always.
    cookie_secure: str = field(default_factory=lambda: _env("COOKIE_SECURE", "auto"))
    # Who may show the dashboard in a frame (CSP frame-ancestors); "'none'" means nobody.
    frame_ancestors: str = field(default_factory=lambda: _env("FRAME_ANCESTORS", "'none'"))
    # People, notes and OpenID Connect (README "Roles, accounts and notes").
    # A local account's password needs at least this many characters.
    password_min_length: int = field(default_factory=lambda: _env_int("PASSWORD_MIN_LENGTH", 12))
    # A note or follow-up may hold this many characters.
    note_max_chars: int = field(default_factory=lambda: _env_int("NOTE_MAX_CHARS", 2000))
    # How often an open zone page or meeting deck asks whether notes changed (seconds).
    notes_poll_seconds: int = field(default_factory=lambda: _env_int("NOTES_POLL_SECONDS", 10))
    # The address people reach the dashboard at (https://samskaping.example.no): the
    # OpenID Connect redirect and logout addresses are made from it. Empty: from the request.
    public_url: str = field(default_factory=lambda: _env("PUBLIC_URL", ""))
    # OpenID Connect: on when an issuer is set.
    oidc_issuer: str = field(default_factory=lambda: _env("OIDC_ISSUER", ""))
    oidc_client_id: str = field(default_factory=lambda: _env("OIDC_CLIENT_ID", ""))
    oidc_client_secret: str = field(default_factory=lambda: _env("OIDC_CLIENT_SECRET", ""))
    oidc_scopes: str = field(default_factory=lambda: _env("OIDC_SCOPES", "openid profile email"))
    # The claim whose values (group ids, group names or app roles) the role map looks up;
    # a dotted path reaches into an object (Keycloak: realm_access.roles).
    oidc_roles_claim: str = field(default_factory=lambda: _env("OIDC_ROLES_CLAIM", "groups"))
    oidc_role_map: str = field(default_factory=lambda: _env("OIDC_ROLE_MAP", ""))
    oidc_username_claim: str = field(
        default_factory=lambda: _env("OIDC_USERNAME_CLAIM", "preferred_username")
    )
    oidc_provider_name: str = field(default_factory=lambda: _env("OIDC_PROVIDER_NAME", ""))
    # Tests only: an X-Served-By header with the worker's pid, so a test sees which answered.
    worker_id_header: bool = field(default_factory=lambda: _env_bool("WORKER_ID_HEADER", False))

    # The largest request a page callback (not an upload) may send; larger ones get 413.
    max_callback_bytes: int = field(default_factory=lambda: _env_int("MAX_CALLBACK_KB", 16) * 1024)
    # Pages list at most this many rows (projects, goals); the export has them all.
    list_limit: int = field(default_factory=lambda: _env_int("LIST_LIMIT", 50))
    # The overview's table shows this many zones a page; more zones than that get pages,
    # the flagged ones first.
    overview_page_size: int = field(default_factory=lambda: _env_int("OVERVIEW_PAGE_SIZE", 50))
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

    def __post_init__(self) -> None:
        if not 2000 <= self.year_min <= self.year_max <= 2100:
            raise ValueError(
                "DASHBOARD_YEAR_MIN and DASHBOARD_YEAR_MAX must lie within 2000-2100 (the data "
                f"contract), the first not after the second; got {self.year_min}-{self.year_max}"
            )
        if not 1 <= self.note_max_chars <= 20_000:
            raise ValueError("DASHBOARD_NOTE_MAX_CHARS must be between 1 and 20000")
        if not 2 <= self.notes_poll_seconds <= 600:
            raise ValueError("DASHBOARD_NOTES_POLL_SECONDS must be between 2 and 600")
        if not 1 <= self.overview_page_size <= 1000:
            raise ValueError(
                f"DASHBOARD_OVERVIEW_PAGE_SIZE must be 1-1000, got {self.overview_page_size}"
            )

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


def get_settings(**overrides) -> Settings:
    settings = Settings()
    return settings.with_overrides(**overrides) if overrides else settings
