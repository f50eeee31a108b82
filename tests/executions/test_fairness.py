"""Per-user fairness: one person's many long runs cannot hold every worker thread. Their runs beyond
``MAX_RUNNING_PER_USER`` wait QUEUED and start oldest first; another person's short run starts at once.
Checked with the embedded workers and with a worker process on RabbitMQ."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from autogpt_app.db import session_scope
from autogpt_app.executions import leases, service
from autogpt_app.executions.runner import _Recorder
from autogpt_app.settings import get_settings
from tests import services
from tests.executions.test_brokers import (
    _cleanup_queues,
    _sender,
    _start_worker,
    _stop,
    _worker_env,
    create_run,
    make_user,
    wait_for,
)
from tests.graphs.helpers import DELAY, OUTPUT, link, node

LONG = 4.0


def delay_graph(seconds: float) -> dict:
    return {
        "name": f"Wait {seconds:g} s",
        "nodes": [node("wait", DELAY, seconds=seconds, data="done"), node("out", OUTPUT, name="r")],
        "links": [link("wait", "data", "out", "value")],
    }


async def _starve_and_check(send=None, cap: int = 2) -> None:
    """User A starts 6 long runs, then user B one short run: B's finishes in seconds, A's in order."""
    ada = await make_user("ada@example.com")
    bob = await make_user("bob@example.com")
    warm_up = await create_run(bob, delay_graph(0))  # the workers are up and have run something
    if send:
        send(warm_up)
    assert (await wait_for(bob, warm_up, within=60)).status == "COMPLETED"
    long_runs = []
    for _ in range(6):
        long_runs.append(await create_run(ada, delay_graph(LONG)))
        if send:
            send(long_runs[-1])
    await asyncio.sleep(0.5)  # A's runs have taken what they may
    asked = time.monotonic()
    short = await create_run(bob, delay_graph(0.2))
    if send:
        send(short)
    result = await wait_for(bob, short, within=60)
    took = time.monotonic() - asked
    assert result.status == "COMPLETED"
    assert took < LONG - 1, f"Bob's short run took {took:.1f} s behind Ada's long runs"

    ended = [await wait_for(ada, run_id, within=90) for run_id in long_runs]
    assert [r.status for r in ended] == ["COMPLETED"] * 6
    # Oldest first: the runs that had to wait started in the order they were asked for (the first
    # ones taken by idle threads at the same instant may start in either order) ...
    first_end = min(r.ended_at for r in ended)
    waited = [r.started_at for r in ended if r.started_at >= first_end]
    assert len(waited) >= 6 - cap - 1 and waited == sorted(waited)
    # ... and never more than the cap at once.
    for r in ended:
        overlapping = [o for o in ended if o.started_at <= r.started_at < o.ended_at]
        assert len(overlapping) <= cap


async def test_one_persons_long_runs_do_not_starve_another_embedded(monkeypatch):
    from workers.embedded import EmbeddedWorkers

    monkeypatch.setattr(get_settings(), "max_running_per_user", 2)
    workers = EmbeddedWorkers(threads=3)
    assert workers.start()
    try:
        await _starve_and_check()
    finally:
        workers.stop()


async def test_one_persons_long_runs_do_not_starve_another_on_rabbitmq(tmp_path):
    if not services.port_open("127.0.0.1", 5672):
        services.unavailable("RabbitMQ at 127.0.0.1:5672")
    prefix = f"t{secrets.token_hex(4)}_"
    broker, send = _sender(services.RABBITMQ_URL, prefix)
    log = tmp_path / "worker.log"
    worker = _start_worker(_worker_env(services.RABBITMQ_URL, prefix, MAX_RUNNING_PER_USER="2"), log, threads=3)
    try:
        await _starve_and_check(send)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{log.read_text()[-3000:]}") from None
    finally:
        _stop(worker)
        _cleanup_queues(broker, prefix)


@pytest.fixture
def woken(monkeypatch) -> list[str]:
    """A cap of one run per person; the runs that ending runs wake are recorded here, not sent (the
    message itself is the broker tests' business)."""
    from autogpt_app.executions import fairness

    monkeypatch.setattr(get_settings(), "max_running_per_user", 1)
    woken: list[str] = []

    async def wake(execution_id: str) -> None:
        woken.append(execution_id)

    monkeypatch.setattr(fairness, "wake", wake)
    return woken


async def test_the_end_of_a_run_wakes_its_owners_oldest_waiting_run(woken):
    from autogpt_app.executions.runner import GraphRunner

    ada = await make_user()
    first, second, third = [await create_run(ada, delay_graph(1)) for _ in range(3)]
    recorder = _Recorder()
    try:
        assert await leases.acquire(recorder, first, "w1") is not None
        assert await GraphRunner(third, "w3").run() is None  # at the cap: it waits, QUEUED
        assert await GraphRunner(second, "w2").run() is None  # its message came later: it waits too
        async with session_scope() as s:
            assert (await service.get_execution(s, ada, third)).status == "QUEUED"
            await service.stop_execution(s, ada, first)  # still RUNNING: only flagged
        assert await GraphRunner(first, "w1").run() == "TERMINATED"
        assert woken == [second]  # the oldest waiting run, not the last one refused
        # A late duplicate message (say, of a run that two ends both woke) passes the turn on.
        assert await GraphRunner(first, "w9").run() is None
        assert woken == [second, second]
    finally:
        await recorder.close()


async def test_only_refused_runs_are_woken_not_runs_whose_message_is_on_its_way(woken):
    """A backlog of queued runs (messages in flight) gets no second message when a run ends: waking
    them doubled the messages a busy worker had to take (and halved its throughput)."""
    from autogpt_app.executions.runner import GraphRunner

    ada = await make_user()
    first, _queued, refused = [await create_run(ada, delay_graph(1)) for _ in range(3)]
    recorder = _Recorder()
    try:
        assert await leases.acquire(recorder, first, "w1") is not None
        assert await GraphRunner(refused, "w3").run() is None  # refused at the cap: waiting
        async with session_scope() as s:
            await service.stop_execution(s, ada, first)
        assert await GraphRunner(first, "w1").run() == "TERMINATED"
        # `_queued` is older, but its own message is still on its way: only the refused run is woken.
        assert woken == [refused]
    finally:
        await recorder.close()


async def test_the_sweep_resends_only_each_persons_oldest_waiting_runs(monkeypatch):
    """Waiting runs are not re-sent one by one on every sweep: each person's oldest (up to the cap)."""
    monkeypatch.setattr(get_settings(), "max_running_per_user", 2)
    ada = await make_user()
    bob = await make_user("bob@example.com")
    ada_runs = [await create_run(ada, delay_graph(1)) for _ in range(4)]
    bob_run = await create_run(bob, delay_graph(1))
    async with session_scope() as s:
        assert sorted(await leases.orphans(s, queued_grace_seconds=0)) == sorted([*ada_runs[:2], bob_run])


async def test_workers_racing_for_one_persons_free_slots_admit_exactly_the_cap(monkeypatch):
    """Five workers take five of one person's runs at the same instant, each on its own connection:
    exactly ``MAX_RUNNING_PER_USER`` start, each in a slot of its own; the others stay QUEUED."""
    from sqlalchemy import select

    from autogpt_app.executions.models import GraphExecution

    cap = 2
    monkeypatch.setattr(get_settings(), "max_running_per_user", cap)
    ada = await make_user()
    runs = [await create_run(ada, delay_graph(1)) for _ in range(5)]  # within a recorder pool
    recorders = [_Recorder() for _ in runs]
    try:
        for recorder in recorders:  # every connection is open before the race starts
            await recorder.execute(select(1))
        claims = await asyncio.gather(
            *(
                leases.acquire(recorder, run_id, f"w{i}")
                for i, (recorder, run_id) in enumerate(zip(recorders, runs, strict=True))
            )
        )
    finally:
        for recorder in recorders:
            await recorder.close()
    admitted = [run_id for run_id, claim in zip(runs, claims, strict=True) if claim is not None]
    assert len(admitted) == cap
    async with session_scope() as s:
        rows = (await s.execute(select(GraphExecution).where(GraphExecution.id.in_(runs)))).scalars().all()
    running = [r for r in rows if r.status == "RUNNING"]
    assert sorted(r.id for r in running) == sorted(admitted)
    assert sorted(r.slot for r in running) == list(range(cap))
    assert all(r.status == "QUEUED" for r in rows if r.id not in admitted)
