"""Helpers of the LTI browser test: the test LMS and our tool on different sites,
chromium with third-party cookies blocked, and a learner driving a page or the
LMS's frame by keyboard."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tests.browser.learner import answer
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, FIXTURE_COURSE

#: chromium's switch that blocks third-party (unpartitioned) cookies.
PHASEOUT = "--test-third-party-cookie-phaseout"
SAMPLE_QUIZ = yaml.safe_load(
    (Path(FIXTURE_COURSE) / "quizzes" / "sample.yaml").read_text("utf-8")
)


def tool_base(live, cross_site: bool) -> str:
    """Our tool's base URL: on ``localhost`` (another site than the test LMS on
    127.0.0.1; ports alone do not make another site) or on 127.0.0.1."""
    if not cross_site:
        return live.url
    return "http://localhost:" + live.url.rsplit(":", 1)[1]


def register(lms, base: str) -> None:
    """Register the tool in the LMS at ``base``; a module link with a line item."""
    lms.register_tool(
        login_url=f"{base}/lti/login",
        launch_url=f"{base}/lti/launch",
        jwks_url=f"{base}/lti/jwks",
        redirect_uris=[f"{base}/lti/launch"],
        deep_link_url=f"{base}/lti/launch",
    )
    lms.add_resource_link(
        "rl-graded",
        "course-1",
        f"{base}/lti/launch",
        title="Sample module",
        custom={"courseware_target": "module:sample"},
        line_item={"scoreMaximum": 100, "label": "Sample module", "tag": "module"},
    )


def launch_blocking_browser(browser):
    """Another chromium, the same binary, with third-party cookies blocked."""
    return browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, PHASEOUT], headless=True
    )


def frames_keep_no_cookie(context, base: str) -> None:
    """A browser that keeps no cookie in a cross-site frame, partitioned or not
    (Safari's rule; chromium keeps partitioned ones): our cookies are dropped from
    the context before the frame posts the launch to us."""

    def drop(route) -> None:
        if route.request.frame.parent_frame is not None:
            context.clear_cookies(domain=urlsplit(base).hostname)
        route.continue_()

    context.route(f"{base}/lti/launch", drop)


class Keys:
    """A frame (or page) with its page's keyboard, for the keyboard helpers of
    tests/browser/learner.py."""

    def __init__(self, target, keyboard) -> None:
        self.target = target
        self.keyboard = keyboard

    def __getattr__(self, name):
        return getattr(self.target, name)


def press_on(target, keyboard, selector: str) -> None:
    """Focus ``selector`` and press Enter; wait for the navigation it starts."""
    target.focus(selector)
    with target.expect_navigation():
        keyboard.press("Enter")


def learn_module(target, keyboard, check) -> str:
    """From the module's page: every lesson, then the quiz answered right by
    keyboard; ``check()`` on each page; the result summary."""
    press_on(target, keyboard, "ol.toc a")
    lessons = 0
    while "/quizzes/" not in target.url:
        check()
        lessons += 1
        assert lessons <= 5, target.url
        press_on(target, keyboard, ".lesson-nav button[type=submit]")
    check()
    press_on(target, keyboard, 'form[action$="/start"] button')
    check()
    answer(Keys(target, keyboard), SAMPLE_QUIZ, right=True)
    press_on(target, keyboard, "button[value=submit]")
    check()
    return target.inner_text(".result-summary")
