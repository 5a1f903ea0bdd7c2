"""Where to get help: helplines, hotlines and emergency advice."""

from courseware.content.blocks import TEXT, BlockType, register

ITEM = {
    "type": "object",
    "required": ["name", "description"],
    "additionalProperties": False,
    "properties": {
        "name": TEXT,
        "description": TEXT,
        "url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
        "phone": {"type": "string", "pattern": "^[0-9 +()-]{2,20}$"},
    },
}


@register
class Helplines(BlockType):
    name = "helplines"
    fields = {"title": TEXT, "items": {"type": "array", "minItems": 1, "items": ITEM}}
    required = ("items",)

    def structure(self, data):
        return ("helplines", len(data.get("items") or []))
