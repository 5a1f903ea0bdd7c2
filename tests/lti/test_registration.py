"""Registering platforms: the admin page, the CLI, and LTI Dynamic Registration
against the test LMS over real HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courseware.db import get_session
from courseware.lti.models import LtiDeployment, LtiPlatform
from tests.conftest import csrf_token
from tests.lti.conftest import LEARNER, browser_session, error_of

FIELDS = {
    "name": "School Moodle",
    "issuer": "https://moodle.school.example",
    "client_id": "abc123",
    "deployment_ids": "1\n2",
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "token_url": "https://moodle.school.example/mod/lti/token.php",
    "jwks_url": "https://moodle.school.example/mod/lti/certs.php",
}


def _platforms(app) -> list[tuple[str, str, list[str]]]:
    with app.app_context():
        session = get_session()
        return [
            (p.issuer, p.client_id, [d.deployment_id for d in p.deployments])
            for p in session.scalars(select(LtiPlatform).order_by(LtiPlatform.id))
        ]


@pytest.fixture
def admin(make_user, login):
    user = make_user(role="admin")
    login(user)
    return user


def _post_new(client, **changes):
    data = {**FIELDS, **changes}
    data["csrf_token"] = csrf_token(client, "/admin/lti/platforms/new")
    page = client.get("/admin/lti/platforms/new").get_data(as_text=True)
    data["once_key"] = re.search(r'name="once_key" type="hidden" value="(\w+)"', page)[
        1
    ]
    return client.post("/admin/lti/platforms/new", data=data)


def test_admin_page_shows_our_urls(client, admin):
    page = client.get("/admin/lti").get_data(as_text=True)
    for path in ("/lti/login", "/lti/launch", "/lti/jwks"):
        assert f"http://localhost{path}" in page
    assert "Make a registration URL" in page
    assert "/admin/lti/scores" in page


def test_admin_registers_edits_and_removes_a_platform(app, client, admin):
    answer = _post_new(client)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _platforms(app) == [(FIELDS["issuer"], "abc123", ["1", "2"])]
    page = client.get("/admin/lti").get_data(as_text=True)
    assert "School Moodle" in page and "abc123" in page
    with app.app_context():
        platform_id = get_session().scalars(select(LtiPlatform.id)).one()
    path = f"/admin/lti/platforms/{platform_id}"
    data = {**FIELDS, "deployment_ids": "2\n3", "csrf_token": csrf_token(client, path)}
    assert client.post(path, data=data).status_code == 302
    assert _platforms(app) == [(FIELDS["issuer"], "abc123", ["2", "3"])]
    remove = {"csrf_token": csrf_token(client, "/admin/lti")}
    assert client.post(f"{path}/remove", data=remove).status_code == 302
    assert _platforms(app) == []
    with app.app_context():
        count = get_session().scalar(select(func.count()).select_from(LtiDeployment))
    assert count == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issuer": "ftp://x"}, "issuer", "Give an absolute http(s):// address"),
        ({"jwks_url": "not a url"}, "jwks_url", "Give an absolute http(s):// address"),
        ({"deployment_ids": " \n "}, "deployment_ids", "This field is required."),
        ({"client_id": ""}, "client_id", "This field is required."),
    ],
)
def test_admin_form_names_the_wrong_field(app, client, admin, changes, field, message):
    answer = _post_new(client, **changes)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">.*?</span>\s*([^<]+)<', page, re.S)
    assert error and message in error[1], page[:3000]
    assert _platforms(app) == []


def test_admin_refuses_a_second_registration_of_one_client(app, client, admin):
    assert _post_new(client).status_code == 302
    answer = _post_new(client)
    assert answer.status_code == 400
    assert "This issuer and client id are registered already." in answer.get_data(
        as_text=True
    )
    assert len(_platforms(app)) == 1


def test_cli_register_list_remove(app, runner):
    args = ["courseware", "lti", "register", "--issuer", FIELDS["issuer"]]
    args += ["--client-id", "abc123", "--deployment-id", "1", "--deployment-id", "2"]
    args += ["--auth-login-url", FIELDS["auth_login_url"]]
    args += ["--token-url", FIELDS["token_url"], "--jwks-url", FIELDS["jwks_url"]]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "registered platform" in result.output and "/lti/jwks" in result.output
    listed = runner.invoke(args=["courseware", "lti", "list"])
    assert f"{FIELDS['issuer']}\tabc123\t1,2" in listed.output
    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "--client-id: This issuer and client id are registered already." in (
        again.output
    )
    gone = runner.invoke(
        args=["courseware", "lti", "remove", "--issuer", FIELDS["issuer"]]
        + ["--client-id", "abc123"]
    )
    assert gone.exit_code == 0, gone.output
    assert _platforms(app) == []


def test_cli_names_the_wrong_field(app, runner):
    args = ["courseware", "lti", "register", "--issuer", FIELDS["issuer"]]
    args += ["--client-id", "abc123", "--deployment-id", "1"]
    args += ["--auth-login-url", "mailto:x", "--token-url", FIELDS["token_url"]]
    args += ["--jwks-url", FIELDS["jwks_url"]]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "--auth-login-url: Give an absolute http(s):// address" in result.output
    assert _platforms(app) == []


def test_cli_remove_unknown_platform(runner):
    result = runner.invoke(
        args=[
            "courseware",
            "lti",
            "remove",
            "--issuer",
            "https://x",
            "--client-id",
            "y",
        ]
    )
    assert result.exit_code != 0
    assert "no platform https://x with client id y" in result.output


# -- dynamic registration --------------------------------------------------------


def _invitation(live, admin_http) -> str:
    page = admin_http.get(live.url + "/admin/lti", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    once = re.search(r'name="once_key" type="hidden" value="(\w+)"', page)[1]
    answer = admin_http.post(
        live.url + "/admin/lti",
        data={"csrf_token": token, "once_key": once},
        timeout=30,
    )
    match = re.search(r"(http://[^\s<]+/lti/register/\w+)", answer.text)
    assert match, answer.text[:3000]
    return match[1]


@pytest.fixture
def admin_http(live, make_user):
    from tests.race import RaceClient

    user = make_user(role="admin")
    client = RaceClient(live.url)
    client.login(user.username, "correct horse battery")
    return client.http


def test_dynamic_registration_then_launch(app, live, lti_platform, admin_http):
    url = _invitation(live, admin_http)
    answer = lti_platform.dynamic_register(browser_session(), url)
    assert answer.status_code == 200, answer.text[:2000]
    assert "COP Courseware is registered" in answer.text
    assert "js/lti-close.js" in answer.text and "<script>" not in answer.text
    [(issuer, client_id, deployments)] = _platforms(app)
    assert issuer == lti_platform.issuer
    [tool] = lti_platform.registered_tools
    assert tool["client_id"] == client_id
    assert deployments == [tool["deployment_id"]]
    sent = tool["registration"]
    assert sent["initiate_login_uri"] == f"{live.url}/lti/login"
    assert sent["jwks_uri"] == f"{live.url}/lti/jwks"
    assert sent["redirect_uris"] == [f"{live.url}/lti/launch"]
    claims = sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]["claims"]
    assert "email" not in claims and "name" not in claims
    # the registration URL works once
    again = lti_platform.dynamic_register(browser_session(), url)
    assert again.status_code == 410
    assert "used already or has expired" in error_of(again.text)
    # and the platform registered that way launches
    lti_platform.add_course("c1", "Course")
    lti_platform.add_resource_link(
        "rl",
        "c1",
        f"{live.url}/lti/launch",
        custom={"courseware_target": "module:sample"},
    )
    lti_platform.add_user("u1", [LEARNER])
    launch = lti_platform.launch(browser_session(), "u1", "rl")
    assert launch.status_code == 303, launch.text[:2000]


def test_dynamic_registration_refuses_a_foreign_issuer(
    app, live, lti_platform, admin_http
):
    url = _invitation(live, admin_http)
    answer = browser_session().get(
        url,
        params={
            "openid_configuration": lti_platform.openid_configuration_url.replace(
                "127.0.0.1", "localhost"
            ),
            "registration_token": lti_platform.registration_token(),
        },
        timeout=30,
    )
    assert answer.status_code == 400
    assert "does not have the origin of the address it was read from" in error_of(
        answer.text
    )
    assert _platforms(app) == []
    # a refused registration gives the URL back: the corrected one may use it
    assert lti_platform.dynamic_register(browser_session(), url).status_code == 200


def test_dynamic_registration_without_a_valid_token(app, live, lti_platform):
    answer = lti_platform.dynamic_register(
        browser_session(), f"{live.url}/lti/register/x"
    )
    assert answer.status_code == 410
    assert _platforms(app) == []
