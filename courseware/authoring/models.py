"""Studio tables: drafts, their files, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow

OPEN, PUBLISHED, DISCARDED = "open", "published", "discarded"


class Draft(Base):
    """A copy of the course's files being edited; it belongs to the studio."""

    __tablename__ = "courseware_authoring_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_content_version.id")
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("courseware_user.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("courseware_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_content_version.id")
    )
    #: Raised by every change: a check result is for one revision.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


class DraftFile(Base):
    """One file of a draft: its path and the blob holding its bytes."""

    __tablename__ = "courseware_authoring_draft_file"

    draft_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_authoring_draft.id"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(512), primary_key=True)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("courseware_media_blob.sha256"), index=True
    )
    size: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("courseware_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who did what in the studio, when, to which draft, version or file."""

    __tablename__ = "courseware_authoring_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_user.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_authoring_draft.id"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_content_version.id")
    )
    path: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
