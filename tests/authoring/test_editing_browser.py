"""The editor in a real browser: the toolbar inserts a block at the cursor from
the keyboard, the live preview shows it as learners will, axe-core is clean on
the studio's editing pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AxePage
from tests.conftest import PASSWORD
from tests.race import LiveServer

EN = "modules/sample/01-intro.en.md"
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    yield AxePage(context.new_page())
    context.close()


def test_toolbar_preview_and_axe(app, make_user, publish, page):
    publish()
    make_user("alice", role="author")
    with LiveServer(app) as server:
        p = page.page
        p.goto(f"{server.url}/login")
        p.fill("#username", "alice")
        p.fill("#password", PASSWORD)
        with p.expect_navigation():
            p.keyboard.press("Enter")
        p.goto(f"{server.url}/studio/")
        page.check()
        p.fill("#start-title", "Browser draft")
        p.click("#start-submit")
        p.wait_for_selector("h1:has-text('Browser draft')")
        page.check()
        draft_url = p.url
        for suffix in (
            "/check",
            "/publish",
            "/quiz/quizzes/sample.yaml",
            "/settings/modules/course.yaml",
        ):
            p.goto(draft_url + suffix)
            page.check()
        p.goto(f"{draft_url}/files/{EN}")
        p.wait_for_selector("#studio-preview figure")  # the first preview arrived
        page.check()
        text = p.locator("#text")
        text.focus()
        p.keyboard.press("Control+End")
        # The toolbar is one tab stop after the text area's form controls.
        p.focus(".studio-toolbar button[tabindex='0']")
        p.keyboard.press("End")
        focused = p.evaluate("document.activeElement.textContent")
        assert focused.startswith("media/")
        p.keyboard.press("Home")
        while p.evaluate("document.activeElement.textContent") != "tip":
            p.keyboard.press("ArrowRight")
        p.keyboard.press("Enter")
        assert "::: tip" in text.input_value()
        text.press("End")
        p.keyboard.type("\nA live line.\n")
        p.wait_for_selector("#studio-preview :text('A live line.')")
        page.check()
