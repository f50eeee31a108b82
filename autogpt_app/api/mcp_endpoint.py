"""``/mcp``: the platform as an MCP server (streamable HTTP, the SDK's session manager, stateless).

Stateless, so any web process can answer any request (granian runs several): each POST carries one
JSON-RPC message and gets its answer (an SSE stream when it sends progress first). Before the SDK
sees a request, the caller is authenticated here with a person's API key (``X-API-Key: agpt_…`` or
``Authorization: Bearer agpt_…``; a login token works too): no or a bad key is a 401 in the API's
error shape with ``WWW-Authenticate``. What the key may do (``read``, ``run``) is checked per tool.

The session manager needs a task group for the process's life: :func:`mcp_lifespan` is registered
as a Reflex lifespan task (``autogpt_app.py``), which Reflex runs around the whole app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.types import Receive, Scope, Send

from autogpt_app.api.deps import Caller, caller_from_headers
from autogpt_app.api.errors import error_response
from autogpt_app.auth.api_keys import KEY_PREFIX
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.mcp.server import CALLER_STATE, server

#: Where the MCP server answers.
MCP_PATH = "/mcp"

_manager: StreamableHTTPSessionManager | None = None


def _new_manager() -> StreamableHTTPSessionManager:
    return StreamableHTTPSessionManager(app=server, stateless=True, json_response=False)


@asynccontextmanager
async def mcp_lifespan() -> AsyncIterator[None]:
    """Run the MCP session manager for the life of the process (a manager runs once: a fresh one
    each time, so tests can start the app again in one process)."""
    global _manager
    manager = _new_manager()
    async with manager.run():
        _manager = manager
        try:
            yield
        finally:
            _manager = None


def _headers(scope: Scope) -> dict[str, str]:
    return {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}


async def authenticate(authorization: str | None, x_api_key: str | None) -> Caller | None:
    """The caller of an MCP request: an API key in ``X-API-Key`` or as a bearer token, or a login
    token; None when no credential is sent.

    Raises:
        Unauthorized: a credential that is malformed, revoked, expired or unknown.
    """
    scheme, _, token = (authorization or "").partition(" ")
    if not x_api_key and scheme.lower() == "bearer" and token.strip().startswith(KEY_PREFIX):
        x_api_key, authorization = token.strip(), None
    async with session_scope() as session:
        return await caller_from_headers(session, authorization, x_api_key)


async def _drain(receive: Receive) -> None:
    """Read the unread body (at most the body limit, see api/body_limit.py): answering with bytes still
    unread would reset the connection of a client that is still sending."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _refuse(scope: Scope, receive: Receive, send: Send, code: str, message: str) -> None:
    await _drain(receive)
    headers = {"WWW-Authenticate": 'Bearer realm="mcp", error="invalid_token"'}
    await error_response(401, code, message, headers)(scope, receive, send)


class McpEndpoint:
    """The ASGI app at ``/mcp``: authenticate, then hand the request to the SDK."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request to ``/mcp``."""
        headers = _headers(scope)
        try:
            caller = await authenticate(headers.get("authorization"), headers.get("x-api-key"))
        except ServiceError as exc:
            await _refuse(scope, receive, send, exc.code, exc.message)
            return
        if caller is None:
            await _refuse(
                scope, receive, send, "not_authenticated", "Send your API key as X-API-Key or 'Authorization: Bearer'."
            )
            return
        if _manager is None:
            await error_response(503, "mcp_unavailable", "The MCP server is starting; try again.")(scope, receive, send)
            return
        scope.setdefault("state", {})[CALLER_STATE] = caller
        await _manager.handle_request(scope, receive, send)
