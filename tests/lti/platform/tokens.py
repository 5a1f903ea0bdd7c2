"""JOSE for the test LMS: its own keys, signed id_tokens, and checks of the tool's JWTs.

Everything is done with joserfc, a different JOSE library than the tool's (pylti1p3
uses PyJWT and jwcrypto), so that one library's mistake cannot hide on both sides.
The only hand-made tokens are the deliberately broken ones (``alg: none``, HMAC
signed with the public key, a payload changed after signing): no library makes
those, which is the point.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

#: The only algorithm LTI 1.3 (1EdTech Security Framework) lets a party use.
ALGORITHM = "RS256"
UNSET = object()


class PlatformError(Exception):
    """A refusal the platform answers with: HTTP status and an OAuth-style error."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description


def new_key() -> RSAKey:
    """A fresh RSA 2048 key with a random ``kid``."""
    return RSAKey.generate_key(
        2048, parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": ALGORITHM}
    )


def public_jwks(keys: list[RSAKey]) -> dict:
    """The JWKS document of ``keys`` (public parts only)."""
    return {"keys": [key.as_dict(private=False) for key in keys]}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(value: dict) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def unverified_parts(token: str) -> tuple[dict, dict]:
    """Header and claims of a compact JWT, without checking anything."""
    try:
        header, payload, _signature = token.split(".")
        pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
        return (
            json.loads(base64.urlsafe_b64decode(pad(header))),
            json.loads(base64.urlsafe_b64decode(pad(payload))),
        )
    except (ValueError, TypeError) as exc:
        raise PlatformError(400, "invalid_request", "not a compact JWT") from exc


def sign(
    claims: dict,
    key: RSAKey,
    *,
    alg: str = ALGORITHM,
    kid=UNSET,
    tamper=False,
) -> str:
    """Sign ``claims`` as a JWT; the keyword arguments make broken tokens on purpose.

    ``alg="none"`` gives an unsigned token; ``alg="HS256"`` an HMAC signed with the
    public key's PEM (the key-confusion attack); ``kid`` replaces the header's kid
    (``None`` leaves it out); ``tamper`` changes the payload after signing (``True``
    adds the Administrator role, a dict is merged over the claims).
    """
    header = {"typ": "JWT", "alg": alg}
    chosen_kid = key.kid if kid is UNSET else kid
    if chosen_kid is not None:
        header["kid"] = chosen_kid
    if alg == "none":
        token = f"{_b64json(header)}.{_b64json(claims)}."
    elif alg.startswith("HS"):
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384}.get(
            alg, hashlib.sha512
        )
        signing_input = f"{_b64json(header)}.{_b64json(claims)}"
        secret = key.as_pem(private=False)
        mac = hmac.new(secret, signing_input.encode("ascii"), digest).digest()
        token = f"{signing_input}.{_b64(mac)}"
    else:
        token = jwt.encode(header, claims, key, algorithms=[alg])
    if tamper:
        head, _payload, signature = token.split(".")
        changed = dict(claims)
        if isinstance(tamper, dict):
            changed.update(tamper)
        else:
            roles = "https://purl.imsglobal.org/spec/lti/claim/roles"
            changed[roles] = list(changed.get(roles, [])) + [
                "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
            ]
        token = f"{head}.{_b64json(changed)}.{signature}"
    return token


class RemoteKeys:
    """The tool's JWKS, fetched over HTTP, cached, refetched when a kid is unknown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, KeySet] = {}
        self.fetches: list[str] = []

    def _fetch(self, url: str) -> KeySet:
        with self._lock:
            self.fetches.append(url)
        try:
            answer = requests.get(url, timeout=10)
            answer.raise_for_status()
            keys = KeySet.import_key_set(answer.json())
        except (requests.RequestException, ValueError, JoseError) as exc:
            raise PlatformError(
                401, "invalid_client", f"cannot read the tool's JWKS at {url}: {exc}"
            ) from exc
        with self._lock:
            self._cache[url] = keys
        return keys

    def key_set(self, url: str, kid: str) -> KeySet:
        """The key set at ``url`` that holds ``kid`` (refetched once if it does not)."""
        with self._lock:
            keys = self._cache.get(url)
        if keys is None or not _has_kid(keys, kid):
            keys = self._fetch(url)
        if not _has_kid(keys, kid):
            raise PlatformError(
                401, "invalid_client", f"kid {kid!r} is not in the tool's JWKS"
            )
        return keys


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def verify_tool_jwt(
    token: str,
    *,
    remote: RemoteKeys,
    jwks_url: str,
    issuer: str,
    audience: str,
    subject: str | None = None,
    error: str = "invalid_client",
    status: int = 401,
) -> dict:
    """Verify a JWT the tool signed: RS256, known kid, signature, iss/aud/exp/iat."""
    header, _claims = unverified_parts(token)
    if header.get("alg") != ALGORITHM:
        raise PlatformError(
            status, error, f"alg must be RS256, not {header.get('alg')}"
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise PlatformError(status, error, "the JWT header has no kid")
    keys = remote.key_set(jwks_url, kid)
    try:
        decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as exc:
        raise PlatformError(status, error, f"bad signature: {exc}") from exc
    claims = decoded.claims
    if claims.get("iss") != issuer:
        raise PlatformError(status, error, f"iss must be {issuer!r}")
    if subject is not None and claims.get("sub") != subject:
        raise PlatformError(status, error, f"sub must be {subject!r}")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise PlatformError(status, error, f"aud must be {audience!r}")
    now = time.time()
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise PlatformError(status, error, "exp is missing")
    if exp <= now:
        raise PlatformError(status, error, "the JWT has expired")
    iat = claims.get("iat")
    if iat is not None and (not isinstance(iat, int | float) or iat > now + 60):
        raise PlatformError(status, error, "iat is in the future")
    return claims


def verify_from_tool(platform, token: str, audience: str, *, sub: bool = False):
    """The registered tool named by the JWT's ``iss`` and the JWT's verified claims.

    ``sub`` also requires ``sub`` to be the client id (a client assertion).
    """
    _header, unverified = unverified_parts(token)
    client_id = unverified.get("iss")
    with platform.records.lock:
        tool = (
            platform.records.tools.get(client_id)
            if isinstance(client_id, str)
            else None
        )
    if tool is None:
        raise PlatformError(401, "invalid_client", f"unknown client {client_id!r}")
    claims = verify_tool_jwt(
        token,
        remote=platform.remote_keys,
        jwks_url=tool.jwks_url,
        issuer=tool.client_id,
        subject=tool.client_id if sub else None,
        audience=audience,
    )
    return tool, claims
