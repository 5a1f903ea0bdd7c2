"""Assignments: stable ids, due dates in the group's time zone, extensions, status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from courseware.db import get_session, utcnow
from courseware.teach.models import Assignment, Extension
from courseware.teach.services.report import (
    COMPLETED,
    IN_PROGRESS,
    NOT_ASSIGNED,
    NOT_STARTED,
    OVERDUE,
    load_report,
)
from tests.quiz.test_quiz import WRONG
from tests.teach.conftest import (
    complete_lessons,
    post,
    sign_in,
    take_quiz,
    two_module_course,
)


@pytest.fixture
def setup(app, publish, make_user, make_group, add_member, login, client):
    publish()
    teacher = make_user("teacher", role="teacher")
    group = make_group(teacher, timezone="Europe/Moscow")
    pupils = [make_user(f"p{i}") for i in range(3)]
    for pupil in pupils:
        add_member(group, pupil)
    login(teacher)
    return teacher, group, pupils


def report(app, group, now=None):
    with app.app_context():
        from courseware.content.runtime import active_course
        from courseware.teach.models import Group

        session = get_session()
        return load_report(session, session.get(Group, group.id), active_course(), now)


def statuses(rep, assignment_index=0):
    a = rep.assignments[assignment_index]
    return [rep.cells[(lr.user_id, a.id)].status for lr in rep.learners]


def test_due_date_is_stored_in_utc_from_the_group_time_zone(app, client, setup):
    _teacher, group, _pupils = setup
    response = post(
        client,
        f"/teach/groups/{group.id}/assignments/new",
        {"item": "module:sample", "due_date": "2030-01-31", "due_time": "18:30"},
    )
    assert response.status_code == 302
    with app.app_context():
        (assignment,) = get_session().scalars(select(Assignment)).all()
    # Moscow is UTC+3 all year.
    assert assignment.due_at == datetime(2030, 1, 31, 15, 30, tzinfo=UTC)
    assert (assignment.kind, assignment.item_id) == ("module", "sample")
    page = client.get(f"/teach/groups/{group.id}").get_data(as_text=True)
    assert "Jan 31, 2030, 6:30\u202fPM" in page
    # No time given: the end of that day in the group's zone.
    post(
        client,
        f"/teach/groups/{group.id}/assignments/new",
        {"item": "track:delegates", "due_date": "2030-02-01"},
    )
    with app.app_context():
        track = get_session().scalars(select(Assignment).order_by(Assignment.id)).all()
    assert track[1].due_at == datetime(2030, 2, 1, 20, 59, tzinfo=UTC)


def test_unknown_items_cannot_be_assigned(client, setup):
    _teacher, group, _pupils = setup
    page = post(
        client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:nope"}
    ).get_data(as_text=True)
    assert "Not a valid choice." in page


def test_status_moves_from_not_started_to_completed_with_score(app, client, setup):
    _teacher, group, pupils = setup
    post(client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:sample"})
    assert statuses(report(app, group)) == [NOT_STARTED] * 3
    first = sign_in(app, "p0")
    complete_lessons(first, lessons=("intro",))
    second = sign_in(app, "p1")
    complete_lessons(second)
    take_quiz(second, answers=WRONG)  # an attempt, not passed
    take_quiz(second)  # passed
    rep = report(app, group)
    assert statuses(rep) == [IN_PROGRESS, COMPLETED, NOT_STARTED]
    done = rep.cells[(pupils[1].id, rep.assignments[0].id)]
    assert done.score == 1.0 and done.version == 1 and done.completed_at is not None


def test_overdue_is_decided_on_the_server_and_extensions_override(app, client, setup):
    _teacher, group, pupils = setup
    yesterday = (utcnow() - timedelta(days=1)).astimezone().date().isoformat()
    post(
        client,
        f"/teach/groups/{group.id}/assignments/new",
        {"item": "module:sample", "due_date": yesterday, "due_time": "00:00"},
    )
    assert statuses(report(app, group)) == [OVERDUE] * 3
    with app.app_context():
        assignment = get_session().scalars(select(Assignment)).one()
    later = (utcnow() + timedelta(days=10)).date().isoformat()
    prefix = f"ext{assignment.id}"
    extended = post(
        client,
        f"/teach/groups/{group.id}/learners/{pupils[0].id}/extensions/{assignment.id}",
        {f"{prefix}-due_date": later, f"{prefix}-due_time": "12:00"},
    )
    assert extended.status_code == 302
    rep = report(app, group)
    assert statuses(rep) == [NOT_STARTED, OVERDUE, OVERDUE]
    assert rep.cells[(pupils[0].id, assignment.id)].extended
    page = client.get(f"/teach/groups/{group.id}/learners/{pupils[0].id}")
    assert "(extended)" in page.get_data(as_text=True)
    # Completing late still counts as completed.
    late = sign_in(app, "p1")
    complete_lessons(late)
    take_quiz(late)
    assert statuses(report(app, group)) == [NOT_STARTED, COMPLETED, OVERDUE]
    # The status at a given moment is computed, never stored.
    before = report(app, group, now=utcnow() - timedelta(days=30))
    assert statuses(before) == [NOT_STARTED, COMPLETED, NOT_STARTED]
    post(
        client,
        f"/teach/groups/{group.id}/learners/{pupils[0].id}"
        f"/extensions/{assignment.id}/remove",
    )
    with app.app_context():
        assert get_session().scalars(select(Extension)).all() == []


def test_assignments_to_chosen_learners(app, client, setup):
    _teacher, group, pupils = setup
    post(
        client,
        f"/teach/groups/{group.id}/assignments/new",
        {"item": "module:sample", "learners": [str(pupils[2].id)]},
    )
    assert statuses(report(app, group)) == [NOT_ASSIGNED, NOT_ASSIGNED, NOT_STARTED]
    mine = sign_in(app, "p2").get("/join").get_data(as_text=True)
    assert "Sample module" in mine
    others = sign_in(app, "p0").get("/join").get_data(as_text=True)
    assert "Sample module" not in others and "Nothing assigned yet." in others


def test_learners_of_another_group_cannot_be_chosen(app, client, setup, make_user):
    _teacher, group, _pupils = setup
    stranger = make_user("stranger")
    page = post(
        client,
        f"/teach/groups/{group.id}/assignments/new",
        {"item": "module:sample", "learners": [str(stranger.id)]},
    )
    assert "is not a valid choice for this field." in page.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Assignment)).all() == []


def test_track_assignment_completes_with_the_track(app, client, setup):
    _teacher, group, pupils = setup
    post(
        client, f"/teach/groups/{group.id}/assignments/new", {"item": "track:delegates"}
    )
    learner = sign_in(app, "p0")
    complete_lessons(learner)
    assert statuses(report(app, group))[0] == IN_PROGRESS
    take_quiz(learner)
    rep = report(app, group)
    assert statuses(rep) == [COMPLETED, NOT_STARTED, NOT_STARTED]
    assert rep.cells[(pupils[0].id, rep.assignments[0].id)].score is None


def test_edit_and_delete_an_assignment(app, client, setup):
    _teacher, group, _pupils = setup
    post(client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:sample"})
    with app.app_context():
        assignment = get_session().scalars(select(Assignment)).one()
    base = f"/teach/groups/{group.id}/assignments/{assignment.id}"
    form = client.get(base + "/edit").get_data(as_text=True)
    assert "Sample module" in form and 'name="item"' not in form
    post(client, base + "/edit", {"due_date": "2031-05-01", "due_time": "09:00"})
    with app.app_context():
        changed = get_session().get(Assignment, assignment.id)
        assert changed.due_at == datetime(2031, 5, 1, 6, 0, tzinfo=UTC)
        assert changed.item_id == "sample"
    post(client, base + "/delete")
    with app.app_context():
        assert get_session().scalars(select(Assignment)).all() == []


def test_content_updates_keep_assignments_and_record_versions(
    app, client, setup, publish, tmp_path
):
    _teacher, group, pupils = setup
    post(client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:sample"})
    early = sign_in(app, "p0")
    complete_lessons(early)
    take_quiz(early)
    assert publish(two_module_course(tmp_path)) == 2  # a new content version
    late = sign_in(app, "p1")
    complete_lessons(late)
    take_quiz(late)
    rep = report(app, group)
    a = rep.assignments[0]
    assert statuses(rep) == [COMPLETED, COMPLETED, NOT_STARTED]
    assert rep.cells[(pupils[0].id, a.id)].version == 1
    assert rep.cells[(pupils[1].id, a.id)].version == 2
    page = client.get(f"/teach/groups/{group.id}/dashboard").get_data(as_text=True)
    assert "version 1" in page and "version 2" in page
    # The new module can be assigned; the old assignment still points at "sample".
    post(client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:second"})
    assert [x.item_id for x in report(app, group).assignments] == ["sample", "second"]
