"""A person's library agents as MCP tools: a safe, stable, unique name for each, and back.

A tool name must match ``[a-zA-Z0-9_-]{1,64}``. Each agent's name is turned into such a slug; when
two agents (or an agent and one of the platform's own tools) would share one, the older agent keeps
the plain slug and the newer ones get a suffix from their library id, so a name stays the same from
one call to the next as long as the agents it was told apart from stay.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import NotFound
from autogpt_app.library import service as library

#: The longest tool name MCP clients accept.
MAX_NAME = 64
#: Names the platform's own tools use (an agent with such a name gets a suffix).
RESERVED = frozenset({"find_marketplace_agents", "list_runs", "get_run"})
#: The most agents offered as tools (a page of the library at a time, up to this many).
MAX_AGENT_TOOLS = 500
_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]+")


@dataclass(frozen=True)
class AgentTool:
    """One library agent as a tool: its name, description and input schema."""

    name: str
    library_agent_id: str
    graph_id: str
    graph_version: int | None
    agent_name: str
    description: str
    input_schema: dict[str, Any]


def slug(name: str) -> str:
    """``name`` as a tool name: accents dropped ("Ü" → "U"), other unsafe characters become ``_``, at
    most 64 characters, never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name.strip()).strip("_-")
    return cleaned[:MAX_NAME].rstrip("_-") or "agent"


def _with_suffix(base: str, library_agent_id: str) -> str:
    suffix = "_" + re.sub(r"[^a-zA-Z0-9]", "", library_agent_id)[:8]
    return base[: MAX_NAME - len(suffix)].rstrip("_-") + suffix


def _tool_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The agent's input schema as an MCP ``inputSchema`` (always an object schema)."""
    properties = schema.get("properties") or {}
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        result["required"] = list(schema["required"])
    return result


async def agent_tools(session: AsyncSession, user: User) -> list[AgentTool]:
    """The user's library agents that are not archived, as tools with unique, stable names."""
    rows = []
    offset = 0
    while len(rows) < MAX_AGENT_TOOLS:
        page = await library.list_library(
            session, user, archived=False, sort="created", offset=offset, limit=library.MAX_PAGE
        )
        rows.extend(page.items)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            break
    rows.sort(key=lambda row: (row.created_at, row.id))  # the oldest keeps a contested name
    schemas = await library.input_schemas(session, user, [row.id for row in rows])
    taken: set[str] = set(RESERVED)
    tools = []
    for row in rows[:MAX_AGENT_TOOLS]:
        name = slug(row.name)
        if name in taken:
            name = _with_suffix(name, row.id)
        taken.add(name)
        tools.append(
            AgentTool(
                name=name,
                library_agent_id=row.id,
                graph_id=row.graph_id,
                graph_version=row.graph_version,
                agent_name=row.name,
                description=row.description or f"Runs the agent '{row.name}'.",
                input_schema=_tool_schema(schemas.get(row.id, {})),
            )
        )
    return tools


async def find_tool(session: AsyncSession, user: User, name: str) -> AgentTool:
    """The user's agent offered under tool ``name``.

    Raises:
        NotFound: no agent of this user's library has that tool name (another user's never does).
    """
    for tool in await agent_tools(session, user):
        if tool.name == name:
            return tool
    raise NotFound(
        f"No agent in your library is called '{name}'. List the tools to see their names.", code="tool_not_found"
    )
