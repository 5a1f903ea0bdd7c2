"""The studio's audit log: who did what, when, to which draft, version or file."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.authoring.models import AuditEntry

PER_PAGE = 50


def record(
    session: Session,
    user: User | None,
    action: str,
    *,
    draft_id: int | None = None,
    version_id: int | None = None,
    path: str | None = None,
    **detail: Any,
) -> None:
    """Add one entry (flushed with the change it records, in its transaction)."""
    session.add(
        AuditEntry(
            user_id=user.id if user is not None else None,
            action=action,
            draft_id=draft_id,
            version_id=version_id,
            path=path,
            detail=detail,
        )
    )
    session.flush()


def entries(
    session: Session,
    page: int = 1,
    per_page: int = PER_PAGE,
    draft_id: int | None = None,
) -> tuple[list[tuple[AuditEntry, str | None]], int]:
    """(entry, username) of one page, newest first, and the number of pages."""
    where = [] if draft_id is None else [AuditEntry.draft_id == draft_id]
    total = session.scalar(select(func.count(AuditEntry.id)).where(*where)) or 0
    rows = session.execute(
        select(AuditEntry, User.username)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return [(entry, name) for entry, name in rows], max(1, -(-total // per_page))


def action_label(action: str) -> str:
    """An audit action as the studio shows it, in the interface language."""
    labels = {
        "draft.start": gettext("Draft started"),
        "draft.discard": gettext("Draft discarded"),
        "draft.publish": gettext("Draft published"),
        "draft.publish-unchanged": gettext("Published: nothing had changed"),
        "file.create": gettext("File created"),
        "file.save": gettext("File saved"),
        "file.delete": gettext("File deleted"),
        "version.activate": gettext("Version made active"),
        "preview.link": gettext("Preview link made"),
    }
    return labels.get(action, action)
