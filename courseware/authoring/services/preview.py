"""Previews of a draft: its pages as a learner sees them, and signed preview links.

A draft's tree is checked and turned into the same snapshot a published version
stores; the learner templates then render it, with the site layout swapped for a
preview layout (no navigation, no forms) and links that stay inside the preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from jinja2 import BaseLoader, Environment
from markupsafe import Markup

from courseware.authoring.services.checking import check_files, tree_key
from courseware.content.blocks import BLOCK_TYPES, RenderContext
from courseware.content.build import CheckResult, _lesson_data, snapshot
from courseware.content.markdown import render_markdown
from courseware.content.mediatypes import decide
from courseware.content.runtime import Course
from courseware.core.caches import LRU
from courseware.i18n import LANGUAGE_NAMES

SALT = "courseware-studio-preview-link"
#: Default lifetime of a preview link (``COURSEWARE_PREVIEW_LINK_DAYS``).
LINK_DAYS = 7
LAYOUT = "courseware/base.html"
PREVIEW_LAYOUT = "courseware/authoring/review/preview_base.html"
ID = r"[a-z][a-z0-9-]*"
WHAT = re.compile(rf"^(?:module/({ID})|lesson/({ID})/({ID})|quiz/({ID}))$")


class PreviewError(ValueError):
    """The page cannot be previewed; the message says why."""


@dataclass(frozen=True)
class Page:
    """What a preview shows: a module page, a lesson or a quiz."""

    kind: str  # module, lesson, quiz
    module: str
    lesson: str = ""
    quiz: str = ""

    @property
    def what(self) -> str:
        if self.kind == "lesson":
            return f"lesson/{self.module}/{self.lesson}"
        if self.kind == "quiz":
            return f"quiz/{self.quiz}"
        return f"module/{self.module}"


def parse_page(what: str) -> Page | None:
    """``module/<m>``, ``lesson/<m>/<l>`` or ``quiz/<q>``, else None."""
    match = WHAT.match(what)
    if match is None:
        return None
    module, lesson_module, lesson, quiz = match.groups()
    if module:
        return Page("module", module)
    if lesson:
        return Page("lesson", lesson_module, lesson)
    return Page("quiz", "", quiz=quiz)


def tolerant_snapshot(result: CheckResult) -> dict[str, Any]:
    """The snapshot of a checked tree; parts that do not parse are left out."""
    try:
        return snapshot(result.tree)
    except (KeyError, TypeError, AttributeError, IndexError):
        pass
    tree = result.tree
    modules: dict[str, Any] = {}
    for module_id in tree.course_data.get("modules") or []:
        if not isinstance(module_id, str) or module_id not in tree.modules:
            continue
        data = dict(tree.modules[module_id].data)
        lessons = {}
        for lesson in data.get("lessons") or []:
            try:
                lessons[lesson] = _lesson_data(tree, module_id, lesson)
            except (KeyError, TypeError, AttributeError):
                continue
        data["lessons"] = list(lessons)
        data["lesson_data"] = lessons
        modules[module_id] = data
    return {
        "course": tree.course_data,
        "modules": modules,
        "quizzes": {qid: located.data for qid, located in tree.quizzes.items()},
        "media": {},
        "media_sizes": {},
        "texts": {
            rel.removeprefix("modules/"): blob.decode("utf-8", "replace")
            for rel, blob in tree.files.items()
            if rel.startswith("modules/") and "/media/" in rel and rel.endswith(".md")
        },
    }


def draft_course(files: dict[str, bytes]) -> tuple[Course, CheckResult]:
    """The tree as a :class:`Course`, and its check (cached by content hash)."""
    key = tree_key(files)
    previews = current_app.extensions["courseware"].caches.setdefault(
        "studio-previews", LRU(8)
    )
    found = previews.get(key)
    if found is None:
        result = check_files(files)
        if not result.tree.course_data.get("languages"):
            raise PreviewError("the course file does not parse: fix course.yaml first")
        found = (Course(0, 0, tolerant_snapshot(result)), result)
        previews[key] = found
    return found


def pages(course: Course) -> list[tuple[dict, list[Page]]]:
    """Per module (its data), the pages that can be previewed, in course order."""
    found = []
    for module_id, module in course.modules.items():
        listed = [Page("module", module_id)]
        listed += [
            Page("lesson", module_id, lesson) for lesson in course.lesson_ids(module_id)
        ]
        if course.quiz(module.get("quiz")):
            listed.append(Page("quiz", module_id, quiz=module["quiz"]))
        found.append((module, listed))
    return found


def render_blocks(
    course: Course, module_id: str, lesson_id: str, lang: str, links
) -> Markup:
    """A lesson's blocks as HTML, sanitised as for learners (never cached).

    ``links(kind, value)`` gives the preview's URL of a media file (``media``,
    path relative to the module), a module or a lesson (``lesson``, ``module/lesson``).
    """

    def resolve(href: str) -> str | None:
        if href.startswith("media/"):
            return links("media", f"{module_id}/{href}")
        if href.startswith("module:"):
            return links("module", href.removeprefix("module:"))
        if href.startswith("lesson:"):
            target_module, _, lesson = href.removeprefix("lesson:").rpartition("/")
            return links("lesson", f"{target_module or module_id}/{lesson}")
        return None

    ctx = RenderContext(
        lang=lang,
        module=module_id,
        lesson=lesson_id,
        markdown=lambda text: Markup(render_markdown(text, resolve)),
        media_url=lambda path: links("media", f"{module_id}/{path}"),
        languages=LANGUAGE_NAMES,
        transcript=lambda path: Markup(
            render_markdown(
                course.data.get("texts", {}).get(f"{module_id}/{path}", ""), resolve
            )
        ),
    )
    blocks = course.lesson(module_id, lesson_id)[lang]["blocks"]
    return Markup("\n").join(BLOCK_TYPES[b["type"]].render(b, ctx) for b in blocks)


def quiz_order(question: dict) -> list[str]:
    """Choices, pairs or items in a fixed order (ordering questions never solved)."""
    key = {
        "single": "choices",
        "multiple": "choices",
        "matching": "pairs",
        "ordering": "items",
    }.get(question.get("type"))
    if key is None:
        return []
    ids = [item["id"] for item in question.get(key) or []]
    return ids[::-1] if question["type"] == "ordering" else ids


def media_path(path: str) -> str | None:
    """The draft path of a preview media URL's ``<module>/media/...``, else None."""
    parts = path.split("/")
    odd = any(p in ("", ".", "..") for p in parts)
    if len(parts) < 3 or parts[1] != "media" or odd:
        return None
    return f"modules/{path}"


