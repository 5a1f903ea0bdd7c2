"""One learner's assignments and records: their own page, and their teacher's view."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import Course
from courseware.db import utcnow
from courseware.learn.models import Completion, LessonProgress
from courseware.quiz.models import QuizAttempt
from courseware.teach.models import (
    Assignment,
    AssignmentLearner,
    Extension,
    Group,
    Membership,
)
from courseware.teach.services.groups import learner_groups
from courseware.teach.services.report import (
    Cell,
    assigned_modules,
    load_activity,
    modules_of,
    state,
)


@dataclass
class Item:
    """An assignment with this learner's state."""

    assignment: Assignment
    cell: Cell


@dataclass
class GroupItems:
    """A group and the learner's assignments in it."""

    group: Group
    items: list[Item] = field(default_factory=list)


def _cells(
    session: Session,
    user_id: int,
    course: Course | None,
    assignments: list[Assignment],
) -> list[Item]:
    ids = [a.id for a in assignments]
    extended = dict(
        session.execute(
            select(Extension.assignment_id, Extension.due_at).where(
                Extension.user_id == user_id, Extension.assignment_id.in_(ids)
            )
        ).all()
    )
    activity = load_activity(
        session,
        select(User.id).where(User.id == user_id),
        assigned_modules(course, assignments),
    )
    now = utcnow()
    return [
        Item(
            a,
            state(
                a,
                modules_of(course, a),
                user_id,
                activity,
                extended.get(a.id) or a.due_at,
                a.id in extended,
                now,
            ),
        )
        for a in assignments
    ]


def assigned_to(user_id: int):
    """SQL condition: the assignment is for the whole group or names this learner."""
    return or_(
        Assignment.whole_group.is_(True),
        Assignment.id.in_(
            select(AssignmentLearner.assignment_id).where(
                AssignmentLearner.user_id == user_id
            )
        ),
    )


def learner_assignments(
    session: Session, user: User, course: Course | None
) -> list[GroupItems]:
    """The learner's groups with the assignments given to them (nobody else's)."""
    groups = learner_groups(session, user)
    if not groups:
        return []
    assignments = list(
        session.scalars(
            select(Assignment)
            .join(Membership, Membership.group_id == Assignment.group_id)
            .where(Membership.user_id == user.id, assigned_to(user.id))
            .order_by(Assignment.due_at, Assignment.id)
        )
    )
    items = _cells(session, user.id, course, assignments)
    by_group = {g.id: GroupItems(g) for g in groups}
    for item in items:
        by_group[item.assignment.group_id].items.append(item)
    return list(by_group.values())


@dataclass
class Detail:
    """What a teacher sees on a learner's page."""

    items: list[Item]
    lessons: list[LessonProgress]
    attempts: list[QuizAttempt]
    completions: list[Completion]


def learner_detail(
    session: Session, group: Group, course: Course | None, user_id: int
) -> Detail:
    """A member's assignments, lessons, attempts and completions in assigned items."""
    assignments = list(
        session.scalars(
            select(Assignment)
            .where(Assignment.group_id == group.id, assigned_to(user_id))
            .order_by(Assignment.created_at, Assignment.id)
        )
    )
    modules = assigned_modules(course, assignments) or {""}
    items = _cells(session, user_id, course, assignments)
    lessons = session.scalars(
        select(LessonProgress)
        .where(LessonProgress.user_id == user_id)
        .where(LessonProgress.module_id.in_(modules))
        .order_by(LessonProgress.module_id, LessonProgress.opened_at)
    ).all()
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.module_id.in_(modules))
        .order_by(QuizAttempt.quiz_id, QuizAttempt.number)
    ).all()
    items_ids = {(a.kind, a.item_id) for a in assignments}
    completions = [
        c
        for c in session.scalars(
            select(Completion)
            .where(Completion.user_id == user_id)
            .order_by(Completion.completed_at)
        )
        if (c.kind, c.item_id) in items_ids or c.item_id in modules
    ]
    return Detail(items, list(lessons), list(attempts), completions)
