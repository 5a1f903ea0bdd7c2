"""Assignment and Grade Services: what a launch says, and scores queued for it.

A launch with the AGS claim records (or refreshes) the learner's grade target for
that resource link. A graded quiz, a completed module or track then queues one score
per matching target in the learner's own unit of work; ``worker.py`` sends them.

How our events map to AGS (``activityProgress`` / ``gradingProgress``):

============================  =======================  ==============  ============
event                         target                   activity        grading
============================  =======================  ==============  ============
quiz graded, passed           ``quiz:<id>``            Completed       FullyGraded
quiz graded, not passed       ``quiz:<id>``            Submitted       FullyGraded
quiz graded (module not yet   ``module:<id>``          InProgress      Pending
complete)
module completed              ``module:<id>``          Completed       FullyGraded
module completed (track not   ``track:<id>``           InProgress      Pending
yet complete)
track completed               ``track:<id>``           Completed       FullyGraded
============================  =======================  ==============  ============

Scores: a quiz's points of its total (``scoreGiven``/``scoreMaximum``); a module's
best passing attempt of its quiz (1 of 1 for a module without a quiz); a track's
completed modules of its modules. A later event's ``timestamp`` is always later
than the one before for the same target (at least by a millisecond), so that the
platform keeps the newest, and a newer score supersedes an older one still queued.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from courseware.db import insert_ignore, utcnow
from courseware.learn.models import Completion
from courseware.lti.models.grades import LtiGradeTarget, LtiScore, ScoreState
from courseware.lti.services.connector import SCOPE_LINEITEM, SCOPE_SCORE
from courseware.quiz.models import QuizAttempt

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
#: Kinds of targets that have a grade (a lesson has none).
GRADED_KINDS = ("quiz", "module", "track")

COMPLETED, SUBMITTED, IN_PROGRESS = "Completed", "Submitted", "InProgress"
FULLY_GRADED, PENDING = "FullyGraded", "Pending"


def iso_timestamp(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the UTC offset, as AGS asks."""
    return moment.isoformat(timespec="milliseconds")


def record_launch(
    session: Session, user, platform_id: int, target: str | None, claims: dict
) -> LtiGradeTarget | None:
    """Record where this learner's results for the launched link go (an upsert).

    Nothing is recorded for a link without a graded target or without the AGS
    claim. The claim's line item replaces the one known before; a launch that
    names none keeps the one found or created earlier.
    """
    endpoint = claims.get(AGS_CLAIM)
    link = claims.get(RESOURCE_LINK_CLAIM) or {}
    if not (isinstance(endpoint, dict) and target and link.get("id")):
        return None
    if target.partition(":")[0] not in GRADED_KINDS:
        return None
    scopes = endpoint.get("scope") or []
    values = {
        "sub": str(claims["sub"])[:255],
        "context_id": str((claims.get(CONTEXT_CLAIM) or {}).get("id") or "")[:255]
        or None,
        "target": target[:200],
        "title": str(link.get("title") or "")[:255] or None,
        "lineitems_url": endpoint.get("lineitems") or None,
        "scopes": " ".join(str(s) for s in scopes if isinstance(s, str)),
        "updated_at": utcnow(),
    }
    key = {
        "platform_id": platform_id,
        "user_id": user.id,
        "resource_link_id": str(link["id"])[:255],
    }
    lineitem = endpoint.get("lineitem") or None
    insert_ignore(session, LtiGradeTarget, **key, **values, lineitem_url=lineitem)
    if lineitem:
        values["lineitem_url"] = lineitem
    session.execute(
        update(LtiGradeTarget)
        .where(*(getattr(LtiGradeTarget, name) == value for name, value in key.items()))
        .values(**values)
    )
    return session.scalars(
        select(LtiGradeTarget).where(
            *(getattr(LtiGradeTarget, name) == value for name, value in key.items())
        ),
        execution_options={"populate_existing": True},
    ).one()


def can_post(target: LtiGradeTarget) -> bool:
    """The launch let us post scores there: the score scope and a line item to
    post to (or the line items URL and the scope to find or create one)."""
    scopes = set(target.scopes.split())
    if SCOPE_SCORE not in scopes:
        return False
    return bool(
        target.lineitem_url or (target.lineitems_url and SCOPE_LINEITEM in scopes)
    )


def targets(session: Session, user_id: int, names: list[str]) -> list[LtiGradeTarget]:
    """The learner's grade targets for these targets ("module:x", ...)."""
    found = session.scalars(
        select(LtiGradeTarget)
        .where(LtiGradeTarget.user_id == user_id, LtiGradeTarget.target.in_(names))
        .order_by(LtiGradeTarget.id)
    )
    return [target for target in found if can_post(target)]


