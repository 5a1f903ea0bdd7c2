"""Published content versions and the media they use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class ContentVersion(Base):
    """An immutable, published snapshot of the course; exactly one is active."""

    __tablename__ = "courseware_content_version"
    __table_args__ = (
        Index(  # exactly one active version
            "uq_courseware_content_version_active",
            "is_active",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class MediaBlob(Base):
    """A media file's bytes, stored once per content hash and shared by versions.

    ``media_type`` is decided when the content is checked (extension and bytes) and is
    the only type the file is served as.
    """

    __tablename__ = "courseware_media_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    media_type: Mapped[str] = mapped_column(String(100))


class VersionMedia(Base):
    """A media file of a published version: the blob its path names.

    Only blobs some version references are served (old pages keep working).
    """

    __tablename__ = "courseware_content_version_media"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_content_version.id"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(512), primary_key=True)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("courseware_media_blob.sha256"), index=True
    )


class ContentActivation(Base):
    """Who made which version active, and when (publish, rollback, roll forward)."""

    __tablename__ = "courseware_content_activation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("courseware_content_version.id"))
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VersionFile(Base):
    """A source file of a published version (YAML, Markdown, media): path -> blob.

    Kept so that a draft can start from a version and two versions can be compared;
    the media route never serves a blob for being listed here (only ``VersionMedia``).
    """

    __tablename__ = "courseware_content_version_file"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("courseware_content_version.id"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(512), primary_key=True)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("courseware_media_blob.sha256"), index=True
    )
