"""A class of children in a real browser, on the bundled course: the teacher makes a
class of children aged 8-11 and its login cards, a pupil signs in with a card on a
phone and sees the children's pathway, and an adult module the teacher assigns
carries its content note on the teacher's side. axe-core runs on every page.

Set ``COURSEWARE_TEST_SCREENSHOTS`` to a folder to keep phone screenshots of a
children's lesson in English and in Russian."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import AxePage
from tests.browser.learner import REPO
from tests.conftest import PASSWORD

ADULT = "childrens-rights"
KIDS = "kids-who-i-tell"
KIDS_LESSON = "trusted-adults"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("COURSEWARE_TEST_SCREENSHOTS")


@pytest.fixture
def real_course(publish):
    publish(REPO, "the bundled course")


def submit(p) -> None:
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")


def sign_in(p, url: str, username: str, password: str) -> None:
    p.goto(url + "/login")
    p.fill("#username", username)
    p.fill("#password", password)
    submit(p)
    assert username in p.inner_text("nav")


def no_horizontal_scroll(p) -> None:
    width = p.evaluate("document.documentElement.scrollWidth")
    wide = p.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right
             + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    assert width <= PHONE["width"], (p.url, width, wide)


def test_a_class_of_children_on_the_bundled_course(
    live_server, browser, page, make_user, real_course
):
    url = live_server.url
    make_user("teacher", role="teacher")
    teacher = page
    p = teacher.page

    # The teacher makes a class of children aged 8-11.
    sign_in(p, url, "teacher", PASSWORD)
    with p.expect_navigation():
        p.click("nav.site-nav >> text=Teaching")
    with p.expect_navigation():
        p.click("text=New class")
    teacher.check()
    p.fill("#name", "4A")
    p.select_option("#child_ages", "8-11")
    submit(p)
    group_url = p.url
    assert "A class of children aged 8-11" in p.inner_text("dl.facts")
    teacher.check()

    # Pupil accounts and their login cards.
    with p.expect_navigation():
        p.click(".teach-nav >> text=Accounts and login cards")
    teacher.check()
    p.fill("#count", "3")
    submit(p)
    teacher.check()
    card = p.locator(".login-card").first
    username = card.locator(".card-username").inner_text()
    password = card.locator(".card-password").inner_text()

    # The assignment form lists what is written for children first.
    p.goto(group_url + "/assignments/new")
    teacher.check()
    groups = p.eval_on_selector_all("#item optgroup", "gs => gs.map(g => g.label)")
    assert groups[0] == "Modules written for children"
    assert groups.index("Modules written for adults") > groups.index(
        "Tracks written for children"
    )
    assert "A class of children aged 8-11" in p.inner_text("p.notice")
    p.select_option("#item", f"module:{ADULT}")
    submit(p)
    assert "is written for adults" in p.inner_text("main")
    teacher.check()
    row = p.locator("section#assignments tbody tr").first
    assert "Content note: written for adults." in row.inner_text()
    with p.expect_navigation():
        row.locator("text=See the note").click()
    note = p.inner_text(".content-note")
    assert "Content note for teachers:" in note and "(4A)" in note
    assert "Who I tell and how" in note
    teacher.check()

    # A pupil signs in with the card on a phone and sees the children's pathway.
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    child = AxePage(context.new_page())
    c = child.page
    sign_in(c, url, username, password)
    tracks = c.locator("ul.tracks h3").all_inner_texts()
    assert tracks == ["Children 8-11"]
    modules = c.locator("ol.modules h3").all_inner_texts()
    assert modules[:5] == [
        "What is mine online",
        "Being kind and being safe",
        "Who I tell and how",
        "Spotting tricks",
        "My rights online",
    ]
    assert len(modules) == 6  # and the one adult module the teacher assigned
    no_horizontal_scroll(c)
    child.check()
    with c.expect_navigation():
        c.click("ul.tracks >> text=Children 8-11")
    child.check()
    c.goto(f"{url}/modules/{KIDS}")
    assert c.locator("#sources").count() == 1  # children's sources may show
    child.check()

    # A children's lesson on the phone, in English and in Russian.
    c.goto(f"{url}/modules/{KIDS}/{KIDS_LESSON}")
    for lang in ("en", "ru"):
        if lang == "ru":
            with c.expect_navigation():
                c.click(".language-switch button[value=ru]")
        assert c.get_attribute("html", "lang") == lang
        no_horizontal_scroll(c)
        for image in c.locator("article.lesson img").all():
            assert image.bounding_box()["width"] <= PHONE["width"]
        match = c.locator(".matching-list select").first
        if match.count():  # the exercise fits the screen and takes an answer
            assert match.bounding_box()["width"] <= PHONE["width"]
            match.select_option(index=1)
        reveal = c.locator("article.lesson details summary").first
        if reveal.count():
            reveal.click()
            assert reveal.evaluate("s => s.parentElement.open")
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            c.screenshot(
                path=f"{SCREENSHOTS}/{KIDS}-{KIDS_LESSON}-{lang}.png", full_page=True
            )
        child.check()
    with c.expect_navigation():
        c.click(".language-switch button[value=en]")

    # The adult module the teacher assigned opens, without its sources.
    c.goto(f"{url}/modules/{ADULT}")
    assert c.locator("#sources").count() == 0
    assert "ohchr.org" not in c.content()
    child.check()
    with c.expect_navigation():
        c.click("ol.toc a >> nth=0")
    assert c.locator(".lesson-toc a[href$='#sources']").count() == 0
    child.check()
    # Another adult module is out of reach.
    response = c.goto(f"{url}/modules/online-risks")
    assert response.status == 403 and "This part is for adults" in c.inner_text("h1")
    child.check()
    context.close()
    assert len(teacher.checked) >= 7 and len(child.checked) >= 8
