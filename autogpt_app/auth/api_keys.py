"""API keys: create (shown once), list, revoke, and resolve ``X-API-Key`` to a user.

Keys are 256-bit random strings, so a plain SHA-256 is a safe, constant-cost lookup hash
(a slow password hash would buy nothing against such entropy).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import ApiKey, ApiKeyPublic, User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import Conflict, InvalidInput, NotFound, Unauthorized
from autogpt_app.timeutil import utcnow

KEY_PREFIX = "agpt_"
MAX_ACTIVE_KEYS = 25


def hash_key(key: str) -> str:
    """Return the stored hash of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_api_key(session: AsyncSession, user: User, *, name: str) -> tuple[ApiKeyPublic, str]:
    """Create a key for ``user``; return its public record and the secret (shown once).

    Raises:
        InvalidInput: empty or too long name.
        Conflict: the user already has the maximum number of active keys.
    """
    require_permission(user, Permission.MANAGE_OWN_API_KEYS)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise InvalidInput("Give the key a name of 1 to 80 characters.", code="invalid_name")
    active = (
        await session.execute(select(func.count()).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None)))
    ).scalar_one()
    if active >= MAX_ACTIVE_KEYS:
        raise Conflict(f"You already have {MAX_ACTIVE_KEYS} active keys; revoke one first.", code="too_many_keys")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(user_id=user.id, name=name, prefix=secret[: len(KEY_PREFIX) + 6], key_hash=hash_key(secret))
    session.add(key)
    await session.flush()
    return ApiKeyPublic.model_validate(key, from_attributes=True), secret


async def list_api_keys(session: AsyncSession, user: User) -> list[ApiKeyPublic]:
    """Return the user's keys, newest first, revoked ones included."""
    rows = (
        await session.execute(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc()))
    ).scalars()
    return [ApiKeyPublic.model_validate(k, from_attributes=True) for k in rows]


async def revoke_api_key(session: AsyncSession, user: User, key_id: str) -> ApiKeyPublic:
    """Revoke one of the user's keys. Another user's key is reported as not found."""
    key = await session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("No such API key.", code="api_key_not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        await session.flush()
    return ApiKeyPublic.model_validate(key, from_attributes=True)


async def user_from_api_key(session: AsyncSession, secret: str) -> User:
    """Resolve an ``X-API-Key`` value to its enabled owner.

    Raises:
        Unauthorized: unknown, revoked, or the owner is disabled.
    """
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        raise Unauthorized("Invalid API key.", code="invalid_api_key")
    key = (await session.execute(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))).scalar_one_or_none()
    if key is None or key.revoked_at is not None:
        raise Unauthorized("Invalid API key.", code="invalid_api_key")
    user = await session.get(User, key.user_id)
    if user is None or user.is_disabled:
        raise Unauthorized("This account has been disabled. Contact an administrator.", code="account_disabled")
    key.last_used_at = utcnow()
    session.add(key)
    await session.flush()
    return user
