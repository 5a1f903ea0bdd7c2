"""A highlighted tip, note or warning."""

from courseware.content.blocks import TEXT, BlockType, register


@register
class Tip(BlockType):
    name = "tip"
    fields = {"kind": {"enum": ["tip", "note", "warning"]}, "title": TEXT, "body": TEXT}
    required = ("body",)
    markdown_fields = ("body",)

    def structure(self, data):
        return ("tip", data.get("kind", "tip"))
