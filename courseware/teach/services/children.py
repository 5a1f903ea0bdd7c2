"""Classes of children: who learns as a child, and what their pathway holds.

A learner is a child while they are a member of a class of children (pupil accounts
a teacher creates for such a class are members of it). A child sees the children's
tracks of their age band and the modules written for children; a module written for
adults only when a teacher assigns it to them, and never its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from courseware.auth.models import Role, User
from courseware.content.runtime import Course
from courseware.teach.models import MODULE, TRACK, Assignment, Group, Membership
from courseware.teach.services.groups import owner_filter
from courseware.teach.services.progress import assigned_to
from courseware.teach.services.report import assigned_modules


@dataclass(frozen=True)
class Pathway:
    """What a child is shown: the children's pathway, plus what teachers assigned."""

    bands: tuple[str, ...]
    #: Modules assigned to the child, directly or through a track.
    assigned: frozenset[str]
    #: Tracks assigned to the child.
    assigned_tracks: frozenset[str]

    def reaches(self, course: Course, module_id: str) -> bool:
        """The child may open this module: written for children, or assigned."""
        return course.for_children(module_id) or module_id in self.assigned

    def reaches_track(self, course: Course, track: dict[str, Any]) -> bool:
        """The child may open this track: a children's track, or assigned."""
        return course.track_for_children(track) or track["id"] in self.assigned_tracks

    @staticmethod
    def shows_sources(course: Course, module_id: str) -> bool:
        """Sources of children's modules are for children; adults' sources are not."""
        return course.for_children(module_id)

    def tracks(self, course: Course) -> list[dict[str, Any]]:
        """The children's tracks of the child's bands, then tracks assigned to them."""
        mine = course.children_tracks(self.bands)
        ids = {t["id"] for t in mine}
        return mine + [
            t for t in course.tracks if t["id"] in self.assigned_tracks - ids
        ]

    def module_ids(self, course: Course) -> list[str]:
        """Children's modules in course order, then the adult modules assigned."""
        children = [m for m in course.modules if course.for_children(m)]
        return children + [
            m for m in course.modules if m in self.assigned and m not in children
        ]


_BANDS = (
    select(Group.child_ages)
    .join(Membership, Membership.group_id == Group.id)
    .where(Membership.user_id == bindparam("user_id"), Group.child_ages.is_not(None))
    .distinct()
)


def child_pathway(session: Session, user: User, course: Course) -> Pathway | None:
    """The learner's pathway when they are a child (None for everyone else).

    One query for an adult learner, two for a child; none for visitors and teachers.
    """
    if not user.is_authenticated or user.has_role(Role.TEACHER):
        return None
    # A Core statement built once: every adult learner's lesson page pays for it.
    bands = session.connection().execute(_BANDS, {"user_id": user.id}).scalars().all()
    if not bands:
        return None
    assignments = list(
        session.scalars(
            select(Assignment)
            .join(Membership, Membership.group_id == Assignment.group_id)
            .where(Membership.user_id == user.id, assigned_to(user.id))
        )
    )
    return Pathway(
        tuple(sorted(bands)),
        frozenset(assigned_modules(course, assignments)),
        frozenset(a.item_id for a in assignments if a.kind == TRACK),
    )


def for_adults(course: Course | None, kind: str, item_id: str) -> bool:
    """An assigned module or track that is written for adults."""
    if course is None:
        return False
    if kind == MODULE:
        return course.module(item_id) is not None and not course.for_children(item_id)
    found = course.track(item_id)
    return found is not None and not course.track_for_children(found)


def children_classes(session: Session, teacher: User) -> list[Group]:
    """The classes of children a teacher owns or co-owns (for the content note)."""
    if not teacher.is_authenticated or not teacher.has_role(Role.TEACHER):
        return []
    return list(
        session.scalars(
            select(Group)
            .where(owner_filter(teacher), Group.child_ages.is_not(None))
            .order_by(Group.name)
        )
    )
