"""Question types: classes registered by name; one file per type plus its template.

Each type declares its fields (JSON Schema), checks its answer key, grades a response on
the server, and describes itself as an xAPI ``cmi.interaction``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any, ClassVar

ID = {"$ref": "common.schema.json#/$defs/id"}
TEXT = {"$ref": "common.schema.json#/$defs/text"}
FEEDBACK = {
    "type": "object",
    "required": ["correct", "incorrect"],
    "additionalProperties": False,
    "properties": {"correct": TEXT, "incorrect": TEXT},
}
CHOICE = {
    "type": "object",
    "required": ["id", "text", "feedback"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "text": TEXT,
        "correct": {"type": "boolean"},
        "feedback": TEXT,
    },
}
BASE_FIELDS = {
    "id": ID,
    "type": {"type": "string"},
    "text": TEXT,
    # Optional on every question; defined in the quiz schema.
    "objective": {"$ref": "quiz.schema.json#/$defs/objective"},
    "source": {"$ref": "quiz.schema.json#/$defs/source"},
}


def localised(text: dict[str, str] | None, lang: str, fallback: str = "en") -> str:
    """``text`` in ``lang``, else in the fallback language, else any."""
    if not text:
        return ""
    return text.get(lang) or text.get(fallback) or next(iter(text.values()))


def language_map(text: dict[str, str] | None) -> dict[str, str]:
    """An xAPI language map (copy) of a content text."""
    return dict(text or {})


class QuestionType:
    """Base of every question type."""

    name: ClassVar[str]
    interaction_type: ClassVar[str]
    fields: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def schema(cls) -> dict[str, Any]:
        """The JSON Schema of this question type."""
        return {
            "type": "object",
            "required": ["id", "type", "text", *cls.required],
            "additionalProperties": False,
            "properties": {**BASE_FIELDS, **cls.fields},
        }

    def texts(self, q: dict) -> list[tuple[str, tuple, dict]]:
        """Translatable strings: (key, field path, language map)."""
        found = [("text", ("text",), q.get("text") or {})]
        for name in ("correct", "incorrect"):
            fb = (
                (q.get("feedback") or {}) if isinstance(q.get("feedback"), dict) else {}
            )
            if isinstance(fb.get(name), dict):
                found.append((f"feedback.{name}", ("feedback", name), fb[name]))
        return found

    def structure(self, q: dict) -> tuple:
        """Ids that must be the same in every version of the question."""
        return (self.name,)

    @staticmethod
    def entry_texts(
        q: dict, field: str, prefix: str, keys: tuple[str, ...]
    ) -> list[tuple[str, tuple, dict]]:
        """Texts of a list's entries, keyed ``<prefix>.<entry id>.<key>``."""
        return [
            (f"{prefix}.{entry.get('id')}.{key}", (field, index, key), entry.get(key))
            for index, entry in enumerate(q.get(field) or [])
            for key in keys
        ]

    @staticmethod
    def duplicate_ids(
        items: list[dict], field: str, noun: str = "entry"
    ) -> list[tuple[tuple, str, str]]:
        """A problem for every id used a second time in ``items``."""
        ids = [item.get("id") for item in items]
        return [
            ((field, i, "id"), f"duplicate id {cid!r}", f"give every {noun} its own id")
            for i, cid in enumerate(ids)
            if cid in ids[:i]
        ]

    def check(self, q: dict, languages: list[str]) -> list[tuple[tuple, str, str]]:
        """Answer-key rules beyond the schema: (field path, message, hint)."""
        return []

    def parse_response(self, q: dict, form: Any) -> Any:
        """The response from a submitted form (``getlist``/``get``), or None."""
        raise NotImplementedError

    def grade(self, q: dict, response: Any, lang: str) -> bool:
        """True when the response is correct."""
        raise NotImplementedError

    def interaction(self, q: dict) -> dict[str, Any]:
        """The xAPI activity definition fields of a ``cmi.interaction``."""
        raise NotImplementedError

    def xapi_response(self, q: dict, response: Any) -> str:
        """``result.response`` in the interaction type's syntax."""
        raise NotImplementedError

    def feedback(self, q: dict, response: Any, success: bool, lang: str) -> list[str]:
        """Feedback texts for this response."""
        fb = q.get("feedback") or {}
        return [localised(fb.get("correct" if success else "incorrect"), lang)]

    def correct_answer(self, q: dict, lang: str) -> str:
        """The right answer in words, shown after submission."""
        raise NotImplementedError


class ChoiceQuestion(QuestionType):
    """Shared by single and multiple choice."""

    fields = {"choices": {"type": "array", "minItems": 2, "items": CHOICE}}
    required = ("choices",)
    interaction_type = "choice"

    def texts(self, q):
        return [
            ("text", ("text",), q.get("text") or {}),
            *self.entry_texts(q, "choices", "choice", ("text", "feedback")),
        ]

    def structure(self, q):
        return (
            self.name,
            tuple(
                (c.get("id"), bool(c.get("correct"))) for c in q.get("choices") or []
            ),
        )

    def correct_ids(self, q: dict) -> list[str]:
        return [c["id"] for c in q["choices"] if c.get("correct")]

    def interaction(self, q):
        return {
            "interactionType": "choice",
            "correctResponsesPattern": ["[,]".join(self.correct_ids(q))],
            "choices": [
                {"id": c["id"], "description": language_map(c["text"])}
                for c in q["choices"]
            ],
        }

    def feedback(self, q, response, success, lang):
        chosen = response if isinstance(response, list) else [response]
        return [
            localised(c["feedback"], lang) for c in q["choices"] if c["id"] in chosen
        ]

    def correct_answer(self, q, lang):
        return "; ".join(
            localised(c["text"], lang) for c in q["choices"] if c.get("correct")
        )


def normalise_text(value: str, case_sensitive: bool) -> str:
    """Trim and fold inner runs of white space; fold case unless it matters."""
    value = re.sub(r"\s+", " ", value or "").strip()
    return value if case_sensitive else value.casefold()


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    QUESTION_TYPES[cls.name] = cls()
    return cls


def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_discover()
