"""JWT access tokens (HS256) carrying the user id and the user's token version."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import timedelta

import jwt

from autogpt_app.errors import Unauthorized
from autogpt_app.settings import get_secret_key, get_settings
from autogpt_app.timeutil import utcnow

ALGORITHM = "HS256"
TOKEN_TYPE = "access"


@dataclass(frozen=True)
class TokenClaims:
    """The claims of a valid token."""

    user_id: str
    version: int


def create_access_token(user_id: str, version: int, *, minutes: int | None = None) -> str:
    """Return a signed access token for ``user_id`` at token version ``version``."""
    now = utcnow()
    lifetime = minutes if minutes is not None else get_settings().access_token_minutes
    payload = {
        "sub": user_id,
        "ver": version,
        "typ": TOKEN_TYPE,
        "iat": now,
        "exp": now + timedelta(minutes=lifetime),
    }
    return jwt.encode(payload, get_secret_key(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> TokenClaims:
    """Check signature, expiry and shape; raise :class:`Unauthorized` otherwise.

    Whether the user still exists, is enabled and has this version is the service's check.
    """
    claims, expires = _verified(token, get_secret_key())
    if time.time() >= expires:  # checked on every use: a verified token is remembered, its expiry is not
        raise Unauthorized("Your session has expired; please log in again.", code="token_expired")
    return claims


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[TokenClaims, float]:
    """The claims and expiry (epoch seconds) of a token whose signature and shape are valid.

    A client sends the same token with every request; checking its signature once per process is
    enough (a failure raises, and is never remembered).
    """
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Your session has expired; please log in again.", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid authentication token.", code="invalid_token") from exc
    ver = payload.get("ver")
    if payload.get("typ") != TOKEN_TYPE or not isinstance(ver, int) or not isinstance(payload["sub"], str):
        raise Unauthorized("Invalid authentication token.", code="invalid_token")
    return TokenClaims(user_id=payload["sub"], version=ver), float(payload["exp"])
