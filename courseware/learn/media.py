"""Media: published files served inert, and the player's events taken in.

Files keep their stored type, sandboxed, never sniffed.
The type was decided when the content was checked (extension and bytes) and stored
with the blob; the name in the URL is only the download name. Any version's media
are served, so that pages of an older version (rolled back, or open in a tab when a
new one was published) keep working; a blob no version references answers 404.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from flask import abort, current_app, jsonify, send_file
from flask_login import current_user, login_required

from courseware.content.mediatypes import content_type
from courseware.content.services import media_blob, published_media_type
from courseware.core.payload import json_body
from courseware.core.requests import content_language, require_course
from courseware.db import get_session
from courseware.learn.services import learner
from courseware.xapi.media import accept

SHA = re.compile(r"[0-9a-f]{64}")
#: Opened on its own, a file is a sandboxed document that may load nothing.
MEDIA_POLICY = "sandbox; default-src 'none'"
YEAR = 31536000
MAX_EVENTS = 200
#: The player's queue: each event is then checked on its own (see xapi/media.py).
MEDIA_EVENTS = {
    "type": "object",
    "properties": {
        "events": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_EVENTS,
            "items": {"type": "object"},
        },
        "language": {"type": ["string", "null"], "maxLength": 16},
    },
    "required": ["events"],
    "additionalProperties": False,
}


def _cached(sha: str) -> Path:
    """The blob's bytes in this instance's file cache (written once, atomically)."""
    cache = Path(current_app.instance_path) / "media-cache" / sha[:2] / sha
    if not cache.exists():
        blob = media_blob(get_session(), sha)
        if blob is None:
            abort(404)
        cache.parent.mkdir(parents=True, exist_ok=True)
        # A file of its own per writer (threads share a pid), then an atomic rename.
        fd, partial = tempfile.mkstemp(dir=cache.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob.data)
        os.replace(partial, cache)
    return cache


def media(sha: str, name: str):
    """A published media file by content hash (immutable: cached for a year)."""
    if not SHA.fullmatch(sha) or len(name) > 255 or not name.isprintable():
        abort(404)
    media_type = published_media_type(get_session(), sha)
    if media_type is None:
        abort(404)
    response = send_file(
        _cached(sha),
        mimetype=media_type,
        conditional=True,
        max_age=YEAR,
        download_name=name,
        etag=sha,
    )
    headers = response.headers
    headers["Content-Type"] = content_type(media_type)
    headers["Content-Security-Policy"] = MEDIA_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@login_required
def media_events():
    """Queue the player's events (CSRF header required; duplicates are harmless)."""
    course = require_course()
    data = json_body(MEDIA_EVENTS)
    events = data["events"]
    lang = data.get("language") or content_language(course)
    if lang not in course.languages:
        lang = content_language(course)
    who = learner(get_session(), current_user, course, lang)
    accepted, rejected = accept(get_session(), course, who, events)
    return jsonify(accepted=accepted, rejected=rejected)
