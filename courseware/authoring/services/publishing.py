"""Publish a draft and activate versions: the CLI's transaction, with the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.authoring.models import OPEN, PUBLISHED, Draft
from courseware.authoring.services import audit
from courseware.authoring.services.checking import check_files
from courseware.authoring.services.drafts import (
    DraftError,
    draft_files,
    materialise,
    open_draft,
)
from courseware.content.models import ContentVersion
from courseware.content.services import (
    Published,
    PublishError,
    activate,
    active_version,
    publish,
)
from courseware.db import serialise, utcnow


def publish_draft(session: Session, draft: Draft, note: str, user: User) -> Published:
    """Check the draft; if it has no errors publish it as the active version."""
    if not note.strip():
        raise DraftError("say what changed in a note")
    serialise(session, f"courseware-authoring-draft-{draft.id}")
    open_draft(session, draft.id)
    session.refresh(draft)
    files = draft_files(session, draft)
    result = check_files(files)
    if not result.ok:
        raise DraftError(
            f"{len(result.problems.errors)} error(s): nothing was published; "
            "fix them on the Check page"
        )
    with tempfile.TemporaryDirectory(prefix="courseware-publish-") as tmp:
        try:
            published = publish(
                session, materialise(files, Path(tmp)), note, user.username
            )
        except PublishError as exc:
            raise DraftError(str(exc)) from None
    session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.state == OPEN)
        .values(
            state=PUBLISHED,
            published_version_id=published.version.id,
            updated_by=user.id,
            updated_at=utcnow(),
        )
    )
    session.refresh(draft)
    audit.record(
        session,
        user,
        "draft.publish" if published.created else "draft.publish-unchanged",
        draft_id=draft.id,
        version_id=published.version.id,
        number=published.version.number,
        note=note.strip(),
        content_hash=published.version.content_hash,
    )
    return published


def activate_version(
    session: Session, number: int, user: User
) -> tuple[ContentVersion, bool]:
    """Serve version ``number`` again (roll back or forward), recorded; (version,
    whether this call changed anything)."""
    serialise(session, "courseware-content-publish")
    current = active_version(session)
    if current is not None and current.number == number:
        return current, False  # already active: the same request twice
    try:
        version = activate(session, number, user.username)
    except PublishError as exc:
        raise DraftError(str(exc)) from None
    audit.record(
        session, user, "version.activate", version_id=version.id, number=number
    )
    return version, True
