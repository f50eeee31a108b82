"""The in-process bus: fan-out inside one process, safe to publish from any thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from autogpt_app.bus.base import DEFAULT_QUEUE_SIZE, Event, EventBus, Subscription, events_for

logger = logging.getLogger(__name__)


class _InProcessSubscription(Subscription):
    def __init__(self, bus: InProcessBus, channels: Iterable[str], queue_size: int) -> None:
        super().__init__(channels, queue_size)
        self._bus = bus

    async def _open(self) -> None:
        self._bus._register(self)

    async def _close(self) -> None:
        self._bus._unregister(self)


class InProcessBus(EventBus):
    """Fan-out inside one process (embedded mode); publishing never blocks and is thread-safe."""

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        super().__init__(queue_size)
        self._by_channel: dict[str, set[_InProcessSubscription]] = {}

    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish`; delivery is immediate and never waits.

        With nobody in this process subscribed to ``channel`` nothing is built (nor checked).
        """
        self._publish([channel], type, data)

    async def publish_many(self, channels: Sequence[str], type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_many`: ``data`` is normalised once for every listened channel."""
        self._publish(channels, type, data)

    def publish_sync(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_sync`; never blocks, from any thread."""
        self._publish([channel], type, data)

    def may_deliver(self, channel: str) -> bool:
        """See :meth:`EventBus.may_deliver`: whether someone in this process subscribes to ``channel``."""
        return channel in self._by_channel

    def _publish(self, channels: Sequence[str], type: str, data: dict[str, Any]) -> None:
        self._check_open()
        with self._lock:
            listened = [(c, tuple(self._by_channel[c])) for c in channels if c in self._by_channel]
        if not listened:
            logger.debug("event %s on %s: no local subscribers", type, ", ".join(channels))
            return
        for event, (_channel, targets) in zip(events_for([c for c, _ in listened], type, data), listened, strict=True):
            self._dispatch(event, targets)

    def subscribe(self, *channels: str) -> Subscription:
        """See :meth:`EventBus.subscribe`."""
        return _InProcessSubscription(self, channels, self._queue_size)

    async def close(self) -> None:
        """See :meth:`EventBus.close`."""
        await super().close()
        with self._lock:
            self._by_channel.clear()

    def _dispatch(self, event: Event, targets: tuple[_InProcessSubscription, ...]) -> None:
        logger.debug("event %s on %s to %d local subscribers", event.type, event.channel, len(targets))
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for subscription in targets:
            loop = subscription._loop
            if loop is running:
                subscription._put(event)
            elif loop is not None:
                # A closed loop means its subscriber is gone; it unregisters on its own.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(subscription._put, event)

    def _register(self, subscription: _InProcessSubscription) -> None:
        with self._lock:
            self._check_open()
            self._subscriptions.add(subscription)
            for channel in subscription.channels:
                self._by_channel.setdefault(channel, set()).add(subscription)

    def _unregister(self, subscription: _InProcessSubscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)
            for channel in subscription.channels:
                members = self._by_channel.get(channel)
                if members is None:
                    continue
                members.discard(subscription)
                if not members:
                    del self._by_channel[channel]
