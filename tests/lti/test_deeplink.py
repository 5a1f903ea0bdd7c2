"""Deep Linking over real HTTP: a teacher picks modules in our picker, the test LMS
verifies our signed answer and adds links with line items; a learner's launch of one
of them is graded on its line item."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from courseware.db import get_session
from courseware.lti.models import LtiLaunch
from tests.lti.advantage import RIGHT, Learner, deliver_all, two_module_course
from tests.lti.platform.claims import DL_SETTINGS

DEEP_LINKING = "LtiDeepLinkingRequest"
JWT_RE = re.compile(r'name="JWT" value="([^"]+)"')
ACTION_RE = re.compile(
    r'<form method="post" action="([^"]+)" id="lti-deep-link-return"'
)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def course(publish, live, tmp_path):
    """Two modules (sample and second) in the active course."""
    publish(two_module_course(tmp_path))


@pytest.fixture
def teacher(lms, live, course):
    return Learner(lms, live, "teacher-1")


def _picker(teacher, **kwargs):
    page = teacher.launch(None, message_type=DEEP_LINKING, **kwargs)
    assert "/lti/deep-link/" in page.url, page.url
    return page


def _choose(teacher, page, **data):
    token = CSRF_RE.search(page.text).group(1)
    return teacher.http.post(
        page.url, data={"csrf_token": token, **data}, allow_redirects=False, timeout=30
    )


def test_teacher_links_two_modules_and_a_learner_is_graded(app, lms, live, teacher):
    page = _picker(teacher)
    assert page.status_code == 200
    for title in ("Delegates", "Sample module", "Second module", "Quiz: Second module"):
        assert title in page.text
    assert 'type="checkbox"' in page.text  # the LMS accepts several
    assert 'name="due_date"' in page.text
    answer = _choose(
        teacher,
        page,
        items=["module:sample", "module:second"],
        lang="ru",
        due_date="2027-01-31",
        due_time="18:00",
    )
    assert answer.status_code == 200, answer.text[:2000]
    assert ACTION_RE.search(answer.text).group(1) == f"{lms.issuer}/deep-link-return"
    assert "js/lti-deeplink.js" in answer.text  # posts itself; a button without JS
    assert "Return to the LMS with your choice" in answer.text
    policy = answer.headers["Content-Security-Policy"]
    assert f"form-action 'self' {lms.issuer}" in policy
    returned = teacher.http.post(
        f"{lms.issuer}/deep-link-return",
        data={"JWT": JWT_RE.search(answer.text).group(1)},
        timeout=30,
    )
    assert returned.status_code == 200, returned.text
    assert "Added 2 item(s)" in returned.text
    items = lms.deep_link_items
    assert [i["custom"] for i in items] == [
        {"courseware_target": "module:sample", "courseware_lang": "ru"},
        {"courseware_target": "module:second", "courseware_lang": "ru"},
    ]
    assert items[1]["type"] == "ltiResourceLink"
    assert items[1]["url"] == f"{live.url}/lti/launch"
    assert items[1]["title"] == "Второй модуль"
    assert items[1]["lineItem"] == {
        "scoreMaximum": 100,
        "label": "Второй модуль",
        "resourceId": "module:second",
        "tag": "module:second",
    }
    assert items[1]["submission"] == {"endDateTime": "2027-01-31T18:00:00+00:00"}
    (claims,) = lms.deep_link_responses
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"].startswith("dl-")
    # a learner opens the second link: graded on its line item
    learner = Learner(lms, live, "learner-1")
    landed = learner.launch(items[1]["rl_id"])
    assert landed.url.endswith("/modules/second")
    learner.complete_lessons("second")
    learner.take_quiz(RIGHT, quiz="second")
    deliver_all(app)
    (score,) = lms.scores(items[1]["line_item_id"])
    assert score["userId"] == "learner-1"
    assert (score["activityProgress"], score["gradingProgress"]) == (
        "Completed",
        "FullyGraded",
    )
    assert lms.scores(items[0]["line_item_id"]) == []


def test_no_due_date_no_submission_window(lms, teacher):
    page = _picker(teacher)
    answer = _choose(teacher, page, items=["quiz:second"], lang="en")
    assert answer.status_code == 200
    teacher.http.post(
        f"{lms.issuer}/deep-link-return",
        data={"JWT": JWT_RE.search(answer.text).group(1)},
        timeout=30,
    )
    (item,) = lms.deep_link_items
    assert "submission" not in item
    assert item["title"] == "Quiz: Second module"
    assert item["custom"]["courseware_target"] == "quiz:second"


def test_one_choice_when_the_lms_accepts_one(lms, teacher):
    settings = {
        "deep_link_return_url": f"{lms.issuer}/deep-link-return",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": False,
        "data": "only-one",
    }
    page = _picker(teacher, claims={DL_SETTINGS: settings})
    assert 'type="radio"' in page.text and 'type="checkbox"' not in page.text
    answer = _choose(teacher, page, items="module:sample", lang="en")
    assert JWT_RE.search(answer.text)


def test_nothing_chosen_is_refused_with_its_message(lms, teacher):
    page = _picker(teacher)
    answer = _choose(teacher, page, lang="en")
    assert answer.status_code == 200
    assert "Choose at least one item." in answer.text
    assert not JWT_RE.search(answer.text)


def test_an_item_not_offered_is_refused(lms, teacher):
    page = _picker(teacher)
    answer = _choose(teacher, page, items=["module:nope"], lang="en")
    assert "is not a valid choice" in answer.text
    assert not JWT_RE.search(answer.text)


def test_the_picker_needs_its_csrf_token(lms, teacher):
    page = _picker(teacher)
    answer = teacher.http.post(
        page.url, data={"items": ["module:sample"], "lang": "en"}, timeout=30
    )
    assert not JWT_RE.search(answer.text)
    assert answer.status_code == 400 and "The form had expired" in answer.text


def test_a_learner_cannot_open_the_picker(app, lms, live, teacher):
    page = _picker(teacher)
    learner = Learner(lms, live, "learner-1")
    learner.launch("rl-module")
    # the teacher's deep-linking launch, from the learner's session
    refused = learner.http.get(page.url, allow_redirects=False, timeout=30)
    assert refused.status_code == 403
    # and the learner's own (resource link) launch id
    with app.app_context():
        own = (
            get_session()
            .scalars(select(LtiLaunch).where(LtiLaunch.message_type != DEEP_LINKING))
            .one()
        )
    refused = learner.http.get(
        f"{live.url}/lti/deep-link/{own.id}", allow_redirects=False, timeout=30
    )
    assert refused.status_code == 403
    refused = learner.http.post(
        page.url, data={"items": ["module:sample"]}, allow_redirects=False, timeout=30
    )
    assert refused.status_code in (400, 403) and not JWT_RE.search(refused.text)


def test_a_stale_or_unknown_launch_id_is_refused(app, lms, live, teacher):
    page = _picker(teacher)
    with app.app_context():
        session = get_session()
        launch = session.scalars(
            select(LtiLaunch).where(LtiLaunch.message_type == DEEP_LINKING)
        ).one()
        launch.created_at -= timedelta(hours=2)
        session.commit()
    stale = teacher.http.get(page.url, allow_redirects=False, timeout=30)
    assert stale.status_code == 403
    unknown = teacher.http.get(
        f"{live.url}/lti/deep-link/00000000-0000-0000-0000-000000000000",
        allow_redirects=False,
        timeout=30,
    )
    assert unknown.status_code == 403
    assert lms.deep_link_items == []