def queue_score(
    session: Session,
    target: LtiGradeTarget,
    event: str,
    given: float,
    maximum: float,
    activity: str,
    grading: str,
) -> LtiScore | None:
    """Queue one score for ``target`` in this unit of work; None if already queued.

    Older scores of the target that no worker holds are superseded: the platform
    keeps the latest timestamp, and so do we.
    """
    now = utcnow()
    last = session.scalar(
        select(func.max(LtiScore.timestamp)).where(LtiScore.target_id == target.id)
    )
    moment = max(now, last + timedelta(milliseconds=1)) if last else now
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    body = {
        "userId": target.sub,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": activity,
        "gradingProgress": grading,
        "timestamp": iso_timestamp(moment),
    }
    score_id = str(uuid.uuid4())
    if not insert_ignore(
        session,
        LtiScore,
        id=score_id,
        target_id=target.id,
        platform_id=target.platform_id,
        user_id=target.user_id,
        event=event[:120],
        lineitem_url=target.lineitem_url,
        body=json.dumps(body, separators=(",", ":")),
        timestamp=moment,
        score_given=given,
        score_maximum=maximum,
        state=ScoreState.PENDING,
        tries=0,
        created_at=now,
        next_attempt_at=now,
    ):
        return None
    session.execute(
        update(LtiScore)
        .where(
            LtiScore.target_id == target.id,
            LtiScore.state == ScoreState.PENDING,
            LtiScore.timestamp < moment,
            or_(LtiScore.lease_until.is_(None), LtiScore.lease_until < now),
        )
        .values(state=ScoreState.SUPERSEDED, lease_owner=None, lease_until=None)
    )
    return session.get(LtiScore, score_id)


# -- from learning events to scores -----------------------------------------------


def _completed(session: Session, user_id: int, kind: str) -> set[str]:
    return set(
        session.scalars(
            select(Completion.item_id).where(
                Completion.user_id == user_id, Completion.kind == kind
            )
        )
    )


def on_quiz_graded(session: Session, user, course, attempt) -> int:
    """A graded attempt: its score to the quiz's links (and to its module's links,
    while the module is not complete). How many scores were queued."""
    queued = 0
    points, total = float(attempt.points or 0), float(attempt.total or 0)
    if total <= 0:
        return 0
    for target in targets(session, user.id, [f"quiz:{attempt.quiz_id}"]):
        activity = COMPLETED if attempt.passed else SUBMITTED
        queued += bool(
            queue_score(
                session,
                target,
                f"quiz-graded:{attempt.id}",
                points,
                total,
                activity,
                FULLY_GRADED,
            )
        )
    if attempt.module_id in _completed(session, user.id, "module"):
        return queued  # the module's grade is final: an attempt after it changes none
    for target in targets(session, user.id, [f"module:{attempt.module_id}"]):
        queued += bool(
            queue_score(
                session,
                target,
                f"module-quiz:{attempt.id}",
                points,
                total,
                IN_PROGRESS,
                PENDING,
            )
        )
    return queued


def module_score(session: Session, user_id: int, module: dict) -> tuple[float, float]:
    """A completed module's score: its quiz's best passing attempt, else 1 of 1."""
    quiz_id = module.get("quiz")
    if not quiz_id:
        return 1.0, 1.0
    best = session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.passed.is_(True),
            QuizAttempt.total > 0,
        )
        .order_by(QuizAttempt.score.desc(), QuizAttempt.id)
        .limit(1)
    ).first()
    if best is None:
        return 1.0, 1.0
    return float(best.points), float(best.total)


def on_module_completed(session: Session, user, course, module_id: str) -> int:
    """A completed module: its final score to the module's links, and progress to
    the links of the tracks it belongs to (not complete yet)."""
    queued = 0
    module = course.module(module_id) or {}
    given, maximum = module_score(session, user.id, module)
    for target in targets(session, user.id, [f"module:{module_id}"]):
        queued += bool(
            queue_score(
                session,
                target,
                f"module-completed:{module_id}",
                given,
                maximum,
                COMPLETED,
                FULLY_GRADED,
            )
        )
    done = _completed(session, user.id, "module") | {module_id}
    finished = _completed(session, user.id, "track")
    tracks = {
        f"track:{t['id']}": t
        for t in course.tracks
        if module_id in t["modules"] and t["id"] not in finished
    }
    for target in targets(session, user.id, list(tracks)):
        track = tracks[target.target]
        count = sum(1 for m in track["modules"] if m in done)
        if count >= len(track["modules"]):
            continue  # track_completed sends the final score
        queued += bool(
            queue_score(
                session,
                target,
                f"track-progress:{module_id}",
                float(count),
                float(len(track["modules"])),
                IN_PROGRESS,
                PENDING,
            )
        )
    return queued


def on_track_completed(session: Session, user, track: dict) -> int:
    """A completed track: all its modules of all, Completed and FullyGraded."""
    total = float(len(track["modules"]) or 1)
    return sum(
        bool(
            queue_score(
                session,
                target,
                f"track-completed:{track['id']}",
                total,
                total,
                COMPLETED,
                FULLY_GRADED,
            )
        )
        for target in targets(session, user.id, [f"track:{track['id']}"])
    )
