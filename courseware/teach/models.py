"""Groups (classes and meeting cohorts), their owners, members and assignments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow

CLASS = "class"
COHORT = "cohort"
MODULE = "module"
TRACK = "track"
#: Age bands of classes of children (the children's tracks name the same bands).
AGE_BANDS = ("8-11", "12-15")


class Group(Base):
    """A class (owner: a teacher) or a meeting cohort (owner: its organiser)."""

    __tablename__ = "courseware_group"
    __table_args__ = (
        CheckConstraint("child_ages IN ('8-11', '12-15')", name="child_ages"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=CLASS)
    name: Mapped[str] = mapped_column(String(120))
    #: Start of generated pupil usernames, e.g. ``7b`` in ``7b-lion-42``.
    prefix: Mapped[str] = mapped_column(String(16))
    #: IANA time zone in which due dates are entered and shown.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    meeting_name: Mapped[str | None] = mapped_column(String(200))
    meeting_date: Mapped[date | None] = mapped_column(Date)
    meeting_place: Mapped[str | None] = mapped_column(String(200))
    #: A class of children: their age band (one of AGE_BANDS); None for adults.
    child_ages: Mapped[str | None] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    join_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    join_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_cohort(self) -> bool:
        """A meeting cohort (not a class)."""
        return self.kind == COHORT

    @property
    def is_children(self) -> bool:
        """A class of children: they see the children's pathway."""
        return self.child_ages is not None


class CoOwner(Base):
    """Another teacher or organiser with the owner's rights on a group."""

    __tablename__ = "courseware_group_coowner"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_group.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Membership(Base):
    """A learner in a group, joined with a code or created by the teacher."""

    __tablename__ = "courseware_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_group.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    #: A name the teacher gave (e.g. on bulk creation); seen only by the group's owners.
    display_name: Mapped[str | None] = mapped_column(String(120))
    via: Mapped[str] = mapped_column(String(16), default="code")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(Base):
    """A module or a track to complete, by stable id, with an optional due date."""

    __tablename__ = "courseware_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_group.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default=MODULE)
    item_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: False when the assignment is for the learners listed in AssignmentLearner.
    whole_group: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssignmentLearner(Base):
    """A learner chosen for an assignment that is not for the whole group."""

    __tablename__ = "courseware_assignee"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_assignment.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )


class Extension(Base):
    """A later due date for one learner on one assignment."""

    __tablename__ = "courseware_extension"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_assignment.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
