"""The active content version as the views see it: cached, immutable, per process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for
from markupsafe import Markup
from sqlalchemy import select

from courseware.content.blocks import BLOCK_TYPES, RenderContext
from courseware.content.markdown import render_markdown
from courseware.content.models import ContentVersion
from courseware.core.caches import LRU
from courseware.db import get_session
from courseware.i18n import LANGUAGE_NAMES

_lock = threading.Lock()

#: The audience of modules and tracks written for children.
CHILDREN = "children"


@dataclass(frozen=True)
class Course:
    """One published version of the course."""

    version_id: int
    number: int
    data: dict[str, Any]

    @property
    def info(self) -> dict[str, Any]:
        return self.data["course"]

    @property
    def source_language(self) -> str:
        return self.info["source_language"]

    @property
    def languages(self) -> list[str]:
        return list(self.info["languages"])

    @property
    def modules(self) -> dict[str, dict[str, Any]]:
        return self.data["modules"]

    @property
    def tracks(self) -> list[dict[str, Any]]:
        return list(self.info.get("tracks") or [])

    def track(self, track_id: str) -> dict[str, Any] | None:
        return next((t for t in self.tracks if t["id"] == track_id), None)

    def for_children(self, module_id: str) -> bool:
        """The module is written for children (its audiences say ``children``)."""
        return CHILDREN in ((self.module(module_id) or {}).get("audiences") or [])

    def track_for_children(self, track: dict[str, Any]) -> bool:
        """A children's track: ``audience: children``, or only children's modules."""
        if "audience" in track:
            return track["audience"] == CHILDREN
        return all(self.for_children(m) for m in track["modules"])

    def children_tracks(self, ages: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Children's tracks for these age bands (all of them when none matches)."""
        tracks = [t for t in self.tracks if self.track_for_children(t)]
        banded = [t for t in tracks if t.get("ages") in ages or "ages" not in t]
        return banded or tracks

    def module(self, module_id: str) -> dict[str, Any] | None:
        return self.modules.get(module_id)

    def quiz(self, quiz_id: str | None) -> dict[str, Any] | None:
        return self.data["quizzes"].get(quiz_id) if quiz_id else None

    def lesson(self, module_id: str, lesson_id: str) -> dict[str, dict] | None:
        module = self.module(module_id)
        return (module or {}).get("lesson_data", {}).get(lesson_id)

    def lesson_ids(self, module_id: str) -> list[str]:
        return list((self.module(module_id) or {}).get("lessons") or [])

    def text_and_language(
        self, value: dict[str, str] | None, lang: str
    ) -> tuple[str, str]:
        """A language map's text in ``lang`` (else the source) and its language."""
        if not value:
            return "", lang
        for code in (lang, self.source_language, *value):
            if value.get(code):
                return value[code], code
        return "", lang

    def text(self, value: dict[str, str] | None, lang: str) -> str:
        """A language map's text in ``lang``, else in the source language."""
        if not value:
            return ""
        return (
            value.get(lang)
            or value.get(self.source_language)
            or next(iter(value.values()))
        )

    def lesson_language(
        self, module_id: str, lesson_id: str, lang: str
    ) -> tuple[str, str]:
        """(language shown, reason): the wanted one when complete, else the source."""
        versions = self.lesson(module_id, lesson_id) or {}
        if lang in versions and versions[lang]["state"] == "complete":
            return lang, ""
        if lang == self.source_language:
            return lang, ""
        reason = "stale" if lang in versions else "missing"
        return self.source_language, reason

    def media_sha(self, module_id: str, path: str) -> str | None:
        return self.data["media"].get(f"{module_id}/{path}")

    def module_media_bytes(self, module_id: str) -> int:
        """Bytes of all media a module uses (its download size)."""
        prefix = f"{module_id}/"
        return sum(
            size
            for path, size in self.data.get("media_sizes", {}).items()
            if path.startswith(prefix)
        )

    def module_languages(self, module_id: str) -> list[str]:
        """Languages in which every lesson of the module is complete."""
        lessons = [
            self.lesson(module_id, lesson) or {}
            for lesson in self.lesson_ids(module_id)
        ]
        return [
            lang
            for lang in self.languages
            if all(v.get(lang, {}).get("state") == "complete" for v in lessons)
        ]


def _state():
    return current_app.extensions["courseware"]


