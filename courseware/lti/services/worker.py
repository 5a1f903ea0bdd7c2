"""Sending queued scores to the platforms: leased claims, retries, dead letters.

The design of ``courseware/xapi/delivery.py``, for one POST per score: a worker
leases a batch (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one ``UPDATE ...
RETURNING`` on SQLite), renews its leases while it works through them, and writes
every outcome as an ``UPDATE ... WHERE lease_owner = me AND state = pending``, so
that a worker that lost a lease changes nothing. Each outcome is committed at once;
a worker killed mid-batch leaves the rest of its leases to expire.

Never counted twice: a retry sends the stored body, with the same ``timestamp``; a
platform that took the first try (its answer lost, a timeout) refuses the second
as not newer, 409, which we record as sent. Never stale after new: only the oldest
pending score of a target is claimable, older unheld ones are superseded when a
newer one is queued, and a score that must wait gives way to a newer one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from courseware.db import utcnow
from courseware.lti.models.grades import LtiGradeTarget, LtiScore, ScoreState
from courseware.lti.services.connector import (
    SCOPE_LINEITEM,
    Connector,
    PlatformError,
    PlatformInfo,
    ToolKey,
    platform_info,
    tool_key,
    transient_status,
)
from courseware.lti.services.outbox import ScoreConfig

log = logging.getLogger(__name__)
SENT_STATUSES = (200, 201, 202, 204)


@dataclass
class Report:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    superseded: int = 0
    lost: int = 0  # outcomes not written: another worker holds those scores now
    failing: set[int] = field(default_factory=set)  # platforms failing this pass
    errors: list[str] = field(default_factory=list)

    @property
    def transient(self) -> bool:
        return bool(self.failing)


def backoff(config: ScoreConfig, tries: int) -> float:
    """Seconds to wait after the ``tries``-th failure: doubling, capped, jittered."""
    delay = min(config.backoff_cap, config.backoff_base * 2 ** min(tries - 1, 20))
    return random.uniform(delay / 2, delay)


def claim(
    session: Session,
    owner: str,
    limit: int,
    lease_seconds: float,
    skip: set[int] = frozenset(),
) -> list[LtiScore]:
    """Lease up to ``limit`` due scores for ``owner`` and commit the lease.

    Only the oldest pending score of each target: a newer one waits until the
    score before it is settled, so that no stale score follows a newer one.
    ``skip``: platforms failing in this pass.
    """
    now = utcnow()
    older = aliased(LtiScore)
    due = (
        select(LtiScore.id)
        .where(
            LtiScore.state == ScoreState.PENDING,
            LtiScore.next_attempt_at <= now,
            or_(LtiScore.lease_until.is_(None), LtiScore.lease_until < now),
            LtiScore.platform_id.not_in(skip or [-1]),
            ~exists().where(
                older.target_id == LtiScore.target_id,
                older.state == ScoreState.PENDING,
                older.timestamp < LtiScore.timestamp,
            ),
        )
        .order_by(LtiScore.next_attempt_at, LtiScore.created_at, LtiScore.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=LtiScore)
    rows = list(
        session.scalars(
            update(LtiScore)
            .where(LtiScore.id.in_(due.scalar_subquery()))
            .values(
                lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds)
            )
            .returning(LtiScore),
            execution_options={"synchronize_session": False, "populate_existing": True},
        )
    )
    session.commit()
    rows.sort(key=lambda r: (r.next_attempt_at, r.created_at, r.id))
    return rows


class Courier:
    """One delivery pass: the scores it holds, their leases, and every outcome."""

    def __init__(
        self,
        session: Session,
        config: ScoreConfig,
        owner: str,
        connector: Connector,
        report: Report,
    ) -> None:
        self.session, self.config, self.owner = session, config, owner
        self.connector, self.report = connector, report
        self.held: dict[str, LtiScore] = {}
        self.renewed_at = time.monotonic()
        self.platforms: dict[int, PlatformInfo | None] = {}
        self.key: ToolKey | None = None

    def take(self) -> list[LtiScore]:
        rows = claim(
            self.session,
            self.owner,
            self.config.batch_size,
            self.config.lease_seconds,
            self.report.failing,
        )
        self.renewed_at = time.monotonic()
        rows = [row for row in rows if row.id not in self.held]
        self.held.update((row.id, row) for row in rows)
        return rows

    def renew_if_due(self) -> None:
        """Extend the leases held when a third of their length has passed."""
        if time.monotonic() - self.renewed_at < self.config.lease_seconds / 3:
            return
        self.renewed_at = time.monotonic()
        if self.held:
            self.session.execute(
                update(LtiScore)
                .where(self._mine(list(self.held)))
                .values(
                    lease_until=utcnow() + timedelta(seconds=self.config.lease_seconds)
                ),
                execution_options={"synchronize_session": False},
            )
            self.session.commit()

    def _mine(self, ids: list[str]):
        return and_(
            LtiScore.id.in_(ids),
            LtiScore.lease_owner == self.owner,
            LtiScore.state == ScoreState.PENDING,
        )

    def settle(self, row: LtiScore, **values) -> bool:
        """One fenced, committed UPDATE of ``row``; False if it was no longer ours."""
        changed = self.session.scalars(
            update(LtiScore)
            .where(self._mine([row.id]))
            .values(lease_owner=None, lease_until=None, **values)
            .returning(LtiScore.id),
            execution_options={"synchronize_session": False},
        ).all()
        self.session.commit()
        self.held.pop(row.id, None)
        if not changed:
            self.report.lost += 1
            log.warning("%s no longer holds score %s", self.owner, row.id)
        return bool(changed)

    # -- outcomes ------------------------------------------------------------------

    def sent(self, row: LtiScore, status: int, note: str | None = None) -> None:
        if self.settle(
            row,
            state=ScoreState.SENT,
            sent_at=utcnow(),
            tries=LtiScore.tries + 1,
            last_status=status,
            last_error=note,
        ):
            self.report.sent += 1

    def dead(self, row: LtiScore, reason: str, status: int | None = None) -> None:
        if self.settle(
            row,
            state=ScoreState.DEAD,
            tries=LtiScore.tries + 1,
            last_status=status,
            last_error=reason[:2000],
        ):
            self.report.dead += 1

    def give_back(self, row: LtiScore) -> None:
        """Free a claimed score that was never tried (no try counted)."""
        self.settle(row)

    def retry(self, row: LtiScore, error: PlatformError) -> None:
        """Later, the same body; superseded instead if a newer score waits."""
        self.report.failing.add(row.platform_id)
        self.report.errors.append(str(error))
        if self._newer_waiting(row):
            if self.settle(row, state=ScoreState.SUPERSEDED, last_error=str(error)):
                self.report.superseded += 1
            return
        tries = row.tries + 1
        if tries >= self.config.max_tries:
            self.dead(row, f"gave up after {tries} tries: {error}", error.status)
            return
        delay = max(backoff(self.config, tries), error.retry_after or 0.0)
        if self.settle(
            row,
            tries=LtiScore.tries + 1,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
            last_status=error.status,
            last_error=str(error)[:2000],
        ):
            self.report.retried += 1

    def _newer_waiting(self, row: LtiScore) -> bool:
        return (
            self.session.scalar(
                select(LtiScore.id)
                .where(
                    LtiScore.target_id == row.target_id,
                    LtiScore.state == ScoreState.PENDING,
                    LtiScore.timestamp > row.timestamp,
                )
                .limit(1)
            )
            is not None
        )

    # -- sending -------------------------------------------------------------------

    def platform(self, platform_id: int) -> PlatformInfo | None:
        if platform_id not in self.platforms:
            self.platforms[platform_id] = platform_info(self.session, platform_id)
        return self.platforms[platform_id]

    def lineitem(self, row: LtiScore, platform: PlatformInfo) -> str:
        """The row's line item; found or created (and remembered) when it has none."""
        if row.lineitem_url:
            return row.lineitem_url
        target = self.session.get(LtiGradeTarget, row.target_id)
        if target.lineitem_url:
            url = target.lineitem_url
        else:
            if SCOPE_LINEITEM not in target.scopes.split():
                raise PlatformError(
                    "the launch gave no line item and no lineitem scope to make one",
                    transient=False,
                )
            url = self.connector.find_or_create_lineitem(
                platform,
                self.key,
                target.lineitems_url,
                {
                    "scoreMaximum": row.score_maximum,
                    "label": target.title or target.target,
                    "resourceId": target.target,
                    "resourceLinkId": target.resource_link_id,
                    "tag": target.target,
                },
            )
            # the first worker to find it names it for every score of the target
            self.session.execute(
                update(LtiGradeTarget)
                .where(
                    LtiGradeTarget.id == target.id,
                    LtiGradeTarget.lineitem_url.is_(None),
                )
                .values(lineitem_url=url)
            )
            self.session.refresh(target)
            url = target.lineitem_url
        self.session.execute(
            update(LtiScore).where(self._mine([row.id])).values(lineitem_url=url),
            execution_options={"synchronize_session": False},
        )
        self.session.commit()
        return url

    def deliver(self, row: LtiScore) -> None:
        """POST one score and settle it."""
        platform = self.platform(row.platform_id)
        if platform is None:
            self.dead(row, "the platform is no longer registered")
            return
        if self.key is None:
            self.key = tool_key(self.session)
            self.session.commit()  # a key made now must be in our JWKS at once
        try:
            url = self.lineitem(row, platform)
            response = self.connector.post_score(platform, self.key, url, row.body)
        except PlatformError as exc:
            if exc.transient:
                self.retry(row, exc)
            else:
                self.dead(row, str(exc), exc.status)
            return
        status = response.status_code
        if status in SENT_STATUSES:
            self.sent(row, status)
        elif status == 409:
            # The platform holds this timestamp or a later one: an earlier try of
            # this very score arrived (its answer was lost), or a newer score did.
            self.sent(row, status, f"409, already held: {response.text[:500]}")
        elif transient_status(status):
            self.retry(row, self.connector.refusal(response, "posting the score"))
        else:
            self.dead(row, f"{status}: {response.text[:1500]}", status)


def deliver_pass(
    session: Session,
    config: ScoreConfig,
    owner: str,
    connector: Connector | None = None,
    stop: Callable[[], bool] | None = None,
) -> Report:
    """Send every score that is due now, batch by batch; what happened.

    A platform that fails (a timeout, a 5xx, no token) is not asked again in this
    pass: its other claimed scores are given back untried. ``stop()`` true ends the
    pass after the score in flight; the rest of the batch is given back.
    """
    report = Report()
    own = connector is None
    connector = connector or Connector(config.connect_timeout, config.read_timeout)
    courier = Courier(session, config, owner, connector, report)
    stop = stop or (lambda: False)
    try:
        while not stop():
            rows = courier.take()
            if not rows:
                break
            for row in rows:
                if stop() or row.platform_id in report.failing:
                    courier.give_back(row)
                    continue
                courier.renew_if_due()
                courier.deliver(row)
    finally:
        session.rollback()
        if own:
            connector.close()
    return report
