"""Runs of agents: start (validated, durable, enqueued after commit), read, list, stop.

Every function is owner-checked: another user's execution id answers :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app import jobs
from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.blocks.registry import find_block
from autogpt_app.db import after_commit
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions import reviews
from autogpt_app.executions.models import (
    TERMINAL,
    ExecutionPublic,
    ExecutionStatus,
    GraphExecution,
    NodeExecution,
    NodeExecutionPublic,
)
from autogpt_app.executions.preparation import fits, missing_inputs, pick_credential
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.graphs.service import get_graph
from autogpt_app.library import service as library
from autogpt_app.library.models import LibraryAgent
from autogpt_app.timeutil import utcnow

MAX_INPUT_CHARS = 1_000_000
#: Most rows one page of runs or node runs may hold.
MAX_PAGE = 100
#: Most execution ids one :func:`run_statuses` lookup takes (a page of rows needs far fewer).
MAX_LOOKUP = 500


class RunSummary(BaseModel):
    """A run as a list row shows it: status, timing, and which agent it ran (never inputs or outputs)."""

    id: str
    graph_id: str
    graph_version: int
    status: str
    error: str | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    #: The agent's name as the user's library shows it (or the graph version's name).
    agent_name: str
    #: The user's library entry for the agent, if they still keep it.
    library_agent_id: str | None
    #: Titles of the agent's outputs by name, for showing results (only filled for one run).
    output_titles: dict[str, str] = {}


class RunPage(BaseModel):
    """One page of a user's runs, newest first, with the total for paging."""

    items: list[RunSummary]
    total: int
    offset: int
    limit: int


class NodePage(BaseModel):
    """One page of a run's node runs, in the order they started, with the total for paging."""

    items: list[NodeExecutionPublic]
    total: int
    offset: int
    limit: int


def _coerce(name: str, field: dict[str, Any], value: Any) -> Any:
    kind = field.get("type")
    try:
        if kind == "number" and not isinstance(value, bool):
            number = float(value)
            return int(number) if number.is_integer() and not isinstance(value, float) else number
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if str(value).strip().lower() in {"true", "yes", "1", "on"}:
                return True
            if str(value).strip().lower() in {"false", "no", "0", "off", ""}:
                return False
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(
            f"Input '{name}' must be a {kind}.",
            code="invalid_inputs",
            details=[{"input": name, "message": f"must be a {kind}"}],
        ) from None
    if field.get("enum") and str(value) not in field["enum"]:
        raise InvalidInput(
            f"Input '{name}' must be one of: {', '.join(field['enum'])}.",
            code="invalid_inputs",
            details=[{"input": name, "message": "not one of the options"}],
        )
    return value


