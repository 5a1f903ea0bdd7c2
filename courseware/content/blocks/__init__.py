"""Lesson block types: classes registered by name; one file per type plus its template.

A block type declares its fields (a JSON Schema fragment), which fields hold Markdown,
which hold media paths, what must match between translations, and how it renders.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import render_template
from markupsafe import Markup

ID = {"$ref": "common.schema.json#/$defs/id"}
MEDIA = {"$ref": "common.schema.json#/$defs/media_path"}
LANG_FILES = {"type": "object", "minProperties": 1, "additionalProperties": MEDIA}
TEXT = {"type": "string", "minLength": 1}


@dataclass
class RenderContext:
    """What a block needs to render: language, Markdown, media and link URLs."""

    lang: str
    module: str
    lesson: str
    markdown: Any  # callable(text) -> safe HTML
    media_url: Any  # callable(relative path) -> URL
    languages: dict[str, str]  # language code -> its own name
    transcript: Any = None  # callable(relative path) -> safe HTML of a transcript


class BlockType:
    """Base of every block type."""

    name: ClassVar[str]
    fields: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    markdown_fields: ClassVar[tuple[str, ...]] = ()
    interactive: ClassVar[bool] = False

    @classmethod
    def schema(cls) -> dict[str, Any]:
        """The JSON Schema of the block's fields."""
        return {
            "type": "object",
            "required": list(cls.required),
            "additionalProperties": False,
            "properties": cls.fields,
        }

    def media(self, data: dict) -> list[tuple[tuple, str, str | None]]:
        """Media files used: (field path, relative path, language or None)."""
        return []

    def markdown(self, data: dict) -> list[tuple[tuple, str]]:
        """Markdown texts with their field paths."""
        return [
            ((name,), data[name])
            for name in self.markdown_fields
            if isinstance(data.get(name), str)
        ]

    def structure(self, data: dict) -> tuple:
        """What translations must keep: ids and media, never the words."""
        return (self.name, data.get("id"))

    def check(self, data: dict) -> list[tuple[tuple, str, str]]:
        """Rules beyond the schema: (field path, message, hint)."""
        return []

    def render(self, data: dict, ctx: RenderContext) -> Markup:
        """HTML for the block, from ``courseware/blocks/<name>.html``."""
        html = {
            name: ctx.markdown(data[name])
            for name in self.markdown_fields
            if isinstance(data.get(name), str)
        }
        return Markup(
            render_template(
                f"courseware/blocks/{self.name}.html", block=data, html=html, ctx=ctx
            )
        )


BLOCK_TYPES: dict[str, BlockType] = {}


def register(cls: type[BlockType]) -> type[BlockType]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    BLOCK_TYPES[cls.name] = cls()
    return cls


def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_discover()
