"""What operators and learners see of delivery: counts, ages, errors, receipts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.db import utcnow
from courseware.xapi.models import DeliveryState, OutboxStatement


@dataclass
class Health:
    """The outbox at a glance."""

    counts: dict[str, int]
    oldest_pending: datetime | None
    last_error: str | None

    @property
    def oldest_age_seconds(self) -> int | None:
        if self.oldest_pending is None:
            return None
        return int((utcnow() - self.oldest_pending).total_seconds())


def health(session: Session) -> Health:
    """Counts by state, the oldest waiting statement and the latest error."""
    counts = {state.value: 0 for state in DeliveryState}
    for state, count in session.execute(
        select(OutboxStatement.state, func.count()).group_by(OutboxStatement.state)
    ):
        counts[DeliveryState(state).value] = count
    oldest = session.scalar(
        select(func.min(OutboxStatement.created_at)).where(
            OutboxStatement.state == DeliveryState.PENDING
        )
    )
    last_error = session.scalar(
        select(OutboxStatement.last_error)
        .where(
            OutboxStatement.last_error.is_not(None),
            OutboxStatement.state != DeliveryState.SENT,
        )
        .order_by(OutboxStatement.next_attempt_at.desc())
        .limit(1)
    )
    return Health(counts, oldest, last_error)


def dead_letters(session: Session, limit: int = 100) -> list[OutboxStatement]:
    """Statements the LRS rejected, oldest first."""
    return list(
        session.scalars(
            select(OutboxStatement)
            .where(OutboxStatement.state == DeliveryState.DEAD)
            .order_by(OutboxStatement.created_at)
            .limit(limit)
        )
    )


def recorded_activities(session: Session, user_id: int) -> set[str]:
    """Activity ids whose completed/passed statement the LRS holds for a learner."""
    payloads = session.scalars(
        select(OutboxStatement.payload).where(
            OutboxStatement.user_id == user_id,
            OutboxStatement.state == DeliveryState.SENT,
            OutboxStatement.verb.in_(("completed", "passed")),
        )
    )
    return {json.loads(payload)["object"]["id"] for payload in payloads}
