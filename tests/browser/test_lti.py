"""LTI in chromium: the test LMS's course page embeds our tool in an iframe, the
LMS on 127.0.0.1 and the tool on localhost (another site: ports alone do not make
one). A learner takes a module with a line item and the LMS receives exactly one
score; a teacher deep-links two modules through our picker; a teacher syncs the
class's roster from the LMS. With the tool's cookies kept out of the frame, the
first-party new window is the way in, with third-party cookies allowed and
blocked."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware.db import get_session
from courseware.lti.models import LtiContext
from tests.browser.conftest import AxePage
from tests.browser.lti_helpers import (
    frames_keep_no_cookie,
    launch_blocking_browser,
    learn_module,
    press_on,
    register,
    tool_base,
)
from tests.lti.advantage import two_module_course
from tests.lti.conftest import *  # noqa: F403 - the test LMS and our live app
from tests.lti.conftest import LEARNER

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs/screenshots/lti-iframe.png"
WAIT = 20000
#: Sets an unpartitioned and a partitioned cookie in our frame; what is kept.
PROBE = """() => {
  const path = "; Path=" + location.pathname;
  document.cookie = "probe=1; SameSite=None; Secure" + path;
  document.cookie = "probe2=1; SameSite=None; Secure; Partitioned" + path;
  return document.cookie;
}"""

cross_site_frame = pytest.param(True, id="cross-site")
same_site_frame = pytest.param(False, id="same-site")


class FrameAxe(AxePage):
    """An LMS page whose console is watched; axe-core runs on our frame in it."""

    def check_frame(self, frame) -> None:
        results = self.axe.run(frame)
        assert results.violations_count == 0, (frame.url, results.generate_report())
        assert self.console_errors == [], (frame.url, self.console_errors)
        self.checked.append(frame.url)


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB")
    yield context
    context.close()


def _lms_page(context, lms, path: str) -> tuple[FrameAxe, object]:
    """The LMS page at ``path`` and the tool's frame in it."""
    page = FrameAxe(context.new_page())
    page.page.goto(f"{lms.issuer}/lms/course/course-1/{path}")
    return page, page.page.frame(name="tool-frame")


