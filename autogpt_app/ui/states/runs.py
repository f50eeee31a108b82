"""State of one run's page, followed live (the list of runs is :mod:`autogpt_app.ui.states.runs_list`).

The live page follows its run's channel on the event bus in a background task
(:func:`autogpt_app.ui.live.follow_into_state`) and, on each event, re-reads the run from the
database (the source of truth). Bursts are coalesced, at most one read per
:data:`MIN_READ_INTERVAL`; without events the run is re-read every :data:`FALLBACK_READ_INTERVAL`
(a lost event costs at most that long). The task ends when the run is final, after
:data:`MAX_FOLLOW_SECONDS`, when a newer load of the page takes over, or when the page is left.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.blocks.registry import find_block
from autogpt_app.bus import execution_channel
from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound, ServiceError
from autogpt_app.executions import reviews as review_service
from autogpt_app.executions import service as executions
from autogpt_app.graphs import service as graphs
from autogpt_app.settings import get_settings
from autogpt_app.ui import routes
from autogpt_app.ui.components.outputs import (
    FINAL_STATUSES,
    OutputValue,
    format_duration,
    format_time,
    preview_pins,
    render_outputs,
)
from autogpt_app.ui.live import follow_into_state, new_follow_id
from autogpt_app.ui.states.agent_run import path_arg
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.run_reviews import ReviewRow, edited_data, waiting_reviews
from autogpt_app.wording import status_label

NODES_PAGE_SIZE = 50
#: Shortest gap between two reads of a run while events stream in (coalesces bursts).
MIN_READ_INTERVAL = 0.3
#: Re-read a live run this often when no event arrives (events are best effort).
FALLBACK_READ_INTERVAL = 2.0
#: The longest a page follows one run (past the run time limit, the page stops listening).
MAX_FOLLOW_SECONDS = 6 * 3600.0


class InputRow(BaseModel):
    """One input a run was given, shortened for display."""

    name: str
    value: str


class NodeRow(BaseModel):
    """One node run as the live page shows it."""

    id: str
    node_id: str
    block_name: str
    status: str
    duration: str
    outputs: str
    error: str
    notes: list[str] = []


class RunView(BaseModel):
    """Everything the live page shows of a run, read in one go outside the state lock."""

    status: str
    agent_name: str
    agent_href: str
    created: str
    started: str
    ended: str
    duration: str
    error: str
    stop_requested: bool
    inputs: list[InputRow]
    outputs: list[OutputValue]
    nodes: list[NodeRow]
    node_total: int
    node_page: int
    graph_id: str
    graph_version: int
    #: Each node's latest state (node id → status and its label), for the picture of the run.
    node_states: dict[str, dict[str, str]]
    #: Decisions the run waits for (only while it waits).
    reviews: list[ReviewRow] = []


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_row(node: executions.NodeExecutionPublic) -> NodeRow:
    block = find_block(node.block_id)
    final = node.status in FINAL_STATUSES
    return NodeRow(
        id=node.id,
        node_id=node.node_id,
        block_name=block.name if block else node.block_id,
        status=node.status,
        duration=format_duration(node.started_at, node.ended_at if final else None) + ("" if final else " so far"),
        outputs=preview_pins(node.outputs),
        error=node.error or "",
        notes=node.notes,
    )


async def read_run(session: AsyncSession, user: User, execution_id: str, node_page: int, zone: str = "UTC") -> RunView:
    """Read one of the user's runs as the live page shows it (times on the clock of ``zone``).

    Raises:
        NotFound: no such run, or another user's.
    """
    summary = await executions.get_run_summary(session, user, execution_id)
    run = await executions.get_execution(session, user, execution_id, with_nodes=False)
    nodes = await executions.list_node_executions(
        session, user, execution_id, offset=(node_page - 1) * NODES_PAGE_SIZE, limit=NODES_PAGE_SIZE
    )
    pages = max(1, -(-nodes.total // NODES_PAGE_SIZE))
    if node_page > pages:
        node_page = pages
        nodes = await executions.list_node_executions(
            session, user, execution_id, offset=(node_page - 1) * NODES_PAGE_SIZE, limit=NODES_PAGE_SIZE
        )
    return RunView(
        status=run.status,
        agent_name=summary.agent_name,
        agent_href=routes.library_agent(summary.library_agent_id) if summary.library_agent_id else "",
        created=format_time(run.created_at, zone),
        started=format_time(run.started_at, zone),
        ended=format_time(run.ended_at, zone),
        duration=format_duration(run.started_at, run.ended_at) if run.started_at else "—",
        error=run.error or "",
        stop_requested=run.stop_requested,
        inputs=[InputRow(name=k, value=_short(v)) for k, v in list(run.inputs.items())[:50]],
        outputs=render_outputs(run.outputs, summary.output_titles),
        nodes=[_node_row(n) for n in nodes.items],
        node_total=nodes.total,
        node_page=node_page,
        graph_id=run.graph_id,
        graph_version=run.graph_version,
        node_states={
            node_id: {"status": status, "label": status_label(status)}
            for node_id, status in (await executions.node_states(session, user, execution_id)).items()
        },
        reviews=await waiting_reviews(session, user, execution_id, zone) if run.status == "WAITING" else [],
    )


async def _fresh_view(token: str, execution_id: str, node_page: int, zone: str = "UTC") -> RunView | None:
    """Read a run for the token's user (re-verified on every read); None if the session or the run is gone."""
    try:
        async with session_scope() as session:
            user = await auth_service.user_from_token(session, token)
            return await read_run(session, user, execution_id, node_page, zone)
    except ServiceError:
        return None


