"""The same request twice (and more) at once, through a real threaded server.

Every write endpoint is hit by N identical requests released together: no answer is
a server error and the effect happens once (one row, one statement per event, one
grading). Runs on SQLite and, with COURSEWARE_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from courseware.auth.models import User
from courseware.certificates.models import Certificate
from courseware.content.models import ContentVersion
from courseware.db import get_session
from courseware.learn.models import Completion, Enrolment, LessonProgress
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.teach.models import Assignment, CoOwner, Group, Membership
from courseware.teach.services import groups as teach
from courseware.xapi.models import OutboxStatement
from tests.conftest import FIXTURE_COURSE, PASSWORD
from tests.quiz.test_quiz import RIGHT
from tests.race import (
    CSRF_RE,
    LiveServer,
    RaceClient,
    assert_no_server_errors,
    statuses,
)

N = 6


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def learner(app, live, publish, make_user) -> RaceClient:
    publish()
    make_user("racer")
    client = RaceClient(live.url)
    client.login("racer", PASSWORD)
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return get_session().scalar(
            select(func.count()).select_from(model).where(*where)
        )


def statements(app) -> Counter:
    """(verb, object id tail) -> how many statements the outbox holds."""
    with app.app_context():
        payloads = get_session().scalars(select(OutboxStatement.payload))
        return Counter(
            (s["verb"]["id"].rsplit("/", 1)[-1], s["object"]["id"].split("/", 3)[-1])
            for s in map(json.loads, payloads)
        )


def verb_count(app, verb: str) -> int:
    return sum(n for (v, _obj), n in statements(app).items() if v == verb)


def test_opening_a_lesson_in_several_tabs_at_once(app, learner):
    answers = learner.race(N, "GET", "/modules/sample/intro")
    assert_no_server_errors(answers)
    assert statuses(answers) == [200] * N
    assert count(app, Enrolment) == 1
    assert count(app, LessonProgress) == 1
    assert verb_count(app, "experienced") == 1


def test_completing_a_lesson_twice_at_once(app, learner):
    learner.get("/modules/sample/intro")
    token = learner.csrf("/modules/sample/intro")
    answers = learner.race(
        N, "POST", "/modules/sample/intro/complete", data={"csrf_token": token}
    )
    assert_no_server_errors(answers)
    assert statuses(answers) == [302] * N
    assert {a.headers["Location"] for a in answers} == {"/modules/sample/video"}
    assert verb_count(app, "completed") == 1
    assert verb_count(app, "progressed") == 1


def test_saving_the_position_from_several_tabs(app, learner):
    learner.get("/modules/sample/video")
    token = learner.csrf("/modules/sample/video")
    answers = learner.race(
        N,
        "POST",
        "/progress/position",
        json={
            "module": "sample",
            "lesson": "video",
            "media": "sample-video",
            "time": 12.5,
        },
        headers={"X-CSRFToken": token},
    )
    assert_no_server_errors(answers)
    assert statuses(answers) == [200] * N
    with app.app_context():
        enrolment = get_session().scalars(select(Enrolment)).one()
        assert (enrolment.resume_lesson, enrolment.resume_time) == ("video", 12.5)


def start_quiz(learner: RaceClient) -> str:
    token = learner.csrf("/quizzes/sample")
    answer = learner.post(
        "/quizzes/sample/start", data={"csrf_token": token}, allow_redirects=False
    )
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_starting_a_quiz_twice_at_once(app, learner):
    token = learner.csrf("/quizzes/sample")
    answers = learner.race(
        N, "POST", "/quizzes/sample/start", data={"csrf_token": token}
    )
    assert_no_server_errors(answers)
    assert {a.headers.get("Location") for a in answers} == {
        "/quizzes/sample/attempts/1"
    }
    assert count(app, QuizAttempt) == 1
    assert verb_count(app, "attempted") == 1


def test_autosaving_the_same_answers_at_once(app, learner):
    attempt = start_quiz(learner)
    token = learner.csrf(attempt)
    answers = learner.race(
        N,
        "POST",
        attempt + "/save",
        data={"csrf_token": token, "action": "save", **RIGHT},
        headers={"Accept": "application/json"},
    )
    assert_no_server_errors(answers)
    assert {a.json()["saved"] for a in answers} == {6}
    assert count(app, QuizAnswer) == 6


def test_submitting_a_quiz_twice_at_once_grades_it_once(app, learner):
    for lesson in ("intro", "video"):
        token = learner.csrf(f"/modules/sample/{lesson}")
        learner.post(f"/modules/sample/{lesson}/complete", data={"csrf_token": token})
    attempt = start_quiz(learner)
    token = learner.csrf(attempt)
    answers = learner.race(
        N,
        "POST",
        attempt + "/save",
        data={"csrf_token": token, "action": "submit", **RIGHT},
    )
    assert_no_server_errors(answers)
    assert {a.headers["Location"] for a in answers} == {attempt + "/result"}
    assert verb_count(app, "passed") == 1
    assert verb_count(app, "answered") == 6
    assert count(app, Completion, Completion.kind == "module") == 1
    assert count(app, Completion, Completion.kind == "track") == 1
    assert count(app, Certificate) == 1
    assert verb_count(app, "earned") == 1
    page = learner.get(attempt + "/result").text
    assert "100%" in page


def test_two_posts_of_one_join_code(app, live, make_user, publish):
    publish()
    teacher = make_user("teacher-j", role="teacher")
    make_user("pupil")
    with app.app_context():
        session = get_session()
        group = teach.create_group(
            session, teacher, kind="class", name="7B", prefix="7b", timezone="UTC"
        )
        code = teach.set_join_code(session, group, 7)
        session.commit()
    pupil = RaceClient(live.url)
    pupil.login("pupil", PASSWORD)
    token = pupil.csrf("/join")
    answers = pupil.race(N, "POST", "/join", data={"csrf_token": token, "code": code})
    assert_no_server_errors(answers)
    assert count(app, Membership) == 1


def test_adding_a_co_owner_twice_at_once(app, live, make_user):
    owner = make_user("owner-t", role="teacher")
    make_user("colleague", role="teacher")
    with app.app_context():
        session = get_session()
        group = teach.create_group(
            session, owner, kind="class", name="7C", prefix="7c", timezone="UTC"
        )
        session.commit()
        group_id = group.id
    client = RaceClient(live.url)
    client.login("owner-t", PASSWORD)
    token = client.csrf(f"/teach/groups/{group_id}")
    answers = client.race(
        N,
        "POST",
        f"/teach/groups/{group_id}/co-owners",
        data={"csrf_token": token, "username": "colleague"},
    )
    assert_no_server_errors(answers)
    assert count(app, CoOwner) == 1


def test_registering_one_username_twice_at_once(app, live):
    client = RaceClient(live.url)
    token = client.csrf("/register")
    answers = client.race(
        N,
        "POST",
        "/register",
        data={
            "csrf_token": token,
            "username": "twin",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert_no_server_errors(answers)
    assert count(app, User, func.lower(User.username) == "twin") == 1
    created = [a for a in answers if a.status_code == 302]
    refused = [a for a in answers if a.status_code == 200]
    assert len(created) == 1 and len(refused) == N - 1
    assert all("This username is taken." in a.text for a in refused)


def test_naming_a_certificate_twice_at_once(app, learner):
    for lesson in ("intro", "video"):
        token = learner.csrf(f"/modules/sample/{lesson}")
        learner.post(f"/modules/sample/{lesson}/complete", data={"csrf_token": token})
    attempt = start_quiz(learner)
    token = learner.csrf(attempt)
    learner.post(
        attempt + "/save", data={"csrf_token": token, "action": "submit", **RIGHT}
    )
    with app.app_context():
        code = get_session().scalars(select(Certificate.code)).one()
    token = learner.csrf(f"/certificates/{code}")
    answers = learner.race(
        N,
        "POST",
        f"/certificates/{code}",
        data={"csrf_token": token, "name": "Amina Kone"},
    )
    assert_no_server_errors(answers)
    assert statuses(answers) == [302] * N
    with app.app_context():
        rows = get_session().scalars(select(Certificate)).all()
        assert [(c.name, c.revoked_at) for c in rows] == [("Amina Kone", None)]
        assert rows[0].payload
    # A name correction sent twice at once re-issues once: one revoked, one standing.
    answers = learner.race(
        N,
        "POST",
        f"/certificates/{code}",
        data={"csrf_token": token, "name": "Amina K. Kone"},
    )
    assert_no_server_errors(answers)
    with app.app_context():
        rows = get_session().scalars(select(Certificate).order_by(Certificate.id)).all()
        assert [(c.name, c.revoked_at is None) for c in rows] == [
            ("Amina Kone", False),
            ("Amina K. Kone", True),
        ]
        assert rows[1].replaces_id == rows[0].id and rows[1].payload
    # And a hostile name (too long, only spaces) is refused; nothing changes.
    for bad in ("x" * 500, "   "):
        refused = learner.post(
            f"/certificates/{rows[1].code}",
            data={"csrf_token": token, "name": bad},
            allow_redirects=False,
        )
        assert refused.status_code == 200
    assert count(app, Certificate) == 2


def video_events() -> list[dict]:
    session = str(uuid.uuid4())
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    base = {
        "session": session,
        "module": "sample",
        "lesson": "video",
        "media": "sample-video",
        "timestamp": now,
        "length": 60.0,
    }
    return [
        {**base, "id": str(uuid.uuid4()), "verb": "initialized"},
        {**base, "id": str(uuid.uuid4()), "verb": "played", "time": 0.0},
    ]


def test_two_tabs_flushing_one_media_event_queue(app, learner):
    learner.get("/modules/sample/video")
    token = learner.csrf("/modules/sample/video")
    events = video_events()
    answers = learner.race(
        N,
        "POST",
        "/xapi/media-events",
        json={"events": events},
        headers={"X-CSRFToken": token},
    )
    assert_no_server_errors(answers)
    assert statuses(answers) == [200] * N
    assert count(app, OutboxStatement, OutboxStatement.source == "browser") == 2
    ids = {e["id"] for e in events}
    assert count(app, OutboxStatement, OutboxStatement.id.in_(ids)) == 2


def test_two_publishers_at_once_make_one_version(app):
    from courseware.content.services import publish

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def publisher():
        try:
            with app.app_context():
                session = get_session()
                barrier.wait(timeout=30)
                publish(session, FIXTURE_COURSE, "race", "tests")
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publisher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert count(app, ContentVersion) == 1
    assert count(app, ContentVersion, ContentVersion.is_active.is_(True)) == 1


ONCE_RE = re.compile(r'name="once_key" type="hidden" value="([0-9a-f]{32})"')


def form_keys(client: RaceClient, path: str) -> dict:
    """The CSRF token and submission key of the form on the page at ``path``."""
    page = client.get(path).text
    return {
        "csrf_token": CSRF_RE.search(page).group(1),
        "once_key": ONCE_RE.search(page).group(1),
    }


@pytest.fixture
def teacher(app, live, publish, make_user) -> tuple[RaceClient, int]:
    publish()
    owner = make_user("teacher-o", role="teacher")
    with app.app_context():
        session = get_session()
        group = teach.create_group(
            session, owner, kind="class", name="7D", prefix="7d", timezone="UTC"
        )
        session.commit()
        group_id = group.id
    client = RaceClient(live.url)
    client.login("teacher-o", PASSWORD)
    return client, group_id


def test_creating_a_class_twice_at_once_makes_one(app, teacher):
    client, _group_id = teacher
    data = {**form_keys(client, "/teach/groups/new"), "name": "8A", "timezone": "UTC"}
    answers = client.race(N, "POST", "/teach/groups/new", data=data)
    assert_no_server_errors(answers)
    assert count(app, Group, Group.name == "8A") == 1
    assert len({a.headers["Location"] for a in answers}) == 1
    again = client.post("/teach/groups/new", data=data, allow_redirects=False)
    assert again.headers["Location"] == answers[0].headers["Location"]
    assert count(app, Group, Group.name == "8A") == 1


def test_pupil_accounts_sent_twice_at_once_are_made_once(app, teacher):
    client, group_id = teacher
    path = f"/teach/groups/{group_id}/cards"
    data = {**form_keys(client, path), "count": "5"}
    answers = client.race(N, "POST", path, data=data)
    assert_no_server_errors(answers)
    assert count(app, Membership, Membership.group_id == group_id) == 5
    cards = [a for a in answers if a.status_code == 200]
    assert len(cards) == 1  # the passwords are shown once; repeats go to the group
    assert {a.headers["Location"] for a in answers if a.status_code == 302} == {
        f"/teach/groups/{group_id}"
    }


def test_an_assignment_sent_twice_at_once_is_made_once(app, teacher):
    client, group_id = teacher
    path = f"/teach/groups/{group_id}/assignments/new"
    data = {**form_keys(client, path), "item": "module:sample"}
    answers = client.race(N, "POST", path, data=data)
    assert_no_server_errors(answers)
    assert count(app, Assignment, Assignment.group_id == group_id) == 1
