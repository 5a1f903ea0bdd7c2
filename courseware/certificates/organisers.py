"""Organisers of a learner's meeting cohort may revoke the learner's certificate."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from courseware.teach.models import COHORT, CoOwner, Group, Membership


def organises_learner(session: Session, organiser_id: int, learner_id: int) -> bool:
    """True when ``organiser_id`` owns or co-owns a cohort that ``learner_id`` is in."""
    co_owned = select(CoOwner.group_id).where(CoOwner.user_id == organiser_id)
    found = session.scalar(
        select(Membership.id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.user_id == learner_id,
            Group.kind == COHORT,
            or_(Group.owner_id == organiser_id, Group.id.in_(co_owned)),
        )
        .limit(1)
    )
    return found is not None
