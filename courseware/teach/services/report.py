"""A group's learners x assignments, loaded with a fixed number of queries.

Every query filters on the membership table (a subquery), never on a list of ids, so
the number of queries is the same for 5 learners and for 5,000.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.certificates.models import Certificate
from courseware.content.runtime import Course
from courseware.db import utcnow
from courseware.learn.models import Completion, LessonProgress
from courseware.quiz.models import QuizAttempt
from courseware.teach.models import (
    MODULE,
    Assignment,
    AssignmentLearner,
    Extension,
    Group,
    Membership,
)
from courseware.teach.services.assignments import group_assignments

NOT_ASSIGNED = "not-assigned"
NOT_STARTED = "not-started"
IN_PROGRESS = "in-progress"
COMPLETED = "completed"
OVERDUE = "overdue"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE)


@dataclass(frozen=True)
class Learner:
    """A member as the group's owners see them."""

    user_id: int
    username: str
    display_name: str | None
    via: str

    @property
    def label(self) -> str:
        """The name the teacher gave, else the username."""
        return self.display_name or self.username


@dataclass
class Cell:
    """One learner's state on one assignment."""

    status: str
    started: bool = False
    score: float | None = None  # best quiz score, 0..1
    version: int | None = None  # content version completed in (or last worked in)
    completed_at: datetime | None = None
    due_at: datetime | None = None
    extended: bool = False

    @property
    def done(self) -> bool:
        """Completed (on time or late)."""
        return self.status == COMPLETED


@dataclass
class Activity:
    """What the group's learners did, per (user id, module id)."""

    opened: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    attempts: dict[tuple[int, str], tuple[int, float | None, int]] = field(
        default_factory=dict
    )
    completions: dict[tuple[int, str, str], tuple[datetime, int]] = field(
        default_factory=dict
    )
    lesson_version: dict[tuple[int, str], int] = field(default_factory=dict)


@dataclass
class Report:
    """Everything a dashboard, a roster or a progress export shows."""

    group: Group
    course: Course | None
    learners: list[Learner]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]
    activity: Activity
    now: datetime
    #: (learner id, track id) -> code of the learner's standing track certificate
    certificates: dict[tuple[int, str], str] = field(default_factory=dict)

    def certificate_url(self, user_id: int, kind: str, item_id: str) -> str:
        """The public verification page of a completed track's certificate, or ""."""
        code = self.certificates.get((user_id, item_id)) if kind == "track" else None
        return url_for("courseware_certificates.verify", code=code) if code else ""

    def cell(self, learner: Learner, assignment: Assignment) -> Cell:
        """The learner's state on the assignment."""
        return self.cells[(learner.user_id, assignment.id)]

    def counts(self, assignment: Assignment) -> Counter:
        """Learners per status on the assignment."""
        return Counter(
            self.cells[(lr.user_id, assignment.id)].status for lr in self.learners
        )

    def ready(self, learner: Learner) -> bool:
        """Every assignment given to this learner is completed (and there is one)."""
        mine = [self.cell(learner, a) for a in self.assignments]
        mine = [c for c in mine if c.status != NOT_ASSIGNED]
        return bool(mine) and all(c.done for c in mine)

    def overdue(self, learner: Learner) -> bool:
        """Some assignment of the learner is overdue."""
        return any(self.cell(learner, a).status == OVERDUE for a in self.assignments)

    def module_ids(self) -> set[str]:
        """Module ids the group's assignments cover."""
        return assigned_modules(self.course, self.assignments)


def item_title(course: Course | None, kind: str, item_id: str, lang: str) -> str:
    """The title of an assigned module or track (its id if the course dropped it)."""
    if course is None:
        return item_id
    found = course.module(item_id) if kind == "module" else course.track(item_id)
    return course.text(found["title"], lang) if found else item_id


def assigned_modules(course: Course | None, assignments: list[Assignment]) -> set[str]:
    """Module ids assigned directly or through a track of the published course."""
    found: set[str] = set()
    for assignment in assignments:
        if assignment.kind == MODULE:
            found.add(assignment.item_id)
        elif course is not None and (track := course.track(assignment.item_id)):
            found.update(track["modules"])
    return found


def members_of(group: Group):
    """The membership subquery every report query filters on."""
    return select(Membership.user_id).where(Membership.group_id == group.id)


def load_learners(session: Session, group: Group) -> list[Learner]:
    """The group's members, by name."""
    rows = session.execute(
        select(User.id, User.username, Membership.display_name, Membership.via)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id)
        .order_by(func.coalesce(Membership.display_name, User.username), User.id)
    )
    return [Learner(*row) for row in rows]


