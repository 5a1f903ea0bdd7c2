"""Endpoints: media events from the player, and our published xAPI profile."""

from __future__ import annotations

from importlib import resources

from flask import Response, abort, jsonify, request
from flask_login import current_user, login_required

from courseware.db import get_session
from courseware.learn.services import learner
from courseware.learn.views import content_language, require_course
from courseware.xapi.media import accept

MAX_EVENTS = 200


@login_required
def media_events():
    """Queue the player's events (CSRF header required; duplicates are harmless)."""
    course = require_course()
    data = request.get_json(silent=True)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS:
        abort(400)
    lang = str(data.get("language") or content_language(course))
    if lang not in course.languages:
        lang = content_language(course)
    who = learner(get_session(), current_user, course, lang)
    accepted, rejected = accept(get_session(), course, who, events)
    return jsonify(accepted=accepted, rejected=rejected)


def profile():
    """Our xAPI profile (JSON-LD): the vocabulary and statement templates we use."""
    text = (
        resources.files("courseware.xapi").joinpath("profile.jsonld").read_text("utf-8")
    )
    if not text:
        abort(404)
    return Response(
        text,
        mimetype="application/ld+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
