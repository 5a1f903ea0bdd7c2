"""Slide pictures: the illustration, title and key points, drawn by rsvg-convert.

The illustration is rendered to fit its box, embedded in one SVG for the slide as a data
URI with the text laid out here, and the slide is rendered to PNG: the only inputs are
the texts, the illustrations and the font.
"""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from courseware.media.tools import FONT_FAMILY, MediaError, run

WIDTH, HEIGHT = 1280, 720
MARGIN = 56
BACKGROUND = "#f7f5ef"
INK = "#1b1f24"  # 15:1 on the background
ACCENT = "#1d4f91"  # 7.5:1 on the background
PICTURE = (MARGIN, 170, 540, 460)  # x, y, width, height of the illustration's box
TEXT_X = MARGIN + 540 + 48
TEXT_TOP, TEXT_BOTTOM = 180, HEIGHT - MARGIN
TITLE_SIZE = 46
#: DejaVu Sans averages under 0.6 em a character (bold 0.68); wrap with room to spare.
EM_PER_CHAR, BOLD_EM_PER_CHAR = 0.62, 0.7


def wrap(text: str, width_px: float, size: float, em: float = EM_PER_CHAR) -> list[str]:
    """Lines of text that fit width_px at font size, at spaces only."""
    chars = max(8, int(width_px / (size * em)))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False)


def _points_layout(points: list[str]) -> tuple[int, list[list[str]]]:
    """The largest point size (32 down to 22) at which every wrapped point fits."""
    width = WIDTH - MARGIN - TEXT_X - 30
    for size in range(32, 21, -2):
        lines = [wrap(point, width, size) for point in points]
        rows = sum(len(block) for block in lines)
        height = rows * size * 1.3 + len(lines) * size * 0.7
        if height <= TEXT_BOTTOM - TEXT_TOP:
            return size, lines
    return size, lines


def _text(x: float, y: float, size: float, line: str, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" '
        f'fill="{INK}">{escape(line)}</text>'
    )


def illustration_png(illustration: Path, work: Path) -> bytes:
    """The illustration as PNG, fitted to its box on the slide, keeping its shape."""
    target = work / f"{illustration.stem}.png"
    _x, _y, width, height = PICTURE
    run(
        [
            "rsvg-convert",
            "--width",
            str(width),
            "--height",
            str(height),
            "--keep-aspect-ratio",
            "--output",
            str(target),
            str(illustration),
        ]
    )
    return target.read_bytes()


def slide_svg(picture: bytes, title: str, points: list[str]) -> str:
    """The whole slide as SVG text, with the illustration given as PNG bytes."""
    data = base64.b64encode(picture).decode("ascii")
    # A PNG's width and height are the big-endian integers at bytes 16-24.
    w, h = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    x = PICTURE[0] + (PICTURE[2] - w) // 2
    y = PICTURE[1] + (PICTURE[3] - h) // 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family={quoteattr(FONT_FAMILY)}>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>',
        f'<rect x="0" y="0" width="{WIDTH}" height="12" fill="{ACCENT}"/>',
        f'<image x="{x}" y="{y}" width="{w}" height="{h}" '
        f'href="data:image/png;base64,{data}"/>',
    ]
    title_lines = wrap(title, WIDTH - 2 * MARGIN, TITLE_SIZE, BOLD_EM_PER_CHAR)
    if len(title_lines) > 2:
        raise MediaError(f"slide title longer than two lines: {title!r}")
    baseline = 96 if len(title_lines) == 1 else 80
    for line in title_lines:
        parts.append(_text(MARGIN, baseline, TITLE_SIZE, line, "bold"))
        baseline += TITLE_SIZE * 1.2
    size, blocks = _points_layout(points)
    baseline = TEXT_TOP + size
    for block in blocks:
        parts.append(
            f'<circle cx="{TEXT_X + 8}" cy="{baseline - size * 0.35:.0f}" '
            f'r="{size * 0.22:.1f}" fill="{ACCENT}"/>'
        )
        for line in block:
            parts.append(_text(TEXT_X + 30, baseline, size, line))
            baseline += size * 1.3
        baseline += size * 0.7
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_slide(svg: str, work: Path, name: str) -> Path:
    """Write the slide's SVG into work and render it to a PNG beside it."""
    source, target = work / f"{name}.svg", work / f"{name}.png"
    source.write_text(svg, encoding="utf-8")
    run(
        [
            "rsvg-convert",
            "--width",
            str(WIDTH),
            "--height",
            str(HEIGHT),
            "--output",
            str(target),
            str(source),
        ]
    )
    return target
