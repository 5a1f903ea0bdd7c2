"""Media uploads: checked as `content check` checks media (types, SVG), capped in
size with a 413 page that says the limit; refusals save nothing."""

from __future__ import annotations

import io

import pytest

from tests.authoring.conftest import files_of, open_file, text_of, token
from tests.content.test_media_checks import CASES, SAFE_SVG


def send(client, draft_id: int, name: str, data: bytes, module: str = "sample"):
    return client.post(
        f"/studio/drafts/{draft_id}/media",
        data={
            "csrf_token": token(client),
            "media-module": module,
            "media-media": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_a_picture_is_uploaded_into_the_modules_media(app, studio, start_draft):
    draft_id = start_draft()
    answer = send(studio, draft_id, "safe.svg", SAFE_SVG.encode())
    assert answer.status_code == 302
    assert "Refer to it as media/safe.svg." in text_of(studio.get("/studio/"))
    assert files_of(app, draft_id)["modules/sample/media/safe.svg"] == (
        SAFE_SVG.encode()
    )
    page = studio.get(f"/studio/drafts/{draft_id}/files/modules/sample/01-intro.en.md")
    assert ">media/safe.svg</button>" in page.get_data(as_text=True)


@pytest.mark.parametrize("name,rel,text,expected", CASES, ids=[c[0] for c in CASES])
def test_unsafe_or_mislabelled_media_is_refused_with_the_checkers_message(
    studio, start_draft, counts, name, rel, text, expected
):
    draft_id = start_draft()
    before = counts()
    answer = send(studio, draft_id, rel.rsplit("/", 1)[-1], text.encode())
    assert answer.status_code == 400
    page = text_of(answer)
    assert "The file was not uploaded: " in page
    assert expected in page, page.split("flashes", 1)[-1][:1500]
    assert counts() == before


@pytest.mark.parametrize(
    "name,kept",
    [
        ("../evil.svg", "modules/sample/media/evil.svg"),  # only the last part counts
        ("a/../../x.svg", "modules/sample/media/x.svg"),
        ("..\\..\\win.svg", None),  # the test client sends "....win.svg"
        (".hidden.svg", None),
        ("..", None),
        ("", None),
    ],
)
def test_file_names_keep_only_their_last_part(
    app, studio, start_draft, counts, name, kept
):
    draft_id = start_draft()
    before = counts()
    answer = send(studio, draft_id, name, SAFE_SVG.encode())
    media = {p for p in files_of(app, draft_id) if "/media/" in p}
    assert media - {
        "modules/sample/media/" + n
        for n in (
            "picture.svg",
            "sample.en.md",
            "sample.en.vtt",
            "sample.ru.md",
            "sample.ru.vtt",
            "sample.webm",
        )
    } == ({kept} if kept else set())
    if kept is None:
        assert answer.status_code == 400
        assert counts() == before
    else:
        assert answer.status_code == 302


def test_an_unknown_module_is_refused(studio, start_draft, counts):
    draft_id = start_draft()
    before = counts()
    answer = send(studio, draft_id, "x.svg", SAFE_SVG.encode(), module="nowhere")
    assert answer.status_code == 400
    assert "there is no module &#39;nowhere&#39;" in answer.get_data(as_text=True)
    assert counts() == before


def test_an_upload_over_the_limit_gets_the_413_page(
    make_app, make_user, publish, counts
):
    app = make_app(COURSEWARE_STUDIO_MAX_UPLOAD=1000)
    client = app.test_client()
    make_user("big", role="author")
    publish()
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"')[0]
    client.post(
        "/login",
        data={
            "username": "big",
            "password": "correct horse battery",
            "csrf_token": csrf,
        },
    )
    from tests.authoring.conftest import once_key

    started = client.post(
        "/studio/drafts/new",
        data={
            "csrf_token": token(client),
            "start-once_key": once_key(client, "/studio/", "start-"),
        },
    )
    draft_id = int(started.headers["Location"].rsplit("/", 1)[-1])
    before = counts()
    answer = send(client, draft_id, "big.svg", SAFE_SVG.encode() + b" " * 2000)
    assert answer.status_code == 413
    assert "The studio takes uploads of at most 1000 bytes (1000 bytes)." in (
        text_of(answer)
    )
    archive = client.post(
        "/studio/drafts/upload",
        data={
            "csrf_token": token(client),
            "upload-once_key": once_key(client, "/studio/", "upload-"),
            "upload-archive": (io.BytesIO(b"x" * 5000), "course.zip"),
        },
        content_type="multipart/form-data",
    )
    assert archive.status_code == 413
    assert counts() == before


def test_a_video_without_captions_in_a_language_is_reported(studio, start_draft):
    draft_id = start_draft()
    rel = "modules/sample/02-video.en.md"
    text, sha = open_file(studio, draft_id, rel)
    assert "ru: media/sample.ru.vtt" in text
    changed = text.replace("  ru: media/sample.ru.vtt\n", "", 1)
    from tests.authoring.conftest import save

    assert save(studio, draft_id, rel, changed, sha).status_code == 302
    page = text_of(studio.get(f"/studio/drafts/{draft_id}/files/{rel}"))
    assert "no captions in 'ru', a language this lesson exists in" in page
