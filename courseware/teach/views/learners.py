"""A group's learners: accounts and login cards, a learner's page, extensions."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from courseware.content.runtime import active_course
from courseware.core.once import already_done, remember_location
from courseware.core.requests import content_language
from courseware.db import get_session, refuse
from courseware.teach.forms import ActionForm, ExtensionForm, PupilsForm
from courseware.teach.models import Group
from courseware.teach.services import accounts, assignments
from courseware.teach.services import groups as services
from courseware.teach.services.progress import learner_detail
from courseware.teach.views.access import group_view


def _member_or_404(group: Group, user_id: int):
    try:
        return services.member(get_session(), group, user_id)
    except services.TeachError:
        refuse()  # undo what the service flushed before it refused
        abort(404)


def _cards_page(group: Group, cards: list[accounts.Card]):
    """Cards with passwords: shown once, never cached, never stored."""
    response = make_response(
        render_template(
            "courseware/teach/cards.html",
            group=group,
            cards=cards,
            login_url=url_for("courseware_auth.login", _external=True),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@group_view
def cards(group: Group):
    """Create pupil accounts and print their login cards."""
    form = PupilsForm()
    if form.validate_on_submit():
        if earlier := already_done(form):  # sent twice: one set of accounts
            return earlier
        try:
            made = accounts.create_pupils(get_session(), group, form.entries())
        except services.TeachError as exc:
            refuse()  # undo what the service flushed before it refused
            form.names.errors.append(str(exc))
        else:
            # The passwords are shown once: a repeat goes to the group's page.
            group_page = url_for("courseware_teach.group", group_id=group.id)
            remember_location(form, group_page)
            return _cards_page(group, made)
    return render_template("courseware/teach/pupils.html", group=group, form=form)


@group_view
def reset_password(group: Group, user_id: int):
    """A new password for a pupil account of this group, on a card to print."""
    _member_or_404(group, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        card = accounts.reset_password(get_session(), group, user_id)
    except services.TeachError as exc:
        refuse()  # undo what the service flushed before it refused
        flash(str(exc), "error")
        return redirect(url_for("courseware_teach.learner", **_ids(group, user_id)))
    return _cards_page(group, [card])


def _ids(group: Group, user_id: int) -> dict:
    return {"group_id": group.id, "user_id": user_id}


@group_view
def learner(group: Group, user_id: int):
    """One learner's assignments, lessons, quiz attempts and content versions."""
    membership, user = _member_or_404(group, user_id)
    course = active_course()
    detail = learner_detail(get_session(), group, course, user_id)
    return render_template(
        "courseware/teach/learner.html",
        group=group,
        course=course,
        lang=content_language(course) if course else "en",
        membership=membership,
        user=user,
        detail=detail,
        extension_forms={
            item.assignment.id: ExtensionForm(prefix=f"ext{item.assignment.id}")
            for item in detail.items
        },
        action_form=ActionForm(),
    )


@group_view
def remove(group: Group, user_id: int):
    """Take a learner out of the group (their account and records stay)."""
    _member_or_404(group, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_member(get_session(), group, user_id)
    flash(_("The learner has left the group."), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id))


def _assignment_or_404(group: Group, assignment_id: int):
    try:
        return assignments.find_assignment(get_session(), group, assignment_id)
    except services.TeachError:
        refuse()  # undo what the service flushed before it refused
        abort(404)


@group_view
def extend(group: Group, user_id: int, assignment_id: int):
    """Give one learner a later due date on one assignment."""
    _member_or_404(group, user_id)
    assignment = _assignment_or_404(group, assignment_id)
    form = ExtensionForm(prefix=f"ext{assignment.id}")
    if form.validate_on_submit():
        due = assignments.due_at(group, form.due_date.data, form.due_time.data)
        assignments.set_extension(get_session(), assignment, user_id, due)
        flash(_("Extension saved."), "success")
    else:
        flash(_("Give a valid date for the extension."), "error")
    return redirect(url_for("courseware_teach.learner", **_ids(group, user_id)))


@group_view
def unextend(group: Group, user_id: int, assignment_id: int):
    """Remove a learner's extension."""
    _member_or_404(group, user_id)
    assignment = _assignment_or_404(group, assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    assignments.remove_extension(get_session(), assignment, user_id)
    flash(_("Extension removed."), "success")
    return redirect(url_for("courseware_teach.learner", **_ids(group, user_id)))
