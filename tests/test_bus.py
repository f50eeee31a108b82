"""The event bus: in-process fan-out and Redis pub/sub, delivery, isolation, clean-up and resilience."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import redis
import redis.asyncio as aioredis
from pydantic import ValidationError

from autogpt_app import bus as bus_module
from autogpt_app.bus import (
    REDIS_CHANNEL_PREFIX,
    BusError,
    Event,
    EventBus,
    InProcessBus,
    RedisBus,
    Subscription,
    execution_channel,
    get_bus,
    reset_bus,
    user_channel,
)
from autogpt_app.settings import get_settings
from tests import services

WAIT = 2.0


def _channel(kind: str = "test") -> str:
    return f"{kind}:{uuid.uuid4().hex}"


async def _next(events: Subscription, wait: float = WAIT) -> Event:
    return await asyncio.wait_for(anext(events), wait)


async def _nothing_arrives(events: Subscription, within: float = 0.1) -> bool:
    try:
        await asyncio.wait_for(anext(events), within)
    except TimeoutError:
        return True
    return False


async def _eventually(check: Callable[[], object], wait: float = WAIT) -> None:
    deadline = time.monotonic() + wait
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# --- the event model and helpers -----------------------------------------------------------------


def test_channel_helpers():
    uid = uuid.uuid4()
    assert user_channel(uid) == f"user:{uid}"
    assert execution_channel("abc") == "execution:abc"


def test_event_is_json_only_with_an_aware_utc_timestamp():
    run_id = uuid.uuid4()
    event = Event(channel="c", type="t", data={"id": run_id, "n": [1, 2.5, None], "ok": True})
    assert event.data == {"id": str(run_id), "n": [1, 2.5, None], "ok": True}
    assert event.ts.tzinfo is not None and event.ts.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - event.ts) < timedelta(seconds=5)

    shifted = Event(channel="c", type="t", data={}, ts=datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert shifted.ts == datetime(2024, 1, 1, 10, tzinfo=UTC) and shifted.ts.tzinfo == UTC
    assert Event.model_validate_json(shifted.model_dump_json()) == shifted

    with pytest.raises(ValidationError, match="JSON"):
        Event(channel="c", type="t", data={"obj": object()})
    with pytest.raises(ValidationError, match="timezone"):
        Event(channel="c", type="t", data={}, ts=datetime(2024, 1, 1))
    with pytest.raises(ValidationError):
        Event(channel="", type="t", data={})


# --- in-process bus ------------------------------------------------------------------------------


@pytest.fixture
async def local_bus() -> AsyncIterator[InProcessBus]:
    bus = InProcessBus()
    yield bus
    await bus.close()


async def test_local_subscriber_receives_in_order(local_bus: InProcessBus):
    channel = _channel()
    async with local_bus.subscribe(channel) as events:
        for i in range(20):
            await local_bus.publish(channel, "tick", {"i": i})
        received = [await _next(events) for _ in range(20)]
    assert [e.data["i"] for e in received] == list(range(20))
    assert all(e.channel == channel and e.type == "tick" for e in received)


async def test_local_two_subscribers_both_receive(local_bus: InProcessBus):
    channel = _channel()
    async with local_bus.subscribe(channel) as first, local_bus.subscribe(channel) as second:
        assert local_bus.subscriber_count == 2
        await local_bus.publish(channel, "hello", {"x": 1})
        assert (await _next(first)).data == {"x": 1}
        assert (await _next(second)).data == {"x": 1}


async def test_local_channels_are_isolated(local_bus: InProcessBus):
    a, b = _channel("user"), _channel("execution")
    async with local_bus.subscribe(a) as only_a, local_bus.subscribe(a, b) as both:
        await local_bus.publish(b, "for-b", {})
        await local_bus.publish(a, "for-a", {})
        assert (await _next(only_a)).type == "for-a"
        assert await _nothing_arrives(only_a)
        assert [(await _next(both)).type, (await _next(both)).type] == ["for-b", "for-a"]


async def test_local_exit_unsubscribes_without_leaks(local_bus: InProcessBus):
    channel = _channel()
    async with local_bus.subscribe(channel) as events:
        await local_bus.publish(channel, "before", {})
        assert local_bus.subscriber_count == 1
    assert local_bus.subscriber_count == 0
    assert local_bus._by_channel == {}
    await local_bus.publish(channel, "after", {})  # nobody listens: no error, no delivery
    with pytest.raises(StopAsyncIteration):
        await _next(events)


async def test_local_cancelled_consumer_cleans_up(local_bus: InProcessBus):
    channel = _channel()
    entered = asyncio.Event()

    async def consume() -> None:
        async with local_bus.subscribe(channel) as events:
            entered.set()
            async for _ in events:
                pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(entered.wait(), WAIT)
    await asyncio.sleep(0.01)  # let it block in `async for`
    assert local_bus.subscriber_count == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert local_bus.subscriber_count == 0
    assert local_bus._by_channel == {}


async def test_local_slow_subscriber_drops_oldest_without_blocking(local_bus: InProcessBus):
    channel = _channel()
    async with local_bus.subscribe(channel) as slow:
        started = time.perf_counter()
        for i in range(5000):
            await local_bus.publish(channel, "tick", {"i": i})
        elapsed = time.perf_counter() - started
        assert elapsed < 1.5, f"publishing 5,000 events took {elapsed:.2f}s"
        assert slow.dropped == 5000 - bus_module.DEFAULT_QUEUE_SIZE
        kept = [(await _next(slow)).data["i"] for _ in range(bus_module.DEFAULT_QUEUE_SIZE)]
        assert kept == list(range(5000 - bus_module.DEFAULT_QUEUE_SIZE, 5000))
        assert await _nothing_arrives(slow, 0.05)


async def test_local_publish_sync_from_another_thread(local_bus: InProcessBus):
    channel = _channel()
    async with local_bus.subscribe(channel) as events:

        def worker() -> None:
            for i in range(50):
                local_bus.publish_sync(channel, "from-thread", {"i": i})

        thread = threading.Thread(target=worker)
        thread.start()
        received = [await _next(events) for _ in range(50)]
        thread.join(WAIT)
    assert [e.data["i"] for e in received] == list(range(50))
    assert all(e.type == "from-thread" for e in received)


async def test_local_subscriber_on_another_loop_receives(local_bus: InProcessBus):
    """A subscriber on a different event loop (another thread) gets events via its own loop."""
    channel = _channel()
    ready = threading.Event()
    got: list[Event] = []

    async def consume() -> None:
        async with local_bus.subscribe(channel) as events:
            ready.set()
            got.append(await _next(events))

    thread = threading.Thread(target=lambda: asyncio.run(consume()))
    thread.start()
    assert await asyncio.to_thread(ready.wait, WAIT)
    await local_bus.publish(channel, "cross-loop", {"ok": True})
    await asyncio.to_thread(thread.join, WAIT)
    assert [e.type for e in got] == ["cross-loop"]
    assert local_bus.subscriber_count == 0


async def test_local_close_ends_iteration_and_refuses_use():
    bus = InProcessBus()
    channel = _channel()
    async with bus.subscribe(channel) as events:
        await bus.publish(channel, "last", {})
        await bus.close()
        assert (await _next(events)).type == "last"  # buffered events still come out
        with pytest.raises(StopAsyncIteration):
            await _next(events)
    with pytest.raises(BusError):
        await bus.publish(channel, "late", {})
    with pytest.raises(BusError):
        async with bus.subscribe(channel):
            pass


async def test_subscription_must_be_entered_once_with_channels(local_bus: InProcessBus):
    with pytest.raises(ValueError, match="at least one channel"):
        local_bus.subscribe()
    subscription = local_bus.subscribe(_channel())
    with pytest.raises(RuntimeError, match="async with"):
        await anext(subscription)
    async with subscription:
        with pytest.raises(RuntimeError, match="only once"):
            await subscription.__aenter__()


# --- process-wide bus ----------------------------------------------------------------------------


@pytest.fixture
def redis_url_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set ``REDIS_URL`` for :func:`get_settings`; the settings cache is reset around the test."""

    def set_url(url: str) -> None:
        monkeypatch.setenv("REDIS_URL", url)
        get_settings.cache_clear()

    yield set_url
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()


