"""The event model, the subscription and bus interfaces, and channel names."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticSerializationError, to_json

from autogpt_app.timeutil import utcnow

logger = logging.getLogger(__name__)

#: Events buffered per subscriber before the oldest are dropped.
DEFAULT_QUEUE_SIZE = 1000
#: Prefix of every Redis channel the bus uses, so it shares a server with other tenants.
REDIS_CHANNEL_PREFIX = "agpt:"
#: Name the bus gives its Redis connections (visible in ``CLIENT LIST``).
REDIS_CLIENT_NAME = "agpt-bus"

_REDIS_TIMEOUT_SECONDS = 5.0
_DROP_LOG_EVERY = 1000


class BusError(RuntimeError):
    """Raised when the bus cannot publish or subscribe (closed bus, unreachable Redis)."""


def user_channel(user_id: object) -> str:
    """Return the channel of everything a user's open pages should hear about.

    Args:
        user_id: The user's id (anything whose ``str`` is the id, e.g. a UUID).

    Returns:
        ``"user:{user_id}"``.
    """
    return f"user:{user_id}"


def execution_channel(execution_id: object) -> str:
    """Return the channel of one graph execution's status changes.

    Args:
        execution_id: The execution's id.

    Returns:
        ``"execution:{execution_id}"``.
    """
    return f"execution:{execution_id}"


class Event(BaseModel):
    """One published event.

    ``data`` holds JSON values only; on creation it is normalised through JSON (UUIDs and
    datetimes become strings), so every backend delivers exactly the same payload. Subscribers
    of one process may share an event object: treat it as read-only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: str = Field(min_length=1)
    type: str = Field(min_length=1)
    data: dict[str, Any] = Field(default_factory=dict)
    ts: datetime = Field(default_factory=utcnow)

    @field_validator("data")
    @classmethod
    def _json_only(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            return json.loads(to_json(value))
        except PydanticSerializationError as exc:
            raise ValueError("event data must be JSON-serialisable (pass ids, not objects)") from exc

    @field_validator("ts")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware")
        return value.astimezone(UTC)


def events_for(channels: Sequence[str], type: str, data: dict[str, Any]) -> list[Event]:
    """One :class:`Event` per channel with the same type, data and time; ``data`` is checked and
    normalised once, however many channels there are."""
    if not channels:
        return []
    first = Event(channel=channels[0], type=type, data=data)
    return [first, *(first.model_copy(update={"channel": _channel_name(c)}) for c in channels[1:])]


def _channel_name(channel: str) -> str:
    if not isinstance(channel, str) or not channel:
        raise ValueError("channel names must be non-empty strings")
    return channel


class Subscription(AsyncIterator[Event], ABC):
    """A live subscription: an async context manager and an async iterator of :class:`Event`.

    Entering subscribes (events published afterwards are delivered); leaving, by any route
    including cancellation, unsubscribes and frees everything. Iteration ends when the bus is
    closed. Only the event loop that entered the subscription may iterate it.

    Attributes:
        channels: The subscribed channels, without duplicates.
        dropped: Events dropped because this subscriber fell more than its buffer behind.
    """

    def __init__(self, channels: Iterable[str], queue_size: int) -> None:
        self.channels: tuple[str, ...] = tuple(dict.fromkeys(channels))
        if not self.channels:
            raise ValueError("subscribe to at least one channel")
        if any(not channel for channel in self.channels):
            raise ValueError("channel names must not be empty")
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.dropped = 0
        self._queue_size = queue_size
        self._buffer: deque[Event] = deque()
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._entered = False
        self._ended = False
        self._error: BaseException | None = None

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError("a subscription can be entered only once")
        self._entered = True
        self._loop = asyncio.get_running_loop()
        try:
            await self._open()
        except BaseException:
            self._ended = True
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._ended = True
        self._buffer.clear()
        await self._close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        if not self._entered:
            raise RuntimeError("use the subscription as 'async with bus.subscribe(...) as events'")
        while not self._buffer:
            if self._error is not None:
                raise BusError("the event bus subscription failed") from self._error
            if self._ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._buffer.popleft()

    @abstractmethod
    async def _open(self) -> None:
        """Start receiving events (called once, on entry)."""

    @abstractmethod
    async def _close(self) -> None:
        """Stop receiving events and free resources (called once, on exit)."""

    def _put(self, event: Event) -> None:
        """Buffer one event; runs on the subscriber's loop only. Drops the oldest when full."""
        if self._ended:
            return
        if len(self._buffer) >= self._queue_size:
            self._buffer.popleft()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % _DROP_LOG_EVERY == 0:
                logger.warning(
                    "event bus subscriber on %s is too slow; %d events dropped so far",
                    ", ".join(self.channels),
                    self.dropped,
                )
        self._buffer.append(event)
        self._wakeup.set()

    def _end(self) -> None:
        """End iteration after the buffered events; runs on the subscriber's loop only."""
        self._ended = True
        self._wakeup.set()

    def _call_in_loop(self, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback(*args)`` on the subscriber's loop, from any thread."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            callback(*args)
            return
        # The loop may be closed already (its owner went away); nobody is listening then.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(callback, *args)


class EventBus(ABC):
    """Publish/subscribe of :class:`Event` on named channels."""

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._closed = False
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()

    @abstractmethod
    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """Publish one event to everyone subscribed to ``channel`` now.

        Args:
            channel: The channel, e.g. :func:`execution_channel`.
            type: What happened, e.g. ``"execution.status"``.
            data: JSON values only (ids, statuses), never objects or secrets.

        Raises:
            BusError: The bus is closed or its backend is unreachable.
            pydantic.ValidationError: ``data`` is not JSON-serialisable.
        """

    async def publish_many(self, channels: Sequence[str], type: str, data: dict[str, Any]) -> None:
        """Publish one event to each of ``channels``, in order (Redis: one round trip for them all).

        Same arguments and errors as :meth:`publish`.
        """
        for channel in channels:
            await self.publish(channel, type, data)

    def may_deliver(self, channel: str) -> bool:
        """Whether an event published on ``channel`` now could reach anyone.

        True unless the bus knows that nobody listens (the in-process bus, with no subscriber on
        ``channel`` in this process). A publisher may skip building an event nobody would hear.
        """
        return True

    @abstractmethod
    def publish_sync(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """Publish from code without a running event loop (e.g. a Dramatiq worker thread).

        Same arguments and errors as :meth:`publish`. It may block on the network, so async code
        should call :meth:`publish` instead.
        """

    @abstractmethod
    def subscribe(self, *channels: str) -> Subscription:
        """Return a subscription to ``channels``; enter it to start receiving.

        Args:
            *channels: One or more channel names.

        Returns:
            A :class:`Subscription`, used as ``async with bus.subscribe(ch) as events``.
        """

    async def close(self) -> None:
        """Close the bus: end every subscription's iteration and refuse further use."""
        self._closed = True
        for subscription in self._take_subscriptions():
            subscription._call_in_loop(subscription._end)

    @property
    def subscriber_count(self) -> int:
        """The number of subscriptions of this bus that are open now."""
        with self._lock:
            return len(self._subscriptions)

    def _check_open(self) -> None:
        if self._closed:
            raise BusError("the event bus is closed")

    def _take_subscriptions(self) -> list[Subscription]:
        with self._lock:
            subscriptions = list(self._subscriptions)
            self._subscriptions.clear()
        return subscriptions
