"""Catalogue, module and lesson pages, progress, resume and languages."""

from __future__ import annotations

import re

from sqlalchemy import select

from courseware.db import get_session
from courseware.learn.models import Enrolment, LessonProgress
from tests.conftest import csrf_token


def test_catalogue_shows_tracks_and_module_facts(client, publish):
    publish()
    page = client.get("/").get_data(as_text=True)
    assert "Test course" in page and "Delegates" in page
    assert "Sample module" in page and "About 10 minutes" in page
    assert re.search(r"Media: \d+ KB", page)
    assert (
        'Languages: <span lang="en">English</span>, <span lang="ru">Русский</span>'
        in page
    )


def test_catalogue_before_anything_is_published(client):
    page = client.get("/").get_data(as_text=True)
    assert "No course has been published yet." in page


def test_lesson_renders_every_block(client, publish):
    publish()
    page = client.get("/modules/sample/intro").get_data(as_text=True)
    assert "<h1>Introduction</h1>" in page
    assert 'alt="A child at a computer."' in page
    assert '<details class="block block-reveal"' in page
    assert "Not the best choice." in page and "A good choice." in page
    assert 'href="/modules/sample/video"' in page  # internal link resolved
    video = client.get("/modules/sample/video").get_data(as_text=True)
    assert re.search(
        r'<track kind="captions" srclang="en" label="English" src="/media/'
        r'[0-9a-f]{64}/sample.en.vtt" default>',
        video,
    )
    assert 'srclang="ru" label="Русский"' in video
    assert "Children have rights." in video  # transcript inline
    assert "Audio only" not in video or "<audio" in video
    assert "Your national child helpline" in video


def test_media_is_served_immutable_with_ranges(client, publish):
    publish()
    page = client.get("/modules/sample/video").get_data(as_text=True)
    url = re.search(r'src="(/media/[0-9a-f]{64}/sample.webm)"', page).group(1)
    with client.get(url) as response:
        assert response.status_code == 200
        assert (
            response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        )
        assert response.data.startswith(b"\x1a\x45\xdf\xa3")
    with client.get(url, headers={"Range": "bytes=0-3"}) as partial:
        assert partial.status_code == 206 and partial.data == b"\x1a\x45\xdf\xa3"
    assert client.get("/media/" + "0" * 64 + "/x.webm").status_code == 404


def test_lesson_html_is_rendered_once_per_version_and_language(
    app, client, publish, make_user, login, monkeypatch
):
    from courseware.content import runtime

    publish()
    login(make_user("reader"))
    rendered = []
    resolver = runtime._link_resolver
    monkeypatch.setattr(
        runtime,
        "_link_resolver",
        lambda course, module_id: (
            rendered.append(module_id) or resolver(course, module_id)
        ),
    )
    for _ in range(3):
        assert client.get("/modules/sample/intro").status_code == 200
    assert rendered == ["sample"]  # once, then from the cache


def complete(client, module, lesson):
    token = csrf_token(client, f"/modules/{module}/{lesson}")
    return client.post(
        f"/modules/{module}/{lesson}/complete", data={"csrf_token": token}
    )


def test_completing_lessons_leads_to_the_next_then_the_quiz(
    app, client, publish, make_user, login, outbox
):
    publish()
    user = make_user("delegate")
    login(user)
    assert (
        complete(client, "sample", "intro").headers["Location"]
        == "/modules/sample/video"
    )
    assert (
        complete(client, "sample", "video").headers["Location"]
        == "/quizzes/sample/start"
    )
    with app.app_context():
        rows = (
            get_session()
            .scalars(select(LessonProgress).where(LessonProgress.user_id == user.id))
            .all()
        )
        assert {(r.lesson_id, r.completed_at is not None, r.version) for r in rows} == {
            ("intro", True, 1),
            ("video", True, 1),
        }
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in outbox()]
    assert verbs == [
        "experienced",
        "completed",
        "progressed",
        "experienced",
        "completed",
        "progressed",
    ]
    assert complete(client, "sample", "intro").status_code == 302  # again: harmless
    assert len(outbox()) == 7  # only the "experienced" of the visit


def test_reload_does_not_repeat_experienced(client, publish, make_user, login, outbox):
    publish()
    login(make_user("delegate"))
    for _ in range(3):
        client.get("/modules/sample/intro")
    assert len(outbox("experienced")) == 1
    client.get("/modules/sample/video")
    client.get("/modules/sample/intro")
    assert len(outbox("experienced")) == 3


def test_resume_is_offered_and_survives_a_language_switch(
    app, client, publish, make_user, login
):
    publish()
    login(make_user("delegate"))
    client.get("/modules/sample/video")
    token = csrf_token(client, "/modules/sample/video")
    saved = client.post(
        "/progress/position",
        json={
            "module": "sample",
            "lesson": "video",
            "media": "sample-video",
            "time": 83.4,
        },
        headers={"X-CSRFToken": token},
    )
    assert saved.json == {"saved": True}
    page = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" in page
    assert 'href="/modules/sample/video?t=83#media-sample-video"' in page
    client.post("/language", data={"language": "ru", "csrf_token": token})
    page = client.get("/").get_data(as_text=True)
    assert "Короткое видео" in page  # the same place, in Russian
    lesson = client.get("/modules/sample/video").get_data(as_text=True)
    assert 'data-resume-media="sample-video" data-resume-time="83.4"' in lesson


def test_position_needs_csrf_and_a_real_lesson(client, publish, make_user, login):
    publish()
    login(make_user("delegate"))
    assert (
        client.post("/progress/position", json={"module": "sample"}).status_code == 400
    )
    token = csrf_token(client, "/")
    assert (
        client.post(
            "/progress/position",
            json={"module": "x", "lesson": "y"},
            headers={"X-CSRFToken": token},
        ).status_code
        == 400
    )


def test_progress_is_kept_across_languages(app, client, publish, make_user, login):
    publish()
    user = make_user("delegate")
    login(user)
    complete(client, "sample", "intro")
    token = csrf_token(client, "/")
    client.post("/language", data={"language": "ru", "csrf_token": token})
    page = client.get("/modules/sample").get_data(as_text=True)
    assert '<html lang="ru"' in page and page.count("status-done") == 1
    with app.app_context():
        assert get_session().scalars(select(Enrolment)).one().user_id == user.id


def test_arabic_interface_falls_back_to_the_source_with_a_notice(client, publish):
    publish()
    page = client.get(
        "/modules/sample/intro", headers={"Accept-Language": "ar"}
    ).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<article class="lesson" lang="en"' in page
    assert 'class="notice"' in page
