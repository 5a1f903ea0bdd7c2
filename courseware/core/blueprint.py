"""The core blueprint: home, health, language switch and static files."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, session, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from courseware.core.skeleton import end_section, rendering_skeleton, section, slot
from courseware.i18n import LANGUAGE_NAMES, supported_languages, text_direction


@lru_cache(maxsize=512)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """URL of a static file with a content hash, so it can be cached for a year."""
    folder = Path(current_app.config["COURSEWARE_STATIC_DIR"])
    path = folder / filename
    try:
        # Files change only in development: elsewhere skip the stat() per request.
        stamp = path.stat().st_mtime if current_app.debug or current_app.testing else 0
        version = _fingerprint(str(path), stamp)
    except OSError:
        version = "missing"
    return url_for("courseware.static", filename=filename, v=version)


_SIGNED: OrderedDict[str, tuple[str, float]] = OrderedDict()
_SIGNED_TTL = 60.0  # seconds a signed token is reused; Flask-WTF accepts it for an hour


def csrf_value() -> str:
    """The CSRF token of this session, signed.

    Signing the session's token costs more than rendering a cached page, so the signed
    form is reused for a minute per session token (it stays valid for an hour).
    """
    if rendering_skeleton():
        return slot("csrf")
    raw = session.get("csrf_token")
    # Tokens are signed with each app's own secret: key the cache by app too.
    key = f"{id(current_app._get_current_object())}:{raw}"
    now = time.monotonic()
    if raw and (hit := _SIGNED.get(key)) and now - hit[1] < _SIGNED_TTL:
        g.csrf_token = hit[0]
        return hit[0]
    token = generate_csrf()
    raw = session.get("csrf_token")
    if raw:
        key = f"{id(current_app._get_current_object())}:{raw}"
        _SIGNED[key] = (token, now)
        _SIGNED.move_to_end(key)
        while len(_SIGNED) > 10000:
            _SIGNED.popitem(last=False)
    return token


class _StaticBlueprint(Blueprint):
    def get_send_file_max_age(self, filename: str | None) -> int | None:
        from flask import request

        return 31536000 if request.args.get("v") else 300


def make_core_blueprint(app: Flask) -> Blueprint:
    """The core blueprint, serving static files from the configured folder."""
    from courseware.core import views

    bp = _StaticBlueprint(
        "courseware",
        __name__,
        static_folder=app.config["COURSEWARE_STATIC_DIR"],
        static_url_path="/static",
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    views.register(bp)

    @bp.app_template_filter("filesize")
    def _filesize(size: int) -> str:
        """Bytes in KB or MB, in the reader's number format."""
        from flask_babel import format_decimal

        if size >= 1024 * 1024:
            return f"{format_decimal(round(size / 1024 / 1024, 1))} MB"
        return f"{format_decimal(max(round(size / 1024), 1))} KB"

    @bp.app_template_filter("duration_seconds")
    def _duration_seconds(seconds: float) -> int:
        """Whole seconds (an odd stored value gives 0, never an error)."""
        try:
            return max(int(seconds or 0), 0)
        except (OverflowError, ValueError, TypeError):
            return 0

    @bp.app_template_filter("duration")
    def _duration(seconds: float) -> str:
        """Seconds as m:ss (an odd stored value shows as 0:00, never an error)."""
        try:
            total = int(seconds or 0)
        except (OverflowError, ValueError, TypeError):
            total = 0
        return f"{total // 60}:{total % 60:02d}"

    @bp.app_context_processor
    def _layout_context():
        locale = str(get_locale() or current_app.config["COURSEWARE_DEFAULT_LANGUAGE"])
        lang = locale.split("_")[0]

        def lang_attrs(code: str) -> Markup:
            """` lang=".." dir=".."` for content in another language than the page."""
            if not code or code == lang:
                return Markup("")
            return Markup(' lang="%s" dir="%s"') % (code, text_direction(code))

        def in_language(course, value, wanted: str) -> Markup:
            """A language map's text, marked with its language if not the page's.

            Arabic pages show English fallback text: marked, it runs left to right
            with its full stops and brackets where they belong.
            """
            text, code = course.text_and_language(value, wanted)
            if code == lang:
                return Markup("%s") % text
            return Markup('<span lang="%s" dir="%s">%s</span>') % (
                code,
                text_direction(code),
                text,
            )

        return {
            "lang_attrs": lang_attrs,
            "in_language": in_language,
            "page_lang": lang,
            "page_dir": text_direction(lang),
            "language_choices": [
                (code, LANGUAGE_NAMES.get(code, code)) for code in supported_languages()
            ],
            "static_url": static_url,
            "csrf_value": csrf_value,
            "slot": slot,
            "section": section,
            "end_section": end_section,
            "text_dir": text_direction,
            "language_names": LANGUAGE_NAMES,
        }

    return bp