def media_type(path: str, blob: bytes) -> str | None:
    """The type ``content check`` decides for a media file (extension and bytes).

    None for a file it refuses: such a file is not served.
    """
    found, problems = decide(path, blob)
    return None if problems else found


class _PreviewLoader(BaseLoader):
    """The app's templates, with the site layout replaced by the preview layout."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment: Environment, template: str):
        return self.inner.get_source(
            environment, PREVIEW_LAYOUT if template == LAYOUT else template
        )


def preview_environment() -> Environment:
    """The app's Jinja environment with the preview layout (one per app)."""
    caches = current_app.extensions["courseware"].caches
    env = caches.get("studio-preview-env")
    if env is None:
        app_env = current_app.jinja_env
        env = app_env.overlay(loader=_PreviewLoader(app_env.loader))
        caches["studio-preview-env"] = env
    return env


def render_preview(template: str, **context: Any) -> str:
    """Render a learner template in the preview layout (context processors run)."""
    current_app.update_template_context(context)
    return preview_environment().get_template(template).render(context)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_days() -> int:
    return int(current_app.config.get("COURSEWARE_PREVIEW_LINK_DAYS", LINK_DAYS))


def make_token(draft_id: int, lang: str, page: Page) -> str:
    """A signed token naming a draft's page in a language."""
    return _serializer().dumps({"d": draft_id, "l": lang, "w": page.what})


class LinkRefused(ValueError):
    """A preview link that is tampered with (403) or expired or closed (410)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def read_token(token: str) -> tuple[int, str, Page]:
    """(draft id, language, page) of a valid token; else LinkRefused."""
    try:
        data = _serializer().loads(token, max_age=link_days() * 86400)
    except SignatureExpired:
        raise LinkRefused("expired", 410) from None
    except BadSignature:
        raise LinkRefused("invalid", 403) from None
    page = parse_page(str(data.get("w", ""))) if isinstance(data, dict) else None
    if page is None or not isinstance(data.get("d"), int):
        raise LinkRefused("invalid", 403)
    return data["d"], str(data.get("l", "")), page
