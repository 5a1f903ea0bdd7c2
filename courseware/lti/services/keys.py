"""Our signing keys and the JWKS platforms verify our messages with.

The current key (no ``retired_at``) signs deep-linking responses and service token
requests. ``rotate`` makes a new current key; a retired key stays in the JWKS until
no token it signed can still be valid (``retired_at`` + ``MAX_TOKEN_LIFETIME``),
then drops out (and is deleted by the next rotation).
"""

from __future__ import annotations

import json
from datetime import timedelta

from jwcrypto.jwk import JWK
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from courseware.db import insert_ignore, serialise, utcnow
from courseware.lti.models import LtiKey

#: The longest lifetime of a JWT we sign (pylti1p3 signs for 1 hour at most),
#: plus clock skew: a retired key is served this long after its retirement.
MAX_TOKEN_LIFETIME = timedelta(hours=1, minutes=5)
KEY_BITS = 2048


def _new_key(session: Session) -> LtiKey:
    key = JWK.generate(kty="RSA", size=KEY_BITS)
    kid = key.thumbprint()
    public = json.loads(key.export_public())
    public.update(kid=kid, alg="RS256", use="sig")
    insert_ignore(
        session,
        LtiKey,
        kid=kid,
        private_pem=key.export_to_pem(private_key=True, password=None).decode(),
        public_jwk=json.dumps(public, sort_keys=True),
        created_at=utcnow(),
    )
    return session.scalars(select(LtiKey).where(LtiKey.kid == kid)).one()


def current_key(session: Session) -> LtiKey:
    """The current signing key, made on first use (one, even when asked at once)."""
    key = session.scalars(
        select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc())
    ).first()
    if key is None:
        serialise(session, "courseware-lti-keys")
        key = session.scalars(
            select(LtiKey).where(LtiKey.retired_at.is_(None))
        ).first() or _new_key(session)
    return key


def signing_key(session: Session) -> tuple[str, str]:
    """(kid, private key PEM) of the current key."""
    key = current_key(session)
    return key.kid, key.private_pem


def public_pem(key: LtiKey) -> str:
    """The public half of ``key`` as PEM (pylti1p3's ``Registration`` wants it)."""
    return JWK(**json.loads(key.public_jwk)).export_to_pem().decode()


def served_keys(session: Session) -> list[LtiKey]:
    """The current key and the retired keys whose tokens may still be valid."""
    current_key(session)
    horizon = utcnow() - MAX_TOKEN_LIFETIME
    return list(
        session.scalars(
            select(LtiKey)
            .where(LtiKey.retired_at.is_(None) | (LtiKey.retired_at > horizon))
            .order_by(LtiKey.id.desc())
        )
    )


def jwks(session: Session) -> dict:
    """Our public JSON Web Key Set."""
    return {"keys": [json.loads(key.public_jwk) for key in served_keys(session)]}


def rotate(session: Session) -> tuple[LtiKey, list[str]]:
    """A new current key; the old one retires now. (new key, kids retired now).

    Keys retired longer ago than ``MAX_TOKEN_LIFETIME`` are deleted.
    """
    serialise(session, "courseware-lti-keys")
    now = utcnow()
    retired = list(
        session.scalars(select(LtiKey.kid).where(LtiKey.retired_at.is_(None)))
    )
    session.execute(
        update(LtiKey).where(LtiKey.retired_at.is_(None)).values(retired_at=now)
    )
    session.execute(delete(LtiKey).where(LtiKey.retired_at <= now - MAX_TOKEN_LIFETIME))
    return _new_key(session), retired
