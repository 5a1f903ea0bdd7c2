"""The test LMS's web app: a Flask app of its own, served by werkzeug in a thread."""

from __future__ import annotations

import threading

from flask import Flask, jsonify
from werkzeug.serving import WSGIRequestHandler, make_server

from .tokens import PlatformError


def create_app(platform) -> Flask:
    """The LMS app for ``platform``: OIDC, services, deep-link return, pages."""
    from . import oidc, pages, returns, services

    app = Flask("test_lms")
    app.config["TESTING"] = True
    for module in (oidc, services, returns, pages):
        module.register(app, platform)

    @app.errorhandler(PlatformError)
    def refused(exc: PlatformError):
        with platform.records.lock:
            platform.records.errors.append(
                {
                    "status": exc.status,
                    "error": exc.error,
                    "description": exc.description,
                }
            )
        answer = jsonify(error=exc.error, error_description=exc.description)
        answer.status_code = exc.status
        answer.headers["Cache-Control"] = "no-store"
        if exc.status == 401 and exc.error in ("invalid_token", "insufficient_scope"):
            answer.headers["WWW-Authenticate"] = (
                f'Bearer error="{exc.error}", error_description="{exc.description}"'
            )
        return answer

    return app


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (tests read the platform's records instead)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class Server:
    """``app`` on a free loopback port; the port is known before ``start``."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        # A short poll interval: shutdown() waits for it, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self.thread.start()

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(timeout=10)
            self.thread = None
        self.server.server_close()
