"""Preview: a draft's pages as learners see them, media, and signed read-only links."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from courseware.authoring.services.preview import SALT, parse_page
from tests.authoring.conftest import open_file, save, text_of, token

LESSON = "modules/sample/01-intro.en.md"
PAGES = ["module/sample", "lesson/sample/intro", "lesson/sample/video", "quiz/sample"]


def test_parse_page():
    assert parse_page("lesson/sample/intro").what == "lesson/sample/intro"
    assert parse_page("module/sample").kind == "module"
    assert parse_page("quiz/sample").quiz == "sample"
    for bad in ("lesson/sample", "module/../x", "quiz/Sample", "lesson/a/b/c", ""):
        assert parse_page(bad) is None


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("what", PAGES)
def test_every_page_previews_in_each_language(studio, start_draft, what, lang):
    draft = start_draft()
    answer = studio.get(f"/studio/drafts/{draft}/preview/{lang}/{what}")
    assert answer.status_code == 200, text_of(answer)[:2000]
    page = text_of(answer)
    assert f'<html lang="{lang}"' in page
    assert "Preview of a draft, not published" in page or "Предпросмотр" in page
    assert "<form" not in page
    assert "<script" not in page


def test_preview_shows_the_draft_not_the_active_version(studio, start_draft, client):
    draft = start_draft()
    text, sha = open_file(studio, draft, LESSON)
    changed = text.replace(
        "Children have rights online", "Children have many rights online"
    )
    assert save(studio, draft, LESSON, changed, sha).status_code == 302
    page = text_of(studio.get(f"/studio/drafts/{draft}/preview/en/lesson/sample/intro"))
    assert "Children have many rights online" in page
    # Links stay in the preview; media come from the draft.
    assert f"/studio/drafts/{draft}/preview/en/lesson/sample/video" in page
    assert f"/studio/drafts/{draft}/preview-media/sample/media/picture.svg" in page
    learner = text_of(client.get("/modules/sample/intro"))
    assert "Children have many rights" not in learner


def test_lesson_preview_is_the_learner_markup(studio, start_draft, client):
    """The article is the same HTML the learner's page has (apart from URLs)."""
    draft = start_draft()
    mine = text_of(studio.get(f"/studio/drafts/{draft}/preview/en/lesson/sample/intro"))
    studio.post("/logout", data={"csrf_token": token(studio)})
    theirs = text_of(client.get("/modules/sample/intro"))

    def article(page: str) -> str:
        found = re.search(r"<article.*?</article>", page, re.S).group(0)
        return re.sub(r'(href|src|poster)="[^"]*"', r'\1=""', found)

    assert article(mine) == article(theirs)


def test_stale_translation_previews_as_learners_see_it(studio, start_draft):
    draft = start_draft()
    text, sha = open_file(studio, draft, LESSON)
    save(studio, draft, LESSON, text + "\nA new paragraph.\n", sha)
    page = text_of(studio.get(f"/studio/drafts/{draft}/preview/ru/lesson/sample/intro"))
    assert "A new paragraph." in page  # the source, with the learner's notice
    assert 'lang="en"' in page


def test_phone_frame(studio, start_draft):
    draft = start_draft()
    url = f"/studio/drafts/{draft}/preview/ru/lesson/sample/intro"
    page = text_of(studio.get(url + "?frame=phone"))
    assert f'<iframe src="{url}"' in page
    assert 'width="360" height="640"' in page
    assert "title=" in page


def test_unknown_pages_and_languages_are_404(studio, start_draft):
    draft = start_draft()
    for url in (
        f"/studio/drafts/{draft}/preview/fr/module/sample",
        f"/studio/drafts/{draft}/preview/en/module/nothing",
        f"/studio/drafts/{draft}/preview/en/lesson/sample/nothing",
        f"/studio/drafts/{draft}/preview/en/quiz/nothing",
        f"/studio/drafts/{draft}/preview/en/odd/thing",
        "/studio/drafts/999/preview/en/module/sample",
    ):
        assert studio.get(url).status_code == 404, url


