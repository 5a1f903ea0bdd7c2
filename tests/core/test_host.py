"""Mounted politely: a host app with its own users, LoginManager, CSRF and Babel signs
people in; the course under /learn takes them as learners through the identity
adapter and leaves the host's own settings as they were."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask, redirect, request, session
from flask_babel import Babel
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import func, select

from courseware import Courseware, Identity
from courseware.auth.identity import map_role
from courseware.auth.models import ExternalIdentity, Role, User
from courseware.certificates.models import Certificate
from courseware.db import get_session
from tests.conftest import TEST_CONFIG, csrf_token
from tests.quiz.test_quiz import RIGHT
from tests.race import LiveServer, RaceClient, assert_no_server_errors, statuses


class HostUser(UserMixin):
    """The host's own user, kept in a dict."""

    def __init__(self, id: str, name: str, roles: set[str]) -> None:
        self.id, self.name, self.roles = id, name, roles


HOST_USERS = {
    "alice": HostUser("alice", "Alice Host", set()),
    "tom": HostUser("tom", "Tom Teacher", {"staff"}),
}


def host_identity() -> Identity | None:
    """The host's identity adapter: its signed-in user, in courseware's terms."""
    if not current_user.is_authenticated:
        return None
    return Identity(
        id=current_user.id, display_name=current_user.name, roles=current_user.roles
    )


def session_identity() -> Identity | None:
    """An adapter for a host without Flask-Login: its own session key."""
    name = session.get("host_user")
    return Identity(id=name, display_name=name.title(), roles=set()) if name else None


def host_locale() -> str:
    return request.cookies.get("host_lang", "en")


def make_host(database_url: str, instance: str) -> Flask:
    """A host with its own LoginManager, user loader, CSRF, Babel and cookies."""
    host = Flask("host_app", instance_path=instance)
    host.config.update(TEST_CONFIG)
    host.config.update(
        SECRET_KEY="host-secret-key",
        SESSION_COOKIE_NAME="host_session",
        SESSION_COOKIE_SAMESITE="Strict",
        COURSEWARE_DATABASE_URL=database_url,
        COURSEWARE_URL_PREFIX="/learn",
        COURSEWARE_LOGIN_URL="/login",
        COURSEWARE_ROLE_MAP={"staff": "teacher"},
    )
    CSRFProtect(host)
    Babel(host, locale_selector=host_locale)
    manager = LoginManager(host)
    manager.login_view = "host_login"
    manager.login_message = "Host says: sign in"
    manager.user_loader(HOST_USERS.get)

    @host.route("/")
    def host_home():
        who = current_user.name if current_user.is_authenticated else "stranger"
        return f"Hello, {who}"

    @host.route("/login", methods=["GET", "POST"])
    def host_login():
        if request.method == "POST":
            login_user(HOST_USERS[request.form["username"]])
            return redirect(request.args.get("next") or "/")
        field = f'<input name="csrf_token" type="hidden" value="{generate_csrf()}">'
        return f'<form method="post">{field}</form>'

    return host


def settings(host: Flask) -> dict:
    """The host settings the extension must leave alone, key by key."""
    manager = host.login_manager
    return {
        "user_loader": manager._user_callback,
        "request_loader": manager._request_callback,
        "login_view": manager.login_view,
        "login_message": manager.login_message,
        "session_protection": manager.session_protection,
        **{
            key: value
            for key, value in host.config.items()
            if key.startswith(("SESSION_COOKIE_", "REMEMBER_COOKIE_"))
        },
        "MAX_CONTENT_LENGTH": host.config["MAX_CONTENT_LENGTH"],
        "session_interface": host.session_interface,
        "session_interface_type": type(host.session_interface),
        "csrf": host.extensions["csrf"],
        "babel_locale_selector": host.extensions["babel"].locale_selector,
        "babel_default_locale": host.extensions["babel"].default_locale,
    }


@pytest.fixture
def make_mounted(database_url, tmp_path):
    made: list[Flask] = []

    def factory(identity=host_identity, **config) -> Flask:
        host = make_host(database_url, str(tmp_path / "host-instance"))
        host.config.update(config)
        Courseware(host, identity=identity)
        made.append(host)
        return host

    yield factory
    for host in made:
        host.extensions["courseware"].engine.dispose()


@pytest.fixture
def host(make_mounted) -> Flask:
    return make_mounted()


def sign_in_at_host(client, username: str) -> None:
    token = csrf_token(client, "/login")
    answer = client.post("/login", data={"username": username, "csrf_token": token})
    assert answer.status_code == 302


def learners(host: Flask) -> list[tuple[str, str, int]]:
    with host.app_context():
        return (
            get_session()
            .execute(
                select(ExternalIdentity.provider, ExternalIdentity.subject, User.id)
                .join(User, User.id == ExternalIdentity.user_id)
                .order_by(ExternalIdentity.id)
            )
            .all()
        )


def test_the_hosts_settings_are_left_alone(database_url, tmp_path):
    host = make_host(database_url, str(tmp_path / "host-instance"))
    before = settings(host)
    Courseware(host, identity=host_identity)
    try:
        after = settings(host)
        for key, value in before.items():
            assert after[key] == value, key
        assert after["session_interface"] is before["session_interface"]
        assert after["csrf"] is before["csrf"]
        assert host.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    finally:
        host.extensions["courseware"].engine.dispose()


def test_the_hosts_own_pages_and_login_still_work(host):
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "Hello, stranger"
    assert client.post("/login", data={"username": "alice"}).status_code == 400  # CSRF
    sign_in_at_host(client, "alice")
    assert client.get("/").get_data(as_text=True) == "Hello, Alice Host"
    assert "Set-Cookie" not in client.get("/").headers  # untouched by the course
    assert "Content-Security-Policy" not in client.get("/").headers


