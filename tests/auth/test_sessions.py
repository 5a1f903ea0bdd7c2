"""Sessions: rotated at sign-in and sign-out, dead after sign-out, tied to a client."""

from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_saved_before_sign_out_opens_nothing_afterwards(
    app, client, make_user, login
):
    login(make_user("saver"))
    assert client.get("/account").status_code == 200
    saved = session_cookie(client)
    token = csrf_token(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302  # signed out here
    thief = app.test_client()
    thief.set_cookie("session", saved)
    answer = thief.get("/account")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_csrf_token_minted_before_sign_in_is_refused_after_it(
    client, make_user, login
):
    user = make_user("fixated")
    before = csrf_token(client, "/login")
    login(user)
    answer = client.post("/logout", data={"csrf_token": before})
    assert answer.status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


def test_signing_in_starts_a_new_session(client, make_user):
    make_user("rotated")
    token = csrf_token(client, "/login")
    before = session_cookie(client)
    client.post(
        "/login",
        data={"username": "rotated", "password": PASSWORD, "csrf_token": token},
    )
    after = session_cookie(client)
    assert after != before
    assert client.get("/account").status_code == 200


def test_a_stolen_cookie_used_by_another_client_is_refused(
    app, client, make_user, login
):
    headers = {"User-Agent": "learner-browser/1.0"}
    user = make_user("victim")
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": token},
        headers=headers,
    )
    assert client.get("/account", headers=headers).status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    answer = thief.get("/account", headers={"User-Agent": "thief/2.0"})
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.get("/account", headers=headers).status_code == 200
