"""The Redis pub/sub bus: events shared by web processes and workers on several hosts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import redis
import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry as SyncRetry

from autogpt_app.bus.base import (
    _REDIS_TIMEOUT_SECONDS,
    DEFAULT_QUEUE_SIZE,
    REDIS_CHANNEL_PREFIX,
    REDIS_CLIENT_NAME,
    BusError,
    Event,
    EventBus,
    Subscription,
    events_for,
)

logger = logging.getLogger(__name__)


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
        await self.publish_many([channel], type, data)

    async def publish_many(self, channels: Sequence[str], type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_many`: one ``PUBLISH`` per channel, all in one round trip (a
        pipeline when there are several), retried once on a connection error."""
        self._check_open()
        encoded = [self._encode(event) for event in events_for(channels, type, data)]
        if not encoded:
            return
        client = self._async_client()

        async def send() -> None:
            if len(encoded) == 1:
                await client.publish(*encoded[0])
                return
            async with client.pipeline(transaction=False) as pipe:
                for key, payload in encoded:
                    pipe.publish(key, payload)
                await pipe.execute()

        try:
            try:
                await send()
            except redis.ConnectionError:
                logger.warning("event bus lost its Redis connection while publishing; retrying once")
                await send()
        except redis.RedisError as exc:
            raise BusError("could not publish to the event bus in Redis") from exc

    def publish_sync(self, channel: str, type: str, data: dict[str, Any]) -> None:
        """See :meth:`EventBus.publish_sync`: a blocking ``PUBLISH``, retried once."""
        self._check_open()
        [event] = events_for([channel], type, data)
        key, payload = self._encode(event)
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

    def _encode(self, event: Event) -> tuple[str, str]:
        logger.debug("publishing event %s on %s", event.type, event.channel)
        return self._key(event.channel), event.model_dump_json()

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
