"""*Call an MCP tool*: calls one tool of any MCP server (streamable HTTP) and passes on its answer.

The server's address, the tool's name and its arguments are inputs; the credential (provider
``mcp``) is optional: a bearer token (``api_key``) or OAuth 2.0 (``oauth2``: client id, secret,
refresh token and ``meta.token_uri``). The exchange goes through :mod:`autogpt_app.mcp.client`
(SSRF-guarded, size- and time-capped). AutoGPT has no such block, so the id and pins are ours.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._web_helpers import open_http
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)
from autogpt_app.errors import ServiceError
from autogpt_app.mcp import client as mcp

EMPTY_URL = "Enter the MCP server's address, e.g. https://example.com/mcp."
EMPTY_TOOL = "Choose the tool to call (load the server's tools to pick one)."


class McpToolBlock(Block):
    """Calls a tool of an MCP server with the given arguments."""

    id = "3c6f1f8e-6a0b-4f4e-9d0c-5b2a7e8d4c21"
    name = "Call an MCP tool"
    description = (
        "Calls a tool on an MCP server (Model Context Protocol, streamable HTTP) with your arguments, "
        "and passes on what the tool answered."
    )
    categories = (BlockCategory.AGENT, BlockCategory.WEB)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider=mcp.PROVIDER,
            types=("api_key", "oauth2"),
            description="The MCP server's bearer token, or an OAuth 2.0 client and refresh token (with a token URI)",
            optional=True,
        ),
    )

    class Input(BlockInput):
        server_url: str = Field(description="The MCP server's address, e.g. https://example.com/mcp")
        tool_name: str = Field(description="The tool to call (load the server's tools to choose)")
        arguments: dict[str, Any] = Field(
            default_factory=dict, description="The tool's arguments, by name (see the tool's input schema)"
        )
        credentials: CredentialsRef | None = Field(default=None, description="Bearer token or OAuth 2.0 (optional)")

    class Output(BlockOutput):
        result: Any = Field(description="The tool's answer: its structured result, else its text (JSON read)")
        content: list[dict[str, Any]] = Field(description="The answer's content items as the server sent them")

    examples = (
        BlockExample(
            input={"server_url": " ", "tool_name": "search"},
            output=[("error", EMPTY_URL)],
            description="no address",
        ),
        BlockExample(
            input={"server_url": "http://127.0.0.1:9/mcp", "tool_name": "search", "arguments": {"q": "x"}},
            output=[("error", lambda text: "127.0.0.1" in text and "not allowed" in text.lower())],
            description="a private address is refused before any connection",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        server_url, tool = input.server_url.strip(), input.tool_name.strip()
        if not server_url:
            yield "error", EMPTY_URL
            return
        if not tool:
            yield "error", EMPTY_TOOL
            return
        try:
            async with open_http(context) as http:
                token = await mcp.bearer_token(context.credentials.get("credentials"), http)
            answer = await mcp.call_tool(server_url, tool, dict(input.arguments), token)
        except ServiceError as exc:
            yield "error", exc.message
            return
        if answer.error:
            yield "error", answer.error
            return
        yield "result", answer.result
        yield "content", answer.content
