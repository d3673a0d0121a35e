"""OpenID Connect login against a real provider started on loopback (oidc-provider-mock).

The app runs on 127.0.0.1 in a thread (real HTTP), the provider on localhost behind a
relay that can spoil its answers (tests/oidc_provider.py). A requests session plays the
browser: it follows the redirects, posts the provider's own authorization form, and keeps
each site's cookies apart. Covered: login with roles and zones from the role map, a person
without a role (the "no access" page, nb and en, no session), logout at the app and at the
provider, and every kind of bad token refused: changed claims, another key, no signature,
a replayed answer, no ID token, a look-alike issuer, a forged callback.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from dashboard.app import serve_in_thread
from dashboard.rights import SYSTEM
from dashboard.settings import get_settings
from dashboard.store import audit
from dashboard.store.audit import AuditFilter, AuditLog
from dashboard.store.db import get_engine
from dashboard.store.people import People
from dashboard.web.identity import RoleMap, RoleMapError, check_oidc_settings
from tests.oidc_provider import CLIENT_ID, Provider, oidc_settings

TIMEOUT = 20

LISE = {
    "preferred_username": "lise@kommune.example",
    "name": "Lise Leder",
    "email": "lise@kommune.example",
    "groups": ["hjt-alle-ansatte", "hjt-leder-heimdal"],
}


@pytest.fixture
def provider():
    with Provider() as provider:
        provider.set_user("lise-sub", **LISE)
        provider.set_user(
            "hege-sub", preferred_username="hege", name="Hege Helse", groups=["hjt-kommunalsjef"]
        )
        provider.set_user(
            "ada-sub", preferred_username="ada", name="Ada IT", groups=["hjt-it-admin"]
        )
        provider.set_user(
            "ola-sub", preferred_username="ola", name="Ola Uten Rolle", groups=["hjt-alle-ansatte"]
        )
        yield provider


def make_app(provider, tmp_path, **overrides):
    settings = get_settings(
        database_url=f"sqlite:///{tmp_path / 'oidc.sqlite'}",
        cache_type="SimpleCache",
        cache_dir=tmp_path / "cache",
        load_sample_when_empty=False,
        secret_key="o" * 64,
        **{**oidc_settings(provider, tmp_path), **overrides},
    )
    return settings, *serve_in_thread(settings)


@pytest.fixture
def app(provider, tmp_path):
    settings, url, stop = make_app(provider, tmp_path)
    yield url, settings
    stop()


def login(app_url: str, provider: Provider, sub: str, neste: str = "/sone/heimdal", lang=""):
    """The browser's walk: start at the app, authorize at the provider, come back. Returns
    (session, the app's last answer)."""
    browser = requests.Session()
    query = f"?neste={neste}" + (f"&lang={lang}" if lang else "")
    start = browser.get(f"{app_url}/logg-inn/oidc{query}", allow_redirects=False, timeout=TIMEOUT)
    assert start.status_code == 302, start.text[:300]
    authorize = start.headers["Location"]
    assert authorize.startswith(provider.url + "/oauth2/authorize?")
    params = parse_qs(urlsplit(authorize).query)
    assert params["code_challenge_method"] == ["S256"] and params["nonce"] and params["state"]
    back = browser.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=TIMEOUT)
    assert back.status_code == 302 and back.headers["Location"].startswith(app_url)
    answer = browser.get(back.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
    return browser, answer


def csrf(browser, app_url) -> str:
    page = browser.get(f"{app_url}/logg-inn", timeout=TIMEOUT).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def note(browser, app_url, zone: str):
    return browser.post(
        f"{app_url}/api/notes",
        json={"zone": zone, "year": 2021, "text": "Fra møtet", "panel": "budget"},
        headers={"X-CSRFToken": csrf(browser, app_url)},
        timeout=TIMEOUT,
    )


def audit_entries(settings, action):
    log = AuditLog(get_engine(settings.database_url))
    return log.entries(AuditFilter(actions=(action,)))


def test_oid001_a_unit_leader_logs_in_and_gets_the_zones_the_groups_map_to(app, provider):
    app_url, settings = app
    browser, answer = login(app_url, provider, "lise-sub")
    assert answer.status_code == 302 and answer.headers["Location"] == "/sone/heimdal"
    assert note(browser, app_url, "heimdal").status_code == 201
    assert note(browser, app_url, "tiller").status_code == 403
    assert browser.get(f"{app_url}/logg", allow_redirects=False, timeout=TIMEOUT).status_code == 403
    person = People(get_engine(settings.database_url), None).get("oidc:lise@kommune.example")
    assert (person.source, person.display_name) == ("oidc", "Lise Leder")
    assert person.roles == {"unit_leader"} and person.zones == {"heimdal"}
    assert person.subject == f"{provider.url} lise-sub"
    (entry,) = audit_entries(settings, audit.LOGIN)
    assert entry.actor_name == "Lise Leder" and entry.detail == {"method": "oidc"}
    assert entry.address == "127.0.0.1"


def test_oid002_health_head_and_administrator_get_their_roles(app, provider):
    app_url, _settings = app
    head, _ = login(app_url, provider, "hege-sub")
    assert note(head, app_url, "tiller").status_code == 201
    assert head.get(f"{app_url}/logg", timeout=TIMEOUT).status_code == 403
    admin, _ = login(app_url, provider, "ada-sub", neste="/logg")
    assert admin.get(f"{app_url}/logg", timeout=TIMEOUT).status_code == 200
    assert note(admin, app_url, "tiller").status_code == 403


@pytest.mark.parametrize(
    ("lang", "words"),
    [("", ["Ingen tilgang", "Ola Uten Rolle", "ingen rolle"]), ("en", ["No access", "no role"])],
)
def test_oid003_a_person_without_a_role_sees_no_access_and_gets_no_session(
    app, provider, lang, words
):
    app_url, settings = app
    browser, answer = login(app_url, provider, "ola-sub", lang=lang)
    assert answer.status_code == 403
    for word in words:
        assert word in answer.text
    assert f'<html lang="{lang or "nb"}">' in answer.text
    assert note(browser, app_url, "heimdal").status_code == 401
    (entry,) = audit_entries(settings, audit.LOGIN_REFUSED)
    assert entry.detail["reason"] == "no_role" and entry.actor_name == "Ola Uten Rolle"
    assert People(get_engine(settings.database_url), None).list() == []


def test_oid004_logout_ends_the_session_here_and_at_the_provider(app, provider):
    app_url, settings = app
    browser, _ = login(app_url, provider, "lise-sub")
    copied = requests.Session()
    copied.cookies.update(browser.cookies)
    out = browser.post(
        f"{app_url}/logg-ut",
        data={"csrf_token": csrf(browser, app_url)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert out.status_code == 302
    end = urlsplit(out.headers["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == provider.url + "/oauth2/end_session"
    params = parse_qs(end.query)
    assert params["client_id"] == [CLIENT_ID] and params["id_token_hint"]
    assert params["post_logout_redirect_uri"] == [app_url + "/"]
    # At the provider: its form, then back to the dashboard.
    form = browser.get(out.headers["Location"], timeout=TIMEOUT)
    assert form.status_code == 200 and "End Session" in form.text
    confirm = re.search(r'<form method="post" action="([^"]+)"', form.text).group(1)
    back = browser.post(
        provider.url + confirm,
        data={"redirect_uri": parse_qs(end.query)["post_logout_redirect_uri"][0]},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert back.status_code == 302 and back.headers["Location"].startswith(app_url)
    for client in (browser, copied):
        assert note(client, app_url, "heimdal").status_code == 401
    assert len(audit_entries(settings, audit.LOGOUT)) == 1


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("tamper", "BadSignatureError"),  # claims changed, the provider's signature kept
        ("resign", "BadSignatureError"),  # signed with a key the provider never published
        ("none", "Algorithm of 'none' is not allowed"),
        ("no_id_token", "no ID token"),
    ],
)
def test_oid005_a_changed_wrongly_signed_or_missing_id_token_is_refused(
    app, provider, mode, reason
):
    app_url, settings = app
    provider.mode = mode
    provider.claims_change = {"groups": ["hjt-it-admin"], "name": "Mallory"}
    browser, answer = login(app_url, provider, "lise-sub")
    assert answer.status_code == 401
    assert "Innloggingen ble avvist" in answer.text
    assert browser.get(f"{app_url}/logg", allow_redirects=False, timeout=TIMEOUT).status_code == 302
    assert note(browser, app_url, "heimdal").status_code == 401
    (entry,) = audit_entries(settings, audit.LOGIN_FAILED)
    assert entry.target == "oidc" and reason in entry.detail["reason"]
    assert People(get_engine(settings.database_url), None).list() == []


def test_oid006_a_replayed_token_answer_is_refused(app, provider):
    app_url, _settings = app
    provider.mode = "replay"
    _first, answer = login(app_url, provider, "lise-sub")
    assert answer.status_code == 302  # the first answer is genuine
    _second, replayed = login(app_url, provider, "hege-sub")
    assert replayed.status_code == 401  # Lise's old token, for another login's nonce
    (entry,) = audit_entries(_settings, audit.LOGIN_FAILED)
    assert "nonce" in entry.detail["reason"]


def test_oid007_a_provider_that_names_another_issuer_is_not_believed(app, provider):
    app_url, _settings = app
    provider.mode = "wrong_issuer"
    browser = requests.Session()
    start = browser.get(f"{app_url}/logg-inn/oidc", allow_redirects=False, timeout=TIMEOUT)
    assert start.status_code == 503
    assert "/oauth2/authorize" not in start.headers.get("Location", "")


def test_oid008_a_callback_without_this_browsers_state_is_refused(app, provider):
    """Login CSRF: a code fetched by someone else, sent to a victim's browser."""
    app_url, settings = app
    attacker = requests.Session()
    start = attacker.get(f"{app_url}/logg-inn/oidc", allow_redirects=False, timeout=TIMEOUT)
    authorize = start.headers["Location"]
    back = attacker.post(authorize, data={"sub": "ada-sub"}, allow_redirects=False, timeout=TIMEOUT)
    victim = requests.Session()
    forged = victim.get(back.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
    assert forged.status_code == 401
    assert victim.get(f"{app_url}/logg", allow_redirects=False, timeout=TIMEOUT).status_code == 302
    bare = victim.get(f"{app_url}/logg-inn/oidc/tilbake?code=x&state=y", timeout=TIMEOUT)
    assert bare.status_code == 401
    assert len(audit_entries(settings, audit.LOGIN_FAILED)) == 2


def test_oid009_a_role_taken_away_at_the_provider_ends_the_open_sessions(app, provider):
    app_url, settings = app
    open_browser, _ = login(app_url, provider, "lise-sub")
    assert note(open_browser, app_url, "heimdal").status_code == 201
    provider.set_user("lise-sub", **{**LISE, "groups": ["hjt-leder-tiller"]})
    other, _ = login(app_url, provider, "lise-sub")
    assert note(other, app_url, "tiller").status_code == 201
    assert note(open_browser, app_url, "heimdal").status_code == 401  # the role change ended it
    provider.set_user("lise-sub", **{**LISE, "groups": ["hjt-alle-ansatte"]})
    _, refused = login(app_url, provider, "lise-sub")
    assert refused.status_code == 403
    assert note(other, app_url, "tiller").status_code == 401
    changes = audit_entries(settings, audit.ROLE_CHANGED)
    assert [c.detail["zones_after"] for c in reversed(changes)] == [["tiller"], []]


def test_oid010_failed_callbacks_count_toward_the_login_limit(provider, tmp_path):
    _settings, app_url, stop = make_app(provider, tmp_path, login_rate_per_address="2/minute")
    try:
        browser = requests.Session()
        for _ in range(2):
            bad = browser.get(f"{app_url}/logg-inn/oidc/tilbake?code=x&state=y", timeout=TIMEOUT)
            assert bad.status_code == 401
        assert browser.get(f"{app_url}/logg-inn/oidc", timeout=TIMEOUT).status_code == 429
        form = browser.post(
            f"{app_url}/logg-inn",
            data={"secret": "x", "csrf_token": csrf(browser, app_url)},
            timeout=TIMEOUT,
        )
        assert form.status_code == 429
    finally:
        stop()


def test_oid011_the_login_form_offers_the_provider_and_the_policy_allows_its_logout(app):
    app_url, settings = app
    page = requests.get(f"{app_url}/logg-inn?neste=/mote&lang=en", timeout=TIMEOUT)
    assert "Log in with Testleverandøren" in page.text
    assert 'href="/logg-inn/oidc?neste=%2Fmote&amp;lang=en"' in page.text
    policy = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {settings.oidc_issuer}" in policy


def test_oid012_the_provider_down_gives_a_message_not_an_error(tmp_path):
    with Provider() as provider:
        _settings, app_url, stop = make_app(provider, tmp_path)
    try:
        answer = requests.get(f"{app_url}/logg-inn/oidc", timeout=TIMEOUT)
        assert answer.status_code == 503 and "svarer ikke" in answer.text
    finally:
        stop()


def test_oid013_a_bad_role_map_or_missing_setting_stops_the_start(tmp_path):
    registry_settings = get_settings()
    from dashboard.ingest.zones import ZoneRegistry

    registry = ZoneRegistry.from_csv(registry_settings.zones_file)
    cases = {
        '[groups."a"]\nroles = ["sjef"]\n': "unknown role 'sjef'",
        '[groups."a"]\nroles = ["leder"]\nzones = ["mars"]\n': "unknown zone 'mars'",
        '[groups."a"]\nrole = ["leder"]\n': "unknown keys ['role']",
        "[groups\n": "cannot read",
        "title = 'x'\n": "no [groups",
    }
    for text, message in cases.items():
        path = tmp_path / "kart.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RoleMapError, match=re.escape(message)):
            RoleMap.load(path, registry)
    with pytest.raises(ValueError, match="DASHBOARD_OIDC_CLIENT_ID"):
        check_oidc_settings(registry_settings.with_overrides(oidc_issuer="https://idp.example"))
    with pytest.raises(ValueError, match="openid"):
        check_oidc_settings(
            registry_settings.with_overrides(
                oidc_issuer="https://idp.example",
                oidc_client_id="x",
                oidc_role_map="x.toml",
                oidc_scopes="profile",
            )
        )


def test_oid014_a_local_disabled_account_overrides_the_provider(app, provider):
    app_url, settings = app
    login(app_url, provider, "hege-sub")
    people = People(get_engine(settings.database_url), None)
    people.set_disabled(SYSTEM, "oidc:hege", True)
    browser, answer = login(app_url, provider, "hege-sub")
    assert answer.status_code == 403
    assert note(browser, app_url, "tiller").status_code == 401
    refused = audit_entries(settings, audit.LOGIN_REFUSED)
    assert refused[0].detail["reason"] == "disabled"
