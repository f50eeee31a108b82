"""``/mcp/tools``: the tools an MCP server offers, for the builder's tool picker and API clients."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from autogpt_app.api.deps import ReadUser, SessionDep
from autogpt_app.mcp import service

router = APIRouter(prefix="/mcp", tags=["mcp"])


class McpToolPublic(BaseModel):
    """One tool of an MCP server: its name, what it does, and the JSON schema of its arguments."""

    name: str
    description: str
    input_schema: dict[str, Any]


@router.get("/tools")
async def tools(
    user: ReadUser,
    session: SessionDep,
    server_url: str = Query(description="The MCP server's address, e.g. https://example.com/mcp"),
    credential_id: str | None = Query(default=None, description="One of your 'mcp' credentials"),
) -> list[McpToolPublic]:
    """List the tools of the MCP server at ``server_url`` (asked with your credential when given)."""
    found = await service.server_tools(session, user, server_url, credential_id)
    return [McpToolPublic(name=t.name, description=t.description, input_schema=t.input_schema) for t in found]
