"""A seeded data set of submitted quiz attempts, and the fixture course in two versions.

Attempts are written straight into the tables (no HTTP, no argon2) with responses a
learner could give, graded by the real question types, so that a test can compute
every figure again by hand from :class:`Record` objects.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from courseware.auth.models import Role, User, new_token
from courseware.content.runtime import active_course
from courseware.db import get_session, utcnow
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.quiz.types import QUESTION_TYPES
from tests.conftest import FIXTURE_COURSE

QUIZ = "sample"
QUESTIONS = ("crc-year", "risks", "helpline-free", "network", "match-cs", "steps")
#: The text of ``crc-year`` in version 2 (version 1 has the fixture's).
V2_TEXT = "In which year was the CRC adopted?"


@dataclass
class Record:
    """One attempt as seeded: what a hand computation reads."""

    username: str
    number: int
    version: int
    language: str
    drawn: list[str]
    answers: dict[str, tuple[Any, bool]] = field(default_factory=dict)
    submitted: bool = True

    def right(self, question_id: str) -> bool:
        return self.answers.get(question_id, (None, False))[1]


def _response(rng: random.Random, question_id: str, ability: float) -> Any:
    """A plausible response: right more often for able learners (``steps``: less)."""
    if question_id == "crc-year":
        return "y1989" if rng.random() < 0.3 + 0.6 * ability else "y2000"
    if question_id == "risks":  # nobody ever ticks "weather"
        if rng.random() < 0.2 + 0.7 * ability:
            return ["contact", "content"]
        return rng.choice([["contact"], ["content"]])
    if question_id == "helpline-free":
        return True  # everyone right
    if question_id == "network":
        if rng.random() < 0.1 + 0.8 * ability:
            return rng.choice(["INHOPE", " inhope ", "Inhope", "INHOPE"])
        return rng.choice(
            ["ECPAT", "Interpol", "ecpat", "Insafe", "Childline", "nobody", "INHOP"]
        )
    if question_id == "match-cs":
        if rng.random() < 0.3 + 0.5 * ability:
            return {"contact": "contact-target", "content": "content-target"}
        return rng.choice(
            [
                {"contact": "content-target", "content": "contact-target"},
                {"contact": "contact-target"},
            ]
        )
    # steps: weaker learners get it right more often (negative discrimination)
    if rng.random() < 0.85 - 0.6 * ability:
        return ["stop", "save", "tell"]
    return rng.choice([["tell", "save", "stop"], ["save", "stop", "tell"]])


def simulate(learners: int = 160, seed: int = 15, prefix: str = "seed") -> list[Record]:
    """Learners with 1-3 submitted attempts each (and a few open ones).

    Even learners answer in English, odd ones in Russian every third time; first
    attempts of even learners were made on version 1, everything else on version 2.
    """
    rng = random.Random(seed)
    records = []
    for index in range(learners):
        ability = rng.random()
        language = "ru" if index % 3 == 0 else "en"
        count = 1 + index % 3
        for number in range(1, count + 1):
            version = 1 if index % 2 == 0 and number == 1 else 2
            record = Record(
                f"{prefix}{index:03d}", number, version, language, [*QUESTIONS]
            )
            for question_id in QUESTIONS:
                skip = {"crc-year": 0.05, "network": 0.1}.get(question_id, 0.0)
                if rng.random() < skip:
                    continue  # left unanswered: counts as wrong
                record.answers[question_id] = (
                    _response(rng, question_id, min(ability + 0.1 * number, 1.0)),
                    False,
                )
            records.append(record)
        if index % 10 == 0:  # an open attempt: must not count
            open_one = Record(
                f"{prefix}{index:03d}", count + 1, 2, language, [*QUESTIONS]
            )
            open_one.answers = {q: (_response(rng, q, 1.0), False) for q in QUESTIONS}
            open_one.submitted = False
            records.append(open_one)
    return records


def seed(app, records: list[Record]) -> None:
    """Write the records as users, attempts and graded answers."""
    now = utcnow()
    with app.app_context():
        session = get_session()
        quiz = active_course().quiz(QUIZ)
        by_id = {q["id"]: q for q in quiz["questions"]}
        for record in records:
            record.answers = {
                qid: (
                    response,
                    QUESTION_TYPES[by_id[qid]["type"]].grade(
                        by_id[qid], response, record.language
                    ),
                )
                for qid, (response, _) in record.answers.items()
            }
        names = sorted({r.username for r in records})
        session.execute(
            insert(User),
            [
                {
                    "username": name,
                    "password_hash": "!",
                    "role": Role.LEARNER,
                    "active": True,
                    "pseudonym": new_token(),
                    "session_token": new_token(),
                    "created_at": now,
                }
                for name in names
            ],
        )
        ids = dict(
            session.execute(
                select(User.username, User.id).where(User.username.in_(names))
            ).all()
        )
        answers = []
        for record in records:
            points = sum(record.right(q) for q in record.drawn)
            attempt_id = session.scalar(
                insert(QuizAttempt)
                .values(
                    user_id=ids[record.username],
                    quiz_id=QUIZ,
                    module_id="sample",
                    number=record.number,
                    version=record.version,
                    language=record.language,
                    questions=record.drawn,
                    orders={},
                    started_at=now - timedelta(minutes=10),
                    submitted_at=now if record.submitted else None,
                    points=points if record.submitted else None,
                    total=len(record.drawn) if record.submitted else None,
                    score=round(points / len(record.drawn), 4)
                    if record.submitted
                    else None,
                    passed=points / len(record.drawn) >= 0.7
                    if record.submitted
                    else None,
                )
                .returning(QuizAttempt.id)
            )
            answers += [
                {
                    "attempt_id": attempt_id,
                    "question_id": qid,
                    "response": response,
                    "correct": right if record.submitted else None,
                    "saved_at": now,
                }
                for qid, (response, right) in record.answers.items()
            ]
        session.execute(insert(QuizAnswer), answers)
        session.commit()


@pytest.fixture
def two_versions(publish, tmp_path) -> None:
    """The fixture course published twice: version 2 (active) rewords crc-year."""
    publish()
    target = tmp_path / "course-v2"
    shutil.copytree(FIXTURE_COURSE, target)
    quiz = target / "quizzes" / "sample.yaml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace(
            '{en: "When was the CRC adopted?"', f'{{en: "{V2_TEXT}"'
        ),
        encoding="utf-8",
    )
    assert publish(target, "v2") == 2


@pytest.fixture
def records(app, two_versions) -> list[Record]:
    """The seeded data set (320 submitted attempts), in the database too."""
    made = simulate()
    seed(app, made)
    return made
