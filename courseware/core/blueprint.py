"""The core blueprint: home, health, language switch and static files."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, url_for
from flask_babel import format_decimal, get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from courseware.core import views
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


def csrf_value() -> str:
    """The session's signed CSRF token (Flask-WTF's, made once per request)."""
    if rendering_skeleton():
        return slot("csrf")
    return generate_csrf()


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

bp = Blueprint("courseware", __name__, template_folder=str(TEMPLATES))
bp.add_url_rule("/", "home")  # the view is the learn feature's catalogue: set_home
bp.add_url_rule("/healthz", "healthz", views.healthz)
bp.add_url_rule("/language", "set_language", views.set_language, methods=["POST"])
# From the configured folder (COURSEWARE_STATIC_DIR), read per request.
bp.add_url_rule("/static/<path:filename>", "static", views.static_file)


@bp.app_template_filter("filesize")
def _filesize(size: int) -> str:
    """Bytes in KB or MB, in the reader's number format."""
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

