"""Request dependencies: a database session per request and the calling user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import api_keys, service
from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.db import session_scope
from autogpt_app.errors import Unauthorized


async def _session() -> AsyncIterator[AsyncSession]:
    async with session_scope() as session:
        yield session


# "function" scope: commit before the response goes out, so a client that reads right
# after a write sees it.
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]


async def user_from_headers(
    session: AsyncSession, authorization: str | None = None, x_api_key: str | None = None
) -> User | None:
    """The user an ``X-API-Key`` or ``Authorization: Bearer`` header names, or None when neither is sent.

    Raises:
        Unauthorized: a header is sent but malformed, expired or unknown (a bad credential never
            reads as anonymous).
    """
    if x_api_key:
        return await api_keys.user_from_api_key(session, x_api_key)
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>' or an X-API-Key header.", code="invalid_token")
        return await service.user_from_token(session, token.strip())
    return None


async def _current_user(
    session: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> User:
    user = await user_from_headers(session, authorization, x_api_key)
    if user is None:
        raise Unauthorized(
            "Authentication required: send a bearer token or an X-API-Key header.", code="not_authenticated"
        )
    return user


async def _optional_user(
    session: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> User | None:
    return await user_from_headers(session, authorization, x_api_key)


CurrentUser = Annotated[User, Depends(_current_user)]
#: The calling user, or None for an anonymous caller (no credential headers); a bad credential is still 401.
OptionalUser = Annotated[User | None, Depends(_optional_user)]


async def _current_admin(user: CurrentUser) -> User:
    require_permission(user, Permission.MANAGE_USERS)
    return user


CurrentAdmin = Annotated[User, Depends(_current_admin)]
