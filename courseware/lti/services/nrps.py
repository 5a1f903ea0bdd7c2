"""Names and Role Provisioning: an LMS course's roster into its class here.

A launch gives the context's memberships URL (the NRPS claim), kept per context. A
sync reads every page of the roster first (a platform that fails changes nothing),
then, one sync of a class at a time, links each active learner to a pseudonymous
learner (``link_identity``, provider ``lti:<platform id>``, no name or email kept),
adds them to the class, and marks roster members the LMS no longer lists (or lists
``Inactive``) as removed: their memberships and records stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from courseware.auth.identity import Identity, link_identity
from courseware.auth.models import ExternalIdentity
from courseware.db import insert_ignore, serialise, upsert, utcnow
from courseware.lti.models import LtiContext, LtiPlatform
from courseware.lti.models.grades import LtiRosterMember, LtiRosterSource
from courseware.lti.services import people
from courseware.lti.services.connector import (
    Connector,
    PlatformError,
    ToolKey,
    platform_info,
)

NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class RosterError(RuntimeError):
    """The roster could not be read; the message says what to do."""


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed."""

    added: int
    removed: int
    unchanged: int


def provider(platform_id: int) -> str:
    """The identity provider name of a platform's people."""
    return f"lti:{platform_id}"


def record_source(session: Session, platform_id: int, claims: dict) -> None:
    """Keep the memberships URL a launch gave for its context (the latest wins)."""
    service = claims.get(NRPS_CLAIM)
    context = claims.get(CONTEXT_CLAIM)
    if not (isinstance(service, dict) and isinstance(context, dict)):
        return
    url, context_id = service.get("context_memberships_url"), context.get("id")
    if not (isinstance(url, str) and url and context_id):
        return
    upsert(
        session,
        LtiRosterSource,
        {
            "platform_id": platform_id,
            "context_id": str(context_id)[:255],
            "memberships_url": url,
            "updated_at": utcnow(),
        },
        index=["platform_id", "context_id"],
        update=["memberships_url", "updated_at"],
    )


def lms_context(session: Session, group_id: int) -> LtiContext | None:
    """The LMS course a class was made for, if it was."""
    return session.scalars(
        select(LtiContext).where(LtiContext.group_id == group_id)
    ).first()


def source(session: Session, context: LtiContext) -> LtiRosterSource | None:
    return session.scalars(
        select(LtiRosterSource).where(
            LtiRosterSource.platform_id == context.platform_id,
            LtiRosterSource.context_id == context.context_id,
        )
    ).first()


def active_learners(members: list[dict]) -> set[str]:
    """The ``user_id``s of members who are learners and not Inactive."""
    found = set()
    for member in members:
        roles = member.get("roles") or []
        user_id = member.get("user_id")
        if not isinstance(user_id, str) or not user_id or len(user_id) > 255:
            continue
        if member.get("status", "Active") != "Active":
            continue
        if any(role in (LEARNER_ROLE, "Learner") for role in roles):
            found.add(user_id)
    return found


def fetch_roster(
    session: Session,
    connector: Connector,
    key: ToolKey,
    context: LtiContext,
    page_size: int | None = None,
) -> set[str]:
    """Every active learner of the LMS course (all pages), or a RosterError."""
    found = source(session, context)
    if found is None:
        raise RosterError(
            str(
                _l(
                    "The LMS has not told us where this course's roster is: open the "
                    "tool from the LMS course once, then sync again."
                )
            )
        )
    platform = platform_info(session, context.platform_id)
    try:
        return active_learners(
            list(connector.memberships(platform, key, found.memberships_url, page_size))
        )
    except PlatformError as exc:
        raise RosterError(
            str(
                _l(
                    "The LMS did not give the roster (%(error)s). Nothing was changed; "
                    "try again later.",
                    error=str(exc),
                )
            )
        ) from exc


def _learner(session: Session, platform_id: int, sub: str) -> int:
    """Our learner for an LMS user: the linked one, else a new pseudonymous one."""
    linked = session.scalar(
        select(ExternalIdentity.user_id).where(
            ExternalIdentity.provider == provider(platform_id),
            ExternalIdentity.subject == sub,
        )
    )
    if linked is not None:
        return linked  # roles stay as the launches set them
    platform = session.get(LtiPlatform, platform_id)
    person = Identity(
        id=sub, display_name=people.display_name(platform, {}), roles={"learner"}
    )
    return link_identity(session, provider(platform_id), person, people.ROLE_MAP).id


def apply_roster(
    session: Session, group_id: int, platform_id: int, subs: set[str]
) -> SyncResult:
    """Make the class's LMS roster ``subs``: one sync of a class at a time."""
    serialise(session, f"courseware-lti-roster-{group_id}")
    now = utcnow()
    known = {
        row.sub: row
        for row in session.scalars(
            select(LtiRosterMember).where(LtiRosterMember.group_id == group_id)
        )
    }
    added = unchanged = removed = 0
    for sub in sorted(subs):
        row = known.get(sub)
        if row is not None and row.removed_at is None:
            unchanged += 1
            row.synced_at = now
            continue
        user_id = (
            row.user_id if row is not None else _learner(session, platform_id, sub)
        )
        people.join(session, group_id, user_id)
        if row is None:
            added += insert_ignore(
                session,
                LtiRosterMember,
                group_id=group_id,
                user_id=user_id,
                sub=sub,
                added_at=now,
                synced_at=now,
            )
        else:
            row.removed_at, row.synced_at = None, now
            added += 1
    gone = [
        row.id for sub, row in known.items() if sub not in subs and not row.removed_at
    ]
    if gone:
        removed = session.execute(
            update(LtiRosterMember)
            .where(LtiRosterMember.id.in_(gone), LtiRosterMember.removed_at.is_(None))
            .values(removed_at=now)
        ).rowcount
    session.flush()
    return SyncResult(added, removed, unchanged)


def sync(
    session: Session,
    connector: Connector,
    key: ToolKey,
    group_id: int,
    context: LtiContext,
    page_size: int | None = None,
) -> SyncResult:
    """Read the LMS roster, then apply it to the class.

    ``key`` must be committed already: the LMS reads our JWKS while we wait.
    """
    subs = fetch_roster(session, connector, key, context, page_size)
    return apply_roster(session, group_id, context.platform_id, subs)


def roster(session: Session, group_id: int) -> list[LtiRosterMember]:
    """The class's LMS roster members, present first."""
    return list(
        session.scalars(
            select(LtiRosterMember)
            .where(LtiRosterMember.group_id == group_id)
            .order_by(LtiRosterMember.removed_at.is_not(None), LtiRosterMember.id)
        )
    )
