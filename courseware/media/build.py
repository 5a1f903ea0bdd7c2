"""Build each module's video, audio, captions, transcript, poster from video.yaml."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from courseware.content.yamlfile import load_yaml
from courseware.media import encode
from courseware.media.captions import split_cues, time_cues, transcript, webvtt
from courseware.media.lengths import write_lengths
from courseware.media.narration import VOICES, join, slide_seconds, speak, wav_seconds
from courseware.media.normalise import LEXICON_FILE, load_lexicon, normalise
from courseware.media.slides import illustration_png, render_slide, slide_svg
from courseware.media.tools import MediaError, duration, require_tools

#: The language whose first slide becomes the module's poster.
POSTER_LANGUAGE = "en"


@dataclass(frozen=True)
class Job:
    """One module's video in one language."""

    module: str
    language: str


def find_jobs(
    root: Path, modules: Sequence[str] = (), languages: Sequence[str] = ()
) -> list[Job]:
    """Every (module, language) to build, in course order, narrowed by the options."""
    course = load_yaml((root / "modules" / "course.yaml").read_text("utf-8")).data
    folder = root / "modules"
    known = [m for m in course["modules"] if (folder / m / "video.yaml").is_file()]
    for module in modules:
        if module not in known:
            raise MediaError(f"module {module!r} has no modules/{module}/video.yaml")
    chosen = [m for m in known if not modules or m in modules]
    langs = [lang for lang in course["languages"] if lang in VOICES]
    return [
        Job(m, lang)
        for m in chosen
        for lang in langs
        if not languages or lang in languages
    ]


def _slides(root: Path, module: str) -> list[dict]:
    data = load_yaml((root / "modules" / module / "video.yaml").read_text("utf-8")).data
    return data["slides"]


def build_one(root: Path, job: Job, work: Path, say: Callable[[str], None]) -> float:
    """Build one video and its companions into the module's media/; return seconds."""
    folder, lang = root / "modules" / job.module, job.language
    slides, media = _slides(root, job.module), root / "modules" / job.module / "media"
    pictures, sounds, cues = [], [], []
    lexicon = load_lexicon(root / LEXICON_FILE)
    start = 0.0
    for number, slide in enumerate(slides, start=1):
        art = illustration_png(folder / slide["image"], work)
        svg = slide_svg(art, slide["title"][lang], slide["points"][lang])
        pictures.append(render_slide(svg, work, f"slide-{number}"))
    say(f"slides {len(slides)}/{len(slides)}")
    for number, slide in enumerate(slides, start=1):
        # The voice reads the normalised text; captions keep the written one.
        spoken = normalise(slide["narration"][lang], lang, lexicon)
        wav = speak(spoken, lang, work, f"narration-{number}")
        speech = wav_seconds(wav)
        seconds = slide_seconds(speech, encode.FPS)
        sounds.append((wav, seconds))
        cues += time_cues(split_cues(slide["narration"][lang]), start, speech)
        start += seconds
    say(f"narration {len(slides)}/{len(slides)}, encoding...")
    join(sounds, work / "narration.wav")
    name = f"{job.module}-video.{lang}"
    encode.video(
        [(p, s) for p, (_w, s) in zip(pictures, sounds, strict=True)],
        work / "narration.wav",
        work / f"{name}.webm",
    )
    encode.audio(work / "narration.wav", work / f"{job.module}-audio.{lang}.opus")
    (work / f"{name}.vtt").write_text(webvtt(cues), encoding="utf-8")
    text = transcript([(s["title"][lang], s["narration"][lang]) for s in slides])
    (work / f"{job.module}-transcript.{lang}.md").write_text(text, encoding="utf-8")
    outputs = [
        f"{name}.webm",
        f"{name}.vtt",
        f"{job.module}-audio.{lang}.opus",
        f"{job.module}-transcript.{lang}.md",
    ]
    if lang == POSTER_LANGUAGE:
        encode.poster(pictures[0], work / f"{job.module}-poster.png")
        outputs.append(f"{job.module}-poster.png")
    for output in outputs:
        shutil.copyfile(work / output, media / output)
    return duration(media / f"{name}.webm")


def media_bytes(root: Path) -> int:
    """The size of every file under modules/*/media/."""
    files = (root / "modules").glob("*/media/*")
    return sum(path.stat().st_size for path in files if path.is_file())


def source_language(root: Path) -> str:
    """The course's source language, from modules/course.yaml."""
    course = load_yaml((root / "modules" / "course.yaml").read_text("utf-8")).data
    return str(course.get("source_language") or "en")


def sync_lengths(
    root: Path, job: Job, seconds: float, echo: Callable[[str], None]
) -> None:
    """Write the video's length into the lessons that embed it, in its language."""
    for path in write_lengths(
        root, job.module, job.language, seconds, source_language(root)
    ):
        echo(f"  wrote {path.relative_to(root).as_posix()}")


def video_length(root: Path, job: Job) -> float:
    """The committed video's duration, rounded as lessons write it."""
    name = f"{job.module}-video.{job.language}.webm"
    return round(duration(root / "modules" / job.module / "media" / name), 1)


def build(root: Path, jobs: list[Job], echo: Callable[[str], None]) -> dict[Job, float]:
    """Build every job, reporting progress through echo; return each video's length.

    Each lesson that embeds the video gets its ``length`` from the built file.
    """
    require_tools()
    lengths = {}
    for number, job in enumerate(jobs, start=1):
        prefix = f"[{number}/{len(jobs)}] {job.module} {job.language}"
        with tempfile.TemporaryDirectory(prefix="courseware-media-") as work:
            lengths[job] = build_one(
                root, job, Path(work), lambda step, p=prefix: echo(f"{p}: {step}")
            )
        echo(f"{prefix}: done, {lengths[job]:.1f} s")
        sync_lengths(root, job, round(lengths[job], 1), echo)
    return lengths
