"""Studio views: publish a draft, the version list, activate a version."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courseware.authoring.forms import ActivateForm, PublishForm
from courseware.authoring.services.access import author_required
from courseware.authoring.services.checking import check_draft
from courseware.authoring.services.drafts import DraftError
from courseware.authoring.services.publishing import activate_version, publish_draft
from courseware.authoring.views.common import draft_or_404, render
from courseware.content.models import ContentVersion
from courseware.content.services import list_versions
from courseware.core.once import already_done, remember
from courseware.db import get_session, refuse


def _publish_page(item, form, status=200, error=None):
    result = check_draft(get_session(), item)
    return render(
        "publish.html",
        status,
        draft=item,
        form=form,
        errors=len(result.problems.errors),
        warnings=len(result.problems.warnings),
        error=error,
    )


@author_required
def publish(draft_id: int):
    """Publish the draft with a note (refused while the checker finds errors)."""
    item = draft_or_404(draft_id)
    form = PublishForm()
    if not form.is_submitted():
        return _publish_page(item, PublishForm(formdata=None))
    if not form.validate():
        return _publish_page(item, form, 400)
    if earlier := already_done(form):
        return earlier
    try:
        published = publish_draft(get_session(), item, form.note.data, current_user)
    except DraftError as exc:
        refuse()
        return _publish_page(item, form, 400, str(exc))
    if published.created:
        flash(
            _(
                "Published version %(n)s; learners see it now.",
                n=published.version.number,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Nothing changed since version %(n)s; nothing was published.",
                n=published.version.number,
            ),
            "info",
        )
    return remember(form, redirect(url_for(".versions")))


@author_required
def versions():
    """Every published version, newest first, with the way to activate one."""
    return render("versions.html", versions=list_versions(get_session()))


@author_required
def activate(number: int):
    """Confirm, then make version ``number`` the one learners see."""
    session = get_session()
    version = session.scalars(
        select(ContentVersion).where(ContentVersion.number == number)
    ).first()
    if version is None:
        abort(404)
    form = ActivateForm()
    if form.is_submitted():
        if form.validate():
            _version, changed = activate_version(session, number, current_user)
            if changed:
                flash(_("Version %(n)s is now active.", n=number), "success")
            return redirect(url_for(".versions"))
        status = 400
    else:
        status = 200
    return render("activate.html", status, version=version, form=form)


def rules(draft: str) -> list[tuple]:
    """The publishing views' rules (``draft`` is the draft's URL)."""
    return [
        (f"{draft}/publish", "publish", publish, ["GET", "POST"]),
        ("/studio/versions", "versions", versions, ["GET"]),
        (
            "/studio/versions/<int:number>/activate",
            "activate",
            activate,
            ["GET", "POST"],
        ),
    ]
