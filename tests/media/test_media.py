"""The committed module videos, captions and transcripts, and the build's pure parts.

These read the files under modules/*/media/ as committed: rebuilding them takes minutes
(``flask courseware media build``), too slow for every test run.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from courseware.content.hashing import lesson_source_hash
from courseware.media import tools
from courseware.media.captions import (
    CUE_CHARS,
    split_cues,
    time_cues,
    timestamp,
    transcript,
    two_lines,
    webvtt,
)
from courseware.media.lengths import lessons_with_video, write_lengths
from courseware.media.narration import slide_seconds

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.parent.name for p in (ROOT / "modules").glob("*/video.yaml"))
LANGUAGES = ("en", "ru")
CASES = [(m, lang) for m in MODULES for lang in LANGUAGES]
TIMING = re.compile(
    r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)(?: .*)?$"
)


def media(module: str, name: str) -> Path:
    return ROOT / "modules" / module / "media" / name


@functools.cache
def probe(path: Path) -> dict:
    """ffprobe's streams and format of a media file."""
    if shutil.which("ffprobe") is None:
        pytest.fail("ffprobe not found: apt-get install ffmpeg")
    done = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def seconds(*parts: str) -> float:
    hours, minutes, secs, millis = map(int, parts)
    return hours * 3600 + minutes * 60 + secs + millis / 1000


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue; fails on anything that is not WebVTT."""
    assert text.startswith("WEBVTT\n\n"), "a WebVTT file starts with WEBVTT, blank line"
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        if not TIMING.match(lines[0]):
            lines = lines[1:]  # the cue's identifier
        match = TIMING.match(lines[0])
        assert match, f"no cue timing in {block!r}"
        body = " ".join(lines[1:])
        assert body, f"empty cue {block!r}"
        for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
            body = body.replace(entity, char)
        cues.append((seconds(*match.groups()[:4]), seconds(*match.groups()[4:]), body))
    return cues


def video_seconds(module: str, lang: str) -> float:
    info = probe(media(module, f"{module}-video.{lang}.webm"))
    return float(info["format"]["duration"])


def test_every_module_has_a_video_script():
    assert len(MODULES) == 16


@pytest.mark.parametrize(("module", "lang"), CASES)
def test_captions_are_timed_within_the_video(module, lang):
    text = media(module, f"{module}-video.{lang}.vtt").read_text(encoding="utf-8")
    cues = parse_vtt(text)
    assert cues
    previous_end = 0.0
    for start, end, body in cues:
        assert start < end, body
        assert start >= previous_end, f"{body!r} overlaps the cue before it"
        previous_end = end
    assert previous_end <= video_seconds(module, lang)


@pytest.mark.parametrize(("module", "lang"), CASES)
def test_transcript_words_equal_caption_words(module, lang):
    captions = media(module, f"{module}-video.{lang}.vtt").read_text(encoding="utf-8")
    caption_words = " ".join(body for _, _, body in parse_vtt(captions)).split()
    text = media(module, f"{module}-transcript.{lang}.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert "## " in text
    assert " ".join(lines).split() == caption_words


@pytest.mark.parametrize(("module", "lang"), CASES)
def test_video_is_vp9_and_opus_of_two_to_four_minutes(module, lang):
    info = probe(media(module, f"{module}-video.{lang}.webm"))
    codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
    assert codecs == {"video": "vp9", "audio": "opus"}
    assert 120 <= video_seconds(module, lang) <= 240


@pytest.mark.parametrize(("module", "lang"), CASES)
def test_audio_only_file_is_mono_opus_as_long_as_the_video(module, lang):
    info = probe(media(module, f"{module}-audio.{lang}.opus"))
    (stream,) = info["streams"]
    assert (stream["codec_name"], stream["channels"]) == ("opus", 1)
    assert abs(float(info["format"]["duration"]) - video_seconds(module, lang)) < 0.5


@pytest.mark.parametrize("module", MODULES)
def test_poster_is_small(module):
    assert media(module, f"{module}-poster.png").stat().st_size < 60 * 1024


@pytest.mark.parametrize("module", MODULES)
def test_first_lesson_shows_the_module_video(module):
    lessons = sorted((ROOT / "modules" / module).glob("01-*.*.md"))
    assert [p.name.split(".")[-2] for p in lessons] == sorted(LANGUAGES)
    for lesson in lessons:
        assert lesson in lessons_with_video(lesson.parent, module, lesson.name[-5:-3])


@pytest.mark.parametrize(("module", "lang"), CASES)
def test_every_lesson_length_equals_its_media(module, lang):
    """Each lesson embedding the video says the length of the video in its language."""
    lessons = lessons_with_video(ROOT / "modules" / module, module, lang)
    assert lessons
    for lesson in lessons:
        text = lesson.read_text(encoding="utf-8")
        blocks = re.findall(r"^::: video\n(.*?)^:::$", text, re.M | re.S)
        (block,) = [b for b in blocks if f"id: {module}-video\n" in b]
        length = float(re.search(r"^length: ([\d.]+)$", block, re.M)[1])
        assert abs(length - video_seconds(module, lang)) <= 0.05, lesson.name


def test_writing_a_length_repoints_a_matching_translation(tmp_path):
    folder = tmp_path / "modules" / "m"
    folder.mkdir(parents=True)
    block = "::: video\nid: m-video\nlength: {}\n:::\n"
    source = "---\nid: a\ntitle: A\n---\n\n" + block.format("1.0")
    (folder / "01-a.en.md").write_text(source, encoding="utf-8")
    marked = f"---\nid: a\nsource_hash: {lesson_source_hash(source)}\n---\n\n"
    (folder / "01-a.ru.md").write_text(marked + block.format("1.0"), encoding="utf-8")
    changed = write_lengths(tmp_path, "m", "en", 12.34, "en")
    assert [p.name for p in changed] == ["01-a.en.md", "01-a.ru.md"]
    new = (folder / "01-a.en.md").read_text(encoding="utf-8")
    assert "length: 12.3\n" in new
    ru = (folder / "01-a.ru.md").read_text(encoding="utf-8")
    assert f"source_hash: {lesson_source_hash(new)}\n" in ru
    assert "length: 1.0\n" in ru  # the Russian video's own length is left alone
    assert write_lengths(tmp_path, "m", "en", 12.34, "en") == []


def test_all_media_stays_under_40_mb():
    files = (ROOT / "modules").glob("*/media/*")
    assert sum(p.stat().st_size for p in files if p.is_file()) < 40_000_000


def test_cues_split_at_sentences_then_clauses_then_words():
    text = (
        "Short one. " + "A clause that runs on, " * 5 + "and ends here. " + "word " * 40
    ).strip()
    cues = split_cues(text)
    assert " ".join(cues).split() == text.split()
    assert all(len(cue) <= CUE_CHARS for cue in cues)
    assert cues[0].startswith("Short one. A clause")
    assert any(cue.endswith("ends here.") for cue in cues)


def test_short_sentences_share_a_cue():
    assert split_cues("One.  Two!\nThree?") == ["One. Two! Three?"]
    assert split_cues("One. Two.", limit=6) == ["One.", "Two."]


def test_cues_are_timed_in_proportion_to_their_characters():
    cues = time_cues(["aaaa", "bb", "cc"], start=10.0, length=4.0)
    times = [(c.start, c.end) for c in cues]
    assert times == [(10.0, 12.0), (12.0, 13.0), (13.0, 14.0)]


def test_webvtt_and_timestamps():
    assert timestamp(3725.0456) == "01:02:05.046"
    text = webvtt(time_cues(["Tom & Jerry <3"], 0.0, 1.5))
    assert text == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nTom &amp; Jerry &lt;3\n"
    assert parse_vtt(text) == [(0.0, 1.5, "Tom & Jerry <3")]


def test_long_cues_break_into_two_lines_after_punctuation():
    assert two_lines("short") == "short"
    line = "It is common. In a 2019 UNICEF poll in thirty countries,"
    assert two_lines(line).split("\n") == [line[:13], line[14:]]


def test_transcript_has_headings_and_one_paragraph_per_slide():
    text = transcript([("One", "a\n b"), ("Two", "c")])
    assert text == "## One\n\na b\n\n## Two\n\nc\n"


def test_slides_last_their_speech_and_a_pause_in_whole_frames():
    assert slide_seconds(10.0, 5) == 10.6
    assert slide_seconds(10.01, 5) == 10.8


def test_a_missing_tool_names_its_package(monkeypatch, make_app, tmp_path):
    (tmp_path / "modules" / "m").mkdir(parents=True)
    (tmp_path / "modules" / "course.yaml").write_text(
        "modules: [m]\nlanguages: [en]\n", encoding="utf-8"
    )
    (tmp_path / "modules" / "m" / "video.yaml").write_text("slides: []\n", "utf-8")
    monkeypatch.setattr(
        tools.shutil, "which", lambda tool: None if tool == "espeak-ng" else tool
    )
    runner = make_app(COURSEWARE_CONTENT_DIR=str(tmp_path)).test_cli_runner()
    result = runner.invoke(args=["courseware", "media", "build"])
    assert result.exit_code == 1
    assert "espeak-ng not found: apt-get install espeak-ng" in result.output
