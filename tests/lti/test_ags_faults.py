"""Scores under faults of the LMS: 5xx, timeouts, expired tokens, refusals, a worker
killed mid-batch. Every score is delivered exactly once, or kept as a dead letter
with the LMS's answer; nothing is lost, nothing counted twice, nothing stale sent
after a newer score.

Each case counts the LMS's score POSTs, the scores it accepted, duplicates (two
accepted bodies of one queued score) and our dead letters.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courseware.db import get_session, utcnow
from courseware.lti.models import LtiGradeTarget, LtiScore, ScoreState
from courseware.lti.services import ags
from courseware.lti.services.connector import Connector, platform_info, tool_key
from courseware.lti.services.worker import claim
from tests.lti.advantage import FAST, deliver_all, queue_fixture, score_rows  # noqa: F401 (queue_fixture)


def figures(app, lms, item) -> dict:
    """POSTs received, scores accepted, duplicates, our dead letters."""
    accepted = lms.scores(item.id)
    per_score = Counter((s["userId"], s["timestamp"]) for s in accepted)
    rows = score_rows(app)
    return {
        "posts": len(lms.score_posts),
        "accepted": len(accepted),
        "duplicates": sum(count - 1 for count in per_score.values()),
        "dead": sum(1 for row in rows if row.state == ScoreState.DEAD),
        "sent": sum(1 for row in rows if row.state == ScoreState.SENT),
    }


#: fault planned on the score endpoint -> POSTs, accepted, duplicates, dead (3 scores)
CASES = {
    "none": ([], 3, 3, 0, 0),
    "500 twice": ([500, 500], 5, 3, 0, 0),
    "503, 502, 504": ([503, 502, 504], 6, 3, 0, 0),
    "timeout (the LMS took it)": (["timeout"], 4, 3, 0, 0),
    "401 (token expired)": ([401], 4, 3, 0, 0),
    "429 then 408": ([429, 408], 5, 3, 0, 0),
    "500, timeout, 401, 500": ([500, "timeout", 401, 500], 7, 3, 0, 0),
    "400 (refused)": ([400], 3, 2, 0, 1),
    "404 (line item gone)": ([404], 3, 2, 0, 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_score_once_under_score_endpoint_faults(app, lms, queue, case):
    faults, posts, accepted, duplicates, dead = CASES[case]
    item = queue(3)
    lms.faults.timeout_seconds = 2.0  # answered 3 s late; our read timeout is 2 s
    lms.faults.score = list(faults)
    deliver_all(app)
    found = figures(app, lms, item)
    assert (found["posts"], found["accepted"], found["duplicates"], found["dead"]) == (
        posts,
        accepted,
        duplicates,
        dead,
    ), found
    assert found["sent"] == 3 - dead
    assert lms.faults.score == []  # every planned fault was met


def test_a_refused_score_keeps_the_platforms_answer(app, lms, queue):
    queue(1)
    lms.faults.score = [422]
    deliver_all(app)
    (row,) = score_rows(app)
    assert row.state == ScoreState.DEAD and row.last_status == 422
    assert row.last_error.startswith("422: ")


def test_an_expired_token_is_fetched_again_once(app, lms, queue):
    item = queue(2)
    connector = Connector(FAST.connect_timeout, FAST.read_timeout)  # one worker's
    deliver_all(app, connector=connector)  # one token so far, both sent
    assert len(lms.token_requests) == 1
    lms.expire_tokens()
    with app.app_context():
        session = get_session()
        for target in session.scalars(select(LtiGradeTarget)):
            ags.queue_score(
                session, target, "later", 7.0, 10.0, "Completed", "FullyGraded"
            )
        session.commit()
    deliver_all(app, connector=connector)
    connector.close()
    assert len(lms.token_requests) == 2
    assert [p["status"] for p in lms.score_posts] == [200, 200, 401, 200, 200]
    assert len(lms.scores(item.id)) == 4


def test_token_endpoint_faults_keep_scores_queued(app, lms, queue):
    item = queue(2)
    lms.faults.timeout_seconds = 2.0
    lms.faults.token = [500, "timeout", 503]
    deliver_all(app)
    assert [t.get("fault") for t in lms.token_requests] == [500, "timeout", 503, None]
    assert len(lms.scores(item.id)) == 2
    assert len(lms.score_posts) == 2  # no POST without a token
    assert figures(app, lms, item)["duplicates"] == 0


def test_a_retry_carries_the_same_body_and_timestamp(app, lms, queue):
    queue(1)
    lms.faults.score = [500, 500]
    deliver_all(app)
    bodies = {p["body"] for p in lms.score_posts}
    assert len(lms.score_posts) == 3 and len(bodies) == 1
    (row,) = score_rows(app)
    assert row.tries == 3 and row.body in bodies


def test_a_newer_score_waits_for_the_one_in_flight_and_stale_ones_give_way(
    app, lms, queue
):
    """A score that must be retried when a newer one waits is superseded: the
    LMS never gets an older result after a newer one."""
    item = queue(1, given=3.0)
    lms.faults.score = [500]
    with app.app_context():
        session = get_session()
        held = claim(session, "w-held", 10, 30)  # the first score, in flight
        assert len(held) == 1
        target = session.scalars(select(LtiGradeTarget)).one()
        newer = ags.queue_score(
            session, target, "quiz-graded:2", 9.0, 10.0, "Completed", "FullyGraded"
        )
        session.commit()
        assert claim(session, "w-other", 10, 30) == []  # waits for the older one
        # the older one is still pending (leased), not superseded under the worker
        assert session.get(LtiScore, held[0].id).state == ScoreState.PENDING
        session.get(LtiScore, held[0].id).lease_until = held[0].created_at
        session.commit()  # its worker died: the lease ran out
        assert newer.state == ScoreState.PENDING
    deliver_all(app)
    accepted = lms.scores(item.id)
    assert [s["scoreGiven"] for s in accepted] == [9.0]
    states = Counter(row.state.value for row in score_rows(app))
    assert states == {"superseded": 1, "sent": 1}


def test_a_worker_killed_mid_batch_loses_nothing(app, lms, queue):
    """The worker leased a batch, POSTed the first score and died before writing
    the outcome: when the lease runs out another worker sends every score; the
    first one again with its timestamp, which the LMS recognises (409)."""
    item = queue(4)
    with app.app_context():
        session = get_session()
        leased = claim(session, "killed-worker", 10, 60)
        assert len(leased) == 4
        first = leased[0]
        target = session.get(LtiGradeTarget, first.target_id)
        platform = platform_info(session, target.platform_id)
        key = tool_key(session)
        session.commit()  # the LMS reads our JWKS to check the token request
        with Connector() as connector:
            sent = connector.post_score(platform, key, first.lineitem_url, first.body)
        assert sent.status_code == 200
        session.commit()
    assert claim_now(app, "other-worker") == []  # still leased
    with app.app_context():  # the dead worker's leases run out
        session = get_session()
        session.execute(
            update(LtiScore).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    deliver_all(app, owner="other-worker")
    found = figures(app, lms, item)
    assert found["accepted"] == 4 and found["duplicates"] == 0
    assert found["posts"] == 5 and found["sent"] == 4
    statuses = Counter(p["status"] for p in lms.score_posts)
    assert statuses == {200: 4, 409: 1}
    by_id = {row.id: row for row in score_rows(app)}
    assert by_id[first.id].last_status == 409


def claim_now(app, owner: str):
    with app.app_context():
        rows = claim(get_session(), owner, 10, 30)
        return rows


def test_a_long_outage_backs_off_and_gives_up_as_a_dead_letter(app, lms, queue):
    queue(1)
    config = dataclasses.replace(FAST, max_tries=3)
    lms.faults.score = [500, 500, 500, 500]
    deliver_all(app, config)
    (row,) = score_rows(app)
    assert row.state == ScoreState.DEAD and row.tries == 3
    assert row.last_error.startswith("gave up after 3 tries")
    assert len(lms.score_posts) == 3


def test_the_body_is_the_ags_score(app, lms, queue):
    queue(1)
    (row,) = score_rows(app)
    body = json.loads(row.body)
    assert body["userId"] == "student-0" and body["scoreGiven"] == 5.0
    assert body["scoreMaximum"] == 10.0
