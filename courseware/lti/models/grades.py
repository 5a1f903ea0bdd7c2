"""LTI Advantage tables: grade targets, the score outbox, roster sources and members.

A launch tells us where a learner's results go (the AGS claim: line item, line items
URL, scopes) and who the learner is there (``sub``): one :class:`LtiGradeTarget` per
learner and resource link. A learner's action queues an :class:`LtiScore` in the
same transaction; the worker sends it. Rosters come from the NRPS URL a launch gave
(:class:`LtiRosterSource`) into :class:`LtiRosterMember` rows beside the class's
memberships.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow

__all__ = [
    "LtiGradeTarget",
    "LtiRosterMember",
    "LtiRosterSource",
    "LtiScore",
    "ScoreState",
]


class ScoreState(enum.StrEnum):
    """Where a score is on its way to the platform."""

    PENDING = "pending"  # waiting, or retrying after a transient failure
    SENT = "sent"  # the platform took it (or already held it: 409 on a retry)
    DEAD = "dead"  # the platform refused it for good; its answer is kept
    SUPERSEDED = "superseded"  # a newer score for the same line item replaced it


class LtiGradeTarget(Base):
    """Where one learner's results for one resource link go, as the launch said."""

    __tablename__ = "courseware_lti_grade_target"
    __table_args__ = (
        UniqueConstraint("platform_id", "user_id", "resource_link_id"),
        Index("ix_courseware_lti_grade_target_user_target", "user_id", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE")
    )
    #: The learner at the platform (the id_token's ``sub``): the scores' ``userId``.
    sub: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    #: What the link opens: "quiz:<id>", "module:<id>", "track:<id>", "lesson:...".
    target: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(255))
    #: The line item (from the claim, or found/created by the worker).
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    lineitems_url: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiScore(Base):
    """One score to send, as the exact body (so that a retry is the same score)."""

    __tablename__ = "courseware_lti_score"
    __table_args__ = (
        # one score per event and target: the same action twice queues one
        UniqueConstraint("target_id", "event"),
        Index("ix_courseware_lti_score_due", "state", "next_attempt_at", "created_at"),
        Index("ix_courseware_lti_score_stream", "target_id", "state", "timestamp"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_grade_target.id", ondelete="CASCADE")
    )
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="SET NULL"), index=True
    )
    #: What caused it, e.g. "quiz-graded:42", "module-completed:privacy".
    event: Mapped[str] = mapped_column(String(120))
    #: The line item to post to; None until the worker found or created it.
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    #: The body's ``timestamp``: later wins at the platform, and here.
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime())
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    state: Mapped[ScoreState] = mapped_column(
        Enum(
            ScoreState,
            name="courseware_lti_score_state",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ScoreState.PENDING,
    )
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The platform's last answer (status and body) or the transport error.
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class LtiRosterSource(Base):
    """The NRPS memberships URL of an LMS course, from its latest launch."""

    __tablename__ = "courseware_lti_roster_source"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_lti_platform.id", ondelete="CASCADE")
    )
    context_id: Mapped[str] = mapped_column(String(255))
    memberships_url: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiRosterMember(Base):
    """A learner of an LMS-made class as the LMS roster last said (never a name)."""

    __tablename__ = "courseware_lti_roster_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_group.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    sub: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a sync no longer found them in the roster (or found them Inactive).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
