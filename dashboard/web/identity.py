"""Who is asking, what they may do, and logging in through OpenID Connect.

`current_identity()` is the one way the web asks who is behind a request (a personal
account, a shared password, or nobody); `allowed(action, zone)` asks the rights matrix
about it. Pages, callbacks and routes ask on the server for every change; the UI only
hides what they would refuse anyway.

OpenID Connect (Microsoft Entra ID, ID-porten, Keycloak …) is on when DASHBOARD_OIDC_ISSUER
is set. Authlib does the protocol: discovery, the authorization code flow with PKCE, state
and nonce, and the ID token's signature (against the provider's published keys), issuer,
audience and expiry. Here: the issuer the provider names must be the one configured, only
asymmetric signatures are accepted, and the claim named by DASHBOARD_OIDC_ROLES_CLAIM is
mapped to roles and zones by the role map file (DASHBOARD_OIDC_ROLE_MAP, TOML). A person
whose claims map to no role gets a "no access" page and no session.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf
from werkzeug.urls import iri_to_uri

from ..ingest.zones import ZoneRegistry
from ..rights import ANONYMOUS, Identity, may, role_of
from ..settings import Settings
from ..store import audit
from ..store.db import get_engine
from ..store.people import People

log = logging.getLogger(__name__)

OIDC_START = "/logg-inn/oidc"
OIDC_CALLBACK = "/logg-inn/oidc/tilbake"
OIDC_PATHS = frozenset({OIDC_START, OIDC_CALLBACK})
# Signatures an ID token may carry: the provider's own key pairs. "none" and the
# shared-secret HMACs are never accepted, whatever the discovery document offers.
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CLAIM_VALUES_MAX = 500  # group ids one token may bring; more is not a person
CLAIM_VALUE_CHARS = 300
ID_TOKEN_COOKIE_MAX = 2000  # kept for the provider's logout only when it fits the cookie


def current_identity() -> Identity:
    user = current_user
    if getattr(user, "is_authenticated", False):
        return getattr(user, "identity", ANONYMOUS)
    return ANONYMOUS


def allowed(action: str, zone: str | None = None) -> bool:
    """May whoever sent this request do `action` (on `zone`)?"""
    return may(current_identity(), action, zone)


def client_address() -> str:
    return get_remote_address() or ""


def record(action: str, identity: Identity | None = None, **fields) -> None:
    """An audit row for this request (login, logout, export …) in its own transaction."""
    from ..data import get_store

    fields.setdefault("address", client_address())
    audit.AuditLog(get_store().engine).record(identity or current_identity(), action, **fields)


# ---------------------------------------------------------------- pages

_TEXT = {
    "nb": {
        "no_access_title": "Ingen tilgang",
        "no_access": "Du har ikke tilgang til denne siden.",
        "no_role": (
            "Du er logget inn som {name}, men har ingen rolle i dashbordet. Be "
            "administratoren om tilgang (rollen leser, enhetsleder, kommunalsjef for helse "
            "eller administrator)."
        ),
        "refused_title": "Innloggingen ble avvist",
        "refused": (
            "Svaret fra identitetstjenesten kunne ikke godkjennes, så du er ikke logget inn. "
            "Prøv igjen."
        ),
        "unreachable": (
            "Identitetstjenesten svarer ikke akkurat nå. Prøv igjen om litt, eller logg inn "
            "med brukernavn og passord."
        ),
        "again": "Til innloggingen",
        "back": "Tilbake til dashbordet",
        "logout": "Logg ut",
        "logged_out_title": "Du er logget ut",
        "logged_out": "Du er logget ut av dashbordet.",
        "provider_logout": "Logg ut hos {provider} også",
    },
    "en": {
        "no_access_title": "No access",
        "no_access": "You do not have access to this page.",
        "no_role": (
            "You are logged in as {name}, but you have no role in the dashboard. Ask the "
            "administrator for access (the role viewer, unit leader, health head or "
            "administrator)."
        ),
        "refused_title": "The login was refused",
        "refused": (
            "The identity provider's answer could not be accepted, so you are not logged "
            "in. Try again."
        ),
        "unreachable": (
            "The identity provider does not answer right now. Try again in a little while, "
            "or log in with user name and password."
        ),
        "again": "To the login",
        "back": "Back to the dashboard",
        "logout": "Log out",
        "logged_out_title": "You are logged out",
        "logged_out": "You are logged out of the dashboard.",
        "provider_logout": "Log out of {provider} too",
    },
}


def request_language() -> str:
    lang = request.values.get("lang") or session.get("login_lang")
    return "en" if lang == "en" else "nb"


def simple_page(lang: str, title: str, paragraphs: list[str], extra: str = "") -> str:
    """A small page outside Dash (login answers, no access): its text is escaped here."""
    from .auth import LOGIN_STYLESHEET

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – Samskaping i hjemmetjenesten</title>
<link rel="stylesheet" href="{LOGIN_STYLESHEET}"></head>
<body><main class="login" id="innhold"><p class="brand">Samskaping i hjemmetjenesten</p>
<h1>{escape(title)}</h1>{body}{extra}</main></body></html>"""


