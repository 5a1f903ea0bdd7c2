"""The roster of an LMS-made class: what the LMS last said, and a sync button."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from courseware.auth.models import User
from courseware.core.forms import Form
from courseware.db import get_session, refuse
from courseware.lti.services import nrps
from courseware.lti.services.connector import Connector, ToolKey, tool_key
from courseware.lti.services.outbox import ScoreConfig
from courseware.teach.views.access import group_view


def _committed_key() -> ToolKey:
    """Our signing key, made and committed apart from this request's work: the LMS
    reads our JWKS while the request waits for the roster."""
    with current_app.extensions["courseware"].sessionmaker() as own:
        key = tool_key(own)
        own.commit()
    return key


class SyncForm(Form):
    """Sync the roster from the LMS (CSRF only)."""


@group_view
def roster(group):
    """The class's LMS roster; POST reads it from the LMS again."""
    session = get_session()
    context = nrps.lms_context(session, group.id)
    if context is None:
        return render_template("courseware/lti/roster_none.html", group=group), 404
    form = SyncForm()
    if form.validate_on_submit():
        config = ScoreConfig.from_app(current_app.config)
        page_size = current_app.config.get("COURSEWARE_LTI_NRPS_PAGE_SIZE", 100)
        with Connector(config.connect_timeout, config.read_timeout) as connector:
            try:
                result = nrps.sync(
                    session, connector, _committed_key(), group.id, context, page_size
                )
            except nrps.RosterError as exc:
                refuse()
                flash(str(exc), "error")
                return redirect(url_for("courseware_lti.roster", group_id=group.id))
        flash(
            _(
                "Roster synced: %(added)d added, %(removed)d removed, "
                "%(unchanged)d unchanged.",
                added=result.added,
                removed=result.removed,
                unchanged=result.unchanged,
            ),
            "success",
        )
        return redirect(url_for("courseware_lti.roster", group_id=group.id))
    members = nrps.roster(session, group.id)
    names = dict(
        session.execute(
            select(User.id, User.username).where(
                User.id.in_([m.user_id for m in members])
            )
        ).all()
    )
    return render_template(
        "courseware/lti/roster.html",
        group=group,
        context=context,
        members=members,
        names=names,
        has_source=nrps.source(session, context) is not None,
        form=form,
    )


#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = [
    ("/lti/classes/<int:group_id>/roster", "roster", roster, ["GET", "POST"]),
]


def roster_url(group) -> str | None:
    """The LMS roster page of a class made from an LMS course (None for others):
    the teach pages show the link through this template helper."""
    if nrps.lms_context(get_session(), group.id) is None:
        return None
    return url_for("courseware_lti.roster", group_id=group.id)
