"""Item analysis: facility, discrimination and option choices of quiz questions.

The figures are pure functions of rows (:class:`AttemptRow` and response tallies),
so that tests can check them against a hand computation. The rows come from three
queries whatever the number of attempts: the attempts, their answers' grading, and
the responses counted by SQL (``GROUP BY``). Facility and discrimination are then
computed in Python, because the corrected item-total correlation needs each
attempt's score without the item, which SQL aggregation cannot give cheaply.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from courseware.content.models import ContentVersion
from courseware.quiz.models import QuizAnswer, QuizAttempt

#: Fewer attempts than this: figures shown, flagged "too few attempts".
FEW_ATTEMPTS = 20
#: Share of attempts in the upper and in the lower group (Kelley's 27%).
GROUP_PERCENT = 27
#: Responses listed for question types without a fixed set of options.
TOP_RESPONSES = 5
CHOICE_TYPES = ("single", "multiple")

FEW_DATA = "few-attempts"
EVERYONE_RIGHT = "everyone-right"
EVERYONE_WRONG = "everyone-wrong"
NEGATIVE = "negative-discrimination"
UNUSED_DISTRACTOR = "unused-distractor"


@dataclass(frozen=True)
class Filters:
    """Which submitted attempts count."""

    version: int | None = None
    language: str | None = None
    first_only: bool = False


@dataclass
class AttemptRow:
    """A submitted attempt: the questions drawn and how each answer was graded."""

    attempt_id: int
    quiz_id: str
    drawn: tuple[str, ...]
    #: question id -> graded correct; unanswered questions are absent
    answers: dict[str, bool] = field(default_factory=dict)

    def score(self, question_id: str) -> int:
        """1 when the question was answered right, else 0 (unanswered is wrong)."""
        return 1 if self.answers.get(question_id) else 0

    @cached_property
    def total(self) -> int:
        """Points: the questions drawn that were answered right."""
        return sum(self.score(q) for q in self.drawn)


#: One distinct response to a question: (response, graded correct, times given).
Tally = tuple[Any, bool, int]


@dataclass(frozen=True)
class OptionCount:
    """How often one option (or one response) was given."""

    key: str  # choice id, "true" / "false", or a normalised response
    response: Any  # the option or response as stored, to describe it
    count: int
    share: float  # of the attempts in which the question was drawn
    correct: bool | None  # the option is (part of) the right answer; None: mixed


@dataclass
class ItemFigures:
    """One question's figures over the attempts in which it was drawn."""

    question_id: str
    kind: str
    question: dict | None  # its definition (None: not in this content version)
    attempts: int
    correct: int
    unanswered: int
    facility: float | None
    point_biserial: float | None
    upper_lower: float | None
    options: list[OptionCount]
    flags: tuple[str, ...]


@dataclass
class QuizAnalysis:
    """Every question of one quiz."""

    quiz_id: str
    attempts: int
    items: list[ItemFigures]

    @property
    def flag_count(self) -> int:
        """Flags raised over all questions."""
        return sum(len(item.flags) for item in self.items)


def facility(scores: list[int]) -> float | None:
    """Share of 1s (right answers)."""
    return sum(scores) / len(scores) if scores else None


def point_biserial(scores: list[int], rests: list[int]) -> float | None:
    """Pearson correlation of the 0/1 item scores with the rest scores.

    None when either is constant. Sums are integers, so the sign is exact.
    """
    n = len(scores)
    sx, sy = sum(scores), sum(rests)
    sxy = sum(x * y for x, y in zip(scores, rests, strict=True))
    sxx, syy = sum(x * x for x in scores), sum(y * y for y in rests)
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if n < 2 or spread <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread)


def _group_share(pairs: list[tuple[int, int]], size: int, highest: bool) -> Fraction:
    """Share right in the ``size`` attempts with the highest (lowest) totals.

    Attempts tied at the cut count in proportion (the mean over every tie-break).
    """
    by_total: dict[int, list[int]] = {}
    for score, total in pairs:
        by_total.setdefault(total, []).append(score)
    right, left = Fraction(0), size
    for total in sorted(by_total, reverse=highest):
        group = by_total[total]
        taken = min(left, len(group))
        right += Fraction(sum(group) * taken, len(group))
        left -= taken
        if not left:
            break
    return right / size


