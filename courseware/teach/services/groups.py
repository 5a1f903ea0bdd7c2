"""Groups, owners, join codes and members: they flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from courseware.auth.models import Role, User
from courseware.auth.services import find_user
from courseware.db import insert_ignore, utcnow
from courseware.teach.models import (
    AGE_BANDS,
    CLASS,
    COHORT,
    Assignment,
    AssignmentLearner,
    CoOwner,
    Extension,
    Group,
    Membership,
)
from courseware.teach.services.codes import new_join_code, normalise_code


class TeachError(ValueError):
    """A teaching action was refused; the message is for the user."""


def owner_filter(user: User):
    """SQL condition: the group is owned or co-owned by ``user`` (admins: any)."""
    if user.role == Role.ADMIN:
        return True
    return or_(
        Group.owner_id == user.id,
        exists().where(CoOwner.group_id == Group.id, CoOwner.user_id == user.id),
    )


def find_owned_group(session: Session, group_id: int, user: User) -> Group | None:
    """The group with this id when ``user`` owns or co-owns it: one query."""
    return session.scalars(
        select(Group).where(Group.id == group_id, owner_filter(user))
    ).first()


def owned_groups(session: Session, user: User) -> list[Group]:
    """Groups ``user`` owns or co-owns (every group for an administrator)."""
    return list(
        session.scalars(select(Group).where(owner_filter(user)).order_by(Group.name))
    )


def create_group(
    session: Session,
    owner: User,
    *,
    kind: str,
    name: str,
    prefix: str,
    timezone: str,
    meeting_name: str | None = None,
    meeting_date: date | None = None,
    meeting_place: str | None = None,
    child_ages: str | None = None,
) -> Group:
    """A class or a meeting cohort owned by ``owner``; a class may be of children."""
    if kind not in (CLASS, COHORT):
        raise TeachError("unknown group kind")
    if kind == COHORT and child_ages:
        raise TeachError("a meeting cohort is not a class of children")
    group = Group(owner_id=owner.id, kind=kind, name=name.strip(), prefix=prefix)
    update_group(
        session,
        group,
        name=name,
        prefix=prefix,
        timezone=timezone,
        meeting_name=meeting_name,
        meeting_date=meeting_date,
        meeting_place=meeting_place,
        child_ages=child_ages,
    )
    session.add(group)
    session.flush()
    return group


def update_group(session: Session, group: Group, **fields) -> Group:
    """Change a group's name, prefix, time zone, meeting details or age band."""
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        if key in ("name", "prefix", "timezone") and not value:
            continue
        if key == "child_ages" and value not in (None, *AGE_BANDS):
            raise TeachError(_l("Choose an age band of the children's tracks."))
        setattr(group, key, value)
    session.flush()
    return group


def set_join_code(session: Session, group: Group, days: int) -> str:
    """A new join code for the group, valid for ``days`` (the old one stops working)."""
    while True:
        code = new_join_code()
        if session.scalar(select(Group.id).where(Group.join_code == code)) is None:
            break
    group.join_code = code
    group.join_code_expires_at = utcnow() + timedelta(days=days)
    session.flush()
    return code


def revoke_join_code(session: Session, group: Group) -> None:
    """Nobody can join with the group's code any more."""
    group.join_code = None
    group.join_code_expires_at = None
    session.flush()


def join_with_code(session: Session, user: User, typed: str) -> tuple[Group, bool]:
    """Join the group of a valid code: (group, True) or (group, False) if already in."""
    code = normalise_code(typed)
    group = (
        session.scalars(select(Group).where(Group.join_code == code)).first()
        if code
        else None
    )
    if group is None or group.join_code_expires_at is None:
        raise TeachError(_l("This code is not valid. Check it with your teacher."))
    if group.join_code_expires_at <= utcnow():
        raise TeachError(_l("This code has expired. Ask for a new one."))
    if find_membership(session, group.id, user.id) is not None:
        return group, False
    # Two posts of one code at once (a double click): one inserts, both succeed.
    joined = insert_ignore(
        session, Membership, group_id=group.id, user_id=user.id, via="code"
    )
    return group, joined


def find_membership(session: Session, group_id: int, user_id: int) -> Membership | None:
    """The learner's membership of the group, if any."""
    return session.scalars(
        select(Membership).where(
            Membership.group_id == group_id, Membership.user_id == user_id
        )
    ).first()


def member(session: Session, group: Group, user_id: int) -> tuple[Membership, User]:
    """(membership, user) of a member of ``group``: one query; TeachError if none."""
    row = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group.id, Membership.user_id == user_id)
    ).first()
    if row is None:
        raise TeachError("not a member")
    return row[0], row[1]


def remove_member(session: Session, group: Group, user_id: int) -> None:
    """Take a learner out of the group with their extensions and assignment choices."""
    membership, _user = member(session, group, user_id)
    ids = select(Assignment.id).where(Assignment.group_id == group.id)
    for model in (Extension, AssignmentLearner):
        session.execute(
            delete(model).where(model.user_id == user_id, model.assignment_id.in_(ids))
        )
    session.delete(membership)
    session.flush()


def co_owners(session: Session, group: Group) -> list[User]:
    """The group's co-owners, by username."""
    return list(
        session.scalars(
            select(User)
            .join(CoOwner, CoOwner.user_id == User.id)
            .where(CoOwner.group_id == group.id)
            .order_by(User.username)
        )
    )


def add_co_owner(session: Session, group: Group, username: str) -> User:
    """Share the group with another teacher."""
    user = find_user(session, username)
    if user is None or not user.has_role(Role.TEACHER):
        raise TeachError(_l("There is no teacher with this username."))
    if user.id == group.owner_id:
        raise TeachError(_l("This teacher already owns the group."))
    insert_ignore(session, CoOwner, group_id=group.id, user_id=user.id)
    return user


def remove_co_owner(session: Session, group: Group, user_id: int) -> None:
    """Stop sharing the group with a co-owner."""
    session.execute(
        delete(CoOwner).where(CoOwner.group_id == group.id, CoOwner.user_id == user_id)
    )
    session.flush()


def learner_groups(session: Session, user: User) -> list[Group]:
    """The groups a learner belongs to."""
    return list(
        session.scalars(
            select(Group)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id)
            .order_by(Group.name)
        )
    )
