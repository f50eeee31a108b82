"""Scheduler process: ``python -m workers.scheduler`` (and, in embedded mode, the same inside the web process).

Runs an APScheduler 3.x scheduler until SIGTERM or SIGINT, then exits with code 0. Only the leader
(see :mod:`autogpt_app.scheduling.leader`) plans jobs; a second process stands by and takes over
when the leader's lease expires. The leader plans one in-memory job per active schedule, at the
schedule's ``next_run_at``, from the ``schedules`` table — at election, on every
``schedule_changed`` bus event, and in a full resync every ``SCHEDULER_RESYNC_SECONDS`` (30 s) as
a safety net. Nothing is ever stored in or unpickled from an APScheduler job store.

Each job calls :func:`autogpt_app.scheduling.firing.fire` on its worker thread's own event loop
(async database connections belong to one loop) and re-plans itself at the schedule's new due
time. The claim inside ``fire`` makes every occurrence fire once, whatever the scheduler does.

While leading, it also sends the queued notification e-mails every ``EMAIL_SEND_INTERVAL_SECONDS``
and queues the daily digest of finished runs at ``EMAIL_DIGEST_HOUR`` (UTC; also at election when
that hour has passed, since a digest is queued once per user and day whoever runs it), and looks at
the due poll triggers every ``TRIGGER_POLL_TICK_SECONDS`` (:mod:`autogpt_app.triggers.polling`).

Options:
    --once                      start, then shut down right away (a start-up check)
    --exit-after SECONDS        shut down after SECONDS (also ``SCHEDULER_EXIT_AFTER``)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from autogpt_app.db import use_pool_role
from autogpt_app.settings import get_settings

logger = logging.getLogger("workers.scheduler")

JOB_PREFIX = "schedule:"
RESYNC_JOB = "scheduler:resync"
EMAIL_JOB = "scheduler:email"
DIGEST_JOB = "scheduler:digest"
IMAGE_SWEEP_JOB = "scheduler:image-sweep"
TRIGGER_POLL_JOB = "scheduler:trigger-poll"

_local = threading.local()


def _run_async(func: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run a coroutine function on this thread's own long-lived event loop (one pool per loop)."""
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        use_pool_role("scheduler")
        loop = asyncio.new_event_loop()
        _local.loop = loop
    return loop.run_until_complete(func(*args))


async def _fire_now(schedule_id: str):
    from autogpt_app.db import session_scope
    from autogpt_app.scheduling.firing import fire

    async with session_scope() as session:
        return await fire(session, schedule_id)


async def _load(schedule_ids: Iterable[str] | None) -> list[tuple[str, datetime | None]]:
    """(id, due time or None) of the given schedules, or of every active one."""
    from sqlalchemy import select

    from autogpt_app.db import session_scope
    from autogpt_app.scheduling.models import Schedule

    query = select(Schedule.id, Schedule.is_active, Schedule.next_run_at)
    if schedule_ids is None:
        query = query.where(Schedule.is_active.is_(True), Schedule.next_run_at.is_not(None))
    else:
        ids = list(schedule_ids)
        query = query.where(Schedule.id.in_(ids))
    async with session_scope() as session:
        rows = {sid: (due if active else None) for sid, active, due in (await session.execute(query)).all()}
    if schedule_ids is not None:
        return [(sid, rows.get(sid)) for sid in ids]
    return list(rows.items())


