"""API keys: create (shown once), list, revoke, and resolve ``X-API-Key`` to a user and scopes.

Keys are 256-bit random strings, so a plain SHA-256 is a safe, constant-cost lookup hash
(a slow password hash would buy nothing against such entropy). A key carries scopes
(:mod:`autogpt_app.auth.scopes`) and may expire; an expired key is refused like a revoked one.
The last-used time is written at most once per :data:`LAST_USED_RESOLUTION`, so a busy script does
not turn every request into a write on its key's row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import ApiKey, ApiKeyPublic, User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.auth.scopes import Scope, from_text, parse_scopes, to_text
from autogpt_app.errors import Conflict, InvalidInput, NotFound, Unauthorized
from autogpt_app.timeutil import utcnow

KEY_PREFIX = "agpt_"
MAX_ACTIVE_KEYS = 25
MAX_EXPIRY_DAYS = 3650
#: The last-used time is exact to this much (it is written at most this often per key).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyCaller:
    """Who called with an API key, and what the key may do."""

    user: User
    scopes: frozenset[Scope]


def hash_key(key: str) -> str:
    """Return the stored hash of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def to_public(key: ApiKey) -> ApiKeyPublic:
    """The owner's view of a key (never the secret or its hash)."""
    return ApiKeyPublic(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=[s.value for s in sorted(from_text(key.scopes), key=list(Scope).index)],
        created_at=key.created_at,
        expires_at=key.expires_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


async def create_api_key(
    session: AsyncSession,
    user: User,
    *,
    name: str,
    scopes: list[str] | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiKeyPublic, str]:
    """Create a key for ``user``; return its public record and the secret (shown once).

    Args:
        scopes: any of ``read``, ``run``, ``manage``; None gives ``read`` and ``run``.
        expires_in_days: 1 to 3650, or None for a key that does not expire.

    Raises:
        InvalidInput: empty or too long name, unknown scope, expiry out of range.
        Conflict: the user already has the maximum number of active keys.
    """
    require_permission(user, Permission.MANAGE_OWN_API_KEYS)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput("Give the key a name of 1 to 80 characters.", code="invalid_name")
    chosen = parse_scopes(scopes)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(f"A key can expire in 1 to {MAX_EXPIRY_DAYS} days, or never.", code="invalid_expiry")
    active = (
        await session.execute(select(func.count()).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None)))
    ).scalar_one()
    if active >= MAX_ACTIVE_KEYS:
        raise Conflict(f"You already have {MAX_ACTIVE_KEYS} active keys; revoke one first.", code="too_many_keys")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=secret[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(secret),
        scopes=to_text(chosen),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(key)
    await session.flush()
    return to_public(key), secret


async def list_api_keys(session: AsyncSession, user: User) -> list[ApiKeyPublic]:
    """Return the user's keys, newest first, revoked and expired ones included."""
    rows = (
        await session.execute(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc()))
    ).scalars()
    return [to_public(k) for k in rows]


async def revoke_api_key(session: AsyncSession, user: User, key_id: str) -> ApiKeyPublic:
    """Revoke one of the user's keys. Another user's key is reported as not found."""
    key = await session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("No such API key.", code="api_key_not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        await session.flush()
    return to_public(key)


async def revoke_all_api_keys(session: AsyncSession, user: User) -> int:
    """Revoke every active API key of ``user``; return how many."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def is_expired(key: ApiKey | ApiKeyPublic, now: datetime | None = None) -> bool:
    """Whether the key is past its expiry."""
    return key.expires_at is not None and key.expires_at <= (now or utcnow())


async def caller_from_api_key(session: AsyncSession, secret: str) -> KeyCaller:
    """Resolve an ``X-API-Key`` value to its enabled owner and the key's scopes.

    Raises:
        Unauthorized: unknown, revoked or expired key, or the owner is disabled.
    """
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        raise Unauthorized("Invalid API key.", code="invalid_api_key")
    key = (await session.execute(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))).scalar_one_or_none()
    now = utcnow()
    if key is None or key.revoked_at is not None or is_expired(key, now):
        raise Unauthorized("Invalid API key.", code="invalid_api_key")
    user = await session.get(User, key.user_id)
    if user is None or user.is_disabled:
        raise Unauthorized("This account has been disabled. Contact an administrator.", code="account_disabled")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so of many concurrent requests only one writes within the minute.
        stale = now - LAST_USED_RESOLUTION
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == key.id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= stale))
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    return KeyCaller(user=user, scopes=from_text(key.scopes))


async def user_from_api_key(session: AsyncSession, secret: str) -> User:
    """Resolve an ``X-API-Key`` value to its enabled owner (any scope).

    Raises:
        Unauthorized: unknown, revoked or expired key, or the owner is disabled.
    """
    return (await caller_from_api_key(session, secret)).user
