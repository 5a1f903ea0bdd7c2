"""Every analysis URL x every role: authors and administrators only."""

from __future__ import annotations

import pytest

from tests.teach.conftest import sign_in

URLS = [
    "/analysis/",
    "/analysis/quizzes/sample",
    "/analysis/quizzes/sample/questions.csv",
    "/analysis/quizzes/sample/options.csv",
    "/analysis/?version=1&language=en&attempts=first",
]
EXPECTED = {"author": 200, "admin": 200, "teacher": 403, "learner": 403}


@pytest.fixture
def accounts(app, publish, make_user):
    publish()
    for role in EXPECTED:
        make_user(role, role=role)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", [*EXPECTED, "anonymous"])
def test_only_authors_and_administrators(app, accounts, role, url):
    client = app.test_client() if role == "anonymous" else sign_in(app, role)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == EXPECTED[role], response.get_data(as_text=True)


def test_the_header_links_to_the_analysis_for_authors_only(app, accounts):
    for role, shown in (("author", True), ("admin", True), ("teacher", False)):
        page = sign_in(app, role).get("/").get_data(as_text=True)
        assert ('href="/analysis/"' in page) is shown, role
    assert 'href="/analysis/"' not in app.test_client().get("/").get_data(as_text=True)


def test_a_lesson_skeleton_never_carries_the_link(app, accounts, client, login):
    # Lesson pages are rendered once per role group and shared: an author's render
    # must not show the link to a learner who gets the same skeleton.
    author, learner = sign_in(app, "author"), sign_in(app, "learner")
    author.get("/modules/sample/intro")
    page = learner.get("/modules/sample/intro").get_data(as_text=True)
    assert 'href="/analysis/"' not in page


def test_an_unknown_quiz_is_not_found(app, accounts):
    client = sign_in(app, "author")
    for url in ("/analysis/quizzes/nope", "/analysis/quizzes/nope/options.csv"):
        assert client.get(url).status_code == 404


def test_without_content_the_list_says_so(app, make_user):
    make_user("author", role="author")
    page = sign_in(app, "author").get("/analysis/")
    assert page.status_code == 200
    assert "No course content is published yet." in page.get_data(as_text=True)
    assert sign_in(app, "author").get("/analysis/quizzes/sample").status_code == 404
