"""Assignment and Grade Services over real HTTP: a learner launched from the test LMS
learns here, and the worker posts each score to the LMS's line item exactly once."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from courseware.db import get_session
from courseware.lti.models import LtiGradeTarget, ScoreState
from tests.lti.advantage import (
    RIGHT,
    WRONG,
    Learner,
    deliver_all,
    post_counts,
    score_rows,
)
from tests.lti.conftest import LEARNER
from tests.race import RaceClient

QUIZ_ITEM = {
    "scoreMaximum": 100,
    "label": "Sample quiz",
    "resourceId": "q",
    "tag": "quiz",
}


@pytest.fixture
def graded(lms, live):
    """Links with line items to the quiz, the module and the track."""
    for rl_id, target in (
        ("rl-quiz", "quiz:sample"),
        ("rl-module-graded", "module:sample"),
        ("rl-track", "track:delegates"),
    ):
        lms.add_resource_link(
            rl_id,
            "course-1",
            f"{live.url}/lti/launch",
            title=target,
            custom={"courseware_target": target},
            line_item={**QUIZ_ITEM, "label": target, "tag": target},
        )
    return lms


@pytest.fixture
def learner(graded, live):
    return Learner(graded, live, "learner-1")


def _moments(scores: list[dict]) -> list[datetime]:
    return [datetime.fromisoformat(s["timestamp"]) for s in scores]


def test_a_passed_quiz_reaches_the_line_item_once(app, graded, learner):
    page = learner.launch("rl-quiz")
    assert "/quizzes/sample" in page.url
    learner.take_quiz(RIGHT)
    (row,) = score_rows(app)
    assert row.state == ScoreState.PENDING and row.event.startswith("quiz-graded:")
    assert graded.scores("rl-quiz") == []  # queued: the LMS has nothing yet
    deliver_all(app)
    (score,) = graded.scores("rl-quiz")
    assert score["userId"] == "learner-1"
    assert score["scoreGiven"] == 6 and score["scoreMaximum"] == 6
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    # ISO 8601 with milliseconds and the UTC offset
    assert len(score["timestamp"]) == len("2026-12-01T13:40:00.123+00:00")
    assert score["timestamp"].endswith("+00:00")
    assert len(graded.score_posts) == 1
    assert graded.score_posts[0]["content_type"] == (
        "application/vnd.ims.lis.v1.score+json"
    )
    deliver_all(app)  # nothing more to send
    assert len(graded.score_posts) == 1
    assert score_rows(app)[0].state == ScoreState.SENT


def test_a_failed_attempt_is_submitted_not_completed(app, graded, learner):
    learner.launch("rl-quiz")
    learner.take_quiz(WRONG)
    deliver_all(app)
    (score,) = graded.scores("rl-quiz")
    assert score["scoreGiven"] == 0 and score["activityProgress"] == "Submitted"
    assert score["gradingProgress"] == "FullyGraded"


def test_module_in_progress_then_completed_and_track_completed(app, graded, learner):
    learner.launch("rl-module-graded")
    learner.launch("rl-track")
    learner.take_quiz(RIGHT)  # lessons not done yet: the module is in progress
    deliver_all(app)
    (first,) = graded.scores("rl-module-graded")
    assert (first["activityProgress"], first["gradingProgress"]) == (
        "InProgress",
        "Pending",
    )
    assert first["scoreGiven"] == 6 and first["scoreMaximum"] == 6
    assert graded.scores("rl-track") == []
    learner.complete_lessons()
    deliver_all(app)
    module_scores = graded.scores("rl-module-graded")
    assert len(module_scores) == 2
    done = module_scores[1]
    assert (done["activityProgress"], done["gradingProgress"]) == (
        "Completed",
        "FullyGraded",
    )
    assert done["scoreGiven"] == 6
    assert _moments(module_scores)[1] > _moments(module_scores)[0]
    (track,) = graded.scores("rl-track")
    assert (track["activityProgress"], track["gradingProgress"]) == (
        "Completed",
        "FullyGraded",
    )
    assert track["scoreGiven"] == track["scoreMaximum"] == 1
    assert post_counts(graded) == {200: 3}


def test_a_newer_score_supersedes_one_still_queued(app, graded, learner):
    """The quiz is passed with the lessons done: in-progress and completed are
    queued in one request; only the completed one is sent."""
    learner.launch("rl-module-graded")
    learner.complete_lessons()
    learner.take_quiz(RIGHT)
    states = sorted(row.state.value for row in score_rows(app))
    assert states == ["pending", "superseded"]
    deliver_all(app)
    (score,) = graded.scores("rl-module-graded")
    assert score["activityProgress"] == "Completed"
    assert len(graded.score_posts) == 1


def test_a_link_without_a_line_item_gets_one_made(app, lms, live):
    """The launch carries the line items URL only: the worker finds or creates the
    line item by resource link and tag, and remembers it."""
    learner = Learner(lms, live, "learner-1")
    learner.launch("rl-module")  # the conftest's link: no line item
    with app.app_context():
        target = get_session().scalars(select(LtiGradeTarget)).one()
        assert target.lineitem_url is None and target.lineitems_url
    learner.take_quiz(RIGHT)
    deliver_all(app)  # the line item is made for the first score
    learner.complete_lessons()
    deliver_all(app)  # and found for the second
    (item,) = [
        i for i in lms.line_items("course-1") if i.resource_link_id == "rl-module"
    ]
    assert item.tag == "module:sample" and item.resource_id == "module:sample"
    scores = lms.scores(item.id)
    assert [s["activityProgress"] for s in scores] == ["InProgress", "Completed"]
    assert len(lms.line_items("course-1")) == 1
    with app.app_context():
        target = get_session().scalars(select(LtiGradeTarget)).one()
        assert target.lineitem_url == item.id
    # another learner of the link: the line item is found, not made again
    lms.add_user("learner-2", [LEARNER])
    other = Learner(lms, live, "learner-2")
    other.launch("rl-module")
    other.take_quiz(RIGHT)
    deliver_all(app)
    assert len(lms.line_items("course-1")) == 1
    assert [s["userId"] for s in lms.scores(item.id)] == [
        "learner-1",
        "learner-1",
        "learner-2",
    ]


def test_no_score_without_a_launch(app, graded, live, make_user, publish):
    """A learner who never launched from the LMS sends nothing anywhere."""
    client = RaceClient(live.url)
    make_user("plain")
    client.login("plain", "correct horse battery")
    token = client.csrf("/quizzes/sample")
    answer = client.post(
        "/quizzes/sample/start", data={"csrf_token": token}, allow_redirects=False
    )
    attempt = answer.headers["Location"]
    client.post(
        attempt + "/save", data={"csrf_token": token, "action": "submit", **RIGHT}
    )
    assert score_rows(app) == []


def test_the_same_submit_twice_at_once_queues_one_score(app, graded, learner, live):
    learner.launch("rl-quiz")
    attempt = learner.start_quiz()
    racer = RaceClient(live.url)
    racer.http = learner.http
    token = learner.csrf()
    answers = racer.race(
        4,
        "POST",
        attempt + "/save",
        data={"csrf_token": token, "action": "submit", **RIGHT},
    )
    assert {a.status_code for a in answers} <= {302, 409}
    rows = score_rows(app)
    assert len(rows) == 1
    deliver_all(app)
    assert len(graded.scores("rl-quiz")) == 1
    assert len(graded.score_posts) == 1


def test_the_body_is_stored_whole_and_sent_as_stored(app, graded, learner):
    learner.launch("rl-quiz")
    learner.take_quiz(RIGHT)
    (row,) = score_rows(app)
    body = json.loads(row.body)
    assert set(body) == {
        "userId",
        "scoreGiven",
        "scoreMaximum",
        "activityProgress",
        "gradingProgress",
        "timestamp",
    }
    assert row.lineitem_url == graded.line_item("rl-quiz").id
    deliver_all(app)
    assert graded.score_posts[0]["body"] == row.body
