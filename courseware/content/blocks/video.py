"""A narrated video with poster, captions and a transcript per language.

``src`` (and the optional audio-only ``audio``) is one file, or one file per language
when the narration itself is translated.
"""

from courseware.content.blocks import ID, LANG_FILES, MEDIA, TEXT, BlockType, register

ONE_OR_PER_LANGUAGE = {"oneOf": [MEDIA, LANG_FILES]}


def files(value, key: str) -> list[tuple[tuple, str, str | None]]:
    """(field path, file, language) for a path or a language map of paths."""
    if isinstance(value, str):
        return [((key,), value, None)]
    if isinstance(value, dict):
        return [
            ((key, lang), path, lang)
            for lang, path in value.items()
            if isinstance(path, str)
        ]
    return []


@register
class Video(BlockType):
    name = "video"
    fields = {
        "id": ID,
        "title": TEXT,
        "src": ONE_OR_PER_LANGUAGE,
        "poster": MEDIA,
        "audio": ONE_OR_PER_LANGUAGE,
        "captions": LANG_FILES,
        "transcript": LANG_FILES,
        "length": {"type": "number", "minimum": 0},
    }
    required = ("id", "title", "src", "poster", "captions", "transcript")

    def media(self, data):
        found = []
        for key in ("src", "poster", "audio", "captions", "transcript"):
            found.extend(files(data.get(key), key))
        return found

    def structure(self, data):
        return ("video", data.get("id"))

    def check(self, data):
        problems = []
        for path, name, _lang in files(data.get("src"), "src"):
            if not name.endswith((".webm", ".mp4")):
                problems.append(
                    (
                        path,
                        "videos must be .webm or .mp4 files",
                        "convert it with ffmpeg",
                    )
                )
        for path, name, _lang in files(data.get("audio"), "audio"):
            if not name.endswith((".opus", ".ogg", ".mp3", ".m4a", ".webm")):
                problems.append(
                    (
                        path,
                        "audio must be .opus, .ogg, .mp3 or .m4a",
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
