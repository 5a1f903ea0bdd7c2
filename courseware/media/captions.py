"""Caption cues and transcripts from slide narration: pure functions, no programs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: A cue holds at most two lines of about this many characters each.
LINE_CHARS = 42
CUE_CHARS = 2 * LINE_CHARS

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


@dataclass(frozen=True)
class Cue:
    """One caption: start and end in seconds, and its text."""

    start: float
    end: float
    text: str


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Join consecutive pieces with spaces while the result stays within limit."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] = f"{packed[-1]} {piece}"
        else:
            packed.append(piece)
    return packed


def _by_words(text: str, limit: int) -> list[str]:
    """Cut text at spaces into the fewest parts of about equal length within limit."""
    words = text.split()
    parts = math.ceil(len(text) / limit)
    for target in range(math.ceil(len(text) / parts), limit + 1):
        chunks = _pack(words, target)
        if len(chunks) <= parts:
            return chunks
    return _pack(words, limit)


def split_cues(narration: str, limit: int = CUE_CHARS) -> list[str]:
    """Split narration at sentences, then clauses, then words, into cues up to limit."""
    text = " ".join(narration.split())
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in _pack(_CLAUSE_END.split(sentence), limit):
            fits = len(clause) <= limit
            pieces.extend([clause] if fits else _by_words(clause, limit))
    return _pack(pieces, limit)


def time_cues(texts: list[str], start: float, length: float) -> list[Cue]:
    """Share length among the texts in proportion to their characters, from start."""
    total = sum(len(text) for text in texts)
    cues, done = [], 0
    for text in texts:
        begin = start + length * done / total
        done += len(text)
        cues.append(Cue(round(begin, 3), round(start + length * done / total, 3), text))
    return cues


def two_lines(text: str, width: int = LINE_CHARS) -> str:
    """Break a cue wider than width in two, after punctuation when that fits."""
    if len(text) <= width + 4 or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, char in enumerate(text) if char == " "]
    fitting = [i for i in spaces if max(i, len(text) - i - 1) <= width + 6]
    after_mark = [i for i in fitting if text[i - 1] in ",;:.!?—–"]
    cut = min(after_mark or spaces, key=lambda i: (abs(i - middle), i))
    return f"{text[:cut]}\n{text[cut + 1 :]}"


def timestamp(seconds: float) -> str:
    """WebVTT time HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: list[Cue]) -> str:
    """A WebVTT file: the header, a blank line, then numbered cues."""
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        times = f"{timestamp(cue.start)} --> {timestamp(cue.end)}"
        blocks.append(f"{number}\n{times}\n{_escape(two_lines(cue.text))}\n")
    return "\n".join(blocks)


def transcript(slides: list[tuple[str, str]]) -> str:
    """Markdown: each slide title as a ``##`` heading, its narration as a paragraph."""
    # One line a paragraph: a wrapped line could start with "1." or "-", making a list.
    parts = [f"## {title}\n\n{' '.join(text.split())}\n" for title, text in slides]
    return "\n".join(parts)