async def _then_release(func: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``func`` then close this loop's connections: a mail job holds no connection between ticks
    (an idle SQLite connection's thread would otherwise keep a stopping process alive)."""
    from autogpt_app.db import dispose_engine

    try:
        return await func()
    finally:
        await dispose_engine()


def send_email_job() -> None:
    """Send the due notification e-mails (a scheduler job; never raises)."""
    from autogpt_app.notifications.email import send_due

    try:
        _run_async(_then_release, send_due)
    except Exception:
        logger.exception("sending notification e-mails failed; trying again at the next tick")


def digest_job() -> None:
    """Queue yesterday's digest e-mails (a scheduler job; never raises)."""
    from autogpt_app.notifications.email import queue_digests

    try:
        _run_async(_then_release, queue_digests)
    except Exception:
        logger.exception("queueing the daily digests failed; it is tried again at the next election or day")


def image_sweep_job() -> None:
    """Delete listing images that abandoned submission forms left behind (a scheduler job; never raises)."""
    from autogpt_app.db import session_scope
    from autogpt_app.store.images import sweep_unused_images

    async def sweep() -> list[str]:
        async with session_scope() as session:
            return await sweep_unused_images(session)

    try:
        _run_async(_then_release, sweep)
    except Exception:
        logger.exception("sweeping unused listing images failed; it is tried again tomorrow")


def poll_triggers_job() -> None:
    """Look at the poll triggers that are due (a scheduler job; never raises)."""
    from autogpt_app.triggers.polling import poll_due

    try:
        _run_async(_then_release, poll_due)
    except Exception:
        logger.exception("polling triggers failed; trying again at the next tick")


class ScheduleKeeper:
    """Leads (or stands by) and keeps one APScheduler job per active schedule while leading."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        from autogpt_app.scheduling.leader import LeaderElector

        settings = get_settings()
        self.scheduler = scheduler
        self.resync_seconds = settings.scheduler_resync_seconds
        self.retry_seconds = min(5.0, settings.scheduler_heartbeat_seconds)
        self.elector = LeaderElector(
            lease_seconds=settings.scheduler_lease_seconds,
            heartbeat_seconds=settings.scheduler_heartbeat_seconds,
            on_elected=self._elected,
            on_demoted=self._demoted,
        )
        self._plan_lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener = threading.Thread(target=self._listen, name="scheduler-bus", daemon=True)
        self._listen_loop: asyncio.AbstractEventLoop | None = None
        self._listen_task: asyncio.Task | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process leads now."""
        return self.elector.is_leader

    def start(self) -> ScheduleKeeper:
        """Start the elector and the bus listener; returns self."""
        self.elector.start()
        self._listener.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop listening, drop every job, and release the lead, within about ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        self._stopping.set()
        loop, task = self._listen_loop, self._listen_task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)
        self._listener.join(timeout=max(0.0, min(2.0, deadline - time.monotonic())))
        self.elector.stop(timeout=max(0.0, deadline - time.monotonic()))

    # Leadership -------------------------------------------------------------------------------

    def _elected(self) -> None:
        # The first resync runs at once and plans every active schedule from the table.
        self.scheduler.add_job(
            self.resync,
            IntervalTrigger(seconds=self.resync_seconds, timezone=UTC),
            id=RESYNC_JOB,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

        self._plan_housekeeping_jobs()

    def _plan_housekeeping_jobs(self) -> None:
        """The leader's housekeeping: send the outbox periodically, queue the digest and sweep unused images daily."""
        settings = get_settings()
        now = datetime.now(UTC)
        self.scheduler.add_job(
            send_email_job,
            IntervalTrigger(seconds=settings.email_send_interval_seconds, timezone=UTC),
            id=EMAIL_JOB,
            replace_existing=True,
            next_run_time=now,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        digest = CronTrigger(hour=settings.email_digest_hour, minute=0, timezone=UTC)
        # Past today's digest hour (a restart, a new leader): queue now; it is idempotent per day.
        catch_up = now.hour >= settings.email_digest_hour
        self.scheduler.add_job(
            digest_job,
            digest,
            id=DIGEST_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **({"next_run_time": now} if catch_up else {}),
        )
        self.scheduler.add_job(
            image_sweep_job,
            IntervalTrigger(days=1, timezone=UTC),
            id=IMAGE_SWEEP_JOB,
            replace_existing=True,
            next_run_time=now + timedelta(minutes=5),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

        # Poll triggers (feeds, pages, mailboxes): each look is claimed in the table, so a tick that
        # overlaps another scheduler's starts nothing twice.
        self.scheduler.add_job(
            self._poll_triggers,
            IntervalTrigger(seconds=settings.trigger_poll_tick_seconds, timezone=UTC),
            id=TRIGGER_POLL_JOB,
            replace_existing=True,
            next_run_time=now,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

    def _poll_triggers(self) -> None:
        if self.is_leader:
            poll_triggers_job()

    def _demoted(self) -> None:
        with self._plan_lock:
            for job in self.scheduler.get_jobs():
                if job.id in (
                    RESYNC_JOB,
                    EMAIL_JOB,
                    DIGEST_JOB,
                    IMAGE_SWEEP_JOB,
                    TRIGGER_POLL_JOB,
                ) or job.id.startswith(JOB_PREFIX):
                    with contextlib.suppress(JobLookupError):
                        job.remove()

    # Planning ---------------------------------------------------------------------------------

    def plan(self, schedule_id: str, due: datetime | None) -> None:
        """Have exactly one job for the schedule at ``due`` (none when ``due`` is None or we do not lead)."""
        job_id = JOB_PREFIX + schedule_id
        with self._plan_lock:
            job = self.scheduler.get_job(job_id)
            if due is None or not self.is_leader:
                if job is not None:
                    with contextlib.suppress(JobLookupError):
                        job.remove()
                return
            if job is not None and job.next_run_time == due:
                return
            self.scheduler.add_job(
                self._fire_job,
                DateTrigger(run_date=due, timezone=UTC),
                args=[schedule_id],
                id=job_id,
                name=f"schedule {schedule_id}",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                # Lateness is judged by fire() against the due time in the table, which survives
                # restarts; APScheduler must not drop a late job silently.
                misfire_grace_time=None,
            )

    def resync(self) -> int:
        """Re-plan every active schedule from the table and drop jobs of the others; return the count."""
        if not self.is_leader:
            return 0
        wanted = dict(_run_async(_load, None))
        for schedule_id, due in wanted.items():
            self.plan(schedule_id, due)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id[len(JOB_PREFIX) :] not in wanted:
                self.plan(job.id[len(JOB_PREFIX) :], None)
        logger.debug("resync planned %d schedule(s)", len(wanted))
        return len(wanted)

    def _fire_job(self, schedule_id: str) -> None:
        if not self.is_leader:
            return
        try:
            result = _run_async(_fire_now, schedule_id)
        except Exception:
            logger.exception("firing schedule %s failed; trying again shortly", schedule_id)
            self.plan(schedule_id, datetime.now(UTC) + timedelta(seconds=self.retry_seconds))
            return
        self.plan(schedule_id, result.next_run_at)

    # Bus --------------------------------------------------------------------------------------

    def _listen(self) -> None:
        use_pool_role("scheduler")
        loop = asyncio.new_event_loop()
        self._listen_loop = loop
        try:
            loop.run_until_complete(self._listen_forever())
        except asyncio.CancelledError:
            pass
        finally:
            from autogpt_app.db import dispose_engine

            with contextlib.suppress(Exception):
                loop.run_until_complete(dispose_engine())
            loop.close()

    async def _listen_forever(self) -> None:
        from autogpt_app.bus import get_bus
        from autogpt_app.scheduling import SCHEDULE_CHANGED, SCHEDULER_CHANNEL

        self._listen_task = asyncio.current_task()
        while not self._stopping.is_set():
            try:
                async with get_bus().subscribe(SCHEDULER_CHANNEL) as events:
                    async for event in events:
                        ids = event.data.get("schedule_ids") or []
                        if event.type == SCHEDULE_CHANGED and ids and self.is_leader:
                            for schedule_id, due in await _load([str(i) for i in ids][:1000]):
                                self.plan(schedule_id, due)
            except asyncio.CancelledError:
                return
            except Exception as exc:  # Redis down, database blip: the resync covers the gap
                logger.warning("scheduler bus listener: %s; listening again shortly", type(exc).__name__)
            if not self._stopping.is_set():
                await asyncio.sleep(1)


def build_scheduler(*, background: bool = False) -> BaseScheduler:
    """Return the scheduler, configured but not started.

    Returns:
        A ``BlockingScheduler`` (``BackgroundScheduler`` with ``background``) in UTC with a pool of
        ``SCHEDULER_THREADS`` threads and conservative job defaults (no pile-up of missed runs).
    """
    cls = BackgroundScheduler if background else BlockingScheduler
    return cls(
        timezone="UTC",
        executors={"default": ThreadPoolExecutor(get_settings().scheduler_threads)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


class InProcessScheduler:
    """The scheduler inside another process (embedded mode): a background thread plus the keeper."""

    def __init__(self) -> None:
        self.scheduler = build_scheduler(background=True)
        self.keeper = ScheduleKeeper(self.scheduler)

    def start(self) -> InProcessScheduler:
        """Start scheduling (it leads only if no other scheduler does); returns self."""
        self.scheduler.start()
        self.keeper.start()
        logger.info("in-process scheduler started")
        return self

    def stop(self) -> None:
        """Release the lead and stop."""
        self.keeper.stop()
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)


class _Runner:
    """Runs a scheduler in the foreground and stops it on a signal or after a delay."""

    def __init__(self, scheduler: BlockingScheduler, exit_after: float | None) -> None:
        self.scheduler = scheduler
        self.exit_after = exit_after
        self._stop_requested = threading.Event()
        #: Set by the signal handler; a thread of its own then stops the scheduler (see ``_on_signal``).
        self._signalled = threading.Event()
        self._signal_name = ""

    def stop(self, reason: str) -> None:
        """Ask the scheduler to shut down; safe from timers, other threads and before start (signal
        handlers hand it to a thread, see ``_on_signal``).

        Args:
            reason: Logged with the shutdown.
        """
        if self._stop_requested.is_set():
            return
        self._stop_requested.set()
        logger.info("scheduler stopping (%s)", reason)
        self._shutdown_if_running()

    def _shutdown_if_running(self) -> None:
        # No lock of ours: stop() may run on a timer and on the signal thread at once. A second,
        # concurrent shutdown is harmless and a shutdown before start is caught here and repeated by
        # the start listener.
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        # Only note it here. The handler runs on the main thread wherever it was interrupted — possibly
        # inside APScheduler's job submission, holding the thread pool's lock — and a shutdown from
        # here would wait for that lock forever. The main thread returns, releases it, and the
        # stopping thread shuts the scheduler down.
        self._signal_name = signal.Signals(signum).name
        self._signalled.set()

    def handle_signals(self) -> None:
        """Stop the scheduler on SIGTERM or SIGINT (from the main thread, before ``run`` blocks)."""
        threading.Thread(target=self._stop_when_signalled, name="scheduler-signals", daemon=True).start()
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _stop_when_signalled(self) -> None:
        self._signalled.wait()
        self.stop(self._signal_name)

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
        self.handle_signals()
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
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler()
    keeper = ScheduleKeeper(scheduler)
    runner = _Runner(scheduler, exit_after)
    keeper.start()
    try:
        return runner.run()
    finally:
        keeper.stop(timeout=STOP_SECONDS / 2)
        logger.info("scheduler released its lease and exits")


#: A stopping scheduler process exits within about this many seconds of the signal.
STOP_SECONDS = 6.0


def _exit_leaving_unfinished_jobs(code: int, grace: float = STOP_SECONDS / 2) -> None:
    """Exit the scheduler process with ``code``, giving jobs still running (a firing, a mail batch)
    ``grace`` seconds, then leaving them behind.

    Their threads are not daemons, so the interpreter would otherwise wait for them without end (a
    statement waiting on a lock, a slow SMTP server). Leaving is safe: each job's database work is
    one transaction the server rolls back, and a firing not committed is fired again by the next
    leader. Only for ``python -m workers.scheduler``: it ends the whole process.
    """
    deadline = time.monotonic() + grace
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    for thread in others:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    left = [t.name for t in others if t.is_alive()]
    if left:
        logger.warning("leaving %d unfinished job thread(s) behind: %s", len(left), ", ".join(left))
        logging.shutdown()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    _exit_leaving_unfinished_jobs(main())
