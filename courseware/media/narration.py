"""Spoken narration: espeak-ng per slide, joined into one WAV aligned to frames."""

from __future__ import annotations

import math
import wave
from pathlib import Path

from courseware.media.tools import MediaError, run

#: espeak-ng voice per course language.
VOICES = {"en": "en", "ru": "ru"}
#: Words per minute: slower than espeak-ng's 175, for learners in a second language.
SPEED = 160
#: Silence after each slide's narration, in seconds.
PAUSE = 0.6


def speak(text: str, language: str, work: Path, name: str) -> Path:
    """Speak text with the language's voice into a WAV file in work."""
    source, target = work / f"{name}.txt", work / f"{name}.wav"
    source.write_text(" ".join(text.split()), encoding="utf-8")
    run(
        [
            "espeak-ng",
            "-v",
            VOICES[language],
            "-s",
            str(SPEED),
            "-w",
            str(target),
            "-f",
            str(source),
        ]
    )
    return target


def wav_seconds(path: Path) -> float:
    """A WAV file's duration in seconds."""
    with wave.open(str(path), "rb") as sound:
        return sound.getnframes() / sound.getframerate()


def slide_seconds(speech: float, fps: int) -> float:
    """How long a slide stays: its speech and the pause, rounded up to whole frames."""
    return math.ceil(round((speech + PAUSE) * fps, 6)) / fps


def join(parts: list[tuple[Path, float]], target: Path) -> None:
    """Write the WAVs one after another into target, each padded with silence."""
    with wave.open(str(parts[0][0]), "rb") as first:
        params = first.getparams()
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        for path, seconds in parts:
            with wave.open(str(path), "rb") as sound:
                if sound.getparams()[:3] != params[:3]:
                    raise MediaError(f"{path.name} differs in format from the first")
                frames = sound.readframes(sound.getnframes())
            frame_bytes = params.sampwidth * params.nchannels
            wanted = round(seconds * params.framerate) * frame_bytes
            out.writeframes(frames + b"\0" * (wanted - len(frames)))
