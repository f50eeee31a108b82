"""Embedded mode: worker threads, the recovery sweep and the scheduler inside the web process.

With no ``BROKER_URL`` the broker is Dramatiq's in-process ``StubBroker``; this starts a
``dramatiq.Worker`` on it so runs execute without any other process. Messages of a previous
process are gone after a restart, but every execution is a database row first: the first sweep
re-sends all queued and orphaned runs at once, and the relay (:mod:`workers.relay`) sends, within
about a second, any run whose message did not go out. The scheduler (``SCHEDULER_EMBEDDED``, on by
default) leads only while no other scheduler process holds the lease; while it leads it also sends
the notification e-mails. With the embedded scheduler turned off, a small thread here still sends
queued e-mails every ``EMAIL_SEND_INTERVAL_SECONDS`` (claims keep two senders from sending one mail twice).
"""

from __future__ import annotations

import logging
import threading

import dramatiq
from dramatiq.brokers.stub import StubBroker

from autogpt_app.settings import get_settings

logger = logging.getLogger(__name__)


class EmailSender:
    """A daemon thread sending queued notification e-mails on a timer (when no embedded scheduler does)."""

    def __init__(self, interval: float | None = None) -> None:
        from autogpt_app.settings import get_settings

        self.interval = interval or get_settings().email_send_interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="email-sender", daemon=True)

    def start(self) -> EmailSender:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and wait briefly for it."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        from workers.scheduler import send_email_job

        while not self._stop.wait(self.interval):
            send_email_job()


class EmbeddedWorkers:
    """In-process worker threads plus the sweep; a no-op when a real broker is configured."""

    def __init__(self, threads: int | None = None) -> None:
        # WORKER_THREADS: the connection budget (autogpt_app/db_budget.py) counts these threads.
        self.threads = threads or get_settings().worker_threads
        self.worker: dramatiq.Worker | None = None
        self.sweeper = None
        self.relay = None
        self.scheduler = None
        self.email_sender: EmailSender | None = None

    def start(self) -> bool:
        """Start consuming if the broker is in-process; return whether anything was started."""
        from workers.execution import broker
        from workers.relay import Relay
        from workers.sweeper import Sweeper

        if not isinstance(broker, StubBroker):
            return False
        # The TimeLimit middleware only arms on process boot, which a hand-made Worker never emits.
        broker.emit_after("process_boot")
        self.worker = dramatiq.Worker(broker, worker_threads=self.threads, worker_timeout=100)
        self.worker.start()
        self.sweeper = Sweeper(first_queued_grace=0).start()
        self.relay = Relay().start()
        self._start_scheduler()
        logger.info("embedded workers started (%d threads)", self.threads)
        return True

    def _start_scheduler(self) -> None:
        """Embedded scheduler: fires schedules in this process (see workers/scheduler.py)."""
        from autogpt_app.settings import get_settings
        from workers.scheduler import InProcessScheduler

        if get_settings().scheduler_embedded:
            self.scheduler = InProcessScheduler().start()
        else:
            self.email_sender = EmailSender().start()

    def stop(self) -> None:
        """Stop the scheduler, the sweep and the worker threads."""
        if self.scheduler:
            self.scheduler.stop()
        if self.email_sender:
            self.email_sender.stop()
        if self.relay:
            self.relay.stop()
        if self.sweeper:
            self.sweeper.stop()
        if self.worker:
            self.worker.stop(timeout=10_000)
