"""After a validated launch: the launch row, the LMS context and link, where the
launch leads, and the single-use ticket that signs the learner in first-party."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import active_course
from courseware.db import insert_ignore, serialise, upsert
from courseware.lti.models import LtiContext, LtiLaunch, LtiPlatform, LtiResourceLink
from courseware.lti.services import people, store
from courseware.lti.services.launch import CLAIM, ValidatedLaunch
from courseware.teach.models import Group

CONTEXT = CLAIM + "context"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
TARGET_LINK_URI = CLAIM + "target_link_uri"
#: The custom parameter that names a target, e.g. ``module:online-safety-basics``.
TARGET_PARAMETER = "courseware_target"
#: Claims never stored (people's names and emails stay at the LMS).
PERSONAL = ("name", "given_name", "family_name", "middle_name", "email", "picture")
TICKET_SECONDS = 120


def _context(
    session: Session, platform: LtiPlatform, claims: dict
) -> LtiContext | None:
    context = claims.get(CONTEXT) or {}
    context_id = str(context.get("id") or "")[:255]
    if not context_id:
        return None
    title = str(context.get("title") or context.get("label") or "")[:255]
    insert_ignore(
        session, LtiContext, platform_id=platform.id, context_id=context_id, title=title
    )
    return session.scalars(
        select(LtiContext).where(
            LtiContext.platform_id == platform.id, LtiContext.context_id == context_id
        )
    ).one()


def _resource_link(
    session: Session, platform: LtiPlatform, context: LtiContext | None, claims: dict
) -> LtiResourceLink | None:
    link = claims.get(RESOURCE_LINK) or {}
    link_id = str(link.get("id") or "")[:255]
    if not link_id:
        return None
    values = {
        "platform_id": platform.id,
        "resource_link_id": link_id,
        "context_pk": context.id if context else None,
        "title": str(link.get("title") or "")[:255],
    }
    target = parse_target(claims)
    if target:
        values["target"] = target
    upsert(
        session,
        LtiResourceLink,
        values,
        index=["platform_id", "resource_link_id"],
        update=[k for k in values if k not in ("platform_id", "resource_link_id")],
    )
    return session.scalars(
        select(LtiResourceLink).where(
            LtiResourceLink.platform_id == platform.id,
            LtiResourceLink.resource_link_id == link_id,
        )
    ).one()


def parse_target(claims: dict) -> str | None:
    """The target the launch names: the custom parameter, else a course address in
    ``target_link_uri``; None when it names neither."""
    custom = claims.get(CUSTOM) or {}
    named = custom.get(TARGET_PARAMETER) if isinstance(custom, dict) else None
    if isinstance(named, str) and named.strip():
        return named.strip()[:200]
    uri = str(claims.get(TARGET_LINK_URI) or "")
    path = uri.split("://", 1)[-1].partition("/")[2].split("?")[0].strip("/")
    parts = path.split("/")
    for i, part in enumerate(parts):  # any URL prefix before the course's paths
        rest = parts[i + 1 :]
        if part == "tracks" and len(rest) == 1:
            return f"track:{rest[0]}"
        if part == "modules" and len(rest) == 1:
            return f"module:{rest[0]}"
        if part == "modules" and len(rest) == 2:
            return f"lesson:{rest[0]}/{rest[1]}"
        if part == "quizzes" and len(rest) == 1:
            return f"quiz:{rest[0]}"
    return None


def target_url(target: str | None) -> str | None:
    """Where ``target`` is in the active course; None when it is not there."""
    course = active_course()
    if not target:
        return url_for("courseware.home")
    kind, _sep, ident = target.partition(":")
    if course is None:
        return None
    if kind == "track" and course.track(ident):
        return url_for("courseware_learn.track", track_id=ident)
    if kind == "module" and course.module(ident):
        return url_for("courseware_learn.module", module_id=ident)
    if kind == "lesson":
        module_id, _sep, lesson_id = ident.partition("/")
        if course.lesson(module_id, lesson_id):
            return url_for(
                "courseware_learn.lesson", module_id=module_id, lesson_id=lesson_id
            )
    if kind == "quiz" and course.quiz(ident):
        return url_for("courseware_quiz.overview", quiz_id=ident)
    return None


def stored_claims(claims: dict) -> str:
    """The claims as stored: without names and emails."""
    kept = {k: v for k, v in claims.items() if k not in PERSONAL}
    return json.dumps(kept, sort_keys=True, default=str)


def record_launch(
    session: Session, valid: ValidatedLaunch
) -> tuple[LtiLaunch, User | None, Group | None]:
    """The launch row, its user (None: the account is disabled) and their class."""
    platform, claims = valid.platform, valid.claims
    # Two launches of one new person at once: one at a time from here on.
    serialise(session, f"courseware-lti-user-{platform.id}-{claims['sub']}")
    teacher = people.is_teacher(claims.get(people.ROLES))
    user = people.link_user(session, platform, claims, teacher)
    if user is None:
        return None, None, None
    context = _context(session, platform, claims)
    link = _resource_link(session, platform, context, claims)
    launch = LtiLaunch(
        id=str(uuid.uuid4()),
        platform_id=platform.id,
        user_id=user.id,
        context_pk=context.id if context else None,
        resource_link_pk=link.id if link else None,
        message_type=valid.message_type,
        claims=stored_claims(claims),
    )
    session.add(launch)
    session.flush()
    group = None
    if context is not None:
        if teacher:
            group = people.context_group(session, context, user, context.title)
        elif context.group_id is not None:
            people.join(session, context.group_id, user.id)
            group = session.get(Group, context.group_id)
    return launch, user, group


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def frame_origins(launch: LtiLaunch) -> list[str]:
    """The origins that may frame our pages during this LTI session: the
    platform's issuer and authorisation URL, and the LMS pages the signed launch
    names (``launch_presentation.return_url``, ``tool_platform.url``): a Canvas
    course lives on the school's host, not on the issuer's."""
    claims = json.loads(launch.claims)
    urls = [launch.platform.issuer, launch.platform.auth_login_url]
    for claim, name in (
        ("launch_presentation", "return_url"),
        ("tool_platform", "url"),
    ):
        value = (claims.get(CLAIM + claim) or {}).get(name)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            urls.append(value)
    return sorted({origin(url) for url in urls if " " not in url and ";" not in url})


def lti_context(launch: LtiLaunch) -> dict[str, Any]:
    """The LMS context of a launch as recorded in xAPI statements."""
    return {
        k: v
        for k, v in {
            "platform": launch.platform.issuer,
            "context_id": launch.context.context_id if launch.context else None,
            "resource_link_id": (
                launch.resource_link.resource_link_id if launch.resource_link else None
            ),
        }.items()
        if v
    }


def new_ticket(session: Session, launch: LtiLaunch) -> str:
    """A single-use ticket, valid for two minutes, that signs in the launch's user."""
    token = uuid.uuid4().hex + uuid.uuid4().hex
    store.put(session, f"ticket-{token}", launch.id, TICKET_SECONDS)
    return token


def peek_ticket(session: Session, token: str) -> LtiLaunch | None:
    """The launch of a live ticket, without using it."""
    launch_id = store.get(session, f"ticket-{token}") if token else None
    return session.get(LtiLaunch, launch_id) if launch_id else None


def use_ticket(session: Session, token: str) -> LtiLaunch | None:
    """The launch of a live ticket, which is used up (None: used, expired, unknown)."""
    launch_id = store.take(session, f"ticket-{token}") if token else None
    return session.get(LtiLaunch, launch_id) if launch_id else None


def launch_target(launch: LtiLaunch) -> str | None:
    """Where a resource-link launch leads (None: its target is not in the course)."""
    claims = json.loads(launch.claims)
    target = parse_target(claims)
    if target is None and launch.resource_link is not None:
        target = launch.resource_link.target
    return target_url(target)
