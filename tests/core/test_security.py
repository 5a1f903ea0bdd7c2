"""Security baseline: CSRF, safe redirects, cookies, CSP, rate limit, upload size."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courseware.auth.models import User
from courseware.db import get_session
from courseware.security import is_safe_redirect
from tests.conftest import PASSWORD, csrf_token

HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,hi",
    "/%0d%0aLocation:%20https://evil.example",
    "/\tevil",
    " //evil.example",
    "evil.example",
    "///evil.example",
]


def count_users(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "path,data",
    [
        (
            "/register",
            {"username": "notoken", "password": PASSWORD, "confirm": PASSWORD},
        ),
        ("/login", {"username": "noone", "password": PASSWORD}),
        ("/language", {"language": "ru"}),
    ],
)
def test_post_without_csrf_token_is_400_and_changes_nothing(app, client, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)
    assert "courseware_lang" not in response.headers.get("Set-Cookie", "")
    assert count_users(app) == 0


def test_logout_without_csrf_token_keeps_the_session(client, make_user, login):
    login(make_user("delegate"))
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_is_refused_by_the_check(target):
    assert not is_safe_redirect(target)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_with_hostile_next_stays_on_site(client, make_user, login, target):
    make_user("delegate")
    response = login("delegate", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/account", "/account?tab=password", "/verify/ABC"])
def test_login_follows_next_on_this_site(client, make_user, login, target):
    make_user("delegate")
    assert login("delegate", next=target).headers["Location"] == target


@pytest.mark.parametrize("target", HOSTILE_NEXT[:6])
def test_language_switch_with_hostile_next_stays_on_site(client, target):
    response = client.post(
        "/language",
        data={"language": "ru", "next": target},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def session_cookie(response) -> str:
    cookies = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    ]
    assert cookies, response.headers
    return cookies[0]


def test_session_cookie_is_httponly_and_lax_over_http(client):
    cookie = session_cookie(client.get("/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app):
    client = app.test_client()
    response = client.get("/login", base_url="https://courses.example")
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "path", ["/", "/login", "/register", "/account", "/no-such-page"]
)
def test_pages_need_no_unsafe_inline(client, make_user, login, path):
    login(make_user("delegate"))
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_STYLE.search(page)
    assert not EVENT_HANDLER.search(page)


def test_sixth_failed_login_within_a_minute_is_refused(client, make_user, login):
    make_user("delegate")
    for _attempt in range(5):
        assert login("delegate", "wrong password").status_code == 401
    refused = login("delegate", "wrong password")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert login("delegate").status_code == 429  # even the right password waits


def test_successful_logins_do_not_count_toward_the_limit(client, make_user, login):
    make_user("delegate")
    for _attempt in range(7):
        assert login("delegate").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_request_body_size_is_limited(make_app):
    client = make_app(COURSEWARE_MAX_CONTENT_LENGTH=1024).test_client()
    response = client.post("/login", data={"username": "x" * 4096})
    assert response.status_code == 413
