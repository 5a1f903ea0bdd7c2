"""Assignments by stable module and track ids, due dates and per-learner extensions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courseware.content.runtime import Course
from courseware.teach.models import (
    MODULE,
    TRACK,
    Assignment,
    AssignmentLearner,
    Extension,
    Group,
    Membership,
)
from courseware.teach.services.groups import TeachError

END_OF_DAY = time(23, 59)


def due_at(group: Group, day: date | None, at: time | None) -> datetime | None:
    """A local date and time in the group's time zone, as an aware UTC datetime."""
    if day is None:
        return None
    local = datetime.combine(day, at or END_OF_DAY, tzinfo=ZoneInfo(group.timezone))
    return local.astimezone(UTC)


def local_time(group: Group, moment: datetime | None) -> datetime | None:
    """A UTC moment in the group's time zone."""
    return moment.astimezone(ZoneInfo(group.timezone)) if moment else None


def check_item(course: Course | None, kind: str, item_id: str) -> None:
    """Refuse an item the published course does not have."""
    known = course is not None and (
        (kind == MODULE and course.module(item_id) is not None)
        or (kind == TRACK and course.track(item_id) is not None)
    )
    if not known:
        raise TeachError(_l("Choose a module or a track of the course."))


def group_assignments(session: Session, group: Group) -> list[Assignment]:
    """The group's assignments, oldest first."""
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.group_id == group.id)
            .order_by(Assignment.created_at, Assignment.id)
        )
    )


def find_assignment(session: Session, group: Group, assignment_id: int) -> Assignment:
    """An assignment of this group (TeachError for another group's id)."""
    found = session.scalars(
        select(Assignment).where(
            Assignment.id == assignment_id, Assignment.group_id == group.id
        )
    ).first()
    if found is None:
        raise TeachError("no such assignment")
    return found


def chosen_learners(session: Session, assignment: Assignment) -> list[int]:
    """Ids of the learners an assignment was given to (empty: the whole group)."""
    return list(
        session.scalars(
            select(AssignmentLearner.user_id).where(
                AssignmentLearner.assignment_id == assignment.id
            )
        )
    )


def _set_learners(
    session: Session, group: Group, assignment: Assignment, learner_ids: list[int]
) -> None:
    members = set(
        session.scalars(
            select(Membership.user_id).where(
                Membership.group_id == group.id, Membership.user_id.in_(learner_ids)
            )
        )
    )
    if set(learner_ids) - members:
        raise TeachError(_l("Choose learners of this group."))
    session.execute(
        delete(AssignmentLearner).where(
            AssignmentLearner.assignment_id == assignment.id
        )
    )
    for user_id in sorted(members):
        session.add(AssignmentLearner(assignment_id=assignment.id, user_id=user_id))
    assignment.whole_group = not members


def assign(
    session: Session,
    course: Course | None,
    group: Group,
    kind: str,
    item_id: str,
    due: datetime | None,
    learner_ids: list[int] | None = None,
) -> Assignment:
    """Assign a module or a track to the group or to some of its learners."""
    check_item(course, kind, item_id)
    assignment = Assignment(group_id=group.id, kind=kind, item_id=item_id, due_at=due)
    session.add(assignment)
    session.flush()
    _set_learners(session, group, assignment, learner_ids or [])
    session.flush()
    return assignment


def update_assignment(
    session: Session,
    group: Group,
    assignment: Assignment,
    due: datetime | None,
    learner_ids: list[int] | None = None,
) -> Assignment:
    """Change the due date or the learners (the item stays: records refer to it)."""
    assignment.due_at = due
    _set_learners(session, group, assignment, learner_ids or [])
    session.flush()
    return assignment


def unassign(session: Session, assignment: Assignment) -> None:
    """Delete an assignment (learning records stay: they belong to the learners)."""
    session.delete(assignment)
    session.flush()


def set_extension(
    session: Session, assignment: Assignment, user_id: int, due: datetime
) -> Extension:
    """A later due date for one learner (replaces an earlier extension)."""
    found = session.scalars(
        select(Extension).where(
            Extension.assignment_id == assignment.id, Extension.user_id == user_id
        )
    ).first()
    if found is None:
        found = Extension(assignment_id=assignment.id, user_id=user_id, due_at=due)
        session.add(found)
    found.due_at = due
    session.flush()
    return found


def remove_extension(session: Session, assignment: Assignment, user_id: int) -> None:
    """Back to the assignment's own due date for this learner."""
    session.execute(
        delete(Extension).where(
            Extension.assignment_id == assignment.id, Extension.user_id == user_id
        )
    )
    session.flush()
