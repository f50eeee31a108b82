"""Runs one execution by data flow, durably: every node run is recorded before and after it runs.

The runner holds the execution's lease while it works, renews it on a heartbeat that also
notices stop requests, runs independent nodes concurrently, and on a resumed execution reuses
the outputs of node runs that had completed instead of running them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Boolean, bindparam, func, literal_column, select, true, update

from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import (
    MAX_NOTES,
    Block,
    BlockError,
    CredentialSecret,
    ReviewDecision,
    RunContext,
    SubgraphResult,
    ToolNode,
    ToolRun,
)
from autogpt_app.bus import execution_channel, get_bus, user_channel
from autogpt_app.db import get_recorder_engine, session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.executions import fairness, leases, review_gate, reviews
from autogpt_app.executions.agent_memory import RunValues
from autogpt_app.executions.coercion import coerce_inputs
from autogpt_app.executions.dataflow import OUTPUT_BLOCK_ID, DataFlow, ReadyRun, apply_dynamic_pins
from autogpt_app.executions.models import TERMINAL, ExecutionStatus, GraphExecution, NodeExecution
from autogpt_app.executions.retries import backoff_delay, merge_notes, retry_count, retry_note
from autogpt_app.executions.review_models import PendingReview, ReviewKind, ReviewStatus
from autogpt_app.executions.secrets import Scrubber
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.graphs.service import spec_of
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.tool_links import deciders, tool_pins
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.wording import step_failed

log = logging.getLogger(__name__)


_runs = GraphExecution.__table__
_nodes = NodeExecution.__table__
# Every node record also reads the run's stop flag (a subquery in RETURNING: no extra round trip),
# so the runner learns of a stop with the write that ends a node, before it starts the next ones.
_STOP_FLAG = literal_column(
    "(SELECT graph_executions.stop_requested FROM graph_executions"
    " WHERE graph_executions.id = node_executions.graph_exec_id)",
    Boolean,
)

# Prebuilt statements: compiled once, so recording a node run costs one round trip and little Python.
_NODE_INSERT = _nodes.insert().returning(_STOP_FLAG)
_NODE_FINISH = (
    _nodes.update()
    .where(_nodes.c.id == bindparam("node_exec_id"))
    .values(
        status=bindparam("status"),
        outputs=bindparam("outputs"),
        error=bindparam("error"),
        notes=bindparam("notes"),
        ended_at=bindparam("ended_at"),
    )
    .returning(_STOP_FLAG)
)
# A retried node's notes, written while it still runs so a reloaded run page tells why it takes long.
_NODE_NOTES = (
    _nodes.update()
    .where(_nodes.c.id == bindparam("node_exec_id"))
    .values(notes=bindparam("notes"))
    .returning(_STOP_FLAG)
)

_RUN_FINISH_BASE = (
    _runs.update()
    .where(
        _runs.c.id == bindparam("execution_id"),
        # Constants in the SQL text: an IN of bound values is re-expanded on every call.
        _runs.c.status.not_in([literal_column(f"'{t.value}'") for t in TERMINAL]),
    )
    .values(
        status=bindparam("status"),
        error=bindparam("error"),
        outputs=bindparam("outputs"),
        ended_at=bindparam("ended_at"),
        lease_owner=None,
        lease_expires_at=None,
    )
)
# Ending a run frees its owner's slot: the statement also names their oldest waiting run to wake.
_RUN_FINISH = _RUN_FINISH_BASE.returning(fairness.NEXT_WAITING)
# The same, telling who to notify: only the one caller that ended the run gets a row back.
_RUN_FINISH_RETURNING = _RUN_FINISH_BASE.returning(
    _runs.c.user_id,
    _runs.c.graph_id,
    _runs.c.graph_version,
    _runs.c.schedule_id,
    _runs.c.parent_execution_id,
    fairness.NEXT_WAITING,
)
# On PostgreSQL the record of the run's last node travels in the same statement (a data-modifying
# WITH), its values as ``node_<column>`` parameters: the common one-node-at-the-end case, prebuilt.
_LAST_NODE = (
    NodeExecution.__table__.insert()
    .values({c.name: bindparam(f"node_{c.name}", type_=c.type) for c in NodeExecution.__table__.c})
    .cte("last_node")
)
_RUN_FINISH_WITH_NODE = _RUN_FINISH.add_cte(_LAST_NODE)
_RUN_FINISH_RETURNING_WITH_NODE = _RUN_FINISH_RETURNING.add_cte(_LAST_NODE)
_END_COLUMNS = ("user_id", "graph_id", "graph_version", "schedule_id", "parent_execution_id")
_completed_statements: dict[bool, Any] = {}


def _completed_statement(with_node: bool):
    """PostgreSQL: a completed top-level run's end, its ``run_completed`` notification (when the owner
    keeps in-app delivery) and, ``with_node``, its last node's record, in one statement. Returns the
    ended run's row (none if another worker ended it) with the notification's columns as ``note_*``
    (null when the owner's preference needs the full way). Built once per variant, on first use."""
    statement = _completed_statements.get(with_node)
    if statement is None:
        from autogpt_app.notifications.triggers import run_completed_after

        ended = _RUN_FINISH_RETURNING.cte("ended_run")
        note = run_completed_after(ended)
        statement = select(
            *(ended.c[name] for name in _END_COLUMNS),
            ended.c.next_waiting,
            *(c.label(f"note_{c.name}") for c in note.c),
        ).select_from(ended.outerjoin(note, true()))
        if with_node:
            statement = statement.add_cte(_LAST_NODE)
        _completed_statements[with_node] = statement
    return statement


def _forget(task: asyncio.Future) -> None:
    """Retrieve a shielded statement's outcome nobody waits for any more (no 'never retrieved' noise)."""
    if not task.cancelled():
        task.exception()


class _Recorder:
    """One connection per run for its lease, node records and result; one statement at a time.

    A statement is never cancelled half-way: cancelling the caller (a stop, a time limit) lets the
    statement finish in the background, under the lock, so the connection stays usable for the
    statements that record the stop. A statement that fails rolls the connection back; one that
    breaks it (or is cancelled from outside after all) discards it, and the next statement opens a
    fresh one.

    It comes from :func:`~autogpt_app.db.get_recorder_engine`: autocommit, and on PostgreSQL
    asynchronous commit (a commit returns before its WAL record reaches the disk). A worker that
    dies loses nothing (the server has every commit); only a crash of the database server itself
    can lose the last fraction of a second of node records, and those nodes simply run again when
    the run resumes. This removes a disk flush per node.
    """

    def __init__(self) -> None:
        self._conn = None
        self._lock = asyncio.Lock()

    async def execute(self, statement, params: dict[str, Any] | list[dict[str, Any]] | None = None):
        """Run one statement (autocommit) and return its buffered result."""
        work = asyncio.ensure_future(self._execute(statement, params))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            work.add_done_callback(_forget)
            raise

    async def _execute(self, statement, params: dict[str, Any] | list[dict[str, Any]] | None):
        async with self._lock:
            if self._conn is None:
                self._conn = await get_recorder_engine().connect()
            try:
                return await self._conn.execute(statement, params)
            except Exception:
                await self._reset()
                raise
            except BaseException:
                await self._discard()
                raise

    async def _reset(self) -> None:
        """After a failed statement: roll back, or discard the connection if even that fails."""
        try:
            await self._conn.rollback()
        except Exception:
            await self._discard()

    async def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()

    @functools.cached_property
    def writes_in_ctes(self) -> bool:
        """Whether one statement may carry several writes (PostgreSQL's data-modifying ``WITH``)."""
        return get_recorder_engine().dialect.name == "postgresql"

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                try:
                    await self._conn.close()
                finally:
                    self._conn = None


_SPEC_CACHE_SIZE = 256
_spec_cache: dict[tuple[str, int], GraphSpec] = {}


async def _spec(session, graph_id: str, version: int) -> GraphSpec:
    """The spec of a graph version; versions never change, so each process reads one only once."""
    key = (graph_id, version)
    spec = _spec_cache.get(key)
    if spec is None:
        row = (
            await session.execute(
                select(GraphVersion).where(GraphVersion.graph_id == graph_id, GraphVersion.version == version)
            )
        ).scalar_one()
        spec = spec_of(row)
        if len(_spec_cache) >= _SPEC_CACHE_SIZE:
            _spec_cache.pop(next(iter(_spec_cache)))
        _spec_cache[key] = spec
    return spec


def _readable(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err["loc"]) or "input"
            parts.append(f"'{where}': {err['msg']}")
        return "Invalid input " + "; ".join(parts)
    if isinstance(exc, BlockError | ServiceError):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return "The block took too long and was stopped."
    return f"The block failed unexpectedly ({type(exc).__name__})."


def _disabled_refusal(spec: GraphSpec) -> str | None:
    """Why a run of ``spec`` may not start because one of its blocks is disabled, or None."""
    from autogpt_app.executions.service import refuse_disabled_blocks  # as in _run_subgraph: imported when used

    def ids(graph: GraphSpec) -> list[dict[str, str]]:
        return [{"id": n.id, "block_id": n.block_id} for n in graph.nodes]

    try:
        refuse_disabled_blocks(ids(spec), [{"nodes": ids(sub)} for sub in spec.sub_graphs])
    except ServiceError as exc:
        return exc.message
    return None


def _tools_by_decider(spec: GraphSpec) -> dict[str, tuple[ToolNode, ...]]:
    """For each decision-maker node: the steps wired to its tool pins (none in most graphs)."""
    found: dict[str, tuple[ToolNode, ...]] = {}
    for decider_id in deciders(spec):
        tools = []
        for node_id, pins in tool_pins(spec.links, decider_id).items():
            node = spec.node(node_id)
            if node is not None:
                title = str((node.metadata or {}).get("customized_name") or "")
                tools.append(ToolNode(node.id, node.block_id, pins, dict(node.input_default), title))
        found[decider_id] = tuple(tools)
    return found


class GraphRunner:
    """Executes one graph execution from its id."""

    def __init__(self, execution_id: str, worker_id: str | None = None) -> None:
        self.execution_id = execution_id
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:12]}"
        self.settings = get_settings()
        self.bus = get_bus()
        self.scrubber = Scrubber()
        self.recorder = _Recorder()
        self.node_runs = 0
        self.failure: str | None = None
        # Set when the run is claimed (the agent's id and version: the notification's data names them).
        self.graph_id: str | None = None
        self.graph_version: int | None = None
        # Final records of node runs not written yet (see _record): written together before the next
        # nodes start, or with the run's end in one statement.
        self.pending_nodes: list[dict[str, Any]] = []
        #: Set as soon as the runner learns of a stop (a node record, the heartbeat's poll): from
        #: then on no node starts.
        self.stopping = asyncio.Event()
        #: The clock just before the last read of the stop flag that found none. A node started
        #: now is stamped with it, so a node's start is never later than a check that let it
        #: start: a stop acknowledged after that check (it committed after it) finds no node
        #: started after its acknowledgement.
        self.checked_at = utcnow()
        # Agent outputs by name, as (causal order, value): sorted at the end so results keep the
        # order of the data that produced them, however the parallel runs finish.
        self.outputs: dict[str, list[tuple[tuple[int, ...], Any]]] = defaultdict(list)
        #: The steps each decision-maker node may call as tools (set when the run starts).
        self.tools: dict[str, tuple[ToolNode, ...]] = {}
        #: Nodes that wait for a person before they run (see review_gate), and what was decided on them.
        self.review_nodes: frozenset[str] = frozenset()
        self.reviews: dict[tuple[str, str], PendingReview] = {}
        #: Reviews this attempt waits for: when nothing else can run, the run parks WAITING.
        self.held: list[str] = []
        #: By node run key: a Human review step's decision, an "ask before" step declined (its note), or
        #: a step refused a review (its error).
        self.decisions: dict[str, ReviewDecision] = {}
        self.declined: dict[str, str] = {}
        self.refusals: dict[str, str] = {}

    async def _publish(self, event_type: str, data: dict[str, Any]) -> None:
        """Publish on the execution's channel; run-level changes also on the owner's channel."""
        channels = [execution_channel(self.execution_id)]
        if event_type == "execution_status":
            channels.append(user_channel(self.user_id))
        channels = [channel for channel in channels if self.bus.may_deliver(channel)]
        if not channels:  # nobody could hear it (embedded mode with no page open on it)
            return
        payload = {"execution_id": self.execution_id, **self.scrubber.scrub(data)}
        try:
            await self.bus.publish_many(channels, event_type, payload)
        except Exception:  # live updates are best effort; the database is the record
            log.warning("could not publish %s for execution %s", event_type, self.execution_id)

    async def run(self) -> str | None:
        """Run (or resume) the execution. Returns its final status, or None if another worker owns it."""
        try:
            return await self._run()
        finally:
            await self.recorder.close()

    async def _run(self) -> str | None:
        self.checked_at = utcnow()
        claimed = await self._admit()
        if claimed is None:
            return None
        self.user_id = claimed.user_id
        self.graph_id, self.graph_version = claimed.graph_id, claimed.graph_version
        self.depth = claimed.depth
        self.recorded: dict[str, deque[NodeExecution]] = defaultdict(deque)
        self.seq = 0
        spec = _spec_cache.get((claimed.graph_id, claimed.graph_version))
        credentials: dict[str, CredentialSecret] = {}
        if spec is None or claimed.credentials or claimed.attempts > 1:
            async with session_scope() as session:
                spec = await _spec(session, claimed.graph_id, claimed.graph_version)
                credentials = await self._load_credentials(session, claimed.user_id, claimed.credentials)
                if claimed.attempts > 1:
                    await self._load_previous_attempts(session)
                    self.reviews = await review_gate.reviews_of(session, self.execution_id)
        if claimed.stop_requested:
            await self._finish(ExecutionStatus.TERMINATED, "Stopped before it started.")
            return ExecutionStatus.TERMINATED.value
        refusal = _disabled_refusal(spec)
        if refusal:  # queued before an administrator disabled one of its blocks: no node of it runs
            await self._finish(ExecutionStatus.FAILED, refusal)
            return ExecutionStatus.FAILED.value
        await self._publish("execution_status", {"status": ExecutionStatus.RUNNING.value})

        flow = DataFlow(spec, dict(claimed.inputs))
        self.credentials = credentials
        self.tools = _tools_by_decider(spec)
        self.spec = spec
        self.review_nodes = review_gate.asks_for_review(spec)
        status, error = ExecutionStatus.COMPLETED, None
        heartbeat = asyncio.create_task(self._heartbeat())
        flow_task = asyncio.create_task(self._flow(flow))
        try:
            done_tasks, _ = await asyncio.wait(
                {heartbeat, flow_task},
                timeout=self.settings.execution_timeout_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if flow_task in done_tasks:
                flow_task.result()
                if self.stopping.is_set():
                    status, error = ExecutionStatus.TERMINATED, self.STOPPED
                elif self.failure:
                    status, error = ExecutionStatus.FAILED, self.failure
                elif self.held:
                    status = ExecutionStatus.WAITING
            elif heartbeat in done_tasks:
                status, error = heartbeat.result()
            else:
                status = ExecutionStatus.FAILED
                error = f"The run took longer than {self.settings.execution_timeout_seconds:g} seconds and was stopped."
        finally:
            for task in (flow_task, heartbeat):
                task.cancel()
            for task in (flow_task, heartbeat):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if status is None:  # lost the lease: another worker carries on
            await self._write_pending_nodes()
            return None
        if status == ExecutionStatus.WAITING:
            return await self._park()
        await self._finish(ExecutionStatus(status), error)
        return ExecutionStatus(status).value

    async def _admit(self) -> leases.Claim | None:
        """Take the lease; a run refused because its owner is at the cap stays QUEUED (waiting).

        After a refusal one look decides whether the owner has a free slot after all (one of
        their runs ended in between): then their oldest waiting run is admitted (this one) or
        woken. Otherwise the run waits until one of the owner's runs ends and wakes it.
        """
        cap = self.settings.max_running_per_user
        for _attempt in range(3):
            claimed = await leases.acquire(self.recorder, self.execution_id, self.worker_id)
            if claimed is not None:
                return claimed
            # Marked before the look below: a run of the owner's that ends in between either sees the
            # mark (and wakes it) or has freed its slot before the look (which then admits it).
            await fairness.mark_waiting(self.recorder, self.execution_id)
            waiting = await fairness.next_waiting(self.recorder, self.execution_id, cap)
            if waiting is None:  # its owner is at the cap, or nothing of theirs waits
                return None
            if waiting != self.execution_id:
                log.info("execution %s waits its turn; waking %s first", self.execution_id, waiting)
                await fairness.wake(waiting)
                return None
        return None

    async def _load_previous_attempts(self, session) -> None:
        """On a resumed run: recorded node results, interrupted node runs, the next sequence number."""
        done = await session.execute(
            select(NodeExecution)
            .where(
                NodeExecution.graph_exec_id == self.execution_id,
                NodeExecution.status.in_([ExecutionStatus.COMPLETED.value, ExecutionStatus.FAILED.value]),
            )
            .order_by(NodeExecution.seq)
        )
        for row in done.scalars():
            self.recorded[row.input_key].append(row)
        # Sub-agent runs started by the interrupted attempt are abandoned; their nodes run again.
        await session.execute(
            update(GraphExecution)
            .where(
                GraphExecution.parent_execution_id == self.execution_id,
                GraphExecution.status.in_([ExecutionStatus.QUEUED.value, ExecutionStatus.RUNNING.value]),
            )
            .values(status=ExecutionStatus.TERMINATED.value, error="Parent run was interrupted.", ended_at=utcnow())
        )
        # Node runs that were in flight when a previous worker died never finished.
        await session.execute(
            update(NodeExecution)
            .where(
                NodeExecution.graph_exec_id == self.execution_id,
                NodeExecution.status == ExecutionStatus.RUNNING.value,
            )
            .values(status=ExecutionStatus.TERMINATED.value, error="Interrupted; run again.", ended_at=utcnow())
        )
        self.seq = (
            await session.execute(
                select(func.coalesce(func.max(NodeExecution.seq), 0)).where(
                    NodeExecution.graph_exec_id == self.execution_id
                )
            )
        ).scalar_one()

    async def _load_credentials(self, session, user_id: str, chosen: dict[str, str]) -> dict[str, CredentialSecret]:
        loaded: dict[str, CredentialSecret] = {}
        if not chosen:
            return loaded
        from autogpt_app.credentials import service as credentials_service

        for need, credential_id in chosen.items():
            secret = await credentials_service.get_secret(session, user_id, credential_id)
            headers = {
                k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v)
                for k, v in (secret.headers or {}).items()
            }
            value = CredentialSecret(
                id=secret.id,
                provider=secret.provider,
                type=str(secret.type),
                api_key=secret.api_key,
                username=secret.username,
                password=secret.password,
                host=secret.host,
                headers=headers,
                meta=secret.meta,
                client_id=secret.client_id,
                client_secret=secret.client_secret,
                refresh_token=secret.refresh_token,
            )
            loaded[need] = value
            self.scrubber.add(value)
        return loaded

    async def _heartbeat(self) -> tuple[ExecutionStatus | None, str | None]:
        """Renew the lease and watch for stop requests; returns only to end the run."""
        interval = 0.5
        last_renew = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):  # a stop seen elsewhere ends the wait at once
                await asyncio.wait_for(self.stopping.wait(), interval)
            if self.stopping.is_set():
                return ExecutionStatus.TERMINATED, self.STOPPED
            async with session_scope() as session:
                if time.monotonic() - last_renew >= self.settings.lease_seconds / 3:
                    owned, stop = await leases.renew(session, self.execution_id, self.worker_id)
                    last_renew = time.monotonic()
                    if not owned:
                        log.warning("execution %s: lease lost, leaving it to its new owner", self.execution_id)
                        return None, None
                else:
                    stop = await leases.stop_requested(session, self.execution_id)
            if stop:
                self.stopping.set()
                return ExecutionStatus.TERMINATED, self.STOPPED

    #: The error a run stopped by its owner ends with.
    STOPPED = "Stopped by the user."

    async def _flow(self, flow: DataFlow) -> None:
        ready: deque[ReadyRun] = deque(flow.initial_runs())
        running: dict[asyncio.Task, ReadyRun] = {}
        try:
            await self._drive(flow, ready, running)
        finally:
            # A stop or a time limit cancels this task: cancel the node runs too, and let each
            # record that it was stopped.
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def _drive(self, flow: DataFlow, ready: deque[ReadyRun], running: dict[asyncio.Task, ReadyRun]) -> None:
        limit = self.settings.max_parallel_nodes
        while ready or running:
            while ready and len(running) < limit:
                if self.stopping.is_set():  # stopped: start nothing more, let running nodes end
                    ready.clear()
                    break
                if self.node_runs >= self.settings.max_node_runs:
                    self.failure = f"The run reached the limit of {self.settings.max_node_runs} node runs."
                    ready.clear()
                    break
                item = ready.popleft()
                if item.node_id in self.review_nodes and not self.recorded.get(item.key):
                    item = await self._gate(item)
                    if item is None:  # waits for a person; the rest of the run goes on
                        continue
                self.node_runs += 1
                running[asyncio.create_task(self._run_node(item, self.checked_at))] = item
            if not running:
                break
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                item = running.pop(task)
                outputs, failed = task.result()
                for index, (pin, value) in enumerate(outputs):
                    ready.extend(flow.deliver(item.node_id, pin, value, (*item.order, index)))
                if failed and not flow.error_is_handled(item.node_id) and self.failure is None:
                    block = find_block(item.block_id)
                    name = block.name if block else item.block_id
                    self.failure = step_failed(name, failed)
            if ready or running:  # more to do: record what ended before anything else starts
                await self._write_pending_nodes()

    async def _gate(self, item: ReadyRun) -> ReadyRun | None:
        """A step that waits for a person: what to run now, or None while its review waits.

        The first time, its review is recorded (and the owner notified); a resumed run finds it again
        by node and input key. A decided Human review step runs with the decision; an approved "ask
        before running" step runs (with the reviewer's changes); a declined one is recorded as not run.
        """
        if self.depth > 0:
            self.refusals[item.key] = "A step that waits for a person's review cannot run inside a sub-agent."
            return item
        review = self.reviews.get((item.node_id, item.key))
        if review is None:
            review = await self._open_review(item)
        if review.status == ReviewStatus.CANCELLED.value:
            return None
        if review.status == ReviewStatus.PENDING.value:
            self.held.append(review.id)
            return None
        if review.kind == ReviewKind.BLOCK.value:
            decision = review_gate.decision_of(review, item.inputs.get("data"))
            if decision is not None:
                self.decisions[item.key] = decision
            return item
        if review.status == ReviewStatus.APPROVED.value:
            inputs = review_gate.approved_inputs(review, item.inputs)
            return item if inputs == item.inputs else ReadyRun(item.node_id, item.block_id, inputs, item.order)
        self.declined[item.key] = review_gate.declined_note(self._step_name(item), review)
        return item

    def _node_title(self, item: ReadyRun) -> str:
        """The name the person gave the step (the builder's title, or an AutoGPT export's), or ""."""
        node = self.spec.node(item.node_id)
        meta = (node.metadata if node else None) or {}
        return str(meta.get("title") or meta.get("customized_name") or "")

    def _step_name(self, item: ReadyRun) -> str:
        block = find_block(item.block_id)
        return self._node_title(item) or (block.name if block else "this")

    async def _open_review(self, item: ReadyRun) -> PendingReview:
        """Record the review a step waits for (secrets masked) and notify the owner."""
        from autogpt_app.notifications.triggers import RUN_LINK

        block = find_block(item.block_id)
        kind, message, data, editable, hours = review_gate.describe(block, self._node_title(item), item.inputs)
        review = review_gate.new_review(
            execution_id=self.execution_id,
            user_id=self.user_id,
            node_id=item.node_id,
            block_id=item.block_id,
            input_key=item.key,
            kind=kind,
            message=self.scrubber.scrub(message),
            data=self.scrubber.scrub(data),
            editable=editable,
            hours=hours,
        )
        async with session_scope() as session:
            review = await review_gate.open_review(
                session, review, agent_link=RUN_LINK.format(execution_id=self.execution_id)
            )
            session.expunge(review)
        self.reviews[(item.node_id, item.key)] = review
        return review

    async def _park(self) -> str | None:
        """Nothing else can run and steps wait for a person: the run waits WAITING, holding no worker.

        The lease and the fairness slot go (the owner's oldest run waiting for a slot is woken). A
        decision made while this run was still busy found it RUNNING and left it: one more look at
        the reviews queues the run again at once in that case.
        """
        await self._write_pending_nodes()
        parked = (
            await self.recorder.execute(
                review_gate.PARK, {"execution_id": self.execution_id, "worker_id": self.worker_id}
            )
        ).first()
        if parked is None:  # lost the lease: another worker carries on
            return None
        await self._publish("execution_status", {"status": ExecutionStatus.WAITING.value})
        if parked[0] is not None:
            await fairness.wake(parked[0])
        async with session_scope() as session:
            found = await session.execute(select(PendingReview.status).where(PendingReview.id.in_(self.held)))
            if any(status != ReviewStatus.PENDING.value for status in found.scalars()):
                await reviews.resume_run(session, self.execution_id, self.user_id)
        return ExecutionStatus.WAITING.value

    async def _run_node(self, item: ReadyRun, started_at: datetime) -> tuple[list[tuple[str, Any]], str | None]:
        """Run one node (or replay its recorded result); return its outputs and error, if any.

        A node that finishes quickly is recorded with one INSERT of its final state; one that is
        still running after a moment is recorded as RUNNING first, so a reloaded run page shows it.
        """
        if self.stopping.is_set():  # the stop arrived between the decision to start and now
            return [], None
        key = item.key
        if self.recorded.get(key):
            row = self.recorded[key].popleft()
            outputs = [(pin, value) for pin, value in row.outputs]
            self._collect(item, outputs)
            return outputs, row.error if row.status == ExecutionStatus.FAILED.value else None

        self.seq += 1
        node_exec_id = str(uuid.uuid4())
        inputs = self.scrubber.scrub(item.inputs)
        record = {
            "id": node_exec_id,
            "graph_exec_id": self.execution_id,
            "node_id": item.node_id,
            "block_id": item.block_id,
            "seq": self.seq,
            "input_key": key,
            "inputs": inputs,
            "started_at": started_at,
        }
        await self._publish(
            "node_status",
            {
                "node_id": item.node_id,
                "node_exec_id": node_exec_id,
                "status": ExecutionStatus.RUNNING.value,
                "inputs": inputs,
            },
        )
        inserted = False

        async def show_retry(notes: list[str]) -> None:
            """Tell the run page at once that the node failed and will be tried again (see _execute_block)."""
            if inserted:  # recorded as RUNNING already: keep the notes with it (read at call time)
                checking = utcnow()
                self._note_stop(
                    checking, await self.recorder.execute(_NODE_NOTES, {"node_exec_id": node_exec_id, "notes": notes})
                )
            status = {"node_id": item.node_id, "node_exec_id": node_exec_id, "status": ExecutionStatus.RUNNING.value}
            await self._publish("node_status", {**status, "notes": notes})

        work = asyncio.create_task(self._execute_block(item, show_retry))
        try:
            finished, _ = await asyncio.wait({work}, timeout=self.RUNNING_RECORD_AFTER)
            if not finished:
                # Marked before the write: if a stop cancels us during it, the write still completes
                # (see _Recorder) and the stop's record must update that row, not insert it again.
                inserted = True
                checking = utcnow()
                self._note_stop(
                    checking,
                    await self.recorder.execute(
                        _NODE_INSERT,
                        {
                            **record,
                            "status": ExecutionStatus.RUNNING.value,
                            "outputs": [],
                            "error": None,
                            "notes": [],
                            "ended_at": None,
                        },
                    ),
                )
            outputs, error, notes = await work
        except asyncio.CancelledError:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await work
            await self._record(record, inserted, ExecutionStatus.TERMINATED, [], "Stopped.")
            raise
        status = ExecutionStatus.FAILED if error else ExecutionStatus.COMPLETED
        stored = [list(o) for o in outputs]
        await self._record(record, inserted, status, stored, error, notes)
        self._collect(item, outputs)
        await self._publish(
            "node_status",
            {
                "node_id": item.node_id,
                "node_exec_id": node_exec_id,
                "status": status.value,
                "outputs": stored,
                "error": error,
                "notes": notes,
            },
        )
        return outputs, error

    #: Seconds after which a still-running node is written down as RUNNING.
    RUNNING_RECORD_AFTER = 0.2

    async def _record(
        self,
        record: dict[str, Any],
        inserted: bool,
        status: ExecutionStatus,
        outputs: list[list[Any]],
        error: str | None,
        notes: list[str] | None = None,
    ) -> None:
        final = {"status": status.value, "outputs": outputs, "error": error, "notes": notes or [], "ended_at": utcnow()}
        if not inserted:
            # Written by _drive before the next nodes start (several at once when parallel nodes end
            # together), or by _finish in the run's last statement: one round trip fewer per node, and
            # nothing for a cancelled node's task to write on the shared connection. The write that
            # carries it reads the stop flag for the next nodes.
            self.pending_nodes.append({**record, **final})
            return
        checking = utcnow()
        self._note_stop(checking, await self.recorder.execute(_NODE_FINISH, {"node_exec_id": record["id"], **final}))

    @staticmethod
    def _full_record(record: dict[str, Any]) -> dict[str, Any]:
        """A node record with every column (what the prebuilt statement with the run's end binds)."""
        return {c.name: record.get(c.name) for c in NodeExecution.__table__.c}

    async def _write_pending_nodes(self) -> None:
        """Write the node records that :meth:`_record` kept back (one round trip for all of them)."""
        if self.pending_nodes:
            rows, self.pending_nodes = self.pending_nodes, []
            checking = utcnow()
            self._note_stop(checking, await self.recorder.execute(_NODE_INSERT, rows))

    def _note_stop(self, checking: datetime, result) -> None:
        """Read the stop flag node records returned (the records were sent at ``checking``)."""
        if any(result.scalars().all()):
            self.stopping.set()
        elif checking > self.checked_at:
            self.checked_at = checking

    async def _execute_block(
        self, item: ReadyRun, on_retry: Callable[[list[str]], Awaitable[None]] | None = None
    ) -> tuple[list[tuple[str, Any]], str | None, list[str]]:
        """Run the node's block; return its outputs, its error (if any) and its notes for the person.

        A node whose inputs carry ``retry: N`` is tried up to N more times when it fails (see
        :mod:`autogpt_app.executions.retries`); only the last attempt's outputs count, and each retry
        leaves a note (handed to ``on_retry`` before the pause). A stop cancels this task, so it also
        ends a pause between attempts at once.
        """
        if self.review_nodes and (item.key in self.declined or item.key in self.refusals):
            if item.key in self.declined:  # an "ask before running" step the person said no to
                return [], None, [self.declined[item.key]]
            return [("error", self.refusals[item.key])], self.refusals[item.key], []
        block = find_block(item.block_id)
        notes: list[str] = []
        retries, clamped = retry_count(block, item.inputs) if block is not None else (0, None)
        if clamped:
            notes.append(clamped)
        attempts = retries + 1
        for attempt in range(1, attempts + 1):
            outputs, error, attempt_notes, retry_reason = await self._attempt(block, item)
            merge_notes(notes, attempt_notes)
            if retry_reason is None or attempt == attempts or self.stopping.is_set():
                break
            delay = backoff_delay(attempt, self.settings.node_retry_base_seconds)
            notes.append(retry_note(attempt, attempts, retry_reason, delay))
            if on_retry is not None:
                await on_retry([self.scrubber.scrub(n) for n in notes[:MAX_NOTES]])
            await asyncio.sleep(delay)
            if self.stopping.is_set():  # the stop's cancellation is on its way: start nothing more
                break
        return outputs, error, [self.scrubber.scrub(n) for n in notes[:MAX_NOTES]]

    async def _attempt(
        self, block: Block | None, item: ReadyRun
    ) -> tuple[list[tuple[str, Any]], str | None, list[str], str | None]:
        """Run the block once: its outputs, its error, its notes, and why trying again could help (or None)."""
        outputs: list[tuple[str, Any]] = []
        error: str | None = None
        context: RunContext | None = None
        retryable = True
        try:
            if block is None:
                raise BlockError(f"Unknown block {item.block_id}.")
            if block.disabled:
                raise BlockError(f"The block '{block.name}' is disabled on this platform.")
            parsed = block.Input.model_validate(coerce_inputs(block, item.inputs))
            context = RunContext(
                user_id=self.user_id,
                graph_exec_id=self.execution_id,
                node_id=item.node_id,
                credentials={
                    req.field: self.credentials[need]
                    for req in block.credentials
                    if (need := f"{req.provider}_{'_'.join(sorted(req.types))}") in self.credentials
                },
                depth=self.depth,
                tools=self.tools.get(item.node_id, ()),
                run_tool=functools.partial(self._run_tool, item) if item.node_id in self.tools else None,
                run_subgraph=self._run_subgraph,
                notify=lambda title, body, link, node=item.node_id: self._notify(title, body, link, node_id=node),
                store=RunValues(self.user_id, self.graph_id),
                review=self.decisions.get(item.key) if self.decisions else None,
            )
            pins = block.output_pins()
            async with asyncio.timeout(block.timeout_seconds or self.settings.node_timeout_seconds):
                async for pin, value in block.run(parsed, context):
                    if pin not in pins and not block.dynamic_outputs:
                        raise BlockError(f"The block produced an unknown output '{pin}'.")
                    outputs.append((pin, self.scrubber.scrub(value)))
                    if pin == "error":
                        error = self.scrubber.scrub(str(value))
        except Exception as exc:
            # The same inputs fail the same way: an unknown or disabled block, or inputs that do not fit.
            retryable = context is not None
            error = self.scrubber.scrub(_readable(exc))
            outputs.append(("error", error))
            log.info("node %s of execution %s failed: %s", item.node_id, self.execution_id, type(exc).__name__)
        reason = error if retryable else None
        if error is None and block is not None and block.retry_pins:
            answered = next((pin for pin, _value in outputs if pin in block.retry_pins), None)
            reason = f"it answered on '{answered}'" if answered else None
        return outputs, error, list(context.notes) if context is not None else [], reason

    async def _run_tool(self, caller: ReadyRun, node_id: str, values: dict[str, Any]) -> ToolRun:
        """Run a step wired to ``caller``'s tool pins (a decision maker's tool call) as a node run of this
        execution: recorded, published, time-limited and counted like any other, with the run's credentials."""
        tool = next((t for t in self.tools.get(caller.node_id, ()) if t.node_id == node_id), None)
        if tool is None:
            raise BlockError("That step is not wired to this decision maker's tools.")
        if node_id in self.review_nodes:
            raise BlockError("That step waits for a person's approval, so it cannot be used as a tool.")
        if self.stopping.is_set():
            raise BlockError(self.STOPPED)
        if self.node_runs >= self.settings.max_node_runs:
            raise BlockError(f"The run reached the limit of {self.settings.max_node_runs} node runs.")
        self.node_runs += 1
        inputs = {**tool.input_default, **{pin: value for pin, value in values.items() if pin in tool.pins}}
        item = ReadyRun(node_id, tool.block_id, apply_dynamic_pins(inputs), (*caller.order, self.node_runs))
        outputs, error = await self._run_node(item, self.checked_at)
        return ToolRun(outputs=outputs, error=error)

    async def _run_subgraph(self, graph_id: str, version: int | None, inputs: dict[str, Any]) -> SubgraphResult:
        """Run one of the owner's agents as a child of this run, in this worker, and wait for it."""
        from autogpt_app.auth.models import User
        from autogpt_app.executions.service import refuse_disabled_blocks, resolve_credentials, validate_inputs
        from autogpt_app.graphs.service import get_graph

        limit = self.settings.max_subagent_depth
        if self.depth + 1 > limit:
            raise BlockError(f"Sub-agents can be nested at most {limit} deep.")
        async with session_scope() as session:
            owner = await session.get(User, self.user_id)
            if owner is None or owner.is_disabled:
                raise BlockError("The owner of this run can no longer run agents.")
            try:
                graph = await get_graph(session, owner, graph_id, version)
                refuse_disabled_blocks(graph.nodes, graph.sub_graphs)
                values = validate_inputs(graph.input_schema, inputs or {})
                chosen = await resolve_credentials(session, owner, graph.credentials_input_schema, None)
            except ServiceError as exc:
                raise BlockError(f"The sub-agent cannot start: {exc.message}") from None
            child = GraphExecution(
                graph_id=graph.id,
                graph_version=graph.version,
                user_id=owner.id,
                inputs=values,
                credentials=chosen,
                parent_execution_id=self.execution_id,
                depth=self.depth + 1,
            )
            session.add(child)
        runner = GraphRunner(child.id)
        try:
            status = await runner.run()
        except asyncio.CancelledError:
            async with session_scope() as session:
                await session.execute(
                    update(GraphExecution)
                    .where(GraphExecution.id == child.id, GraphExecution.status.not_in([t.value for t in TERMINAL]))
                    .values(
                        status=ExecutionStatus.TERMINATED.value,
                        error="Parent run was stopped.",
                        ended_at=utcnow(),
                        lease_owner=None,
                        lease_expires_at=None,
                    )
                )
            raise
        return SubgraphResult(
            execution_id=child.id,
            status=status or ExecutionStatus.FAILED.value,
            outputs=runner.final_outputs(),
            error=runner.failure,
        )

    async def _notify(self, title: str, body: str, link: str, *, node_id: str = "") -> None:
        """Record an ``agent_message`` notification for the run's owner (secrets masked)."""
        from autogpt_app.notifications import service as notifications

        async with session_scope() as session:
            await notifications.create_notification(
                session,
                self.user_id,
                type="agent_message",
                title=self.scrubber.scrub(title),
                body=self.scrubber.scrub(body),
                link=self.scrubber.scrub(link) or None,
                data={"execution_id": self.execution_id, "node_id": node_id},
            )

    def _collect(self, item: ReadyRun, outputs: list[tuple[str, Any]]) -> None:
        if item.block_id != OUTPUT_BLOCK_ID:
            return
        name = str(item.inputs.get("name", ""))
        for pin, value in outputs:
            if pin == "output" and name:
                self.outputs[name].append((item.order, value))

    def final_outputs(self) -> dict[str, list[Any]]:
        """The agent's results by output name, in node-run order."""
        return {name: [v for _o, v in sorted(values, key=lambda p: p[0])] for name, values in self.outputs.items()}

    async def _finish(self, status: ExecutionStatus, error: str | None) -> None:
        if self.held:  # it ended (stopped, failed) while steps waited for a person: nobody needs to decide now
            async with session_scope() as session:
                await reviews.close_for_run(session, [self.execution_id])
        error = self.scrubber.scrub(error) if error else None
        outputs = self.final_outputs()
        params = {
            "execution_id": self.execution_id,
            "status": status.value,
            "error": error,
            "outputs": outputs,
            "ended_at": utcnow(),
        }
        waiting: str | None = None
        with_node = len(self.pending_nodes) == 1 and self.recorder.writes_in_ctes
        if with_node:  # the last node's record travels in the run's last statement
            params.update({f"node_{k}": v for k, v in self._full_record(self.pending_nodes.pop()).items()})
        else:
            await self._write_pending_nodes()
        if status == ExecutionStatus.COMPLETED and self.depth == 0 and self.recorder.writes_in_ctes:
            waiting = await self._end_completed(params, with_node)
        elif status in (ExecutionStatus.COMPLETED, ExecutionStatus.FAILED) and self.depth == 0:
            # Only the caller whose UPDATE ended the run gets its row back, so a duplicate worker or
            # a resumed run never notifies twice.
            statement = _RUN_FINISH_RETURNING_WITH_NODE if with_node else _RUN_FINISH_RETURNING
            ended = (await self.recorder.execute(statement, params)).one_or_none()
            if ended is not None:
                ended = ended._asdict()
                waiting = ended.pop("next_waiting")
                if not await self._notify_completed_fast(status, ended):
                    await self._notify_end(params, ended)
        else:
            statement = _RUN_FINISH_WITH_NODE if with_node else _RUN_FINISH
            waiting = (await self.recorder.execute(statement, params)).scalar_one_or_none()
        await self._publish("execution_status", {"status": status.value, "error": error, "outputs": outputs})
        if waiting is not None and self.depth == 0:
            await fairness.wake(waiting)

    async def _end_completed(self, params: dict[str, Any], with_node: bool) -> str | None:
        """PostgreSQL: end a completed top-level run and notify its owner in one round trip.

        Returns the owner's oldest waiting run, which the freed slot should wake (None if none, or if
        another worker ended the run)."""
        from autogpt_app.auth.models import new_id
        from autogpt_app.notifications import service as notifications
        from autogpt_app.notifications.triggers import RUN_LINK

        note = {
            "note_id": new_id(),
            "note_link": RUN_LINK.format(execution_id=self.execution_id),
            "note_data": {"execution_id": self.execution_id, "graph_id": self.graph_id, "status": "COMPLETED"},
            "note_created_at": params["ended_at"],
        }
        try:
            row = (await self.recorder.execute(_completed_statement(with_node), {**params, **note})).one_or_none()
        except Exception:
            # Nothing was written (one statement); the notification must never cost the run its result.
            log.warning("execution %s: ending with its notification failed; ending it alone", self.execution_id)
            statement = _RUN_FINISH_RETURNING_WITH_NODE if with_node else _RUN_FINISH_RETURNING
            ended = (await self.recorder.execute(statement, params)).one_or_none()
            if ended is None:
                return None
            ended = ended._asdict()
            waiting = ended.pop("next_waiting")
            await self._notify_end(params, ended)
            return waiting
        if row is None:  # another worker ended it: it notified
            return None
        values = row._asdict()
        if values["note_id"] is None:  # e-mail or no notification: the full way decides
            await self._notify_end(params, {name: values[name] for name in _END_COLUMNS})
        else:
            try:
                await notifications.announce({k[5:]: v for k, v in values.items() if k.startswith("note_")})
            except Exception:
                log.exception("execution %s: could not announce its notification", self.execution_id)
        return values["next_waiting"]

    async def _notify_completed_fast(self, status: ExecutionStatus, ended: dict[str, Any]) -> bool:
        """The common case in one statement on the run's connection: a completed top-level run of an
        owner with in-app delivery. False when it does not apply (then :meth:`_notify_end` decides)."""
        from autogpt_app.notifications import service as notifications
        from autogpt_app.notifications.triggers import RUN_COMPLETED_FAST, run_completed_params

        if status != ExecutionStatus.COMPLETED or ended.get("parent_execution_id") is not None:
            return False
        params = run_completed_params(
            execution_id=self.execution_id,
            user_id=ended["user_id"],
            graph_id=ended["graph_id"],
            graph_version=ended["graph_version"],
            now=utcnow(),
        )
        try:  # one statement in autocommit: it wrote everything or nothing
            row = (await self.recorder.execute(RUN_COMPLETED_FAST, params)).one_or_none()
        except Exception:
            log.warning("execution %s: the quick notification failed; trying the full way", self.execution_id)
            return False
        if row is None:
            return False
        try:
            await notifications.announce(row)
        except Exception:
            log.exception("execution %s: could not announce its notification", self.execution_id)
        return True

    async def _notify_end(self, params: dict[str, Any], ended: dict[str, Any]) -> None:
        """Tell the owner the run ended, once its end is recorded on the run's own fast connection.

        A failing notification is logged and never touches the run's recorded result; a worker
        killed in between loses the notification, never duplicates it.
        """
        from autogpt_app.notifications.triggers import notify_run_end

        try:
            async with session_scope() as session:
                await notify_run_end(
                    session, execution_id=self.execution_id, status=params["status"], error=params["error"], **ended
                )
        except Exception:
            log.exception("execution %s: could not create its notification", self.execution_id)
