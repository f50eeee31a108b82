"""Live pages: follow a channel of the event bus and re-read from the database after each burst.

Events are best effort (see :mod:`autogpt_app.bus`), so an event only says "something changed":
the page re-reads the database, the source of truth. One loop serves every live page:

* :func:`follow_channel` subscribes, calls ``refresh()`` once subscribed, then after each burst of
  events (coalesced) and every ``fallback_interval`` without one. A subscription that fails or
  ends is re-opened after a pause, and ``refresh()`` runs again then (events of the gap are lost).
  It returns when ``refresh()`` says so or after ``max_seconds``.
* :func:`follow_into_state` runs that loop for a Reflex background task: it reads outside the
  state lock, shows the result inside it, and stops as soon as a newer page load took over (the
  load stored a new follow id, see :func:`new_follow_id`). Leaving the page cancels the task:
  Reflex cancels the events chained from a page's ``on_load`` when the tab navigates or
  disconnects, and cancelling frees the subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from autogpt_app.bus import EventBus, get_bus

log = logging.getLogger(__name__)

#: Pauses before re-subscribing after the bus failed or the subscription ended (the last repeats).
RESUBSCRIBE_BACKOFF: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 30.0)

Wanted = TypeVar("Wanted")
Found = TypeVar("Found")


def new_follow_id() -> str:
    """A fresh id for one page load's follow task (a task whose id is no longer stored stops)."""
    return uuid.uuid4().hex


async def _pump(events: AsyncIterator[Any], wake: asyncio.Event) -> None:
    """Set ``wake`` on every event, and once more when the subscription ends."""
    try:
        async for _event in events:
            wake.set()
    finally:
        wake.set()


async def follow_channel(
    channel: str,
    refresh: Callable[[], Awaitable[bool]],
    *,
    max_seconds: float,
    fallback_interval: float,
    coalesce: float = 0.0,
    min_interval: float = 0.0,
    backoff: Sequence[float] = RESUBSCRIBE_BACKOFF,
    bus: Callable[[], EventBus] = get_bus,
) -> None:
    """Call ``refresh()`` once subscribed to ``channel``, then after each burst of events on it.

    After the first event of a burst, the read waits ``coalesce`` seconds (so the rest of the
    burst arrives first) and in any case until ``min_interval`` seconds have passed since the
    previous read ended: a stream of events costs at most one read per ``min_interval``.

    Args:
        channel: The bus channel to follow.
        refresh: Re-reads and shows; returns ``False`` to stop following.
        max_seconds: The longest this follows, subscriptions and pauses included.
        fallback_interval: Without events, ``refresh()`` runs this often.
        coalesce: Seconds to wait after an event before reading.
        min_interval: The shortest gap between the end of one read and the start of the next
            one an event asks for.
        backoff: Pauses before re-subscribing after a failure (the last one repeats).
        bus: Returns the bus to subscribe on (asked again at each subscription).
    """
    deadline = time.monotonic() + max_seconds
    failures = 0
    while time.monotonic() < deadline:
        try:
            async with bus().subscribe(channel) as events:
                wake = asyncio.Event()
                pumping = asyncio.create_task(_pump(events, wake))
                try:
                    if not await refresh():
                        return
                    failures = 0
                    if not await _read_on_events(
                        refresh, wake, pumping, deadline, fallback_interval, coalesce, min_interval
                    ):
                        return
                finally:
                    pumping.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await pumping
                if time.monotonic() >= deadline:
                    return
                log.info("subscription to %s ended; subscribing again", channel)
        except Exception:
            log.warning("subscription to %s failed; subscribing again", channel, exc_info=True)
        failures += 1
        pause = backoff[min(failures, len(backoff)) - 1] if backoff else 1.0
        await asyncio.sleep(max(0.0, min(pause, deadline - time.monotonic())))


async def _read_on_events(
    refresh: Callable[[], Awaitable[bool]],
    wake: asyncio.Event,
    pumping: asyncio.Task[None],
    deadline: float,
    fallback_interval: float,
    coalesce: float,
    min_interval: float,
) -> bool:
    """Call ``refresh()`` on events (coalesced) or after ``fallback_interval``.

    Returns:
        ``True`` when the subscription ended (subscribe again), ``False`` to stop following.
    """
    last_read = time.monotonic()
    while (left := deadline - time.monotonic()) > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=min(fallback_interval, left))
        if pumping.done():
            return True
        if not wake.is_set() and time.monotonic() >= deadline:
            return False
        if wake.is_set():
            # Let the rest of a burst arrive, and keep reads at least min_interval apart.
            await asyncio.sleep(max(coalesce, last_read + min_interval - time.monotonic()))
        wake.clear()
        if not await refresh():
            return False
        last_read = time.monotonic()
    return False


async def follow_into_state(
    state: AbstractAsyncContextManager[Any],
    *,
    id_field: str,
    follow_id: str,
    channel: str,
    wanted: Callable[[], Wanted],
    read: Callable[[Wanted], Awaitable[Found | None]],
    show: Callable[[Found], Awaitable[bool]],
    live_field: str = "live",
    **options: Any,
) -> None:
    """Follow ``channel`` for a background task of a Reflex state, re-reading into ``state``.

    Each refresh runs ``wanted()`` inside the state lock (what to read: a page number, an open
    menu…), ``read(wanted)`` outside it (the database, never under the lock), then ``show(found)``
    inside it. The bool ``state.<live_field>`` says whether the page is live: it is set once a read
    was shown and cleared when following ends. Following stops when ``state.<id_field>`` is no
    longer ``follow_id`` (a newer page load took over: the live flag is then the newer task's),
    when ``read`` returns ``None`` (the session or the thing shown is gone), when ``show`` returns
    ``False`` (nothing more will change), or as :func:`follow_channel` says, whose keyword
    ``options`` are passed on. A cancelled task (the page was left) ends at once.
    """

    def current() -> bool:
        return getattr(state, id_field) == follow_id

    async def refresh() -> bool:
        async with state:
            if not current():
                return False
            what = wanted()
        found = await read(what)
        async with state:
            if not current() or found is None:
                return False
            going = await show(found)
            if not getattr(state, live_field):
                setattr(state, live_field, True)
            return going

    try:
        await follow_channel(channel, refresh, **options)
    except Exception:
        log.exception("following %s stopped", channel)
    async with state:
        if current():
            setattr(state, live_field, False)
