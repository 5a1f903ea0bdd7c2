"""Publishing, activating and reading content versions. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from courseware.content.build import CheckResult, check_content, content_hash, snapshot
from courseware.content.hashing import file_hash
from courseware.content.models import ContentActivation, ContentVersion, MediaBlob
from courseware.content.runtime import forget_active


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
    _make_active(session, version, who)
    return Published(version, True, result)


def _store_media(session: Session, result: CheckResult, progress=None) -> None:
    media = {
        rel: blob
        for rel, blob in result.tree.files.items()
        if rel.startswith("modules/") and "/media/" in rel
    }
    known = set(session.scalars(select(MediaBlob.sha256)))
    for index, (rel, blob) in enumerate(sorted(media.items()), start=1):
        digest = file_hash(blob)
        if digest not in known:
            session.add(MediaBlob(sha256=digest, size=len(blob), data=blob))
            known.add(digest)
        if progress:
            progress(index, len(media), rel)
    session.flush()


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


def snapshot_of(version: ContentVersion) -> dict[str, Any]:
    """The version's content data (immutable: callers must not change it)."""
    return version.snapshot