def upper_lower(scores: list[int], totals: list[int]) -> float | None:
    """Share right in the top 27% of attempts by total minus in the bottom 27%."""
    size = (GROUP_PERCENT * len(scores) + 50) // 100  # 27% rounded half up
    if size == 0:
        return None
    pairs = list(zip(scores, totals, strict=True))
    upper = _group_share(pairs, size, highest=True)
    lower = _group_share(pairs, size, highest=False)
    return float(upper - lower)


def response_key(response: Any, case_sensitive: bool = False) -> str:
    """One key per response that counts as the same (free text: spacing, case)."""
    if isinstance(response, str):
        folded = " ".join(response.split())
        return json.dumps(folded if case_sensitive else folded.casefold())
    return json.dumps(response, sort_keys=True, ensure_ascii=False)


def option_counts(
    question: dict | None, tallies: list[Tally], drawn: int
) -> list[OptionCount]:
    """Options in definition order (choices, true/false), else the top responses."""
    kind = (question or {}).get("type")

    def option(key, response, count, correct):
        return OptionCount(
            key, response, count, count / drawn if drawn else 0.0, correct
        )

    if kind in CHOICE_TYPES:
        picks: Counter = Counter()
        for response, _right, times in tallies:
            chosen = response if isinstance(response, list) else [response]
            for choice in {str(c) for c in chosen}:  # once per answer
                picks[choice] += times
        known = [c["id"] for c in question["choices"]]
        right = {c["id"] for c in question["choices"] if c.get("correct")}
        extra = sorted(set(picks) - set(known))  # ids of another content version
        return [option(c, c, picks[c], c in right) for c in known] + [
            option(c, c, picks[c], None) for c in extra
        ]
    if kind == "true-false":
        given: Counter = Counter()
        for response, _right, times in tallies:
            given[response] += times
        return [
            option("true", True, given[True], question["answer"] is True),
            option("false", False, given[False], question["answer"] is False),
        ]
    case = bool((question or {}).get("case_sensitive"))
    counts: Counter = Counter()
    variants: dict[str, Counter] = {}  # key -> the ways it was written, counted
    graded: dict[str, set[bool]] = {}
    for response, right, times in tallies:
        key = response_key(response, case)
        counts[key] += times
        written = json.dumps(response, sort_keys=True, ensure_ascii=False)
        variants.setdefault(key, Counter())[written] += times
        graded.setdefault(key, set()).add(right)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RESPONSES]
    return [
        option(key, _commonest(variants[key]), count, _agreed(graded[key]))
        for key, count in top
    ]


def _commonest(variants: Counter) -> Any:
    """The way of writing a response given most often (ties: the first in order)."""
    written = min(variants, key=lambda text: (-variants[text], text))
    return json.loads(written)


def _agreed(values: set[bool]) -> bool | None:
    """The one grading all these answers got, or None when they differ."""
    return next(iter(values)) if len(values) == 1 else None


def item_flags(item: ItemFigures) -> tuple[str, ...]:
    """What an author should look at in this question's figures."""
    if not item.attempts:
        return ()
    flags = []
    if item.attempts < FEW_ATTEMPTS:
        flags.append(FEW_DATA)
    if item.facility == 1.0:
        flags.append(EVERYONE_RIGHT)
    if item.facility == 0.0:
        flags.append(EVERYONE_WRONG)
    if (item.point_biserial is not None and item.point_biserial < 0) or (
        item.upper_lower is not None and item.upper_lower < 0
    ):
        flags.append(NEGATIVE)
    if (
        item.kind in CHOICE_TYPES
        and item.attempts >= FEW_ATTEMPTS
        and any(o.correct is False and o.count == 0 for o in item.options)
    ):
        flags.append(UNUSED_DISTRACTOR)
    return tuple(flags)


