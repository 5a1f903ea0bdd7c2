"""A situation with choices; each choice explains why it is or is not the best."""

from courseware.content.blocks import ID, TEXT, BlockType, register

CHOICE = {
    "type": "object",
    "required": ["id", "text", "feedback"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "text": TEXT,
        "feedback": TEXT,
        "best": {"type": "boolean"},
    },
}


@register
class Scenario(BlockType):
    name = "scenario"
    fields = {
        "id": ID,
        "title": TEXT,
        "situation": TEXT,
        "question": TEXT,
        "choices": {"type": "array", "minItems": 2, "items": CHOICE},
    }
    required = ("id", "situation", "question", "choices")
    markdown_fields = ("situation",)
    interactive = True

    def structure(self, data):
        choices = data.get("choices") or []
        return (
            "scenario",
            data.get("id"),
            tuple(
                (c.get("id"), bool(c.get("best")))
                for c in choices
                if isinstance(c, dict)
            ),
        )

    def check(self, data):
        choices = [c for c in data.get("choices") or [] if isinstance(c, dict)]
        problems = []
        if choices and not any(c.get("best") for c in choices):
            problems.append(
                (
                    ("choices",),
                    "no choice is marked best: true",
                    "mark the best choice(s) with best: true",
                )
            )
        ids = [c.get("id") for c in choices]
        for index, cid in enumerate(ids):
            if cid in ids[:index]:
                problems.append(
                    (("choices", index, "id"), f"duplicate choice id {cid!r}", "")
                )
        return problems
