"""Publish/subscribe of live events: in-process in embedded mode, Redis pub/sub in production.

Services and workers publish small, JSON-only events (ids and statuses, never ORM objects) on a
named channel; open pages and SSE clients subscribe to the channels they show::

    await get_bus().publish(execution_channel(run.id), "node.status", {"node_id": n, "status": "done"})

    async with get_bus().subscribe(user_channel(user.id)) as events:
        async for event in events:
            ...

Delivery is best effort and live only: nothing is stored, a subscriber sees what is published while
it is subscribed, and the database stays the source of truth (a page re-reads it after a gap).

* :class:`InProcessBus` fans events out inside one process. Each subscriber has a bounded buffer;
  when a slow subscriber's buffer is full its *oldest* events are dropped and counted, so a
  publisher never waits. Publishing is safe from any thread: events reach each subscriber through
  its own event loop (``loop.call_soon_threadsafe``).
* :class:`RedisBus` uses Redis ``PUBLISH``/``SUBSCRIBE`` on channels prefixed with ``agpt:``, so
  web processes and workers on several hosts share events. A subscription reconnects and
  resubscribes by itself (with backoff) when its connection drops; events published during the
  gap are lost. Subscriptions use the same drop-oldest buffer as the in-process bus.

Both offer :meth:`EventBus.publish_sync` for code without a running event loop (Dramatiq worker
threads). :func:`get_bus` returns the process-wide bus chosen by ``REDIS_URL``.

Event payloads may hold user data: they are never logged above DEBUG, and only channel and type
are logged at all.
"""

from __future__ import annotations

import logging
import threading

from autogpt_app.bus.base import (
    DEFAULT_QUEUE_SIZE,
    REDIS_CHANNEL_PREFIX,
    REDIS_CLIENT_NAME,
    BusError,
    Event,
    EventBus,
    Subscription,
    execution_channel,
    user_channel,
)
from autogpt_app.bus.memory import InProcessBus
from autogpt_app.bus.redis_bus import RedisBus
from autogpt_app.settings import get_settings

__all__ = [
    "DEFAULT_QUEUE_SIZE",
    "REDIS_CHANNEL_PREFIX",
    "REDIS_CLIENT_NAME",
    "BusError",
    "Event",
    "EventBus",
    "InProcessBus",
    "RedisBus",
    "Subscription",
    "execution_channel",
    "get_bus",
    "reset_bus",
    "user_channel",
]

logger = logging.getLogger(__name__)

_bus: EventBus | None = None
_bus_lock = threading.Lock()


def get_bus() -> EventBus:
    """Return the process-wide bus: :class:`RedisBus` when ``REDIS_URL`` is set, else in-process.

    Returns:
        The bus, created on first use.
    """
    global _bus
    bus = _bus
    if bus is not None:
        return bus
    with _bus_lock:
        if _bus is None:
            url = get_settings().redis_url
            _bus = RedisBus(url) if url else InProcessBus()
        return _bus


async def reset_bus() -> None:
    """Close and forget the process-wide bus (tests, shutdown); the next :func:`get_bus` makes one."""
    global _bus
    with _bus_lock:
        bus, _bus = _bus, None
    if bus is not None:
        await bus.close()