def load_activity(session: Session, members, modules: set[str]) -> Activity:
    """Lesson progress, attempts and completions of ``members``: three queries."""
    # ``members`` is a subquery of user ids, never a list: the SQL stays the same size.
    activity = Activity()
    if not modules:
        modules = {""}
    for user_id, module_id, opened, done, version in session.execute(
        select(
            LessonProgress.user_id,
            LessonProgress.module_id,
            func.count(LessonProgress.id),
            func.count(LessonProgress.completed_at),
            func.max(LessonProgress.version),
        )
        .where(LessonProgress.user_id.in_(members))
        .where(LessonProgress.module_id.in_(modules))
        .group_by(LessonProgress.user_id, LessonProgress.module_id)
    ):
        activity.opened[(user_id, module_id)] = (opened, done)
        activity.lesson_version[(user_id, module_id)] = version
    for user_id, module_id, count, best, version in session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.module_id,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.version),
        )
        .where(QuizAttempt.user_id.in_(members))
        .where(QuizAttempt.module_id.in_(modules))
        .group_by(QuizAttempt.user_id, QuizAttempt.module_id)
    ):
        activity.attempts[(user_id, module_id)] = (count, best, version)
    for user_id, kind, item_id, completed_at, version in session.execute(
        select(
            Completion.user_id,
            Completion.kind,
            Completion.item_id,
            Completion.completed_at,
            Completion.version,
        ).where(Completion.user_id.in_(members))
    ):
        activity.completions[(user_id, kind, item_id)] = (completed_at, version)
    return activity


def load_report(
    session: Session, group: Group, course: Course | None, now: datetime | None = None
) -> Report:
    """The whole matrix: seven queries, whatever the number of learners."""
    learners = load_learners(session, group)
    assignments = group_assignments(session, group)
    chosen: dict[int, set[int]] = {}
    for assignment_id, user_id in session.execute(
        select(AssignmentLearner.assignment_id, AssignmentLearner.user_id)
        .join(Assignment, Assignment.id == AssignmentLearner.assignment_id)
        .where(Assignment.group_id == group.id)
    ):
        chosen.setdefault(assignment_id, set()).add(user_id)
    extensions = {
        (assignment_id, user_id): due
        for assignment_id, user_id, due in session.execute(
            select(Extension.assignment_id, Extension.user_id, Extension.due_at)
            .join(Assignment, Assignment.id == Extension.assignment_id)
            .where(Assignment.group_id == group.id)
        )
    }
    activity = load_activity(
        session, members_of(group), assigned_modules(course, assignments)
    )
    now = now or utcnow()
    covered = {a.id: modules_of(course, a) for a in assignments}
    cells = {}
    for learner in learners:
        for assignment in assignments:
            if not assignment.whole_group and learner.user_id not in chosen.get(
                assignment.id, set()
            ):
                cells[(learner.user_id, assignment.id)] = Cell(NOT_ASSIGNED)
                continue
            extended = extensions.get((assignment.id, learner.user_id))
            cells[(learner.user_id, assignment.id)] = state(
                assignment,
                covered[assignment.id],
                learner.user_id,
                activity,
                extended or assignment.due_at,
                extended is not None,
                now,
            )
    certificates = {
        (user_id, track_id): code
        for user_id, track_id, code in session.execute(
            select(Certificate.user_id, Certificate.track_id, Certificate.code).where(
                Certificate.user_id.in_(members_of(group)),
                Certificate.revoked_at.is_(None),
                Certificate.payload.is_not(None),
            )
        )
    }
    return Report(
        group, course, learners, assignments, cells, activity, now, certificates
    )


def modules_of(course: Course | None, assignment: Assignment) -> list[str]:
    """The module ids an assignment covers (a track's, per the published course)."""
    if assignment.kind == MODULE:
        return [assignment.item_id]
    track = course.track(assignment.item_id) if course else None
    return list(track["modules"]) if track else []


def state(
    assignment: Assignment,
    modules: list[str],
    user_id: int,
    activity: Activity,
    due: datetime | None,
    extended: bool,
    now: datetime,
) -> Cell:
    """Not started, in progress, completed (with the best score) or overdue."""
    started, last_version = False, None
    for module_id in modules:
        key = (user_id, module_id)
        opened = activity.lesson_version.get(key)
        attempt = activity.attempts.get(key)
        for version in (opened, attempt[2] if attempt else None):
            if version is not None:
                started = True
                if last_version is None or version > last_version:
                    last_version = version
    best = None
    if assignment.kind == MODULE and (user_id, assignment.item_id) in activity.attempts:
        best = activity.attempts[(user_id, assignment.item_id)][1]
    done = activity.completions.get((user_id, assignment.kind, assignment.item_id))
    cell = Cell(NOT_STARTED, started, best, last_version, due_at=due, extended=extended)
    if done is not None:
        cell.status, cell.started = COMPLETED, True
        cell.completed_at, cell.version = done
    elif due is not None and now > due:
        cell.status = OVERDUE
    elif started:
        cell.status = IN_PROGRESS
    return cell
