"""The MCP server of the platform (the SDK's low-level ``Server``): a person's agents as tools.

Who calls is settled before a request reaches here (``api/mcp_endpoint.py`` puts a
:class:`~autogpt_app.api.deps.Caller` in the request's state); each handler reads it from the
request the SDK hands over. Tools:

* one per agent of the caller's library (see :mod:`autogpt_app.mcp.agents`): calling it runs the
  agent (scope ``run``) and answers with its outputs, sending progress as steps finish;
* ``find_marketplace_agents``, ``list_runs`` and ``get_run`` (scope ``read``), over the services the
  API uses.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp.types as types
from mcp.server.lowlevel import Server

from autogpt_app.api.deps import Caller
from autogpt_app.auth.models import User
from autogpt_app.auth.scopes import Scope
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.mcp import agents
from autogpt_app.mcp.runs import RunOutcome, plain_outputs, start_run, wait_for_run
from autogpt_app.store.search import search_listings
from autogpt_app.wording import status_label

log = logging.getLogger(__name__)

#: Where the endpoint leaves the authenticated caller in the request's state.
CALLER_STATE = "mcp_caller"

_PLATFORM_TOOLS = (
    types.Tool(
        name="find_marketplace_agents",
        description="Search the marketplace for agents by what they do. Returns names, slugs and summaries.",
        inputSchema={
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words describing the agent you look for"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
        },
    ),
    types.Tool(
        name="list_runs",
        description="List your latest agent runs, newest first, optionally of one agent (its tool name).",
        inputSchema={
            "type": "object",
            "properties": {
                "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                "agent": {"type": "string", "description": "The tool name of one of your agents"},
            },
        },
    ),
    types.Tool(
        name="get_run",
        description="Read one of your runs: its status, outputs and error.",
        inputSchema={
            "type": "object",
            "properties": {"run_id": {"type": "string", "description": "The run's id"}},
            "required": ["run_id"],
        },
    ),
)

server: Server = Server("autogpt-platform", instructions="Your AutoGPT agents as tools: call one to run it.")


def _caller() -> Caller:
    request = server.request_context.request
    caller = getattr(getattr(request, "state", None), CALLER_STATE, None)
    if not isinstance(caller, Caller):  # the endpoint always sets it; never serve without one
        raise PermissionError("Not authenticated.")
    return caller


def _text(value: Any) -> list[types.TextContent]:
    return [types.TextContent(type="text", text=json.dumps(value, ensure_ascii=False, indent=2, default=str))]


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], isError=True)


def _result(value: dict[str, Any]) -> types.CallToolResult:
    return types.CallToolResult(content=_text(value), structuredContent=value)


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    """The caller's agents as tools, then the platform's own tools."""
    user = _caller().require(Scope.READ)
    async with session_scope(reading=True) as session:
        found = await agents.agent_tools(session, user)
    tools = [
        types.Tool(name=tool.name, title=tool.agent_name, description=tool.description, inputSchema=tool.input_schema)
        for tool in found
    ]
    return [*tools, *_PLATFORM_TOOLS]


@server.call_tool(validate_input=False)  # the services validate, with sentences a person reads
async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    """Run the named tool for the caller; a refusal comes back as an error result in words."""
    try:
        if name == "find_marketplace_agents":
            return _result(await _find_marketplace_agents(_caller().require(Scope.READ), arguments))
        if name == "list_runs":
            return _result(await _list_runs(_caller().require(Scope.READ), arguments))
        if name == "get_run":
            return _result(await _get_run(_caller().require(Scope.READ), arguments))
        return await _run_agent(_caller(), name, arguments)
    except ServiceError as exc:
        return _error(exc.message)


async def _find_marketplace_agents(user: User, arguments: dict[str, Any]) -> dict[str, Any]:
    query = str(arguments.get("query") or "")
    limit = _limit(arguments, 10, 50)
    async with session_scope(reading=True) as session:
        page = await search_listings(session, query=query, limit=limit)
    return {
        "total": page.total,
        "agents": [
            {
                "slug": item.slug,
                "name": item.name,
                "summary": item.subheading,
                "creator": item.creator_username,
                "categories": item.categories,
                "runs": item.run_count,
            }
            for item in page.items
        ],
    }


async def _list_runs(user: User, arguments: dict[str, Any]) -> dict[str, Any]:
    limit = _limit(arguments, 20, 100)
    async with session_scope(reading=True) as session:
        graph_id = None
        if arguments.get("agent"):
            graph_id = (await agents.find_tool(session, user, str(arguments["agent"]))).graph_id
        page = await executions.list_runs(session, user, graph_id=graph_id, limit=limit)
    return {
        "total": page.total,
        "runs": [
            {
                "run_id": run.id,
                "agent": run.agent_name,
                "status": run.status,
                "error": run.error,
                "created_at": run.created_at.isoformat(),
                "ended_at": run.ended_at.isoformat() if run.ended_at else None,
            }
            for run in page.items
        ],
    }


async def _get_run(user: User, arguments: dict[str, Any]) -> dict[str, Any]:
    run_id = str(arguments.get("run_id") or "").strip()
    if not run_id:
        raise InvalidInput("Give the run's id (run_id).", code="run_id_missing")
    async with session_scope(reading=True) as session:
        run = await executions.get_execution(session, user, run_id, with_nodes=False)
    return RunOutcome(run.id, run.status, plain_outputs(run.outputs), run.error).summary()


def _limit(arguments: dict[str, Any], default: int, most: int) -> int:
    try:
        return max(1, min(int(arguments.get("limit") or default), most))
    except (TypeError, ValueError):
        raise InvalidInput("limit must be a whole number.", code="invalid_limit") from None


async def _run_agent(caller: Caller, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    """Start the caller's agent ``name``, follow it, and answer with its outputs (or why not)."""
    reader = caller.require(Scope.READ)
    async with session_scope(reading=True) as session:
        tool = await agents.find_tool(session, reader, name)
    user = caller.require(Scope.RUN)
    execution_id = await start_run(user, tool, arguments)
    context = server.request_context
    token = context.meta.progressToken if context.meta else None

    async def progress(done: int, message: str) -> None:
        if token is None:
            return
        try:
            await context.session.send_progress_notification(
                token, float(done), message=message, related_request_id=str(context.request_id)
            )
        except Exception:  # progress is a courtesy; a client that left still gets nothing else
            log.debug("could not send progress for run %s", execution_id, exc_info=True)

    outcome = await wait_for_run(user, execution_id, progress)
    if not outcome.finished:
        still = outcome.summary()
        still["message"] = (
            f"'{tool.agent_name}' is still running (run {execution_id}). Ask get_run with this id for its result."
        )
        return _result(still)
    if not outcome.succeeded:
        reason = outcome.error or f"The run ended as {status_label(outcome.status).lower()}."
        failed = types.CallToolResult(
            content=[types.TextContent(type="text", text=f"'{tool.agent_name}' did not complete: {reason}")],
            structuredContent=outcome.summary(),
            isError=True,
        )
        return failed
    return _result(outcome.summary())
