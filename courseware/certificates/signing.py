"""The signed payload in a certificate's QR code, checked offline with the public key.

Format (documented in the README): ``COP1.<claims>.<signature>`` where ``<claims>``
is the base64url (no padding) of compact JSON with sorted keys, and ``<signature>``
the base64url
of the Ed25519 signature of the ASCII text ``COP1.<claims>``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from courseware.core.keyfile import create_once

PREFIX = "COP1"


class PayloadError(ValueError):
    """The payload is malformed or its signature does not verify."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise PayloadError("not base64url") from None


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key in ``path`` (PEM, PKCS#8), created mode 0600 when missing."""

    def new_pem() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    key = serialization.load_pem_private_key(create_once(path, new_pem), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), to publish."""
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


def load_public(pem: str | bytes) -> Ed25519PublicKey:
    """A published public key."""
    key = serialization.load_pem_public_key(
        pem.encode() if isinstance(pem, str) else pem
    )
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, claims: dict[str, Any]) -> str:
    """The compact signed payload for ``claims``."""
    body = _b64(
        json.dumps(
            claims, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        ).encode("utf-8")
    )
    signed = f"{PREFIX}.{body}"
    return f"{signed}.{_b64(key.sign(signed.encode('ascii')))}"


def verify(public: Ed25519PublicKey, payload: str) -> dict[str, Any]:
    """The claims of a payload whose signature verifies; PayloadError otherwise."""
    parts = payload.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise PayloadError(f"not a {PREFIX} certificate payload")
    try:
        public.verify(_unb64(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, UnicodeEncodeError):
        raise PayloadError(
            "the signature does not match: the payload was changed or "
            "signed with another key"
        ) from None
    try:
        return json.loads(_unb64(parts[1]))
    except ValueError:
        raise PayloadError("the claims are not JSON") from None
