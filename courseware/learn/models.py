"""A learner's enrolment, lesson progress and completions (by stable ids)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


def new_registration() -> str:
    """A uuid for ``context.registration``."""
    return str(uuid.uuid4())


class Enrolment(Base):
    """A learner in the course: the xAPI registration and where to resume."""

    __tablename__ = "courseware_enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE")
    )
    course_id: Mapped[str] = mapped_column(String(64))
    registration: Mapped[str] = mapped_column(String(36), default=new_registration)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resume_module: Mapped[str | None] = mapped_column(String(64))
    resume_lesson: Mapped[str | None] = mapped_column(String(64))
    resume_media: Mapped[str | None] = mapped_column(String(64))
    resume_time: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )


class LessonProgress(Base):
    """A lesson opened, and completed when the learner reached its end and went on."""

    __tablename__ = "courseware_lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)  # content version of the last change
    language: Mapped[str] = mapped_column(String(16))


class Completion(Base):
    """A module or a track completed (kind ``module`` or ``track``)."""

    __tablename__ = "courseware_completion"
    __table_args__ = (UniqueConstraint("user_id", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(16))
