"""The score outbox: how it is delivered (settings), at a glance (admin page, CLI),
and dead letters sent again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from courseware.config import DEFAULTS as CONFIG_DEFAULTS
from courseware.db import utcnow
from courseware.lti.models import LtiPlatform
from courseware.lti.models.grades import LtiScore, ScoreState

#: Configuration keys of score delivery, with their defaults (from courseware.config).
DEFAULTS: dict[str, float] = {
    key: value  # type: ignore[misc]
    for key, value in CONFIG_DEFAULTS.items()
    if key.startswith("COURSEWARE_LTI_") and isinstance(value, int | float)
}


@dataclass(frozen=True)
class ScoreConfig:
    """How scores are sent."""

    batch_size: int = 20
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    lease_seconds: float = 60
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    max_tries: int = 15
    poll_seconds: float = 2.0

    @classmethod
    def from_app(cls, config) -> ScoreConfig:
        """The settings of an app's config (``COURSEWARE_LTI_*``)."""

        def get(name):
            return config.get(name, DEFAULTS[name])

        return cls(
            batch_size=int(get("COURSEWARE_LTI_SCORE_BATCH_SIZE")),
            connect_timeout=float(get("COURSEWARE_LTI_CONNECT_TIMEOUT")),
            read_timeout=float(get("COURSEWARE_LTI_READ_TIMEOUT")),
            lease_seconds=float(get("COURSEWARE_LTI_LEASE_SECONDS")),
            backoff_base=float(get("COURSEWARE_LTI_BACKOFF_SECONDS")),
            backoff_cap=float(get("COURSEWARE_LTI_BACKOFF_CAP_SECONDS")),
            max_tries=int(get("COURSEWARE_LTI_MAX_TRIES")),
            poll_seconds=float(get("COURSEWARE_LTI_POLL_SECONDS")),
        )


@dataclass
class PlatformScores:
    """One platform's scores by state, with the oldest waiting and the last error."""

    platform_id: int
    name: str
    counts: dict[str, int] = field(
        default_factory=lambda: {state.value: 0 for state in ScoreState}
    )
    leased: int = 0
    oldest_pending: datetime | None = None
    last_error: str | None = None

    @property
    def oldest_age_seconds(self) -> int | None:
        if self.oldest_pending is None:
            return None
        return int((utcnow() - self.oldest_pending).total_seconds())


def status(session: Session) -> list[PlatformScores]:
    """Scores per platform: pending, leased (held by a live lease), sent, dead."""
    now = utcnow()
    names = {
        p.id: p.name or p.issuer
        for p in session.scalars(select(LtiPlatform).order_by(LtiPlatform.id))
    }
    found: dict[int, PlatformScores] = {}

    def entry(platform_id: int) -> PlatformScores:
        if platform_id not in found:
            found[platform_id] = PlatformScores(
                platform_id, names.get(platform_id, f"#{platform_id}")
            )
        return found[platform_id]

    live = case(
        (
            (LtiScore.state == ScoreState.PENDING) & (LtiScore.lease_until >= now),
            1,
        ),
        else_=0,
    )
    for platform_id, state, count, leased, oldest in session.execute(
        select(
            LtiScore.platform_id,
            LtiScore.state,
            func.count(),
            func.sum(live),
            func.min(LtiScore.created_at),
        ).group_by(LtiScore.platform_id, LtiScore.state)
    ):
        item = entry(platform_id)
        item.counts[ScoreState(state).value] = count
        if ScoreState(state) == ScoreState.PENDING:
            item.leased = int(leased or 0)
            item.oldest_pending = oldest
    for item in found.values():
        item.last_error = session.scalar(
            select(LtiScore.last_error)
            .where(
                LtiScore.platform_id == item.platform_id,
                LtiScore.last_error.is_not(None),
                LtiScore.state.in_((ScoreState.PENDING, ScoreState.DEAD)),
            )
            .order_by(LtiScore.next_attempt_at.desc())
            .limit(1)
        )
    return [found[key] for key in sorted(found)]


def dead_letters(session: Session, limit: int = 100) -> list[LtiScore]:
    """Scores the platforms refused, oldest first, with their answers."""
    return list(
        session.scalars(
            select(LtiScore)
            .where(LtiScore.state == ScoreState.DEAD)
            .order_by(LtiScore.created_at, LtiScore.id)
            .limit(limit)
        )
    )


def retry_dead(session: Session) -> int:
    """Queue every dead letter again (same body and timestamp); how many.

    A dead score of a target that has a newer score since is superseded instead:
    sending it would put an older result over a newer one.
    """
    dead = list(
        session.scalars(select(LtiScore).where(LtiScore.state == ScoreState.DEAD))
    )
    count = 0
    for row in dead:
        later = session.scalar(
            select(func.count())
            .select_from(LtiScore)
            .where(
                LtiScore.target_id == row.target_id,
                LtiScore.timestamp > row.timestamp,
                LtiScore.state.in_((ScoreState.PENDING, ScoreState.SENT)),
            )
        )
        state = ScoreState.SUPERSEDED if later else ScoreState.PENDING
        changed = session.execute(
            update(LtiScore)
            .where(LtiScore.id == row.id, LtiScore.state == ScoreState.DEAD)
            .values(state=state, tries=0, next_attempt_at=utcnow())
        ).rowcount
        count += changed if state == ScoreState.PENDING else 0
    session.flush()
    return count
