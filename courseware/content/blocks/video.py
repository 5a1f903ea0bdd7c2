"""A narrated video with poster, captions and a transcript per language."""

from courseware.content.blocks import ID, LANG_FILES, MEDIA, TEXT, BlockType, register


@register
class Video(BlockType):
    name = "video"
    fields = {
        "id": ID,
        "title": TEXT,
        "src": MEDIA,
        "poster": MEDIA,
        "audio": MEDIA,
        "captions": LANG_FILES,
        "transcript": LANG_FILES,
        "length": {"type": "number"},
    }
    required = ("id", "title", "src", "poster", "captions", "transcript")
    interactive = False

    def media(self, data):
        found = [
            ((key,), data[key], None)
            for key in ("src", "poster", "audio")
            if isinstance(data.get(key), str)
        ]
        for key in ("captions", "transcript"):
            for lang, path in (data.get(key) or {}).items():
                if isinstance(path, str):
                    found.append(((key, lang), path, lang))
        return found

    def structure(self, data):
        return ("video", data.get("id"), data.get("src"))

    def check(self, data):
        problems = []
        if not str(data.get("src", "")).endswith((".webm", ".mp4")):
            problems.append(
                (
                    ("src",),
                    "videos must be .webm or .mp4 files",
                    "convert it with ffmpeg",
                )
            )
        for lang, path in (data.get("captions") or {}).items():
            if not str(path).endswith(".vtt"):
                problems.append(
                    (
                        ("captions", lang),
                        "captions must be WebVTT (.vtt) files",
                        "save the captions as WebVTT",
                    )
                )
        return problems
