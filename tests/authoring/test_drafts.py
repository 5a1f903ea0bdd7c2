"""Drafts: started from the active version or an archive, listed, downloaded,
discarded; hostile archives are refused with the CLI's message and create nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import delete, select

from courseware.authoring.models import Draft, DraftFile
from courseware.content.models import ContentVersion, VersionFile
from courseware.content.services import version_files
from courseware.db import get_session
from tests.authoring.conftest import once_key, text_of, token
from tests.content.test_hostile_archives import CASES
from tests.content.test_versions import ARCHIVE_CASES, zip_of


def test_a_draft_starts_with_the_active_versions_files(app, studio, start_draft):
    draft_id = start_draft("Spring update")
    with app.app_context():
        session = get_session()
        draft = session.get(Draft, draft_id)
        version = session.scalars(select(ContentVersion)).one()
        assert draft.base_version_id == version.id and draft.state == "open"
        rows = session.scalars(select(DraftFile).where(DraftFile.draft_id == draft_id))
        stored = version_files(session, version)
        assert {r.path: r.sha256 for r in rows} == {
            p: __import__("hashlib").sha256(b).hexdigest() for p, b in stored.items()
        }
    index = text_of(studio.get("/studio/"))
    assert "Spring update" in index and "version 1" in index
    page = text_of(studio.get(f"/studio/drafts/{draft_id}"))
    assert "modules/sample/" in page and "01-intro.en.md" in page
    assert "alice" in page and "0 error(s), 0 warning(s)" in page


def test_the_cli_publish_keeps_every_source_file(app, studio, course_dir):
    with app.app_context():
        session = get_session()
        version = session.scalars(select(ContentVersion)).one()
        files = version_files(session, version)
    on_disk = {
        p.relative_to(course_dir).as_posix(): p.read_bytes()
        for p in course_dir.rglob("*")
        if p.is_file()
    }
    assert files == on_disk


def test_a_version_without_source_files_falls_back_to_the_content_folder(
    make_app, make_user, login, course_dir, tmp_path
):
    app = make_app(COURSEWARE_CONTENT_DIR=str(course_dir))
    client = app.test_client()
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["courseware", "content", "publish", str(course_dir), "--note", "old"]
        ).exit_code
        == 0
    )
    with app.app_context():
        session = get_session()
        session.execute(delete(VersionFile))  # as published before the studio
        session.commit()
    from courseware.auth.models import Role
    from courseware.auth.services import create_user
    from tests.conftest import PASSWORD

    with app.app_context():
        create_user(get_session(), "bob", PASSWORD, Role.AUTHOR)
        get_session().commit()
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"')[0]
    client.post(
        "/login", data={"username": "bob", "password": PASSWORD, "csrf_token": csrf}
    )

    def start():
        return client.post(
            "/studio/drafts/new",
            data={
                "csrf_token": token(client),
                "start-once_key": once_key(client, "/studio/", "start-"),
            },
        )

    assert start().status_code == 302
    (course_dir / "modules/sample/01-intro.en.md").write_text("changed\n")
    refused = start()
    assert refused.status_code == 400
    assert (
        "version 1 was published before the studio kept source files, and the "
        "content folder no longer holds it: start the draft from a course archive "
        "instead" in text_of(refused)
    )
    with app.app_context():
        assert len(get_session().scalars(select(Draft)).all()) == 1


def test_nothing_published_yet(client, login, make_user, counts):
    login(make_user("carol", role="author"))
    before = counts()
    answer = client.post(
        "/studio/drafts/new",
        data={
            "csrf_token": token(client),
            "start-once_key": once_key(client, "/studio/", "start-"),
        },
    )
    assert answer.status_code == 400
    assert "nothing is published yet: start the draft from a course archive" in (
        text_of(answer)
    )
    assert counts() == before


def upload(client, data: bytes, name: str = "course.zip", title: str = ""):
    return client.post(
        "/studio/drafts/upload",
        data={
            "csrf_token": token(client),
            "upload-once_key": once_key(client, "/studio/", "upload-"),
            "upload-title": title,
            "upload-archive": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_a_draft_from_an_archive(app, studio, course_dir):
    answer = upload(studio, zip_of(course_dir), title="From the office")
    assert answer.status_code == 302, text_of(answer)[:2000]
    draft_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    with app.app_context():
        draft = get_session().get(Draft, draft_id)
        assert draft.title == "From the office" and draft.base_version_id is None
    assert "an uploaded archive" in text_of(studio.get("/studio/"))


def _with(extra):
    return lambda root: zip_of(root, extra)


HOSTILE = [(name, build, expected) for name, build, expected in CASES] + [
    (name, _with(extra), message) for name, extra, message in ARCHIVE_CASES
]


@pytest.mark.parametrize("name,build,expected", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_archives_are_refused_by_the_studio_upload(
    studio, course_dir, counts, name, build, expected
):
    before = counts()
    answer = upload(studio, build(course_dir))
    assert answer.status_code == 400
    message = expected(course_dir) if callable(expected) else expected
    page = text_of(answer)
    assert "The archive was refused; nothing was created" in page
    assert message in page, page[page.find("error-summary") :][:800]
    assert counts() == before


def test_an_archive_without_modules_and_not_a_zip(studio, counts):
    before = counts()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    page = text_of(upload(studio, buffer.getvalue()))
    assert "modules/:1: archive: the archive has no modules/ folder at its top" in page
    page = text_of(upload(studio, b"this is not a zip"))
    assert "course.zip:1: archive: not a zip archive" in page
    assert counts() == before


def test_download_gives_an_archive_content_import_takes(
    app, studio, start_draft, tmp_path
):
    draft_id = start_draft()
    answer = studio.get(f"/studio/drafts/{draft_id}/download")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        names = archive.namelist()
        assert "modules/course.yaml" in names and "quizzes/sample.yaml" in names
    path = tmp_path / "draft.zip"
    path.write_bytes(answer.data)
    result = app.test_cli_runner().invoke(
        args=["courseware", "content", "import", str(path), "--note", "same"]
    )
    assert "no changes since version 1; nothing published" in result.output


def test_discard_closes_the_draft(app, studio, start_draft, counts):
    draft_id = start_draft()
    answer = studio.post(
        f"/studio/drafts/{draft_id}/discard", data={"csrf_token": token(studio)}
    )
    assert answer.status_code == 302
    with app.app_context():
        assert get_session().get(Draft, draft_id).state == "discarded"
    assert "Spring update" not in text_of(studio.get("/studio/"))
    before = counts()
    refused = studio.post(
        f"/studio/drafts/{draft_id}/files/modules/sample/01-intro.en.md",
        data={"csrf_token": token(studio), "text": "x", "sha256": ""},
    )
    assert refused.status_code == 400
    assert "this draft is discarded: it can no longer be changed" in text_of(refused)
    assert counts() == before


def test_an_unknown_draft_is_404(studio):
    assert studio.get("/studio/drafts/999").status_code == 404
    assert studio.get("/studio/drafts/999/files/modules/course.yaml").status_code == 404


def test_two_starts_of_one_form_make_one_draft(app, live_studio):
    answers = live_studio.client.race(
        4, "POST", "/studio/drafts/new", data=live_studio.start_form()
    )
    assert all(a.status_code in (200, 302) for a in answers), [
        a.status_code for a in answers
    ]
    with app.app_context():
        assert len(get_session().scalars(select(Draft)).all()) == 1
