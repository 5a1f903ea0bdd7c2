"""Groups: list, create, edit, join codes, co-owners; and the learner's join page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.content.runtime import active_course
from courseware.core.once import already_done, remember
from courseware.core.requests import content_language
from courseware.db import get_session, refuse
from courseware.teach.forms import (
    ActionForm,
    CoOwnerForm,
    GroupForm,
    JoinCodeForm,
    JoinForm,
)
from courseware.teach.models import CLASS, COHORT, Group
from courseware.teach.services import groups as services
from courseware.teach.services.assignments import group_assignments
from courseware.teach.services.codes import suggest_prefix
from courseware.teach.services.progress import learner_assignments
from courseware.teach.services.report import load_learners
from courseware.teach.views.access import group_view, is_main_owner, teacher_required


def _group_form(kind: str, **kwargs) -> GroupForm:
    form = GroupForm(**kwargs)
    if kind == COHORT:
        del form.child_ages  # delegates at a meeting are adults
    return form


def _group_fields(form: GroupForm) -> dict:
    fields = {
        "name": form.name.data,
        "prefix": form.prefix.data or suggest_prefix(form.name.data),
        "timezone": form.timezone.data,
        "meeting_name": form.meeting_name.data,
        "meeting_date": form.meeting_date.data,
        "meeting_place": form.meeting_place.data,
    }
    if "child_ages" in form:
        fields["child_ages"] = form.child_ages.data or None
    return fields


@teacher_required
def index():
    """The teacher's classes and cohorts."""
    groups = services.owned_groups(get_session(), current_user)
    return render_template(
        "courseware/teach/index.html",
        classes=[g for g in groups if g.kind == CLASS],
        cohorts=[g for g in groups if g.kind == COHORT],
    )


@teacher_required
def new_group():
    """Create a class, or a meeting cohort with ``?kind=cohort``."""
    kind = request.args.get("kind", CLASS)
    if kind not in (CLASS, COHORT):
        abort(404)
    form = _group_form(kind)
    if form.validate_on_submit():
        if earlier := already_done(form):  # a double click: one group, not two
            return earlier
        group = services.create_group(
            get_session(), current_user, kind=kind, **_group_fields(form)
        )
        flash(_("The group is ready. Create accounts or give out a join code."))
        return remember(
            form, redirect(url_for("courseware_teach.group", group_id=group.id))
        )
    return render_template(
        "courseware/teach/group_form.html", form=form, kind=kind, group=None
    )


@group_view
def edit_group(group: Group):
    """Change a group's name, prefix, time zone or meeting details."""
    form = _group_form(group.kind, obj=group)
    if form.validate_on_submit():
        services.update_group(get_session(), group, **_group_fields(form))
        flash(_("Saved."), "success")
        return redirect(url_for("courseware_teach.group", group_id=group.id))
    return render_template(
        "courseware/teach/group_form.html", form=form, kind=group.kind, group=group
    )


@group_view
def group(group: Group):
    """A group's members, join code, assignments and co-owners."""
    session = get_session()
    course = active_course()
    return render_template(
        "courseware/teach/group.html",
        group=group,
        course=course,
        lang=content_language(course) if course else "en",
        learners=load_learners(session, group),
        assignments=group_assignments(session, group),
        co_owners=services.co_owners(session, group),
        main_owner=is_main_owner(group),
        code_form=JoinCodeForm(),
        co_owner_form=CoOwnerForm(),
        action_form=ActionForm(),
    )


@group_view
def join_code(group: Group):
    """Make a new join code (the old one stops working)."""
    form = JoinCodeForm()
    if not form.validate_on_submit():
        flash(_("Choose between 1 and 365 days."), "error")
    else:
        services.set_join_code(get_session(), group, form.days.data)
        flash(_("New join code made."), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id) + "#code")


@group_view
def revoke_code(group: Group):
    """Stop the join code from working."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_join_code(get_session(), group)
    flash(_("The join code no longer works."), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id) + "#code")


@group_view(main_owner=True)
def add_co_owner(group: Group):
    """Share the group with another teacher (the owner only)."""
    form = CoOwnerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = services.add_co_owner(get_session(), group, form.username.data)
    except services.TeachError as exc:
        refuse()  # undo what the service flushed before it refused
        flash(str(exc), "error")
    else:
        flash(_("%(name)s is now a co-owner.", name=user.username), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id) + "#owners")


@group_view(main_owner=True)
def remove_co_owner(group: Group, user_id: int):
    """Stop sharing the group with a co-owner (the owner only)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_co_owner(get_session(), group, user_id)
    flash(_("Co-owner removed."), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id) + "#owners")


@login_required
def join():
    """A learner joins a group with a code, and sees their own assignments."""
    session = get_session()
    form = JoinForm()
    if form.validate_on_submit():
        try:
            group, joined = services.join_with_code(
                session, current_user, form.code.data
            )
        except services.TeachError as exc:
            refuse()  # undo what the service flushed before it refused
            form.code.errors.append(str(exc))
        else:
            if joined:
                flash(_("You have joined %(name)s.", name=group.name), "success")
            else:
                flash(_("You are already in %(name)s.", name=group.name), "info")
            return redirect(url_for("courseware_teach.join"))
    course = active_course()
    return render_template(
        "courseware/teach/join.html",
        form=form,
        course=course,
        lang=content_language(course) if course else "en",
        groups=learner_assignments(session, current_user, course),
    )
