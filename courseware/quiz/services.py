"""Quiz attempts: start, save answers as they come, grade on the server, record."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import Course
from courseware.db import insert_ignore, upsert, utcnow
from courseware.learn import signals
from courseware.learn.services import learner, lock_learner, update_completions
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.quiz.types import QUESTION_TYPES
from courseware.xapi import events
from courseware.xapi.outbox import record


class QuizError(ValueError):
    """The quiz action is not possible; the message is for the learner."""


def attempts(session: Session, user: User, quiz_id: str) -> list[QuizAttempt]:
    """The learner's attempts at a quiz, oldest first."""
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.number)
        )
    )


def open_attempt(session: Session, user: User, quiz_id: str) -> QuizAttempt | None:
    """The attempt in progress, if any."""
    return next(
        (a for a in attempts(session, user, quiz_id) if a.submitted_at is None), None
    )


def attempts_left(quiz: dict, done: list[QuizAttempt]) -> int | None:
    """How many more attempts may start (None: unlimited)."""
    allowed = int(quiz.get("attempts", 0) or 0)
    if not allowed:
        return None
    return max(allowed - len([a for a in done if a.submitted_at is not None]), 0)


def start(
    session: Session, user: User, course: Course, quiz_id: str, lang: str
) -> QuizAttempt:
    """Start an attempt (or return the open one): draw the pool, shuffle, record.

    A partial unique index allows one open attempt per learner and quiz: of two
    starts at once, the loser's insert does nothing and it returns the winner's.
    """
    quiz = course.quiz(quiz_id)
    if quiz is None:
        raise QuizError("no such quiz")
    lock_learner(session, user, course)
    existing = open_attempt(session, user, quiz_id)
    if existing is not None:
        return existing
    done = attempts(session, user, quiz_id)
    if attempts_left(quiz, done) == 0:
        raise QuizError("You have used all your attempts at this quiz.")
    number = (
        session.scalar(
            select(func.max(QuizAttempt.number)).where(
                QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id
            )
        )
        or 0
    ) + 1
    rng = random.SystemRandom()
    questions = [q["id"] for q in quiz["questions"]]
    pool = int(quiz.get("pool") or len(questions))
    drawn = rng.sample(questions, min(pool, len(questions)))
    if not quiz.get("shuffle_questions", True):
        drawn = [q for q in questions if q in drawn]
    orders = {qid: _option_order(_question(quiz, qid), rng, quiz) for qid in drawn}
    inserted = insert_ignore(
        session,
        QuizAttempt,
        user_id=user.id,
        quiz_id=quiz_id,
        module_id=quiz["module"],
        number=number,
        version=course.number,
        language=lang,
        questions=drawn,
        orders=orders,
    )
    attempt = open_attempt(session, user, quiz_id)
    if attempt is None:  # another request started and submitted one meanwhile
        raise QuizError("This attempt was just finished in another window.")
    if not inserted:
        return attempt
    record(
        session,
        events.quiz_attempted(
            course,
            learner(session, user, course, lang),
            quiz_id,
            quiz["module"],
            number,
        ),
        user.id,
    )
    return attempt


def _question(quiz: dict, question_id: str) -> dict:
    return next(q for q in quiz["questions"] if q["id"] == question_id)


def _option_order(question: dict, rng: random.Random, quiz: dict) -> list[str]:
    key = {
        "single": "choices",
        "multiple": "choices",
        "matching": "pairs",
        "ordering": "items",
    }.get(question["type"])
    if key is None:
        return []
    ids = [item["id"] for item in question[key]]
    if question["type"] == "ordering" or quiz.get("shuffle_choices", True):
        rng.shuffle(ids)
        if question["type"] == "ordering" and ids == [i["id"] for i in question[key]]:
            ids.reverse()  # never show an ordering question already solved
    return ids


def questions_of(course: Course, attempt: QuizAttempt) -> list[dict]:
    """The attempt's questions as drawn, from the version it was started in or now."""
    quiz = course.quiz(attempt.quiz_id)
    by_id = {q["id"]: q for q in quiz["questions"]}
    return [by_id[qid] for qid in attempt.questions if qid in by_id]