def _fresh_active(app: Flask) -> tuple[int | None, float] | None:
    """(active version id, when read), unless older than the check interval."""
    known = app.extensions["courseware"].caches.get("active")
    ttl = float(app.config["COURSEWARE_CONTENT_CHECK_SECONDS"])
    if known is None or time.monotonic() - known[1] >= ttl:
        return None
    return known


def active_course() -> Course | None:
    """The active version; which one is active is re-read at most once a second.

    Publishing or activating in this process takes effect at once (``forget_active``);
    other processes follow within ``COURSEWARE_CONTENT_CHECK_SECONDS``.
    """
    known = _fresh_active(current_app)
    if known is None:
        version_id = get_session().scalar(
            select(ContentVersion.id).where(ContentVersion.is_active)
        )
        previous = _state().caches.get("active_id")
        known = (version_id, time.monotonic())
        _state().caches["active"] = known
        if previous is not None and previous != version_id:
            _drop_superseded(version_id)
        _state().caches["active_id"] = version_id
    return None if known[0] is None else course_version(known[0])


#: Size limits of the per-process caches (entries).
CACHE_SIZES = {"versions": 4, "lessons": 2048, "pages": 1024}


def cache(name: str) -> LRU:
    """The app's bounded cache ``name`` (lesson HTML, page skeletons, versions)."""
    caches = _state().caches
    found = caches.get(name)
    if found is None:
        with _lock:
            found = caches.setdefault(name, LRU(CACHE_SIZES[name]))
    return found


def _drop_superseded(active_id: int | None) -> None:
    """Another version became active: what was rendered for the others can go.

    Keys of rendered lessons and page skeletons hold the version id second (pages)
    or first (lessons).
    """
    cache("lessons").drop(lambda key: key[0] != active_id)
    cache("pages").drop(lambda key: key[1] != active_id)


def active_version_id(app: Flask) -> int | None:
    """The active version's id, for code outside a request (the page cache).

    Answers from the same once-a-second cache as :func:`active_course`.
    """
    known = _fresh_active(app)
    if known is None:
        with app.app_context():
            active_course()
        known = app.extensions["courseware"].caches["active"]
    return known[0]


def forget_active() -> None:
    """Make the next request look up the active version again."""
    _state().caches.pop("active", None)


def course_version(version_id: int) -> Course | None:
    """A version by id, cached per process (versions never change)."""
    versions = cache("versions")
    course = versions.get(version_id)
    if course is None:
        version = get_session().get(ContentVersion, version_id)
        if version is None:
            return None
        course = Course(version.id, version.number, version.snapshot)
        versions[version_id] = course
    return course


def media_url(course: Course, module_id: str, path: str) -> str:
    """URL of a media file: its content hash makes it cacheable for a year."""
    sha = course.media_sha(module_id, path) or "missing"
    return url_for("courseware_learn.media", sha=sha, name=path.rsplit("/", 1)[-1])


def _link_resolver(course: Course, module_id: str):
    def resolve(href: str) -> str | None:
        if href.startswith("media/"):
            return media_url(course, module_id, href)
        if href.startswith("module:"):
            return url_for(
                "courseware_learn.module", module_id=href.removeprefix("module:")
            )
        if href.startswith("lesson:"):
            target_module, _, lesson = href.removeprefix("lesson:").rpartition("/")
            return url_for(
                "courseware_learn.lesson",
                module_id=target_module or module_id,
                lesson_id=lesson,
            )
        return None

    return resolve


def render_lesson(course: Course, module_id: str, lesson_id: str, lang: str) -> Markup:
    """The lesson's blocks as HTML, rendered once per (version, lesson, language)."""
    key = (
        course.version_id,
        module_id,
        lesson_id,
        lang,
        current_app.config["COURSEWARE_URL_PREFIX"],
    )
    lessons = cache("lessons")
    html = lessons.get(key)
    if html is not None:
        return html
    resolve = _link_resolver(course, module_id)
    ctx = RenderContext(
        lang=lang,
        module=module_id,
        lesson=lesson_id,
        markdown=lambda text: Markup(render_markdown(text, resolve)),
        media_url=lambda path: media_url(course, module_id, path),
        languages=LANGUAGE_NAMES,
        transcript=lambda path: Markup(
            render_markdown(
                course.data.get("texts", {}).get(f"{module_id}/{path}", ""), resolve
            )
        ),
    )
    blocks = course.lesson(module_id, lesson_id)[lang]["blocks"]
    html = Markup("\n").join(BLOCK_TYPES[b["type"]].render(b, ctx) for b in blocks)
    lessons[key] = html
    return html
