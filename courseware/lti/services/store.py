"""Values that must outlive one request and one process: OIDC states and nonces,
launch data, launch tickets, registration invitations.

pylti1p3 keeps them in the Flask session or a per-process cache; behind several
workers neither is shared, so ``DatabaseLaunchDataStorage`` keeps them in
``courseware_lti_store``. A value that may be used once (a nonce, a ticket) is
*taken*: a conditional DELETE whose row count decides which of two concurrent
requests had it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courseware.db import upsert, utcnow
from courseware.lti.models import LtiStoredValue

#: How long a value lives when its writer gives no time.
DEFAULT_SECONDS = 3600


def put(session: Session, key: str, value: Any, seconds: int | None = None) -> None:
    """Store ``value`` (JSON) under ``key`` for ``seconds``; last write wins."""
    expires = utcnow() + timedelta(seconds=seconds or DEFAULT_SECONDS)
    upsert(
        session,
        LtiStoredValue,
        {"key": key, "value": json.dumps(value), "expires_at": expires},
        index=["key"],
        update=["value", "expires_at"],
    )


def get(session: Session, key: str) -> Any:
    """The value under ``key`` while it lives, else None."""
    raw = session.scalar(
        select(LtiStoredValue.value).where(
            LtiStoredValue.key == key, LtiStoredValue.expires_at > utcnow()
        )
    )
    return None if raw is None else json.loads(raw)


def take(session: Session, key: str) -> Any:
    """The value under ``key``, removed; None when absent, expired or already taken.

    Two requests taking one key at once: the database lets one DELETE see the row.
    """
    row = session.execute(
        delete(LtiStoredValue)
        .where(LtiStoredValue.key == key, LtiStoredValue.expires_at > utcnow())
        .returning(LtiStoredValue.value)
    ).first()
    return None if row is None else json.loads(row[0])


def purge(session: Session) -> int:
    """Remove expired values; how many."""
    result = session.execute(
        delete(LtiStoredValue).where(LtiStoredValue.expires_at <= utcnow())
    )
    return result.rowcount or 0


class DatabaseLaunchDataStorage(LaunchDataStorage[Any]):
    """pylti1p3's launch data storage in our database, shared by every process.

    No per-browser session id: the keys (random states, nonces, launch ids) are
    unguessable, and the state itself is tied to the browser by its cookie.
    ``check_value`` is only asked about nonces (``SessionService.check_nonce``), and
    here it takes the nonce: a nonce is good for one launch.
    """

    _session_cookie_name = ""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._db = session

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return get(self._db, self._prepare_key(key))

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        put(self._db, self._prepare_key(key), value, exp)

    def check_value(self, key: str) -> bool:
        return take(self._db, self._prepare_key(key)) is not None
