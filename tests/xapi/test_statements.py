"""Every statement we emit is valid xAPI 1.0.3, pseudonymous, and in our vocabulary."""

from __future__ import annotations

import re
import uuid

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from tests.xapi.conftest import journey

MS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def statements(app, make_user, publish, outbox):
    journey(app, make_user, publish)
    return outbox()


def test_a_learner_journey_emits_the_expected_statements(statements):
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert verbs == [
        "experienced",
        "completed",
        "progressed",
        "experienced",
        "completed",
        "progressed",
        "attempted",
        *["answered"] * 6,
        "passed",
        "completed",
        "completed",
        "earned",
    ]


def test_every_statement_is_valid_xapi(statements):
    for statement in statements:
        BaseXapiStatement(**statement)  # raises on any invalid field
        assert "version" not in statement
        assert MS_UTC.match(statement["timestamp"])
        assert uuid.UUID(statement["id"]).version == 4
        assert uuid.UUID(statement["context"]["registration"])


def test_actor_is_an_opaque_account(statements, make_user):
    actors = {str(s["actor"]) for s in statements}
    assert len(actors) == 1
    actor = statements[0]["actor"]
    assert set(actor) == {"objectType", "account"}
    assert actor["account"]["homePage"] == "http://127.0.0.1:5000"
    assert re.fullmatch(r"[0-9a-f]{32}", actor["account"]["name"])
    assert "amina" not in str(statements)


def test_context_carries_language_version_and_parents(statements):
    for statement in statements:
        context = statement["context"]
        assert context["language"] == "en"
        assert (
            context["extensions"][
                "https://w3id.org/xapi/cop-courseware/extensions/content-version"
            ]
            == 1
        )
        (course,) = context["contextActivities"]["grouping"]
        assert (
            course["id"] == "http://127.0.0.1:5000/xapi/activities/course/test-course"
        )
        assert (
            course["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
        )
    answered = [s for s in statements if s["verb"]["id"].endswith("answered")]
    assert {s["context"]["contextActivities"]["parent"][0]["id"] for s in answered} == {
        "http://127.0.0.1:5000/xapi/activities/quiz/sample"
    }


def test_questions_are_cmi_interactions(statements):
    answered = {
        s["object"]["id"].rsplit("/", 1)[-1]: s
        for s in statements
        if s["verb"]["id"].endswith("answered")
    }
    matching = answered["match-cs"]["object"]["definition"]
    assert matching["interactionType"] == "matching"
    assert matching["correctResponsesPattern"] == [
        "contact[.]contact-target[,]content[.]content-target"
    ]
    assert answered["match-cs"]["result"]["response"] == (
        "contact[.]contact-target[,]content[.]content-target"
    )
    assert answered["steps"]["object"]["definition"]["interactionType"] == "sequencing"
    assert answered["steps"]["result"]["response"] == "stop[,]save[,]tell"
    assert answered["risks"]["result"]["response"] == "contact[,]content"
    assert answered["helpline-free"]["result"]["response"] == "true"
    assert answered["network"]["object"]["definition"]["correctResponsesPattern"] == [
        "{case_matters=false}INHOPE"
    ]


def test_free_text_is_sent_only_when_an_administrator_opts_in(
    make_app, make_user, publish, outbox
):
    app = make_app(COURSEWARE_XAPI_SEND_FREE_TEXT=True)
    journey(app, make_user, publish)
    fill = [s for s in outbox("answered") if s["object"]["id"].endswith("/network")]
    assert fill and all(
        s["result"]["response"] == "inhope" or s["result"]["response"].strip()
        for s in fill
    )


def test_activity_ids_are_the_same_in_every_language(
    app, make_user, publish, outbox, client
):
    journey(app, make_user, publish)
    first = {s["object"]["id"] for s in outbox()}
    from tests.conftest import csrf_token

    make_user("reader")
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={
            "username": "reader",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    token = csrf_token(client, "/")  # sign-in starts a new session: a new token
    client.post("/language", data={"language": "ru", "csrf_token": token})
    client.get("/modules/sample/intro")
    (experienced,) = [
        s for s in outbox("experienced") if s["context"]["language"] == "ru"
    ]
    assert experienced["object"]["id"] in first
    assert experienced["object"]["definition"]["name"] == {
        "en": "Introduction",
        "ru": "Введение",
    }


def test_statement_and_record_share_one_transaction(
    app, make_user, publish, outbox, monkeypatch
):
    """If writing the record fails, the statement is not queued either."""
    from courseware.learn import services

    publish()
    user = make_user("delegate")
    client = app.test_client()
    from tests.conftest import csrf_token

    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={
            "username": "delegate",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    client.get("/modules/sample/intro")
    before = len(outbox())

    def explode(*args, **kwargs):
        raise RuntimeError("database went away after the statement was queued")

    monkeypatch.setattr(services, "update_completions", explode)
    token = csrf_token(client, "/modules/sample/intro")
    with pytest.raises(RuntimeError, match="database went away"):
        client.post("/modules/sample/intro/complete", data={"csrf_token": token})
    assert len(outbox()) == before  # the queued "completed" was rolled back with it
    del user
