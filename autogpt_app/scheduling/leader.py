"""One active scheduler: a lease row in ``scheduler_leases``, renewed on a heartbeat.

The holder of a fresh lease leads and fires schedules; every other scheduler process stands by and
tries to take the lease at each heartbeat, which succeeds once the leader stopped renewing and the
lease expired. With the defaults (lease 15 s, heartbeat 5 s) a standby leads within 20 s of the
leader's death, and at once after a clean shutdown (the leader releases its lease).

Both steps are single conditional statements, so they work alike on SQLite and PostgreSQL. The
lease compares host clocks (keep them in sync, e.g. NTP); a brief overlap of two leaders after a
clock jump or a long pause cannot fire anything twice, because each firing claims its occurrence
atomically (see :mod:`~autogpt_app.scheduling.firing`). A leader that cannot renew steps down by
itself one heartbeat before its lease would expire.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.db import use_pool_role
from autogpt_app.scheduling.models import SchedulerLease
from autogpt_app.timeutil import utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
_L = SchedulerLease.__table__.c


def holder_id() -> str:
    """A name for this process that is unique across hosts and restarts."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(3)}"


async def acquire(
    session: AsyncSession, holder: str, seconds: float, *, name: str = LEASE_NAME, now: datetime | None = None
) -> bool:
    """Take or renew the lease ``name`` for ``seconds``; return whether ``holder`` holds it now."""
    now = now or utcnow()
    expires = now + timedelta(seconds=seconds)
    result = await session.execute(
        update(SchedulerLease.__table__)
        .where(_L.name == name, (_L.holder == holder) | (_L.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    if result.rowcount == 1:
        return True
    exists = (await session.execute(select(_L.name).where(_L.name == name))).first()
    if exists is not None:
        return False
    try:
        async with session.begin_nested():
            await session.execute(insert(SchedulerLease.__table__).values(name=name, holder=holder, expires_at=expires))
    except IntegrityError:  # another process created it first
        return False
    return True


async def release(session: AsyncSession, holder: str, *, name: str = LEASE_NAME) -> bool:
    """Give the lease up at once if ``holder`` holds it (a standby takes over at its next heartbeat)."""
    result = await session.execute(
        update(SchedulerLease.__table__)
        .where(_L.name == name, _L.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    return result.rowcount == 1


async def current(session: AsyncSession, *, name: str = LEASE_NAME) -> tuple[str, datetime] | None:
    """The holder and expiry of the lease ``name``, if it was ever taken."""
    row = (await session.execute(select(_L.holder, _L.expires_at).where(_L.name == name))).first()
    return (row[0], row[1]) if row else None


class LeaderElector:
    """A daemon thread that keeps (or waits for) the lease and reports changes of leadership.

    ``on_elected``/``on_demoted`` run on the elector's thread; they must not block for long.
    """

    def __init__(
        self,
        *,
        lease_seconds: float,
        heartbeat_seconds: float,
        on_elected: Callable[[], None],
        on_demoted: Callable[[], None],
        holder: str | None = None,
        name: str = LEASE_NAME,
    ) -> None:
        self.holder = holder or holder_id()
        self.name = name
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = min(heartbeat_seconds, lease_seconds / 2)
        self._on_elected = on_elected
        self._on_demoted = on_demoted
        self._leading = False
        self._said_standby = False
        self._valid_until = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler-leader", daemon=True)
        self._loop_obj: asyncio.AbstractEventLoop | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process leads now (its last renewal is fresh enough)."""
        return self._leading and time.monotonic() < self._valid_until

    def start(self) -> LeaderElector:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop the thread, step down and release the lease so a standby takes over at once.

        Waits at most ``timeout`` seconds (default: two heartbeats, at least 10 s); a thread still
        held by the database after that is left behind (it is a daemon) and the lease expires by itself.
        """
        self._stop.set()
        self._thread.join(timeout=max(10.0, self.heartbeat_seconds * 2) if timeout is None else max(0.0, timeout))

    def _run(self, coro_fn: Callable[[AsyncSession], object]) -> object:
        from autogpt_app.db import session_scope

        async def go():
            async with session_scope() as session:
                return await coro_fn(session)

        assert self._loop_obj is not None
        return self._loop_obj.run_until_complete(go())

    def _beat(self) -> None:
        started = time.monotonic()
        try:
            held = bool(self._run(lambda s: acquire(s, self.holder, self.lease_seconds, name=self.name)))
        except Exception as exc:
            log.warning("scheduler lease: could not reach the database (%s)", type(exc).__name__)
            held = self._leading and time.monotonic() < self._valid_until
        else:
            if held:
                # Step down a heartbeat before the lease would lapse if renewals start failing.
                self._valid_until = started + self.lease_seconds - self.heartbeat_seconds
        if held and not self._leading:
            self._leading = True
            self._said_standby = False
            log.info("scheduler %s is now the leader", self.holder)
            self._callback(self._on_elected)
        elif not held and self._leading:
            self._leading = False
            log.warning("scheduler %s lost the lead; standing by", self.holder)
            self._callback(self._on_demoted)
        elif not held and not self._leading and not self._said_standby:
            self._said_standby = True
            log.info("scheduler %s is standing by (another scheduler leads)", self.holder)

    def _callback(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            log.exception("scheduler leadership callback failed")

    def _loop(self) -> None:
        use_pool_role("scheduler")
        self._loop_obj = asyncio.new_event_loop()
        try:
            while not self._stop.is_set():
                self._beat()
                self._stop.wait(self.heartbeat_seconds)
            if self._leading:
                self._leading = False
                self._callback(self._on_demoted)
                try:
                    self._run(lambda s: release(s, self.holder, name=self.name))
                    log.info("scheduler %s released the lead", self.holder)
                except Exception:
                    log.warning("scheduler %s could not release its lease; it expires by itself", self.holder)
        finally:
            from autogpt_app.db import dispose_engine

            try:
                self._loop_obj.run_until_complete(dispose_engine())
            finally:
                self._loop_obj.close()
