"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import sys

from courseware import create_app
from courseware.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one clear line instead of a traceback
    sys.exit(f"COP Courseware cannot start: {exc}")
