"""The external programs the media build runs, and the Debian packages with them."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

#: Every Debian package the media build needs (document these for developers and CI).
DEBIAN_PACKAGES = ("espeak-ng", "ffmpeg", "librsvg2-bin", "fonts-dejavu-core")

#: Program -> the Debian package that installs it.
TOOLS = {
    "rsvg-convert": "librsvg2-bin",
    "espeak-ng": "espeak-ng",
    "ffmpeg": "ffmpeg",
    "ffprobe": "ffmpeg",
}

#: The slide font; DejaVu Sans covers Latin and Cyrillic.
FONT_FAMILY = "DejaVu Sans"
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_PACKAGE = "fonts-dejavu-core"


class MediaError(Exception):
    """A media build step failed; the message is one line for the user."""


def require_tools() -> None:
    """Fail with the apt package to install when a program or the font is missing."""
    for tool, package in TOOLS.items():
        if shutil.which(tool) is None:
            raise MediaError(f"{tool} not found: apt-get install {package}")
    if not FONT_FILE.is_file():
        raise MediaError(
            f"font {FONT_FAMILY} not found: apt-get install {FONT_PACKAGE}"
        )


def run(args: list[str]) -> str:
    """Run a program (argument list); raise MediaError with its last error line."""
    log.debug("running %s", " ".join(args))
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no error output"]
        raise MediaError(f"{args[0]} failed ({done.returncode}): {lines[-1]}")
    return done.stdout


def duration(path: Path) -> float:
    """A media file's duration in seconds, as ffprobe reads its container."""
    out = run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
            str(path),
        ]
    )
    return float(out.strip())
