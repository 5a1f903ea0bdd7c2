"""A picture with required alt text."""

from courseware.content.blocks import MEDIA, TEXT, BlockType, register


@register
class Image(BlockType):
    name = "image"
    fields = {"src": MEDIA, "alt": TEXT, "caption": TEXT}
    required = ("src", "alt")

    def media(self, data):
        return (
            [(("src",), data["src"], None)] if isinstance(data.get("src"), str) else []
        )

    def structure(self, data):
        return ("image", data.get("src"))
