"""A downloadable file (worksheet, poster, checklist)."""

from courseware.content.blocks import MEDIA, TEXT, BlockType, register


@register
class Download(BlockType):
    name = "download"
    fields = {"src": MEDIA, "title": TEXT, "description": TEXT}
    required = ("src", "title")

    def media(self, data):
        return (
            [(("src",), data["src"], None)] if isinstance(data.get("src"), str) else []
        )

    def structure(self, data):
        return ("download", data.get("src"))
