"""Helpers of the Advantage-service tests (grades, deep linking, rosters): a learner
who launches from the test LMS and learns over real HTTP, and the score worker run
until the outbox is settled."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from courseware.db import get_session
from courseware.lti.models import LtiScore, ScoreState
from courseware.lti.services import ags
from courseware.lti.services.outbox import ScoreConfig
from courseware.lti.services.worker import deliver_pass
from tests.lti.conftest import LEARNER, browser_session
from tests.quiz.test_quiz import RIGHT, WRONG
from tests.race import CSRF_RE, META_CSRF_RE

#: Fast retries, and a read timeout shorter than the test LMS's "timeout" fault.
FAST = ScoreConfig(
    batch_size=20,
    connect_timeout=2.0,
    read_timeout=2.0,
    lease_seconds=30,
    backoff_base=0.05,
    backoff_cap=0.2,
    max_tries=8,
)
__all__ = [
    "FAST",
    "RIGHT",
    "WRONG",
    "Learner",
    "deliver_all",
    "queue_fixture",
    "score_rows",
]


class Learner:
    """Someone in the LMS who opens our links there, in one browser."""

    def __init__(self, lms, live, sub: str) -> None:
        self.lms, self.live, self.sub = lms, live, sub
        self.http = browser_session()

    def launch(self, rl_id: str | None, **kwargs):
        """Launch ``rl_id`` from the LMS and follow our redirects; the page."""
        answer = self.lms.launch(self.http, self.sub, rl_id, **kwargs)
        while answer.is_redirect:
            location = answer.headers["Location"]
            if location.startswith("/"):
                location = self.live.url + location
            answer = self.http.get(location, allow_redirects=False, timeout=30)
        assert answer.status_code == 200, answer.text[:2000]
        return answer

    def csrf(self, path: str = "/") -> str:
        page = self.http.get(self.live.url + path, timeout=30).text
        match = CSRF_RE.search(page) or META_CSRF_RE.search(page)
        assert match, page[:1000]
        return match.group(1)

    def post(self, path: str, **data):
        return self.http.post(
            self.live.url + path,
            data={"csrf_token": self.csrf(), **data},
            allow_redirects=False,
            timeout=30,
        )

    def complete_lessons(self, module: str = "sample", lessons=("intro", "video")):
        for lesson in lessons:
            answer = self.post(f"/modules/{module}/{lesson}/complete")
            assert answer.status_code in (200, 302, 303), answer.text[:500]

    def start_quiz(self, quiz: str = "sample") -> str:
        answer = self.post(f"/quizzes/{quiz}/start")
        assert answer.status_code == 302, answer.text[:1000]
        location = answer.headers["Location"]
        return location.removeprefix(self.live.url)

    def submit(self, attempt: str, answers: dict) -> None:
        answer = self.post(attempt + "/save", action="submit", **answers)
        assert answer.status_code == 302, answer.text[:1000]

    def take_quiz(self, answers: dict = RIGHT, quiz: str = "sample") -> str:
        attempt = self.start_quiz(quiz)
        self.submit(attempt, answers)
        return attempt


def score_rows(app, **where) -> list[LtiScore]:
    """The score outbox, oldest first."""
    with app.app_context():
        query = select(LtiScore).order_by(LtiScore.timestamp, LtiScore.id)
        for name, value in where.items():
            query = query.where(getattr(LtiScore, name) == value)
        return list(get_session().scalars(query))


def _pending(app) -> int:
    with app.app_context():
        return get_session().scalar(
            select(func.count())
            .select_from(LtiScore)
            .where(LtiScore.state == ScoreState.PENDING)
        )


def deliver_all(
    app,
    config: ScoreConfig = FAST,
    owner: str = "worker-1",
    passes: int = 60,
    connector=None,
):
    """Run delivery passes until no score is pending; the passes' reports."""
    reports = []
    for _ in range(passes):
        if not _pending(app):
            return reports
        with app.app_context():
            session = get_session()
            reports.append(deliver_pass(session, config, owner, connector))
            session.close()
        if _pending(app):
            time.sleep(config.backoff_cap)  # what backs off is due again by then
    assert not _pending(app), f"scores still pending after {passes} passes: {reports}"
    return reports


def post_counts(lms) -> Counter:
    """How the LMS answered the score POSTs it received, by status."""
    return Counter(post["status"] for post in lms.score_posts)


def two_module_course(root) -> object:
    """The fixture course with a second module ("second", with its own quiz)."""
    import shutil

    from tests.conftest import FIXTURE_COURSE

    course = root / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    modules = course / "modules"
    shutil.copytree(modules / "sample", modules / "second", ignore=_no_media)
    shutil.copytree(modules / "sample" / "media", modules / "second" / "media")
    meta = modules / "second" / "module.yaml"
    meta.write_text(
        meta.read_text("utf-8")
        .replace("id: sample", "id: second")
        .replace("quiz: sample", "quiz: second")
        .replace("Sample module", "Second module")
        .replace("Пример модуля", "Второй модуль"),
        "utf-8",
    )
    for video in (modules / "second").glob("02-video.*.md"):
        text = video.read_text("utf-8").replace("id: sample-video", "id: second-video")
        video.write_text(text, "utf-8")
    index = modules / "course.yaml"
    index.write_text(
        index.read_text("utf-8").replace(
            "modules: [sample]\ntracks", "modules: [sample, second]\ntracks"
        ),
        "utf-8",
    )
    quiz = course / "quizzes" / "second.yaml"
    quiz.write_text(
        (course / "quizzes" / "sample.yaml")
        .read_text("utf-8")
        .replace("id: sample\nmodule: sample", "id: second\nmodule: second"),
        "utf-8",
    )
    return course


def _no_media(directory, names):
    return ["media"] if "media" in names else []


SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


@pytest.fixture(name="queue")
def queue_fixture(app, lms, live, make_user):
    """``queue(n)``: n learners with a launch's grade target on one line item and
    one score each queued; the line item."""
    lms.add_resource_link(
        "rl-graded",
        "course-1",
        f"{live.url}/lti/launch",
        title="Graded quiz",
        line_item={"scoreMaximum": 10, "label": "Graded quiz", "tag": "quiz:sample"},
    )
    item = lms.line_item("rl-graded")

    def make(n: int = 1, given: float = 5.0):
        for i in range(n):
            sub = f"student-{i}"
            lms.add_user(sub, [LEARNER])
            user = make_user(f"student{i}")
            with app.app_context():
                session = get_session()
                target = ags.record_launch(
                    session,
                    user,
                    lms.tool_platform_id,
                    "quiz:sample",
                    _claims(sub, item),
                )
                ags.queue_score(
                    session,
                    target,
                    "quiz-graded:1",
                    given,
                    10.0,
                    "Completed",
                    "FullyGraded",
                )
                session.commit()
        return item

    return make


def _claims(sub: str, item) -> dict:
    return {
        "sub": sub,
        ags.RESOURCE_LINK_CLAIM: {"id": "rl-graded", "title": "Graded quiz"},
        ags.CONTEXT_CLAIM: {"id": "course-1"},
        ags.AGS_CLAIM: {
            "scope": SCOPES,
            "lineitems": item.id.rsplit("/", 1)[0],
            "lineitem": item.id,
        },
    }
