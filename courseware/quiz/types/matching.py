"""Matching: every source with its own target."""

from courseware.quiz.types import (
    FEEDBACK,
    ID,
    TEXT,
    QuestionType,
    language_map,
    localised,
    register,
)

PAIR = {
    "type": "object",
    "required": ["id", "source", "target"],
    "additionalProperties": False,
    "properties": {"id": ID, "source": TEXT, "target": TEXT},
}


def target_id(pair_id: str) -> str:
    """The xAPI target id of a pair (source ids are the pair ids)."""
    return f"{pair_id}-target"


@register
class Matching(QuestionType):
    name = "matching"
    interaction_type = "matching"
    fields = {
        "pairs": {"type": "array", "minItems": 2, "items": PAIR},
        "feedback": FEEDBACK,
    }
    required = ("pairs", "feedback")

    def texts(self, q):
        return [
            *super().texts(q),
            *self.entry_texts(q, "pairs", "pair", ("source", "target")),
        ]

    def structure(self, q):
        return (self.name, tuple(p.get("id") for p in q.get("pairs") or []))

    def check(self, q, languages):
        return self.duplicate_ids(q["pairs"], "pairs", "pair")

    def parse_response(self, q, form):
        targets = {target_id(p["id"]) for p in q["pairs"]}
        response = {}
        for pair in q["pairs"]:
            value = form.get(f"{q['id']}.{pair['id']}")
            if value in targets:
                response[pair["id"]] = value
        return response or None

    def grade(self, q, response, lang):
        response = response or {}
        return all(response.get(p["id"]) == target_id(p["id"]) for p in q["pairs"])

    def interaction(self, q):
        return {
            "interactionType": "matching",
            "correctResponsesPattern": [
                "[,]".join(f"{p['id']}[.]{target_id(p['id'])}" for p in q["pairs"])
            ],
            "source": [
                {"id": p["id"], "description": language_map(p["source"])}
                for p in q["pairs"]
            ],
            "target": [
                {"id": target_id(p["id"]), "description": language_map(p["target"])}
                for p in q["pairs"]
            ],
        }

    def xapi_response(self, q, response):
        return "[,]".join(f"{s}[.]{t}" for s, t in (response or {}).items())

    def correct_answer(self, q, lang):
        return "; ".join(
            f"{localised(p['source'], lang)} → {localised(p['target'], lang)}"
            for p in q["pairs"]
        )