def validate_inputs(schema: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """Check run inputs against an agent's input schema; fill defaults; coerce numbers and booleans.

    Raises:
        InvalidInput: unknown, missing or mistyped inputs, with one ``details`` entry per input.
    """
    if not isinstance(inputs, dict):
        raise InvalidInput("Inputs must be an object of name → value.", code="invalid_inputs")
    properties: dict[str, Any] = schema.get("properties", {})
    unknown = sorted(set(inputs) - set(properties))
    if unknown:
        raise InvalidInput(
            f"This agent has no input named {', '.join(repr(u) for u in unknown)}.",
            code="invalid_inputs",
            details=[{"input": u, "message": "unknown input"} for u in unknown],
        )
    missing = missing_inputs(schema, inputs)
    if missing:
        raise InvalidInput(
            f"Please provide: {', '.join(missing)}.",
            code="inputs_missing",
            details=[
                {"input": n, "message": "required", "title": properties.get(n, {}).get("title", n)} for n in missing
            ],
        )
    values: dict[str, Any] = {}
    for name, field in properties.items():
        if name in inputs and inputs[name] is not None:
            values[name] = _coerce(name, field, inputs[name])
        elif "default" in field:
            values[name] = field["default"]
    if len(str(values)) > MAX_INPUT_CHARS:
        raise InvalidInput("The inputs are too large.", code="invalid_inputs")
    return values


async def resolve_credentials(
    session: AsyncSession, user: User, schema: dict[str, Any], chosen: dict[str, str] | None
) -> dict[str, str]:
    """Pick the user's credential for each need of the agent.

    A need with no choice takes the user's newest matching credential.

    Raises:
        InvalidInput: ``credentials_missing`` listing provider, types and nodes of each unmet need,
            or a chosen credential that is someone else's or of the wrong kind.
    """
    from autogpt_app.credentials import service as credentials_service

    chosen = dict(chosen or {})
    resolved: dict[str, str] = {}
    missing: list[dict[str, Any]] = []
    for key, need in schema.get("properties", {}).items():
        if key in chosen:
            try:
                credential = await credentials_service.get_credential(session, user, chosen[key])
            except NotFound:
                raise InvalidInput(f"Credential {chosen[key]!r} was not found.", code="invalid_credentials") from None
            if not fits(credential, need):
                raise InvalidInput(
                    f"Credential '{credential.title}' is a {credential.provider} {credential.type}; this agent needs "
                    f"a {need['provider']} {' or '.join(need['types'])}.",
                    code="invalid_credentials",
                )
            resolved[key] = credential.id
            continue
        fitting = [
            c for c in await credentials_service.find_for_provider(session, user, need["provider"]) if fits(c, need)
        ]
        picked = pick_credential(fitting)  # the policy of executions.preparation: the newest fitting one
        if picked is not None:
            resolved[key] = picked
        elif need.get("required", True):
            missing.append(
                {"key": key, "provider": need["provider"], "types": need["types"], "nodes": need.get("nodes", [])}
            )
    unknown = sorted(set(chosen) - set(schema.get("properties", {})))
    if unknown:
        raise InvalidInput(f"This agent does not use credentials for {', '.join(unknown)}.", code="invalid_credentials")
    if missing:
        names = ", ".join(f"{m['provider']} ({' or '.join(m['types'])})" for m in missing)
        raise InvalidInput(f"Add these credentials first: {names}.", code="credentials_missing", details=missing)
    return resolved


def refuse_disabled_blocks(nodes: Iterable[Mapping[str, Any]], sub_graphs: Iterable[Mapping[str, Any]] = ()) -> None:
    """Refuse to run an agent that uses a block an administrator has disabled since it was saved.

    The one check every way of starting a run goes through (API, run page, copilot, schedules,
    sub-agents), and the runner's last word on a run queued before the block was disabled.

    Args:
        nodes: The agent's nodes (``block_id`` and ``id`` of each).
        sub_graphs: The sub-agents it carries (each with its own ``nodes``).

    Raises:
        InvalidInput: ``block_disabled``, naming every disabled block (``details``: block id, name, node).
    """
    found: dict[str, dict[str, str]] = {}
    for node in [*nodes, *(n for sub in sub_graphs for n in sub.get("nodes") or [])]:
        block_id = str(node.get("block_id") or "")
        block = find_block(block_id)
        if block is not None and block.disabled and block_id not in found:
            found[block_id] = {"block_id": block_id, "name": block.name, "node_id": str(node.get("id") or "")}
    if found:
        names = " and ".join(f"'{f['name']}'" for f in found.values())
        which = "block" if len(found) == 1 else "blocks"
        raise InvalidInput(
            f"This agent uses the {which} {names}, which this platform has disabled: "
            "it cannot run until an administrator enables it again.",
            code="block_disabled",
            details=list(found.values()),
        )


async def add_graph_execution(
    session: AsyncSession,
    user: User,
    graph_id: str,
    *,
    version: int | None = None,
    inputs: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
) -> ExecutionPublic:
    """Validate inputs and credentials, record the execution, and enqueue its id after commit.

    Raises:
        NotFound: not the user's agent (or no such version).
        InvalidInput: ``block_disabled``/``inputs_missing``/``invalid_inputs``/``credentials_missing``/
            ``invalid_credentials``.
    """
    require_permission(user, Permission.USE_PLATFORM)
    graph = await get_graph(session, user, graph_id, version)
    refuse_disabled_blocks(graph.nodes, graph.sub_graphs)
    values = validate_inputs(graph.input_schema, inputs or {})
    chosen = await resolve_credentials(session, user, graph.credentials_input_schema, credentials)
    execution = GraphExecution(
        graph_id=graph.id, graph_version=graph.version, user_id=user.id, inputs=values, credentials=chosen
    )
    session.add(execution)
    await session.flush()
    await library.record_run(session, graph.id, user.id)
    after_commit(session, lambda: jobs.enqueue_execution(execution.id))
    return _public(execution)


def _public(row: GraphExecution, nodes: list[NodeExecution] | None = None) -> ExecutionPublic:
    data = ExecutionPublic.model_validate(row, from_attributes=True)
    if nodes is not None:
        data.nodes = [NodeExecutionPublic.model_validate(n, from_attributes=True) for n in nodes]
    return data


async def _owned(session: AsyncSession, user: User, execution_id: str) -> GraphExecution:
    row = await session.get(GraphExecution, execution_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such run.", code="execution_not_found")
    return row


async def get_execution(
    session: AsyncSession, user: User, execution_id: str, *, with_nodes: bool = True
) -> ExecutionPublic:
    """Return one of the user's runs, with its node runs in order."""
    row = await _owned(session, user, execution_id)
    nodes = None
    if with_nodes:
        nodes = list(
            (
                await session.execute(
                    select(NodeExecution).where(NodeExecution.graph_exec_id == row.id).order_by(NodeExecution.seq)
                )
            ).scalars()
        )
    return _public(row, nodes)


async def node_states(session: AsyncSession, user: User, execution_id: str) -> dict[str, str]:
    """Each node's latest status in one of the user's runs (node id → status), for pictures of the run.

    Raises:
        NotFound: no such run, or another user's.
    """
    row = await _owned(session, user, execution_id)
    found = await session.execute(
        select(NodeExecution.node_id, NodeExecution.status)
        .where(NodeExecution.graph_exec_id == row.id)
        .order_by(NodeExecution.seq)
    )
    return {node_id: status for node_id, status in found}  # in order: a node's last run wins


async def list_executions(
    session: AsyncSession, user: User, *, graph_id: str | None = None, offset: int = 0, limit: int = 20
) -> list[ExecutionPublic]:
    """The user's runs, newest first, optionally of one agent."""
    stmt = select(GraphExecution).where(GraphExecution.user_id == user.id)
    if graph_id:
        stmt = stmt.where(GraphExecution.graph_id == graph_id)
    rows = await session.execute(
        stmt.order_by(GraphExecution.created_at.desc(), GraphExecution.id)
        .offset(max(0, offset))
        .limit(max(1, min(limit, 100)))
    )
    return [_public(r) for r in rows.scalars()]


async def stop_execution(session: AsyncSession, user: User, execution_id: str) -> ExecutionPublic:
    """Ask a run to stop. A queued run or one waiting for a review ends at once; a running one within about a second.

    Raises:
        Conflict: the run has already ended.
    """
    row = await _owned(session, user, execution_id)
    if row.status in {s.value for s in TERMINAL}:
        raise Conflict(f"This run has already ended ({row.status.lower()}).", code="execution_ended")
    # No worker holds a run waiting for a review: it ends here, and its reviews close.
    if row.status == ExecutionStatus.WAITING.value and await reviews.stop_waiting_run(
        session, row, "Stopped by the user."
    ):
        await session.refresh(row)
        return _public(row)
    row.stop_requested = True
    if row.status == ExecutionStatus.QUEUED.value and row.lease_owner is None:
        await session.execute(
            update(GraphExecution)
            .where(
                GraphExecution.id == row.id,
                GraphExecution.status == ExecutionStatus.QUEUED.value,
                GraphExecution.lease_owner.is_(None),
            )
            .values(
                status=ExecutionStatus.TERMINATED.value,
                ended_at=utcnow(),
                stop_requested=True,
                error="Stopped before it started.",
            )
        )
        await session.refresh(row)
    session.add(row)
    await session.flush()
    return _public(row)


def _summary_query():
    """Runs joined with their library entry (the user's name for the agent) and graph version."""
    return (
        select(GraphExecution, LibraryAgent.id, LibraryAgent.name, GraphVersion.name, GraphVersion.output_schema)
        .outerjoin(
            LibraryAgent,
            and_(LibraryAgent.graph_id == GraphExecution.graph_id, LibraryAgent.user_id == GraphExecution.user_id),
        )
        .outerjoin(
            GraphVersion,
            and_(
                GraphVersion.graph_id == GraphExecution.graph_id, GraphVersion.version == GraphExecution.graph_version
            ),
        )
    )


def _run_summary(row: Any, *, with_titles: bool = False) -> RunSummary:
    execution, library_id, library_name, graph_name, output_schema = row
    titles: dict[str, str] = {}
    if with_titles:
        for name, field in ((output_schema or {}).get("properties") or {}).items():
            titles[str(name)] = str((field or {}).get("title") or name)
    return RunSummary(
        id=execution.id,
        graph_id=execution.graph_id,
        graph_version=execution.graph_version,
        status=execution.status,
        error=execution.error,
        created_at=execution.created_at,
        started_at=execution.started_at,
        ended_at=execution.ended_at,
        agent_name=library_name or graph_name or "Agent",
        library_agent_id=library_id,
        output_titles=titles,
    )


async def list_runs(
    session: AsyncSession, user: User, *, graph_id: str | None = None, offset: int = 0, limit: int = 20
) -> RunPage:
    """One page of the user's runs (not sub-agent runs), newest first, optionally of one agent, with the total."""
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    conditions = [GraphExecution.user_id == user.id, GraphExecution.parent_execution_id.is_(None)]
    if graph_id:
        conditions.append(GraphExecution.graph_id == graph_id)
    total = (await session.execute(select(func.count()).select_from(GraphExecution).where(*conditions))).scalar_one()
    rows = await session.execute(
        _summary_query()
        .where(*conditions)
        .order_by(GraphExecution.created_at.desc(), GraphExecution.id)
        .offset(offset)
        .limit(limit)
    )
    return RunPage(items=[_run_summary(r) for r in rows.all()], total=total, offset=offset, limit=limit)


async def get_run_summary(session: AsyncSession, user: User, execution_id: str) -> RunSummary:
    """One of the user's runs with its agent's name, library entry and output titles.

    Raises:
        NotFound: no such run, or another user's.
    """
    row = (
        await session.execute(
            _summary_query().where(GraphExecution.id == execution_id, GraphExecution.user_id == user.id)
        )
    ).first()
    if row is None:
        raise NotFound("No such run.", code="execution_not_found")
    return _run_summary(row, with_titles=True)


async def run_statuses(session: AsyncSession, user: User, execution_ids: Sequence[str]) -> dict[str, str]:
    """The status of each of the user's runs among ``execution_ids``, by id, in one query.

    Ids of runs that no longer exist, or are another user's, are simply absent from the answer.

    Raises:
        InvalidInput: more than :data:`MAX_LOOKUP` distinct ids.
    """
    wanted = list(dict.fromkeys(str(i) for i in execution_ids if i))
    if not wanted:
        return {}
    if len(wanted) > MAX_LOOKUP:
        raise InvalidInput(f"Look up at most {MAX_LOOKUP} runs at a time.", code="too_many_runs")
    rows = await session.execute(
        select(GraphExecution.id, GraphExecution.status).where(
            GraphExecution.user_id == user.id, GraphExecution.id.in_(wanted)
        )
    )
    return {execution_id: str(status) for execution_id, status in rows.all()}


async def list_node_executions(
    session: AsyncSession, user: User, execution_id: str, *, offset: int = 0, limit: int = 50
) -> NodePage:
    """One page of a run's node runs in the order they started, with the total.

    Raises:
        NotFound: no such run, or another user's.
    """
    row = await _owned(session, user, execution_id)
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    condition = NodeExecution.graph_exec_id == row.id
    total = (await session.execute(select(func.count()).select_from(NodeExecution).where(condition))).scalar_one()
    nodes = await session.execute(
        select(NodeExecution).where(condition).order_by(NodeExecution.seq).offset(offset).limit(limit)
    )
    items = [NodeExecutionPublic.model_validate(n, from_attributes=True) for n in nodes.scalars()]
    return NodePage(items=items, total=total, offset=offset, limit=limit)


async def rerun_execution(session: AsyncSession, user: User, execution_id: str) -> ExecutionPublic:
    """Start a new run of the same agent version with the inputs and credentials of one of the user's runs.

    Raises:
        NotFound: no such run (or another user's), or its agent is gone.
        InvalidInput: the inputs or credentials no longer fit (e.g. a credential was deleted).
    """
    row = await _owned(session, user, execution_id)
    return await add_graph_execution(
        session,
        user,
        row.graph_id,
        version=row.graph_version,
        inputs=dict(row.inputs),
        credentials=dict(row.credentials),
    )
