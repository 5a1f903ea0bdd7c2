"""Who may use a teaching page: the role first, then ownership of the object."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from courseware.auth.models import Role
from courseware.db import get_session
from courseware.teach.models import Group
from courseware.teach.services.groups import find_owned_group


def teacher_required(view):
    """Signed in (else the sign-in page) with the teacher role (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role(Role.TEACHER):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def group_view(view=None, *, main_owner: bool = False):
    """A teacher's view of one group: ``group_id`` becomes the owned ``group``."""
    # One query loads the group by id AND ownership: another teacher's group is
    # simply not found (404). ``main_owner`` views refuse co-owners (403).

    def decorate(view):
        @wraps(view)
        @teacher_required
        def wrapper(group_id: int, **kwargs):
            group = find_owned_group(get_session(), group_id, current_user)
            if group is None:
                abort(404)
            if main_owner and not is_main_owner(group):
                abort(403)
            return view(group, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def is_main_owner(group: Group) -> bool:
    """The group's own owner (or an administrator), not a co-owner."""
    return group.owner_id == current_user.id or current_user.role == Role.ADMIN
