"""The live follow loop every live page uses: subscribe, coalesce, fall back, re-subscribe, stop.

The pages' own background tasks (the bell, the run page) are driven through it in
``test_notification_state.py`` and ``test_run_view.py``, with :class:`Locked` standing in for
Reflex's state proxy.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from autogpt_app.bus import BusError, InProcessBus
from autogpt_app.ui import live


class Locked:
    """Stands in for Reflex's ``StateProxy`` in a background handler: ``async with`` takes the lock.

    Like the real proxy, it refuses changes made outside ``async with`` (a background task that
    wrote without the lock would lose its change in the app).
    """

    def __init__(self, state: Any) -> None:
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_lock", asyncio.Lock())

    async def __aenter__(self) -> Locked:
        await self._lock.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if not self._lock.locked():
            raise RuntimeError(f"{name} changed outside `async with self`")
        setattr(self._state, name, value)


class Counter:
    """A ``refresh`` that counts (and times) its calls and stops the loop after ``stop_after``."""

    def __init__(self, stop_after: int = 1000) -> None:
        self.calls = 0
        self.times: list[float] = []
        self.stop_after = stop_after
        self.changed = asyncio.Event()

    async def __call__(self) -> bool:
        self.calls += 1
        self.times.append(time.monotonic())
        self.changed.set()
        return self.calls < self.stop_after

    async def wait_for(self, calls: int) -> None:
        """Wait (3 s at most) until ``refresh`` ran ``calls`` times."""
        async with asyncio.timeout(3):
            while self.calls < calls:
                self.changed.clear()
                await self.changed.wait()


async def cancelled(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` as leaving the page does, and wait until it has ended."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- follow_channel -----------------------------------------------------------------------------


async def following(channel: str, bus: InProcessBus, **options: Any) -> tuple[asyncio.Task[None], Counter]:
    """Start following ``channel`` on ``bus`` (no fallback reads) and wait for the first read."""
    refresh = Counter()
    options = {"max_seconds": 60, "fallback_interval": 60, **options}
    task = asyncio.create_task(live.follow_channel(channel, refresh, bus=lambda: bus, **options))
    await refresh.wait_for(1)
    return task, refresh


async def test_follow_reads_once_subscribed_and_once_per_burst():
    bus = InProcessBus()
    task, refresh = await following("user:1", bus, coalesce=0.2)
    assert bus.subscriber_count == 1
    for i in range(10):  # a burst costs one read
        await bus.publish("user:1", "notification", {"id": str(i)})
    await bus.publish("user:2", "notification", {"id": "other"})  # someone else's channel: nothing
    await refresh.wait_for(2)
    await asyncio.sleep(0.4)
    assert refresh.calls == 2
    await bus.publish("user:1", "notification", {"id": "late"})
    await refresh.wait_for(3)
    await cancelled(task)  # leaving the page cancels the task: the subscription is freed
    assert bus.subscriber_count == 0


async def test_a_stream_of_events_is_read_at_once_then_at_most_once_per_min_interval():
    bus = InProcessBus()
    task, refresh = await following("run:1", bus, min_interval=0.25)
    await asyncio.sleep(0.3)  # long after the first read: the next event is read at once
    sent = time.monotonic()
    await bus.publish("run:1", "node.status", {})
    await refresh.wait_for(2)
    assert refresh.times[1] - sent < 0.15
    streaming_until = time.monotonic() + 1.0
    while time.monotonic() < streaming_until:  # an event every 20 ms for a second
        await bus.publish("run:1", "node.status", {})
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.4)
    gaps = [b - a for a, b in zip(refresh.times[1:], refresh.times[2:], strict=False)]
    assert 3 <= len(gaps) <= 5 and min(gaps) >= 0.24  # ~1 s / 0.25 s, never closer than min_interval
    await cancelled(task)


async def test_follow_rereads_without_events_and_stops_when_told_or_at_its_deadline():
    bus = InProcessBus()
    refresh = Counter(stop_after=3)
    await asyncio.wait_for(
        live.follow_channel("c", refresh, max_seconds=60, fallback_interval=0.05, bus=lambda: bus), 3
    )
    assert refresh.calls == 3 and bus.subscriber_count == 0

    refresh = Counter()
    started = time.monotonic()
    await asyncio.wait_for(live.follow_channel("c", refresh, max_seconds=0.3, fallback_interval=10, bus=lambda: bus), 3)
    assert time.monotonic() - started < 1.5 and refresh.calls == 1 and bus.subscriber_count == 0


async def test_follow_subscribes_again_after_the_bus_fails_or_closes():
    buses: list[InProcessBus] = []
    failures = iter([True, False, False, False])

    class Flaky(InProcessBus):
        def subscribe(self, *channels: str):
            if next(failures):
                raise BusError("redis is down")
            return super().subscribe(*channels)

    def factory() -> InProcessBus:
        if not buses or buses[-1]._closed:
            buses.append(Flaky())
        return buses[-1]

    refresh = Counter()
    task = asyncio.create_task(
        live.follow_channel("c", refresh, max_seconds=60, fallback_interval=60, backoff=(0.05,), bus=factory)
    )
    await refresh.wait_for(1)  # after one failed attempt
    assert buses[-1].subscriber_count == 1
    await buses[-1].close()  # the subscription ends: a new bus is used, and the page re-read
    await refresh.wait_for(2)
    assert len(buses) == 2 and buses[-1].subscriber_count == 1
    await buses[-1].publish("c", "notification", {})
    await refresh.wait_for(3)
    await cancelled(task)


async def test_a_failing_read_is_retried_on_a_new_subscription():
    bus = InProcessBus()
    calls = 0

    async def refresh() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database restarting")
        return False

    await asyncio.wait_for(
        live.follow_channel("c", refresh, max_seconds=60, fallback_interval=60, backoff=(0.05,), bus=lambda: bus), 3
    )
    assert calls == 2 and bus.subscriber_count == 0


# --- follow_into_state --------------------------------------------------------------------------


class Page:
    """A state's fields as a follow task sees them."""

    def __init__(self) -> None:
        self.follow_id = live.new_follow_id()
        self.live = False
        self.page = 1
        self.shown: list[str] = []


