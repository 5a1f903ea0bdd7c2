"""Click-to-reveal: a prompt whose answer opens on request (a native <details>)."""

from courseware.content.blocks import ID, TEXT, BlockType, register


@register
class Reveal(BlockType):
    name = "reveal"
    fields = {"id": ID, "title": TEXT, "body": TEXT}
    required = ("id", "title", "body")
    markdown_fields = ("body",)
    interactive = True
