"""Media events from the browser: checked, turned into Video Profile statements, queued.

The browser mints each statement id and the session id and sends plain events; the
server decides the actor, registration, context and version, so a page can never send
a statement about someone else or about media that is not in the lesson.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.content.runtime import Course
from courseware.core.payload import UUID4 as UUID4_PATTERN
from courseware.xapi.events import Learner, _course, _lesson, _module
from courseware.xapi.models import OutboxStatement
from courseware.xapi.outbox import record
from courseware.xapi.statements import activity, build
from courseware.xapi.vocabulary import VIDEO_CATEGORY, VIDEO_EXT, activity_id

VERBS = {"initialized", "played", "paused", "seeked", "completed", "terminated"}
SEGMENTS = re.compile(
    r"^(\d+(\.\d{1,3})?\[\.\]\d+(\.\d{1,3})?)(\[,\]\d+(\.\d{1,3})?\[\.\]"
    r"\d+(\.\d{1,3})?)*$"
)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$")
MAX_AGE = timedelta(days=30)  # events queued offline for longer are refused


class EventError(ValueError):
    """An event with a bad shape or one that does not belong to this learner."""


#: Longest media time accepted, in seconds (a day; our videos last minutes).
MAX_SECONDS = 86400.0
UUID4 = re.compile(UUID4_PATTERN)


def _number(event: dict, key: str, required: bool = True) -> float | None:
    value = event.get(key)
    if value is None and not required:
        return None
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not 0 <= value <= MAX_SECONDS
    ):
        raise EventError(f"{key} must be a number of seconds from 0 to 86400")
    return round(float(value), 3)


def _uuid4(event: dict, key: str) -> str:
    """The event's uuid4 exactly as sent (lowercase, version 4): never rewritten."""
    value = event.get(key)
    if not isinstance(value, str) or not UUID4.match(value):
        raise EventError(f"{key} must be a lowercase uuid4")
    return value


def _when(event: dict) -> datetime:
    raw = event.get("timestamp")
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise EventError("timestamp must be ISO 8601") from None
    if moment.tzinfo is None:
        raise EventError("timestamp must carry a time zone")
    now = datetime.now(UTC)
    if moment > now + timedelta(seconds=5) or moment < now - MAX_AGE:
        raise EventError("timestamp is in the future or too old")
    return min(moment, now)


def _media_block(
    course: Course, module_id: str, lesson_id: str, media_id: str, lang: str
) -> dict:
    versions = course.lesson(module_id, lesson_id) or {}
    ordered = [versions[lang]] if lang in versions else []
    for lesson in ordered + list(versions.values()):
        for block in lesson["blocks"]:
            if block["type"] in ("video", "audio") and block.get("id") == media_id:
                return block
    raise EventError("no such media in this lesson")


def statement_for(course: Course, learner: Learner, event: dict) -> dict[str, Any]:
    """Check one event and build its Video Profile statement."""
    statement_id, session_id = _uuid4(event, "id"), _uuid4(event, "session")
    verb = event.get("verb")
    if verb not in VERBS:
        raise EventError("unknown verb")
    module_id, lesson_id = event.get("module"), event.get("lesson")
    media_id = event.get("media")
    if not all(isinstance(v, str) for v in (module_id, lesson_id, media_id)):
        raise EventError("module, lesson and media must be ids")
    block = _media_block(course, module_id, lesson_id, media_id, learner.language)
    length = _number(
        event, "length", verb in ("initialized", "paused", "completed", "terminated")
    )
    result_ext: dict[str, Any] = {}
    if verb in ("played", "paused", "completed", "terminated"):
        result_ext[VIDEO_EXT + "time"] = _number(event, "time")
    if verb in ("paused", "completed", "terminated"):
        progress = _number(event, "progress")
        if progress > 1:
            raise EventError("progress is between 0 and 1")
        segments = event.get("segments") or ""
        if not isinstance(segments, str) or len(segments) > 4000:
            raise EventError("played-segments has the wrong form")
        if segments and not SEGMENTS.match(segments):
            raise EventError("played-segments has the wrong form")
        result_ext[VIDEO_EXT + "progress"] = round(progress, 3)
        result_ext[VIDEO_EXT + "played-segments"] = segments or "0[.]0"
    if verb == "seeked":
        result_ext[VIDEO_EXT + "time-from"] = _number(event, "from")
        result_ext[VIDEO_EXT + "time-to"] = _number(event, "to")
    result: dict[str, Any] = {"extensions": result_ext} if result_ext else {}
    if verb == "completed":
        result.update(
            completion=True, duration=_number(event, "watched", required=False) or 0.0
        )
    context = {VIDEO_EXT + "session-id": session_id}
    if length is not None:
        context[VIDEO_EXT + "length"] = length
    subtitles = event.get("subtitles")
    if subtitles:
        if not isinstance(subtitles, str) or not LANGUAGE_TAG.match(subtitles):
            raise EventError("subtitles must be a language tag")
        context[VIDEO_EXT + "cc-subtitle-lang"] = subtitles
    obj = activity(
        activity_id("media", media_id), "video", {learner.language: block["title"]}
    )
    statement = build(
        pseudonym=learner.pseudonym,
        registration=learner.registration,
        language=learner.language,
        version=learner.version,
        verb=verb,
        obj=obj,
        parents=[_lesson(course, module_id, lesson_id)],
        grouping=[_module(course, module_id), _course(course)],
        category=[activity(VIDEO_CATEGORY, "profile")],
        result=result or None,
        context_extensions=context,
        statement_id=statement_id,
        when=_when(event),
    )
    return statement


def accept(
    session: Session, course: Course, learner: Learner, events: list[dict]
) -> tuple[list[str], list[dict[str, str]]]:
    """Queue every valid new event; duplicates (same id) are accepted and ignored.

    Two tabs flushing one queue at once: the outbox's primary key decides, and the
    loser's insert does nothing (never an error).
    """
    ids = [
        e["id"] for e in events if isinstance(e, dict) and isinstance(e.get("id"), str)
    ]
    known = set(
        session.scalars(select(OutboxStatement.id).where(OutboxStatement.id.in_(ids)))
    )
    accepted, rejected = [], []
    for event in events:
        if not isinstance(event, dict):
            rejected.append({"id": "", "reason": "not an object"})
            continue
        event_id = event.get("id") if isinstance(event.get("id"), str) else ""
        if event_id in known:
            accepted.append(event_id)
            continue
        try:
            statement = statement_for(course, learner, event)
        except EventError as exc:
            rejected.append({"id": event_id[:64], "reason": str(exc)})
            continue
        record(session, statement, learner.user_id, source="browser", if_new=True)
        known.add(event_id)
        accepted.append(event_id)
    return accepted, rejected
