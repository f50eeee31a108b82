"""Scheduler process: ``python -m workers.scheduler``.

Runs an APScheduler 3.x :class:`~apscheduler.schedulers.blocking.BlockingScheduler` in the
foreground until SIGTERM or SIGINT, then exits with code 0. It holds no jobs yet: the schedules
table, cron triggers and leader election arrive with the scheduling issue.

Options:
    --once                      start, then shut down right away (a start-up check)
    --exit-after SECONDS        shut down after SECONDS (also ``SCHEDULER_EXIT_AFTER``)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from types import FrameType

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

logger = logging.getLogger("workers.scheduler")


def build_scheduler() -> BlockingScheduler:
    """Return the scheduler, configured but not started.

    Returns:
        A ``BlockingScheduler`` in UTC with conservative job defaults (no pile-up of missed runs).
    """
    return BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


class _Runner:
    """Runs a scheduler in the foreground and stops it on a signal or after a delay."""

    def __init__(self, scheduler: BlockingScheduler, exit_after: float | None) -> None:
        self.scheduler = scheduler
        self.exit_after = exit_after
        self._stop_requested = threading.Event()

    def stop(self, reason: str) -> None:
        """Ask the scheduler to shut down; safe from signal handlers, timers and before start.

        Args:
            reason: Logged with the shutdown.
        """
        if self._stop_requested.is_set():
            return
        self._stop_requested.set()
        logger.info("scheduler stopping (%s)", reason)
        self._shutdown_if_running()

    def _shutdown_if_running(self) -> None:
        # No lock: this runs in signal handlers. A second, concurrent shutdown is harmless and a
        # shutdown before start is caught here and repeated by the start listener.
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop(signal.Signals(signum).name)

    def _on_started(self, _event: SchedulerEvent) -> None:
        logger.info("scheduler is running with %d job(s)", len(self.scheduler.get_jobs()))
        if self._stop_requested.is_set():  # a signal arrived while starting
            self._shutdown_if_running()
        elif self.exit_after is not None:
            timer = threading.Timer(self.exit_after, self.stop, args=(f"exit after {self.exit_after:g}s",))
            timer.daemon = True
            timer.start()

    def run(self) -> int:
        """Start the scheduler and block until it stops.

        Returns:
            The process exit code (0 on a clean shutdown).
        """
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
        self.scheduler.start()  # blocks until shutdown
        logger.info("scheduler stopped")
        return 0


def _exit_after_from_env() -> float | None:
    raw = os.environ.get("SCHEDULER_EXIT_AFTER", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"SCHEDULER_EXIT_AFTER must be a number of seconds, not {raw!r}") from None
    if value < 0:
        raise SystemExit("SCHEDULER_EXIT_AFTER must not be negative")
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m workers.scheduler``.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(prog="python -m workers.scheduler", description="Run the schedule process.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--once", action="store_true", help="start, then shut down right away")
    group.add_argument("--exit-after", type=float, metavar="SECONDS", help="shut down after SECONDS")
    args = parser.parse_args(argv)

    if args.exit_after is not None and args.exit_after < 0:
        parser.error("--exit-after must not be negative")
    exit_after = 0.0 if args.once else args.exit_after
    if exit_after is None:
        exit_after = _exit_after_from_env()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return _Runner(build_scheduler(), exit_after).run()


if __name__ == "__main__":
    sys.exit(main())
