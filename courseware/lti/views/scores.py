"""Scores: the receivers that queue them, and their delivery for administrators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.auth.models import Role
from courseware.core.forms import Form
from courseware.db import get_session
from courseware.learn.signals import module_completed, quiz_graded, track_completed
from courseware.lti.services import ags, entry, nrps, outbox
from courseware.lti.signals import launched

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"


class RetryDeadForm(Form):
    """Send the dead letters again (CSRF only)."""


@login_required
def admin():
    """Score delivery per platform for administrators, with the refused scores."""
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    session = get_session()
    form = RetryDeadForm()
    if form.validate_on_submit():
        count = outbox.retry_dead(session)
        flash(_("%(n)d score(s) will be sent again.", n=count), "success")
        return redirect(url_for("courseware_lti.scores_admin"))
    return render_template(
        "courseware/lti/scores_admin.html",
        platforms=outbox.status(session),
        dead=outbox.dead_letters(session),
        form=form,
    )


#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = [
    ("/admin/lti/scores", "scores_admin", admin, ["GET", "POST"]),
]


# -- receivers: in the learner's unit of work ----------------------------------------


def _on_launched(app, *, session, user, launch, claims, **_extra):
    """A resource-link launch says where results go and where the roster is."""
    nrps.record_source(session, launch.platform_id, claims)
    if launch.message_type != RESOURCE_LINK_REQUEST:
        return
    link = launch.resource_link
    target = entry.parse_target(claims) or (link.target if link else None)
    ags.record_launch(session, user, launch.platform_id, target, claims)


def _on_quiz_graded(app, *, session, user, course, attempt, **_extra):
    ags.on_quiz_graded(session, user, course, attempt)


def _on_module_completed(app, *, session, user, course, module_id, **_extra):
    ags.on_module_completed(session, user, course, module_id)


def _on_track_completed(app, *, session, user, track, **_extra):
    ags.on_track_completed(session, user, track)


def connect(state) -> None:
    """Connect the receivers for one application (``bp.record_once``)."""
    launched.connect(_on_launched, sender=state.app)
    quiz_graded.connect(_on_quiz_graded, sender=state.app)
    module_completed.connect(_on_module_completed, sender=state.app)
    track_completed.connect(_on_track_completed, sender=state.app)
