"""Operators see delivery at a glance; learners see their completions recorded."""

from __future__ import annotations

import json
import uuid

from courseware.db import get_session
from courseware.xapi.models import OutboxStatement
from tests.conftest import PASSWORD, csrf_token
from tests.xapi.conftest import journey
from tests.xapi.test_delivery import run_pass, states


def test_admin_page_status_and_requeue(lrs_app, make_user, publish):
    learner = journey(lrs_app, make_user, publish)
    poison = str(uuid.uuid4())
    with lrs_app.app_context():
        get_session().add(
            OutboxStatement(
                id=poison,
                verb="broken",
                payload=json.dumps({"id": poison, "verb": {"id": "not an iri"}}),
            )
        )
        get_session().commit()
    run_pass(lrs_app)
    assert states(lrs_app) == {"sent": 17, "dead": 1}
    assert "Recorded" in learner.get("/progress").get_data(as_text=True)
    status = lrs_app.test_cli_runner().invoke(args=["courseware", "xapi", "status"])
    assert "sent     17" in status.output and "dead     1" in status.output
    assert "last LRS error: 422" in status.output
    make_user("root", role="admin")
    admin = lrs_app.test_client()
    token = csrf_token(admin, "/login")
    admin.post(
        "/login", data={"username": "root", "password": PASSWORD, "csrf_token": token}
    )
    page = admin.get("/admin/xapi").get_data(as_text=True)
    assert poison in page and "422" in page
    assert learner.get("/admin/xapi").status_code == 403
    admin.post("/admin/xapi", data={"csrf_token": csrf_token(admin, "/admin/xapi")})
    assert states(lrs_app) == {"sent": 17, "pending": 1}


def test_progress_says_waiting_until_the_lrs_has_it(app, make_user, publish):
    learner = journey(app, make_user, publish)
    page = learner.get("/progress").get_data(as_text=True)
    assert "Waiting to be sent" in page and "Recorded" not in page
