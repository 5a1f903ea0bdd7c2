"""An audio recording with a transcript per language."""

from courseware.content.blocks import ID, LANG_FILES, MEDIA, TEXT, BlockType, register


@register
class Audio(BlockType):
    name = "audio"
    fields = {"id": ID, "title": TEXT, "src": MEDIA, "transcript": LANG_FILES}
    required = ("id", "title", "src", "transcript")

    def media(self, data):
        found = (
            [(("src",), data["src"], None)] if isinstance(data.get("src"), str) else []
        )
        for lang, path in (data.get("transcript") or {}).items():
            if isinstance(path, str):
                found.append((("transcript", lang), path, lang))
        return found

    def structure(self, data):
        return ("audio", data.get("id"), data.get("src"))
