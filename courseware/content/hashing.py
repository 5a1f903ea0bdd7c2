"""Hashes that tie translations to the source text they were made from."""

from __future__ import annotations

import hashlib

HASH_LENGTH = 16


def text_hash(text: str) -> str:
    """A short, stable hash of ``text`` (line endings and trailing spaces ignored)."""
    normal = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return hashlib.sha256(normal.strip().encode("utf-8")).hexdigest()[:HASH_LENGTH]


def lesson_source_hash(text: str) -> str:
    """Hash of a source lesson file, ignoring any ``source_hash:`` line it may carry."""
    kept = [
        line
        for line in text.replace("\r\n", "\n").split("\n")
        if not line.startswith("source_hash:")
    ]
    return text_hash("\n".join(kept))


def file_hash(data: bytes) -> str:
    """Full sha256 of a file's bytes (the media store's key)."""
    return hashlib.sha256(data).hexdigest()