def test_draft_media_are_served_inert(studio, start_draft):
    draft = start_draft()
    answer = studio.get(
        f"/studio/drafts/{draft}/preview-media/sample/media/picture.svg"
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/svg+xml"
    assert answer.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for bad in (
        "sample/media/nothing.png",
        "sample/module.yaml",
        "sample/01-intro.en.md",
        "sample/media/../module.yaml",
    ):
        url = f"/studio/drafts/{draft}/preview-media/{bad}"
        assert studio.get(url).status_code == 404, bad


def test_media_refused_by_the_checker_is_not_served(studio, start_draft):
    """A web page named .png is not served, whatever its name says."""
    from courseware.authoring.models import Draft
    from courseware.authoring.services.drafts import save_file
    from courseware.db import get_session

    draft = start_draft()
    with studio.application.app_context():
        session = get_session()
        from courseware.auth.models import User

        user = session.query(User).filter_by(username="alice").one()
        save_file(
            session,
            session.get(Draft, draft),
            "modules/sample/media/fake.png",
            b"<html><script>alert(1)</script></html>",
            user,
        )
        session.commit()
    url = f"/studio/drafts/{draft}/preview-media/sample/media/fake.png"
    assert studio.get(url).status_code == 404


def _make_link(client, draft: int, page: str = "lesson/sample/intro", lang="ru"):
    answer = client.post(
        f"/studio/drafts/{draft}/preview-link",
        data={"csrf_token": token(client), "page": page, "lang": lang},
    )
    assert answer.status_code == 200, text_of(answer)[:2000]
    return re.search(r'value="(http[^"]+/studio/shared/[^"]+)"', text_of(answer)).group(
        1
    )


def test_shared_link_shows_the_page_without_signing_in(
    app, studio, start_draft, counts, outbox
):
    draft = start_draft()
    link = _make_link(studio, draft).replace("http://localhost", "")
    studio.post("/logout", data={"csrf_token": token(studio)})
    before, queued = counts(), outbox()
    answer = studio.get(link)
    assert answer.status_code == 200, text_of(answer)[:2000]
    page = text_of(answer)
    assert "Введение" in page
    assert "<form" not in page
    assert answer.headers["Cache-Control"] == "private, no-store"
    # Its links and media stay inside the shared preview, and work.
    hrefs = re.findall(r'(?:href|src)="(/studio/shared/[^"]+)"', page)
    assert hrefs
    for href in hrefs:
        assert studio.get(href).status_code == 200, href
    quiz = link + "/page/ru/quiz/sample"
    quiz_page = text_of(studio.get(quiz))
    assert "<form" not in quiz_page
    # Nothing else than GET is allowed, and nothing changed anywhere.
    for method in ("post", "put", "delete", "patch"):
        assert getattr(studio, method)(link).status_code == 405
        assert getattr(studio, method)(quiz).status_code == 405
    assert counts() == before
    assert outbox() == queued


def test_link_made_is_in_the_audit_log(studio, start_draft, counts):
    draft = start_draft()
    before = counts()
    _make_link(studio, draft)
    assert counts()["AuditEntry"] == before["AuditEntry"] + 1


def test_preview_link_needs_a_known_page_and_language(studio, start_draft, counts):
    draft = start_draft()
    before = counts()
    for page, lang in (("lesson/sample/nothing", "ru"), ("module/sample", "fr")):
        answer = studio.post(
            f"/studio/drafts/{draft}/preview-link",
            data={"csrf_token": token(studio), "page": page, "lang": lang},
        )
        assert answer.status_code == 400
        assert "Choose a page and a language." in text_of(answer)
    answer = studio.post(
        f"/studio/drafts/{draft}/preview-link",
        data={"page": "module/sample", "lang": "en"},
    )
    assert answer.status_code == 400  # no CSRF token
    assert counts() == before


def test_tampered_link_is_403(studio, start_draft):
    draft = start_draft()
    link = _make_link(studio, draft).replace("http://localhost", "")
    studio.post("/logout", data={"csrf_token": token(studio)})
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    answer = studio.get(tampered)
    assert answer.status_code == 403
    assert "This preview link is not valid" in text_of(answer)
    forged = URLSafeTimedSerializer("not-the-secret", salt=SALT).dumps(
        {"d": draft, "l": "en", "w": "module/sample"}
    )
    assert studio.get(f"/studio/shared/{forged}").status_code == 403
    other_salt = URLSafeTimedSerializer(app_secret(studio), salt="other").dumps(
        {"d": draft, "l": "en", "w": "module/sample"}
    )
    assert studio.get(f"/studio/shared/{other_salt}").status_code == 403


def app_secret(client) -> str:
    return client.application.config["SECRET_KEY"]


def test_expired_link_is_410(studio, start_draft, app):
    draft = start_draft()
    link = _make_link(studio, draft).replace("http://localhost", "")
    app.config["COURSEWARE_PREVIEW_LINK_DAYS"] = 0
    try:
        import time

        time.sleep(1.1)
        answer = studio.get(link)
    finally:
        app.config.pop("COURSEWARE_PREVIEW_LINK_DAYS")
    assert answer.status_code == 410
    assert "This preview link has expired" in text_of(answer)
    assert studio.get(link).status_code == 200


def test_discarded_draft_link_stops_working(studio, start_draft):
    draft = start_draft()
    link = _make_link(studio, draft).replace("http://localhost", "")
    assert studio.get(link).status_code == 200
    answer = studio.post(
        f"/studio/drafts/{draft}/discard", data={"csrf_token": token(studio)}
    )
    assert answer.status_code in (302, 303), text_of(answer)[:1000]
    answer = studio.get(link)
    assert answer.status_code == 410
    assert "This preview is no longer available" in text_of(answer)
    assert studio.get(link + "/media/sample/media/picture.svg").status_code == 410


def test_links_made_at_once_all_work(app, make_user, publish):
    """Each of several simultaneous requests makes its own valid link."""
    from tests.conftest import PASSWORD
    from tests.race import LiveServer, RaceClient, assert_no_server_errors

    publish()
    make_user("racer", role="author")
    with LiveServer(app) as server:
        client = RaceClient(server.url)
        client.login("racer", PASSWORD)
        page = client.get("/studio/").text
        csrf = page.split('<meta name="csrf-token" content="', 1)[1].split('"')[0]
        key = page.split('name="start-once_key" type="hidden" value="', 1)[1][:32]
        started = client.post(
            "/studio/drafts/new",
            data={"csrf_token": csrf, "start-once_key": key},
            allow_redirects=False,
        )
        draft = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        answers = client.race(
            4,
            "POST",
            f"/studio/drafts/{draft}/preview-link",
            data={"csrf_token": csrf, "page": "module/sample", "lang": "ru"},
        )
        assert_no_server_errors(answers)
        assert [a.status_code for a in answers] == [200] * 4
        for answer in answers:
            link = re.search(r'value="(http[^"]+/studio/shared/[^"]+)"', answer.text)
            assert client.http.get(link.group(1), timeout=30).ok
