"""The recovery sweep on a timer: a daemon thread in every worker process (and the web process
in embedded mode) that re-sends executions whose worker died, folds queued marketplace run
counts into their listings and ends reviews nobody answered in time; beside it the relay
(:mod:`workers.relay`) sends runs whose first message never went out."""

from __future__ import annotations

import logging
import threading

import dramatiq

from autogpt_app.settings import get_settings

logger = logging.getLogger(__name__)


class Sweeper:
    """Runs ``workers.execution.sweep_once`` every ``interval`` seconds until stopped."""

    def __init__(self, interval: float | None = None, *, first_queued_grace: float | None = None) -> None:
        self.interval = interval or get_settings().sweep_interval_seconds
        self.first_queued_grace = first_queued_grace
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="execution-sweeper", daemon=True)

    def start(self) -> Sweeper:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and wait briefly for it."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        from workers.execution import apply_run_tallies_once, expire_reviews_once, sweep_once

        grace = self.first_queued_grace
        while not self._stop.is_set():
            try:
                sweep_once(queued_grace_seconds=grace)
            except Exception:
                logger.exception("recovery sweep failed; trying again later")
            try:
                apply_run_tallies_once()
            except Exception:
                logger.exception("counting marketplace runs failed; trying again later")
            try:
                expire_reviews_once()
            except Exception:
                logger.exception("expiring reviews failed; trying again later")
            grace = None
            self._stop.wait(self.interval)


class SweeperMiddleware(dramatiq.Middleware):
    """Starts a :class:`Sweeper` and a :class:`~workers.relay.Relay` in each process booted by the
    ``dramatiq`` command, once per process.

    The in-process broker of embedded mode is left alone: :class:`~workers.embedded.EmbeddedWorkers`
    starts its own pair (with no grace for queued runs) and stops it with the workers.
    """

    def __init__(self) -> None:
        self.sweeper: Sweeper | None = None
        self.relay = None

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        from dramatiq.brokers.stub import StubBroker

        from workers.relay import Relay

        if isinstance(broker, StubBroker) or self.sweeper is not None:
            return
        # Load every block before the first message: importing them takes seconds of CPU (more on a busy
        # machine), and done inside a run it would hold the event loop while the run's lease must be renewed.
        from autogpt_app.blocks.registry import all_blocks

        all_blocks()
        self.sweeper = Sweeper().start()
        self.relay = Relay().start()

    def before_process_stop(self, broker: dramatiq.Broker) -> None:
        if self.relay:
            self.relay.stop()
        if self.sweeper:
            self.sweeper.stop()
        self.sweeper = self.relay = None
