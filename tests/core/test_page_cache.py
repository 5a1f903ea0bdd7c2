"""The visitors' page cache: shared pages from memory, nothing personal shared."""

from __future__ import annotations

import gzip
import shutil

from tests.conftest import FIXTURE_COURSE, csrf_token

LESSON = "/modules/sample/intro"


def hits(app) -> int:
    return app.extensions["courseware"].page_cache.hits


def test_visitors_share_one_page_without_token_or_cookie(app, publish):
    publish()
    first, second = app.test_client(), app.test_client()
    one = first.get(LESSON)
    before = hits(app)
    two = second.get(LESSON)
    assert one.status_code == two.status_code == 200
    assert hits(app) == before + 1  # answered from memory
    assert one.data == two.data
    assert "Set-Cookie" not in two.headers
    assert (
        two.headers["Content-Security-Policy"] == one.headers["Content-Security-Policy"]
    )
    page = two.get_data(as_text=True)
    assert "<h1>Introduction</h1>" in page
    assert "csrf" not in page  # no token: nothing of one visitor reaches another


def test_language_cookie_and_accept_language_pick_separate_pages(app, client, publish):
    publish()
    russian = client.get(LESSON, headers={"Accept-Language": "ru"})
    assert 'lang="ru"' in russian.get_data(as_text=True)
    english = client.get(LESSON, headers={"Accept-Language": "en"})
    assert 'html lang="en"' in english.get_data(as_text=True)
    client.set_cookie("courseware_lang", "ar")
    arabic = client.get(LESSON, headers={"Accept-Language": "ru"})
    assert 'lang="ar" dir="rtl"' in arabic.get_data(as_text=True)
    again = client.get(LESSON, headers={"Accept-Language": "ru"})
    assert again.data == arabic.data


def test_gzip_and_plain_are_kept_apart(app, client, publish):
    publish()
    client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    client.get(LESSON)
    before = hits(app)
    packed = client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    plain = client.get(LESSON)
    assert hits(app) == before + 2
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed.data) == plain.data


def test_signed_in_learners_never_get_the_shared_page(
    app, client, publish, make_user, login
):
    publish()
    client.get(LESSON)  # fills the visitors' entry
    client.get(LESSON)
    login(make_user("reader"))
    before = hits(app)
    page = client.get(LESSON).get_data(as_text=True)
    assert hits(app) == before
    assert "reader" in page and "Complete and continue" in page
    assert 'name="csrf-token"' in page


def test_a_remember_me_cookie_goes_to_flask(app, client, publish):
    publish()
    client.get(LESSON)
    client.set_cookie("remember_token", "1|forged")
    before = hits(app)
    assert client.get(LESSON).status_code == 200
    assert hits(app) == before


def test_a_waiting_message_is_shown_not_shared(app, client, publish):
    publish()
    client.get(LESSON)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Welcome back")]
    before = hits(app)
    page = client.get(LESSON).get_data(as_text=True)
    assert "Welcome back" in page and hits(app) == before
    assert "Welcome back" not in app.test_client().get(LESSON).get_data(as_text=True)


def test_forged_hosts_do_not_fill_the_cache(app, client, publish):
    publish()
    client.get(LESSON)
    entries = len(app.extensions["courseware"].page_cache.entries)
    for n in range(5):
        assert client.get(LESSON, headers={"Host": f"x{n}.example"}).status_code == 200
    assert len(app.extensions["courseware"].page_cache.entries) == entries


def test_query_strings_and_garbage_cookies_go_to_flask(app, client, publish):
    publish()
    client.get(LESSON)
    before = hits(app)
    assert client.get(LESSON + "?x=1").status_code == 200
    client.set_cookie("session", "not.a.cookie")
    assert client.get(LESSON).status_code == 200
    assert hits(app) == before


def test_a_new_version_is_shown_at_once(app, client, publish, tmp_path):
    publish()
    assert "<h1>Introduction</h1>" in client.get(LESSON).get_data(as_text=True)
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    lesson = course / "modules" / "sample" / "01-intro.en.md"
    lesson.write_text(
        lesson.read_text().replace("title: Introduction", "title: A new start")
    )
    publish(course)
    page = client.get(LESSON).get_data(as_text=True)
    assert "<h1>A new start</h1>" in page


def test_the_cache_can_be_turned_off(make_app, publish):
    app = make_app(COURSEWARE_PAGE_CACHE=False)
    from courseware.content.services import publish as publish_content
    from courseware.db import get_session

    with app.app_context():
        publish_content(get_session(), FIXTURE_COURSE, "test", "tests")
        get_session().commit()
    client = app.test_client()
    for _ in range(3):
        assert client.get(LESSON).status_code == 200
    assert hits(app) == 0


def test_catalogue_module_and_track_pages_are_shared_too(app, client, publish):
    publish()
    for path in ("/", "/modules/sample"):
        client.get(path)
        before = hits(app)
        assert client.get(path).status_code == 200
        assert hits(app) == before + 1, path


def test_a_visitors_session_is_opened_by_the_apps_own_session_interface(
    app, client, publish, make_user, login
):
    publish()
    client.get(LESSON)  # fills the visitors' entry
    client.get("/login")  # a form: the session now holds a CSRF secret, nothing else
    before = hits(app)
    assert client.get(LESSON).status_code == 200
    assert hits(app) == before + 1
    login(make_user("reader"))
    assert client.get(LESSON).status_code == 200
    assert hits(app) == before + 1
def test_visitor_switches_language_from_this_site_without_token(client):
    response = client.post(
        "/language",
        data={"language": "ru", "next": LESSON},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302 and response.headers["Location"] == LESSON
    assert "courseware_lang=ru" in response.headers["Set-Cookie"]
    by_origin = client.post(
        "/language", data={"language": "ar"}, headers={"Origin": "http://localhost"}
    )
    assert by_origin.status_code == 302


def test_language_switch_from_another_site_is_refused(client):
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {},
    ):
        response = client.post("/language", data={"language": "ru"}, headers=headers)
        assert response.status_code == 400, headers
        assert "courseware_lang" not in response.headers.get("Set-Cookie", "")


def test_signed_in_language_switch_needs_the_token(app, client, make_user, login):
    login(make_user("reader"))
    same_site = {"Sec-Fetch-Site": "same-origin"}
    refused = client.post("/language", data={"language": "ru"}, headers=same_site)
    assert refused.status_code == 400
    token = csrf_token(client, "/")
    accepted = client.post(
        "/language", data={"language": "ru", "csrf_token": token}, headers=same_site
    )
    assert accepted.status_code == 302


def test_a_revisit_costs_a_304_not_the_page(app, client, publish):
    publish()
    first = client.get(LESSON)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Accept-Language" in first.headers["Vary"]
    before = hits(app)
    again = client.get(LESSON, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert hits(app) == before + 1  # answered from memory
    assert again.headers["ETag"] == etag and "Content-Length" not in again.headers
    packed = client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["ETag"] != etag  # each encoding has its own
    stale = client.get(LESSON, headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_first_conditional_request_is_answered_by_flask(app, client, publish):
    publish()
    etag = app.test_client().get(LESSON).headers["ETag"]
    app.extensions["courseware"].page_cache.entries.clear()
    response = client.get(LESSON, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_learners_pages_carry_no_etag(client, publish, make_user, login):
    publish()
    login(make_user("reader"))
    response = client.get(LESSON)
    assert "ETag" not in response.headers
