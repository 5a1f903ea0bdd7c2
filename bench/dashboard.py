"""Server time of a class dashboard at 50, 500 and 5,000 learners.

Creates a temporary SQLite database, publishes the bundled course, fills one class
per size with learners, progress, quiz attempts and completions (directly through
the ORM: no argon2 hashing, no HTTP), assigns ten items, then times the dashboard,
the roster and the progress CSV through the Flask test client and prints a table.

    .venv/bin/python bench/dashboard.py [--sizes 50,500,5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from courseware.auth.models import Role, User, new_token  # noqa: E402
from courseware.content.runtime import Course  # noqa: E402
from courseware.db import utcnow  # noqa: E402
from courseware.learn.models import Completion, LessonProgress  # noqa: E402
from courseware.quiz.models import QuizAnswer, QuizAttempt  # noqa: E402
from courseware.teach.models import Assignment, Group, Membership  # noqa: E402


def _items(course: Course, count: int) -> list[tuple[str, str]]:
    items = [("module", m) for m in course.modules] + [
        ("track", t["id"]) for t in course.tracks
    ]
    return [items[i % len(items)] for i in range(count)]


def populate(session, group: Group, course: Course, learners: int, items: int = 10):
    """Fill ``group`` with learners in every state and ``items`` assignments."""
    now = utcnow()
    prefix = f"{group.prefix}-{group.id}"
    session.execute(
        insert(User),
        [
            {
                "username": f"{prefix}-{i:05d}",
                "password_hash": "!",
                "role": Role.LEARNER,
                "active": True,
                "pseudonym": new_token(),
                "session_token": new_token(),
                "created_at": now,
            }
            for i in range(learners)
        ],
    )
    ids = list(
        session.scalars(
            select(User.id).where(User.username.like(f"{prefix}-%")).order_by(User.id)
        )
    )
    session.execute(
        insert(Membership),
        [
            {"group_id": group.id, "user_id": uid, "via": "created", "joined_at": now}
            for uid in ids
        ],
    )
    for index, (kind, item_id) in enumerate(_items(course, items)):
        due = now + timedelta(days=7 if index % 2 else -1)  # half of them overdue
        session.add(
            Assignment(group_id=group.id, kind=kind, item_id=item_id, due_at=due)
        )
    lessons, attempts, completions = [], [], []
    modules = list(course.modules.items())
    for n, uid in enumerate(ids):
        for m, (module_id, module) in enumerate(modules):
            stage = (n + m) % 4  # 0 nothing, 1 opened, 2 lessons done, 3 passed
            if stage == 0:
                continue
            for lesson_id in module.get("lessons") or []:
                lessons.append(
                    {
                        "user_id": uid,
                        "module_id": module_id,
                        "lesson_id": lesson_id,
                        "opened_at": now,
                        "completed_at": now if stage >= 2 else None,
                        "version": course.number,
                        "language": "en",
                    }
                )
                if stage == 1:
                    break
            if stage >= 2 and module.get("quiz"):
                attempts.append((uid, module_id, module["quiz"], stage == 3))
            if stage == 3:
                completions.append((uid, "module", module_id))
    session.execute(insert(LessonProgress), lessons)
    _attempts(session, course, attempts, now)
    session.execute(
        insert(Completion),
        [
            {
                "user_id": uid,
                "kind": kind,
                "item_id": item_id,
                "completed_at": now,
                "version": course.number,
                "language": "en",
            }
            for uid, kind, item_id in completions
        ],
    )
    session.flush()


def _attempts(session, course: Course, attempts: list, now) -> None:
    if not attempts:
        return
    rows = []
    for uid, module_id, quiz_id, passed in attempts:
        questions = [q["id"] for q in course.quiz(quiz_id)["questions"]]
        rows.append(
            {
                "user_id": uid,
                "quiz_id": quiz_id,
                "module_id": module_id,
                "number": 1,
                "version": course.number,
                "language": "en",
                "questions": questions,
                "orders": {},
                "started_at": now,
                "submitted_at": now,
                "points": len(questions) if passed else 1,
                "total": len(questions),
                "score": 1.0 if passed else round(1 / len(questions), 4),
                "passed": passed,
            }
        )
    made = session.execute(
        insert(QuizAttempt).returning(QuizAttempt.id, QuizAttempt.questions), rows
    ).all()
    answers = []
    for (attempt_id, questions), (_u, _m, _q, passed) in zip(
        made, attempts, strict=True
    ):
        for index, question_id in enumerate(questions):
            correct = passed or index == 0
            answers.append(
                {
                    "attempt_id": attempt_id,
                    "question_id": question_id,
                    "response": "right" if correct else "wrong",
                    "correct": correct,
                    "saved_at": now,
                }
            )
    session.execute(insert(QuizAnswer), answers)


class QueryCounter:
    """Counts SQL statements sent on an engine while active."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def main(argv: list[str] | None = None) -> None:
    """Build the classes, time the pages, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    from courseware import create_app
    from courseware.auth.services import create_user
    from courseware.content.runtime import active_course
    from courseware.content.services import publish
    from courseware.db import get_session
    from courseware.teach.services.groups import create_group

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "COURSEWARE_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "COURSEWARE_SECRET_KEY": "bench-only-secret",
                "COURSEWARE_ARGON2_TIME_COST": 1,
                "COURSEWARE_ARGON2_MEMORY_COST": 8192,
                "COURSEWARE_ARGON2_PARALLELISM": 1,
                "WTF_CSRF_ENABLED": False,
                # Look the active content up on every request: exact query counts.
                "COURSEWARE_CONTENT_CHECK_SECONDS": 0,
            }
        )
        app.instance_path = tmp
        result = app.test_cli_runner().invoke(args=["courseware", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        groups = {}
        with app.app_context():
            session = get_session()
            publish(session, ROOT, "bench", "bench")
            teacher = create_user(session, "bench-teacher", "bench-password", "teacher")
            course = active_course()
            for size in sizes:
                group = create_group(
                    session,
                    teacher,
                    kind="class",
                    name=f"Class of {size}",
                    prefix="b",
                    timezone="Europe/Paris",
                )
                populate(session, group, course, size)
                groups[size] = group.id
            session.commit()
        client = app.test_client()
        client.post(
            "/login", data={"username": "bench-teacher", "password": "bench-password"}
        )
        engine = app.extensions["courseware"].engine
        print(f"course: {len(course.modules)} modules; 10 assignments per class")
        print(
            f"{'learners':>9} {'dashboard ms':>13} {'queries':>8} "
            f"{'roster ms':>10} {'progress.csv ms':>16} {'html KB':>8}"
        )
        for size in sizes:
            base = f"/teach/groups/{groups[size]}"
            timings = {}
            for path in ("/dashboard", "/roster", "/export/progress.csv"):
                client.get(base + path).get_data()  # warm the caches
                runs = []
                for _ in range(args.repeat):
                    with QueryCounter(engine) as counter:
                        started = time.perf_counter()
                        body = client.get(base + path).get_data()
                        runs.append((time.perf_counter() - started) * 1000)
                    timings[path] = (statistics.median(runs), counter.count, body)
            dash_ms, queries, html = timings["/dashboard"]
            print(
                f"{size:>9} {dash_ms:>13.0f} {queries:>8} "
                f"{timings['/roster'][0]:>10.0f} "
                f"{timings['/export/progress.csv'][0]:>16.0f} "
                f"{len(html) / 1024:>8.0f}"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
