"""Endpoints: media events from the player, and our published xAPI profile."""

from __future__ import annotations

from importlib import resources

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import update

from courseware.auth.models import Role
from courseware.core.forms import Form as FlaskForm
from courseware.core.payload import json_body
from courseware.db import get_session, utcnow
from courseware.learn.services import learner
from courseware.learn.views import content_language, require_course
from courseware.xapi.media import accept
from courseware.xapi.models import DeliveryState, OutboxStatement
from courseware.xapi.monitor import dead_letters
from courseware.xapi.services import delivery_status

MAX_EVENTS = 200
#: The player's queue: each event is then checked on its own (see xapi/media.py).
MEDIA_EVENTS = {
    "type": "object",
    "properties": {
        "events": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_EVENTS,
            "items": {"type": "object"},
        },
        "language": {"type": ["string", "null"], "maxLength": 16},
    },
    "required": ["events"],
    "additionalProperties": False,
}


@login_required
def media_events():
    """Queue the player's events (CSRF header required; duplicates are harmless)."""
    course = require_course()
    data = json_body(MEDIA_EVENTS)
    events = data["events"]
    lang = data.get("language") or content_language(course)
    if lang not in course.languages:
        lang = content_language(course)
    who = learner(get_session(), current_user, course, lang)
    accepted, rejected = accept(get_session(), course, who, events)
    return jsonify(accepted=accepted, rejected=rejected)


def profile():
    """Our xAPI profile (JSON-LD): the vocabulary and statement templates we use."""
    text = (
        resources.files("courseware.xapi").joinpath("profile.jsonld").read_text("utf-8")
    )
    if not text:
        abort(404)
    return Response(
        text,
        mimetype="application/ld+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


class RequeueForm(FlaskForm):
    """Send the dead letters again (CSRF only)."""


@login_required
def admin():
    """Delivery at a glance for administrators, with dead letters and reasons."""
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    session = get_session()
    form = RequeueForm()
    if form.validate_on_submit():
        result = session.execute(
            update(OutboxStatement)
            .where(OutboxStatement.state == DeliveryState.DEAD)
            .values(state=DeliveryState.PENDING, tries=0, next_attempt_at=utcnow())
        )
        flash(_("%(n)d statement(s) will be sent again.", n=result.rowcount), "success")
        return redirect(url_for("courseware_xapi.admin"))
    return render_template(
        "courseware/xapi/admin.html",
        status=delivery_status(session),
        dead=dead_letters(session),
        form=form,
    )
