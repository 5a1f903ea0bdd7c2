"""Recording statements in the outbox, in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from courseware.xapi.models import OutboxStatement


def serialise(statement: dict[str, Any]) -> str:
    """The exact bytes we send: compact, keys sorted, UTF-8 kept."""
    return json.dumps(
        statement, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


def record(
    session: Session,
    statement: dict[str, Any],
    user_id: int | None,
    source: str = "server",
) -> OutboxStatement:
    """Queue ``statement`` in the transaction of the record that caused it."""
    verb = statement["verb"]["id"].rsplit("/", 1)[-1]
    row = OutboxStatement(
        id=statement["id"],
        user_id=user_id,
        verb=verb[:32],
        payload=serialise(statement),
        source=source,
    )
    session.add(row)
    session.flush()
    return row