def analyse_item(
    question_id: str,
    question: dict | None,
    attempts: list[AttemptRow],
    tallies: list[Tally],
) -> ItemFigures:
    """A question's figures over the attempts in which it was drawn."""
    drawn = [a for a in attempts if question_id in a.drawn]
    scores = [a.score(question_id) for a in drawn]
    totals = [a.total for a in drawn]
    answered = sum(1 for a in drawn if question_id in a.answers)
    item = ItemFigures(
        question_id=question_id,
        kind=(question or {}).get("type", ""),
        question=question,
        attempts=len(drawn),
        correct=sum(scores),
        unanswered=len(drawn) - answered,
        facility=facility(scores),
        point_biserial=point_biserial(
            scores, [t - s for t, s in zip(totals, scores, strict=True)]
        ),
        upper_lower=upper_lower(scores, totals),
        options=option_counts(question, tallies, len(drawn)),
        flags=(),
    )
    item.flags = item_flags(item)
    return item


def analyse_quiz(
    quiz_id: str,
    quiz: dict | None,
    attempts: list[AttemptRow],
    tallies: dict[str, list[Tally]] | None = None,
) -> QuizAnalysis:
    """Every question of the quiz's definition, then any others the attempts drew.

    ``tallies``: question id -> the responses given, counted.
    """
    questions = {q["id"]: q for q in (quiz or {}).get("questions", [])}
    others = sorted({q for a in attempts for q in a.drawn} - set(questions))
    tallies = tallies or {}
    return QuizAnalysis(
        quiz_id,
        len(attempts),
        [
            analyse_item(q, questions.get(q), attempts, tallies.get(q, []))
            for q in [*questions, *others]
        ],
    )


@dataclass
class QuizRows:
    """What the figures of one quiz are computed from."""

    attempts: list[AttemptRow] = field(default_factory=list)
    tallies: dict[str, list[Tally]] = field(default_factory=dict)


def load_rows(
    session: Session, filters: Filters, quiz_id: str | None = None
) -> dict[str, QuizRows]:
    """Submitted attempts, their grading and their responses, by quiz: 3 queries."""
    where = [QuizAttempt.submitted_at.is_not(None)]
    if quiz_id is not None:
        where.append(QuizAttempt.quiz_id == quiz_id)
    if filters.version is not None:
        where.append(QuizAttempt.version == filters.version)
    if filters.language is not None:
        where.append(QuizAttempt.language == filters.language)
    if filters.first_only:
        where.append(QuizAttempt.number == 1)
    by_quiz: dict[str, QuizRows] = {}
    attempts: dict[int, AttemptRow] = {}
    for attempt_id, quiz, drawn in session.execute(
        select(QuizAttempt.id, QuizAttempt.quiz_id, QuizAttempt.questions)
        .where(*where)
        .order_by(QuizAttempt.id)
    ):
        row = attempts[attempt_id] = AttemptRow(attempt_id, quiz, tuple(drawn or ()))
        by_quiz.setdefault(quiz, QuizRows()).attempts.append(row)
    answers = select(QuizAnswer.attempt_id).join(
        QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id
    )
    for attempt_id, question_id, correct in session.execute(
        answers.add_columns(QuizAnswer.question_id, QuizAnswer.correct).where(*where)
    ):
        if attempt_id in attempts:
            attempts[attempt_id].answers[question_id] = bool(correct)
    # The same response is stored as the same JSON text: count them in SQL.
    as_text = cast(QuizAnswer.response, Text)
    for quiz, question_id, text, correct, times in session.execute(
        answers.with_only_columns(
            QuizAttempt.quiz_id,
            QuizAnswer.question_id,
            as_text,
            QuizAnswer.correct,
            func.count(QuizAnswer.id),
        )
        .where(*where)
        .group_by(
            QuizAttempt.quiz_id, QuizAnswer.question_id, as_text, QuizAnswer.correct
        )
    ):
        response = json.loads(text) if text is not None else None
        if quiz in by_quiz and response is not None:
            tally = by_quiz[quiz].tallies.setdefault(question_id, [])
            tally.append((response, bool(correct), times))
    return by_quiz


def published_versions(session: Session) -> dict[int, int]:
    """Content version number -> its id, newest first."""
    return dict(
        session.execute(
            select(ContentVersion.number, ContentVersion.id).order_by(
                ContentVersion.number.desc()
            )
        ).all()
    )


def attempt_languages(session: Session) -> list[str]:
    """Languages in which quizzes have been submitted."""
    return sorted(
        session.scalars(
            select(QuizAttempt.language)
            .where(QuizAttempt.submitted_at.is_not(None))
            .distinct()
        )
    )
