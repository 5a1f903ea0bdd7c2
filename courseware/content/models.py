"""Published content versions and the media they use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class ContentVersion(Base):
    """An immutable, published snapshot of the course; exactly one is active."""

    __tablename__ = "courseware_content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class MediaBlob(Base):
    """A media file's bytes, stored once per content hash and shared by versions."""

    __tablename__ = "courseware_media_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ContentActivation(Base):
    """Who made which version active, and when (publish, rollback, roll forward)."""

    __tablename__ = "courseware_content_activation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("courseware_content_version.id"))
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
