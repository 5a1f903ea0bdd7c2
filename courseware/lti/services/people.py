"""Who an LMS user is here: roles from the launch, a pseudonymous learner linked
through the identity table, and the class of the LMS course.

No name or email is stored: a learner is "LMS learner 1234", or their given name
when the platform's setting allows it (off by default).
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from courseware.auth.identity import Identity, link_identity
from courseware.auth.models import ExternalIdentity, Role, User
from courseware.db import insert_ignore
from courseware.lti.models import LtiContext, LtiLaunch, LtiPlatform
from courseware.teach.models import CLASS, CoOwner, Group, Membership

ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
#: Context roles that make a teacher here (their sub-roles too, e.g.
#: ``membership/Instructor#TeachingAssistant``).
TEACHING_ROLES = ("Instructor", "ContentDeveloper")
#: Only these are ever given: a system or institution Administrator of the LMS is
#: not made an administrator here.
ROLE_MAP = {"learner": "learner", "teacher": "teacher"}
VIA = "lti"


def is_teacher(roles: list[str] | None) -> bool:
    """True when the launch's roles include a teaching context role."""
    for role in roles or []:
        if not isinstance(role, str):
            continue
        if role in TEACHING_ROLES:  # the deprecated short context role names
            return True
        for name in TEACHING_ROLES:
            if role == f"{MEMBERSHIP}#{name}" or role.startswith(
                f"{MEMBERSHIP}/{name}#"
            ):
                return True
    return False


def provider(platform: LtiPlatform) -> str:
    """The identity provider name of a platform's users."""
    return f"lti:{platform.id}"


def display_name(platform: LtiPlatform, claims: dict) -> str:
    """ "LMS learner 1234", or the given name when the platform allows it."""
    given = claims.get("given_name")
    if platform.share_given_name and isinstance(given, str) and given.strip():
        return given.strip()[:40]
    return f"LMS learner {secrets.randbelow(9000) + 1000}"


def link_user(
    session: Session, platform: LtiPlatform, claims: dict, teacher: bool
) -> User | None:
    """The learner linked to the launch's ``sub`` (made on first use).

    A teacher stays a teacher when they launch as a learner elsewhere (our role is
    site-wide and includes a learner's rights); an author or administrator of ours
    linked by hand keeps that role.
    """
    sub = str(claims["sub"])
    existing = session.scalar(
        select(User.role)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(
            ExternalIdentity.provider == provider(platform),
            ExternalIdentity.subject == sub,
        )
    )
    if existing in (Role.AUTHOR, Role.ADMIN):
        role_map = {**ROLE_MAP, existing.value: existing.value}
        roles = {existing.value}
    else:
        role_map = ROLE_MAP
        roles = {"teacher" if teacher or existing == Role.TEACHER else "learner"}
    person = Identity(id=sub, display_name=display_name(platform, claims), roles=roles)
    return link_identity(session, provider(platform), person, role_map)


def context_group(
    session: Session, context: LtiContext, teacher: User, title: str
) -> Group:
    """The class of an LMS course, made on a teacher's first launch (owned by them);
    later teachers become co-owners. Learners who launched before join it."""
    if context.group_id is None:
        group = Group(
            owner_id=teacher.id,
            kind=CLASS,
            name=(title or "LMS course").strip()[:120],
            prefix="lms",
            timezone="UTC",
        )
        session.add(group)
        session.flush()
        won = session.execute(
            update(LtiContext)
            .where(LtiContext.id == context.id, LtiContext.group_id.is_(None))
            .values(group_id=group.id)
            .returning(LtiContext.id)
        ).first()
        if won is None:  # another teacher's first launch made it at the same time
            session.execute(delete(Group).where(Group.id == group.id))
        session.refresh(context)
        if won is not None:
            earlier = session.scalars(
                select(LtiLaunch.user_id)
                .where(LtiLaunch.context_pk == context.id)
                .distinct()
            ).all()
            for user_id in earlier:
                if user_id != teacher.id:
                    join(session, group.id, user_id)
    group = session.get(Group, context.group_id)
    if group.owner_id != teacher.id:
        insert_ignore(session, CoOwner, group_id=group.id, user_id=teacher.id)
    return group


def join(session: Session, group_id: int, user_id: int) -> None:
    """Make ``user_id`` a member of the group (once, even when asked at once)."""
    insert_ignore(session, Membership, group_id=group_id, user_id=user_id, via=VIA)
