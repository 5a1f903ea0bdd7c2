"""Join codes, pupil usernames and passwords that are easy to read and type."""

from __future__ import annotations

import re
import secrets

#: No 0/O, 1/I/L: nothing that can be mistaken for something else.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DIGITS = "23456789"

#: Short words without the letters i, l and o (mistaken for 1 and 0 on a card).
WORDS = (
    "amber", "bay", "bean", "bear", "bee", "berry", "cake", "cat", "cave", "cherry",
    "crab", "crane", "date", "deer", "duck", "dune", "emu", "fern", "fez", "frame",
    "grape", "hare", "hat", "hawk", "hen", "jay", "jet", "kayak", "key",
    "map", "maze", "mars", "nest", "newt", "nut", "panda", "peach", "pear", "pen",
    "puma", "quest", "ram", "raven", "reef", "ruby", "sand", "seed", "shark", "sky",
    "snake", "star", "sun", "swan", "tea", "tent", "tree", "tuna", "venus", "wasp",
    "wave", "wren", "yak", "zebra",
)  # fmt: skip

PREFIX_RE = re.compile(r"^[a-z0-9]{1,10}$")


def new_join_code() -> str:
    """Eight random characters from the unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str | None) -> str:
    """``ABCDEFGH`` shown as ``ABCD-EFGH``."""
    if not code:
        return ""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    """What a learner typed, upper-cased, without spaces and hyphens."""
    return re.sub(r"[\s\-]+", "", typed or "").upper()


def suggest_prefix(name: str) -> str:
    """A username prefix from a group name: ``7B Lions`` -> ``7blions``."""
    prefix = re.sub(r"[^a-z0-9]", "", (name or "").lower())[:10]
    return prefix or "class"


def new_username(prefix: str, digits: int = 2) -> str:
    """``7b-lion-42``: the class prefix, a word and digits."""
    number = "".join(secrets.choice(DIGITS) for _ in range(digits))
    return f"{prefix}-{secrets.choice(WORDS)}-{number}"


def new_password() -> str:
    """Two words and three digits, e.g. ``swan-peach-472`` (at least 11 characters)."""
    first, second = secrets.choice(WORDS), secrets.choice(WORDS)
    number = "".join(secrets.choice(DIGITS) for _ in range(3))
    return f"{first}-{second}-{number}"
