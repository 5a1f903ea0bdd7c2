"""Friendly error pages in the site layout."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from courseware.db import rollback_request

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Bad request"),
        _l(
            "The request could not be understood. If you sent a form, "
            "reload the page and try again."
        ),
    ),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (
        _l("Page not found"),
        _l(
            "There is no page at this address. Check the address or "
            "start again from the home page."
        ),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("Done at the same moment"),
        _l(
            "The same action reached us twice at once (two tabs, or a repeated "
            "click) and the other one was kept. Reload the page to see the result."
        ),
    ),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (_l("Too many attempts"), _l("Please wait a minute before you try again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "An error happened on our side. It has been logged; "
            "please try again in a moment."
        ),
    ),
    503: (
        _l("Unavailable"),
        _l("The service is unavailable right now. Please try again in a moment."),
    ),
}


def render_error(code: int, detail: str | None = None):
    """The error page for ``code`` with the matching status, on a clean session."""
    rollback_request()  # the page reads the account; a failed session cannot
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "courseware/errors/error.html",
        code=code,
        title=title,
        message=message,
        detail=detail,
    ), code


def register_error_pages(app: Flask, *, standalone: bool) -> None:
    """Our pages for every error (standalone) or for our blueprints (mounted)."""

    def handle_http(exc: HTTPException):
        if not standalone and not (request.blueprint or "").startswith("courseware"):
            return exc
        if exc.response is not None:  # a view's own answer (a JSON reason)
            rollback_request()
            return exc.response
        detail = getattr(exc, "description", None) if exc.code == 400 else None
        return render_error(
            exc.code or 500, detail if detail and "CSRF" in detail else None
        )

    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.testing:  # let tests see the real exception
            raise exc
        return render_error(500)

    def handle_conflict(exc: IntegrityError):
        # A unique index refused a concurrent duplicate that the code did not expect.
        if not standalone and not (request.blueprint or "").startswith("courseware"):
            raise exc
        log.warning("conflict on %s %s: %s", request.method, request.path, exc.orig)
        return render_error(409)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(IntegrityError, handle_conflict)
    if standalone:
        app.register_error_handler(Exception, handle_unexpected)
