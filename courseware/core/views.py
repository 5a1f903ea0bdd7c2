"""Health check, the language switch, static files; the home page's hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from wtforms import HiddenField, SubmitField

from courseware.core.forms import Form
from courseware.db import get_session
from courseware.i18n import LANGUAGE_COOKIE, supported_languages
from courseware.security import safe_next, same_origin


class LanguageForm(Form):
    """The language switcher: one submit button per language."""

    next = HiddenField()
    language = SubmitField()


def set_home(app: Flask, view: Callable[[], Any]) -> None:
    """Show ``view`` at the home page (``courseware.home``) of ``app``."""
    app.view_functions["courseware.home"] = view


def static_file(filename: str):
    """A file of the static folder: cached a year when fingerprinted (``?v=``)."""
    max_age = 31536000 if request.args.get("v") else 300
    folder = current_app.config["COURSEWARE_STATIC_DIR"]
    return send_from_directory(folder, filename, max_age=max_age)


def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy"
        current_app.logger.warning("health check failed: %s", exc)
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def set_language():
    """Remember the chosen interface language (cookie, and account when signed in)."""
    # Visitors' pages carry no token (so that every visitor can share one cached page):
    # their switch is accepted when the browser says it comes from this site. A
    # signed-in learner's choice is saved to their account and always needs the token.
    if current_user.is_authenticated or not same_origin():
        current_app.extensions["csrf"].protect()
    form = LanguageForm(meta={"csrf": False})
    if not form.validate_on_submit():
        abort(400)
    lang = request.form.get("language", "")
    if lang not in supported_languages():
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = lang
        get_session().flush()
    response = redirect(safe_next(form.next.data, url_for("courseware.home")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure
        or bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
