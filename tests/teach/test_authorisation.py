"""Every teacher URL x every role: only the group's owners (and admins) get through.

Roles: the owner, a co-owner, another teacher (who owns a group of their own and
tries this group's ids), a learner member of the group, an administrator and an
anonymous visitor. Expected: owner, co-owner and administrator succeed (co-owners get
403 on co-owner management), another teacher gets 404, a learner 403, and an
anonymous visitor is sent to the sign-in page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from courseware.db import get_session, utcnow
from courseware.teach.models import Assignment, Extension
from courseware.teach.services import groups as services
from tests.conftest import csrf_token
from tests.teach.conftest import sign_in

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", 403, 404
ROLES = ("owner", "co_owner", "admin", "other", "learner", "anonymous")

#: (method, path, form data, only the main owner may use it)
URLS = [
    ("GET", "/teach/groups/{g}", None, False),
    ("GET", "/teach/groups/{g}/edit", None, False),
    ("POST", "/teach/groups/{g}/edit", {"name": "Renamed", "timezone": "UTC"}, False),
    ("POST", "/teach/groups/{g}/code", {"days": "5"}, False),
    ("POST", "/teach/groups/{g}/code/revoke", {}, False),
    ("POST", "/teach/groups/{g}/co-owners", {"username": "spare"}, True),
    ("POST", "/teach/groups/{g}/co-owners/{co}/remove", {}, True),
    ("GET", "/teach/groups/{g}/cards", None, False),
    ("POST", "/teach/groups/{g}/cards", {"count": "1"}, False),
    ("GET", "/teach/groups/{g}/learners/{m}", None, False),
    ("POST", "/teach/groups/{g}/learners/{m}/reset", {}, False),
    ("POST", "/teach/groups/{g}/learners/{m}/remove", {}, False),
    (
        "POST",
        "/teach/groups/{g}/learners/{m}/extensions/{a}",
        {"ext{a}-due_date": "2031-01-01"},
        False,
    ),
    ("POST", "/teach/groups/{g}/learners/{m}/extensions/{a}/remove", {}, False),
    ("GET", "/teach/groups/{g}/assignments/new", None, False),
    ("POST", "/teach/groups/{g}/assignments/new", {"item": "module:sample"}, False),
    ("GET", "/teach/groups/{g}/assignments/{a}/edit", None, False),
    (
        "POST",
        "/teach/groups/{g}/assignments/{a}/edit",
        {"due_date": "2031-01-01"},
        False,
    ),
    ("POST", "/teach/groups/{g}/assignments/{a}/delete", {}, False),
    ("GET", "/teach/groups/{g}/dashboard", None, False),
    ("GET", "/teach/groups/{g}/roster", None, False),
    ("GET", "/teach/groups/{g}/export/progress.csv", None, False),
    ("GET", "/teach/groups/{g}/export/answers.csv", None, False),
]


@dataclass
class World:
    """Two groups: A (owner, co-owner, member) and B (another teacher's)."""

    ids: dict
    other_ids: dict


@pytest.fixture
def world(app, make_user, make_group, add_member) -> World:
    # No content is published: every page must work (and be guarded) without it.
    owner = make_user("owner", role="teacher")
    co_owner = make_user("co_owner", role="teacher")
    other = make_user("other", role="teacher")
    make_user("admin", role="admin")
    make_user("spare", role="teacher")
    learner = make_user("learner")
    stranger = make_user("stranger")
    mine = make_group(owner, name="A")
    theirs = make_group(other, name="B")
    add_member(mine, learner, via="created")
    add_member(theirs, stranger, via="created")
    with app.app_context():
        session = get_session()
        services.add_co_owner(session, mine, "co_owner")
        a = Assignment(group_id=mine.id, kind="module", item_id="sample")
        b = Assignment(group_id=theirs.id, kind="module", item_id="sample")
        session.add_all([a, b])
        session.flush()
        session.add(Extension(assignment_id=a.id, user_id=learner.id, due_at=utcnow()))
        session.commit()
        return World(
            {"g": mine.id, "m": learner.id, "a": a.id, "co": co_owner.id},
            {"g": theirs.id, "m": stranger.id, "a": b.id, "co": co_owner.id},
        )


def expected(role: str, main_owner_only: bool):
    if role == "anonymous":
        return LOGIN
    if role == "learner":
        return FORBIDDEN
    if role == "other":
        return NOT_FOUND
    if role == "co_owner" and main_owner_only:
        return FORBIDDEN
    return OK


def request(app, role: str, method: str, path: str, data: dict | None):
    client = app.test_client() if role == "anonymous" else sign_in(app, role)
    if method == "POST":
        token = csrf_token(client, "/login" if role == "anonymous" else "/join")
        data = {"csrf_token": token, **(data or {})}
    with client.open(path, method=method, data=data) as response:
        response.get_data()  # streamed exports run to the end, then close
    return response


def outcome(response):
    if response.status_code == 302 and "/login" in response.location:
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "data", "main_only"),
    URLS,
    ids=[f"{m} {t}" for m, t, _d, _o in URLS],
)
def test_url_by_role(app, world, role, method, template, data, main_only):
    path = template.format(**world.ids)
    form = {k.format(**world.ids): v for k, v in (data or {}).items()}
    response = request(app, role, method, path, form if method == "POST" else None)
    assert outcome(response) == expected(role, main_only), (
        response.status_code,
        response.location,
    )


@pytest.mark.parametrize(
    ("method", "template", "data", "main_only"),
    [u for u in URLS if "{m}" in u[1] or "{a}" in u[1]],
)
def test_another_groups_learner_and_assignment_ids_are_not_found(
    app, world, method, template, data, main_only
):
    """The owner of A uses A's group id with B's learner or assignment id."""
    mixed = {**world.ids, "m": world.other_ids["m"], "a": world.other_ids["a"]}
    path = template.format(**mixed)
    form = {k.format(**mixed): v for k, v in (data or {}).items()}
    response = request(app, "owner", method, path, form if method == "POST" else None)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_teaching_home_and_new_group(app, world, role):
    for path in ("/teach/", "/teach/groups/new", "/teach/groups/new?kind=cohort"):
        response = request(app, role, "GET", path, None)
        want = {"anonymous": LOGIN, "learner": FORBIDDEN}.get(role, OK)
        assert outcome(response) == want
    if role in ("owner", "co_owner", "admin"):
        assert ">A</a>" in request(app, role, "GET", "/teach/", None).get_data(
            as_text=True
        )
    if role == "other":
        page = request(app, role, "GET", "/teach/", None).get_data(as_text=True)
        assert ">B</a>" in page and ">A</a>" not in page


def test_join_needs_a_signed_in_user(app, world):
    response = app.test_client().get("/join")
    assert response.status_code == 302 and "/login" in response.location
