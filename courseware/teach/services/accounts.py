"""Pupil accounts made by a teacher: generated usernames and passwords, no email."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.auth.models import Role, User, new_token
from courseware.auth.passwords import hash_password
from courseware.auth.services import create_user
from courseware.teach.models import Group, Membership
from courseware.teach.services.codes import new_password, new_username
from courseware.teach.services.groups import TeachError, member

#: Each account costs one argon2id hash: keep one request reasonably short.
MAX_PUPILS_AT_ONCE = 100
CREATED = "created"


@dataclass(frozen=True)
class Card:
    """What a login card shows; the password exists only in this response."""

    name: str | None
    username: str
    password: str


def _free_usernames(session: Session, prefix: str, count: int) -> list[str]:
    taken = set(
        session.scalars(
            select(func.lower(User.username)).where(
                func.lower(User.username).like(f"{prefix}-%")
            )
        )
    )
    names: list[str] = []
    digits = 2
    tries = 0
    while len(names) < count:
        candidate = new_username(prefix, digits)
        tries += 1
        if tries > 20 * count:  # the short space is crowded: use longer numbers
            digits, tries = digits + 1, 0
        if candidate not in taken:
            taken.add(candidate)
            names.append(candidate)
    return names


def create_pupils(
    session: Session, group: Group, names: list[str | None]
) -> list[Card]:
    """One learner account per entry of ``names`` (None: no name), in the group."""
    if not names:
        raise TeachError(_l("Give a number of pupils or their names."))
    if len(names) > MAX_PUPILS_AT_ONCE:
        raise TeachError(
            _l("Create at most %(n)d accounts at a time.", n=MAX_PUPILS_AT_ONCE)
        )
    cards = []
    for name, username in zip(
        names, _free_usernames(session, group.prefix, len(names)), strict=True
    ):
        password = new_password()
        user = create_user(session, username, password, Role.LEARNER)
        session.add(
            Membership(
                group_id=group.id,
                user_id=user.id,
                via=CREATED,
                display_name=(name or "").strip()[:120] or None,
            )
        )
        cards.append(Card((name or "").strip() or None, username, password))
    session.flush()
    return cards


def reset_password(session: Session, group: Group, user_id: int) -> Card:
    """A new password for a pupil the group created; their sessions end."""
    membership, user = member(session, group, user_id)
    if membership.via != CREATED or user.role != Role.LEARNER:
        # Learners who joined with a code own their accounts: never take them over.
        raise TeachError(_l("Only accounts created for this group can be reset here."))
    password = new_password()
    user.password_hash = hash_password(password)
    user.session_token = new_token()
    session.flush()
    return Card(membership.display_name, user.username, password)
