"""Publishing, activating and reading content versions. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from courseware.content.build import CheckResult, check_content, content_hash, snapshot
from courseware.content.hashing import file_hash
from courseware.content.models import (
    ContentActivation,
    ContentVersion,
    MediaBlob,
    VersionFile,
    VersionMedia,
)
from courseware.content.runtime import forget_active
from courseware.db import insert_ignore, serialise


class PublishError(ValueError):
    """Publishing was refused; nothing changed."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class Published:
    """The outcome of a publish: the version, and whether it is new."""

    version: ContentVersion
    created: bool
    result: CheckResult


def active_version(session: Session) -> ContentVersion | None:
    """The version learners see now."""
    return session.scalars(
        select(ContentVersion).where(ContentVersion.is_active)
    ).first()


def list_versions(session: Session) -> list[ContentVersion]:
    """Every version, newest first."""
    return list(
        session.scalars(select(ContentVersion).order_by(ContentVersion.number.desc()))
    )


def publish(
    session: Session, root: Path, note: str, who: str | None = None, progress=None
) -> Published:
    """Check ``root``; if it has no errors store it as a new active version."""
    result = check_content(root)
    if not result.ok:
        raise PublishError(
            f"{len(result.problems.errors)} error(s): nothing was published", result
        )
    digest = content_hash(result.tree)
    # Two publishers at once (two deploys): one at a time; the second then sees the
    # first's version and publishes nothing when the content is the same.
    serialise(session, "courseware-content-publish")
    current = active_version(session)
    if current is not None and current.content_hash == digest:
        return Published(current, False, result)
    data = snapshot(result.tree)
    _store_media(session, result, progress)
    number = (session.scalar(select(func.max(ContentVersion.number))) or 0) + 1
    version = ContentVersion(
        number=number,
        content_hash=digest,
        note=note.strip(),
        published_by=who,
        snapshot=data,
    )
    session.add(version)
    session.flush()
    _link_media(session, version, data["media"])
    store_files(session, result.tree.files)
    _link_files(session, version, result.tree.files)
    _make_active(session, version, who)
    return Published(version, True, result)


def _store_media(session: Session, result: CheckResult, progress=None) -> None:
    """Store each media file once, with the type the check decided for it."""
    types = result.tree.media_types
    media = {rel: result.tree.files[rel] for rel in types}
    digests = {rel: file_hash(blob) for rel, blob in media.items()}
    known = _known_types(session, set(digests.values()))
    for index, (rel, blob) in enumerate(sorted(media.items()), start=1):
        digest, media_type = digests[rel], types[rel]
        if digest not in known:
            # A concurrent publish may store the same bytes: the first insert wins.
            insert_ignore(
                session,
                MediaBlob,
                sha256=digest,
                size=len(blob),
                data=blob,
                media_type=media_type,
            )
        elif known[digest] != media_type:
            # The same bytes under another name (notes.txt, then captions.vtt).
            session.execute(
                update(MediaBlob)
                .where(MediaBlob.sha256 == digest)
                .values(media_type=media_type)
            )
        known[digest] = media_type
        if progress:
            progress(index, len(media), rel)
    session.flush()


def _link_media(session: Session, version: ContentVersion, media: dict) -> None:
    """Record which blobs the version references: only those are served."""
    if media:
        session.execute(
            insert(VersionMedia),
            [
                {"version_id": version.id, "path": path, "sha256": sha}
                for path, sha in sorted(media.items())
            ],
        )
    session.flush()


def _known_types(session: Session, digests: set[str]) -> dict[str, str]:
    """The stored type of each of ``digests`` already in the blob table."""
    return dict(
        session.execute(
            select(MediaBlob.sha256, MediaBlob.media_type).where(
                MediaBlob.sha256.in_(digests)
            )
        ).all()
    )


#: The type of a blob stored as a source file only: never rendered if ever served.
SOURCE_TYPE = "application/octet-stream"


def store_files(session: Session, files: dict[str, bytes]) -> dict[str, str]:
    """Store each file's bytes once by hash (media keep their type); path -> sha."""
    digests = {rel: file_hash(blob) for rel, blob in files.items()}
    known = set(_known_types(session, set(digests.values())))
    for rel, blob in sorted(files.items()):
        digest = digests[rel]
        if digest not in known:
            insert_ignore(
                session,
                MediaBlob,
                sha256=digest,
                size=len(blob),
                data=blob,
                media_type=SOURCE_TYPE,
            )
            known.add(digest)
    session.flush()
    return digests


def _link_files(session: Session, version: ContentVersion, files: dict) -> None:
    """Record every source file of the version (never served by the media route)."""
    if files:
        session.execute(
            insert(VersionFile),
            [
                {"version_id": version.id, "path": rel, "sha256": file_hash(blob)}
                for rel, blob in sorted(files.items())
            ],
        )
    session.flush()


def version_files(session: Session, version: ContentVersion) -> dict[str, bytes] | None:
    """The version's source tree (path -> bytes); None if it was stored without one."""
    rows = session.execute(
        select(VersionFile.path, MediaBlob.data)
        .join(MediaBlob, MediaBlob.sha256 == VersionFile.sha256)
        .where(VersionFile.version_id == version.id)
    ).all()
    return {path: bytes(data) for path, data in rows} or None


def _make_active(session: Session, version: ContentVersion, who: str | None) -> None:
    session.execute(
        update(ContentVersion)
        .where(ContentVersion.id != version.id)
        .values(is_active=False)
    )
    version.is_active = True
    session.add(ContentActivation(version_id=version.id, activated_by=who))
    session.flush()
    forget_active()


def activate(session: Session, number: int, who: str | None = None) -> ContentVersion:
    """Serve version ``number`` again (roll back or forward)."""
    serialise(session, "courseware-content-publish")
    version = session.scalars(
        select(ContentVersion).where(ContentVersion.number == number)
    ).first()
    if version is None:
        raise PublishError(
            f"there is no version {number}; `content versions` lists them"
        )
    _make_active(session, version, who)
    return version


def media_blob(session: Session, sha256: str) -> MediaBlob | None:
    """A stored media file by its hash."""
    return session.get(MediaBlob, sha256)


def published_media_type(session: Session, sha256: str) -> str | None:
    """The stored type of a blob that a published version references, else None."""
    referenced = select(VersionMedia.sha256).where(VersionMedia.sha256 == sha256)
    return session.scalar(
        select(MediaBlob.media_type).where(
            MediaBlob.sha256 == sha256, referenced.exists()
        )
    )


def snapshot_of(version: ContentVersion) -> dict[str, Any]:
    """The version's content data (immutable: callers must not change it)."""
    return version.snapshot
