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

import asyncio
import contextlib
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import redis
import redis.asyncio as aioredis
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticSerializationError, to_json
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry as SyncRetry

from autogpt_app.settings import get_settings
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
        """See :meth:`EventBus.publish`; delivery is immediate and never waits."""
        self._dispatch(Event(channel=channel, type=type, data=data))

    def publish_sync(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_sync`; never blocks, from any thread."""
        self._dispatch(Event(channel=channel, type=type, data=data))

    def subscribe(self, *channels: str) -> Subscription:
        """See :meth:`EventBus.subscribe`."""
        return _InProcessSubscription(self, channels, self._queue_size)

    async def close(self) -> None:
        """See :meth:`EventBus.close`."""
        await super().close()
        with self._lock:
            self._by_channel.clear()

    def _dispatch(self, event: Event) -> None:
        self._check_open()
        with self._lock:
            targets = tuple(self._by_channel.get(event.channel, ()))
        logger.debug("event %s on %s to %d local subscribers", event.type, event.channel, len(targets))
        if not targets:
            return
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


class _RedisSubscription(Subscription):
    def __init__(self, bus: RedisBus, channels: Iterable[str], queue_size: int) -> None:
        super().__init__(channels, queue_size)
        self._bus = bus
        self._redis_channels = [bus._key(channel) for channel in self.channels]
        self._reader: asyncio.Task[None] | None = None
        #: How many times the subscription reconnected after losing its connection.
        self.reconnects = 0

    async def _open(self) -> None:
        self._bus._check_open()
        try:
            pubsub = await self._connect()
        except (redis.RedisError, OSError) as exc:
            raise BusError("could not subscribe to the event bus in Redis") from exc
        self._bus._track(self)
        self._reader = asyncio.create_task(self._read_forever(pubsub), name=f"bus-subscriber:{self.channels[0]}")

    async def _close(self) -> None:
        self._bus._untrack(self)
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.wait({reader})

    def _end(self) -> None:
        super()._end()
        if self._reader is not None:
            self._reader.cancel()

    async def _connect(self) -> aioredis.client.PubSub:
        """Open a PubSub, subscribe, and wait until Redis confirms every channel."""
        pubsub = self._bus._async_client().pubsub()
        try:
            await pubsub.subscribe(*self._redis_channels)
            pending = {channel.encode() for channel in self._redis_channels}
            loop = asyncio.get_running_loop()
            deadline = loop.time() + _REDIS_TIMEOUT_SECONDS
            while pending:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise redis.TimeoutError("Redis did not confirm the subscription")
                message = await pubsub.get_message(timeout=remaining)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    pending.discard(message["channel"])
                elif message["type"] == "message":
                    self._receive(message["data"])
        except BaseException:
            await _discard(pubsub)
            raise
        return pubsub

    async def _read_forever(self, pubsub: aioredis.client.PubSub | None) -> None:
        """Pump messages into the buffer; reconnect with backoff whenever the connection fails."""
        bus = self._bus
        delay = bus.reconnect_initial_delay
        failures = 0
        try:
            while not self._ended:
                try:
                    if pubsub is None:
                        pubsub = await self._connect()
                        self.reconnects += 1
                        logger.info("event bus subscription to Redis restored after %d failed attempts", failures)
                        delay, failures = bus.reconnect_initial_delay, 0
                    await self._pump(pubsub)
                except (redis.RedisError, OSError) as exc:
                    failures += 1
                    log = logger.warning if failures == 1 else logger.debug
                    log("event bus subscription lost Redis (%s); reconnecting in %.2fs", type(exc).__name__, delay)
                    stale, pubsub = pubsub, None
                    if stale is not None:
                        await _discard(stale)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, bus.reconnect_max_delay)
        except Exception as exc:
            logger.exception("event bus subscription reader failed")
            self._error = exc
            Subscription._end(self)  # not our override: it would cancel this very task
        finally:
            if pubsub is not None:
                await _discard(pubsub)

    async def _pump(self, pubsub: aioredis.client.PubSub) -> None:
        """Read until the connection fails; ping when idle so a silently dead link is noticed."""
        loop = asyncio.get_running_loop()
        idle = self._bus.ping_interval
        last_seen = loop.time()
        ping_sent: float | None = None
        while not self._ended:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=idle)
            now = loop.time()
            if message is not None:
                last_seen, ping_sent = now, None
                if message["type"] == "message":
                    self._receive(message["data"])
            elif ping_sent is not None:
                if now - ping_sent >= idle:
                    raise redis.ConnectionError("Redis did not answer a ping")
            elif now - last_seen >= idle:
                await pubsub.ping()
                ping_sent = now

    def _receive(self, payload: bytes | str) -> None:
        try:
            event = Event.model_validate_json(payload)
        except ValidationError:
            # Never log the payload itself: it may carry user data.
            logger.warning("ignored a malformed event on %s", ", ".join(self.channels))
            return
        self._put(event)


async def _discard(pubsub: aioredis.client.PubSub) -> None:
    with contextlib.suppress(Exception):
        await pubsub.aclose()


class RedisBus(EventBus):
    """Redis pub/sub shared by every process that points at the same server.

    Args:
        url: A ``redis://``, ``rediss://`` or ``unix://`` URL (the database number does not matter:
            Redis channels are server-wide, hence the ``agpt:`` prefix).
        queue_size: Events buffered per subscriber before the oldest are dropped.
        client_name: Name of the bus's connections in ``CLIENT LIST``.
        ping_interval: Seconds of silence after which a subscription pings Redis; no answer within
            as long again counts as a dropped connection.
        reconnect_initial_delay: First wait before a subscription reconnects, doubled per failure.
        reconnect_max_delay: Longest wait between reconnection attempts.
    """

    def __init__(
        self,
        url: str,
        *,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        client_name: str = REDIS_CLIENT_NAME,
        ping_interval: float = 15.0,
        reconnect_initial_delay: float = 0.05,
        reconnect_max_delay: float = 5.0,
    ) -> None:
        super().__init__(queue_size)
        if not url:
            raise ValueError("RedisBus needs a Redis URL")
        self._url = url
        self._client_name = client_name
        self.ping_interval = ping_interval
        self.reconnect_initial_delay = reconnect_initial_delay
        self.reconnect_max_delay = reconnect_max_delay
        # asyncio clients belong to the loop that made them: one per loop (web server, tests,
        # a worker's asyncio.run), dropped once that loop is closed.
        self._async_clients: dict[asyncio.AbstractEventLoop, aioredis.Redis] = {}
        self._sync_client: redis.Redis | None = None

    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish`: one ``PUBLISH``, retried once on a connection error."""
        self._check_open()
        key, payload = self._encode(channel, type, data)
        client = self._async_client()
        try:
            try:
                await client.publish(key, payload)
            except redis.ConnectionError:
                logger.warning("event bus lost its Redis connection while publishing; retrying once")
                await client.publish(key, payload)
        except redis.RedisError as exc:
            raise BusError("could not publish to the event bus in Redis") from exc

    def publish_sync(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_sync`: a blocking ``PUBLISH``, retried once."""
        self._check_open()
        key, payload = self._encode(channel, type, data)
        client = self._get_sync_client()
        try:
            try:
                client.publish(key, payload)
            except redis.ConnectionError:
                logger.warning("event bus lost its Redis connection while publishing; retrying once")
                client.publish(key, payload)
        except redis.RedisError as exc:
            raise BusError("could not publish to the event bus in Redis") from exc

    def subscribe(self, *channels: str) -> Subscription:
        """See :meth:`EventBus.subscribe`; entering waits until Redis confirms the subscription.

        Raises:
            BusError: On entry, when Redis cannot be reached (later drops reconnect by themselves).
        """
        return _RedisSubscription(self, channels, self._queue_size)

    async def close(self) -> None:
        """See :meth:`EventBus.close`; also closes the bus's Redis connections."""
        await super().close()
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.pop(loop, None)
            self._async_clients.clear()
            sync_client, self._sync_client = self._sync_client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()
        if sync_client is not None:
            with contextlib.suppress(Exception):
                sync_client.close()

    def _key(self, channel: str) -> str:
        return f"{REDIS_CHANNEL_PREFIX}{channel}"

    def _encode(self, channel: str, type: str, data: dict[str, Any]) -> tuple[str, str]:
        event = Event(channel=channel, type=type, data=data)
        logger.debug("publishing event %s on %s", event.type, event.channel)
        return self._key(channel), event.model_dump_json()

    def _async_client(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.get(loop)
            if client is None:
                for stale in [other for other in self._async_clients if other.is_closed()]:
                    del self._async_clients[stale]
                client = aioredis.Redis.from_url(
                    self._url,
                    client_name=self._client_name,
                    socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                    socket_timeout=_REDIS_TIMEOUT_SECONDS,
                    socket_keepalive=True,
                    # The bus does its own retrying (publish once more, subscriptions with backoff).
                    retry=AsyncRetry(NoBackoff(), 0),
                )
                self._async_clients[loop] = client
            return client

    def _get_sync_client(self) -> redis.Redis:
        with self._lock:
            if self._sync_client is None:
                self._sync_client = redis.Redis.from_url(
                    self._url,
                    client_name=self._client_name,
                    socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
                    socket_timeout=_REDIS_TIMEOUT_SECONDS,
                    socket_keepalive=True,
                    retry=SyncRetry(NoBackoff(), 0),
                )
            return self._sync_client

    def _track(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.add(subscription)

    def _untrack(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)


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
