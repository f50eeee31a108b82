"""Per-user fairness of runs: at most ``MAX_RUNNING_PER_USER`` of one person's runs run at once.

The rest wait QUEUED, oldest first, so one person starting many long runs cannot take every worker
thread. The database decides, in the statements the runner already sends:

* **Admission** is part of the lease's ``UPDATE`` (:mod:`leases`): a top-level run starts only if
  a *slot* below the cap is free for its owner. The slot is stored on the run; a partial unique
  index on ``(user_id, slot)`` over RUNNING runs makes this atomic across processes (two workers
  that pick the same free slot cannot both succeed: the loser gets a unique violation and tries
  again). A resumed run keeps its slot; sub-agent runs belong to their parent's slot and are not
  counted.
* A refused message is acknowledged and the run stays QUEUED, marked *waiting* (``slot = -1``):
  only such runs are woken, never runs merely queued behind busy workers, whose own message is
  still on its way (waking those sent a second message per run and halved a busy worker's
  throughput). The worker then
  asks once whether that person has a free slot after all (a run of theirs ended in between) and,
  if so, admits or wakes their oldest waiting run.
* **Wake-up, oldest first**: the statement that ends a run also returns its owner's oldest waiting
  run (a subquery in ``RETURNING``), and the ending worker sends it. Waiting runs therefore start
  in the order they were asked for; a new run whose message arrives while a slot is free starts at
  once (there is nobody it could overtake but a run whose wake-up is in flight, which then waits
  for the next end). Admission deliberately does not require "no older run waiting": with several
  worker threads taking one person's messages at once, that rule (with the short retry it needed)
  refused almost every message (measured: 13 instead of 182 one-node runs per second in
  ``benchmarks/executor.py``).

The recovery sweep still re-sends QUEUED runs older than ``QUEUED_ORPHAN_SECONDS`` (and every
queued run right after an embedded restart), but of each person only the oldest ``cap`` waiting
ones: the rest could not start before them anyway, and each end wakes the next.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from sqlalchemy import Integer, String, literal_column, text

log = logging.getLogger(__name__)

# The runs table is named literally: these fragments are correlated with the statement's own
# ``graph_executions`` row (the run being admitted or ended).
_WAITING_AHEAD = literal_column(
    "(SELECT count(*) FROM graph_executions AS o WHERE o.user_id = graph_executions.user_id"
    " AND o.status = 'QUEUED' AND o.parent_execution_id IS NULL"
    " AND (o.created_at < graph_executions.created_at"
    " OR (o.created_at = graph_executions.created_at AND o.id < graph_executions.id)))",
    Integer,
)

#: The owner's oldest waiting run, for the statement that ends one of their runs.
#: (A sub-agent run holds no slot: the runner ignores this value when one ends.)
NEXT_WAITING = literal_column(
    "(SELECT w.id FROM graph_executions AS w WHERE w.user_id = graph_executions.user_id"
    " AND w.status = 'QUEUED' AND w.parent_execution_id IS NULL AND w.slot = -1"
    " ORDER BY w.created_at, w.id LIMIT 1)",
    String,
).label("next_waiting")

_WAITING = text(
    "SELECT o.id FROM graph_executions AS o"
    " WHERE o.user_id = (SELECT g.user_id FROM graph_executions AS g WHERE g.id = :execution_id"
    " AND g.parent_execution_id IS NULL)"
    " AND o.status = 'QUEUED' AND o.parent_execution_id IS NULL AND o.slot = -1"
    " AND (SELECT count(*) FROM graph_executions AS r WHERE r.user_id = o.user_id"
    " AND r.status = 'RUNNING' AND r.slot IS NOT NULL) < :cap"
    " ORDER BY o.created_at, o.id LIMIT 1"
)


#: ``slot = -1`` marks a QUEUED run a worker refused at the cap: it has no message in flight any more, so
#: only a wake-up starts it. Runs merely queued behind a busy worker (their message still on its way)
#: are not waiting, and waking them would only send a second message.
_MARK_WAITING = text(
    "UPDATE graph_executions SET slot = -1"
    " WHERE id = :execution_id AND status = 'QUEUED' AND parent_execution_id IS NULL"
)


async def mark_waiting(conn: Any, execution_id: str) -> None:
    """Mark a refused run as waiting for a wake-up (a run that started or ended meanwhile is left alone)."""
    await conn.execute(_MARK_WAITING, {"execution_id": execution_id})


@functools.lru_cache(maxsize=8)
def free_slot(cap: int):
    """The lowest slot below ``cap`` none of the owner's RUNNING runs holds (NULL when all are taken)."""
    # Only integers from range() are formatted into the text.
    candidates = " UNION ALL ".join(f"SELECT {int(n)} AS n" for n in range(int(cap)))
    return literal_column(
        f"(SELECT min(c.n) FROM ({candidates}) AS c WHERE c.n NOT IN ("  # noqa: S608
        "SELECT r.slot FROM graph_executions AS r WHERE r.user_id = graph_executions.user_id"
        " AND r.status = 'RUNNING' AND r.slot IS NOT NULL))",
        Integer,
    )


def waiting_ahead():
    """How many top-level runs of the same owner are waiting and older than this one."""
    return _WAITING_AHEAD


async def next_waiting(conn: Any, execution_id: str, cap: int) -> str | None:
    """For a message that was just refused: its owner's oldest waiting run if they have a free slot.

    Also for a duplicate message of a run that already runs or ended: two runs ending at once both
    wake the same oldest run, and the second wake-up's message then passes the turn on to the next.
    """
    row = (await conn.execute(_WAITING, {"execution_id": execution_id, "cap": cap})).first()
    return row[0] if row is not None else None


async def wake(execution_id: str) -> None:
    """Send a waiting run's id to the workers (off the event loop); a failure is only logged: the
    recovery sweep sends it later."""
    from autogpt_app import jobs

    # Its first message was confirmed sent long ago (sent_at stays): this one only says "your turn".
    result = await asyncio.to_thread(jobs.send_executions, [execution_id])
    if result.error is not None:
        log.warning(
            "could not wake waiting execution %s (%s); the recovery sweep will",
            execution_id,
            jobs.describe(result.error),
        )
