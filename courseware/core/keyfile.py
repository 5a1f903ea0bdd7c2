"""Key files created once, atomically: two processes starting at once agree on one key.

The new key is written whole to a private temporary file in the same folder and then
hard-linked to its name, which fails if the name exists: no process ever reads a
half-written key, and the one that loses the race reads the winner's.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def create_once(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes in ``path``; when it is missing, ``make()`` them there (mode 0600)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp files are 0600
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        os.unlink(temporary)
    return path.read_bytes()
