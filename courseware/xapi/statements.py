"""Building statements: tincan objects, then the few fixes tincan needs.

tincan sets ``version`` (xAPI says a provider should not), writes microsecond or naive
timestamps and odd durations; we mint the id once, write the timestamp in UTC with
milliseconds and the duration ourselves, and drop empty values.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Statement,
    Verb,
)

from courseware.xapi.vocabulary import TYPES, VERBS, extension, site_url


def actor(pseudonym: str) -> Agent:
    """The learner as an opaque account: never a name or an email."""
    return Agent(account=AgentAccount(home_page=site_url(), name=pseudonym))


def activity(
    activity_id: str, kind: str, name: dict[str, str] | None = None, **definition: Any
) -> Activity:
    """An activity with its type and name (a language map)."""
    fields = {"type": TYPES[kind], **definition}
    if name:
        fields["name"] = LanguageMap(name)
    return Activity(id=activity_id, definition=ActivityDefinition(**fields))


def duration(seconds: float) -> str:
    """ISO 8601 duration with at most 0.01 s precision."""
    return f"PT{round(max(seconds, 0.0), 2):g}S"


def timestamp(moment: datetime | None = None) -> str:
    """UTC with milliseconds."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clean(value: Any) -> Any:
    """Drop None, empty strings, lists and maps (xAPI allows none of them)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value if v not in (None, "", [], {})]
    return value


def build(
    *,
    pseudonym: str,
    verb: str,
    obj: Activity,
    registration: str,
    language: str,
    version: int | None,
    parents: list[Activity] | None = None,
    grouping: list[Activity] | None = None,
    category: list[Activity] | None = None,
    result: dict[str, Any] | None = None,
    context_extensions: dict[str, Any] | None = None,
    statement_id: str | None = None,
    when: datetime | None = None,
) -> dict[str, Any]:
    """A complete statement as a plain dict, ready to be stored and sent."""
    verb_id, verb_name = VERBS[verb]
    extensions = dict(context_extensions or {})
    if version is not None:
        extensions[extension("content-version")] = version
    statement = Statement(
        id=statement_id or str(uuid.uuid4()),
        actor=actor(pseudonym),
        verb=Verb(id=verb_id, display=LanguageMap({"en-US": verb_name})),
        object=obj,
        context=Context(
            registration=registration,
            language=language,
            context_activities=ContextActivities(
                parent=parents or None,
                grouping=grouping or None,
                category=category or None,
            ),
            extensions=Extensions(extensions) if extensions else None,
        ),
    )
    data = json.loads(statement.to_json())
    data.pop("version", None)
    data["timestamp"] = timestamp(when)
    if result:
        data["result"] = _result(result)
    return _clean(data)


def _result(fields: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("success", "completion", "response"):
        if key in fields and fields[key] is not None:
            data[key] = fields[key]
    if "score" in fields and fields["score"] is not None:
        raw, maximum = fields["score"]
        data["score"] = {
            "scaled": round(raw / maximum, 4) if maximum else 0.0,
            "raw": raw,
            "min": 0,
            "max": maximum,
        }
    if fields.get("duration") is not None:
        data["duration"] = duration(fields["duration"])
    if fields.get("extensions"):
        data["extensions"] = fields["extensions"]
    return data
