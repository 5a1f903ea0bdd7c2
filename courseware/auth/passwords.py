"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

#: Hash of a random password, verified against when the username is unknown, so that
#: unknown and known usernames take the same time.
_DUMMY_PASSWORD = "not-a-real-password-7c1f0e"


def hasher() -> PasswordHasher:
    """An argon2id hasher with the configured cost."""
    config = current_app.config
    return PasswordHasher(
        time_cost=int(config["COURSEWARE_ARGON2_TIME_COST"]),
        memory_cost=int(config["COURSEWARE_ARGON2_MEMORY_COST"]),
        parallelism=int(config["COURSEWARE_ARGON2_PARALLELISM"]),
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same effort when there is no hash."""
    ph = hasher()
    try:
        return ph.verify(password_hash or ph.hash(_DUMMY_PASSWORD), password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    return hasher().check_needs_rehash(password_hash)
