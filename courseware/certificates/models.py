"""Certificates issued when a learner completes a track."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class Certificate(Base):
    """One certificate: its public code, what it proves, and whether it still stands.

    A name correction issues a new certificate that ``replaces`` the old one, which is
    revoked with the reason: the history stays.
    """

    __tablename__ = "courseware_certificate"
    __table_args__ = (
        Index(  # one standing certificate per learner and track
            "uq_courseware_certificate_standing",
            "user_id",
            "track_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[str] = mapped_column(String(64))
    completed_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(
        String(200)
    )  # as printed, chosen by the learner
    payload: Mapped[str | None] = mapped_column(Text)  # the signed QR payload
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_certificate.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
