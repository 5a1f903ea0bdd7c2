"""The item analysis as CSV: one row per question, and one per option."""

from __future__ import annotations

from collections.abc import Iterator

from courseware.analysis import labels
from courseware.analysis.services import Filters, QuizAnalysis
from courseware.content.runtime import Course

QUESTIONS_HEADER = [
    "quiz",
    "question",
    "type",
    "text",
    "attempts",
    "correct",
    "unanswered",
    "facility",
    "point_biserial",
    "upper_lower",
    "flags",
    "content_version",
    "language",
    "attempts_counted",
]
OPTIONS_HEADER = [
    "quiz",
    "question",
    "type",
    "option",
    "option_text",
    "right_answer",
    "count",
    "share",
    "attempts",
]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def question_rows(
    analysis: QuizAnalysis, course: Course | None, filters: Filters, lang: str
) -> Iterator[list]:
    """One row per question, with the filters that made it."""
    for item in analysis.items:
        yield [
            analysis.quiz_id,
            item.question_id,
            item.kind,
            labels.question_text(course, item, lang),
            item.attempts,
            item.correct,
            item.unanswered,
            _number(item.facility),
            _number(item.point_biserial),
            _number(item.upper_lower),
            ";".join(item.flags),
            "" if filters.version is None else filters.version,
            filters.language or "",
            "first" if filters.first_only else "all",
        ]


def option_rows(
    analysis: QuizAnalysis, course: Course | None, lang: str
) -> Iterator[list]:
    """One row per option (or listed response) of every question."""
    for item in analysis.items:
        for option in item.options:
            yield [
                analysis.quiz_id,
                item.question_id,
                item.kind,
                option.key,
                labels.option_text(course, item, option, lang),
                _yes_no(option.correct),
                option.count,
                _number(option.share),
                item.attempts,
            ]
