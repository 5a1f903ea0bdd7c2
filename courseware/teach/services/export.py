"""CSV exports that spreadsheet programs open correctly (UTF-8 with a BOM), streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import Course
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.teach.models import Group, Membership
from courseware.teach.services.assignments import local_time
from courseware.teach.services.insights import describe_response
from courseware.teach.services.report import COMPLETED, Report, item_title

BOM = "\ufeff"
#: A cell starting with one of these is a formula in a spreadsheet: neutralise it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 200


def _cell(value) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """The BOM and header, then rows in chunks, as UTF-8 bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(v) for v in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _iso(group: Group, moment: datetime | None) -> str:
    local = local_time(group, moment)
    return local.isoformat(timespec="minutes") if local else ""


PROGRESS_HEADER = [
    "group",
    "learner",
    "username",
    "assignment_kind",
    "assignment_id",
    "assignment",
    "status",
    "best_score_percent",
    "completed_at",
    "content_version",
    "due_at",
    "extended",
    "certificate_url",
]


def progress_rows(report: Report, lang: str) -> Iterator[list]:
    """One row per learner and assignment."""
    course, group = report.course, report.group
    titles = {
        a.id: item_title(course, a.kind, a.item_id, lang) for a in report.assignments
    }
    for learner in report.learners:
        for assignment in report.assignments:
            cell = report.cell(learner, assignment)
            yield [
                group.name,
                learner.display_name or "",
                learner.username,
                assignment.kind,
                assignment.item_id,
                titles[assignment.id],
                cell.status,
                "" if cell.score is None else round(cell.score * 100),
                _iso(group, cell.completed_at),
                cell.version if cell.status == COMPLETED else "",
                _iso(group, cell.due_at),
                "yes" if cell.extended else "",
                report.certificate_url(
                    learner.user_id, assignment.kind, assignment.item_id
                )
                if cell.status == COMPLETED
                else "",
            ]


ANSWERS_HEADER = [
    "learner",
    "username",
    "quiz",
    "attempt",
    "content_version",
    "language",
    "submitted_at",
    "question",
    "response",
    "correct",
]


def answer_rows(
    session: Session, group: Group, course: Course | None, modules: set[str], lang: str
) -> Iterator[list]:
    """Every saved answer of the group's learners to the assigned quizzes, streamed."""
    result = session.execute(
        select(
            Membership.display_name,
            User.username,
            QuizAttempt.quiz_id,
            QuizAttempt.number,
            QuizAttempt.version,
            QuizAttempt.language,
            QuizAttempt.submitted_at,
            QuizAnswer.question_id,
            QuizAnswer.response,
            QuizAnswer.correct,
        )
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .join(User, User.id == QuizAttempt.user_id)
        .join(
            Membership,
            (Membership.user_id == User.id) & (Membership.group_id == group.id),
        )
        .where(QuizAttempt.module_id.in_(modules or {""}))
        .order_by(User.username, QuizAttempt.quiz_id, QuizAttempt.number, QuizAnswer.id)
        .execution_options(yield_per=500)
    )
    questions: dict[tuple[str, str], dict | None] = {}
    for row in result:
        key = (row.quiz_id, row.question_id)
        if key not in questions:
            quiz = course.quiz(row.quiz_id) if course else None
            questions[key] = next(
                (q for q in (quiz or {}).get("questions", []) if q["id"] == key[1]),
                None,
            )
        yield [
            row.display_name or "",
            row.username,
            row.quiz_id,
            row.number,
            row.version,
            row.language,
            _iso(group, row.submitted_at),
            row.question_id,
            describe_response(questions[key], row.response, lang),
            "" if row.correct is None else ("yes" if row.correct else "no"),
        ]
