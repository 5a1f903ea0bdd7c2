"""Request helpers every feature's views share: the course and the languages."""

from __future__ import annotations

from flask import abort
from flask_babel import get_locale

from courseware.content.runtime import Course, active_course


def interface_language() -> str:
    """The language of the interface for this request."""
    return str(get_locale() or "en").split("_")[0]


def content_language(course: Course) -> str:
    """The interface language when the course has it, else the source language."""
    lang = interface_language()
    return lang if lang in course.languages else course.source_language


def require_course() -> Course:
    """The active course, or a 404 page that says nothing is published yet."""
    course = active_course()
    if course is None:
        abort(404, description="no-content")
    return course
