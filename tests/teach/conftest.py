"""Teaching fixtures: teachers, groups made through the services, learners in them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from courseware.db import get_session
from courseware.teach.models import Group, Membership
from courseware.teach.services import groups as services
from tests.conftest import FIXTURE_COURSE, PASSWORD, csrf_token
from tests.quiz.test_quiz import RIGHT


@pytest.fixture
def make_group(app, make_user) -> Callable[..., Group]:
    """``make_group(owner, kind="class", name="7B", timezone="UTC", **fields)``."""

    def factory(owner, kind: str = "class", name: str = "7B", **fields) -> Group:
        with app.app_context():
            session = get_session()
            group = services.create_group(
                session,
                owner,
                kind=kind,
                name=name,
                prefix=fields.pop("prefix", "7b"),
                timezone=fields.pop("timezone", "UTC"),
                **fields,
            )
            session.commit()
            return group

    return factory


@pytest.fixture
def add_member(app) -> Callable[..., None]:
    """Put a user into a group as if they had joined with the code."""

    def add(group, user, name: str | None = None, via: str = "code") -> None:
        with app.app_context():
            session = get_session()
            session.add(
                Membership(
                    group_id=group.id, user_id=user.id, via=via, display_name=name
                )
            )
            session.commit()

    return add


def post(client, path: str, data: dict | None = None, token_from: str = "/join"):
    """POST with the session's CSRF token (read from a page that has a form)."""
    token = csrf_token(client, token_from)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def two_module_course(root: Path) -> Path:
    """A copy of the fixture course with a second module ``second`` (own quiz)."""
    target = root / "two-modules"
    shutil.copytree(FIXTURE_COURSE, target)
    modules = target / "modules"
    shutil.copytree(modules / "sample", modules / "second")
    yaml = modules / "second" / "module.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8")
        .replace("id: sample", "id: second")
        .replace("quiz: sample", "quiz: second")
        .replace(
            "{en: Sample module, ru: Пример модуля}",
            "{en: Second module, ru: Второй модуль}",
        ),
        encoding="utf-8",
    )
    for lesson in (modules / "second").glob("*.md"):
        text = lesson.read_text(encoding="utf-8").replace(
            "sample-video", "second-video"
        )
        lesson.write_text(text, encoding="utf-8")
    course = modules / "course.yaml"
    course.write_text(
        course.read_text(encoding="utf-8").replace(
            "modules: [sample]\ntracks", "modules: [sample, second]\ntracks"
        ),
        encoding="utf-8",
    )
    quizzes = target / "quizzes"
    (quizzes / "second.yaml").write_text(
        (quizzes / "sample.yaml")
        .read_text(encoding="utf-8")
        .replace("id: sample\nmodule: sample", "id: second\nmodule: second"),
        encoding="utf-8",
    )
    return target


def sign_in(app, username: str, password: str = PASSWORD):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def complete_lessons(client, module: str = "sample", lessons=("intro", "video")):
    """Open and complete lessons as the signed-in learner."""
    for lesson in lessons:
        token = csrf_token(client, f"/modules/{module}/{lesson}")
        response = client.post(
            f"/modules/{module}/{lesson}/complete", data={"csrf_token": token}
        )
        assert response.status_code == 302


def take_quiz(client, quiz: str = "sample", answers: dict | None = None) -> str:
    """Start an attempt and submit ``answers`` (default: all right); its URL."""
    token = csrf_token(client, f"/quizzes/{quiz}")
    started = client.post(f"/quizzes/{quiz}/start", data={"csrf_token": token})
    url = started.headers["Location"]
    data = {"csrf_token": csrf_token(client, "/"), "action": "submit"}
    data.update(RIGHT if answers is None else answers)
    assert client.post(url + "/save", data=data).status_code == 302
    return url
