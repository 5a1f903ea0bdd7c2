"""Endpoints: our published xAPI profile, and delivery for administrators."""

from __future__ import annotations

from importlib import resources

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.auth.models import Role
from courseware.db import get_session
from courseware.xapi import services
from courseware.xapi.forms import RequeueForm
from courseware.xapi.monitor import dead_letters


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


@login_required
def admin():
    """Delivery at a glance for administrators, with dead letters and reasons."""
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    session = get_session()
    form = RequeueForm()
    if form.validate_on_submit():
        count = services.requeue(session)
        flash(_("%(n)d statement(s) will be sent again.", n=count), "success")
        return redirect(url_for("courseware_xapi.admin"))
    return render_template(
        "courseware/xapi/admin.html",
        status=services.delivery_status(session),
        dead=dead_letters(session),
        form=form,
    )
