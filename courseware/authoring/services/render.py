"""A lesson's text rendered as learners get it (same blocks, same sanitiser)."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from courseware.content.blocks import BLOCK_TYPES, RenderContext
from courseware.content.lessons import parse_lesson
from courseware.content.markdown import render_markdown
from courseware.content.problems import Problems
from courseware.i18n import LANGUAGE_NAMES


def render_lesson_text(
    rel: str,
    text: str,
    media_url: Callable[[str], str],
    transcript: Callable[[str], str] = lambda _path: "",
) -> tuple[Markup, Problems]:
    """(HTML of the lesson's blocks, what the parser found wrong) for ``text``."""
    problems = Problems()
    lesson = parse_lesson(rel, text, problems)
    if lesson is None:
        return Markup(""), problems

    def resolve(href: str) -> str | None:
        return media_url(href) if href.startswith("media/") else None

    ctx = RenderContext(
        lang=lesson.lang,
        module=rel.split("/")[1],
        lesson=lesson.lesson_id,
        markdown=lambda md: Markup(render_markdown(md, resolve)),
        media_url=media_url,
        languages=LANGUAGE_NAMES,
        transcript=lambda path: Markup(render_markdown(transcript(path), resolve)),
    )
    parts = []
    for block in lesson.blocks:
        if block.type == "text":
            data = {"type": "text", "markdown": block.markdown}
        elif block.located is not None and block.type in BLOCK_TYPES:
            data = {"type": block.type, **block.located.data}
        else:
            continue
        try:
            parts.append(BLOCK_TYPES[block.type].render(data, ctx))
        except (KeyError, TypeError, ValueError, AttributeError):
            # A block the checker refuses (a missing field): shown once it is fixed.
            parts.append(
                Markup('<p class="notice">{}</p>').format(
                    f"line {block.line}: this {block.type} block cannot be shown yet"
                )
            )
    return Markup("\n").join(parts), problems