class RunState(AuthState):
    """One run, followed live while it is not final."""

    #: ``loading``, ``ready`` or ``not_found``.
    page_status: str = "loading"
    run_id: str = ""
    status: str = ""
    agent_name: str = ""
    agent_href: str = ""
    created: str = ""
    started: str = ""
    ended: str = ""
    duration: str = ""
    error: str = ""
    stop_requested: bool = False
    inputs: list[InputRow] = []
    outputs: list[OutputValue] = []
    nodes: list[NodeRow] = []
    node_total: int = 0
    node_page: int = 1
    #: Whether a background task is following the run now.
    live: bool = False
    action_error: str = ""
    busy: bool = False
    #: The run's agent version, drawn read-only with each node's state.
    picture: dict[str, Any] = {}
    picture_key: str = ""
    node_states: dict[str, dict[str, str]] = {}
    builder_href: str = ""
    reviews: list[ReviewRow] = []

    _follow_id: str = ""

    @rx.var
    def is_final(self) -> bool:
        """Whether the run has ended (no more updates will come)."""
        return self.status in FINAL_STATUSES

    @rx.var
    def node_pages(self) -> int:
        """How many pages of node runs there are."""
        return max(1, -(-self.node_total // NODES_PAGE_SIZE))

    def _apply(self, view: RunView) -> None:
        """Show a fresh read, touching only what changed (each change is sent to the browser)."""
        for name, value in (
            ("status", view.status),
            ("agent_name", view.agent_name),
            ("agent_href", view.agent_href),
            ("created", view.created),
            ("started", view.started),
            ("ended", view.ended),
            ("duration", view.duration),
            ("error", view.error),
            ("stop_requested", view.stop_requested),
            ("inputs", view.inputs),
            ("outputs", view.outputs),
            ("nodes", view.nodes),
            ("node_total", view.node_total),
            ("node_page", view.node_page),
            ("node_states", view.node_states),
            ("reviews", view.reviews),
        ):
            if getattr(self, name) != value:
                setattr(self, name, value)
        self.page_status = "ready"

    async def _read(self, session: AsyncSession, user: User) -> None:
        view = await read_run(session, user, self.run_id, self.node_page, self._zone())
        self._apply(view)
        key = f"{view.graph_id}:{view.graph_version}"
        if key != self.picture_key:
            graph = await graphs.get_graph(session, user, view.graph_id, view.graph_version)
            self.picture = {"nodes": graph.nodes, "links": graph.links}
            self.picture_key = key
            self.builder_href = routes.builder(view.graph_id)

    @rx.event
    async def load(self):
        """Show the run in the URL; start following it if it is not final."""
        self._follow_id = ""
        self.page_status, self.live, self.action_error = "loading", False, ""
        self.node_page = 1
        self.run_id = path_arg(self.router.url.path, "/runs/")
        if not self.run_id:
            self.page_status = "not_found"
            return None

        async def read(session: AsyncSession, user: User) -> None:
            try:
                await self._read(session, user)
            except NotFound:
                self.page_status = "not_found"

        if await self._attempt(read, error_field="action_error") is FAILED:
            return self._after_failure()
        if self.page_status == "ready" and not self.is_final:
            self._follow_id = new_follow_id()
            self.live = True
            return RunState.follow
        return None

    @rx.event(background=True)
    async def follow(self):
        """Follow the run live: re-read it on bus events (coalesced) or every few seconds, until it is final."""
        async with self:
            follow_id, execution_id, token, zone = self._follow_id, self.run_id, self.token, self._zone()
        if not follow_id or not execution_id:
            return

        async def show(view: RunView) -> bool:
            self._apply(view)
            return view.status not in FINAL_STATUSES

        await follow_into_state(
            self,
            id_field="_follow_id",
            follow_id=follow_id,
            channel=execution_channel(execution_id),
            wanted=lambda: self.node_page,
            read=lambda node_page: _fresh_view(token, execution_id, node_page, zone),
            show=show,
            max_seconds=min(MAX_FOLLOW_SECONDS, get_settings().execution_timeout_seconds + 600),
            fallback_interval=FALLBACK_READ_INTERVAL,
            min_interval=MIN_READ_INTERVAL,
        )

    @rx.event
    async def stop(self):
        """Ask the run to stop; the page shows TERMINATED when it has."""
        if self.busy or self.is_final:
            return None
        self.action_error = ""

        async def stop(session: AsyncSession, user: User) -> None:
            await executions.stop_execution(session, user, self.run_id)
            await self._read(session, user)

        if await self._attempt(stop, error_field="action_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def run_again(self):
        """Start a new run with this run's inputs and credentials, and go to it."""
        if self.busy:
            return
        self.action_error = ""
        self.busy = True
        yield
        try:
            started = await self._attempt(
                lambda session, user: executions.rerun_execution(session, user, self.run_id),
                error_field="action_error",
            )
        finally:
            self.busy = False
        if started is FAILED:
            yield self._after_failure()
            return
        yield rx.redirect(routes.run(started.id))

    async def _turn_page(self, page: int):
        self.node_page = max(1, min(page, self.node_pages))
        if await self._attempt(self._read, error_field="action_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def nodes_next(self):
        """The next page of node runs."""
        return await self._turn_page(self.node_page + 1)

    @rx.event
    async def nodes_prev(self):
        """The previous page of node runs."""
        return await self._turn_page(self.node_page - 1)

    async def _decide(self, review_id: str, decide) -> None:
        """Decide one of the run's waiting reviews, then show the run as it is now."""
        row = next((r for r in self.reviews if r.id == review_id), None)
        if self.busy or row is None:
            return None
        self.action_error = ""

        async def act(session: AsyncSession, user: User) -> None:
            await decide(session, user, row)
            await self._read(session, user)

        if await self._attempt(act, error_field="action_error") is FAILED:
            return self._after_failure()
        if not self.live and not self.is_final:  # a page that stopped following picks the run up again
            self._follow_id = new_follow_id()
            self.live = True
            return RunState.follow
        return None

    @rx.event
    async def approve_review(self, form: dict[str, Any]):
        """Approve a review with the data box as the person left it (unchanged: the data as it was)."""

        async def decide(session: AsyncSession, user: User, row: ReviewRow) -> None:
            await review_service.approve(session, user, row.id, edited_data(row, form.get("data")))

        return await self._decide(str(form.get("review_id") or ""), decide)

    @rx.event
    async def reject_review(self, form: dict[str, Any]):
        """Reject a review with the person's comment; the run takes the reject path."""

        async def decide(session: AsyncSession, user: User, row: ReviewRow) -> None:
            await review_service.reject(session, user, row.id, str(form.get("comment") or ""))

        return await self._decide(str(form.get("review_id") or ""), decide)
