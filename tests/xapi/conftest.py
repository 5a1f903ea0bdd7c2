"""xAPI fixtures: a real Ralph LRS per test, a fault proxy, a learner's journey."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.quiz.test_quiz import RIGHT, WRONG, send, start
from tests.xapi.lrs import PASSWORD, USERNAME, FaultProxy, Faults, Ralph


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(tmp_path / "ralph").start()
    yield server
    server.stop()


@pytest.fixture
def faults():
    return Faults()


@pytest.fixture
def proxy(ralph, faults):
    with FaultProxy(ralph.url, faults) as running:
        yield running


@pytest.fixture
def lrs_app(make_app, proxy):
    """The app configured to deliver through the fault proxy to Ralph."""
    return make_app(
        COURSEWARE_LRS_ENDPOINT=proxy.url,
        COURSEWARE_LRS_USERNAME=USERNAME,
        COURSEWARE_LRS_PASSWORD=PASSWORD,
        COURSEWARE_XAPI_BATCH_SIZE=5,
        COURSEWARE_XAPI_READ_TIMEOUT=1,
        COURSEWARE_XAPI_CONNECT_TIMEOUT=1,
    )


def journey(app, make_user, publish, username="amina-k", passing=True):
    """A learner opens and completes both lessons and takes the quiz: 17 statements."""
    publish()
    make_user(username)
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={
            "username": username,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    for lesson in ("intro", "video"):
        token = csrf_token(client, f"/modules/sample/{lesson}")
        client.post(f"/modules/sample/{lesson}/complete", data={"csrf_token": token})
    send(client, start(client), RIGHT if passing else WRONG, "submit")
    return client