def logout_form(lang: str, label: str | None = None) -> str:
    label = label or _TEXT[lang]["logout"]
    return (
        '<form method="post" action="/logg-ut">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def no_access_response(lang: str | None = None, name: str | None = None) -> Response:
    """403 for someone logged in without the right (or, with `name`, without any role)."""
    lang = lang or request_language()
    text = _TEXT[lang]
    paragraph = text["no_role"].format(name=name) if name else text["no_access"]
    links = f'<p><a href="/?lang={lang}">{escape(text["back"])}</a></p>'
    extra = logout_form(lang) + ("" if name else links)
    html = simple_page(lang, text["no_access_title"], [paragraph], extra)
    return Response(html, status=403, mimetype="text/html")


# ---------------------------------------------------------------- role map


class RoleMapError(ValueError):
    pass


@dataclass(frozen=True)
class RoleMap:
    """Claim value (a group's id or name, an app role) -> the roles and zones it gives."""

    entries: dict[str, tuple[frozenset[str], frozenset[str]]]

    @classmethod
    def load(cls, path: Path | str, registry: ZoneRegistry) -> RoleMap:
        """Read and check the TOML file; any unknown role or zone stops the start, naming
        the file and the entry."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RoleMapError(f"{path}: cannot read the role map: {exc}") from exc
        groups = data.get("groups")
        if not isinstance(groups, dict) or not groups:
            raise RoleMapError(f'{path}: no [groups."…"] entries')
        entries = {}
        for key, entry in groups.items():
            where = f'{path}: [groups."{key}"]'
            if not isinstance(entry, dict):
                raise RoleMapError(f"{where}: must be a table with roles and zones")
            unknown = set(entry) - {"roles", "zones", "zoner", "comment"}
            if unknown:
                raise RoleMapError(f"{where}: unknown keys {sorted(unknown)}")
            roles = set()
            for word in _strings(entry.get("roles", []), where, "roles"):
                role = role_of(word)
                if role is None:
                    raise RoleMapError(f"{where}: unknown role {word!r}")
                roles.add(role)
            zones = set()
            for word in _strings(entry.get("zones", entry.get("zoner", [])), where, "zones"):
                zone = registry.by_id.get(word) or registry.match(word)
                if zone is None:
                    raise RoleMapError(f"{where}: unknown zone {word!r}")
                zones.add(zone.id)
            entries[str(key)] = (frozenset(roles), frozenset(zones))
        return cls(entries)

    def resolve(self, values: list[str]) -> tuple[frozenset[str], frozenset[str]]:
        """The union of the roles and zones of every value the map knows."""
        roles: set[str] = set()
        zones: set[str] = set()
        for value in values:
            found = self.entries.get(value)
            if found:
                roles |= found[0]
                zones |= found[1]
        return frozenset(roles), frozenset(zones)


def _strings(value, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RoleMapError(f"{where}: {key} must be a list of text")
    return value


def claim_values(claims: dict, path: str) -> list[str]:
    """The values of a (dotted) claim as strings: a list, or one string; bounded."""
    value: object = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v[:CLAIM_VALUE_CHARS] for v in value[:CLAIM_VALUES_MAX] if isinstance(v, str)]


# ---------------------------------------------------------------- OpenID Connect


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def check_oidc_settings(settings: Settings) -> None:
    if not settings.oidc_issuer:
        return
    missing = [
        name
        for name, value in (
            ("DASHBOARD_OIDC_CLIENT_ID", settings.oidc_client_id),
            ("DASHBOARD_OIDC_ROLE_MAP", settings.oidc_role_map),
        )
        if not value
    ]
    if missing:
        raise ValueError(f"DASHBOARD_OIDC_ISSUER is set, so {' and '.join(missing)} must be too")
    if not origin_of(settings.oidc_issuer):
        raise ValueError(f"DASHBOARD_OIDC_ISSUER is not a URL: {settings.oidc_issuer!r}")
    if "openid" not in settings.oidc_scopes.split():
        raise ValueError("DASHBOARD_OIDC_SCOPES must include openid")


class OidcLogin:
    """The two routes of an OpenID Connect login, and the provider's logout."""

    def __init__(self, server: Flask, settings: Settings, sessions, limited, safe_next):
        from authlib.integrations.flask_client import OAuth

        check_oidc_settings(settings)
        self.settings = settings
        self.sessions = sessions
        self.safe_next = safe_next
        self.issuer = settings.oidc_issuer.rstrip("/")
        registry = ZoneRegistry.from_csv(settings.zones_file)
        self.role_map = RoleMap.load(settings.oidc_role_map, registry)
        self.people = People(get_engine(settings.database_url), registry)
        oauth = OAuth(server)
        self.client = oauth.register(
            "oidc",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret or None,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        )
        server.add_url_rule(OIDC_START, "oidc_start", limited(["GET"])(self.start))
        server.add_url_rule(OIDC_CALLBACK, "oidc_callback", limited(["GET"])(self.callback))

    @property
    def label(self) -> str:
        return self.settings.oidc_provider_name or urlsplit(self.issuer).netloc

    def metadata(self) -> dict:
        """The provider's discovery document, checked: its issuer must be the configured one
        (else a look-alike could sign tokens for it), and only asymmetric signatures count."""
        metadata = self.client.load_server_metadata()
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            raise ValueError(
                f"the provider calls itself {metadata.get('issuer')!r}, not {self.issuer!r}"
            )
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            a for a in offered if a in ASYMMETRIC
        ] or ["RS256"]
        return metadata

    def _redirect_uri(self) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/") + OIDC_CALLBACK
        return request.host_url.rstrip("/") + OIDC_CALLBACK

    def _home(self) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/") + "/"
        return request.host_url

    def start(self):
        lang = request_language()
        session["login_next"] = self.safe_next(request.args.get("neste"))
        session["login_lang"] = lang
        try:
            self.metadata()
            return self.client.authorize_redirect(self._redirect_uri())
        except Exception as exc:  # the provider is down or answers nonsense
            log.warning("OpenID Connect provider %s unreachable: %s", self.issuer, exc)
            return self._refused(lang, "unreachable", 503)

    def _refused(self, lang: str, reason: str, status: int = 401) -> Response:
        text = _TEXT[lang]
        title = text["refused_title"]
        links = (
            f'<p><a href="/logg-inn?lang={lang}">{escape(text["again"])}</a></p>'
            f'<p><a href="/?lang={lang}">{escape(text["back"])}</a></p>'
        )
        html = simple_page(lang, title, [text[reason]], links)
        return Response(html, status=status, mimetype="text/html")

    def callback(self):
        lang = request_language()
        target = self.safe_next(session.get("login_next"))
        address = client_address()
        try:
            self.metadata()
            token = self.client.authorize_access_token()
            claims = token.get("userinfo")
            if not claims:
                raise ValueError("the token response has no ID token")
            if str(claims.get("iss", "")).rstrip("/") != self.issuer:
                raise ValueError(f"the ID token's issuer is {claims.get('iss')!r}")
            subject = str(claims["sub"])
        except Exception as exc:  # every way a login can fail ends here, refused
            reason = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("OpenID Connect login refused from %s: %s", address, reason)
            anonymous = Identity("anonymous", "")
            record(audit.LOGIN_FAILED, anonymous, target="oidc", detail={"reason": reason})
            return self._refused(lang, "refused")
        values = claim_values(claims, self.settings.oidc_roles_claim)
        roles, zones = self.role_map.resolve(values)
        username = str(
            claims.get(self.settings.oidc_username_claim) or claims.get("email") or subject
        )
        name = str(claims.get("name") or username)[:200]
        key = f"{self.issuer} {subject}"
        known = self.people.get_by_subject(key)
        id_token = token.get("id_token", "")
        if not roles:
            if known is not None:  # they had a role before: take it away now
                self.people.sync_oidc(key, username, name, roles, zones, address)
            who = Identity(known.principal if known else "anonymous", name)
            record(
                audit.LOGIN_REFUSED,
                who,
                target=username[:200],
                detail={"method": "oidc", "reason": "no_role", "claim_values": values[:20]},
            )
            session.clear()
            self._remember_id_token(id_token, lang)
            return no_access_response(lang, name)
        person = self.people.sync_oidc(key, username, name, roles, zones, address)
        if not person.active:
            record(
                audit.LOGIN_REFUSED,
                person.identity,
                target=person.username,
                detail={"method": "oidc", "reason": "disabled"},
            )
            session.clear()
            self._remember_id_token(id_token, lang)
            return no_access_response(lang, name)
        session.clear()  # a new session: nothing from before the login carries over
        login_user(self.sessions.start_person(person, address))
        self._remember_id_token(id_token, lang)
        record(audit.LOGIN, person.identity, target=person.username, detail={"method": "oidc"})
        return redirect(iri_to_uri(target))

    @staticmethod
    def _remember_id_token(id_token: str, lang: str) -> None:
        session["login_method"] = "oidc"
        session["login_lang"] = lang
        if id_token and len(id_token) <= ID_TOKEN_COOKIE_MAX:
            session["oidc_id_token"] = id_token

    def logout_url(self, id_token: str | None) -> str | None:
        """The provider's end-session address (RP-initiated logout), or None when it has
        none or cannot be asked."""
        try:
            metadata = self.metadata()
            if not metadata.get("end_session_endpoint"):
                return None
            result = self.client.create_logout_url(
                post_logout_redirect_uri=self._home(),
                id_token_hint=id_token or None,
                client_id=self.settings.oidc_client_id,
            )
        except Exception as exc:
            log.warning("no logout at the OpenID Connect provider: %s", exc)
            return None
        return result["url"]

    def logged_out_page(self, url: str, lang: str) -> Response:
        """After our logout, when the provider's logout is on another site than the one the
        login form may send to: a link the person follows."""
        text = _TEXT[lang]
        label = text["provider_logout"].format(provider=self.label)
        link = (
            f'<p><a href="{escape(url)}">{escape(label)}</a></p>'
            f'<p><a href="/?lang={lang}">{escape(text["back"])}</a></p>'
        )
        html = simple_page(lang, text["logged_out_title"], [text["logged_out"]], link)
        return Response(html, status=200, mimetype="text/html")
