"""ffmpeg encodings: the slide video, the audio-only file and the poster, bit-exact."""

from __future__ import annotations

from pathlib import Path

from courseware.media.tools import run

#: Frames per second: slides are still, so few frames are needed.
FPS = 5
#: No timestamps, encoder versions or random ids in the files, so builds repeat exactly.
EXACT = [
    "-fflags",
    "+bitexact",
    "-flags:v",
    "+bitexact",
    "-flags:a",
    "+bitexact",
    "-map_metadata",
    "-1",
]
VIDEO = [
    "-c:v",
    "libvpx-vp9",
    "-pix_fmt",
    "yuv420p",
    "-b:v",
    "0",
    "-crf",
    "38",
    "-g",
    "9999",
    "-r",
    str(FPS),
    "-deadline",
    "good",
    "-cpu-used",
    "4",
    "-row-mt",
    "1",
]
VIDEO_AUDIO = ["-c:a", "libopus", "-b:a", "20k", "-ac", "1"]
AUDIO_ONLY = ["-c:a", "libopus", "-b:a", "16k", "-ac", "1"]
FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def video(slides: list[tuple[Path, float]], narration: Path, target: Path) -> None:
    """Show each slide PNG for its seconds, over the narration, as WebM VP9 + Opus."""
    args = list(FFMPEG)
    for picture, seconds in slides:
        args += [
            "-loop",
            "1",
            "-framerate",
            str(FPS),
            "-t",
            f"{seconds:.3f}",
            "-i",
            str(picture),
        ]
    args += ["-i", str(narration)]
    inputs = "".join(f"[{n}:v]" for n in range(len(slides)))
    args += [
        "-filter_complex",
        f"{inputs}concat=n={len(slides)}:v=1:a=0[v]",
        "-map",
        "[v]",
        "-map",
        f"{len(slides)}:a",
    ]
    run(args + VIDEO + VIDEO_AUDIO + EXACT + [str(target)])


def audio(narration: Path, target: Path) -> None:
    """The narration alone as Ogg Opus, for learners on slow or costly connections."""
    run(FFMPEG + ["-i", str(narration)] + AUDIO_ONLY + EXACT + [str(target)])


def poster(slide: Path, target: Path) -> None:
    """A palette PNG of a slide, small enough to load before the video is played."""
    graph = (
        "split[a][b];[a]palettegen=max_colors=64:reserve_transparent=0[p];"
        "[b][p]paletteuse=dither=none"
    )
    run(
        FFMPEG
        + ["-i", str(slide), "-vf", graph, "-frames:v", "1"]
        + EXACT
        + [str(target)]
    )
