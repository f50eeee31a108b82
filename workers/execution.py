"""Dramatiq worker entry module: ``dramatiq workers.execution --processes 1 --threads 4``.

Importing this module configures the global broker from settings (``BROKER_URL``) and declares
the actors on it:

* :func:`execute_graph` runs (or resumes) one graph execution by id;
* :func:`ping` is a health check that proves a worker consumes from the broker.

Each worker process also runs a recovery sweep (see :mod:`workers.sweeper`) that re-sends
executions whose worker died. Actors take ids, never objects; all state is in the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import dramatiq

from autogpt_app.aio import new_event_loop
from autogpt_app.db import use_pool_role
from autogpt_app.jobs import EXECUTE_GRAPH, SendHealth, executions_queue, send_executions
from autogpt_app.settings import get_settings
from workers.broker import setup_broker
from workers.sweeper import SweeperMiddleware

# Actors bind to the global broker when declared: configure it before the first actor below.
broker = setup_broker()
if not any(isinstance(m, SweeperMiddleware) for m in broker.middleware):
    broker.add_middleware(SweeperMiddleware())

logger = logging.getLogger(__name__)

#: Wall-clock limit of one ping, in milliseconds.
PING_TIME_LIMIT_MS = 10_000
#: Dramatiq's own limit for one execution message; the runner enforces the real, shorter limit itself.
EXECUTION_TIME_LIMIT_MS = 6 * 60 * 60 * 1000
EXECUTIONS_QUEUE = executions_queue()

_local = threading.local()
#: The sweep's failures to reach the broker, logged once per outage.
_sweep_health = SendHealth("recovery sweep", logger)


def run_in_thread_loop(func: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run a coroutine function on this worker thread's own, long-lived event loop.

    Async database connections belong to a loop, so each worker thread keeps one loop (and with
    it one connection pool) for all the messages it handles.
    """
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        use_pool_role("worker", unless_set=True)
        loop = new_event_loop()
        _local.loop = loop
    return loop.run_until_complete(func(*args))


@dramatiq.actor(queue_name=get_settings().queue_prefix + "default", max_retries=0, time_limit=PING_TIME_LIMIT_MS)
def ping(token: str) -> None:
    """Log ``token``: a health check that a worker is consuming. Writes nothing.

    Args:
        token: Any short string; it is echoed in the worker log so a caller can find its ping.
    """
    logger.info("ping %.200s", token)


@dramatiq.actor(
    actor_name=EXECUTE_GRAPH,
    queue_name=EXECUTIONS_QUEUE,
    max_retries=3,
    min_backoff=1000,
    max_backoff=30_000,
    time_limit=EXECUTION_TIME_LIMIT_MS,
)
def execute_graph(execution_id: str) -> None:
    """Run or resume the graph execution ``execution_id``.

    Idempotent: if another worker holds the execution's lease, or it has ended, this does nothing.
    A crash of this process is recovered by the sweep, which re-sends the id once the lease expires.
    """
    from autogpt_app.executions.runner import GraphRunner

    status = run_in_thread_loop(GraphRunner(execution_id).run)
    logger.info("execution %s: %s", execution_id, status or "owned by another worker")


def sweep_once(*, queued_grace_seconds: float | None = None) -> int:
    """Re-send every orphaned execution; return how many were sent."""
    from autogpt_app.db import session_scope
    from autogpt_app.executions import leases

    async def find() -> list[str]:
        async with session_scope() as session:
            return await leases.orphans(session, queued_grace_seconds=queued_grace_seconds)

    ids = run_in_thread_loop(find)
    if not ids:
        return 0
    result = send_executions(ids)
    if result.sent:
        logger.info("recovery sweep re-sent %d execution(s)", len(result.sent))
    if result.error is not None:
        _sweep_health.failed(result.error, left=len(ids) - len(result.sent))
    else:
        _sweep_health.succeeded()
    return len(result.sent)


def apply_run_tallies_once() -> int:
    """Fold queued marketplace run counts into their listings (see :mod:`autogpt_app.store.run_counts`)."""
    from autogpt_app.db import session_scope
    from autogpt_app.store.run_counts import BATCH, apply_run_tallies

    async def apply() -> int:
        total = 0
        while True:
            async with session_scope() as session:
                applied = await apply_run_tallies(session)
            total += applied
            if applied < BATCH:
                return total

    return run_in_thread_loop(apply)


def expire_reviews_once() -> int:
    """Decide reviews nobody answered in time as expired and queue their runs (the reject path)."""
    from autogpt_app.db import session_scope
    from autogpt_app.executions.reviews import expire_due

    async def expire() -> int:
        async with session_scope() as session:
            return await expire_due(session)

    count = run_in_thread_loop(expire)
    if count:
        logger.info("%d review(s) ran out of time", count)
    return count
