"""A minimal LTI tool for the test LMS's self-check, over real HTTP.

It signs with its own RSA key through PyJWT (another JOSE library than the
platform's joserfc) and checks the platform's id_tokens against the platform's
JWKS URL, so the self-check shows that a third party can read what the platform
issues.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlencode

import jwt as pyjwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request

from .server import Server

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class ToolKey:
    """An RSA key of the fake tool, with its kid and public JWK."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def jwk(self) -> dict:
        jwk = pyjwt.algorithms.RSAAlgorithm.to_jwk(
            self.private.public_key(), as_dict=True
        )
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


class FakeTool:
    """A tool on its own port: JWKS, login initiation, launch, registration."""

    def __init__(self) -> None:
        self.keys = [ToolKey()]
        self.logins: list[dict] = []
        #: Changes to the authentication request the tool makes (a test sets them).
        self.auth_overrides: dict[str, str | None] = {}
        self.registration_answers: list[requests.Response] = []
        self.registration_body: dict | None = None
        self.server = Server(self._app())
        self.url = self.server.url
        self.login_url = f"{self.url}/login"
        self.launch_url = f"{self.url}/launch"
        self.jwks_url = f"{self.url}/jwks"
        self.deep_link_url = f"{self.url}/deep-link"

    @property
    def key(self) -> ToolKey:
        return self.keys[-1]

    def _app(self) -> Flask:
        app = Flask("fake_tool")

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [key.jwk() for key in self.keys]})

        @app.post("/login")
        def login():
            form = request.form.to_dict()
            self.logins.append(form)
            params = {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
                "client_id": form["client_id"],
                "redirect_uri": self.launch_url,
                "nonce": f"nonce-{uuid.uuid4().hex}",
                "state": f"state-{uuid.uuid4().hex}",
                "login_hint": form["login_hint"],
                "lti_message_hint": form["lti_message_hint"],
            }
            params.update(self.auth_overrides)
            params = {k: v for k, v in params.items() if v is not None}
            auth = requests.get(form["iss"] + "/.well-known/openid-configuration")
            endpoint = auth.json()["authorization_endpoint"]
            return redirect(f"{endpoint}?{urlencode(params)}")

        @app.post("/launch")
        @app.post("/deep-link")
        def launch():
            return jsonify(
                id_token=request.form["id_token"], state=request.form["state"]
            )

        @app.get("/register")
        def register():
            config_url = request.args["openid_configuration"]
            config = requests.get(config_url, timeout=10).json()
            body = self.registration_body or self.client_registration()
            answer = requests.post(
                config["registration_endpoint"],
                json=body,
                headers={
                    "Authorization": f"Bearer {request.args['registration_token']}"
                },
                timeout=10,
            )
            self.registration_answers.append(answer)
            return answer.content, answer.status_code, {"Content-Type": "text/plain"}

        return app

    def client_registration(self) -> dict:
        """The client registration body LTI Dynamic Registration asks for."""
        return {
            "application_type": "web",
            "response_types": ["id_token"],
            "grant_types": ["implicit", "client_credentials"],
            "initiate_login_uri": self.login_url,
            "redirect_uris": [self.launch_url, self.deep_link_url],
            "client_name": "Fake tool",
            "jwks_uri": self.jwks_url,
            "token_endpoint_auth_method": "private_key_jwt",
            "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                "domain": "127.0.0.1",
                "target_link_uri": self.launch_url,
                "claims": ["iss", "sub"],
                "messages": [
                    {
                        "type": "LtiDeepLinkingRequest",
                        "target_link_uri": self.deep_link_url,
                    }
                ],
            },
        }

    def register_with(self, platform) -> None:
        platform.register_tool(
            self.login_url,
            self.launch_url,
            self.jwks_url,
            [self.launch_url, self.deep_link_url],
            deep_link_url=self.deep_link_url,
        )

    def sign(self, claims: dict, key: ToolKey | None = None, **headers) -> str:
        key = key or self.key
        return pyjwt.encode(
            claims, key.pem, algorithm="RS256", headers={"kid": key.kid, **headers}
        )

    def assertion(self, platform, **changes) -> str:
        """A client assertion for the platform's token endpoint (``changes`` merged)."""
        now = int(time.time())
        claims = {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_url,
            "iat": now - 5,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        }
        claims.update(changes)
        return self.sign({k: v for k, v in claims.items() if v is not None})

    def token_request(self, platform, scopes, assertion=None, **fields):
        """POST a client-credentials request; the platform's answer."""
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion or self.assertion(platform),
            "scope": " ".join(scopes),
        }
        data.update(fields)
        return requests.post(platform.token_url, data=data, timeout=30)

    def access_token(self, platform, *scopes) -> str:
        answer = self.token_request(platform, scopes)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def verify_id_token(self, platform, token: str) -> dict:
        """The platform's id_token checked as a tool does (PyJWT, platform JWKS)."""
        client = pyjwt.PyJWKClient(platform.jwks_url, cache_keys=False)
        key = client.get_signing_key_from_jwt(token)
        return pyjwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
        )

    def __enter__(self) -> FakeTool:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()
