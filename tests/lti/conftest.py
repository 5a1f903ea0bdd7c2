"""LTI tests: our app served over real HTTP, the test LMS (tests/lti/platform), both
registered with each other, and browser-like HTTP clients."""

from __future__ import annotations

import http.cookiejar
import re
import threading
from collections.abc import Callable, Iterator

import pytest
import requests
from sqlalchemy import func, select

from courseware.auth.models import ExternalIdentity, User
from courseware.db import get_session
from courseware.lti.models import LtiLaunch, LtiPlatform
from courseware.lti.services.registration import PlatformDetails, register_platform
from courseware.teach.models import Membership
from courseware.xapi.models import OutboxStatement
from tests.lti.platform.fixtures import *  # noqa: F403
from tests.lti.platform.lms import _FormReader
from tests.race import LiveServer

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CONTENT_DEVELOPER = "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)
SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
ERROR_RE = re.compile(r'id="lti-error"[^>]*>([^<]+)<')
CODE_RE = re.compile(r'id="lti-error" data-code="([^"]+)"')


class BrowserCookies(http.cookiejar.DefaultCookiePolicy):
    """A browser's cookie rules on loopback: Secure cookies are kept and sent over
    http://127.0.0.1 (browsers treat loopback as a secure context; the standard
    library's policy does not)."""

    def __init__(self, accept: Callable[[str], bool] | None = None) -> None:
        super().__init__(secure_protocols=("https", "wss", "http"))
        self._accept = accept

    def set_ok(self, cookie, request) -> bool:
        if self._accept is not None and not self._accept(cookie.name):
            return False
        return super().set_ok(cookie, request)


class BrowserSession(requests.Session):
    """A requests session whose cookies follow ``BrowserCookies`` both ways.

    requests merges the session's cookies into a new jar with the default policy
    for each request; the Cookie header is made again from the session's own jar.
    """

    def prepare_request(self, request):
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


def browser_session(accept: Callable[[str], bool] | None = None) -> requests.Session:
    """A requests session that keeps cookies as a browser does (``accept``: which
    cookie names it keeps; None: all)."""
    http = BrowserSession()
    http.cookies.set_policy(BrowserCookies(accept))
    return http


def no_cookies_session() -> requests.Session:
    """A client that keeps no cookie at all (a frame whose cookies are blocked)."""
    return browser_session(lambda name: False)


def error_of(page: str) -> str:
    """The refusal message of one of our error pages."""
    match = ERROR_RE.search(page)
    assert match, page[:1500]
    return match.group(1).strip().replace("&#39;", "'").replace("&#34;", '"')


def code_of(page: str) -> str:
    match = CODE_RE.search(page)
    assert match, page[:1500]
    return match.group(1)


def authenticate(lms, http, sub="learner-1", rl_id="rl-module"):
    """Login initiation and the LMS's authentication answer, not yet posted:
    (redirect_uri, id_token, state), as the LMS's auto-posting form carries them."""
    login_url, fields = lms.login_form(sub, rl_id)
    answer = http.post(login_url, data=fields, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:800]
    auth = http.get(answer.headers["Location"], allow_redirects=False, timeout=30)
    assert auth.status_code == 200, auth.text[:800]
    form = _FormReader()
    form.feed(auth.text)
    return form.action, form.fields["id_token"], form.fields["state"]


def post_at_once(lms, prepared) -> list[requests.Response]:
    """POST each (http, redirect_uri, id_token, state) to the tool at one moment."""
    barrier = threading.Barrier(len(prepared))
    answers: list[requests.Response] = []

    def post(http, redirect_uri, id_token, state):
        barrier.wait(timeout=30)
        answers.append(lms.post_launch(http, redirect_uri, id_token, state))

    threads = [threading.Thread(target=post, args=p) for p in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.fixture
def live(app, publish) -> Iterator[LiveServer]:
    """Our app, with the fixture course published, over real HTTP."""
    publish()
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def lms(app, live, lti_platform):
    """The test LMS with our tool registered in it, and it registered with us."""
    lti_platform.register_tool(
        login_url=f"{live.url}/lti/login",
        launch_url=f"{live.url}/lti/launch",
        jwks_url=f"{live.url}/lti/jwks",
        redirect_uris=[f"{live.url}/lti/launch"],
        deep_link_url=f"{live.url}/lti/launch",
    )
    with app.app_context():
        session = get_session()
        platform = register_platform(
            session,
            PlatformDetails(
                issuer=lti_platform.issuer,
                client_id=lti_platform.client_id,
                auth_login_url=lti_platform.auth_login_url,
                token_url=lti_platform.token_url,
                jwks_url=lti_platform.jwks_url,
                deployment_ids=(lti_platform.deployment_id,),
                name="Test LMS",
            ),
            allow_http=True,
        )
        session.commit()
        lti_platform.tool_platform_id = platform.id
    lti_platform.add_course("course-1", "Year 9 online safety")
    lti_platform.add_resource_link(
        "rl-module",
        "course-1",
        f"{live.url}/lti/launch",
        title="Sample module",
        custom={"courseware_target": "module:sample"},
    )
    lti_platform.add_user(
        "learner-1",
        [LEARNER],
        name="Ada Lovelace",
        email="ada@example.org",
        given_name="Ada",
    )
    lti_platform.add_user(
        "teacher-1",
        [INSTRUCTOR],
        name="Grace Hopper",
        email="grace@example.org",
        given_name="Grace",
    )
    return lti_platform


@pytest.fixture
def counts(app) -> Callable[[], dict[str, int]]:
    """Rows that a launch may create: users, identities, launches, memberships,
    statements."""

    def read() -> dict[str, int]:
        with app.app_context():
            session = get_session()
            return {
                name: session.scalar(select(func.count()).select_from(model))
                for name, model in (
                    ("users", User),
                    ("identities", ExternalIdentity),
                    ("launches", LtiLaunch),
                    ("memberships", Membership),
                    ("outbox", OutboxStatement),
                    ("platforms", LtiPlatform),
                )
            }

    return read
