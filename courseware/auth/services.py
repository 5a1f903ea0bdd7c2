"""Account operations: they flush, never commit."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.auth.models import Role, User, new_token
from courseware.auth.passwords import hash_password, needs_rehash, verify_password
from courseware.db import insert_ignore

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account operation was refused; the message is for the user."""


def find_user(session: Session, username: str) -> User | None:
    """The account with this username, ignoring case."""
    return session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def check_password_rules(password: str) -> None:
    """Raise AccountError when ``password`` is too weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role = Role.LEARNER,
    email: str | None = None,
) -> User:
    """Create an account after checking the username and password rules."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise AccountError(
            _l("Usernames are 2-64 letters, digits, dots, hyphens or underscores.")
        )
    if find_user(session, username) is not None:
        raise AccountError(_l("This username is taken."))
    check_password_rules(password)
    # Two registrations of one name at once: the unique index picks one; the other
    # gets the same clear message as if it had come second.
    created = insert_ignore(
        session,
        User,
        username=username,
        password_hash=hash_password(password),
        role=Role(role),
        email=email or None,
    )
    if not created:
        raise AccountError(_l("This username is taken."))
    return find_user(session, username)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account matching the credentials, or None; upgrades old hashes."""
    user = find_user(session, username)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_l("The current password is not correct."))
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_token = new_token()
    session.flush()
