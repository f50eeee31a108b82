"""Talk to any MCP server over streamable HTTP: list its tools, call one.

The SDK's client (``streamable_http_client`` + ``ClientSession``) runs on an ``httpx`` client from
:func:`autogpt_app.net.safe_client`: every connection is SSRF-checked (the SDK follows redirects
only within the server's origin, and each new connection is checked again), response bodies are
capped at ``outbound_max_response_bytes``, and the whole exchange has a time limit.

Authorization is a bearer token: an ``api_key`` credential's key, or for an ``oauth2`` credential an
access token renewed from its refresh token at ``meta.token_uri`` (OAuth 2.0 with a client
registered beforehand, which the MCP authorization spec allows; dynamic client registration and a
browser consent flow are not offered). No token ever appears in a message.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from autogpt_app.blocks.sdk import CredentialSecret
from autogpt_app.credentials.oauth import OAuthClient, TokenProblem, access_token
from autogpt_app.errors import ServiceError
from autogpt_app.net import SafeHTTP, checked_url, safe_client
from autogpt_app.settings import get_settings

if TYPE_CHECKING:
    from mcp import ClientSession

# The SDK is imported where it is used: importing any part of ``mcp`` loads all of it (~0.6 s), and
# every process that loads the block registry (web, workers, scheduler) would pay for it at start.

log = logging.getLogger(__name__)

#: The credential provider of MCP servers.
PROVIDER = "mcp"
_MASK = "********"


class McpProblem(ServiceError):
    """Talking to an MCP server failed; the message says why in one sentence (no secret in it)."""

    status = 502
    code = "mcp_failed"


@dataclass(frozen=True)
class ToolInfo:
    """One tool an MCP server offers."""

    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass
class ToolResult:
    """What a tool call answered: the result value, its content items, and an error sentence if any."""

    result: Any
    content: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


async def bearer_token(credential: CredentialSecret | None, http: SafeHTTP | None = None) -> str | None:
    """The bearer token ``credential`` gives: an API key as it is, an OAuth 2.0 access token renewed
    through the guarded client; None without a credential.

    Raises:
        McpProblem: the credential is of another kind, incomplete, or its token could not be renewed.
    """
    if credential is None:
        return None
    if credential.type == "api_key" and credential.api_key is not None:
        return credential.api_key.get_secret_value().strip()
    if credential.type == "oauth2":
        client_id = (credential.client_id or "").strip()
        secret = credential.client_secret.get_secret_value() if credential.client_secret else ""
        refresh = credential.refresh_token.get_secret_value() if credential.refresh_token else ""
        token_uri = str((credential.meta or {}).get("token_uri") or "")
        if not (client_id and secret and refresh and token_uri):
            raise McpProblem(
                "The MCP credential must have a client id, client secret, refresh token and token URI.",
                code="mcp_credential_incomplete",
            )
        client = OAuthClient(credential.id, client_id, secret, refresh, token_uri, provider_label="MCP server")
        try:
            async with SafeHTTP() if http is None else _borrowed(http) as poster:
                return await access_token(poster, client)
        except TokenProblem as exc:
            raise McpProblem(str(exc), code="mcp_token_failed") from None
    raise McpProblem("The MCP credential must be a bearer token (API key) or OAuth 2.0.", code="mcp_credential_kind")


@asynccontextmanager
async def _borrowed(http: SafeHTTP) -> AsyncIterator[SafeHTTP]:
    yield http  # the caller's client: not closed here


def _host(server_url: str) -> str:
    return httpx.URL(server_url).host or "the MCP server"


def _masked(text: str, token: str | None) -> str:
    return text.replace(token, _MASK) if token else text


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _reason(exc: BaseException, server_url: str) -> str:
    """One sentence for a failure of the exchange with the server at ``server_url``."""
    host = _host(server_url)
    for leaf in _leaves(exc):
        if isinstance(leaf, ServiceError):  # the SSRF guard, the size cap, a token problem
            return leaf.message
        if isinstance(leaf, httpx.HTTPStatusError):
            status = leaf.response.status_code
            if status in (401, 403):
                return f"The MCP server at {host} refused the credential (HTTP {status})."
            if status == 404:
                return f"No MCP server answers at that address on {host} (HTTP 404)."
            return f"The MCP server at {host} answered HTTP {status}."
        from mcp.shared.exceptions import McpError

        if isinstance(leaf, McpError):
            return f"The MCP server at {host} refused: {leaf.error.message}"
        if isinstance(leaf, httpx.TimeoutException | TimeoutError):
            return f"The MCP server at {host} did not answer in time."
        if isinstance(leaf, httpx.TransportError):
            return f"Could not connect to the MCP server at {host}."
    return f"Talking to the MCP server at {host} failed ({type(exc).__name__})."


@asynccontextmanager
async def _session(server_url: str, token: str | None) -> AsyncIterator[ClientSession]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    settings = get_settings()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = safe_client(
        headers=headers,
        timeout=httpx.Timeout(settings.outbound_timeout_seconds, read=settings.node_timeout_seconds),
        max_bytes=settings.outbound_max_response_bytes,
    )
    async with (
        http,
        streamable_http_client(server_url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def _exchange(server_url: str, token: str | None, seconds: float, work) -> Any:
    url = str(checked_url(server_url))  # a malformed or credential-carrying URL is refused before connecting
    try:
        async with asyncio.timeout(seconds):
            async with _session(url, token) as session:
                return await work(session)
    except TimeoutError:
        message = f"The MCP server at {_host(url)} did not answer within {seconds:.0f} s."
        raise McpProblem(message, code="mcp_timeout") from None
    except ServiceError:
        raise
    except Exception as exc:  # the SDK raises many kinds, often grouped: one sentence for a person
        ours = next((leaf for leaf in _leaves(exc) if isinstance(leaf, ServiceError)), None)
        if ours is not None:  # the SSRF guard, the size cap: their own words
            raise ours from None
        log.info("MCP exchange with %s failed: %s", _host(url), type(exc).__name__)
        raise McpProblem(_masked(_reason(exc, url), token)) from None


async def list_tools(server_url: str, token: str | None = None) -> list[ToolInfo]:
    """The tools the MCP server at ``server_url`` offers (every page of its list).

    Raises:
        OutboundRequestError: the address is refused (private, malformed).
        McpProblem: the server could not be reached, refused, or did not answer in time.
    """

    async def work(session: ClientSession) -> list[ToolInfo]:
        tools: list[ToolInfo] = []
        cursor = None
        for _ in range(20):  # at most 20 pages
            page = await session.list_tools(cursor=cursor) if cursor else await session.list_tools()
            tools += [ToolInfo(t.name, t.description or "", dict(t.inputSchema or {})) for t in page.tools]
            cursor = page.nextCursor
            if not cursor:
                break
        return tools

    return await _exchange(server_url, token, get_settings().outbound_timeout_seconds, work)


def _value(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    content = [item.model_dump(mode="json", exclude_none=True) for item in result.content]
    if result.structuredContent is not None:
        return result.structuredContent, content
    texts = [item.text for item in result.content if getattr(item, "type", "") == "text"]
    text = "\n".join(texts)
    try:
        return (json.loads(text) if texts else None), content
    except ValueError:
        return text, content


async def call_tool(
    server_url: str, name: str, arguments: dict[str, Any], token: str | None = None, *, seconds: float | None = None
) -> ToolResult:
    """Call tool ``name`` with ``arguments``. A tool that reports an error gives ``error`` (its words);
    the result is its structured content, else its text parsed as JSON, else the text.

    Raises:
        OutboundRequestError: the address is refused (private, malformed).
        McpProblem: the server could not be reached, refused, or did not answer in time.
    """

    async def work(session: ClientSession) -> ToolResult:
        answer = await session.call_tool(name, arguments)
        value, content = _value(answer)
        if answer.isError:
            words = " ".join(item.get("text", "") for item in content if item.get("type") == "text").strip()
            return ToolResult(value, content, _masked(words or f"The tool '{name}' failed.", token))
        return ToolResult(value, content)

    return await _exchange(server_url, token, seconds or get_settings().node_timeout_seconds, work)
