"""One budget for database connections, from which every connection pool is sized.

PostgreSQL refuses clients past its ``max_connections`` (100 by default). The platform's processes
together must stay below that, whatever runs where, so ``DB_MAX_CONNECTIONS`` (default 90: ten
left for migrations, backups and an administrator's ``psql``) is shared out by what exists:

* each **worker thread** (``WORKER_PROCESSES`` × ``WORKER_THREADS``, plus one recovery-sweep loop per
  worker process) gets :data:`WORKER_THREAD_CONNECTIONS` for its sessions and
  ``MAX_SUBAGENT_DEPTH`` + 1 for node records: a run keeps one while it lasts, and a sub-agent runs
  inside its parent on the same thread, so a chain of them as deep as allowed keeps one each
  (sub-agents running side by side beyond that wait for a free one);
* each **scheduler loop** (``SCHEDULER_PROCESSES`` × (``SCHEDULER_THREADS`` + leader lease, bus
  listener and planner)) gets :data:`SCHEDULER_LOOP_CONNECTIONS`: its jobs use one session at a time;
* the rest is split evenly between the **web processes** (``WEB_WORKERS``; the Reflex backend is told
  to start exactly that many, see ``rxconfig.py``). Each must get at least
  :data:`MIN_WEB_CONNECTIONS`, or the settings are refused at start with the arithmetic spelled out.

In embedded mode (no ``BROKER_URL``) the worker threads and the scheduler live inside each web
process, and are counted there. A loop's pools never open more than their share; a request that
finds its pool busy waits up to ``DB_POOL_TIMEOUT_SECONDS`` and is then answered 503.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from autogpt_app.settings import ConfigurationError, Settings

#: What an event loop is for; its engines are sized accordingly (see :func:`autogpt_app.db.use_pool_role`).
PoolRole = Literal["web", "worker", "scheduler", "sender"]

WORKER_THREAD_CONNECTIONS = 3
SCHEDULER_LOOP_CONNECTIONS = 1
#: The run publisher's loop (every process that starts runs) and the relay's loop (every worker
#: process): each records sends with one session at a time.
SENDER_LOOP_CONNECTIONS = 1
#: Scheduler loops besides its job threads: leader lease, bus listener, planner (main thread).
SCHEDULER_EXTRA_LOOPS = 3
MIN_WEB_CONNECTIONS = 4


@dataclasses.dataclass(frozen=True)
class ConnectionBudget:
    """How ``DB_MAX_CONNECTIONS`` is shared out; every figure is a most-at-once."""

    total: int
    web_processes: int
    worker_processes: int
    worker_threads: int
    scheduler_processes: int
    scheduler_loops: int
    #: Connections of one worker thread's node-record engine (``MAX_SUBAGENT_DEPTH`` + 1).
    recorder: int
    #: Connections all worker processes together may hold.
    workers: int
    #: Connections all scheduler processes together may hold.
    schedulers: int
    #: Connections the request engine of one web process may hold.
    per_web_process: int

    def pool_limit(self, role: PoolRole) -> int:
        """Most connections one engine of a loop with ``role`` may hold."""
        if role == "worker":
            return WORKER_THREAD_CONNECTIONS
        if role == "scheduler":
            return SCHEDULER_LOOP_CONNECTIONS
        if role == "sender":
            return SENDER_LOOP_CONNECTIONS
        return self.per_web_process

    def describe(self) -> str:
        """The arithmetic in one line, for logs and error messages."""
        return (
            f"DB_MAX_CONNECTIONS={self.total}: workers {self.worker_processes}×({self.worker_threads}×"
            f"{WORKER_THREAD_CONNECTIONS + self.recorder}+{WORKER_THREAD_CONNECTIONS}+{SENDER_LOOP_CONNECTIONS})"
            f"={self.workers}, schedulers {self.scheduler_processes}×({self.scheduler_loops}×"
            f"{SCHEDULER_LOOP_CONNECTIONS}+{SENDER_LOOP_CONNECTIONS})={self.schedulers}, "
            f"web {self.web_processes}×({self.per_web_process}+{SENDER_LOOP_CONNECTIONS})"
        )


def plan(settings: Settings) -> ConnectionBudget:
    """Share ``settings.db_max_connections`` out between the processes the settings describe.

    Raises:
        ConfigurationError: the budget leaves a web process fewer than :data:`MIN_WEB_CONNECTIONS`.
    """
    web = settings.resolved_web_workers
    embedded = not settings.broker_url
    worker_processes = web if embedded else settings.worker_processes
    scheduler_processes = web if embedded and settings.scheduler_embedded else settings.scheduler_processes
    recorder = settings.max_subagent_depth + 1
    per_worker_thread = WORKER_THREAD_CONNECTIONS + recorder
    # The recovery sweep runs on a loop of its own in every worker process (worker role), and so
    # does the relay (sender role).
    workers = worker_processes * (
        settings.worker_threads * per_worker_thread + WORKER_THREAD_CONNECTIONS + SENDER_LOOP_CONNECTIONS
    )
    scheduler_loops = settings.scheduler_threads + SCHEDULER_EXTRA_LOOPS
    # Schedules start runs, so every scheduler process also has a run publisher (sender role).
    schedulers = scheduler_processes * (scheduler_loops * SCHEDULER_LOOP_CONNECTIONS + SENDER_LOOP_CONNECTIONS)
    # Each web process keeps one connection for its run publisher out of its share.
    left = settings.db_max_connections - workers - schedulers - web * SENDER_LOOP_CONNECTIONS
    per_web = left // web if web else 0
    budget = ConnectionBudget(
        total=settings.db_max_connections,
        web_processes=web,
        worker_processes=worker_processes,
        worker_threads=settings.worker_threads,
        recorder=recorder,
        scheduler_processes=scheduler_processes,
        scheduler_loops=scheduler_loops,
        workers=workers,
        schedulers=schedulers,
        per_web_process=per_web,
    )
    if web and per_web < MIN_WEB_CONNECTIONS:
        raise ConfigurationError(
            f"The database connection budget is too small: {budget.describe()} leaves each web process "
            f"{per_web} (at least {MIN_WEB_CONNECTIONS} needed). Raise DB_MAX_CONNECTIONS (and the server's "
            "max_connections) or lower WEB_WORKERS, WORKER_PROCESSES, WORKER_THREADS or SCHEDULER_THREADS."
        )
    return budget
