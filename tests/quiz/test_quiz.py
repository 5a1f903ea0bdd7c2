"""Quizzes: attempts, saving as you go, grading on the server only, feedback, limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courseware.db import get_session
from courseware.learn.models import Completion
from courseware.quiz.models import QuizAnswer
from tests.conftest import csrf_token

RIGHT = {
    "crc-year": "y1989",
    "risks": ["contact", "content"],
    "helpline-free": "true",
    "network": "  inhope ",
    "match-cs.contact": "contact-target",
    "match-cs.content": "content-target",
    "steps.stop": "1",
    "steps.save": "2",
    "steps.tell": "3",
}
WRONG = {
    "crc-year": "y2000",
    "risks": ["weather"],
    "helpline-free": "false",
    "network": "nobody",
    "match-cs.contact": "content-target",
    "match-cs.content": "contact-target",
    "steps.stop": "3",
    "steps.save": "2",
    "steps.tell": "1",
}


def start(client) -> str:
    token = csrf_token(client, "/quizzes/sample")
    response = client.post("/quizzes/sample/start", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def send(client, attempt_url: str, answers: dict, action: str, json: bool = False):
    token = csrf_token(client, "/")
    data = {"csrf_token": token, "action": action, **answers}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(attempt_url + "/save", data=data, headers=headers)


@pytest.fixture
def learner(client, publish, make_user, login):
    publish()
    user = make_user("delegate")
    login(user)
    return user


def test_attempt_page_never_contains_the_answers(client, learner):
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    for secret in (
        "Right.",
        "correct",
        "Optional Protocol",
        "They are free",
        "INHOPE",
        "It is INHOPE",
    ):
        assert secret not in page
    assert page.count("<legend>") == 5 + 0 and 'name="network"' in page


def test_answers_are_saved_as_given_and_shown_again(app, client, learner):
    url = start(client)
    saved = send(
        client, url, {"crc-year": "y1989", "network": "INHOPE"}, "save", json=True
    )
    assert saved.json == {"saved": 2, "submitted": False}
    send(client, url, {"crc-year": "y2000"}, "save", json=True)  # changing is fine
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'value="y2000" checked', page)
    assert 'value="INHOPE"' in page
    with app.app_context():
        assert len(get_session().scalars(select(QuizAnswer)).all()) == 2


def test_submit_grades_on_the_server_and_records_statements(
    app, client, learner, outbox
):
    url = start(client)
    response = send(client, url, RIGHT, "submit")
    assert response.headers["Location"] == url + "/result"
    page = client.get(url + "/result").get_data(as_text=True)
    assert "You answered 6 of 6 questions correctly (100%)." in page
    assert "You passed this quiz." in page
    answered = outbox("answered")
    assert len(answered) == 6 and all(s["result"]["success"] for s in answered)
    fill = next(s for s in answered if s["object"]["id"].endswith("/question/network"))
    assert "response" not in fill["result"]  # free text stays here by default
    (passed,) = outbox("passed")
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 6, "min": 0, "max": 6}


def test_resubmitting_is_harmless(client, learner, outbox):
    url = start(client)
    send(client, url, RIGHT, "submit")
    again = send(client, url, WRONG, "submit")
    assert again.headers["Location"] == url + "/result"
    assert len(outbox("answered")) == 6 and len(outbox("passed")) == 1
    assert "6 of 6" in client.get(url + "/result").get_data(as_text=True)


def test_failing_then_passing_on_the_second_attempt(app, client, learner, outbox):
    first = start(client)
    send(client, first, WRONG, "submit")
    page = client.get(first + "/result").get_data(as_text=True)
    assert "You did not pass this time. You need 70%." in page
    assert "No: 2000 is the Optional Protocol." in page  # feedback on the chosen answer
    assert "The correct answer:" in page and "Stop → Save → Tell" in page
    assert "2 attempts left" in client.get("/quizzes/sample").get_data(as_text=True)
    second = start(client)
    assert second.endswith("/attempts/2")
    send(client, second, RIGHT, "submit")
    assert len(outbox("failed")) == 1 and len(outbox("passed")) == 1
    # Lessons are not done yet, so the module is not complete.
    with app.app_context():
        assert get_session().scalars(select(Completion)).all() == []


def test_attempts_are_limited(client, learner):
    for _ in range(3):
        send(client, start(client), WRONG, "submit")
    token = csrf_token(client, "/quizzes/sample")
    response = client.post(
        "/quizzes/sample/start", data={"csrf_token": token}, follow_redirects=True
    )
    assert "You have used all your attempts at this quiz." in response.get_data(
        as_text=True
    )


def test_another_learners_attempt_is_not_found(client, learner, make_user, login, app):
    url = start(client)
    other = app.test_client()
    token = csrf_token(other, "/login")
    make_user("someone")
    other.post(
        "/login",
        data={
            "username": "someone",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert other.get(url).status_code == 404
    assert other.get(url + "/result").status_code == 404


def test_module_and_track_complete_after_lessons_and_quiz(app, client, learner, outbox):
    for lesson in ("intro", "video"):
        token = csrf_token(client, f"/modules/sample/{lesson}")
        client.post(f"/modules/sample/{lesson}/complete", data={"csrf_token": token})
    send(client, start(client), RIGHT, "submit")
    with app.app_context():
        done = {(c.kind, c.item_id) for c in get_session().scalars(select(Completion))}
    assert done == {("module", "sample"), ("track", "delegates")}
    completed = [s["object"]["id"] for s in outbox("completed")]
    assert completed[-2].endswith("/module/sample")
    assert completed[-1].endswith("/course/test-course/track/delegates")
