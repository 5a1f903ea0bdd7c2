"""Score delivery for operators: the CLI (deliver, status, retry-dead) and the admin
page /admin/lti/scores (administrators only), like xAPI delivery's."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from courseware.lti.models import ScoreState
from tests.conftest import PASSWORD, REPO
from tests.lti.advantage import queue_fixture, score_rows  # noqa: F401 (queue_fixture)
from tests.race import CSRF_RE, RaceClient, assert_no_server_errors


@pytest.fixture
def app(make_app):
    """Fast retries and a read timeout under the LMS's "timeout" fault."""
    return make_app(
        COURSEWARE_LTI_BACKOFF_SECONDS=0.01,
        COURSEWARE_LTI_BACKOFF_CAP_SECONDS=0.02,
        COURSEWARE_LTI_READ_TIMEOUT=2,
    )


def _cli(runner, *args):
    result = runner.invoke(args=["courseware", "lti", "scores", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_deliver_once_status_and_retry_dead(app, lms, queue):
    item = queue(3)
    runner = app.test_cli_runner()
    status = _cli(runner, "status")
    assert "Test LMS (#" in status and "pending 3" in status
    lms.faults.score = [400]
    output = _cli(runner, "deliver", "--once", "--batch-size", "2")
    assert "2 sent, 0 to retry later, 1 dead, 0 superseded" in output
    assert "pending 0" in _cli(runner, "status") and "dead 1" in _cli(runner, "status")
    assert "last error: 400: " in _cli(runner, "status")
    assert _cli(runner, "retry-dead") == "1 score(s) queued again\n"
    assert "1 sent" in _cli(runner, "deliver", "--once")
    assert len(lms.scores(item.id)) == 3
    assert {row.state for row in score_rows(app)} == {ScoreState.SENT}


def test_deliver_keeps_scores_queued_while_the_lms_fails(app, lms, queue):
    queue(1)
    lms.faults.score = [503]
    output = _cli(app.test_cli_runner(), "deliver", "--once")
    assert "0 sent, 1 to retry later" in output
    assert "503" in output
    (row,) = score_rows(app)
    assert row.state == ScoreState.PENDING and row.tries == 1


def test_admin_page_shows_delivery_per_platform(app, lms, queue, live, make_user):
    queue(2)
    lms.faults.score = [422]
    _cli(app.test_cli_runner(), "deliver", "--once")
    make_user("root", role="admin")
    admin = RaceClient(live.url)
    admin.login("root", PASSWORD)
    page = admin.get("/admin/lti/scores")
    assert page.status_code == 200
    assert "LTI score delivery" in page.text and "Test LMS" in page.text
    cells = re.findall(r"<td>([^<]*)</td>", page.text)
    assert cells[:5] == ["0", "0", "1", "0", "1"]  # waiting, leased, sent, ..., dead
    assert "422: " in page.text  # the platform's answer is kept
    # the retry button: twice at once requeues once
    token = CSRF_RE.search(page.text).group(1)
    answers = admin.race(2, "POST", "/admin/lti/scores", data={"csrf_token": token})
    assert_no_server_errors(answers)
    pending = [r for r in score_rows(app) if r.state == ScoreState.PENDING]
    assert len(pending) == 1 and pending[0].tries == 0


def test_admin_page_is_for_administrators_only(app, live, make_user):
    make_user("teach", role="teacher")
    teacher = RaceClient(live.url)
    teacher.login("teach", PASSWORD)
    assert teacher.get("/admin/lti/scores").status_code == 403
    anonymous = RaceClient(live.url)
    answer = anonymous.get("/admin/lti/scores", allow_redirects=False)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_worker_sends_until_sigterm(app, lms, queue, database_url):  # noqa: F811
    """``lti scores deliver`` (no --once) keeps sending and stops on SIGTERM."""
    item = queue(2)
    env = {
        **os.environ,
        "COURSEWARE_DATABASE_URL": database_url,
        "COURSEWARE_SECRET_KEY": "test-secret-key-not-for-production",
        "COURSEWARE_ENV": "development",
        "COURSEWARE_LTI_POLL_SECONDS": "0.1",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "courseware",
            "lti",
            "scores",
            "deliver",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(300):  # until both scores arrived (at most 30 s)
            if len(lms.scores(item.id)) == 2 or worker.poll() is not None:
                break
            time.sleep(0.1)
        assert len(lms.scores(item.id)) == 2
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "LTI score worker" in output and "2 sent" in output
    assert {row.state for row in score_rows(app)} == {ScoreState.SENT}
