"""Password policy and argon2 hashing.

Hashing is CPU-bound (tens of milliseconds by design), so the async helpers run it in a
worker thread: the event loop that serves every user's page keeps serving.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from autogpt_app.errors import InvalidInput

MIN_LENGTH = 8
# argon2 would happily hash megabytes; a cap keeps one request from burning the CPU.
MAX_LENGTH = 256

_hasher = PasswordHasher()


@lru_cache
def common_passwords() -> frozenset[str]:
    """Return the lower-cased list of passwords too common to accept."""
    text = resources.files("autogpt_app.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, *, email: str = "", display_name: str = "") -> None:
    """Raise :class:`InvalidInput` with a readable reason if ``password`` is too weak."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"Password must be at least {MIN_LENGTH} characters long.", code="weak_password")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"Password must be at most {MAX_LENGTH} characters long.", code="weak_password")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) == 1:
        raise InvalidInput("That password is too common and easy to guess; choose another.", code="weak_password")
    personal = {email.lower(), email.split("@", 1)[0].lower(), display_name.strip().lower()}
    if lowered in {p for p in personal if p}:
        raise InvalidInput("Password must not be your e-mail address or name.", code="weak_password")


def hash_password_sync(password: str) -> str:
    """Return an argon2id hash of ``password`` (blocking)."""
    return _hasher.hash(password)


def verify_password_sync(password_hash: str, password: str) -> bool:
    """Return whether ``password`` matches ``password_hash`` (blocking)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    """Hash ``password`` off the event loop."""
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """Verify ``password`` against ``password_hash`` off the event loop."""
    return await asyncio.to_thread(verify_password_sync, password_hash, password)


@lru_cache
def dummy_hash() -> str:
    """A real hash of a random value: unknown e-mails are checked against it so they take
    as long as wrong passwords and do not reveal which accounts exist."""
    import secrets

    return hash_password_sync(secrets.token_urlsafe(16))


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
