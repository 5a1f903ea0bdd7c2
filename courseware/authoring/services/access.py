"""Who may use the studio: authors and administrators."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from courseware.auth.models import Role


def require_author() -> None:
    """Anonymous: the sign-in page; signed in without the author role: 403."""
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not current_user.has_role(Role.AUTHOR):
        abort(403)


def author_required(view):
    """A studio view: ``require_author()`` before anything else."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require_author()
        return view(*args, **kwargs)

    return wrapper
