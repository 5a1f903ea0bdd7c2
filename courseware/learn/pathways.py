"""What a learner is shown: the whole course, unless another feature narrows it.

The teach feature answers for learners in a class of children (their pathway) and for
teachers (their classes of children), through ``courseware.learn.signals``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import Course
from courseware.learn import signals


def child_pathway(session: Session, user: User, course: Course) -> Any | None:
    """The pathway that narrows what this learner sees, or None for the whole course.

    The pathway answers ``reaches``, ``reaches_track``, ``tracks``, ``module_ids``
    and ``shows_sources`` (see ``courseware.teach.services.children.Pathway``).
    """
    answers = signals.send(
        signals.learner_pathway, session=session, user=user, course=course
    )
    return next((found for found in answers if found is not None), None)


def children_classes(session: Session, user: User) -> list[Any]:
    """The classes of children ``user`` teaches (for the note on adult content)."""
    answers = signals.send(signals.children_classes, session=session, user=user)
    return [group for found in answers for group in found or ()]
