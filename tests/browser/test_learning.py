"""A learner takes a whole module of the real course in a real browser, by keyboard:
English first, Russian from the middle, the quiz passed at the second attempt, axe-core
clean on every page; the same path without JavaScript; Arabic right-to-left layout;
answers survive a dropped connection."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import AxePage
from tests.browser.learner import REPO, answer, quiz, tab_to
from tests.conftest import PASSWORD

MODULE = "childrens-rights"


@pytest.fixture
def real_course(publish):
    publish(REPO, "the bundled course")


def sign_in(page, url: str, username: str) -> None:
    page.page.goto(url + "/login")
    page.page.focus("#username")  # autofocus is tested in test_keyboard_sign_in.py
    page.page.keyboard.type(username)
    page.page.keyboard.press("Tab")
    page.page.keyboard.type(PASSWORD)
    with page.page.expect_navigation():
        page.page.keyboard.press("Enter")


def complete_lesson(page) -> None:
    p = page.page
    tab_to(p, "el.matches('.lesson-nav button[type=submit]')")
    with p.expect_navigation():
        p.keyboard.press("Enter")


def take_attempt(page, right: bool) -> str:
    p = page.page
    tab_to(p, "el.matches('form[action$=\"/start\"] button')")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    page.check()
    answer(p, quiz(MODULE), right)
    p.focus("button[value=submit]")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    page.check()
    return p.inner_text(".result-summary")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_whole_module_by_keyboard(
    live_server, browser, make_user, real_course, javascript
):
    make_user("amina")
    context = browser.new_context(locale="en-GB")
    if not javascript:
        # The site's own scripts never load (a browser without JavaScript); Playwright's
        # evaluate still works, so axe-core and focus checks keep running.
        context.route("**/static/js/**", lambda route: route.abort())
    page = AxePage(context.new_page())
    p = page.page
    sign_in(page, live_server.url, "amina")
    page.check()
    p.goto(f"{live_server.url}/modules/{MODULE}")
    page.check()
    tab_to(p, "el.matches('ol.toc a')")  # the first lesson in the table of contents
    with p.expect_navigation():
        p.keyboard.press("Enter")
    lessons = 0
    while "/quizzes/" not in p.url:
        page.check()
        lessons += 1
        if lessons == 3:  # switch to Russian in the middle of the module
            tab_to(p, "el.matches('.language-switch button[value=ru]')")
            with p.expect_navigation():
                p.keyboard.press("Enter")
            assert p.get_attribute("html", "lang") == "ru"
            assert p.locator(".lesson-toc .status-done").count() == 2  # nothing lost
            page.check()
        complete_lesson(page)
    assert lessons == 4
    page.check()
    first = take_attempt(page, right=False)
    assert "Правильных ответов" in first or re.search(r"\d", first)
    p.goto(f"{live_server.url}/quizzes/{MODULE}")
    page.check()
    second = take_attempt(page, right=True)
    assert "(100%)" in second
    p.goto(f"{live_server.url}/modules/{MODULE}")
    page.check()
    assert p.locator(".status-done").first.is_visible()
    context.close()


def test_arabic_lesson_is_right_to_left(live_server, browser, real_course):
    context = browser.new_context(locale="ar", viewport={"width": 1200, "height": 900})
    page = AxePage(context.new_page())
    p = page.page
    p.goto(f"{live_server.url}/modules/{MODULE}/why")
    assert p.get_attribute("html", "dir") == "rtl"
    article = p.locator("article.lesson").bounding_box()
    toc = p.locator(".lesson-toc").bounding_box()
    assert toc["x"] < article["x"], "the table of contents sits on the left in Arabic"
    brand = p.locator(".brand").bounding_box()
    assert brand["x"] > 600, "the site name sits on the right"
    assert (
        p.locator(".notice").count() == 1
    )  # no Arabic text yet: English, with a notice
    p.screenshot(
        path=str(REPO / "bench" / "results" / "arabic-lesson.png"), full_page=False
    )
    page.check()
    context.close()


def test_answers_survive_a_dropped_connection(
    live_server, browser, make_user, real_course
):
    make_user("omar")
    context = browser.new_context(locale="en-GB")
    page = AxePage(context.new_page())
    p = page.page
    sign_in(page, live_server.url, "omar")
    p.goto(f"{live_server.url}/quizzes/{MODULE}")
    with p.expect_navigation():
        p.click("form[action$='/start'] button")
    answer(p, quiz(MODULE), right=True)
    # The page's own script saved the answers (CSP forbids wait_for_function's eval).
    saved = p.get_attribute("form[data-autosave]", "data-saved-text")
    p.locator("[data-save-status]", has_text=saved).wait_for(timeout=10000)
    attempt_url = p.url
    context.set_offline(True)  # the connection drops between answering and submitting
    with pytest.raises(Exception):  # noqa: B017 - the browser reports a network error
        p.click("button[value=submit]")
        p.wait_for_url(re.compile(r".*/result$"), timeout=3000)
    context.set_offline(False)
    p.goto(attempt_url)  # back online: everything answered is still there
    assert "/result" not in p.url
    checked = p.eval_on_selector_all("input:checked", "els => els.length")
    assert checked >= 4
    with p.expect_navigation():
        p.click("button[value=submit]")
    assert "(100%)" in p.inner_text(".result-summary")
    context.close()


def test_english_text_on_an_arabic_page_runs_left_to_right(
    live_server, browser, real_course
):
    """Arabic interface, English module page: each English piece carries lang="en"
    dir="ltr", so its full stop ends the line on the right, not on the left."""
    context = browser.new_context(locale="ar", viewport={"width": 1200, "height": 900})
    page = AxePage(context.new_page())
    p = page.page
    p.goto(f"{live_server.url}/modules/{MODULE}")
    assert p.get_attribute("html", "dir") == "rtl"
    for selector in ("h1 span", "p.lead span", "main ul:first-of-type", "ul.sources"):
        element = p.locator(selector).first
        assert element.get_attribute("lang") == "en", selector
        assert element.get_attribute("dir") == "ltr", selector
        assert element.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # The summary's last character is its full stop, and it renders at the right end.
    lead = p.locator("p.lead span").first
    box = lead.bounding_box()
    end = lead.evaluate(
        """e => { const r = document.createRange(); const t = e.firstChild;
        r.setStart(t, t.length - 1); r.setEnd(t, t.length);
        const rects = r.getClientRects(); return rects[rects.length - 1].right; }"""
    )
    start = lead.evaluate(
        """e => { const r = document.createRange(); const t = e.firstChild;
        r.setStart(t, 0); r.setEnd(t, 1); return r.getClientRects()[0].left; }"""
    )
    assert lead.inner_text().rstrip().endswith(".")
    assert start < end, "English starts on the left and ends on the right"
    assert abs(start - box["x"]) < 2
    p.screenshot(
        path=str(REPO / "bench" / "results" / "arabic-english-module.png"),
        full_page=False,
    )
    page.check()
    p.goto(f"{live_server.url}/")
    card = p.locator("ol.modules li.card h3 span").first
    assert (card.get_attribute("lang"), card.get_attribute("dir")) == ("en", "ltr")
    page.check()
    context.close()
