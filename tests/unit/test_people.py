"""Local accounts and the people an identity provider sends: hashing, checks, and that a
change of what someone may do ends their sessions and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.rights import SYSTEM
from dashboard.store import audit
from dashboard.store.audit import AuditLog
from dashboard.store.auth import LoginSession, LoginSessions, login_sessions
from dashboard.store.people import People, PeopleError
from tests.unit.hashing import cheap_hashing  # noqa: F401 - autouse

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def people(store):
    return People(store.engine, store.registry, password_min_length=12)


def open_session(store, principal: str, token: str = "t") -> None:
    LoginSessions(store.engine).add(
        LoginSession(token + principal, principal, "user", "fingerprint", None, 0, 2**31 - 1)
    )


def sessions_of(store, principal: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(login_sessions)
            .where(login_sessions.c.principal == principal)
        ).scalar()


def test_ppl001_an_account_logs_in_with_its_argon2id_password_only(people):
    kari = people.add(SYSTEM, "Kari", ["leder"], ["Heimdal", "tiller"], PASSWORD, "Kari Nordmann")
    assert (kari.username, kari.display_name) == ("kari", "Kari Nordmann")
    assert kari.roles == {"unit_leader"} and kari.zones == {"heimdal", "tiller"}
    assert kari.password_hash.startswith("$argon2id$")
    assert PASSWORD not in kari.password_hash
    assert people.authenticate("KARI ", PASSWORD) == people.get("kari")
    assert people.authenticate("kari", PASSWORD + "!") is None
    assert people.authenticate("ola", PASSWORD) is None
    assert people.authenticate("kari", "x" * 5000) is None
    identity = people.get("kari").identity
    assert identity.principal == f"user:{kari.id}" and identity.name == "Kari Nordmann"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("", ["leder"], ["heimdal"]), "bad_username"),
        (("kari nordmann", ["leder"], ["heimdal"]), "bad_username"),
        (("<script>", ["leder"], ["heimdal"]), "bad_username"),
        (("oidc:kari", ["leder"], ["heimdal"]), "bad_username"),
        (("kari", ["sjef"], []), "bad_role"),
        (("kari", [], []), "no_role"),
        (("kari", ["leder"], ["atlantis"]), "bad_zone"),
        (("kari", ["leder"], []), "leader_without_zone"),
    ],
)
def test_ppl002_bad_accounts_are_refused_with_a_message(people, args, code):
    with pytest.raises(PeopleError) as refused:
        people.add(SYSTEM, *args, password=PASSWORD)
    assert refused.value.code == code
    assert refused.value.message("nb") and refused.value.message("en")
    assert people.list() == []


def test_ppl003_passwords_have_a_minimum_and_a_maximum_length(people):
    with pytest.raises(PeopleError, match="short_password"):
        people.add(SYSTEM, "kari", ["admin"], password="kort")
    with pytest.raises(PeopleError, match="long_password"):
        people.add(SYSTEM, "kari", ["admin"], password="x" * 1025)
    people.add(SYSTEM, "kari", ["admin"], password=PASSWORD)
    with pytest.raises(PeopleError, match="exists"):
        people.add(SYSTEM, "Kari", ["admin"], password=PASSWORD)


def test_ppl004_a_role_change_ends_the_sessions_and_is_audited(store, people):
    kari = people.add(SYSTEM, "kari", ["leder"], ["heimdal"], PASSWORD)
    ola = people.add(SYSTEM, "ola", ["leser"], [], PASSWORD)
    open_session(store, kari.principal, "a")
    open_session(store, kari.principal, "b")
    open_session(store, ola.principal)
    changed, ended = people.set_roles(SYSTEM, "kari", ["kommunalsjef"], [], "192.0.2.1")
    assert ended == 2 and changed.roles == {"health_head"} and changed.zones == frozenset()
    assert sessions_of(store, kari.principal) == 0
    assert sessions_of(store, ola.principal) == 1
    (entry,) = AuditLog(store.engine).entries(audit.AuditFilter(actions=(audit.ROLE_CHANGED,)))
    assert entry.target == "kari" and entry.address == "192.0.2.1"
    assert entry.detail["roles_before"] == ["unit_leader"]
    assert entry.detail["roles_after"] == ["health_head"]
    assert entry.detail["zones_before"] == ["heimdal"]
    # The same roles again change nothing and end nothing.
    open_session(store, kari.principal)
    assert people.set_roles(SYSTEM, "kari", ["kommunalsjef"], [])[1] == 0
    assert sessions_of(store, kari.principal) == 1
    # Zones alone are a change too.
    people.set_roles(SYSTEM, "ola", ["leder"], ["byasen"])
    assert sessions_of(store, ola.principal) == 0


def test_ppl005_new_password_and_disabling_end_the_sessions(store, people):
    kari = people.add(SYSTEM, "kari", ["admin"], password=PASSWORD)
    open_session(store, kari.principal)
    assert people.set_password(SYSTEM, "kari", "et-annet-langt-passord") == 1
    assert people.authenticate("kari", PASSWORD) is None
    assert people.authenticate("kari", "et-annet-langt-passord") is not None
    open_session(store, kari.principal)
    assert people.set_disabled(SYSTEM, "kari", True) == 1
    assert people.authenticate("kari", "et-annet-langt-passord") is None
    assert people.set_disabled(SYSTEM, "kari", False) == 0
    assert people.authenticate("kari", "et-annet-langt-passord") is not None
    actions = [e.action for e in reversed(AuditLog(store.engine).entries())]
    assert actions == ["user_created", "password_set", "user_disabled", "user_enabled"]
    with pytest.raises(PeopleError, match="unknown"):
        people.set_disabled(SYSTEM, "ingen", True)


def test_ppl006_the_fingerprint_changes_with_everything_that_changes_rights(people):
    kari = people.add(SYSTEM, "kari", ["leder"], ["heimdal"], PASSWORD)
    prints = {kari.fingerprint()}
    people.set_roles(SYSTEM, "kari", ["leder"], ["tiller"])
    prints.add(people.get("kari").fingerprint())
    people.set_password(SYSTEM, "kari", PASSWORD)  # the same password, a new salt
    prints.add(people.get("kari").fingerprint())
    people.set_disabled(SYSTEM, "kari", True)
    prints.add(people.get("kari").fingerprint())
    assert len(prints) == 4


def test_ppl007_people_from_the_identity_provider_get_their_own_rows(store, people):
    local = people.add(SYSTEM, "kari", ["leser"], [], PASSWORD)
    issuer = "https://login.example/tenant"
    first = people.sync_oidc(
        f"{issuer} sub-1", "Kari", "Kari Nordmann", frozenset({"unit_leader"}), {"heimdal"}
    )
    assert first.username == "oidc:kari" and first.source == "oidc" and first.id != local.id
    other = people.sync_oidc(f"{issuer} sub-2", "kari", "Kari To", frozenset({"viewer"}), set())
    assert other.username == "oidc:kari~2"
    open_session(store, first.principal)
    again = people.sync_oidc(
        f"{issuer} sub-1", "kari", "Kari N.", frozenset({"health_head"}), frozenset()
    )
    assert again.id == first.id and again.roles == {"health_head"}
    assert again.display_name == "Kari N."
    assert sessions_of(store, first.principal) == 0
    changes = AuditLog(store.engine).entries(audit.AuditFilter(actions=(audit.ROLE_CHANGED,)))
    assert changes[0].detail["source"] == "oidc"
    # Their roles come from the provider, not from here; nor do they have a password.
    with pytest.raises(PeopleError, match="oidc_roles"):
        people.set_roles(SYSTEM, "oidc:kari", ["admin"])
    with pytest.raises(PeopleError, match="oidc_password"):
        people.set_password(SYSTEM, "oidc:kari", PASSWORD)
    assert people.authenticate("oidc:kari", "") is None
    assert people.get("kari").roles == {"viewer"}  # the local account is untouched
