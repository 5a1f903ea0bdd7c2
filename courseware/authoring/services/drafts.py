"""Drafts: copies of the course's files, edited in the studio, then published.

Every write takes the draft's lock first (one writer per draft at once) and changes a
file only when it still has the bytes the form was opened with: two identical saves
make one change, and a save based on an older copy is refused.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import abort
from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.authoring.models import DISCARDED, OPEN, Draft, DraftFile
from courseware.authoring.services import audit
from courseware.authoring.services.files import PathError, normalise
from courseware.content.archive import ArchiveError, extract_archive
from courseware.content.build import check_content, content_hash
from courseware.content.hashing import file_hash
from courseware.content.loader import read_files
from courseware.content.models import ContentVersion, MediaBlob
from courseware.content.problems import Problems
from courseware.content.services import active_version, store_files
from courseware.content.services import version_files as stored_version_files
from courseware.db import serialise, utcnow

#: The time stamp written into downloaded archives (stable bytes for equal trees).
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class DraftError(ValueError):
    """A studio change was refused; nothing changed."""


class StaleFile(DraftError):
    """The file changed since the form was opened (another author saved first)."""

    def __init__(self, path: str, current: bytes | None) -> None:
        super().__init__(
            f"{path} was changed by someone else after you opened it; "
            "your text is below theirs: copy your change into the current text"
        )
        self.path, self.current = path, current


def get_draft(session: Session, draft_id: int) -> Draft:
    """The draft, or a 404 page."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        abort(404)
    return draft


def open_draft(session: Session, draft_id: int) -> Draft:
    """A draft that can be edited, else 404 (none) or DraftError (closed)."""
    draft = get_draft(session, draft_id)
    if not draft.is_open:
        raise DraftError(f"this draft is {draft.state}: it can no longer be changed")
    return draft


def list_drafts(session: Session, state: str | None = OPEN) -> list[Draft]:
    """Drafts, last changed first."""
    where = [] if state is None else [Draft.state == state]
    return list(
        session.scalars(select(Draft).where(*where).order_by(Draft.updated_at.desc()))
    )


def file_rows(session: Session, draft: Draft) -> list[DraftFile]:
    """The draft's files (without their bytes), by path."""
    return list(
        session.scalars(
            select(DraftFile)
            .where(DraftFile.draft_id == draft.id)
            .order_by(DraftFile.path)
        )
    )


def draft_files(session: Session, draft: Draft) -> dict[str, bytes]:
    """The draft's whole tree: path -> bytes."""
    rows = session.execute(
        select(DraftFile.path, MediaBlob.data)
        .join(MediaBlob, MediaBlob.sha256 == DraftFile.sha256)
        .where(DraftFile.draft_id == draft.id)
    ).all()
    return {path: bytes(data) for path, data in rows}


def read_file(session: Session, draft: Draft, path: str) -> tuple[bytes, str] | None:
    """(bytes, sha256) of one draft file, or None."""
    row = session.execute(
        select(MediaBlob.data, DraftFile.sha256)
        .join(MediaBlob, MediaBlob.sha256 == DraftFile.sha256)
        .where(DraftFile.draft_id == draft.id, DraftFile.path == path)
    ).first()
    return (bytes(row[0]), row[1]) if row else None


def version_files(session: Session, version: ContentVersion) -> dict[str, bytes]:
    """A published version's tree; from the content folder for versions stored
    without one when the folder's hash matches, else DraftError."""
    files = stored_version_files(session, version)
    if files is not None:
        return files
    from flask import current_app

    root = Path(current_app.config["COURSEWARE_CONTENT_DIR"])
    result = check_content(root)
    if content_hash(result.tree) != version.content_hash:
        raise DraftError(
            f"version {version.number} was published before the studio kept source "
            "files, and the content folder no longer holds it: start the draft from "
            "a course archive instead"
        )
    return dict(result.tree.files)


def _lock(session: Session, draft_id: int | None = None) -> None:
    serialise(session, f"courseware-authoring-draft-{draft_id or 'new'}")


def create_draft(
    session: Session,
    user: User,
    title: str,
    files: dict[str, bytes],
    base: ContentVersion | None = None,
    source: str = "version",
) -> Draft:
    """A new open draft holding ``files`` (paths checked)."""
    clean: dict[str, bytes] = {}
    for path, data in files.items():
        try:
            clean[normalise(path)] = data
        except PathError as exc:
            raise DraftError(f"{path}: {exc}") from None
    now = utcnow()
    draft = Draft(
        title=title.strip()[:200],
        base_version_id=base.id if base else None,
        created_by=user.id,
        updated_by=user.id,
        created_at=now,
        updated_at=now,
        state=OPEN,
    )
    session.add(draft)
    session.flush()
    digests = store_files(session, clean)
    session.add_all(
        DraftFile(
            draft_id=draft.id,
            path=path,
            sha256=digests[path],
            size=len(data),
            updated_by=user.id,
            updated_at=now,
        )
        for path, data in sorted(clean.items())
    )
    session.flush()
    audit.record(
        session,
        user,
        "draft.start",
        draft_id=draft.id,
        version_id=draft.base_version_id,
        source=source,
        files=len(clean),
    )
    return draft


