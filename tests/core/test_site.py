"""The same smoke tests for the standalone app and for the extension mounted under /cop
in a host application: pages, static files, redirects, sign-in and health."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask

from courseware import Courseware
from tests.conftest import PASSWORD, TEST_CONFIG, csrf_token


def host_app(database_url: str, instance: str) -> Flask:
    """A host application of its own that mounts the extension under /cop."""
    host = Flask("host_app", instance_path=instance)
    host.config.update(TEST_CONFIG)
    host.config.update(
        COURSEWARE_DATABASE_URL=database_url, COURSEWARE_URL_PREFIX="/cop"
    )

    @host.route("/")
    def host_home():
        return "host home"

    Courseware(host)
    return host


@pytest.fixture(params=["standalone", "mounted"])
def site(request, make_app, database_url, tmp_path):
    """(client, prefix) for the standalone app and for the app mounted under /cop."""
    if request.param == "standalone":
        app = make_app()
        yield app, app.test_client(), ""
        return
    app = host_app(database_url, str(tmp_path / "host-instance"))
    yield app, app.test_client(), "/cop"
    app.extensions["courseware"].engine.dispose()


def test_home_page_renders_in_the_layout(site):
    _app, client, prefix = site
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert f'href="{prefix}/login"' in page
    assert 'href="#content"' in page and 'id="content"' in page


def test_static_files_are_served_with_a_fingerprint(site):
    _app, client, prefix = site
    page = client.get(f"{prefix}/").get_data(as_text=True)
    assert f'href="{prefix}/static/css/site.css?v=' in page
    href = page.split(f'href="{prefix}/static/css/site.css?v=')[1].split('"')[0]
    with client.get(f"{prefix}/static/css/site.css?v={href}") as response:
        assert response.status_code == 200
        assert b".skip-link" in response.data
        assert response.cache_control.max_age == 31536000


def test_protected_page_redirects_to_login_under_the_prefix(site):
    _app, client, prefix = site
    response = client.get(f"{prefix}/account")
    assert response.status_code == 302
    expected_next = quote(f"{prefix}/account", safe="")
    assert response.headers["Location"] == f"{prefix}/login?next={expected_next}"


def test_sign_in_and_out_under_the_prefix(site):
    app, client, prefix = site
    with app.app_context():
        from courseware.auth.services import create_user
        from courseware.db import get_session

        create_user(get_session(), "delegate1", PASSWORD)
        get_session().commit()
    token = csrf_token(client, f"{prefix}/login")
    response = client.post(
        f"{prefix}/login",
        data={
            "username": "delegate1",
            "password": PASSWORD,
            "csrf_token": token,
            "next": f"{prefix}/account",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{prefix}/account"
    assert "delegate1" in client.get(f"{prefix}/account").get_data(as_text=True)
    token = csrf_token(client, f"{prefix}/account")
    response = client.post(f"{prefix}/logout", data={"csrf_token": token})
    assert response.headers["Location"] == f"{prefix}/"
    assert client.get(f"{prefix}/account").status_code == 302


def test_healthz_answers_ok(site):
    _app, client, prefix = site
    response = client.get(f"{prefix}/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_page(site):
    _app, client, prefix = site
    for path in ("/", "/login", "/register", "/healthz"):
        headers = client.get(f"{prefix}{path}").headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_mounted_extension_leaves_the_host_alone(database_url, tmp_path):
    host = host_app(database_url, str(tmp_path / "host"))
    client = host.test_client()
    response = client.get("/")
    assert response.get_data(as_text=True) == "host home"
    assert "Content-Security-Policy" not in response.headers
    assert host.extensions["courseware"].standalone is False
    host.extensions["courseware"].engine.dispose()


def test_healthz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app(
        COURSEWARE_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


@pytest.mark.parametrize("code,path", [(404, "/no-such-page"), (405, "/logout")])
def test_error_pages_use_the_site_layout(client, code, path):
    response = client.get(path)
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert 'class="skip-link"' in page and f"{code}" in page
