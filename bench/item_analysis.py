"""Server time of the item analysis at 1,000 and 10,000 submitted attempts.

Creates a temporary SQLite database, publishes the bundled course and fills one
quiz (``childrens-rights``: 9 of its questions drawn per attempt) with submitted
attempts of one learner each, answered at random and graded by the real question
types (written straight through the ORM: no argon2, no HTTP). Then times the
quiz's analysis page, the list of quizzes and both CSV downloads through the Flask
test client, counts their SQL queries and prints a table.

    .venv/bin/python bench/item_analysis.py [--sizes 1000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.dashboard import QueryCounter  # noqa: E402
from courseware.auth.models import Role, User, new_token  # noqa: E402
from courseware.db import utcnow  # noqa: E402
from courseware.quiz.models import QuizAnswer, QuizAttempt  # noqa: E402
from courseware.quiz.types import QUESTION_TYPES  # noqa: E402

QUIZ = "childrens-rights"


def _response(rng: random.Random, question: dict):
    kind = question["type"]
    if kind == "single":
        return rng.choice(question["choices"])["id"]
    if kind == "multiple":
        ids = [c["id"] for c in question["choices"]]
        return rng.sample(ids, rng.randint(1, len(ids)))
    if kind == "true-false":
        return rng.random() < 0.7
    if kind == "fill-in":
        right = next(iter(question["answers"].values()))[0]
        return rng.choice([right, right.lower(), "no idea", "something else"])
    if kind == "matching":
        targets = [f"{p['id']}-target" for p in question["pairs"]]
        rng.shuffle(targets)
        return {p["id"]: t for p, t in zip(question["pairs"], targets, strict=True)}
    items = [i["id"] for i in question["items"]]
    rng.shuffle(items)
    return items


def populate(session, quiz: dict, count: int, prefix: str) -> None:
    """``count`` submitted attempts of ``quiz``, one per new learner."""
    rng = random.Random(count)
    now = utcnow()
    session.execute(
        insert(User),
        [
            {
                "username": f"{prefix}-{i:06d}",
                "password_hash": "!",
                "role": Role.LEARNER,
                "pseudonym": new_token(),
                "session_token": new_token(),
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    ids = session.scalars(
        select(User.id).where(User.username.like(f"{prefix}-%")).order_by(User.id)
    ).all()
    by_id = {q["id"]: q for q in quiz["questions"]}
    attempts, graded = [], []
    for user_id in ids:
        drawn = rng.sample(list(by_id), min(int(quiz["pool"]), len(by_id)))
        answers = {}
        for qid in drawn:
            if rng.random() < 0.05:
                continue  # unanswered
            response = _response(rng, by_id[qid])
            qtype = QUESTION_TYPES[by_id[qid]["type"]]
            answers[qid] = (response, qtype.grade(by_id[qid], response, "en"))
        points = sum(right for _r, right in answers.values())
        attempts.append(
            {
                "user_id": user_id,
                "quiz_id": QUIZ,
                "module_id": quiz["module"],
                "number": 1,
                "version": 1,
                "language": "en",
                "questions": drawn,
                "orders": {},
                "started_at": now,
                "submitted_at": now,
                "points": points,
                "total": len(drawn),
                "score": round(points / len(drawn), 4),
                "passed": points / len(drawn) >= 0.7,
            }
        )
        graded.append(answers)
    made = session.execute(insert(QuizAttempt).returning(QuizAttempt.id), attempts)
    rows = [
        {
            "attempt_id": attempt_id,
            "question_id": qid,
            "response": response,
            "correct": right,
            "saved_at": now,
        }
        for attempt_id, answers in zip(made.scalars(), graded, strict=True)
        for qid, (response, right) in answers.items()
    ]
    session.execute(insert(QuizAnswer), rows)


def main(argv: list[str] | None = None) -> None:
    """Fill the quiz, time the pages, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from courseware import create_app
    from courseware.auth.services import create_user
    from courseware.content.runtime import active_course
    from courseware.content.services import publish
    from courseware.db import get_session

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "COURSEWARE_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "COURSEWARE_SECRET_KEY": "bench-only-secret",
                "COURSEWARE_ARGON2_TIME_COST": 1,
                "COURSEWARE_ARGON2_MEMORY_COST": 8192,
                "COURSEWARE_ARGON2_PARALLELISM": 1,
                "WTF_CSRF_ENABLED": False,
                "COURSEWARE_CONTENT_CHECK_SECONDS": 0,  # exact query counts
            }
        )
        app.instance_path = tmp
        result = app.test_cli_runner().invoke(args=["courseware", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            session = get_session()
            publish(session, ROOT, "bench", "bench")
            create_user(session, "bench-author", "bench-password", Role.AUTHOR)
            quiz = active_course().quiz(QUIZ)
            session.commit()
        client = app.test_client()
        client.post(
            "/login", data={"username": "bench-author", "password": "bench-password"}
        )
        engine = app.extensions["courseware"].engine
        print(f"quiz {QUIZ}: {len(quiz['questions'])} questions, {quiz['pool']} drawn")
        print(
            f"{'attempts':>9} {'quiz page ms':>13} {'queries':>8} {'list ms':>8} "
            f"{'questions.csv ms':>17} {'options.csv ms':>15} {'page KB':>8}"
        )
        seeded = 0
        for size in sorted(int(s) for s in args.sizes.split(",")):
            with app.app_context():
                session = get_session()
                populate(session, quiz, size - seeded, f"b{size}")
                session.commit()
            seeded = size
            base = f"/analysis/quizzes/{QUIZ}"
            paths = {
                "page": base,
                "list": "/analysis/",
                "questions": f"{base}/questions.csv",
                "options": f"{base}/options.csv",
            }
            timings = {}
            for name, path in paths.items():
                client.get(path).get_data()  # warm the caches
                runs = []
                for _ in range(args.repeat):
                    with QueryCounter(engine) as counter:
                        started = time.perf_counter()
                        response = client.get(path)
                        body = response.get_data()
                        runs.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status)
                timings[name] = (statistics.median(runs), counter.count, body)
            page_ms, queries, html = timings["page"]
            print(
                f"{size:>9} {page_ms:>13.0f} {queries:>8} {timings['list'][0]:>8.0f} "
                f"{timings['questions'][0]:>17.0f} {timings['options'][0]:>15.0f} "
                f"{len(html) / 1024:>8.0f}"
            )


if __name__ == "__main__":
    main()