def _deliver_once(runner) -> str:
    result = runner.invoke(args=["courseware", "lti", "scores", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[0]


def _assert_passed(summary: str) -> None:
    assert summary.startswith("You answered 6 of 6 questions correctly (100%)."), (
        summary
    )
    assert "You passed this quiz." in summary, summary


def _assert_one_score(lms) -> None:
    """Exactly one score reached the module's line item, with the quiz's result."""
    (score,) = lms.scores("rl-graded")
    assert score["userId"] == "learner-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (6, 6)
    assert (score["activityProgress"], score["gradingProgress"]) == (
        "Completed",
        "FullyGraded",
    )
    assert [post["status"] for post in lms.score_posts] == [200]


@pytest.mark.parametrize(
    ("cross_site", "blocked"),
    [(False, False), (True, False), (True, True)],
    ids=["same-site", "cross-site", "cross-site-3pc-phaseout"],
)
def test_learner_takes_the_module_inside_the_lms_frame(
    lms, live, browser, runner, cross_site, blocked
):
    base = tool_base(live, cross_site)
    register(lms, base)
    chromium = launch_blocking_browser(browser) if blocked else browser
    context = chromium.new_context(locale="en-GB")
    try:
        page, frame = _lms_page(context, lms, "link/rl-graded?user=learner-1")
        frame.wait_for_url(f"{base}/modules/sample", timeout=WAIT)
        page.check_frame(frame)
        if cross_site:
            # chromium keeps no unpartitioned cookie in the frame, flag or not,
            # and keeps partitioned ones (CHIPS): our session cookie is one
            assert frame.evaluate(PROBE) == "probe2=1"
            (session,) = [c for c in context.cookies(base) if c["name"] == "session"]
            assert (session["sameSite"], session["secure"]) == ("None", True)
            assert session["partitionKey"] == "http://127.0.0.1"
            if not blocked:
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.page.screenshot(path=str(SCREENSHOT), full_page=True)
        summary = learn_module(
            frame, page.page.keyboard, lambda: page.check_frame(frame)
        )
        _assert_passed(summary)
        assert page.page.url.startswith(lms.issuer)  # the LMS page never left
        assert lms.scores("rl-graded") == []  # queued, not sent yet
        assert _deliver_once(runner).startswith("1 sent, 0 to retry later, 0 dead")
        _assert_one_score(lms)
        assert _deliver_once(runner).startswith("0 sent")  # nothing is sent twice
        assert len(lms.score_posts) == 1
    finally:
        context.close()
        if blocked:
            chromium.close()


@pytest.mark.parametrize("cross_site", [same_site_frame, cross_site_frame])
def test_teacher_deep_links_two_modules_inside_the_frame(
    lms, live, context, publish, tmp_path, cross_site
):
    publish(two_module_course(tmp_path))
    base = tool_base(live, cross_site)
    register(lms, base)
    page, frame = _lms_page(context, lms, "deep-link?user=teacher-1")
    frame.wait_for_url(re.compile(re.escape(f"{base}/lti/deep-link/")), timeout=WAIT)
    page.check_frame(frame)
    for target in ("module:sample", "module:second"):
        frame.focus(f'input[name="items"][value="{target}"]')
        page.page.keyboard.press("Space")
    frame.focus('button[type="submit"].button')
    page.page.keyboard.press("Enter")
    # our signed answer posts itself to the LMS, still in the frame
    frame.wait_for_url(f"{lms.issuer}/deep-link-return", timeout=WAIT)
    assert "Added 2 item(s)" in frame.inner_text("body")
    items = lms.deep_link_items
    assert [i["custom"]["courseware_target"] for i in items] == [
        "module:sample",
        "module:second",
    ]
    assert [i["title"] for i in items] == ["Sample module", "Second module"]
    for item in items:
        assert item["url"] == f"{base}/lti/launch"
        assert item["lineItem"]["resourceId"] == item["custom"]["courseware_target"]
        line_item = lms.line_item(item["line_item_id"])
        assert line_item.resource_link_id == item["rl_id"]
    assert page.page.url.startswith(lms.issuer)


def test_teacher_syncs_the_lms_roster_inside_the_frame(app, lms, live, context):
    base = tool_base(live, cross_site=True)
    register(lms, base)
    for sub in ("s-1", "s-2", "s-3", "s-4"):
        lms.add_user(sub, [LEARNER], name=f"Pupil {sub}")
    lms.set_members("course-1", ["teacher-1", "s-1", "s-2", "s-3"])
    page, frame = _lms_page(context, lms, "link/rl-graded?user=teacher-1")
    frame.wait_for_url(f"{base}/modules/sample", timeout=WAIT)
    with app.app_context():
        group_id = get_session().scalars(select(LtiContext.group_id)).one()
    frame.goto(f"{base}/lti/classes/{group_id}/roster")
    page.check_frame(frame)
    assert frame.get_by_text("None yet: sync to read the roster.").is_visible()

    def sync() -> tuple[str, list[str]]:
        press_on(frame, page.page.keyboard, 'form[action$="/roster"] button')
        page.check_frame(frame)
        cells = frame.locator("table.data tbody tr td:nth-child(2)")
        return frame.inner_text("p.flash"), cells.all_inner_texts()

    flash, present = sync()
    assert flash == "Roster synced: 3 added, 0 removed, 0 unchanged."
    assert present == ["Yes", "Yes", "Yes"]
    lms.set_members("course-1", ["teacher-1", "s-1", "s-2", "s-3", "s-4"])
    lms.remove_member("course-1", "s-2")  # Inactive in the LMS
    flash, present = sync()
    assert flash == "Roster synced: 1 added, 1 removed, 2 unchanged."
    today = datetime.now(UTC).date().isoformat()
    assert sorted(present) == [f"Removed on {today}", "Yes", "Yes", "Yes"]
    frame.goto(f"{base}/teach/groups/{group_id}")
    page.check_frame(frame)
    assert "Learners (4)" in frame.inner_text("main")
    assert page.page.url.startswith(lms.issuer)


def test_no_cookies_in_the_frame_the_new_window_works(lms, live, context, runner):
    base = tool_base(live, cross_site=True)
    register(lms, base)
    frames_keep_no_cookie(context, base)
    page, frame = _lms_page(context, lms, "link/rl-graded?user=learner-1")
    frame.locator("#lti-error").wait_for(timeout=WAIT)
    assert frame.locator("#lti-error").get_attribute("data-code") == "state-cookie"
    page.check_frame(frame)
    frame.focus("a[data-lti-new-window]")
    with context.expect_page() as opened:
        page.page.keyboard.press("Enter")
    window = AxePage(opened.value)
    window.page.wait_for_url(f"{base}/modules/sample", timeout=WAIT)
    window.check()
    summary = learn_module(window.page, window.page.keyboard, window.check)
    _assert_passed(summary)
    assert _deliver_once(runner).startswith("1 sent, 0 to retry later, 0 dead")
    _assert_one_score(lms)
