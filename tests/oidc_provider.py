"""A real OpenID Connect provider on loopback for the tests, and a way to spoil its answers.

`Provider` starts `oidc-provider-mock` (a Flask app built on Authlib's server side: real
discovery, JWKS, authorization code flow, RS256-signed ID tokens) in a thread on
`localhost`, behind a small relay in another thread. The app under test is configured with
the relay's address as its issuer; the relay passes every request on with its own Host
header, so the provider names the relay as issuer in its discovery document and its
tokens, and what the app sees is exactly what a provider at that address would send.

The relay can spoil the token endpoint's answer on purpose (`Provider.mode`):
`tamper` changes the ID token's claims and keeps the signature, `resign` signs changed
claims with a key the provider never published (same key id), `none` removes the
signature and says `alg: none`, `replay` answers with an earlier, valid token response,
`no_id_token` drops the ID token; `wrong_issuer` makes discovery name another issuer.

The app should run on 127.0.0.1 and the provider on localhost: two hosts, so a browser
(or a requests session) keeps their cookies apart as it would for two real sites.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from urllib.parse import quote

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TIMEOUT = 20
CLIENT_ID = "samskaping-test"
CLIENT_SECRET = "test-secret"

ROLE_MAP = """
# The test provider's groups, as a municipality's group names would be mapped.
[groups."hjt-leder-heimdal"]
roles = ["leder"]
zones = ["heimdal"]

[groups."hjt-leder-tiller"]
roles = ["enhetsleder"]
zoner = ["Tiller"]

[groups."hjt-kommunalsjef"]
roles = ["kommunalsjef"]

[groups."hjt-it-admin"]
roles = ["admin"]

[groups."hjt-alle-ansatte"]
comment = "Everyone in home care: known to the map, but it gives no role."
roles = []
"""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _spoil(id_token: str, mode: str, claims_change: dict) -> str:
    header_b64, payload_b64, signature = id_token.split(".")
    header = json.loads(_unb64(header_b64))
    payload = {**json.loads(_unb64(payload_b64)), **claims_change}
    body = _b64(json.dumps(payload).encode())
    if mode == "tamper":
        return f"{header_b64}.{body}.{signature}"
    if mode == "none":
        return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{body}."
    if mode == "resign":
        from joserfc import jwt
        from joserfc.jwk import RSAKey

        # The provider's key id, when it gives one: the app looks that key up and finds
        # that it did not make this signature.
        kid = {"kid": header["kid"]} if header.get("kid") else {}
        key = RSAKey.generate_key(2048, parameters=kid)
        return jwt.encode({"alg": "RS256", **kid}, payload, key)
    raise ValueError(mode)


class Provider:
    def __init__(self):
        self.mode = "pass"
        self.claims_change: dict = {"groups": ["hjt-it-admin"]}
        self.token_responses: list[bytes] = []
        self.requests: list[str] = []
        self._stack = contextlib.ExitStack()

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> Provider:
        import oidc_provider_mock

        mock = self._stack.enter_context(oidc_provider_mock.run_server_in_thread())
        self.backend = f"http://localhost:{mock.server_port}"
        relay = make_server("localhost", 0, self._relay, threaded=True)
        thread = threading.Thread(target=relay.serve_forever, daemon=True)
        thread.start()
        self._stack.callback(thread.join, 5)
        self._stack.callback(relay.shutdown)
        self.url = f"http://localhost:{relay.server_port}"
        self.host = f"localhost:{relay.server_port}"
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    # ------------------------------------------------------------ users

    def set_user(self, sub: str, **claims) -> None:
        """The claims the provider gives `sub` (the mock's own API)."""
        response = requests.put(f"{self.backend}/users/{quote(sub)}", json=claims, timeout=TIMEOUT)
        assert response.status_code == 204, response.text

    # ------------------------------------------------------------ the relay

    def _relay(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.path)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host"}}
        headers["Host"] = self.host
        answer = requests.request(
            request.method,
            self.backend + request.full_path.rstrip("?"),
            headers=headers,
            data=request.get_data(),
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        body = answer.content
        if request.path.endswith("/openid-configuration") and self.mode == "wrong_issuer":
            metadata = answer.json()
            metadata["issuer"] = "https://impostor.example"
            body = json.dumps(metadata).encode()
        if request.path.endswith("/oauth2/token") and answer.status_code == 200:
            body = self._token_answer(body)
        drop = {"content-length", "content-encoding", "transfer-encoding", "connection"}
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in drop]
        return Response(body, status=answer.status_code, headers=kept)(environ, start_response)

    def _token_answer(self, body: bytes) -> bytes:
        self.token_responses.append(body)
        if self.mode == "replay" and len(self.token_responses) > 1:
            return self.token_responses[0]
        if self.mode in {"tamper", "resign", "none"}:
            token = json.loads(body)
            token["id_token"] = _spoil(token["id_token"], self.mode, self.claims_change)
            return json.dumps(token).encode()
        if self.mode == "no_id_token":
            token = json.loads(body)
            token.pop("id_token", None)
            return json.dumps(token).encode()
        return body


def role_map_file(directory) -> str:
    path = directory / "roller.toml"
    path.write_text(ROLE_MAP, encoding="utf-8")
    return str(path)


def oidc_settings(provider: Provider, directory) -> dict:
    """The settings that switch OpenID Connect on against `provider`."""
    return {
        "oidc_issuer": provider.url,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_role_map": role_map_file(directory),
        "oidc_provider_name": "Testleverandøren",
    }