def test_the_course_takes_the_hosts_user_as_its_learner(host, publish, outbox):
    publish()
    client = host.test_client()
    sign_in_at_host(client, "alice")
    lesson = client.get("/learn/modules/sample/intro")
    page = lesson.get_data(as_text=True)
    assert lesson.status_code == 200 and "Alice Host~" in page
    assert "Sign out" not in page and "Create account" not in page
    for name in ("intro", "video"):
        token = csrf_token(client, f"/learn/modules/sample/{name}")
        done = client.post(
            f"/learn/modules/sample/{name}/complete", data={"csrf_token": token}
        )
        assert done.status_code == 302
    token = csrf_token(client, "/learn/quizzes/sample")
    started = client.post("/learn/quizzes/sample/start", data={"csrf_token": token})
    assert started.status_code == 302
    attempt = started.headers["Location"]
    token = csrf_token(client, "/learn/")
    submitted = client.post(
        attempt + "/save", data={"csrf_token": token, "action": "submit", **RIGHT}
    )
    assert submitted.status_code == 302
    progress = client.get("/learn/progress").get_data(as_text=True)
    assert "Alice Host~" in progress
    assert client.get("/learn/certificates").status_code == 200
    ((provider, subject, user_id),) = learners(host)
    assert (provider, subject) == ("host", "alice")
    with host.app_context():
        user = get_session().get(User, user_id)
        certificate = get_session().scalars(select(Certificate)).one()
    assert certificate.user_id == user_id and user.role == Role.LEARNER
    actors = {s["actor"]["account"]["name"] for s in outbox()}
    assert actors == {user.pseudonym}  # pseudonymous: never the host's id or name
    assert client.get("/").get_data(as_text=True) == "Hello, Alice Host"


def test_nobody_signed_in_is_sent_to_the_hosts_login(host, publish):
    publish()
    client = host.test_client()
    account = client.get("/learn/account")
    assert account.status_code == 302
    assert account.headers["Location"].startswith("/login?next=")
    assert client.get("/learn/modules/sample/intro").status_code == 200
    ours = client.get("/learn/login?next=/learn/progress")
    assert ours.status_code == 302
    assert ours.headers["Location"] == "/login?next=" + quote("/learn/progress", "")
    assert client.get("/learn/register").status_code == 302
    assert client.post("/learn/logout").status_code in (404, 405)
    assert learners(host) == []


def test_host_roles_are_mapped_and_followed(host, make_mounted):
    client = host.test_client()
    sign_in_at_host(client, "tom")
    assert client.get("/learn/teach/").status_code == 200
    HOST_USERS["tom"].roles = set()
    try:
        assert client.get("/learn/teach/").status_code == 403
    finally:
        HOST_USERS["tom"].roles = {"staff"}
    assert len(learners(host)) == 1
    defaults = {"learner": "learner", "teacher": "teacher", "admin": "admin"}
    assert map_role({"teacher", "guest"}, defaults) == Role.TEACHER
    assert map_role({"teacher", "admin"}, defaults) == Role.ADMIN
    assert map_role(set(), defaults) == Role.LEARNER


def test_two_first_requests_at_once_make_one_learner(host, publish):
    publish()
    with LiveServer(host) as server:
        client = RaceClient(server.url)
        token = client.csrf("/login")
        signed = client.post(
            "/login",
            data={"username": "alice", "csrf_token": token},
            allow_redirects=False,
        )
        assert signed.status_code == 302
        answers = client.race(6, "GET", "/learn/progress")
    assert_no_server_errors(answers)
    assert statuses(answers) == [200] * 6
    assert len(learners(host)) == 1
    with host.app_context():
        assert get_session().scalar(select(func.count()).select_from(User)) == 1


def test_a_host_without_flask_login_names_its_adapter_in_config(
    database_url, tmp_path, publish
):
    publish()
    host = Flask("plain_host", instance_path=str(tmp_path / "plain"))
    host.config.update(TEST_CONFIG)
    host.config.update(
        COURSEWARE_DATABASE_URL=database_url,
        COURSEWARE_URL_PREFIX="/learn",
        COURSEWARE_IDENTITY="tests.core.test_host:session_identity",
    )

    @host.route("/enter")
    def enter():
        session["host_user"] = "zara"
        return "in"

    Courseware(host)
    try:
        client = host.test_client()
        assert client.get("/learn/account").status_code == 302
        assert client.get("/learn/login").status_code == 404  # no login URL given
        client.get("/enter")
        account = client.get("/learn/account")
        assert account.status_code == 200 and "Zara~" in account.get_data(as_text=True)
        assert [row[:2] for row in learners(host)] == [("host", "zara")]
    finally:
        host.extensions["courseware"].engine.dispose()


def test_a_host_login_manager_without_an_adapter_is_refused(database_url, tmp_path):
    host = make_host(database_url, str(tmp_path / "host-instance"))
    with pytest.raises(RuntimeError, match="identity adapter"):
        Courseware(host)


def test_the_host_language_selector_decides_and_our_catalogue_is_found(host, publish):
    publish()
    client = host.test_client()
    client.set_cookie("host_lang", "ru")
    assert "Курсы" in client.get("/learn/").get_data(as_text=True)


def test_no_private_overrides_of_the_libraries_are_left():
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run(
        [
            "grep",
            "-rn",
            r"_session_protection_failed\|_check_request_limit\|g.csrf_token\|"
            r"_only_where_limited",
            str(root / "courseware"),
        ],
        capture_output=True,
        text=True,
    )
    assert found.stdout == ""
