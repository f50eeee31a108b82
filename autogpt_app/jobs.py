"""Sending work to the workers: by actor name, off the event loop, confirmed by the broker, recorded.

Domains call :func:`enqueue_execution` once the run's row has committed (``db.after_commit``). That
only hands the id to a publisher thread, so a broker that is down, slow or silent costs the request
nothing. The thread sends with the broker's own confirmation (RabbitMQ publisher confirms; a Redis
write or the in-process queue counts as confirmed) and then writes ``sent_at`` on the run. A send
that fails leaves ``sent_at`` empty, which is the record the relay (``workers/relay.py``) acts on,
and is logged once per outage rather than once per run.

This module is the one bridge from the domains to ``workers/``: it imports the broker lazily and
names the actor, so no domain imports worker code.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import dramatiq

from autogpt_app.aio import new_event_loop
from autogpt_app.executions.outbox import SEND_GRACE_SECONDS
from autogpt_app.settings import get_settings

logger = logging.getLogger(__name__)

#: The actor that runs one execution by id (declared in ``workers/execution.py``).
EXECUTE_GRAPH = "execute_graph"


def executions_queue() -> str:
    """The queue :data:`EXECUTE_GRAPH` messages go to (``QUEUE_PREFIX`` + ``executions``)."""
    return get_settings().queue_prefix + "executions"


@dataclass
class SendResult:
    """What one :func:`send_executions` call achieved: confirmed ids, and the error that stopped it."""

    sent: list[str]
    error: Exception | None = None


def send_executions(execution_ids: Sequence[str]) -> SendResult:
    """Send one :data:`EXECUTE_GRAPH` message per id, in order, each confirmed before the next.

    Blocking (network I/O): call it from a thread of its own, never from an event loop. Stops at the
    first failure, so an unreachable broker is tried once per call, not once per id.

    Args:
        execution_ids: Ids of runs whose rows have committed.

    Returns:
        The ids the broker confirmed, and the error that stopped the rest (None if all went out).
    """
    from workers.broker import setup_broker

    sent: list[str] = []
    try:
        broker = setup_broker()
        name = executions_queue()
        broker.declare_queue(name)
        for execution_id in execution_ids:
            broker.enqueue(
                dramatiq.Message(queue_name=name, actor_name=EXECUTE_GRAPH, args=(execution_id,), kwargs={}, options={})
            )
            sent.append(execution_id)
    except Exception as exc:  # connection refused or reset, timeouts, a negative confirm: all mean "not sent"
        return SendResult(sent, exc)
    return SendResult(sent)


async def mark_sent(execution_ids: Sequence[str]) -> None:
    """Write ``sent_at`` on runs whose messages the broker confirmed: one statement, committed at once."""
    from autogpt_app.db import execute_autocommit
    from autogpt_app.executions import outbox

    if execution_ids:
        await execute_autocommit(outbox.mark_sent_statement(execution_ids))


def describe(error: BaseException) -> str:
    """A one-line account of a send failure for the log: no stack trace, no URL."""
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


class SendHealth:
    """Logs a sender's failures once per outage (a warning) and its recovery once (info)."""

    def __init__(self, who: str, log: logging.Logger = logger) -> None:
        self.who = who
        self.log = log
        self.failing = False

    def failed(self, error: BaseException, left: int) -> None:
        """Report a failed send that left ``left`` run(s) unsent."""
        if self.failing:
            self.log.debug("%s: broker still unreachable (%s)", self.who, describe(error))
            return
        self.failing = True
        self.log.warning(
            "%s: broker unreachable (%s); %d run(s) left unsent, sent once it is back",
            self.who,
            describe(error),
            left,
        )

    def succeeded(self) -> None:
        """Report a confirmed send."""
        if self.failing:
            self.failing = False
            self.log.info("%s: broker reachable again", self.who)


class Publisher:
    """A daemon thread that sends the ids handed to it and records which the broker confirmed.

    Ids that waited longer than :data:`~autogpt_app.executions.outbox.SEND_GRACE_SECONDS` (the broker
    held the thread up) are left to the relay, which looks at exactly those runs.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, float] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, execution_id: str) -> None:
        """Queue ``execution_id`` for sending; never blocks."""
        self._ensure_thread().put((execution_id, time.monotonic()))

    def _ensure_thread(self) -> queue.SimpleQueue:
        """Start the thread unless it runs in this process; return the queue it reads."""
        with self._lock:
            # A forked child (the dramatiq command forks workers) inherits the object, not the thread.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                # Each thread keeps its own account of the outage it lives through.
                health = SendHealth("run publisher")
                self._thread = threading.Thread(
                    target=self._run, args=(self._queue, health), name="run-publisher", daemon=True
                )
                self._thread.start()
            return self._queue

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread after what it holds now (tests, shutdown); the next submit starts a new one."""
        with self._lock:
            thread, self._thread = self._thread, None
            pending = self._queue
        if thread is not None and thread.is_alive():
            pending.put(None)
            thread.join(timeout)

    @staticmethod
    def _take_batch(pending: queue.SimpleQueue) -> tuple[list[str], int, bool]:
        """Block for the next id, then take whatever else is waiting: (fresh ids, stale count, stop)."""
        items = [pending.get()]
        while True:
            try:
                items.append(pending.get_nowait())
            except queue.Empty:
                break
        now = time.monotonic()
        fresh = [i[0] for i in items if i is not None and now - i[1] < SEND_GRACE_SECONDS]
        stale = sum(1 for i in items if i is not None and now - i[1] >= SEND_GRACE_SECONDS)
        return fresh, stale, any(i is None for i in items)

    def _run(self, pending: queue.SimpleQueue, health: SendHealth) -> None:
        from autogpt_app.db import use_pool_role

        use_pool_role("sender")
        loop = new_event_loop()
        try:
            while True:
                fresh, stale, stop = self._take_batch(pending)
                if stale:
                    logger.info("%d run(s) waited too long to send here; the relay sends them", stale)
                if fresh:
                    self._send(loop, fresh, health)
                if stop:
                    break
        finally:
            from autogpt_app.db import dispose_engine

            loop.run_until_complete(dispose_engine())
            loop.close()

    @staticmethod
    def _send(loop: asyncio.AbstractEventLoop, ids: list[str], health: SendHealth) -> None:
        result = send_executions(ids)
        if result.sent:
            try:
                loop.run_until_complete(mark_sent(result.sent))
            except Exception:  # the messages are out; the relay may send them once more (harmless)
                logger.exception("could not record %d sent run(s)", len(result.sent))
        if result.error is not None:
            health.failed(result.error, left=len(ids) - len(result.sent))
        else:
            health.succeeded()


_publisher = Publisher()


def enqueue_execution(execution_id: str) -> None:
    """Ask a worker to run ``execution_id`` (call after its row has committed). Returns at once."""
    _publisher.submit(execution_id)


def close_publisher(timeout: float = 5.0) -> None:
    """Stop this process's publisher thread (it starts again on the next :func:`enqueue_execution`).

    Args:
        timeout: Longest wait, in seconds, for the thread to send what it holds.
    """
    _publisher.close(timeout)