def start_from_active(session: Session, user: User, title: str) -> Draft:
    """A draft holding the active version's files."""
    version = active_version(session)
    if version is None:
        raise DraftError(
            "nothing is published yet: start the draft from a course archive"
        )
    files = version_files(session, version)
    return create_draft(
        session,
        user,
        title or gettext("Draft of version %(n)s", n=version.number),
        files,
        version,
    )


def start_from_archive(
    session: Session, user: User, title: str, archive: Path
) -> Draft:
    """A draft holding an uploaded course archive's files (extracted safely)."""
    with tempfile.TemporaryDirectory(prefix="courseware-studio-") as tmp:
        try:
            root = extract_archive(archive, Path(tmp))
        except ArchiveError as exc:
            raise DraftError(str(exc.problem)) from None
        problems = Problems()
        files = read_files(root, problems)
    if problems.errors:
        raise DraftError(str(problems.sorted()[0]))
    return create_draft(
        session, user, title or archive.name, files, None, source="archive"
    )


def _writing(session: Session, draft: Draft, path: str) -> str:
    """The clean path, once this request holds the draft's lock and it is open."""
    try:
        clean = normalise(path)
    except PathError as exc:
        raise DraftError(f"{path}: {exc}") from None
    _lock(session, draft.id)
    open_draft(session, draft.id)
    return clean


def _touch(session: Session, draft: Draft, user: User) -> None:
    """Raise the draft's revision and record who changed it (open drafts only)."""
    changed = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.state == OPEN)
        .values(revision=Draft.revision + 1, updated_by=user.id, updated_at=utcnow())
    ).rowcount
    if not changed:
        raise DraftError("this draft is closed: it can no longer be changed")
    session.refresh(draft)


def save_file(
    session: Session,
    draft: Draft,
    path: str,
    data: bytes,
    user: User,
    expected: str | None = None,
    *,
    create: bool = False,
) -> bool:
    """Write one file; True if it changed.

    ``expected`` is the sha256 the form was opened with: a file that has other
    bytes now is refused (StaleFile) unless it already holds ``data`` (the same save
    twice). ``create`` refuses an existing file with other bytes.
    """
    path = _writing(session, draft, path)
    digest = file_hash(data)
    current = session.get(DraftFile, (draft.id, path), populate_existing=True)
    if current is not None and current.sha256 == digest:
        return False  # already so: a repeated or simultaneous identical save
    if current is not None and (create or current.sha256 != expected):
        found = read_file(session, draft, path)
        raise StaleFile(path, found[0] if found else None)
    if current is None and expected:
        raise StaleFile(path, None)
    store_files(session, {path: data})
    now = utcnow()
    if current is None:
        session.add(
            DraftFile(
                draft_id=draft.id,
                path=path,
                sha256=digest,
                size=len(data),
                updated_by=user.id,
                updated_at=now,
            )
        )
    else:
        current.sha256, current.size = digest, len(data)
        current.updated_by, current.updated_at = user.id, now
    session.flush()
    _touch(session, draft, user)
    audit.record(
        session,
        user,
        "file.create" if current is None else "file.save",
        draft_id=draft.id,
        path=path,
        sha256=digest,
        size=len(data),
    )
    return True


def delete_file(
    session: Session, draft: Draft, path: str, user: User, expected: str | None
) -> bool:
    """Remove one file; True if it was there (and had the bytes the form showed)."""
    path = _writing(session, draft, path)
    current = session.get(DraftFile, (draft.id, path), populate_existing=True)
    if current is None:
        return False  # already deleted (the same request twice)
    if expected and current.sha256 != expected:
        found = read_file(session, draft, path)
        raise StaleFile(path, found[0] if found else None)
    session.execute(
        delete(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path == path)
    )
    _touch(session, draft, user)
    audit.record(session, user, "file.delete", draft_id=draft.id, path=path)
    return True


def discard(session: Session, draft: Draft, user: User) -> bool:
    """Close the draft without publishing; True if this call closed it."""
    changed = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.state == OPEN)
        .values(state=DISCARDED, updated_by=user.id, updated_at=utcnow())
    ).rowcount
    if changed:
        audit.record(session, user, "draft.discard", draft_id=draft.id)
    session.refresh(draft)
    return bool(changed)


def materialise(files: dict[str, bytes], root: Path) -> Path:
    """Write a tree into the folder ``root`` (paths are checked again)."""
    root = Path(root)
    for top in ("modules", "quizzes"):
        (root / top).mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        target = root / normalise(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def archive_bytes(files: dict[str, bytes]) -> bytes:
    """The tree as a .zip with modules/ and quizzes/ at its top (`content import`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()
