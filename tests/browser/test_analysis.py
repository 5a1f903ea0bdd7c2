"""Item analysis in a real browser: the list and a quiz page pass axe-core, in English
and in Arabic (right to left), with the seeded attempts and with refused filters.

Set ``COURSEWARE_TEST_SCREENSHOTS`` to a folder to keep screenshots of a quiz page."""

from __future__ import annotations

import os
from pathlib import Path

from tests.analysis.conftest import seed, simulate
from tests.browser.conftest import AxePage
from tests.conftest import PASSWORD

SCREENSHOTS = os.environ.get("COURSEWARE_TEST_SCREENSHOTS")


def sign_in(p, url: str, username: str) -> None:
    p.goto(url + "/login")
    p.fill("#username", username)
    p.fill("#password", PASSWORD)
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    assert username in p.inner_text("nav")


def test_analysis_pages_pass_axe(app, live_server, browser, make_user, publish):
    publish()
    seed(app, simulate(40))
    make_user("author", role="author")
    for locale in ("en-GB", "ar"):
        context = browser.new_context(locale=locale)
        page = AxePage(context.new_page())
        p = page.page
        sign_in(p, live_server.url, "author")
        with p.expect_navigation():
            p.click('nav a[href="/analysis/"]')
        assert p.locator("table caption").count() == 1
        page.check()
        with p.expect_navigation():
            p.click('main a[href^="/analysis/quizzes/sample"]')
        assert p.locator("tbody th[scope=row]").count() >= 6
        page.check()
        if SCREENSHOTS:
            shot = Path(SCREENSHOTS) / f"analysis-{locale}.png"
            p.screenshot(path=str(shot), full_page=True)
        p.select_option("#attempts", "first")  # the filter form works without JS
        with p.expect_navigation():
            p.click("form.filters [type=submit]")
        assert "attempts=first" in p.url
        page.check()
        p.goto(f"{live_server.url}/analysis/quizzes/sample?version=99")  # refused: 400
        assert p.locator("[role=alert]").count() >= 1
        page.check()
        context.close()
