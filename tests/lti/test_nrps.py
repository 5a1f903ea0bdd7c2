"""Names and Role Provisioning over real HTTP: a teacher of an LMS-made class syncs
its roster from the test LMS; members are added, removed ones marked, nothing named."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courseware.auth.models import ExternalIdentity, User
from courseware.db import get_session
from courseware.lti.models import LtiContext, LtiRosterMember
from courseware.teach.models import Membership
from tests.conftest import PASSWORD
from tests.lti.advantage import Learner
from tests.lti.conftest import INSTRUCTOR, LEARNER
from tests.race import CSRF_RE, RaceClient, assert_no_server_errors

FLASH_RE = re.compile(r'<p class="flash flash-(\w+)">([^<]+)</p>')


@pytest.fixture
def app(make_app):
    """Small roster pages (paging is followed) and a short read timeout."""
    return make_app(COURSEWARE_LTI_NRPS_PAGE_SIZE=2, COURSEWARE_LTI_READ_TIMEOUT=2)


@pytest.fixture
def lms_class(app, lms, live):
    """The teacher launched from the LMS course: its class exists here."""
    for sub in ("s-1", "s-2", "s-3", "s-4"):
        lms.add_user(sub, [LEARNER], name=f"Pupil {sub}", email=f"{sub}@example.org")
    lms.set_members("course-1", ["teacher-1", "s-1", "s-2", "s-3"])
    teacher = Learner(lms, live, "teacher-1")
    teacher.launch("rl-module")
    with app.app_context():
        group_id = get_session().scalars(select(LtiContext.group_id)).one()
    assert group_id is not None
    teacher.roster = f"/lti/classes/{group_id}/roster"
    teacher.group_id = group_id
    return teacher


def _sync(teacher) -> tuple[str, str]:
    page = teacher.http.get(teacher.live.url + teacher.roster, timeout=30)
    assert page.status_code == 200, page.text[:1000]
    assert "Sync roster from the LMS" in page.text
    token = CSRF_RE.search(page.text).group(1)
    answer = teacher.http.post(
        teacher.live.url + teacher.roster,
        data={"csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:1000]
    shown = teacher.http.get(teacher.live.url + teacher.roster, timeout=30).text
    (flash,) = FLASH_RE.findall(shown)
    return flash


def _state(app, group_id: int) -> dict:
    with app.app_context():
        session = get_session()
        rows = session.scalars(
            select(LtiRosterMember).where(LtiRosterMember.group_id == group_id)
        ).all()
        members = session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.group_id == group_id)
        )
        return {
            "present": sorted(r.sub for r in rows if r.removed_at is None),
            "removed": sorted(r.sub for r in rows if r.removed_at is not None),
            "memberships": members,
            "users": session.scalar(select(func.count()).select_from(User)),
        }


def test_sync_adds_then_marks_removed_and_adds_new(app, lms, lms_class):
    assert _sync(lms_class) == (
        "success",
        "Roster synced: 3 added, 0 removed, 0 unchanged.",
    )
    state = _state(app, lms_class.group_id)
    assert state["present"] == ["s-1", "s-2", "s-3"] and state["memberships"] == 3
    lms.remove_member("course-1", "s-2")  # Inactive in the LMS
    lms.set_members("course-1", ["teacher-1", "s-1", "s-2", "s-3", "s-4"])
    lms.remove_member("course-1", "s-2")
    assert _sync(lms_class)[1] == "Roster synced: 1 added, 1 removed, 2 unchanged."
    state = _state(app, lms_class.group_id)
    assert state["present"] == ["s-1", "s-3", "s-4"] and state["removed"] == ["s-2"]
    assert state["memberships"] == 4  # the removed learner's record is kept
    page = lms_class.http.get(lms_class.live.url + lms_class.roster, timeout=30).text
    assert "Removed on " in page
    # the class's page in Teaching lists the LMS class's learners
    group = lms_class.http.get(
        f"{lms_class.live.url}/teach/groups/{lms_class.group_id}", timeout=30
    )
    assert group.status_code == 200
    assert "Learners (4)" in group.text


def test_no_names_or_emails_are_kept(app, lms, lms_class):
    _sync(lms_class)
    with app.app_context():
        session = get_session()
        names = " ".join(session.scalars(select(User.username)))
        assert "Pupil" not in names and "example.org" not in names
        assert all(email is None for email in session.scalars(select(User.email)))
        subjects = set(session.scalars(select(ExternalIdentity.subject)))
        assert {"s-1", "s-2", "s-3"} <= subjects


def test_the_roster_is_read_page_by_page(app, lms, lms_class):
    lms.set_members("course-1", ["teacher-1", "s-1", "s-2", "s-3", "s-4"])
    assert _sync(lms_class)[1] == "Roster synced: 4 added, 0 removed, 0 unchanged."
    pages = [r for r in lms.service_requests if r["kind"] == "memberships"]
    assert len(pages) == 3  # 5 members, 2 a page


def test_a_learner_who_launched_before_is_linked_not_duplicated(
    app, lms, live, lms_class
):
    Learner(lms, live, "s-1").launch("rl-module")
    before = _state(app, lms_class.group_id)
    _sync(lms_class)
    after = _state(app, lms_class.group_id)
    assert after["users"] == before["users"] + 2  # s-2 and s-3 only
    assert after["memberships"] == 3


@pytest.mark.parametrize("fault", [500, 403, "timeout"])
def test_a_failing_lms_changes_nothing(app, lms, lms_class, fault):
    _sync(lms_class)
    lms.set_members("course-1", ["teacher-1", "s-4"])
    before = _state(app, lms_class.group_id)
    lms.faults.timeout_seconds = 2.0
    lms.faults.memberships = [fault]
    category, message = _sync(lms_class)
    assert category == "error"
    assert message.startswith("The LMS did not give the roster (")
    assert message.endswith("). Nothing was changed; try again later.")
    assert _state(app, lms_class.group_id) == before


def test_two_syncs_at_once_give_one_result(app, lms, lms_class):
    racer = RaceClient(lms_class.live.url)
    racer.http = lms_class.http
    token = CSRF_RE.search(
        lms_class.http.get(lms_class.live.url + lms_class.roster, timeout=30).text
    ).group(1)
    answers = racer.race(3, "POST", lms_class.roster, data={"csrf_token": token})
    assert_no_server_errors(answers)
    state = _state(app, lms_class.group_id)
    assert state["present"] == ["s-1", "s-2", "s-3"] and state["memberships"] == 3
    with app.app_context():
        identities = get_session().scalar(
            select(func.count()).select_from(ExternalIdentity)
        )
    assert identities == 4  # the teacher and three learners, once each


def test_only_teachers_of_the_class_may_sync(app, lms, live, lms_class, make_user):
    make_user("other-teacher", role="teacher")
    other = RaceClient(live.url)
    other.login("other-teacher", PASSWORD)
    assert other.get(lms_class.roster).status_code == 404
    token = other.csrf("/")
    answer = other.post(
        lms_class.roster, data={"csrf_token": token}, allow_redirects=False
    )
    assert answer.status_code == 404
    learner = Learner(lms, live, "s-1")
    learner.launch("rl-module")
    assert learner.http.get(live.url + lms_class.roster, timeout=30).status_code == 403
    assert _state(app, lms_class.group_id)["present"] == []


def test_the_sync_needs_its_csrf_token(app, lms_class):
    answer = lms_class.http.post(
        lms_class.live.url + lms_class.roster,
        data={},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 400
    assert _state(app, lms_class.group_id)["present"] == []


def test_a_class_not_made_by_an_lms_has_no_roster(app, live, make_user, lms):
    make_user("teach", role="teacher")
    client = RaceClient(live.url)
    client.login("teach", PASSWORD)
    with app.app_context():
        from courseware.teach.models import Group

        session = get_session()
        owner = session.scalars(select(User).where(User.username == "teach")).one()
        group = Group(owner_id=owner.id, name="Own class", prefix="own")
        session.add(group)
        session.commit()
        group_id = group.id
    page = client.get(f"/lti/classes/{group_id}/roster")
    assert page.status_code == 404 and "was not made from an LMS course" in page.text
    overview = client.get(f"/teach/groups/{group_id}")
    assert overview.status_code == 200 and "/roster" not in overview.text


def test_the_class_pages_link_an_lms_class_to_its_roster(lms_class):
    overview = lms_class.http.get(
        f"{lms_class.live.url}/teach/groups/{lms_class.group_id}", timeout=30
    )
    assert overview.status_code == 200
    assert f'href="{lms_class.roster}">LMS roster</a>' in overview.text


def test_instructors_are_not_made_members(app, lms, lms_class):
    lms.add_user("ta-1", [INSTRUCTOR])
    lms.set_members("course-1", ["teacher-1", "ta-1", "s-1"])
    assert _sync(lms_class)[1] == "Roster synced: 1 added, 0 removed, 0 unchanged."
