"""People who log in: local accounts and the people an identity provider sent, with their
roles and zones.

Local accounts are made on the command line (`python -m dashboard user …`); their
passwords are hashed with Argon2id (argon2-cffi's defaults, re-hashed when those change).
People who log in through OpenID Connect get a row too (source `oidc`, keyed by issuer
and subject), so notes and the audit trail name them the same way every time; their roles
and zones come from the provider at every login and are copied here.

Whatever changes what a person may do (roles, zones, password, disabling) ends their
sessions in the same transaction, and is written to the audit trail.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Column, DateTime, Integer, String, Table, Text, delete, insert, select
from sqlalchemy.engine import Connection, Engine

from ..ingest.zones import ZoneRegistry
from ..rights import ROLES, UNIT_LEADER, Identity, role_of
from . import audit
from .auth import login_sessions
from .db import Refused, metadata

LOCAL, OIDC = "local", "oidc"
OIDC_PREFIX = "oidc:"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
PASSWORD_MAX = 1024  # hashing cost is bounded by what a form may send

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("source", String(10), nullable=False),  # local | oidc
    Column("subject", String(600), unique=True),  # oidc: "<issuer> <sub>"
    Column("roles", String(100), nullable=False),  # comma-separated, rights.ROLES order
    Column("zones", Text, nullable=False),  # semicolon-separated zone ids, sorted
    Column("password_hash", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
    Column("disabled_at", DateTime(timezone=True)),
)

_hasher = PasswordHasher()
# Checked against when the user name is unknown, so a wrong name costs what a wrong
# password does and the answer's timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("no such user: this hash only takes the time a real one takes")


_MESSAGES = {
    "bad_username": (
        "Ugyldig brukernavn «{name}»: 1–64 tegn, små bokstaver a–z, sifre og . _ @ -, "
        "første tegn en bokstav eller et siffer.",
        "Invalid user name '{name}': 1–64 characters, lower-case a–z, digits and . _ @ -, "
        "starting with a letter or a digit.",
    ),
    "exists": ("Brukeren «{name}» finnes alt.", "The user '{name}' already exists."),
    "unknown": ("Ingen bruker heter «{name}».", "No user is called '{name}'."),
    "bad_role": (
        "Ukjent rolle «{role}». Bruk leser, leder, kommunalsjef eller admin.",
        "Unknown role '{role}'. Use viewer, leder (unit leader), kommunalsjef (health head) "
        "or admin.",
    ),
    "no_role": ("Oppgi minst én rolle.", "Give at least one role."),
    "bad_zone": (
        "Ukjent sone «{zone}». Kjente soner: {known}.",
        "Unknown zone '{zone}'. Known zones: {known}.",
    ),
    "leader_without_zone": (
        "En enhetsleder må ha minst én sone (--sone).",
        "A unit leader needs at least one zone (--sone).",
    ),
    "short_password": (
        "Passordet må ha minst {n} tegn.",
        "The password must have at least {n} characters.",
    ),
    "long_password": (
        "Passordet kan ha høyst {n} tegn.",
        "The password may have at most {n} characters.",
    ),
    "oidc_roles": (
        "Rollene til «{name}» kommer fra identitetstjenesten (OpenID Connect) og endres der.",
        "The roles of '{name}' come from the identity provider (OpenID Connect) and are "
        "changed there.",
    ),
    "oidc_password": (
        "«{name}» logger inn gjennom identitetstjenesten og har ikke noe passord her.",
        "'{name}' logs in through the identity provider and has no password here.",
    ),
}


class PeopleError(Refused, ValueError):
    """A request the accounts store refuses. `code` names the reason (see _MESSAGES)."""

    messages = _MESSAGES


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    source: str
    subject: str | None
    roles: frozenset[str]
    zones: frozenset[str]
    password_hash: str | None
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None

    @property
    def principal(self) -> str:
        return f"user:{self.id}"

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def identity(self) -> Identity:
        return Identity(self.principal, self.display_name or self.username, self.roles, self.zones)

    def fingerprint(self) -> str:
        """What a session was opened under: a session made before any of these changed
        (password, roles, zones, disabling) is no longer valid (web/sessions.py keys it)."""
        return "\0".join(
            [
                str(self.id),
                self.source,
                self.password_hash or "",
                _roles_text(self.roles),
                _zones_text(self.zones),
                "disabled" if self.disabled_at else "active",
            ]
        )


def _roles_text(roles: Iterable[str]) -> str:
    given = set(roles)
    return ",".join(r for r in ROLES if r in given)


def _zones_text(zones: Iterable[str]) -> str:
    return ";".join(sorted(set(zones)))


def _person(row) -> Person:
    def utc(value):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    return Person(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        source=row.source,
        subject=row.subject,
        roles=frozenset(r for r in row.roles.split(",") if r),
        zones=frozenset(z for z in row.zones.split(";") if z),
        password_hash=row.password_hash,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        last_login_at=utc(row.last_login_at),
        disabled_at=utc(row.disabled_at),
    )


def normalise_username(name: str) -> str:
    return unicodedata.normalize("NFC", str(name)).strip().lower()


class People:
    def __init__(
        self, engine: Engine, registry: ZoneRegistry | None, password_min_length: int = 12
    ):
        """`registry` (the zones) is needed to give zones; reading and logging in do not."""
        self.engine = engine
        self.registry = registry
        self.password_min_length = password_min_length

    # ------------------------------------------------------------ checks

    def roles_from(self, words: Iterable[str]) -> frozenset[str]:
        roles = set()
        for word in words:
            role = role_of(word)
            if role is None:
                raise PeopleError("bad_role", role=word)
            roles.add(role)
        if not roles:
            raise PeopleError("no_role")
        return frozenset(roles)

    def zones_from(self, words: Iterable[str]) -> frozenset[str]:
        """Zone ids from ids, names or aliases (as zones.csv knows them)."""
        zones = set()
        for word in words:
            if self.registry is None:
                raise PeopleError("bad_zone", zone=word, known="")
            zone = self.registry.by_id.get(str(word).strip()) or self.registry.match(word)
            if zone is None:
                known = ", ".join(z.id for z in self.registry.zones)
                raise PeopleError("bad_zone", zone=word, known=known)
            zones.add(zone.id)
        return frozenset(zones)

    def _check_password(self, password: str) -> None:
        if len(password) < self.password_min_length:
            raise PeopleError("short_password", n=self.password_min_length)
        if len(password) > PASSWORD_MAX:
            raise PeopleError("long_password", n=PASSWORD_MAX)

    @staticmethod
    def _check_roles_zones(roles: frozenset[str], zones: frozenset[str]) -> None:
        if UNIT_LEADER in roles and not zones:
            raise PeopleError("leader_without_zone")

    # ------------------------------------------------------------ reading

    def get(self, username: str) -> Person | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(users).where(users.c.username == normalise_username(username))
            ).first()
        return _person(row) if row else None

    def get_by_id(self, user_id: int) -> Person | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == int(user_id))).first()
        return _person(row) if row else None

    def get_by_subject(self, subject: str) -> Person | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.subject == subject)).first()
        return _person(row) if row else None

    def by_principal(self, principal: str) -> Person | None:
        kind, _, number = str(principal).partition(":")
        if kind != "user" or not number.isdigit() or len(number) > 12:
            return None
        return self.get_by_id(int(number))

    def list(self) -> list[Person]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).fetchall()
        return [_person(r) for r in rows]

    # ------------------------------------------------------------ local accounts

    def add(
        self,
        actor: Identity,
        username: str,
        roles: Iterable[str],
        zones: Iterable[str] = (),
        password: str | None = None,
        display_name: str | None = None,
        address: str | None = None,
    ) -> Person:
        name = normalise_username(username)
        if not USERNAME.match(name) or name.startswith(OIDC_PREFIX):
            raise PeopleError("bad_username", name=username)
        role_set, zone_set = self.roles_from(roles), self.zones_from(zones)
        self._check_roles_zones(role_set, zone_set)
        password_hash = None
        if password is not None:
            self._check_password(password)
            password_hash = _hasher.hash(password)
        now = datetime.now(UTC)
        with audit.writing(self.engine) as conn:
            if conn.execute(select(users.c.id).where(users.c.username == name)).first():
                raise PeopleError("exists", name=name)
            user_id = conn.execute(
                insert(users).values(
                    username=name,
                    display_name=(display_name or "").strip()[:200] or name,
                    source=LOCAL,
                    subject=None,
                    roles=_roles_text(role_set),
                    zones=_zones_text(zone_set),
                    password_hash=password_hash,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            audit.record(
                conn,
                actor,
                audit.USER_CREATED,
                address=address,
                target=name,
                detail={"roles": sorted(role_set), "zones": sorted(zone_set)},
            )
        return self.get_by_id(user_id)

    def _require(self, conn: Connection, username: str) -> Person:
        row = conn.execute(
            select(users).where(users.c.username == normalise_username(username))
        ).first()
        if row is None:
            raise PeopleError("unknown", name=username)
        return _person(row)

    @staticmethod
    def _end_sessions(conn: Connection, person: Person) -> int:
        result = conn.execute(
            delete(login_sessions).where(login_sessions.c.principal == person.principal)
        )
        return result.rowcount or 0

    def set_password(
        self, actor: Identity, username: str, password: str, address: str | None = None
    ) -> int:
        """Returns how many sessions were ended."""
        self._check_password(password)
        with audit.writing(self.engine) as conn:
            person = self._require(conn, username)
            if person.source != LOCAL:
                raise PeopleError("oidc_password", name=person.username)
            conn.execute(
                users.update()
                .where(users.c.id == person.id)
                .values(password_hash=_hasher.hash(password), updated_at=datetime.now(UTC))
            )
            ended = self._end_sessions(conn, person)
            audit.record(
                conn,
                actor,
                audit.PASSWORD_SET,
                address=address,
                target=person.username,
                detail={"sessions_ended": ended},
            )
        return ended

    def set_roles(
        self,
        actor: Identity,
        username: str,
        roles: Iterable[str],
        zones: Iterable[str] | None = None,
        address: str | None = None,
    ) -> tuple[Person, int]:
        """New roles (and zones, when given) for a local account; ends its sessions."""
        role_set = self.roles_from(roles)
        with audit.writing(self.engine) as conn:
            person = self._require(conn, username)
            if person.source != LOCAL:
                raise PeopleError("oidc_roles", name=person.username)
            zone_set = self.zones_from(zones) if zones is not None else person.zones
            self._check_roles_zones(role_set, zone_set)
            ended = self._change_roles(conn, actor, person, role_set, zone_set, address)
        return self.get_by_id(person.id), ended

    def _change_roles(
        self,
        conn: Connection,
        actor: Identity,
        person: Person,
        roles: frozenset[str],
        zones: frozenset[str],
        address: str | None,
        source: str = LOCAL,
    ) -> int:
        if roles == person.roles and zones == person.zones:
            return 0
        conn.execute(
            users.update()
            .where(users.c.id == person.id)
            .values(
                roles=_roles_text(roles), zones=_zones_text(zones), updated_at=datetime.now(UTC)
            )
        )
        ended = self._end_sessions(conn, person)
        audit.record(
            conn,
            actor,
            audit.ROLE_CHANGED,
            address=address,
            target=person.username,
            detail={
                "roles_before": sorted(person.roles),
                "roles_after": sorted(roles),
                "zones_before": sorted(person.zones),
                "zones_after": sorted(zones),
                "sessions_ended": ended,
                "source": source,  # oidc: the provider's claims changed, seen at a login
            },
        )
        return ended

    def set_disabled(
        self, actor: Identity, username: str, disabled: bool, address: str | None = None
    ) -> int:
        with audit.writing(self.engine) as conn:
            person = self._require(conn, username)
            if disabled == (not person.active):
                return 0
            conn.execute(
                users.update()
                .where(users.c.id == person.id)
                .values(
                    disabled_at=datetime.now(UTC) if disabled else None,
                    updated_at=datetime.now(UTC),
                )
            )
            ended = self._end_sessions(conn, person)
            audit.record(
                conn,
                actor,
                audit.USER_DISABLED if disabled else audit.USER_ENABLED,
                address=address,
                target=person.username,
                detail={"sessions_ended": ended},
            )
        return ended

    def end_sessions(self, actor: Identity, username: str, address: str | None = None) -> int:
        with audit.writing(self.engine) as conn:
            person = self._require(conn, username)
            ended = self._end_sessions(conn, person)
            audit.record(
                conn,
                actor,
                audit.SESSIONS_ENDED,
                address=address,
                target=person.username,
                detail={"sessions_ended": ended},
            )
        return ended

    def authenticate(self, username: str, password: str) -> Person | None:
        """The active local account with this name and password, or None. Takes about the
        same time whether or not the name exists."""
        if len(password) > PASSWORD_MAX or len(username) > 200:
            return None
        person = self.get(username)
        if person is None or person.source != LOCAL or not person.password_hash:
            _verify(_DUMMY_HASH, password)
            return None
        if not _verify(person.password_hash, password):
            return None
        if _hasher.check_needs_rehash(person.password_hash):
            with audit.writing(self.engine) as conn:
                conn.execute(
                    users.update()
                    .where(users.c.id == person.id, users.c.password_hash == person.password_hash)
                    .values(password_hash=_hasher.hash(password))
                )
            person = self.get_by_id(person.id)
        return person if person and person.active else None

    def touch_login(self, person: Person) -> None:
        with audit.writing(self.engine) as conn:
            conn.execute(
                users.update()
                .where(users.c.id == person.id)
                .values(last_login_at=datetime.now(UTC))
            )

    # ------------------------------------------------------------ OpenID Connect

    def sync_oidc(
        self,
        subject: str,
        username: str,
        display_name: str,
        roles: frozenset[str],
        zones: frozenset[str],
        address: str | None = None,
    ) -> Person:
        """The row of the person the provider vouched for, created or brought up to date
        with the roles and zones the provider's claims map to. A change of roles is a role
        change like any other: audited, and the person's other sessions end."""
        now = datetime.now(UTC)
        wanted = f"{OIDC_PREFIX}{normalise_username(username)[:150] or 'bruker'}"
        name = (display_name or "").strip()[:200] or wanted.removeprefix(OIDC_PREFIX)
        with audit.writing(self.engine) as conn:
            row = conn.execute(select(users).where(users.c.subject == subject)).first()
            if row is None:
                unique = wanted
                taken = {
                    r[0]
                    for r in conn.execute(
                        select(users.c.username).where(users.c.username.like(f"{wanted}%"))
                    )
                }
                number = 2
                while unique in taken:
                    unique, number = f"{wanted}~{number}", number + 1
                user_id = conn.execute(
                    insert(users).values(
                        username=unique,
                        display_name=name,
                        source=OIDC,
                        subject=subject,
                        roles=_roles_text(roles),
                        zones=_zones_text(zones),
                        password_hash=None,
                        created_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
                person = _person(conn.execute(select(users).where(users.c.id == user_id)).one())
                audit.record(
                    conn,
                    person.identity,
                    audit.USER_CREATED,
                    address=address,
                    target=person.username,
                    detail={"source": OIDC, "roles": sorted(roles), "zones": sorted(zones)},
                )
                return person
            person = _person(row)
            if name != person.display_name:
                conn.execute(
                    users.update().where(users.c.id == person.id).values(display_name=name)
                )
            self._change_roles(conn, person.identity, person, roles, zones, address, OIDC)
            return _person(conn.execute(select(users).where(users.c.id == person.id)).one())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