async def test_get_bus_is_a_singleton_chosen_by_settings(redis_url_env):
    await reset_bus()
    try:
        bus = get_bus()
        assert isinstance(bus, InProcessBus) and get_bus() is bus
        await reset_bus()
        with pytest.raises(BusError):
            await bus.publish("x", "y", {})
        assert get_bus() is not bus

        redis_url_env(services.REDIS_URL)
        await reset_bus()
        assert isinstance(get_bus(), RedisBus)  # no connection is made until first use
    finally:
        await reset_bus()


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    parts = urlsplit(services.REDIS_URL)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if not services.port_open(host, port):
        services.unavailable(f"Redis at {host}:{port}")
    return services.REDIS_URL


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def make_redis_bus(redis_url: str) -> AsyncIterator[Callable[..., RedisBus]]:
    """Make RedisBus instances (one per simulated process); all are closed after the test."""
    made: list[RedisBus] = []

    def make(**kwargs: object) -> RedisBus:
        bus = RedisBus(redis_url, client_name=f"agpt-bus-test-{uuid.uuid4().hex[:8]}", **kwargs)
        made.append(bus)
        return bus

    yield make
    for bus in made:
        await bus.close()


async def _numsub(admin: aioredis.Redis, channel: str) -> int:
    [(_, count)] = await admin.pubsub_numsub(REDIS_CHANNEL_PREFIX + channel)
    return count


