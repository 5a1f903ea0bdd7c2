"""Keys of submitted forms: a second submission of one page does what the first did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class SubmissionKey(Base):
    """One submission of a form that creates something, and where it led."""

    __tablename__ = "courseware_submission_key"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE")
    )
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
