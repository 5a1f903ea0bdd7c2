"""Assignments: give a module or a track to a group or to some learners."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from courseware.content.runtime import Course, active_course
from courseware.core.once import already_done, remember
from courseware.core.requests import content_language
from courseware.db import get_session, refuse
from courseware.teach.forms import ActionForm, AssignmentForm
from courseware.teach.models import Group
from courseware.teach.services import assignments as service
from courseware.teach.services.children import for_adults
from courseware.teach.services.groups import TeachError
from courseware.teach.services.report import item_title, load_learners
from courseware.teach.views.access import group_view


def _item_choices(course: Course | None, lang: str) -> dict:
    if course is None:
        return {}
    modules = [
        (f"module:{mid}", course.text(m["title"], lang))
        for mid, m in course.modules.items()
    ]
    tracks = [
        (f"track:{t['id']}", course.text(t["title"], lang)) for t in course.tracks
    ]
    return {_("Modules"): modules, _("Tracks"): tracks}


def _children_choices(course: Course | None, group: Group, lang: str) -> dict:
    """For a class of children: what is written for children first, then the rest."""
    if course is None:
        return {}
    band = course.children_tracks((group.child_ages,))
    tracks = [t["id"] for t in band + [t for t in course.tracks if t not in band]]
    modules = list(course.modules)
    choices = {}
    for label, kind, items, adult in (
        (_("Modules written for children"), "module", modules, False),
        (_("Tracks written for children"), "track", tracks, False),
        (_("Modules written for adults"), "module", modules, True),
        (_("Tracks written for adults"), "track", tracks, True),
    ):
        found = [
            (f"{kind}:{item}", item_title(course, kind, item, lang))
            for item in items
            if for_adults(course, kind, item) == adult
        ]
        if found:
            choices[label] = found
    return choices


def _form(group: Group, course: Course | None, lang: str, **kwargs) -> AssignmentForm:
    form = AssignmentForm(**kwargs)
    form.item.choices = (
        _children_choices(course, group, lang)
        if group.is_children
        else _item_choices(course, lang)
    )
    form.learners.choices = [
        SelectChoice(lr.user_id, lr.label) for lr in load_learners(get_session(), group)
    ]
    return form


@group_view
def new_assignment(group: Group):
    """Assign a module or a track, with an optional due date."""
    course = active_course()
    lang = content_language(course) if course else "en"
    form = _form(group, course, lang)

    def save(due):
        kind, _sep, item_id = form.item.data.partition(":")
        service.assign(
            get_session(), course, group, kind, item_id, due, form.learners.data
        )
        if group.is_children and for_adults(course, kind, item_id):
            flash(
                _(
                    "Content note: %(title)s is written for adults. The modules "
                    "written for children are listed first in the form.",
                    title=item_title(course, kind, item_id, lang),
                ),
                "info",
            )

    done = _("Assigned.")
    return _assignment_page(group, form, course, None, None, save, "item", done)


def _assignment_or_404(group: Group, assignment_id: int):
    try:
        return service.find_assignment(get_session(), group, assignment_id)
    except TeachError:
        refuse()  # undo what the service flushed before it refused
        abort(404)


@group_view
def edit_assignment(group: Group, assignment_id: int):
    """Change the due date or the learners of an assignment."""
    assignment = _assignment_or_404(group, assignment_id)
    course = active_course()
    lang = content_language(course) if course else "en"
    session = get_session()
    local = service.local_time(group, assignment.due_at)
    form = _form(
        group,
        course,
        lang,
        data={
            "item": f"{assignment.kind}:{assignment.item_id}",
            "due_date": local.date() if local else None,
            "due_time": local.time() if local else None,
            "learners": service.chosen_learners(session, assignment),
        },
    )
    del form.item  # the item stays: learning records refer to it

    def save(due):
        service.update_assignment(session, group, assignment, due, form.learners.data)

    title = item_title(course, assignment.kind, assignment.item_id, lang)
    return _assignment_page(
        group, form, course, assignment, title, save, "learners", _("Saved.")
    )


def _assignment_page(group, form, course, assignment, title, save, field, done):
    """The form page: a valid post runs ``save(due)``; a refusal shows on ``field``."""
    if form.validate_on_submit():
        if assignment is None and (earlier := already_done(form)):
            return earlier  # a new assignment sent twice: one assignment
        try:
            save(service.due_at(group, form.due_date.data, form.due_time.data))
        except TeachError as exc:
            refuse()  # undo what the service flushed before it refused
            form[field].errors.append(str(exc))
        else:
            flash(done, "success")
            back = redirect(url_for("courseware_teach.group", group_id=group.id))
            return remember(form, back) if assignment is None else back
    return render_template(
        "courseware/teach/assignment_form.html",
        group=group,
        form=form,
        course=course,
        lang=content_language(course) if course else "en",
        assignment=assignment,
        title=title,
    )


@group_view
def delete_assignment(group: Group, assignment_id: int):
    """Delete an assignment (the learners' records stay)."""
    assignment = _assignment_or_404(group, assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.unassign(get_session(), assignment)
    flash(_("Assignment deleted."), "success")
    return redirect(url_for("courseware_teach.group", group_id=group.id))