async def test_redis_delivers_in_order_across_buses(make_redis_bus, admin):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as first, subscriber.subscribe(channel) as second:
        assert await _numsub(admin, channel) == 2
        for i in range(20):
            await publisher.publish(channel, "tick", {"i": i, "id": uuid.UUID(int=i)})
        for events in (first, second):
            received = [await _next(events) for _ in range(20)]
            assert [e.data["i"] for e in received] == list(range(20))
            assert received[3].data["id"] == str(uuid.UUID(int=3))
            assert all(e.channel == channel and e.ts.tzinfo is not None for e in received)


@pytest.mark.parametrize("backend", ["local", "redis"])
async def test_publish_many_reaches_each_channel_once_in_order(backend, make_redis_bus):
    """One event to several channels (a run's status goes to the run's and its owner's channel): each
    subscriber gets it once per channel it listens to, in the order published (Redis: one pipeline)."""
    bus = InProcessBus() if backend == "local" else make_redis_bus()
    listener = bus if backend == "local" else make_redis_bus()
    run, owner, other = _channel("execution"), _channel("user"), _channel("user")
    try:
        async with listener.subscribe(run) as on_run, listener.subscribe(owner, other) as on_owner:
            await bus.publish_many([run, owner], "status", {"i": 1})
            await bus.publish_many([run, owner], "status", {"i": 2})
            await bus.publish_many([], "nothing", {})
            assert [(await _next(on_run)).data["i"] for _ in range(2)] == [1, 2]
            got = [await _next(on_owner) for _ in range(2)]
            assert [(e.channel, e.data["i"]) for e in got] == [(owner, 1), (owner, 2)]
            assert await _nothing_arrives(on_run) and await _nothing_arrives(on_owner)
    finally:
        if backend == "local":
            await bus.close()


async def test_local_bus_builds_nothing_nobody_hears(local_bus: InProcessBus):
    """Embedded mode with no page open: a run's events cost nothing (not even the JSON check), and
    ``may_deliver`` tells publishers so; once someone listens, the same call delivers and checks."""
    channel, quiet = _channel(), _channel()
    assert not local_bus.may_deliver(channel)
    await local_bus.publish(channel, "t", {"obj": object()})  # nobody listens: not even built
    async with local_bus.subscribe(channel) as events:
        assert local_bus.may_deliver(channel) and not local_bus.may_deliver(quiet)
        await local_bus.publish_many([quiet, channel], "status", {"at": datetime(2026, 1, 2, tzinfo=UTC)})
        got = await _next(events)
        assert (got.channel, got.data) == (channel, {"at": "2026-01-02T00:00:00Z"})
        assert await _nothing_arrives(events)
        with pytest.raises(ValidationError, match="JSON"):
            await local_bus.publish(channel, "t", {"obj": object()})
    assert not local_bus.may_deliver(channel)


async def test_redis_bus_may_always_deliver(make_redis_bus):
    """Redis cannot know who listens in other processes: publishers never skip an event there."""
    assert make_redis_bus().may_deliver(_channel())


async def test_redis_channels_are_isolated(make_redis_bus):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    a, b = _channel("user"), _channel("execution")
    async with subscriber.subscribe(a) as only_a, subscriber.subscribe(a, b) as both:
        await publisher.publish(b, "for-b", {})
        await publisher.publish(a, "for-a", {})
        assert (await _next(only_a)).type == "for-a"
        assert await _nothing_arrives(only_a)
        assert [(await _next(both)).type, (await _next(both)).type] == ["for-b", "for-a"]


async def test_redis_exit_and_cancellation_unsubscribe(make_redis_bus, admin):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as events:
        await publisher.publish(channel, "x", {})
        await _next(events)
    assert subscriber.subscriber_count == 0
    await _eventually(lambda: _numsub_is_zero(admin, channel))
    with pytest.raises(StopAsyncIteration):
        await _next(events)

    entered = asyncio.Event()

    async def consume() -> None:
        async with subscriber.subscribe(channel) as events:
            entered.set()
            async for _ in events:
                pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(entered.wait(), WAIT)
    assert subscriber.subscriber_count == 1 and await _numsub(admin, channel) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert subscriber.subscriber_count == 0
    await _eventually(lambda: _numsub_is_zero(admin, channel))


async def _numsub_is_zero(admin: aioredis.Redis, channel: str) -> bool:
    return await _numsub(admin, channel) == 0


