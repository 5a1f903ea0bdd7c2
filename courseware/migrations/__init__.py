"""Alembic migrations shipped with the package; run with ``courseware db upgrade``."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from flask import current_app

HERE = Path(__file__).parent


def alembic_config() -> Config:
    """An Alembic config bound to the current app's engine."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = current_app.extensions["courseware"].engine
    return config
