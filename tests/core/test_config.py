"""Configuration: environment variables, secrets, production refusal, migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import SAWarning

import courseware.models  # noqa: F401
from courseware import create_app
from courseware.config import ConfigError
from courseware.db import Base
from courseware.migrations import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COURSEWARE_", "FLASK_"))
    }
    env.update(extra)
    return env


def test_production_refuses_to_start_without_a_secret_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(COURSEWARE_DATABASE_URL=f"sqlite:///{tmp_path}/x.db"),
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "COURSEWARE_SECRET_KEY is not set" in lines[0]


def test_production_create_app_raises_config_error(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"COURSEWARE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_development_keeps_a_generated_secret_in_the_instance_folder(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("COURSEWARE_ENV", "development")
    monkeypatch.setenv("COURSEWARE_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    from flask import Flask

    from courseware import Courseware

    def build():
        app = Flask("dev_app", instance_path=str(tmp_path / "instance"))
        from courseware.config import load_environment

        load_environment(app)
        Courseware(app)
        app.extensions["courseware"].engine.dispose()
        return app

    first, second = build(), build()
    secret_file = tmp_path / "instance" / "secret_key"
    assert secret_file.exists() and oct(secret_file.stat().st_mode)[-3:] == "600"
    assert first.secret_key == second.secret_key == secret_file.read_text().strip()
    assert len(first.secret_key) == 64


def test_environment_variables_are_typed(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEWARE_ALLOW_REGISTRATION", "false")
    monkeypatch.setenv("COURSEWARE_LANGUAGES", "en, ru")
    monkeypatch.setenv("COURSEWARE_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("COURSEWARE_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("COURSEWARE_LRS_ENDPOINT", "http://127.0.0.1:8100/xAPI")
    app = create_app()
    assert app.config["COURSEWARE_ALLOW_REGISTRATION"] is False
    assert app.config["COURSEWARE_LANGUAGES"] == ["en", "ru"]
    assert app.config["COURSEWARE_LRS_ENDPOINT"] == "http://127.0.0.1:8100/xAPI"
    assert app.secret_key == "s" * 40
    app.extensions["courseware"].engine.dispose()


def test_numbers_from_the_environment_are_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEWARE_XAPI_BACKOFF_SECONDS", "0.5")
    monkeypatch.setenv("COURSEWARE_CONTENT_CHECK_SECONDS", "3")
    monkeypatch.setenv("COURSEWARE_XAPI_BATCH_SIZE", " 25 ")
    app = create_app({"COURSEWARE_SECRET_KEY": "x"})
    assert app.config["COURSEWARE_XAPI_BACKOFF_SECONDS"] == 0.5
    assert app.config["COURSEWARE_CONTENT_CHECK_SECONDS"] == 3.0
    assert isinstance(app.config["COURSEWARE_CONTENT_CHECK_SECONDS"], float)
    assert app.config["COURSEWARE_XAPI_BATCH_SIZE"] == 25
    app.extensions["courseware"].engine.dispose()


@pytest.mark.parametrize(
    "key, raw, message",
    [
        ("COURSEWARE_XAPI_BATCH_SIZE", "fifty", "must be a whole number, not 'fifty'"),
        ("COURSEWARE_XAPI_BATCH_SIZE", "2.5", "must be a whole number, not '2.5'"),
        ("COURSEWARE_XAPI_BACKOFF_SECONDS", "soon", "must be a number, not 'soon'"),
        ("COURSEWARE_XAPI_BACKOFF_SECONDS", "nan", "must be a finite number of 0"),
        ("COURSEWARE_XAPI_BACKOFF_SECONDS", "inf", "must be a finite number of 0"),
        ("COURSEWARE_XAPI_LEASE_SECONDS", "-5", "must be a finite number of 0"),
    ],
)
def test_bad_numbers_are_reported_by_name(monkeypatch, key, raw, message):
    monkeypatch.setenv(key, raw)
    with pytest.raises(ValueError, match=f"{key} {message}"):
        create_app({"COURSEWARE_SECRET_KEY": "x"})


def test_bad_boolean_is_reported_by_name(monkeypatch):
    monkeypatch.setenv("COURSEWARE_ALLOW_REGISTRATION", "maybe")
    with pytest.raises(
        ValueError, match="COURSEWARE_ALLOW_REGISTRATION must be true or false"
    ):
        create_app({"COURSEWARE_SECRET_KEY": "x"})


def test_migrations_match_the_models(app):
    with app.app_context(), warnings.catch_warnings():
        # SQLite cannot reflect the lower(username) index; PostgreSQL can.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
        engine = app.extensions["courseware"].engine
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn,
                    opts={
                        "compare_type": True,
                        "version_table": "courseware_alembic_version",
                    },
                ),
                Base.metadata,
            )
    assert diff == []


def test_migrations_downgrade_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path}/m.db"
    app = create_app(
        {"TESTING": True, "COURSEWARE_SECRET_KEY": "x", "COURSEWARE_DATABASE_URL": url}
    )
    with app.app_context():
        config = alembic_config()
        command.upgrade(config, "head")
        engine = create_engine(url)
        assert "courseware_user" in inspect(engine).get_table_names()
        command.downgrade(config, "base")
        assert "courseware_user" not in inspect(engine).get_table_names()
        command.upgrade(config, "head")
        assert "courseware_user" in inspect(engine).get_table_names()
        engine.dispose()
    app.extensions["courseware"].engine.dispose()


def test_no_tables_are_created_at_start_up(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    app = create_app(
        {"TESTING": True, "COURSEWARE_SECRET_KEY": "x", "COURSEWARE_DATABASE_URL": url}
    )
    assert app.test_client().get("/login").status_code == 200
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    app.extensions["courseware"].engine.dispose()
