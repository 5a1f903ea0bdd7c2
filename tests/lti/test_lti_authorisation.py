"""/admin/lti is for administrators only."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

PAGES = ["/admin/lti", "/admin/lti/platforms/new"]


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_sign_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


@pytest.mark.parametrize("role", ["learner", "teacher", "author"])
@pytest.mark.parametrize("path", PAGES)
def test_others_are_refused(client, make_user, login, role, path):
    login(make_user(role=role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["learner", "teacher", "author"])
def test_others_cannot_post(app, client, make_user, login, role):
    login(make_user(role=role))
    data = {"issuer": "https://x", "csrf_token": csrf_token(client, "/account")}
    for path in ("/admin/lti/platforms/new", "/admin/lti", "/admin/lti/platforms/1"):
        assert client.post(path, data=data).status_code == 403
    assert client.post("/admin/lti/platforms/1/remove", data=data).status_code == 403


def test_admins_see_the_page(client, make_user, login):
    login(make_user(role="admin"))
    assert client.get("/admin/lti").status_code == 200
    assert client.get("/admin/lti/platforms/new").status_code == 200
    assert client.get("/admin/lti/platforms/999").status_code == 404
