"""Request dependencies: a database session per request, the calling user, and the scope a route needs.

Every route names what it needs, in one word:

* ``ReadUser`` — looking (API keys with the ``read`` scope);
* ``RunUser`` — starting or stopping runs, talking to the copilot (``run``);
* ``CurrentUser`` — changing things (``manage``); the default, so a route that declares nothing is
  closed to keys without ``manage``;
* ``LoginUser`` — a login only (no API key at all): creating keys, the password, logging out everywhere.

A login (bearer token) may do everything its user may; a key only what its scopes allow (403 otherwise).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import api_keys, service
from autogpt_app.auth.client_address import client_address
from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.auth.scopes import Scope
from autogpt_app.db import session_scope
from autogpt_app.errors import Forbidden, Unauthorized


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    # GET and HEAD routes only read: no transaction round trips for them (see session_scope).
    async with session_scope(reading=request.method in ("GET", "HEAD")) as session:
        yield session


# "function" scope: commit before the response goes out, so a client that reads right
# after a write sees it.
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]


def _client_ip(request: Request) -> str:
    return client_address(request.client.host if request.client else "", request.headers)


#: The client's address (X-Forwarded-For only behind ``TRUSTED_PROXY_COUNT`` proxies), for throttling.
ClientIp = Annotated[str, Depends(_client_ip)]


@dataclass(frozen=True)
class Caller:
    """Who calls: the user, and the scopes of their API key (None for a login, which may do everything)."""

    user: User
    key_scopes: frozenset[Scope] | None = None

    def require(self, scope: Scope | None) -> User:
        """Return the user if the credential allows ``scope`` (None: a login, never a key).

        Raises:
            Forbidden: an API key without that scope, or any API key where a login is needed.
        """
        if self.key_scopes is None:
            return self.user
        if scope is None:
            raise Forbidden(
                "This needs a login: an API key cannot do it. Log in with your password.", code="login_required"
            )
        if scope not in self.key_scopes:
            raise Forbidden(f"This API key lacks the '{scope.value}' scope needed here.", code="insufficient_scope")
        return self.user


async def caller_from_headers(
    session: AsyncSession, authorization: str | None = None, x_api_key: str | None = None
) -> Caller | None:
    """The caller an ``X-API-Key`` or ``Authorization: Bearer`` header names, or None when neither is sent.

    Raises:
        Unauthorized: a header is sent but malformed, expired or unknown (a bad credential never
            reads as anonymous).
    """
    if x_api_key:
        key = await api_keys.caller_from_api_key(session, x_api_key)
        return Caller(key.user, key.scopes)
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>' or an X-API-Key header.", code="invalid_token")
        return Caller(await service.user_from_token(session, token.strip()))
    return None


async def user_from_headers(
    session: AsyncSession,
    authorization: str | None = None,
    x_api_key: str | None = None,
    *,
    scope: Scope = Scope.READ,
) -> User | None:
    """The user the credential headers name if it allows ``scope``, or None when none is sent.

    Raises:
        Unauthorized: a bad credential.
        Forbidden: an API key without ``scope``.
    """
    caller = await caller_from_headers(session, authorization, x_api_key)
    return caller.require(scope) if caller else None


async def _caller(
    session: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Caller | None:
    return await caller_from_headers(session, authorization, x_api_key)


def _needs(scope: Scope | None):
    async def dependency(caller: Annotated[Caller | None, Depends(_caller)]) -> User:
        if caller is None:
            raise Unauthorized(
                "Authentication required: send a bearer token or an X-API-Key header.", code="not_authenticated"
            )
        return caller.require(scope)

    return dependency


async def _optional_user(caller: Annotated[Caller | None, Depends(_caller)]) -> User | None:
    return caller.require(Scope.READ) if caller else None


async def _optional_run_user(caller: Annotated[Caller | None, Depends(_caller)]) -> User | None:
    return caller.require(Scope.RUN) if caller else None


#: The caller, for reading (keys need ``read``).
ReadUser = Annotated[User, Depends(_needs(Scope.READ))]
#: The caller, for starting or stopping runs and copilot turns (keys need ``run``).
RunUser = Annotated[User, Depends(_needs(Scope.RUN))]
#: The caller, for changing things (keys need ``manage``): the default of every route.
CurrentUser = Annotated[User, Depends(_needs(Scope.MANAGE))]
#: The caller with a login (bearer token); API keys are refused.
LoginUser = Annotated[User, Depends(_needs(None))]
#: The calling user, or None for an anonymous caller (no credential headers); a bad credential is still 401.
OptionalUser = Annotated[User | None, Depends(_optional_user)]
#: The same, for the copilot's changes (start, rename, delete a chat): keys need ``run``.
OptionalRunUser = Annotated[User | None, Depends(_optional_run_user)]


async def _current_admin(user: CurrentUser) -> User:
    require_permission(user, Permission.MANAGE_USERS)
    return user


CurrentAdmin = Annotated[User, Depends(_current_admin)]
