"""Chromium: the test LMS's course page embeds the tool in an iframe and the launch
runs inside it. Same site, the course opens in the frame; cross-site (LMS on
127.0.0.1, tool on localhost) in a browser that keeps no cookie in the frame, the
learner opens the course in a new window with its one-time link (the cross-site
frame with chromium's partitioned cookies: tests/browser/test_lti.py)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AxePage
from tests.browser.lti_helpers import frames_keep_no_cookie
from tests.lti.conftest import LEARNER

pytestmark = pytest.mark.browser


def _register(lms, base: str) -> None:
    lms.register_tool(
        login_url=f"{base}/lti/login",
        launch_url=f"{base}/lti/launch",
        jwks_url=f"{base}/lti/jwks",
        redirect_uris=[f"{base}/lti/launch"],
    )
    lms.add_resource_link(
        "rl-b",
        "course-1",
        f"{base}/lti/launch",
        title="Sample module",
        custom={"courseware_target": "module:sample"},
    )


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB")
    yield context
    context.close()


def test_launch_inside_the_lms_frame_same_site(lms, live, context):
    _register(lms, live.url)
    page = context.new_page()
    page.goto(f"{lms.issuer}/lms/course/course-1/link/rl-b?user=learner-1")
    frame = page.frame_locator("#tool-frame")
    frame.locator("h1").filter(has_text="Sample module").wait_for(timeout=20000)
    tool = next(f for f in page.frames if f.url.startswith(live.url))
    assert tool.url == f"{live.url}/modules/sample"
    # our own page in the frame works as any page: progress needs the session
    tool.goto(f"{live.url}/progress")
    assert "/login" not in tool.url


def test_cross_site_frame_offers_a_new_window(app, lms, live, context):
    port = live.url.rsplit(":", 1)[1]
    tool_base = f"http://localhost:{port}"
    _register(lms, tool_base)
    lms.add_user("learner-b", [LEARNER])
    frames_keep_no_cookie(context, tool_base)
    page = context.new_page()
    page.goto(f"{lms.issuer}/lms/course/course-1/link/rl-b?user=learner-b")
    frame = page.frame_locator("#tool-frame")
    link = frame.get_by_role("link", name="Open the course in a new window")
    link.wait_for(timeout=20000)
    with context.expect_page() as opened:
        link.click()
    window = AxePage(opened.value)
    window.page.wait_for_url(f"{tool_base}/modules/sample", timeout=20000)
    assert "Sample module" in window.page.inner_text("h1")
    window.check()
    # signed in first-party: a page that needs the learner opens
    window.page.goto(f"{tool_base}/progress")
    assert window.page.url == f"{tool_base}/progress"
    # the frame now says where the course is
    assert frame.get_by_text("The course is open in another window.").is_visible()


def test_new_window_page_passes_axe(lms, live, context):
    from tests.lti.conftest import browser_session

    _register(lms, live.url)
    framed = browser_session(lambda name: name.startswith("lti1p3-"))
    answer = lms.launch(framed, "learner-1", "rl-b")
    page = AxePage(context.new_page())
    page.page.goto(live.url + answer.headers["Location"])
    assert "Open the course in a new window" in page.page.inner_text("h1")
    page.check()
