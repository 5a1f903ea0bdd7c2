"""Difficult questions, score distributions and completions over time."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.quiz.types import QUESTION_TYPES, localised
from courseware.teach.services.assignments import local_time
from courseware.teach.services.report import COMPLETED, Report, members_of

BINS = 10


def describe_response(question: dict | None, response: Any, lang: str) -> str:
    """A saved response in words, as the learner saw the options."""
    if question is None or response is None:
        return "" if response is None else json.dumps(response, ensure_ascii=False)
    kind = question["type"]
    if kind in ("single", "multiple"):
        texts = {c["id"]: localised(c["text"], lang) for c in question["choices"]}
        chosen = response if isinstance(response, list) else [response]
        return "; ".join(texts.get(c, str(c)) for c in chosen)
    if kind == "true-false":
        return _("True") if response else _("False")
    if kind == "matching" and isinstance(response, dict):
        pairs = {p["id"]: p for p in question["pairs"]}
        targets = {f"{p['id']}-target": p for p in question["pairs"]}
        return "; ".join(
            f"{localised(pairs[s]['source'], lang) if s in pairs else s} → "
            f"{localised(targets[t]['target'], lang) if t in targets else t}"
            for s, t in response.items()
        )
    if kind == "ordering" and isinstance(response, list):
        items = {i["id"]: localised(i["text"], lang) for i in question["items"]}
        return " → ".join(items.get(i, str(i)) for i in response)
    if isinstance(response, str):
        return response
    return QUESTION_TYPES[kind].xapi_response(question, response)


def _key(response: Any) -> str:
    if isinstance(response, str):  # free text: "Inhope " and "inhope" are one answer
        return json.dumps(" ".join(response.split()).casefold())
    return json.dumps(response, sort_keys=True, ensure_ascii=False)


@dataclass
class Difficulty:
    """How a question went for the group."""

    quiz_id: str
    question_id: str
    text: str
    answers: int
    correct: int
    wrong_answer: str
    wrong_count: int

    @property
    def share(self) -> float:
        """Share of answers that were correct."""
        return self.correct / self.answers if self.answers else 0.0


def difficult_questions(
    session: Session, report: Report, lang: str, limit: int = 10
) -> list[Difficulty]:
    """Questions of assigned quizzes by lowest share correct: two grouped queries."""
    course = report.course
    modules = report.module_ids()
    if course is None or not modules:
        return []
    answered = (
        select(QuizAnswer.question_id, QuizAttempt.quiz_id)
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.user_id.in_(members_of(report.group)))
        .where(QuizAttempt.module_id.in_(modules))
        .where(QuizAttempt.submitted_at.is_not(None))
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for quiz_id, question_id, correct, count in session.execute(
        answered.with_only_columns(
            QuizAttempt.quiz_id,
            QuizAnswer.question_id,
            QuizAnswer.correct,
            func.count(QuizAnswer.id),
        ).group_by(QuizAttempt.quiz_id, QuizAnswer.question_id, QuizAnswer.correct)
    ):
        entry = totals.setdefault((quiz_id, question_id), [0, 0])
        entry[0] += count
        entry[1] += count if correct else 0
    wrong: dict[tuple[str, str], Counter] = {}
    first: dict[tuple[str, str, str], Any] = {}
    as_text = cast(QuizAnswer.response, Text)
    for quiz_id, question_id, text, count in session.execute(
        answered.with_only_columns(
            QuizAttempt.quiz_id,
            QuizAnswer.question_id,
            as_text,
            func.count(QuizAnswer.id),
        )
        .where(QuizAnswer.correct.is_(False))
        .group_by(QuizAttempt.quiz_id, QuizAnswer.question_id, as_text)
    ):
        response = json.loads(text)
        key = _key(response)
        wrong.setdefault((quiz_id, question_id), Counter())[key] += count
        first.setdefault((quiz_id, question_id, key), response)
    found = []
    for (quiz_id, question_id), (answers, correct) in totals.items():
        quiz = course.quiz(quiz_id) or {"questions": []}
        question = next((q for q in quiz["questions"] if q["id"] == question_id), None)
        common = wrong.get((quiz_id, question_id), Counter()).most_common(1)
        wrong_text, wrong_count = "", 0
        if common:
            key, wrong_count = common[0]
            wrong_text = describe_response(
                question, first[(quiz_id, question_id, key)], lang
            )
        found.append(
            Difficulty(
                quiz_id,
                question_id,
                course.text(question["text"], lang) if question else question_id,
                answers,
                correct,
                wrong_text,
                wrong_count,
            )
        )
    found.sort(key=lambda d: (d.share, -d.answers, d.quiz_id, d.question_id))
    return found[:limit]


def score_distribution(report: Report) -> dict[str, list[int]]:
    """Quiz id -> learners per best-score tenth (0-9%, ..., 90-100%)."""
    course = report.course
    result: dict[str, list[int]] = {}
    learner_ids = {lr.user_id for lr in report.learners}
    for module_id in sorted(report.module_ids()):
        quiz_id = (course.module(module_id) or {}).get("quiz") if course else None
        if not quiz_id:
            continue
        bins = [0] * BINS
        for (user_id, module), (_n, best, _v) in report.activity.attempts.items():
            if module == module_id and best is not None and user_id in learner_ids:
                bins[min(int(best * BINS), BINS - 1)] += 1
        result[quiz_id] = bins
    return result


def completions_by_day(report: Report) -> list[tuple[date, int, int]]:
    """(day in the group's time zone, completions that day, running total)."""
    days: Counter = Counter()
    for cell in report.cells.values():
        if cell.status == COMPLETED and cell.completed_at is not None:
            days[local_time(report.group, cell.completed_at).date()] += 1
    total = 0
    series = []
    for day in sorted(days):
        total += days[day]
        series.append((day, days[day], total))
    return series