async def test_redis_publish_sync_from_a_thread(make_redis_bus):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as events:

        def worker() -> None:
            for i in range(10):
                publisher.publish_sync(channel, "from-worker", {"i": i})

        thread = threading.Thread(target=worker)
        thread.start()
        received = [await _next(events) for _ in range(10)]
        await asyncio.to_thread(thread.join, WAIT)
    assert [e.data["i"] for e in received] == list(range(10))


async def test_redis_subscriber_survives_a_dropped_connection(make_redis_bus, admin):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as events:
        await publisher.publish(channel, "before", {})
        assert (await _next(events)).type == "before"

        # Kill only this subscriber's pub/sub connection, so parallel runs are left alone.
        ours = [c for c in await admin.client_list(_type="pubsub") if c["name"] == subscriber._client_name]
        assert len(ours) == 1
        await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub", "ID", ours[0]["id"])
        await asyncio.sleep(0.1)

        deadline = time.monotonic() + 5
        arrived: Event | None = None
        while arrived is None and time.monotonic() < deadline:
            await publisher.publish(channel, "after", {})
            try:
                arrived = await _next(events, 0.25)
            except TimeoutError:
                continue
        assert arrived is not None and arrived.type == "after"
        assert events.reconnects >= 1


async def test_redis_publish_recovers_from_a_dropped_connection(make_redis_bus, admin):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as events:
        await publisher.publish(channel, "first", {})
        publisher.publish_sync(channel, "first-sync", {})
        assert [(await _next(events)).type, (await _next(events)).type] == ["first", "first-sync"]
        # Kill only the publisher's (async and sync) connections, so parallel runs are left alone.
        ours = [c for c in await admin.client_list(_type="normal") if c["name"] == publisher._client_name]
        assert len(ours) == 2
        for client in ours:
            await admin.execute_command("CLIENT", "KILL", "TYPE", "normal", "ID", client["id"])
        await publisher.publish(channel, "second", {})
        publisher.publish_sync(channel, "second-sync", {})
        assert [(await _next(events)).type, (await _next(events)).type] == ["second", "second-sync"]


async def test_redis_ignores_malformed_payloads(make_redis_bus, admin):
    subscriber = make_redis_bus()
    channel = _channel()
    async with subscriber.subscribe(channel) as events:
        await admin.publish(REDIS_CHANNEL_PREFIX + channel, b"not json")
        await admin.publish(
            REDIS_CHANNEL_PREFIX + channel, Event(channel=channel, type="ok", data={}).model_dump_json()
        )
        assert (await _next(events)).type == "ok"


async def test_redis_unreachable_raises_bus_error():
    bus: EventBus = RedisBus("redis://127.0.0.1:1/0")
    try:
        with pytest.raises(BusError):
            await bus.publish("c", "t", {})
        with pytest.raises(BusError):
            bus.publish_sync("c", "t", {})
        with pytest.raises(BusError):
            async with bus.subscribe("c"):
                pass
        assert bus.subscriber_count == 0
    finally:
        await bus.close()


async def test_redis_publish_retries_once_on_a_connection_error(make_redis_bus, monkeypatch):
    publisher, subscriber = make_redis_bus(), make_redis_bus()
    channel = _channel()
    failures = {"left": 1}

    def flaky(real: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            if failures["left"] > 0:
                failures["left"] -= 1
                raise redis.ConnectionError("simulated drop")
            return real(*args, **kwargs)

        return call

    async_client, sync_client = publisher._async_client(), publisher._get_sync_client()
    monkeypatch.setattr(async_client, "publish", flaky(async_client.publish))
    monkeypatch.setattr(sync_client, "publish", flaky(sync_client.publish))
    async with subscriber.subscribe(channel) as events:
        await publisher.publish(channel, "retried", {})
        failures["left"] = 1
        publisher.publish_sync(channel, "retried-sync", {})
        assert [(await _next(events)).type, (await _next(events)).type] == ["retried", "retried-sync"]

        failures["left"] = 2  # fails twice: given up, as a BusError
        with pytest.raises(BusError):
            await publisher.publish(channel, "lost", {})
        failures["left"] = 2
        with pytest.raises(BusError):
            publisher.publish_sync(channel, "lost", {})


async def test_redis_idle_subscription_pings_and_stays_connected(make_redis_bus):
    publisher, subscriber = make_redis_bus(), make_redis_bus(ping_interval=0.1)
    channel = _channel()
    async with subscriber.subscribe(channel) as events:
        await asyncio.sleep(0.5)  # several idle pings, each answered
        await publisher.publish(channel, "still-here", {})
        assert (await _next(events)).type == "still-here"
        assert events.reconnects == 0
