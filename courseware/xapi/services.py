"""Delivery as operators see it (waiting, leased, stuck, oldest) and requeueing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from courseware.db import utcnow
from courseware.xapi.models import DeliveryState, OutboxStatement
from courseware.xapi.monitor import Health, health


@dataclass
class Oldest:
    """The statement that has waited longest."""

    id: str
    verb: str
    created_at: datetime
    tries: int
    next_attempt_at: datetime
    last_error: str | None

    @property
    def age_seconds(self) -> int:
        return int((utcnow() - self.created_at).total_seconds())

    @property
    def next_try_in_seconds(self) -> int:
        return max(int((self.next_attempt_at - utcnow()).total_seconds()), 0)


@dataclass
class Lease:
    """The statements one worker holds (or held, when its lease ran out)."""

    owner: str
    count: int
    until: datetime

    @property
    def seconds(self) -> int:
        """Seconds left on the lease (negative: it ran out that long ago)."""
        return int((self.until - utcnow()).total_seconds())


@dataclass
class DeliveryStatus:
    """The outbox at a glance, with what workers hold right now."""

    health: Health
    leased: list[Lease]
    stuck: list[Lease]
    oldest: Oldest | None

    @property
    def leased_count(self) -> int:
        return sum(lease.count for lease in self.leased)

    @property
    def stuck_count(self) -> int:
        return sum(lease.count for lease in self.stuck)


def delivery_status(session: Session) -> DeliveryStatus:
    """Counts, leases by worker (live and run out) and the oldest waiting statement."""
    now = utcnow()
    expired = case((OutboxStatement.lease_until < now, True), else_=False)
    leased, stuck = [], []
    for owner, ran_out, count, first, last in session.execute(
        select(
            OutboxStatement.lease_owner,
            expired,
            func.count(),
            func.min(OutboxStatement.lease_until),
            func.max(OutboxStatement.lease_until),
        )
        .where(
            OutboxStatement.state == DeliveryState.PENDING,
            OutboxStatement.lease_until.is_not(None),
        )
        .group_by(OutboxStatement.lease_owner, expired)
        .order_by(OutboxStatement.lease_owner)
    ):
        if ran_out:  # stuck since its first lease ran out
            stuck.append(Lease(owner or "?", count, first))
        else:
            leased.append(Lease(owner or "?", count, last))
    row = session.scalars(
        select(OutboxStatement)
        .where(OutboxStatement.state == DeliveryState.PENDING)
        .order_by(OutboxStatement.created_at, OutboxStatement.id)
        .limit(1)
    ).first()
    oldest = None
    if row is not None:
        oldest = Oldest(
            row.id,
            row.verb,
            row.created_at,
            row.tries,
            row.next_attempt_at,
            row.last_error,
        )
    return DeliveryStatus(health(session), leased, stuck, oldest)


def requeue(session: Session, ids: Iterable[str] = ()) -> int:
    """Send dead statements again (all, or those of ``ids``); how many were requeued."""
    query = update(OutboxStatement).where(OutboxStatement.state == DeliveryState.DEAD)
    ids = list(ids)
    if ids:
        query = query.where(OutboxStatement.id.in_(ids))
    result = session.execute(
        query.values(state=DeliveryState.PENDING, tries=0, next_attempt_at=utcnow())
    )
    return result.rowcount
