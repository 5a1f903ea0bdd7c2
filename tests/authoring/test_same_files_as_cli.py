"""The issue's "must show 2": one change made by hand and published by the CLI, and
made in the studio's forms and published there, on two fresh databases, gives
byte-identical trees and the same content hash."""

from __future__ import annotations

import io
import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from courseware import create_app
from courseware.auth.models import Role
from courseware.auth.services import create_user
from courseware.content.hashing import lesson_source_hash
from courseware.content.models import ContentVersion
from courseware.content.services import active_version, version_files
from courseware.db import get_session
from tests.authoring.conftest import open_file, save, text_of, token
from tests.conftest import FIXTURE_COURSE, PASSWORD, PG_URL, TEST_CONFIG, migrate

EN = "modules/sample/01-intro.en.md"
RU = "modules/sample/01-intro.ru.md"
IMAGE = "modules/sample/media/map.svg"
IMAGE_BYTES = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" role="img">'
    b'<title>map</title><rect width="4" height="4"/></svg>\n'
)
PARAGRAPH = "Ask for help early: a trusted adult can act before harm is done.\n"
BLOCK = "\n::: image\nsrc: media/map.svg\nalt: A map of help nearby.\n:::\n"
RU_PARAGRAPH = "Просите помощи сразу: взрослый, которому вы доверяете, может помочь.\n"


def changed_en(original: str) -> str:
    return original + "\n" + PARAGRAPH + BLOCK


def changed_ru(original: str, en_text: str) -> str:
    """The Russian with the paragraph and block, and the new source_hash."""
    digest = lesson_source_hash(en_text)
    body = original.replace(
        original.split("source_hash: ", 1)[1].split("\n", 1)[0], digest, 1
    )
    return body + "\n" + RU_PARAGRAPH + BLOCK.replace("A map of help nearby.", "Карта.")


@pytest.fixture
def second_database(tmp_path, database_template):
    """A second fresh, migrated database (its own file, or its own schema)."""
    if not PG_URL:
        path = tmp_path / "second.sqlite3"
        shutil.copy(database_template, path)
        yield f"sqlite:///{path}"
        return
    schema = f"cw_same_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    migrate(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def published_tree(app) -> tuple[dict[str, bytes], str, int]:
    with app.app_context():
        session = get_session()
        version = active_version(session)
        return version_files(session, version), version.content_hash, version.number


def test_studio_writes_the_files_a_careful_hand_edit_writes(
    app, runner, tmp_path, second_database, make_app
):
    # By hand: a copy of the content folder, edited, marked, published by the CLI.
    by_hand = tmp_path / "by-hand"
    shutil.copytree(FIXTURE_COURSE, by_hand)
    cli = app.test_cli_runner()
    first = cli.invoke(
        args=["courseware", "content", "publish", str(by_hand), "--note", "first"]
    )
    assert first.exit_code == 0, first.output
    en_path, ru_path = by_hand / EN, by_hand / RU
    en_text = changed_en(en_path.read_text(encoding="utf-8"))
    en_path.write_text(en_text, encoding="utf-8")
    (by_hand / IMAGE).write_bytes(IMAGE_BYTES)
    ru_original = ru_path.read_text(encoding="utf-8")
    ru_path.write_text(
        ru_original
        + "\n"
        + RU_PARAGRAPH
        + BLOCK.replace("A map of help nearby.", "Карта."),
        encoding="utf-8",
    )
    marked = cli.invoke(
        args=["courseware", "content", "mark-translated", RU, "--root", str(by_hand)]
    )
    assert marked.exit_code == 0, marked.output
    done = cli.invoke(
        args=["courseware", "content", "publish", str(by_hand), "--note", "help early"]
    )
    assert done.exit_code == 0, done.output
    hand_files, hand_hash, hand_number = published_tree(app)
    assert hand_number == 2

    # In the studio: a fresh database, the same first version, the same change.
    studio_app = create_app(
        {
            **TEST_CONFIG,
            "COURSEWARE_DATABASE_URL": second_database,
            "COURSEWARE_RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex}",
        }
    )
    try:
        with studio_app.app_context():
            session = get_session()
            create_user(session, "alice", PASSWORD, Role.AUTHOR)
            session.commit()
        cli2 = studio_app.test_cli_runner()
        assert (
            cli2.invoke(
                args=[
                    "courseware",
                    "content",
                    "publish",
                    str(FIXTURE_COURSE),
                    "--note",
                    "first",
                ]
            ).exit_code
            == 0
        )
        client = studio_app.test_client()
        page = client.get("/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"')[0]
        client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "csrf_token": csrf},
        )
        page = client.get("/studio/").get_data(as_text=True)
        once = page.split('name="start-once_key" type="hidden" value="', 1)[1][:32]
        answer = client.post(
            "/studio/drafts/new",
            data={
                "csrf_token": token(client),
                "start-once_key": once,
                "start-title": "x",
            },
        )
        assert answer.status_code == 302, text_of(answer)[:1000]
        draft = int(answer.headers["Location"].rsplit("/", 1)[-1])
        original, sha = open_file(client, draft, EN)
        studio_en = changed_en(original).replace("\n", "\r\n")  # as browsers send it
        assert save(client, draft, EN, studio_en, sha).status_code == 302
        upload = client.post(
            f"/studio/drafts/{draft}/media",
            data={
                "csrf_token": token(client),
                "media-module": "sample",
                "media-media": (io.BytesIO(IMAGE_BYTES), "map.svg"),
            },
            content_type="multipart/form-data",
        )
        assert upload.status_code == 302, text_of(upload)[:2000]
        ru_text, ru_sha = open_file(client, draft, RU)
        assert (
            save(client, draft, RU, changed_ru(ru_text, en_text), ru_sha).status_code
            == 302
        )
        page = client.get(f"/studio/drafts/{draft}/publish").get_data(as_text=True)
        once = page.split('name="once_key" type="hidden" value="', 1)[1][:32]
        answer = client.post(
            f"/studio/drafts/{draft}/publish",
            data={"csrf_token": token(client), "once_key": once, "note": "help early"},
        )
        assert answer.status_code == 302, text_of(answer)[:3000]
        studio_files, studio_hash, studio_number = published_tree(studio_app)
    finally:
        studio_app.extensions["courseware"].engine.dispose()
    assert studio_number == 2
    assert sorted(studio_files) == sorted(hand_files)
    for path in hand_files:
        assert studio_files[path] == hand_files[path], path
    assert studio_hash == hand_hash
    with app.app_context():
        number = get_session().scalar(
            select(ContentVersion.number).where(
                ContentVersion.content_hash == hand_hash
            )
        )
    assert number == 2
