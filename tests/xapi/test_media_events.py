"""Media events from the browser: shape and ownership, duplicates, Video Profile."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from ralph.models.selector import ModelSelector
from ralph.models.validator import Validator
from ralph.models.xapi.base.statements import BaseXapiStatement

from tests.conftest import csrf_token
from tests.xapi.profile_check import known_extensions, violations


def event(verb: str, session: str, **fields) -> dict:
    data = {
        "id": str(uuid.uuid4()),
        "session": session,
        "verb": verb,
        "module": "sample",
        "lesson": "video",
        "media": "sample-video",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "length": 60.0,
    }
    data.update(fields)
    return data


def a_session() -> list[dict]:
    session = str(uuid.uuid4())
    return [
        event("initialized", session),
        event("played", session, time=0.0),
        event("seeked", session, **{"from": 5.0, "to": 20.0}),
        event(
            "paused",
            session,
            time=30.5,
            progress=0.433,
            segments="0.000[.]5.000[,]20.000[.]30.500",
        ),
        event("played", session, time=30.5),
        event(
            "completed",
            session,
            time=59.0,
            progress=0.95,
            watched=44.0,
            segments="0.000[.]5.000[,]20.000[.]59.000",
        ),
        event(
            "terminated",
            session,
            time=60.0,
            progress=0.95,
            segments="0.000[.]5.000[,]20.000[.]60.000",
        ),
    ]


@pytest.fixture
def signed_in(client, publish, make_user, login):
    publish()
    login(make_user("viewer"))
    client.get("/modules/sample/video")
    return csrf_token(client, "/modules/sample/video")


def post(client, token, events, **extra):
    return client.post(
        "/xapi/media-events",
        json={"events": events, **extra},
        headers={"X-CSRFToken": token},
    )


def test_a_viewing_session_becomes_valid_video_profile_statements(
    client, signed_in, outbox
):
    events = a_session()
    response = post(client, signed_in, events)
    assert response.json == {"accepted": [e["id"] for e in events], "rejected": []}
    statements = [
        s for s in outbox() if s["object"]["id"].endswith("/media/sample-video")
    ]
    assert [s["id"] for s in statements] == [e["id"] for e in events]
    validator = Validator(ModelSelector(module="ralph.models.xapi"))
    for statement in statements:
        BaseXapiStatement(**statement)
        validator.get_first_valid_model(statement)  # a Ralph video model accepts it
        assert violations(statement) == [], statement["verb"]
        for key in statement["context"].get("extensions", {}):
            assert key in known_extensions()
    completed = statements[5]
    assert completed["result"]["completion"] is True
    assert completed["result"]["duration"] == "PT44S"
    assert "completion" not in statements[3].get("result", {})


def test_duplicates_are_accepted_once(client, signed_in, outbox):
    events = a_session()[:2]
    post(client, signed_in, events)
    again = post(client, signed_in, events)  # a resend after a lost answer
    assert again.json["accepted"] == [e["id"] for e in events]
    assert len([s for s in outbox() if "/media/" in s["object"]["id"]]) == 2


@pytest.mark.parametrize(
    "change,reason",
    [
        ({"media": "someone-elses-video"}, "no such media in this lesson"),
        ({"lesson": "intro"}, "no such media in this lesson"),
        ({"verb": "liked"}, "unknown verb"),
        ({"id": "not-a-uuid"}, "id must be a lowercase uuid4"),
        # Not rewritten into another id: uppercase, version 1, braces are refused.
        (
            {"id": "9F1B2C3D-4E5F-4A6B-8C7D-1E2F3A4B5C6D"},
            "id must be a lowercase uuid4",
        ),
        (
            {"id": "9f1b2c3d-4e5f-1a6b-8c7d-1e2f3a4b5c6d"},
            "id must be a lowercase uuid4",
        ),
        ({"session": 12}, "session must be a lowercase uuid4"),
        ({"time": -3}, "time must be a number of seconds from 0 to 86400"),
        ({"time": 1e308}, "time must be a number of seconds from 0 to 86400"),
        ({"time": True}, "time must be a number of seconds from 0 to 86400"),
        ({"length": "60"}, "length must be a number of seconds from 0 to 86400"),
        ({"subtitles": "<script>"}, "subtitles must be a language tag"),
        ({"module": ["sample"]}, "module, lesson and media must be ids"),
        ({"progress": 1.5}, "progress is between 0 and 1"),
        ({"segments": "0[.]x"}, "played-segments has the wrong form"),
        ({"timestamp": "2026-01-01T00:00:00"}, "timestamp must carry a time zone"),
        (
            {"timestamp": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
            "timestamp is in the future or too old",
        ),
    ],
)
def test_bad_events_are_refused_with_a_reason(
    client, signed_in, outbox, change, reason
):
    bad = event(
        "paused", str(uuid.uuid4()), time=3.0, progress=0.1, segments="0.000[.]3.000"
    )
    bad.update(change)
    response = post(client, signed_in, [bad])
    sent_id = bad["id"] if isinstance(bad["id"], str) else ""
    assert response.json["rejected"] == [{"id": sent_id, "reason": reason}]
    assert response.json["accepted"] == []
    assert not [s for s in outbox() if "/media/" in s["object"]["id"]]


@pytest.mark.parametrize(
    "number, reason",
    [
        ("NaN", "NaN is not a number JSON allows"),
        ("Infinity", "Infinity is not a number JSON allows"),
        ("-Infinity", "-Infinity is not a number JSON allows"),
        ("1e400", "1e400 is too large"),
    ],
)
def test_non_finite_numbers_refuse_the_whole_body(
    client, signed_in, outbox, number, reason
):
    one = event("played", str(uuid.uuid4()), time=3.0)
    body = json.dumps({"events": [one]}).replace('"time": 3.0', f'"time": {number}')
    response = client.post(
        "/xapi/media-events",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": signed_in},
    )
    assert response.status_code == 400
    assert response.json == {"error": reason}
    assert not [s for s in outbox() if "/media/" in s["object"]["id"]]


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"events": []}, "events: [] should be non-empty"),
        ({"events": "x"}, "events: 'x' is not of type 'array'"),
        ({"events": [{}], "actor": {"mbox": "x"}}, "body: Additional properties"),
        ({"language": "en"}, "body: 'events' is a required property"),
    ],
)
def test_bodies_of_the_wrong_shape_are_refused(client, signed_in, body, reason):
    response = client.post(
        "/xapi/media-events", json=body, headers={"X-CSRFToken": signed_in}
    )
    assert response.status_code == 400
    assert response.json["error"].startswith(reason)


def test_the_endpoint_needs_sign_in_and_csrf(client, publish):
    publish()
    assert client.post(
        "/xapi/media-events", json={"events": a_session()}
    ).status_code in (302, 400)


def test_the_browser_cannot_choose_the_actor(client, signed_in, outbox):
    forged = event(
        "initialized", str(uuid.uuid4()), actor={"mbox": "mailto:someone@example.org"}
    )
    post(client, signed_in, [forged])
    (statement,) = [s for s in outbox() if "/media/" in s["object"]["id"]]
    assert "mbox" not in statement["actor"]


def test_the_profile_is_published(client, outbox, app, make_user, publish):
    response = client.get("/xapi/profile")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    profile = response.json
    assert profile["id"] == "https://w3id.org/xapi/cop-courseware"
    assert len(profile["templates"]) == 16


def test_every_learning_statement_fits_the_profile(app, make_user, publish, outbox):
    from tests.xapi.conftest import journey

    journey(app, make_user, publish)
    for statement in outbox():
        assert violations(statement) == [], statement
