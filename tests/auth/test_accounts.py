"""Accounts: registration, sign-in, password change, roles, disabled accounts, CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.auth.models import Role, User
from courseware.db import get_session
from tests.conftest import PASSWORD, csrf_token


def register(client, **fields):
    data = {
        "username": "amina",
        "email": "",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": csrf_token(client, "/register"),
    }
    data.update(fields)
    return client.post("/register", data=data)


def users(app):
    with app.app_context():
        return get_session().scalars(select(User)).all()


def test_register_without_email_signs_in(app, client):
    response = register(client)
    assert response.status_code == 302
    (user,) = users(app)
    assert user.username == "amina" and user.email is None and user.role == Role.LEARNER
    assert user.password_hash.startswith("$argon2id$")
    assert "amina" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"username": "a"}, "Use 2 to 64 characters."),
        (
            {"username": "bad name!"},
            "Use only letters, digits, dots, hyphens or underscores.",
        ),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else"}, "The passwords differ."),
        ({"email": "not-an-email"}, "Enter an email address like name@example.org."),
    ],
)
def test_register_rejects_bad_input_next_to_the_field(app, client, fields, message):
    response = register(client, **fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page and "-error" in page
    assert users(app) == []


def test_usernames_are_unique_ignoring_case(app, client, make_user):
    make_user("Amina")
    response = register(client, username="amina")
    assert "This username is taken." in response.get_data(as_text=True)
    assert len(users(app)) == 1


def test_registration_can_be_switched_off(make_app):
    client = make_app(COURSEWARE_ALLOW_REGISTRATION=False).test_client()
    assert client.get("/register").status_code == 404
    assert "/register" not in client.get("/login").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, make_user, login):
    make_user("teacher1", role="teacher")
    response = login("teacher1", "wrong password!")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert login("nobody", PASSWORD).status_code == 401


def test_disabled_account_cannot_sign_in(client, make_user, login):
    make_user("gone", active=False)
    assert login("gone").status_code == 401
    assert client.get("/account").status_code == 302


def test_disabling_an_account_ends_its_session(app, client, make_user, login):
    user = make_user("soon-gone")
    assert login(user).status_code == 302
    with app.app_context():
        get_session().get(User, user.id).active = False
        get_session().commit()
    assert client.get("/account").status_code == 302


def test_change_password_ends_other_sessions(app, make_user, login, client):
    user = make_user("delegate")
    login(user)
    other = app.test_client()
    token = csrf_token(other, "/login")
    other.post(
        "/login",
        data={"username": "delegate", "password": PASSWORD, "csrf_token": token},
    )
    assert other.get("/account").status_code == 200
    response = client.post(
        "/account",
        data={
            "current": PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert other.get("/account").status_code == 302  # the other one has ended
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert login("delegate", "a new long password").status_code == 302


def test_change_password_needs_the_current_one(client, make_user, login):
    login(make_user("delegate"))
    response = client.post(
        "/account",
        data={
            "current": "not my password",
            "password": "a new long password",
            "confirm": "a new long password",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_cli_creates_an_administrator(app, runner):
    result = runner.invoke(
        args=[
            "courseware",
            "create-user",
            "--username",
            "root-admin",
            "--role",
            "admin",
        ],
        env={"COURSEWARE_NEW_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "created admin 'root-admin'" in result.output
    (user,) = users(app)
    assert user.role == Role.ADMIN and user.has_role(Role.TEACHER)


def test_cli_reports_a_weak_password(app, runner):
    result = runner.invoke(
        args=[
            "courseware",
            "create-user",
            "--username",
            "x-admin",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert result.exit_code == 1
    assert "Use at least 10 characters." in result.output
    assert users(app) == []


def test_old_hashes_are_upgraded_on_sign_in(app, make_user, login):
    user = make_user("legacy")
    with app.app_context():
        from argon2 import PasswordHasher

        get_session().get(User, user.id).password_hash = PasswordHasher(
            time_cost=1, memory_cost=1024, parallelism=1
        ).hash(PASSWORD)
        get_session().commit()
    assert login(user).status_code == 302
    with app.app_context():
        assert "m=8192" in get_session().get(User, user.id).password_hash
