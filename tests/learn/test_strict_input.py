"""The resume position: hostile numbers and ids are refused with the field named,
and nothing changes (the catalogue keeps working)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.db import get_session
from courseware.learn.models import Enrolment
from tests.conftest import csrf_token

GOOD = '{"module": "sample", "lesson": "video", "media": "clip", "time": 12.5}'


@pytest.fixture
def token(client, publish, make_user, login):
    publish()
    login(make_user("player"))
    client.get("/modules/sample/video")
    token = csrf_token(client, "/modules/sample/video")
    saved = client.post(
        "/progress/position",
        data=GOOD,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200
    return token


@pytest.mark.parametrize(
    "body, reason",
    [
        (GOOD.replace("12.5", "NaN"), "NaN is not a number JSON allows"),
        (GOOD.replace("12.5", "Infinity"), "Infinity is not a number JSON allows"),
        (GOOD.replace("12.5", "-Infinity"), "-Infinity is not a number JSON allows"),
        (GOOD.replace("12.5", "1e400"), "1e400 is too large"),
        (GOOD.replace("12.5", "1e308"), "time: 1e+308 is not valid under any"),
        (GOOD.replace("12.5", "-1"), "time: -1 is not valid under any"),
        (GOOD.replace("12.5", '"12"'), "time: '12' is not valid under any"),
        (GOOD.replace("12.5", "true"), "time: True is not valid under any"),
        (GOOD.replace('"clip"', '"a&b"'), "media: 'a&b' is not valid under any"),
        (GOOD.replace('"video"', '["video"]'), "lesson: ['video'] is not of type"),
        (GOOD.replace('"video"', '"nope"'), "no such lesson"),
        (GOOD.replace("}", ', "user": 2}'), "body: Additional properties are not"),
        ('{"lesson": "video"}', "body: 'module' is a required property"),
        ("[1, 2]", "body: [1, 2] is not of type 'object'"),
        ("{" * 5000, "not valid JSON"),
        ("not json", "not valid JSON"),
    ],
)
def test_hostile_positions_are_refused_and_change_nothing(
    app, client, token, body, reason
):
    answer = client.post(
        "/progress/position",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 400
    assert answer.json["error"].startswith(reason), answer.json
    with app.app_context():
        enrolment = get_session().scalars(select(Enrolment)).one()
        assert (enrolment.resume_media, enrolment.resume_time) == ("clip", 12.5)
    assert client.get("/").status_code == 200


def test_an_odd_stored_time_never_breaks_a_page(app, client, token):
    with app.app_context():
        session = get_session()
        session.scalars(select(Enrolment)).one().resume_time = float("inf")
        session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert "video at 0:00" in page.get_data(as_text=True)


def test_the_standalone_apps_json_refuses_non_finite_numbers(app):
    with app.app_context(), pytest.raises(ValueError, match="NaN is not a number"):
        app.json.loads('{"time": NaN}')
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"time": float("inf")})
