"""Recording statements in the outbox, in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from flask import g, has_request_context
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


#: ``flask.g`` key: context extensions (IRI -> value) that every statement recorded
#: in this request carries; any feature may set them (the LTI tool sets the LMS
#: context of an LTI session), xapi needs to know none of them.
REQUEST_EXTENSIONS = "courseware_xapi_context_extensions"


def with_request_extensions(statement: dict[str, Any]) -> dict[str, Any]:
    """``statement`` with the request's context extensions added (its own win)."""
    extra = g.get(REQUEST_EXTENSIONS) if has_request_context() else None
    if not extra:
        return statement
    context = dict(statement.get("context") or {})
    context["extensions"] = {**extra, **(context.get("extensions") or {})}
    return {**statement, "context": context}


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
    statement = with_request_extensions(statement)
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
