"""A class of 500 learners costs the same number of SQL queries as a class of 5."""

from __future__ import annotations

import re

import pytest

from bench.dashboard import QueryCounter, populate
from courseware.content.runtime import active_course
from courseware.db import get_session
from courseware.teach.services.groups import create_group
from courseware.teach.views.reports import PAGE_SIZE
from tests.teach.conftest import two_module_course

PAGES = ("/dashboard", "/roster", "/export/progress.csv", "/export/answers.csv", "")
#: What the dashboard may cost: user, group, active content, members, assignments,
#: chosen learners, extensions, lessons, attempts, completions, 2 for questions.
#: Includes the one query for the learners' certificates and the one asking whether the
#: class was made from an LMS course (its "LMS roster" link).
DASHBOARD_QUERIES = 14


@pytest.fixture
def app(make_app):
    # Look the active content version up on every request: counts stay exact.
    return make_app(COURSEWARE_CONTENT_CHECK_SECONDS=0)


def test_query_counts_do_not_grow_with_class_size(
    app, client, publish, make_user, login, tmp_path
):
    publish(two_module_course(tmp_path))
    teacher = make_user("teacher", role="teacher")
    groups = {}
    with app.app_context():
        session = get_session()
        course = active_course()
        for size in (5, 500):
            group = create_group(
                session,
                teacher,
                kind="class",
                name=f"Class of {size}",
                prefix=f"c{size}",
                timezone="UTC",
            )
            populate(session, group, course, size, items=10)
            groups[size] = group.id
        session.commit()
    login(teacher)
    engine = app.extensions["courseware"].engine
    counts: dict[str, dict[int, int]] = {}
    for size, group_id in groups.items():
        for page in PAGES:
            path = f"/teach/groups/{group_id}{page}"
            with QueryCounter(engine) as counter, client.get(path) as response:
                assert response.status_code == 200
                body = response.get_data(as_text=True)
            counts.setdefault(page or "/", {})[size] = counter.count
            if page == "/dashboard":
                shown = min(size, PAGE_SIZE)  # one page of the matrix
                assert body.count('<th scope="row"><a href="/teach/groups/') >= shown
    for page, by_size in counts.items():
        assert by_size[5] == by_size[500], (page, by_size)
    assert counts["/dashboard"][500] <= DASHBOARD_QUERIES, counts


def test_the_matrix_is_paged_and_keeps_its_filters(
    app, client, publish, make_user, login, tmp_path
):
    publish(two_module_course(tmp_path))
    teacher = make_user("teacher", role="teacher")
    with app.app_context():
        session = get_session()
        group = create_group(
            session, teacher, kind="class", name="Big", prefix="big", timezone="UTC"
        )
        populate(session, group, active_course(), 250, items=2)
        session.commit()
        group_id = group.id
    login(teacher)
    base = f"/teach/groups/{group_id}/dashboard"
    learner_row = re.compile(r'<th scope="row"><a href="/teach/groups/\d+/learners/')
    first = client.get(base).get_data(as_text=True)
    assert len(learner_row.findall(first)) == PAGE_SIZE
    assert "Page 1 of 3: learners 1 to 100." in first
    assert f'href="{base}?page=2#matrix-title"' in first and 'rel="prev"' not in first
    last = client.get(base + "?page=3").get_data(as_text=True)
    assert len(learner_row.findall(last)) == 50
    assert "Page 3 of 3: learners 201 to 250." in last and 'rel="next"' not in last
    beyond = client.get(base + "?page=99").get_data(as_text=True)
    assert "Page 3 of 3" in beyond  # out of range: the last page
    named = client.get(base + "?q=big").get_data(as_text=True)  # every username
    assert "250 of 250 learners shown" in named
    assert f'href="{base}?q=big&amp;page=2#matrix-title"' in named  # filter kept
