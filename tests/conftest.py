"""Fixtures: a real app on a clean real database per test (SQLite, or PostgreSQL when
``COURSEWARE_TEST_DATABASE_URL`` is set), a client, a CLI runner and factories."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from courseware import create_app
from courseware.auth.models import Role, User
from courseware.auth.services import create_user
from courseware.db import Base, get_session

PG_URL = os.environ.get("COURSEWARE_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"

#: Cheap argon2id settings so that the suite stays fast; production uses RFC 9106's.
TEST_CONFIG = {
    "TESTING": True,
    "COURSEWARE_SECRET_KEY": "test-secret-key-not-for-production",
    "COURSEWARE_ARGON2_TIME_COST": 1,
    "COURSEWARE_ARGON2_MEMORY_COST": 8192,
    "COURSEWARE_ARGON2_PARALLELISM": 1,
}


@pytest.fixture(autouse=True, scope="session")
def _no_courseware_environment():
    """Tests configure the app themselves: ignore COURSEWARE_* set in the shell."""
    saved = {
        k: os.environ.pop(k)
        for k in list(os.environ)
        if k.startswith("COURSEWARE_") and not k.startswith("COURSEWARE_TEST_")
    }
    yield
    os.environ.update(saved)


def migrate(url: str) -> None:
    """Run the shipped Alembic migrations on ``url`` through the CLI command."""
    app = create_app({**TEST_CONFIG, "COURSEWARE_DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["courseware", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    app.extensions["courseware"].engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database: a SQLite file to copy, or a fresh PostgreSQL schema."""
    if PG_URL:
        schema = f"cw_test_{os.getpid()}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        migrate(url)
        yield url
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    yield str(path)


@pytest.fixture
def database_url(database_template, tmp_path) -> Iterator[str]:
    """A clean database for one test."""
    if PG_URL:
        yield database_template
        engine = create_engine(database_template)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "courseware.sqlite3"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Build standalone apps on the test's database, with extra config."""
    apps: list[Flask] = []

    def factory(**config) -> Flask:
        app = create_app(
            {
                **TEST_CONFIG,
                "COURSEWARE_DATABASE_URL": database_url,
                "COURSEWARE_RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex}",
                **config,
            }
        )
        app.instance_path = str(tmp_path / "instance")
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["courseware"].engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """Create accounts: ``make_user(role="teacher")``; the password is ``PASSWORD``."""
    counter = iter(range(1, 10_000))

    def factory(
        username: str | None = None,
        role: str = "learner",
        password: str = PASSWORD,
        **fields,
    ) -> User:
        with app.app_context():
            session = get_session()
            user = create_user(
                session, username or f"user{next(counter)}", password, Role(role)
            )
            for key, value in fields.items():
                setattr(user, key, value)
            session.commit()
            return user

    return factory


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the first form on the page at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def login(client) -> Callable[..., object]:
    """Sign in through the real form: ``login(user)`` or ``login("name", "pw")``."""

    def do_login(user: User | str, password: str = PASSWORD, next: str = ""):
        username = user if isinstance(user, str) else user.username
        token = csrf_token(client, "/login")
        return client.post(
            "/login",
            data={
                "username": username,
                "password": password,
                "csrf_token": token,
                "next": next,
            },
        )

    return do_login


FIXTURE_COURSE = (
    __import__("pathlib").Path(__file__).parent / "content" / "fixtures" / "course"
)
REPO = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture
def publish(app):
    """Publish a content folder (default: the small fixture course) and activate it."""
    from courseware.content.services import publish as publish_content

    def do_publish(root=FIXTURE_COURSE, note="test"):
        with app.app_context():
            session = get_session()
            published = publish_content(session, root, note, "tests")
            session.commit()
            assert published.result.ok, [
                str(p) for p in published.result.problems.errors
            ]
            return published.version.number

    return do_publish


@pytest.fixture
def outbox(app):
    """The statements queued so far, as dicts, oldest first."""
    import json

    from sqlalchemy import select as _select

    from courseware.xapi.models import OutboxStatement

    def read(verb: str | None = None) -> list[dict]:
        with app.app_context():
            rows = get_session().scalars(
                _select(OutboxStatement).order_by(
                    OutboxStatement.created_at, OutboxStatement.id
                )
            )
            found = [json.loads(row.payload) for row in rows]
        if verb:
            found = [s for s in found if s["verb"]["id"].rsplit("/", 1)[-1] == verb]
        return found

    return read


# --- the browser (Debian's chromium), one per session, for every test folder ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
