"""Ordering: items written in the correct order; learners see them shuffled."""

from courseware.quiz.types import (
    FEEDBACK,
    ID,
    TEXT,
    QuestionType,
    language_map,
    localised,
    register,
)

ITEM = {
    "type": "object",
    "required": ["id", "text"],
    "additionalProperties": False,
    "properties": {"id": ID, "text": TEXT},
}


@register
class Ordering(QuestionType):
    name = "ordering"
    interaction_type = "sequencing"
    fields = {
        "items": {"type": "array", "minItems": 2, "items": ITEM},
        "feedback": FEEDBACK,
    }
    required = ("items", "feedback")

    def texts(self, q):
        return [*super().texts(q), *self.entry_texts(q, "items", "item", ("text",))]

    def structure(self, q):
        return (self.name, tuple(i.get("id") for i in q.get("items") or []))

    def check(self, q, languages):
        return self.duplicate_ids(q["items"], "items", "item")

    def parse_response(self, q, form):
        """Positions come as ``<question>.<item> = <position>`` (1-based)."""
        positions = []
        for item in q["items"]:
            raw = form.get(f"{q['id']}.{item['id']}", "")
            if not raw.isdigit():
                return None
            positions.append((int(raw), item["id"]))
        if sorted(p for p, _ in positions) != list(range(1, len(q["items"]) + 1)):
            return None
        return [item_id for _, item_id in sorted(positions)]

    def grade(self, q, response, lang):
        return response == [i["id"] for i in q["items"]]

    def interaction(self, q):
        return {
            "interactionType": "sequencing",
            "correctResponsesPattern": ["[,]".join(i["id"] for i in q["items"])],
            "choices": [
                {"id": i["id"], "description": language_map(i["text"])}
                for i in q["items"]
            ],
        }

    def xapi_response(self, q, response):
        return "[,]".join(response or [])

    def correct_answer(self, q, lang):
        return " → ".join(localised(i["text"], lang) for i in q["items"])
