"""Every rule of the studio blueprint (SA's and SB's views) x roles x methods: the
status each gets, and nothing changed by any refused request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.authoring.conftest import token
from tests.conftest import csrf_token

SAMPLE = {
    "draft_id": 1,
    "path": "modules/sample/01-intro.en.md",
    "what": "sample/intro",
    "lang": "en",
    "number": 1,
    "a": 1,
    "b": 1,
    "token": "not-a-token",
}
#: Read-only pages for a colleague without an account (signed preview links).
PUBLIC = ("shared_",)
ROLES = ["author", "admin", "teacher", "learner", "anonymous"]


def studio_rules(app):
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("courseware_authoring."):
            continue
        values = {name: SAMPLE[name] for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint.split(".", 1)[1], method, url))
    return found


def test_the_matrix_covers_every_studio_rule(app):
    rules = studio_rules(app)
    endpoints = {endpoint for endpoint, _m, _u in rules}
    assert {"index", "draft", "edit_file", "publish", "activate", "audit"} <= endpoints
    assert len(rules) >= 20


@pytest.mark.parametrize("role", ROLES)
def test_only_authors_and_administrators_reach_the_studio(
    app, client, make_user, login, publish, start_draft_as_admin, counts, role
):
    start_draft_as_admin()
    if role != "anonymous":
        login(make_user(f"{role}1", role=role))
        csrf = token(client, "/")
    else:
        csrf = csrf_token(client, "/login")
    before = counts()
    seen = []
    for endpoint, method, url in studio_rules(app):
        public = endpoint.startswith(PUBLIC)
        if method == "GET":
            answer = client.get(url)
        elif role in ("author", "admin"):
            answer = client.post(url, data={})  # no CSRF token: refused first
        else:
            answer = client.post(url, data={"csrf_token": csrf})
        status = answer.status_code
        seen.append((endpoint, method, status))
        if public:
            assert status < 500, (endpoint, method, status)
        elif role == "anonymous":
            assert status == 302 and "/login" in answer.headers["Location"], (
                endpoint,
                method,
                status,
            )
        elif role in ("teacher", "learner"):
            assert status == 403, (endpoint, method, status)
        elif method == "POST":
            assert status == 400, (endpoint, method, status)
        else:
            assert status in (200, 302, 404), (endpoint, method, status)
            assert status != 302 or "/login" not in answer.headers["Location"]
    assert counts() == before, seen
    if role in ("author", "admin"):
        gets = {e: s for e, m, s in seen if m == "GET"}
        for endpoint in (
            "index",
            "draft",
            "edit_file",
            "check",
            "publish",
            "versions",
            "activate",
            "audit",
            "download",
        ):
            assert gets[endpoint] == 200, (endpoint, gets[endpoint])


@pytest.fixture
def start_draft_as_admin(app, make_user, publish):
    """Draft 1, started by an administrator on the fixture course."""

    def start() -> None:
        publish()
        from courseware.auth.models import User
        from courseware.authoring.services.drafts import start_from_active
        from courseware.db import get_session

        make_user("root", role="admin")
        with app.app_context():
            session = get_session()
            user = session.scalars(select(User).where(User.username == "root")).one()
            draft = start_from_active(session, user, "Matrix")
            session.commit()
            assert draft.id == 1

    return start
