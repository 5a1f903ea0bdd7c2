"""Plain Markdown between blocks."""

from courseware.content.blocks import TEXT, BlockType, register


@register
class Text(BlockType):
    name = "text"
    fields = {"markdown": TEXT}
    required = ("markdown",)
    markdown_fields = ("markdown",)

    def structure(self, data):
        return ("text",)
