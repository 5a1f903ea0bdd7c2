"""Configuration: defaults of every ``COURSEWARE_*`` key, read from the environment."""

from __future__ import annotations

import json
import math
import os
import secrets
from pathlib import Path

from flask import Flask

from courseware.core.keyfile import create_once

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Every key the extension reads, with its default. The README's table mirrors this.
DEFAULTS: dict[str, object] = {
    "COURSEWARE_ENV": "production",
    "COURSEWARE_DATABASE_URL": None,  # None: SQLite file in the instance folder
    "COURSEWARE_SECRET_KEY": None,
    "COURSEWARE_URL_PREFIX": "",
    "COURSEWARE_SITE_URL": "http://127.0.0.1:5000",
    "COURSEWARE_ACTIVITY_BASE": None,  # None: derived from the site URL
    "COURSEWARE_LRS_ENDPOINT": None,
    "COURSEWARE_LRS_USERNAME": None,
    "COURSEWARE_LRS_PASSWORD": None,
    "COURSEWARE_XAPI_SEND_FREE_TEXT": False,  # fill-in answers stay here by default
    "COURSEWARE_XAPI_BATCH_SIZE": 50,
    "COURSEWARE_XAPI_CONNECT_TIMEOUT": 3,
    "COURSEWARE_XAPI_READ_TIMEOUT": 15,
    "COURSEWARE_XAPI_LEASE_SECONDS": 60,
    "COURSEWARE_XAPI_POLL_SECONDS": 2.0,
    "COURSEWARE_XAPI_BACKOFF_SECONDS": 2.0,  # first retry after 1-2 s, then doubling
    "COURSEWARE_XAPI_BACKOFF_CAP_SECONDS": 600.0,  # the longest wait between two tries
    "COURSEWARE_CONTENT_DIR": str(PROJECT_ROOT),
    "COURSEWARE_STATIC_DIR": str(PROJECT_ROOT / "static"),
    "COURSEWARE_ALLOW_REGISTRATION": True,
    "COURSEWARE_RATELIMIT_STORAGE_URI": "memory://",
    "COURSEWARE_RATELIMIT_KEY_PREFIX": "courseware",
    "COURSEWARE_LOGIN_RATE_LIMIT": "5 per minute",
    "COURSEWARE_MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "COURSEWARE_LANGUAGES": ["en", "ru", "ar"],
    "COURSEWARE_DEFAULT_LANGUAGE": "en",
    "COURSEWARE_ARGON2_TIME_COST": 3,
    "COURSEWARE_ARGON2_MEMORY_COST": 65536,  # KiB: RFC 9106's second recommended option
    "COURSEWARE_ARGON2_PARALLELISM": 4,
    "COURSEWARE_PROXY_FIX": 0,  # number of trusted reverse proxies in front of the app
    "COURSEWARE_CONTENT_CHECK_SECONDS": 1.0,  # how often a process re-reads the version
    "COURSEWARE_PAGE_CACHE": True,  # visitors' shared pages answered from memory
    "COURSEWARE_CERTIFICATE_KEY_FILE": None,  # None: instance/certificate-ed25519.pem
    # Fonts for certificates: Debian's fonts-dejavu-core.
    "COURSEWARE_FONT_DIR": "/usr/share/fonts/truetype/dejavu",
    "COURSEWARE_VERIFY_RATE_LIMIT": "30 per minute",
    "COURSEWARE_JOIN_RATE_LIMIT": "10 per minute",  # wrong join codes per account
    # LTI: platform URLs must be https unless this is set (or the app is debugging
    # or testing); score delivery to LMS gradebooks (courseware/lti/services/outbox.py).
    "COURSEWARE_LTI_ALLOW_HTTP": False,
    "COURSEWARE_LTI_SCORE_BATCH_SIZE": 20,
    "COURSEWARE_LTI_CONNECT_TIMEOUT": 3.0,
    "COURSEWARE_LTI_READ_TIMEOUT": 10.0,
    "COURSEWARE_LTI_LEASE_SECONDS": 60,
    "COURSEWARE_LTI_BACKOFF_SECONDS": 2.0,
    "COURSEWARE_LTI_BACKOFF_CAP_SECONDS": 600.0,
    "COURSEWARE_LTI_MAX_TRIES": 15,
    "COURSEWARE_LTI_POLL_SECONDS": 2.0,
    "COURSEWARE_LTI_NRPS_PAGE_SIZE": 100,
    # The studio: largest media upload, lifetime of a preview link.
    "COURSEWARE_STUDIO_MAX_UPLOAD": 32 * 1024 * 1024,
    "COURSEWARE_PREVIEW_LINK_DAYS": 7,
}

_BOOL_WORDS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def parse_env_value(key: str, raw: str) -> object:
    """Turn an environment string into the type of the key's default.

    (Flask's ``from_prefixed_env`` would drop the ``COURSEWARE_`` prefix from the
    keys and guess types from JSON; the keys here keep their names, as a host's
    ``app.config`` has them, and take the type of their default.)
    """
    default = DEFAULTS.get(key)
    if isinstance(default, bool):
        try:
            return _BOOL_WORDS[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"{key} must be true or false, not {raw!r}") from None
    if isinstance(default, int | float):
        kind = int if isinstance(default, int) else float
        try:
            value = kind(raw.strip())
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise ValueError(f"{key} must be {what}, not {raw!r}") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a finite number of 0 or more, not {raw!r}")
        return value
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if raw.startswith(("{", "[")):
        return json.loads(raw)
    return raw


def load_environment(app: Flask, environ: dict[str, str] | None = None) -> None:
    """Copy ``COURSEWARE_*`` variables from the environment into ``app.config``."""
    environ = os.environ if environ is None else environ
    for key, raw in environ.items():
        if key.startswith("COURSEWARE_") and key not in (
            "COURSEWARE_TEST_DATABASE_URL",
        ):
            app.config[key] = parse_env_value(key, raw)


def is_production(app: Flask) -> bool:
    """Production unless the app is testing, debugging or told it is in development."""
    if app.testing or app.debug:
        return False
    return str(app.config.get("COURSEWARE_ENV", "production")).lower() != "development"


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def resolve_secret_key(app: Flask) -> str:
    """The configured secret, or in development one kept in the instance folder."""
    key = app.config.get("COURSEWARE_SECRET_KEY") or app.config.get("SECRET_KEY")
    if key:
        return str(key)
    if is_production(app):
        raise ConfigError(
            "COURSEWARE_SECRET_KEY is not set: set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_hex(32))') "
            "or set COURSEWARE_ENV=development."
        )
    path = Path(app.instance_path) / "secret_key"
    return create_once(path, lambda: secrets.token_hex(32).encode()).decode().strip()


def database_url(app: Flask) -> str:
    """The configured database URL, or a SQLite file in the instance folder."""
    url = app.config.get("COURSEWARE_DATABASE_URL")
    if url:
        url = str(url)
        if url.startswith("postgresql://"):  # use psycopg 3, not the legacy driver
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'courseware.sqlite3'}"
