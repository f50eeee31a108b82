"""Which accepted runs still need their message: the database side of publishing.

A run is a row first. ``graph_executions.sent_at`` stays empty until the broker has confirmed the
run's message; the relay (``workers/relay.py``) re-sends queued runs whose message was never
confirmed, once they are older than :data:`SEND_GRACE_SECONDS` (until then the process that accepted
the run is still sending it). Sub-agent runs are never sent: their parent's worker runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.executions.models import ExecutionStatus, GraphExecution
from autogpt_app.timeutil import utcnow

#: A run younger than this is left to the publisher of the process that accepted it.
SEND_GRACE_SECONDS = 2.0
#: Most runs one relay pass sends.
RELAY_BATCH = 200
#: PostgreSQL advisory lock key held by the one relay pass running at a time across all processes.
_RELAY_LOCK_KEY = 0x0A9E_0012

_table = GraphExecution.__table__


async def claim_relay(session: AsyncSession) -> bool:
    """Take the deployment-wide relay turn for this transaction; False if another process has it.

    One relay at a time keeps duplicate messages rare when several worker processes poll. On SQLite
    (embedded mode, one process) there is nobody to share with.
    """
    if session.bind.dialect.name != "postgresql":
        return True
    got = await session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _RELAY_LOCK_KEY})
    return bool(got.scalar_one())


async def unsent(
    session: AsyncSession, *, grace_seconds: float = SEND_GRACE_SECONDS, limit: int = RELAY_BATCH
) -> list[str]:
    """Ids of queued top-level runs whose message was never confirmed sent, oldest first."""
    rows = await session.execute(
        select(_table.c.id)
        .where(
            _table.c.status == ExecutionStatus.QUEUED.value,
            _table.c.sent_at.is_(None),
            _table.c.parent_execution_id.is_(None),
            _table.c.created_at < utcnow() - timedelta(seconds=grace_seconds),
        )
        .order_by(_table.c.created_at)
        .limit(limit)
    )
    return [r[0] for r in rows]


def mark_sent_statement(execution_ids: Sequence[str]):
    """The write that records confirmed messages of ``execution_ids`` (the first confirmation counts)."""
    return (
        update(_table).where(_table.c.id.in_(list(execution_ids)), _table.c.sent_at.is_(None)).values(sent_at=utcnow())
    )


async def mark_sent(session: AsyncSession, execution_ids: Sequence[str]) -> None:
    """Record that the broker confirmed the messages of ``execution_ids`` (the first confirmation counts)."""
    if execution_ids:
        await session.execute(mark_sent_statement(execution_ids))