def follower(page: Locked, bus: InProcessBus, reads: dict[int, str | None], *, final: str = "done") -> Any:
    """Follow channel ``c`` into ``page``: read ``reads[page.page]``, stop once ``final`` was shown."""
    asked: list[int] = []

    async def read(number: int) -> str | None:
        asked.append(number)
        return reads[number]

    async def show(found: str) -> bool:
        page.shown.append(found)
        page.shown = list(page.shown)  # a change the proxy must allow: we hold the lock
        return found != final

    coroutine = live.follow_into_state(
        page,
        id_field="follow_id",
        follow_id=page.follow_id,
        channel="c",
        wanted=lambda: page.page,
        read=read,
        show=show,
        max_seconds=60,
        fallback_interval=60,
        bus=lambda: bus,
    )
    return asyncio.create_task(coroutine), asked


async def wait_until(check, seconds: float = 3) -> None:
    """Wait until ``check()`` holds (polled: the state under test has no event to wait on)."""
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_a_followed_page_shows_each_read_and_is_live_until_final():
    bus, state = InProcessBus(), Page()
    page = Locked(state)
    reads: dict[int, str | None] = {1: "running", 2: "running p2"}
    task, asked = follower(page, bus, reads)
    await wait_until(lambda: state.shown == ["running"])
    assert state.live and asked == [1]
    async with page:
        page.page = 2  # the user turned the page: the next read is of page 2
    await bus.publish("c", "x", {})
    await wait_until(lambda: len(state.shown) == 2)
    assert state.shown[-1] == "running p2" and asked == [1, 2]
    reads[2] = "done"
    await bus.publish("c", "x", {})
    await asyncio.wait_for(task, 3)  # final: the task ends by itself
    assert state.shown[-1] == "done" and not state.live and bus.subscriber_count == 0


async def test_a_newer_load_takes_over_and_a_vanished_read_stops():
    bus, state = InProcessBus(), Page()
    page = Locked(state)
    task, asked = follower(page, bus, {1: "running"})
    await wait_until(lambda: state.live)
    async with page:  # a newer load: its own task will set live
        page.follow_id = live.new_follow_id()
        page.live = False
    await bus.publish("c", "x", {})
    await asyncio.wait_for(task, 3)
    assert state.shown == ["running"] and asked == [1] and not state.live

    state.live = True
    task, asked = follower(page, bus, {1: None})  # logged out, or the run was deleted
    await asyncio.wait_for(task, 3)
    assert state.shown == ["running"] and not state.live

    task, _ = follower(page, bus, {1: "running"})
    await wait_until(lambda: len(state.shown) == 2 and state.live)
    await cancelled(task)  # the page was left: nothing more happens
    assert state.live and bus.subscriber_count == 0
