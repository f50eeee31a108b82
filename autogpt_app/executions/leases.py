"""Who runs which execution: leases with heartbeats, and the sweep that re-queues orphans.

A worker owns an execution while its lease is fresh. A crashed worker stops renewing, the
lease expires, and the sweep sends the execution's id again; the next worker resumes it,
reusing the recorded outputs of node runs that had completed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, literal_column, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.executions import fairness
from autogpt_app.executions.models import ExecutionStatus, GraphExecution
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow

_ACTIVE = (ExecutionStatus.QUEUED.value, ExecutionStatus.RUNNING.value)


_table = GraphExecution.__table__


@functools.lru_cache(maxsize=8)
def _acquire_statement(cap: int):
    """The lease's UPDATE, with admission under the per-user cap (see :mod:`fairness`).

    Built once per cap with bound parameters: compiled once per process, not per run.
    """
    # Already running (a resumed run keeps its slot) and sub-agent runs are not admitted again.
    admitted = or_(_table.c.status == ExecutionStatus.RUNNING.value, _table.c.depth > 0)
    slot = fairness.free_slot(cap)
    return (
        update(_table)
        .where(
            _table.c.id == bindparam("execution_id"),
            _table.c.status.in_([literal_column(f"'{s}'") for s in _ACTIVE]),  # constants: no per-call expansion
            or_(
                _table.c.lease_expires_at.is_(None),
                _table.c.lease_expires_at < bindparam("now"),
                _table.c.lease_owner == bindparam("worker_id"),
            ),
            or_(admitted, slot.is_not(None)),
        )
        .values(
            lease_owner=bindparam("worker_id"),
            lease_expires_at=bindparam("expires"),
            attempts=_table.c.attempts + 1,
            status=ExecutionStatus.RUNNING.value,
            started_at=func.coalesce(_table.c.started_at, bindparam("now")),
            slot=case((admitted, _table.c.slot), else_=slot),
        )
        .returning(
            _table.c.user_id,
            _table.c.graph_id,
            _table.c.graph_version,
            _table.c.inputs,
            _table.c.credentials,
            _table.c.stop_requested,
            _table.c.attempts,
            _table.c.depth,
        )
    )


@dataclass(frozen=True)
class Claim:
    """What a worker needs to start an execution it just took."""

    user_id: str
    graph_id: str
    graph_version: int
    inputs: dict[str, Any]
    credentials: dict[str, str]
    stop_requested: bool
    attempts: int
    depth: int


async def acquire(session: AsyncSession | Any, execution_id: str, worker_id: str) -> Claim | None:
    """Take the lease and mark the execution RUNNING, if it is active and nobody holds a fresh lease.

    One atomic statement on a connection in autocommit (anything with ``execute`` that recovers
    from a failed statement, such as the runner's recorder); returns None when another worker owns
    it, it has ended, or its owner is at ``MAX_RUNNING_PER_USER`` (it waits, see :mod:`fairness`).
    """
    settings = get_settings()
    now = utcnow()
    params = {
        "execution_id": execution_id,
        "worker_id": worker_id,
        "now": now,
        "expires": now + timedelta(seconds=settings.lease_seconds),
    }
    statement = _acquire_statement(settings.max_running_per_user)
    for attempt in range(3):
        try:
            row = (await session.execute(statement, params)).one_or_none()
        except IntegrityError:  # another worker took the same free slot of this owner a moment ago
            if attempt == 2:
                return None
            continue
        return Claim(*row) if row is not None else None
    return None


async def renew(session: AsyncSession, execution_id: str, worker_id: str) -> tuple[bool, bool]:
    """Extend the lease; return ``(still owned, stop requested)``."""
    row = (
        await session.execute(
            select(GraphExecution.lease_owner, GraphExecution.stop_requested).where(GraphExecution.id == execution_id)
        )
    ).one_or_none()
    if row is None or row[0] != worker_id:
        return False, bool(row and row[1])
    await session.execute(
        update(GraphExecution)
        .where(GraphExecution.id == execution_id, GraphExecution.lease_owner == worker_id)
        .values(lease_expires_at=utcnow() + timedelta(seconds=get_settings().lease_seconds))
    )
    return True, bool(row[1])


async def stop_requested(session: AsyncSession, execution_id: str) -> bool:
    """Whether someone asked this execution to stop."""
    value = (
        await session.execute(select(GraphExecution.stop_requested).where(GraphExecution.id == execution_id))
    ).scalar_one_or_none()
    return bool(value)


async def orphans(session: AsyncSession, *, queued_grace_seconds: float | None = None) -> list[str]:
    """Executions nobody is working on: running with an expired lease, or queued too long unleased."""
    settings = get_settings()
    now = utcnow()
    grace = timedelta(
        seconds=queued_grace_seconds if queued_grace_seconds is not None else settings.queued_orphan_seconds
    )
    rows = await session.execute(
        select(GraphExecution.id)
        .where(
            # Sub-agent runs belong to their parent: a resumed parent starts them afresh.
            GraphExecution.parent_execution_id.is_(None),
            or_(
                (GraphExecution.status == ExecutionStatus.RUNNING.value) & (GraphExecution.lease_expires_at < now),
                (GraphExecution.status == ExecutionStatus.QUEUED.value)
                & or_(GraphExecution.lease_expires_at < now, GraphExecution.lease_expires_at.is_(None))
                & (GraphExecution.created_at < now - grace)
                # Of one owner's waiting runs only the oldest few can start (fairness): re-sending
                # those is enough, and spares a message per waiting run on every sweep.
                & (fairness.waiting_ahead() < settings.max_running_per_user),
            ),
        )
        .limit(500)
    )
    return [r[0] for r in rows]
