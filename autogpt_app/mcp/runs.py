"""Run a library agent for an MCP client and wait for its end, reporting progress as steps finish.

The run is started exactly like one from the API (``executions.service.add_graph_execution``: the
same input validation, credential choice and durability: a row first, then the broker). Waiting
follows the run's bus channel (``execution:{id}``) and re-reads the row after each event, and every
``POLL_SECONDS`` without one (events are best effort, the database is the record). After
``mcp_run_wait_seconds`` the caller gets "still running" with the run's id; the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.auth.models import User
from autogpt_app.bus import execution_channel, get_bus
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import TERMINAL, ExecutionStatus
from autogpt_app.mcp.agents import AgentTool
from autogpt_app.settings import get_settings
from autogpt_app.wording import plural, status_label

log = logging.getLogger(__name__)

#: Seconds between reads of the run when no event arrives.
POLL_SECONDS = 2.0
_ENDED = {status.value for status in TERMINAL}

#: Called with (steps finished, a sentence) each time another step of the run finishes.
Progress = Callable[[int, str], Awaitable[None]]


@dataclass
class RunOutcome:
    """How a run an MCP client asked for ended (or that it has not yet)."""

    execution_id: str
    status: str
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the run has ended (completed, failed or stopped)."""
        return self.status in _ENDED

    @property
    def succeeded(self) -> bool:
        """Whether the run completed."""
        return self.status == ExecutionStatus.COMPLETED.value

    def summary(self) -> dict[str, Any]:
        """What the tool returns as structured content: the run, its status and its outputs."""
        result: dict[str, Any] = {"run_id": self.execution_id, "status": self.status, "outputs": self.outputs}
        if self.error:
            result["error"] = self.error
        return result


def plain_outputs(outputs: dict[str, list[Any]]) -> dict[str, Any]:
    """A run's outputs by name, a name with one value giving that value rather than a list of one."""
    return {name: values[0] if len(values) == 1 else values for name, values in outputs.items()}


async def start_run(user: User, tool: AgentTool, arguments: dict[str, Any]) -> str:
    """Start the agent behind ``tool`` with ``arguments`` as its inputs; returns the run's id.

    Raises:
        ServiceError: as ``add_graph_execution`` (missing or invalid inputs, missing credentials…).
    """
    async with session_scope() as session:
        run = await executions.add_graph_execution(
            session, user, tool.graph_id, version=tool.graph_version, inputs=arguments
        )
    return run.id


async def _read(user: User, execution_id: str) -> tuple[RunOutcome, int]:
    async with session_scope(reading=True) as session:
        run = await executions.get_execution(session, user, execution_id, with_nodes=False)
        states = await executions.node_states(session, user, execution_id)
    done = sum(1 for status in states.values() if status in _ENDED)
    outcome = RunOutcome(run.id, run.status, plain_outputs(run.outputs), run.error)
    return outcome, done


async def wait_for_run(
    user: User, execution_id: str, progress: Progress | None = None, *, max_seconds: float | None = None
) -> RunOutcome:
    """Follow the run until it ends or ``max_seconds`` (default ``mcp_run_wait_seconds``) pass.

    ``progress`` hears of each step that finished since the last read.
    """
    deadline = time.monotonic() + (max_seconds or get_settings().mcp_run_wait_seconds)
    wake = asyncio.Event()
    reported = 0

    async def pump() -> None:
        try:
            async with get_bus().subscribe(execution_channel(execution_id)) as events:
                async for _event in events:
                    wake.set()
        except Exception:  # events only hurry the reads up; polling still ends the wait
            log.warning("could not follow run %s on the bus; polling instead", execution_id)

    pumping = asyncio.create_task(pump())
    try:
        while True:
            outcome, done = await _read(user, execution_id)
            if progress is not None and done > reported:
                reported = done
                await progress(done, f"{plural(done, 'step')} done ({status_label(outcome.status)})")
            left = deadline - time.monotonic()
            if outcome.finished or left <= 0:
                return outcome
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=min(POLL_SECONDS, left))
            await asyncio.sleep(0.05)  # let a burst of events arrive before reading again
    finally:
        pumping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pumping
