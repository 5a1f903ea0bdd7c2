"""Studio fixtures: a signed-in author, the fixture course published, form helpers."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from courseware.db import get_session
from tests.conftest import FIXTURE_COURSE

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SHA = re.compile(r'name="sha256" type="hidden" value="([0-9a-f]*)"')
ONCE = re.compile(r'name="([a-z]+-)?once_key" type="hidden" value="([0-9a-f]+)"')


@pytest.fixture
def course_dir(tmp_path) -> Path:
    """A fresh copy of the small valid course (modules/ and quizzes/)."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, target)
    return target


def token(client, path: str = "/studio/") -> str:
    """The page's CSRF token (the meta tag of every signed-in page)."""
    page = client.get(path).get_data(as_text=True)
    match = META_CSRF.search(page)
    assert match, page[:500]
    return match.group(1)


def once_key(client, path: str, prefix: str = "") -> str:
    return once_key_of(client.get(path).get_data(as_text=True), prefix)


def text_of(response) -> str:
    """The page's text with entities decoded (messages are compared as written)."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def author(make_user):
    return make_user("alice", role="author")


@pytest.fixture
def studio(client, login, author, publish):
    """The fixture course published as version 1, and an author signed in."""
    publish()
    login(author)
    return client


@pytest.fixture
def start_draft(studio):
    """Start a draft from the active version; its id."""

    def start(title: str = "Spring update") -> int:
        key = once_key(studio, "/studio/", "start-")
        answer = studio.post(
            "/studio/drafts/new",
            data={
                "csrf_token": token(studio),
                "start-title": title,
                "start-once_key": key,
            },
        )
        assert answer.status_code == 302, text_of(answer)[:2000]
        return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    return start


def open_file(client, draft_id: int, path: str) -> tuple[str, str]:
    """(text, sha256) of a draft file as its editor shows it."""
    answer = client.get(f"/studio/drafts/{draft_id}/files/{path}")
    assert answer.status_code == 200, answer.status_code
    page = answer.get_data(as_text=True)
    text = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(text.group(1)), SHA.search(page).group(1)


def save(client, draft_id: int, path: str, text: str, sha: str | None = None):
    """Save a file through its editor form (the sha it was opened with)."""
    if sha is None:
        _old, sha = open_file(client, draft_id, path)
    return client.post(
        f"/studio/drafts/{draft_id}/files/{path}",
        data={"csrf_token": token(client), "text": text, "sha256": sha},
    )


@pytest.fixture
def counts(app):
    """Row counts of the studio's and the content's tables, to show nothing changed."""
    from courseware.authoring.models import AuditEntry, Draft, DraftFile
    from courseware.content.models import (
        ContentActivation,
        ContentVersion,
        MediaBlob,
        VersionFile,
    )

    def read() -> dict[str, int]:
        with app.app_context():
            session = get_session()
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (
                    Draft,
                    DraftFile,
                    AuditEntry,
                    ContentVersion,
                    ContentActivation,
                    MediaBlob,
                    VersionFile,
                )
            }

    return read


def files_of(app, draft_id: int) -> dict[str, bytes]:
    """A draft's files as stored."""
    from courseware.authoring.models import Draft
    from courseware.authoring.services.drafts import draft_files

    with app.app_context():
        session = get_session()
        return draft_files(session, session.get(Draft, draft_id))


class LiveStudio:
    """An author signed in over real HTTP, for races (``tests/race.py``)."""

    def __init__(self, client) -> None:
        self.client = client
        page = client.get("/studio/").text
        self.csrf = META_CSRF.search(page).group(1)

    def start_form(self) -> dict[str, str]:
        """The fields of the "start a draft" form."""
        key = once_key_of(self.client.get("/studio/").text, "start-")
        return {"csrf_token": self.csrf, "start-once_key": key}

    def start(self) -> int:
        answer = self.client.post(
            "/studio/drafts/new", allow_redirects=False, data=self.start_form()
        )
        return int(answer.headers["Location"].rsplit("/", 1)[-1])

    def editor(self, draft_id: int, path: str) -> tuple[str, str]:
        """(text, sha256) of a file as its editor shows it."""
        page = self.client.get(f"/studio/drafts/{draft_id}/files/{path}").text
        text = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
        return html.unescape(text.group(1)), SHA.search(page).group(1)


def once_key_of(page: str, prefix: str = "") -> str:
    for match in ONCE.finditer(page):
        if (match.group(1) or "") == prefix:
            return match.group(2)
    raise AssertionError(f"no {prefix}once_key")


@pytest.fixture
def live_studio(app, make_user, publish):
    """The fixture course published and an author signed in over real HTTP."""
    from tests.conftest import PASSWORD
    from tests.race import LiveServer, RaceClient

    publish()
    make_user("race", role="author")
    with LiveServer(app) as server:
        client = RaceClient(server.url)
        client.login("race", PASSWORD)
        yield LiveStudio(client)
