"""Studio views: the drafts and versions, starting, downloading, discarding drafts."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware.auth.models import User
from courseware.authoring.forms import ActionForm, StartDraftForm, UploadArchiveForm
from courseware.authoring.services import audit
from courseware.authoring.services import drafts as services
from courseware.authoring.services.access import author_required
from courseware.authoring.services.checking import check_draft, problems_by_file
from courseware.authoring.services.files import tree_by_module
from courseware.authoring.views import editing, publishing, quizzes, settings
from courseware.authoring.views.common import (
    draft_or_404,
    max_upload,
    render,
    too_large,
    upload_too_large,
)
from courseware.content.services import list_versions
from courseware.core.once import already_done, remember
from courseware.db import get_session, refuse

DRAFT = "/studio/drafts/<int:draft_id>"


def _names(ids) -> dict[int, str]:
    from sqlalchemy import select

    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = get_session().execute(
        select(User.id, User.username).where(User.id.in_(wanted))
    )
    return dict(rows.all())


def _index_page(start=None, upload=None, status=200, error=None):
    session = get_session()
    drafts = services.list_drafts(session)
    versions = list_versions(session)
    names = _names([d.updated_by for d in drafts] + [d.created_by for d in drafts])
    return render(
        "index.html",
        status,
        drafts=drafts,
        versions=versions,
        by_id={v.id: v for v in versions},
        names=names,
        start=start or StartDraftForm(prefix="start"),
        upload=upload or UploadArchiveForm(prefix="upload"),
        max_upload=max_upload(),
        error=error,
    )


@author_required
def index():
    """Drafts and versions; start a draft."""
    return _index_page()


@author_required
def start():
    """Start a draft from the active version."""
    form = StartDraftForm(prefix="start")
    if not form.validate_on_submit():
        return _index_page(start=form, status=400)
    if earlier := already_done(form):
        return earlier
    try:
        draft = services.start_from_active(get_session(), current_user, form.title.data)
    except services.DraftError as exc:
        refuse()
        return _index_page(start=form, status=400, error=str(exc))
    flash(_("The draft is ready. Nothing learners see changes until it is published."))
    return remember(form, redirect(url_for(".draft", draft_id=draft.id)))


@author_required
def upload():
    """Start a draft from an uploaded course archive (checked as `content import`)."""
    if refused := upload_too_large():
        return refused
    form = UploadArchiveForm(prefix="upload")
    if not form.validate_on_submit():
        return _index_page(upload=form, status=400)
    if earlier := already_done(form):
        return earlier
    with tempfile.TemporaryDirectory(prefix="courseware-upload-") as tmp:
        name = Path(form.archive.data.filename or "course.zip").name or "course.zip"
        archive = Path(tmp) / name
        form.archive.data.save(archive)
        if archive.stat().st_size > max_upload():
            return too_large(archive.stat().st_size)
        try:
            draft = services.start_from_archive(
                get_session(), current_user, form.title.data, archive
            )
        except services.DraftError as exc:
            refuse()
            form.archive.errors = [str(exc)]
            return _index_page(upload=form, status=400)
    flash(_("The draft is ready. Nothing learners see changes until it is published."))
    return remember(form, redirect(url_for(".draft", draft_id=draft.id)))


@author_required
def draft(draft_id: int):
    """A draft: its files by module, who changed each and when, the checker's count."""
    session = get_session()
    item = draft_or_404(draft_id)
    rows = services.file_rows(session, item)
    by_path = {row.path: row for row in rows}
    result = check_draft(session, item)
    problems = problems_by_file(result)
    base = None
    if item.base_version_id:
        from courseware.content.models import ContentVersion

        base = session.get(ContentVersion, item.base_version_id)
    return render(
        "draft.html",
        draft=item,
        base=base,
        groups=tree_by_module(list(by_path)),
        rows=by_path,
        names=_names([r.updated_by for r in rows] + [item.created_by, item.updated_by]),
        problems=problems,
        errors=len(result.problems.errors),
        warnings=len(result.problems.warnings),
        new_form=editing.new_file_form(),
        media_form=editing.media_form(),
        discard_form=ActionForm(),
        max_upload=max_upload(),
    )


@author_required
def download(draft_id: int):
    """The draft as a course archive (the layout `content import` takes)."""
    item = draft_or_404(draft_id)
    data = services.archive_bytes(services.draft_files(get_session(), item))
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="draft-{item.id}.zip"'},
    )


@author_required
def discard(draft_id: int):
    """Close a draft without publishing it."""
    item = draft_or_404(draft_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if services.discard(get_session(), item, current_user):
        flash(_("The draft was discarded."))
    return redirect(url_for(".index"))


@author_required
def audit_log():
    """Every studio action, newest first, paged."""
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    entries, pages = audit.entries(get_session(), page)
    if page > pages:
        abort(404)
    return render(
        "audit.html",
        entries=entries,
        page=page,
        pages=pages,
        action_label=audit.action_label,
    )


GET_POST = ["GET", "POST"]
POST = ["POST"]

#: (rule, endpoint, view, methods) registered by ``courseware/authoring/blueprint.py``.
RULES: list[tuple] = [
    ("/studio/", "index", index, ["GET"]),
    ("/studio/drafts/new", "start", start, POST),
    ("/studio/drafts/upload", "upload", upload, POST),
    (DRAFT, "draft", draft, ["GET"]),
    (f"{DRAFT}/download", "download", download, ["GET"]),
    (f"{DRAFT}/discard", "discard", discard, POST),
    ("/studio/audit", "audit", audit_log, ["GET"]),
    *editing.rules(DRAFT),
    *publishing.rules(DRAFT),
    *quizzes.rules(DRAFT),
    *settings.rules(DRAFT),
]
