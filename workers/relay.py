"""The relay: a daemon thread in every worker process (and the web process in embedded mode) that
sends accepted runs whose message was never confirmed, about once a second.

The database row is the truth (see :mod:`autogpt_app.executions.outbox`): a run the web process could
not send during a broker outage keeps an empty ``sent_at``, and the first relay pass after the broker
is reachable again sends it, with publisher confirms, and records it as sent. On PostgreSQL one pass
at a time runs across all processes (an advisory lock), so several workers rarely send a run twice;
a second message would be harmless anyway, because the run's lease makes it a no-op.
"""

from __future__ import annotations

import logging
import threading

from autogpt_app.jobs import SendHealth, send_executions
from autogpt_app.settings import get_settings

logger = logging.getLogger(__name__)


async def relay_once(health: SendHealth | None = None) -> int:
    """Send every unsent queued run older than the send grace; return how many the broker confirmed.

    Runs on a thread's own event loop (the send itself blocks that thread, never a server's loop).
    """
    from autogpt_app.db import session_scope
    from autogpt_app.executions import outbox

    async with session_scope() as session:
        if not await outbox.claim_relay(session):
            return 0
        ids = await outbox.unsent(session)
        if not ids:
            return 0
        result = send_executions(ids)
        await outbox.mark_sent(session, result.sent)
    if result.sent:
        logger.info("relay sent %d run(s) whose message had not gone out", len(result.sent))
    if health is not None:
        if result.error is not None:
            health.failed(result.error, left=len(ids) - len(result.sent))
        else:
            health.succeeded()
    return len(result.sent)


class Relay:
    """Runs :func:`relay_once` every ``interval`` seconds (``RELAY_INTERVAL_SECONDS``) until stopped."""

    def __init__(self, interval: float | None = None) -> None:
        self.interval = interval or get_settings().relay_interval_seconds
        self.health = SendHealth("relay", logger)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="run-relay", daemon=True)

    def start(self) -> Relay:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and wait briefly for it."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        from autogpt_app.db import use_pool_role
        from workers.execution import run_in_thread_loop

        use_pool_role("sender")

        database_failing = False
        while not self._stop.is_set():
            try:
                run_in_thread_loop(relay_once, self.health)
                database_failing = False
            except Exception:
                # The database itself is unreachable: say so once, keep trying quietly.
                if not database_failing:
                    logger.exception("relay could not read the runs; trying again every %gs", self.interval)
                database_failing = True
            self._stop.wait(self.interval)
