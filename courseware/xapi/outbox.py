"""Recording statements in the outbox, in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from courseware.db import insert_ignore
from courseware.xapi.models import OutboxStatement


def serialise(statement: dict[str, Any]) -> str:
    """The exact bytes we send: compact, keys sorted, UTF-8 kept."""
    return json.dumps(
        statement,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
        allow_nan=False,  # NaN and Infinity are not JSON: refuse, never store them
    )


def record(
    session: Session,
    statement: dict[str, Any],
    user_id: int | None,
    source: str = "server",
    if_new: bool = False,
) -> OutboxStatement | None:
    """Queue ``statement`` in the transaction of the record that caused it.

    ``if_new``: a statement whose id is already queued (the browser sent it twice at
    once) is ignored, and None is returned.
    """
    verb = statement["verb"]["id"].rsplit("/", 1)[-1]
    values = {
        "id": statement["id"],
        "user_id": user_id,
        "verb": verb[:32],
        "payload": serialise(statement),
        "source": source,
    }
    if if_new:
        insert_ignore(session, OutboxStatement, **values)
        return None
    row = OutboxStatement(**values)
    session.add(row)
    session.flush()
    return row
