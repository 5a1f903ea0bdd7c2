"""Launches over real HTTP from the test LMS: the learner arrives where the link
leads, signed in as a pseudonymous learner; teachers get the LMS course's class."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest
from sqlalchemy import func, select

from courseware.auth.models import ExternalIdentity, Role, User
from courseware.db import get_session
from courseware.lti.models import LtiContext, LtiLaunch
from courseware.teach.models import CoOwner, Group, Membership
from tests.lti.conftest import (
    CONTENT_DEVELOPER,
    INSTRUCTOR,
    LEARNER,
    SYSTEM_ADMIN,
    TEACHING_ASSISTANT,
    authenticate,
    browser_session,
    error_of,
    no_cookies_session,
    post_at_once,
)
from tests.lti.platform.lms import _FormReader
from tests.race import assert_no_server_errors


def _follow(http, answer):
    """Follow our redirects (not the LMS's) to the final page."""
    while answer.is_redirect:
        answer = http.get(
            urljoin(answer.url, answer.headers["Location"]),
            allow_redirects=False,
            timeout=30,
        )
    return answer


def test_learner_launch_reaches_the_module_signed_in(app, lms, live):
    http = browser_session()
    answer = lms.launch(http, "learner-1", "rl-module")
    assert answer.status_code == 303, answer.text[:2000]
    assert "/lti/start?ticket=" in answer.headers["Location"]
    page = _follow(http, answer)
    assert page.status_code == 200
    assert page.url.endswith("/modules/sample")
    assert "Sample module" in page.text
    with app.app_context():
        session = get_session()
        identity = session.scalars(select(ExternalIdentity)).one()
        assert identity.provider == f"lti:{lms.tool_platform_id}"
        assert identity.subject == "learner-1"
        user = session.get(User, identity.user_id)
        assert user.role == Role.LEARNER
        assert user.username.startswith("LMS learner ")
        assert user.email is None
        launch = session.scalars(select(LtiLaunch)).one()
        assert launch.user_id == user.id
        assert launch.message_type == "LtiResourceLinkRequest"
        stored = json.loads(launch.claims)
        assert "name" not in stored and "email" not in stored
        assert "given_name" not in stored
        assert "Ada" not in launch.claims and "ada@example.org" not in launch.claims


def _user_of(app, sub):
    with app.app_context():
        session = get_session()
        return session.scalars(
            select(User)
            .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
            .where(ExternalIdentity.subject == sub)
        ).one()


def _group_of(app, context_id="course-1"):
    with app.app_context():
        session = get_session()
        context = session.scalars(
            select(LtiContext).where(LtiContext.context_id == context_id)
        ).one()
        return session.get(Group, context.group_id) if context.group_id else None


def test_teacher_launch_makes_the_lms_course_class(app, lms):
    lms.add_user("ta-1", [TEACHING_ASSISTANT])
    lms.add_user("designer-1", [CONTENT_DEVELOPER])
    assert lms.launch(browser_session(), "learner-1", "rl-module").status_code == 303
    assert _group_of(app) is None  # no teacher yet: no class
    assert lms.launch(browser_session(), "teacher-1", "rl-module").status_code == 303
    teacher = _user_of(app, "teacher-1")
    assert teacher.role == Role.TEACHER
    group = _group_of(app)
    assert group.owner_id == teacher.id
    assert group.name == "Year 9 online safety"
    for sub in ("ta-1", "designer-1"):
        assert lms.launch(browser_session(), sub, "rl-module").status_code == 303
        assert _user_of(app, sub).role == Role.TEACHER
    lms.add_user("learner-2", [LEARNER])
    assert lms.launch(browser_session(), "learner-2", "rl-module").status_code == 303
    with app.app_context():
        session = get_session()
        members = set(
            session.scalars(
                select(Membership.user_id).where(Membership.group_id == group.id)
            )
        )
        co_owners = set(
            session.scalars(select(CoOwner.user_id).where(CoOwner.group_id == group.id))
        )
    # the learner who came before the teacher joined when the class was made
    assert members == {_user_of(app, "learner-1").id, _user_of(app, "learner-2").id}
    assert co_owners == {_user_of(app, "ta-1").id, _user_of(app, "designer-1").id}


def test_lms_administrator_is_not_made_an_administrator(app, lms):
    lms.add_user("root", [SYSTEM_ADMIN, LEARNER])
    assert lms.launch(browser_session(), "root", "rl-module").status_code == 303
    assert _user_of(app, "root").role == Role.LEARNER


def test_a_teacher_stays_a_teacher_when_launching_as_a_learner(app, lms, live):
    lms.add_course("course-2", "Another course")
    lms.add_resource_link(
        "rl-2",
        "course-2",
        f"{live.url}/lti/launch",
        custom={"courseware_target": "quiz:sample"},
    )
    assert lms.launch(browser_session(), "teacher-1", "rl-module").status_code == 303
    lms.add_user("teacher-1", [LEARNER])  # a learner in the other course
    assert lms.launch(browser_session(), "teacher-1", "rl-2").status_code == 303
    assert _user_of(app, "teacher-1").role == Role.TEACHER


def test_given_name_only_when_the_platform_allows_it(app, lms):
    from courseware.lti.models import LtiPlatform

    with app.app_context():
        session = get_session()
        session.get(LtiPlatform, lms.tool_platform_id).share_given_name = True
        session.commit()
    assert lms.launch(browser_session(), "learner-1", "rl-module").status_code == 303
    assert _user_of(app, "learner-1").username.startswith("Ada~")


@pytest.mark.parametrize(
    ("target", "path"),
    [
        (
            {"custom": {"courseware_target": "lesson:sample/intro"}},
            "/modules/sample/intro",
        ),
        ({"custom": {"courseware_target": "quiz:sample"}}, "/quizzes/sample"),
        ({"custom": {"courseware_target": "track:delegates"}}, "/tracks/delegates"),
        ({"uri": "/modules/sample"}, "/modules/sample"),
    ],
)
def test_each_kind_of_target(app, lms, live, target, path):
    uri = live.url + target.get("uri", "/lti/launch")
    lms.add_resource_link("rl-x", "course-1", uri, custom=target.get("custom"))
    http = browser_session()
    page = _follow(http, lms.launch(http, "learner-1", "rl-x"))
    assert page.status_code == 200, page.text[:500]
    assert page.url == live.url + path


def test_a_target_not_in_the_course_is_refused_and_makes_nothing(
    app, lms, live, counts
):
    lms.add_resource_link(
        "rl-gone",
        "course-1",
        live.url + "/lti/launch",
        custom={"courseware_target": "module:gone"},
    )
    before = counts()
    answer = lms.launch(browser_session(), "learner-1", "rl-gone")
    assert answer.status_code == 404
    assert (
        error_of(answer.text) == "The link's target module:gone is not in the course."
    )
    assert counts() == before


def test_deep_linking_request_goes_to_the_picker(app, lms):
    http = browser_session()
    answer = lms.launch(http, "teacher-1", None, "LtiDeepLinkingRequest")
    assert answer.status_code == 303, answer.text[:800]
    with app.app_context():
        launch = get_session().scalars(select(LtiLaunch)).one()
    assert "/lti/start?ticket=" in answer.headers["Location"]
    start = http.get(
        urljoin(answer.url, answer.headers["Location"]),
        allow_redirects=False,
        timeout=30,
    )
    assert start.status_code == 303
    assert start.headers["Location"].endswith(f"/lti/deep-link/{launch.id}")
    assert launch.message_type == "LtiDeepLinkingRequest"


def test_deep_linking_without_our_cookie_in_the_frame_opens_the_picker_in_a_new_window(
    app, lms, live
):
    framed = browser_session(lambda name: name.startswith("lti1p3-"))
    answer = lms.launch(framed, "teacher-1", None, "LtiDeepLinkingRequest")
    start = framed.get(urljoin(answer.url, answer.headers["Location"]), timeout=30)
    assert start.status_code == 200
    assert "Open the course in a new window" in start.text
    link = re.search(r'href="([^"]*new=1[^"]*)" target="_blank"', start.text).group(1)
    window = browser_session()
    page = _follow(
        window,
        window.get(
            urljoin(start.url, link.replace("&amp;", "&")),
            allow_redirects=False,
            timeout=30,
        ),
    )
    assert page.status_code == 200 and "/lti/deep-link/" in page.url
    assert "Add to the LMS course" in page.text


def test_launched_signal_carries_the_launch(app, lms):
    from courseware.lti.signals import launched

    seen = []

    def receiver(sender, **kw):
        seen.append((kw["user"].id, kw["launch"].id, kw["claims"]["sub"]))

    launched.connect(receiver, sender=app)
    try:
        assert (
            lms.launch(browser_session(), "learner-1", "rl-module").status_code == 303
        )
    finally:
        launched.disconnect(receiver, sender=app)
    assert len(seen) == 1 and seen[0][2] == "learner-1"


# -- cookies: in the LMS's frame, blocked, and the first-party new window -------


def test_session_cookie_kept_out_of_the_frame_gets_a_new_window(app, lms, live):
    """The state cookie (SameSite=None) survives the frame, our session cookie
    (SameSite=Lax) does not: the learner gets a one-time link for a new window."""
    framed = browser_session(lambda name: name.startswith("lti1p3-"))
    answer = lms.launch(framed, "learner-1", "rl-module")
    assert answer.status_code == 303
    start = framed.get(urljoin(answer.url, answer.headers["Location"]), timeout=30)
    assert start.status_code == 200
    assert "Open the course in a new window" in start.text
    link = re.search(r'href="([^"]*new=1[^"]*)" target="_blank"', start.text).group(1)
    link = urljoin(start.url, link.replace("&amp;", "&"))
    window = browser_session()  # a first-party window: our cookies are kept
    page = _follow(window, window.get(link, allow_redirects=False, timeout=30))
    assert page.status_code == 200 and page.url == live.url + "/modules/sample"
    progress = window.get(live.url + "/progress", timeout=30)
    assert progress.status_code == 200 and "/login" not in progress.url
    again = browser_session().get(link, allow_redirects=False, timeout=30)
    assert again.status_code == 410
    assert "This link was used already or has expired." in again.text


def test_all_cookies_blocked_restarts_the_login_in_a_new_window(app, lms, live, counts):
    answer = lms.launch(no_cookies_session(), "learner-1", "rl-module")
    assert answer.status_code == 401
    link = re.search(r'href="([^"]*lti1p3_new_window=1[^"]*)"', answer.text).group(1)
    link = urljoin(answer.url, link.replace("&amp;", "&"))
    window = browser_session()
    login = window.get(link, allow_redirects=False, timeout=30)
    assert login.status_code == 302 and login.headers["Location"].startswith(lms.issuer)
    auth = window.get(login.headers["Location"], allow_redirects=False, timeout=30)
    form = _FormReader()
    form.feed(auth.text)
    launched = lms.post_launch(
        window, form.action, form.fields["id_token"], form.fields["state"]
    )
    assert launched.status_code == 303
    page = _follow(window, launched)
    assert page.url == live.url + "/modules/sample"
    assert counts()["launches"] == 1


def test_start_without_a_ticket_is_refused(live):
    answer = browser_session().get(live.url + "/lti/start?ticket=nope", timeout=30)
    assert answer.status_code == 410


def test_launch_pages_may_be_framed_by_the_lms(lms, live):
    http = browser_session()
    answer = lms.launch(http, "learner-1", "rl-module")
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    page = _follow(http, answer)
    policy = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {lms.issuer}" in policy
    assert "X-Frame-Options" not in page.headers
    outside = browser_session().get(live.url + "/", timeout=30)
    assert "frame-ancestors 'self';" in outside.headers["Content-Security-Policy"] + ";"


# -- races ----------------------------------------------------------------------


def test_two_first_launches_at_once_make_one_learner(app, lms, counts):
    assert lms.launch(browser_session(), "teacher-1", "rl-module").status_code == 303
    lms.add_user("new-1", [LEARNER])
    before = counts()
    prepared = []
    for _ in range(4):  # login and authentication first; the launches race
        http = browser_session()
        prepared.append((http, *authenticate(lms, http, "new-1")))
    answers = post_at_once(lms, prepared)
    assert_no_server_errors(answers)
    assert [a.status_code for a in answers] == [303] * 4
    after = counts()
    assert after["users"] == before["users"] + 1
    assert after["identities"] == before["identities"] + 1
    assert after["memberships"] == before["memberships"] + 1
    assert after["launches"] == before["launches"] + 4


def test_two_teachers_first_launches_at_once_make_one_class(app, lms):
    lms.add_user("teacher-2", [INSTRUCTOR])
    prepared = []
    for sub in ("teacher-1", "teacher-2"):
        http = browser_session()
        prepared.append((http, *authenticate(lms, http, sub)))
    answers = post_at_once(lms, prepared)
    assert_no_server_errors(answers)
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Group)) == 1
        group = session.scalars(select(Group)).one()
        assert session.scalar(select(func.count()).select_from(CoOwner)) == 1
        owners = {group.owner_id, session.scalars(select(CoOwner.user_id)).one()}
    assert owners == {_user_of(app, "teacher-1").id, _user_of(app, "teacher-2").id}
