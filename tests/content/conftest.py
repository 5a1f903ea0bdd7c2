"""Content fixtures: a small valid course copied per test, and CLI helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture
def course_dir(tmp_path) -> Path:
    """A fresh copy of the small valid course (modules/ and quizzes/)."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def content(runner):
    """Run ``flask courseware content ...`` and return the click result."""

    def invoke(*args: str):
        return runner.invoke(args=["courseware", "content", *map(str, args)])

    return invoke


def edit(root: Path, rel: str, old: str | None, new: str | None) -> None:
    """Replace ``old`` by ``new`` in a file; create it (old None); delete (new None)."""
    path = root / rel
    if new is None:
        path.unlink()
    elif old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def stored(app):
    """What is stored now: (active version number, versions, media blobs, links)."""
    from sqlalchemy import func, select

    from courseware.content.models import ContentVersion, MediaBlob, VersionMedia
    from courseware.db import get_session

    def read() -> tuple:
        with app.app_context():
            session = get_session()
            active = session.scalar(
                select(ContentVersion.number).where(ContentVersion.is_active)
            )
            counts = [
                session.scalar(select(func.count()).select_from(model))
                for model in (ContentVersion, MediaBlob, VersionMedia)
            ]
            return (active, *counts)

    return read