def save_answers(
    session: Session, attempt: QuizAttempt, course: Course, form: Any
) -> int:
    """Store each response in ``form`` (saving again replaces); return the count.

    The first write is a conditional touch of the attempt: it takes the attempt's row
    (PostgreSQL) or the write lock (SQLite) and sees a submission that has just
    happened, so that no answer changes after grading.
    """
    if attempt.submitted_at is not None or not _still_open(session, attempt):
        return 0
    count = 0
    now = utcnow()
    for question in questions_of(course, attempt):
        response = QUESTION_TYPES[question["type"]].parse_response(question, form)
        if response is None:
            continue
        upsert(
            session,
            QuizAnswer,
            {
                "attempt_id": attempt.id,
                "question_id": question["id"],
                "response": response,
                "saved_at": now,
            },
            ["attempt_id", "question_id"],
            ["response", "saved_at"],
        )
        count += 1
    session.flush()
    return count


def _still_open(session: Session, attempt: QuizAttempt) -> bool:
    """Lock the attempt for this transaction; False when it is already submitted."""
    return bool(
        session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
            .values(language=QuizAttempt.language)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def saved_answers(session: Session, attempt: QuizAttempt) -> dict[str, Any]:
    """Question id -> saved response."""
    return {
        a.question_id: a.response
        for a in session.scalars(
            select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)
        )
    }


@dataclass
class Graded:
    """One question's outcome."""

    question: dict
    response: Any
    correct: bool


def submit(
    session: Session,
    user: User,
    course: Course,
    attempt: QuizAttempt,
    lang: str,
    send_free_text: bool = False,
) -> list[Graded]:
    """Grade on the server and record the result once (resubmitting changes nothing).

    Of identical submissions at once, the one whose conditional update marked the
    attempt submitted grades it and records the statements; the others read it.
    """
    if attempt.submitted_at is not None:
        return grade(session, course, attempt, lang)
    lock_learner(session, user, course)
    won = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(attempt)
    if not won:
        return grade(session, course, attempt, lang)
    quiz = course.quiz(attempt.quiz_id)
    graded = grade(session, course, attempt, lang)
    points = sum(1 for g in graded if g.correct)
    total = len(graded)
    attempt.points, attempt.total = points, total
    attempt.score = round(points / total, 4) if total else 0.0
    attempt.passed = attempt.score >= float(quiz["pass_mark"])
    for row in session.scalars(
        select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)
    ):
        row.correct = next(
            (g.correct for g in graded if g.question["id"] == row.question_id), None
        )
    who = learner(session, user, course, lang)
    for item in graded:
        record(
            session,
            events.question_answered(
                course,
                who,
                attempt.quiz_id,
                attempt.module_id,
                item.question,
                item.response,
                item.correct,
                attempt.number,
                send_free_text,
            ),
            user.id,
        )
    seconds = (attempt.submitted_at - attempt.started_at).total_seconds()
    record(
        session,
        events.quiz_result(
            course,
            who,
            attempt.quiz_id,
            attempt.module_id,
            points,
            total,
            attempt.passed,
            seconds,
            attempt.number,
        ),
        user.id,
    )
    session.flush()
    signals.send(
        signals.quiz_graded,
        session=session,
        user=user,
        course=course,
        attempt=attempt,
        lang=lang,
    )
    if attempt.passed:
        update_completions(session, user, course, lang)
    return graded


def grade(
    session: Session, course: Course, attempt: QuizAttempt, lang: str
) -> list[Graded]:
    """Each question of the attempt, its saved response and whether it is right."""
    answers = saved_answers(session, attempt)
    result = []
    for question in questions_of(course, attempt):
        response = answers.get(question["id"])
        qtype = QUESTION_TYPES[question["type"]]
        correct = response is not None and qtype.grade(question, response, lang)
        result.append(Graded(question, response, bool(correct)))
    return result
