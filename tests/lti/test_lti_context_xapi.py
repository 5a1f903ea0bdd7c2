"""Statements recorded during an LTI session carry the LMS context in
``context.extensions``; the actor stays the pseudonymous account, and no name,
email or LMS user id reaches the outbox."""

from __future__ import annotations

import json
from urllib.parse import urljoin

from sqlalchemy import select

from courseware.auth.models import ExternalIdentity, User
from courseware.db import get_session
from courseware.xapi.models import OutboxStatement
from tests.lti.conftest import browser_session

EXTENSION = "https://w3id.org/xapi/cop-courseware/extensions/lti-context"
PROFILE = "courseware/xapi/profile.jsonld"


def _launch_and_read_a_lesson(lms, live):
    http = browser_session()
    answer = lms.launch(http, "learner-1", "rl-module")
    while answer.is_redirect:
        answer = http.get(
            urljoin(answer.url, answer.headers["Location"]),
            allow_redirects=False,
            timeout=30,
        )
    lesson = http.get(live.url + "/modules/sample/intro", timeout=30)
    assert lesson.status_code == 200
    return http


def test_statements_of_an_lti_session_carry_the_lms_context(app, lms, live, outbox):
    _launch_and_read_a_lesson(lms, live)
    statements = outbox()
    assert statements, "reading a lesson records a statement"
    with app.app_context():
        session = get_session()
        user = session.scalars(
            select(User).join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        ).one()
        pseudonym = user.pseudonym
    for statement in statements:
        context = statement["context"]
        assert context["extensions"][EXTENSION] == {
            "platform": lms.issuer,
            "context_id": "course-1",
            "resource_link_id": "rl-module",
        }
        assert context["registration"]
        assert statement["actor"]["account"]["name"] == pseudonym
        assert set(statement["actor"]) <= {"objectType", "account"}


def test_no_name_email_or_lms_id_in_the_outbox(app, lms, live, outbox):
    _launch_and_read_a_lesson(lms, live)
    with app.app_context():
        payloads = list(get_session().scalars(select(OutboxStatement.payload)))
    assert payloads
    for payload in payloads:
        for personal in ("Ada", "Lovelace", "ada@example.org", "learner-1"):
            assert personal not in payload


def test_statements_outside_an_lti_session_have_no_lms_context(
    app, live, outbox, make_user
):
    from tests.race import RaceClient

    user = make_user()
    client = RaceClient(live.url)
    client.login(user.username, "correct horse battery")
    assert client.get("/modules/sample/intro").status_code == 200
    statements = outbox()
    assert statements
    for statement in statements:
        assert EXTENSION not in statement.get("context", {}).get("extensions", {})


def test_the_profile_declares_the_extension():
    with open(PROFILE, encoding="utf-8") as handle:
        profile = json.load(handle)
    concept = next(c for c in profile["concepts"] if c["id"] == EXTENSION)
    assert concept["type"] == "ContextExtension"
    schema = json.loads(concept["inlineSchema"])
    assert set(schema["properties"]) == {"platform", "context_id", "resource_link_id"}
