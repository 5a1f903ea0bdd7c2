"""A matching exercise: learners pair each item on the left with one on the right."""

from courseware.content.blocks import ID, TEXT, BlockType, register

PAIR = {
    "type": "object",
    "required": ["id", "left", "right"],
    "additionalProperties": False,
    "properties": {"id": ID, "left": TEXT, "right": TEXT},
}


@register
class Matching(BlockType):
    name = "matching"
    fields = {
        "id": ID,
        "title": TEXT,
        "instructions": TEXT,
        "pairs": {"type": "array", "minItems": 2, "items": PAIR},
    }
    required = ("id", "pairs")
    interactive = True

    def structure(self, data):
        pairs = data.get("pairs") or []
        return (
            "matching",
            data.get("id"),
            tuple(p.get("id") for p in pairs if isinstance(p, dict)),
        )

    def check(self, data):
        ids = [p.get("id") for p in data.get("pairs") or [] if isinstance(p, dict)]
        return [
            (("pairs", i, "id"), f"duplicate pair id {pid!r}", "")
            for i, pid in enumerate(ids)
            if pid in ids[:i]
        ]
