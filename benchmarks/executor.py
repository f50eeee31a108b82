"""Executor benchmarks, each against a baseline measured in the same run on the same broker.

1. Per-node overhead: a 50-node chain of trivial blocks run as one execution, against a chain of 50
   no-op Dramatiq actor hops. Goal: ratio <= 3. Also SQL statements per node executed (goal <= 4).
2. Throughput: 1,000 one-node agent runs against 1,000 no-op messages. Goal: >= 25% of the
   baseline rate; prints executions per second.
3. Latency: enqueue -> first node started with an idle worker, p95. Goal: <= 50 ms.

Uses RabbitMQ (127.0.0.1:5672) and a fresh PostgreSQL database (127.0.0.1:5432), dropped after.
``BENCH_SMOKE=1`` runs a small size (what the test command does).

    .venv/bin/python benchmarks/executor.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
CHAIN = 10 if SMOKE else 50
RUNS = int(os.environ.get("BENCH_RUNS", "0")) or (40 if SMOKE else 1000)
LATENCY_SAMPLES = 10 if SMOKE else 100
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
PG = dict(host="127.0.0.1", port=5432, user="postgres")

_db_name = f"autogpt_bench_{secrets.token_hex(4)}"
_prefix = f"bench{secrets.token_hex(3)}_"
os.environ.update(
    DATABASE_URL=f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{_db_name}",
    BROKER_URL=RABBITMQ_URL,
    QUEUE_PREFIX=_prefix,
    SECRET_KEY=secrets.token_urlsafe(48),
    DATA_DIR=str(Path(tempfile.gettempdir()) / _db_name),
    APP_MODE="embedded",
    REDIS_URL="",
    # One user's runs on purpose: per-user fairness must not be what limits this measurement.
    MAX_RUNNING_PER_USER=str(THREADS),
)

import dramatiq  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

STORE = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"

_statements = 0
_count_lock = threading.Lock()


@event.listens_for(Engine, "before_cursor_execute")
def _count(*_args) -> None:
    global _statements
    with _count_lock:
        _statements += 1


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


def chain_graph(n: int) -> dict:
    nodes = [{"id": "n0", "block_id": STORE, "input_default": {"input": "x"}}]
    links = []
    for i in range(1, n):
        nodes.append({"id": f"n{i}", "block_id": STORE, "input_default": {}})
        links.append({"source_id": f"n{i - 1}", "sink_id": f"n{i}", "source_name": "output", "sink_name": "input"})
    return {"name": f"Chain of {n}", "nodes": nodes, "links": links}


async def setup(n_chain: int):
    from autogpt_app.auth import service as auth
    from autogpt_app.db import session_scope
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec

    async with session_scope() as s:
        user = await auth.signup(s, email="bench@example.com", display_name="Bench", password="violet-harbour-42")
        chain = await graphs.create_graph(s, user, GraphSpec.model_validate(chain_graph(n_chain)))
        single = await graphs.create_graph(s, user, GraphSpec.model_validate(chain_graph(1)))
    return user, chain.id, single.id


async def create_runs(user, graph_id: str, count: int) -> list[str]:
    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution
    from autogpt_app.timeutil import utcnow

    ids = []
    async with session_scope() as s:
        for _ in range(count):
            # Marked sent, as the run publisher marks a run the API accepted once the broker confirms
            # its message: this script sends each id itself right away, and an unmarked run would
            # also be sent by the relay after its grace (a duplicate message per waiting run).
            row = GraphExecution(graph_id=graph_id, graph_version=1, user_id=user.id, sent_at=utcnow())
            s.add(row)
            ids.append(row.id)
    return ids


async def wait_done(ids: list[str], within: float = 600, poll: float = 0.002) -> None:
    """Wait until every execution in ``ids`` completed (one cheap count query per poll)."""
    from sqlalchemy import func

    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution

    deadline = time.monotonic() + within
    wanted = set(ids)
    while time.monotonic() < deadline:
        async with session_scope() as s:
            if len(wanted) == 1:
                status = (
                    await s.execute(select(GraphExecution.status).where(GraphExecution.id == next(iter(wanted))))
                ).scalar_one()
                done, failed = (
                    int(status in ("COMPLETED", "FAILED", "TERMINATED")),
                    int(status in ("FAILED", "TERMINATED")),
                )
            else:
                # The batch is every run of the benchmark's one-node agent created since the last batch:
                # count by status, without shipping the ids.
                rows = await s.execute(
                    select(GraphExecution.status, func.count())
                    .where(
                        GraphExecution.created_at >= _batch_started[0],
                        GraphExecution.status != "QUEUED",
                        GraphExecution.status != "RUNNING",
                    )
                    .group_by(GraphExecution.status)
                )
                counts = dict(rows.all())
                done = sum(counts.values())
                failed = done - counts.get("COMPLETED", 0)
        if failed:
            raise RuntimeError(f"{failed} executions did not complete")
        if done >= len(wanted):
            return
        await asyncio.sleep(poll)
    raise RuntimeError("executions did not finish in time")


_batch_started = [None]


def main() -> None:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{_db_name}"')
    try:
        from autogpt_app.cli import run_migrations

        run_migrations()
        from workers.execution import broker, execute_graph
        from workers.sweeper import SweeperMiddleware

        loop = asyncio.new_event_loop()
        user, chain_id, single_id = loop.run_until_complete(setup(CHAIN))

        # Baseline actors on the same broker.
        hop_done = threading.Event()
        noop_count = [0]
        noop_lock = threading.Lock()
        noop_target = [0]
        noop_done = threading.Event()

        @dramatiq.actor(queue_name=_prefix + "baseline", max_retries=0, broker=broker)
        def hop(remaining: int) -> None:
            if remaining <= 1:
                hop_done.set()
            else:
                hop.send(remaining - 1)

        @dramatiq.actor(queue_name=_prefix + "baseline", max_retries=0, broker=broker)
        def noop() -> None:
            with noop_lock:
                noop_count[0] += 1
                if noop_count[0] >= noop_target[0]:
                    noop_done.set()

        broker.emit_after("process_boot")
        worker = dramatiq.Worker(broker, worker_threads=THREADS, worker_timeout=10)
        worker.start()
        try:
            report(
                loop, user, chain_id, single_id, execute_graph, hop, hop_done, noop, noop_target, noop_done, noop_count
            )
        finally:
            worker.stop(timeout=10_000)
            # Stop the sweep and the relay that process_boot started, before their database goes.
            for middleware in broker.middleware:
                if isinstance(middleware, SweeperMiddleware):
                    middleware.before_process_stop(broker)
            channel = broker.channel
            for base in ("executions", "default", "baseline"):
                for suffix in ("", ".DQ", ".XQ"):
                    channel.queue_delete(_prefix + base + suffix)
            broker.close()
            loop.close()
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)')


def report(loop, user, chain_id, single_id, execute_graph, hop, hop_done, noop, noop_target, noop_done, noop_count):
    global _statements
    # Warm up both paths.
    hop_done.clear()
    hop.send(3)
    hop_done.wait(30)
    [warm] = loop.run_until_complete(create_runs(user, single_id, 1))
    execute_graph.send(warm)
    loop.run_until_complete(wait_done([warm]))

    # 1. Chain: per-node overhead and SQL statements per node.
    hop_times = []
    for _ in range(3):
        hop_done.clear()
        start = time.perf_counter()
        hop.send(CHAIN)
        assert hop_done.wait(120)
        hop_times.append(time.perf_counter() - start)
    chain_times = []
    for _ in range(3):
        [run_id] = loop.run_until_complete(create_runs(user, chain_id, 1))
        _statements = 0
        start = time.perf_counter()
        execute_graph.send(run_id)
        loop.run_until_complete(wait_done([run_id]))
        chain_times.append(time.perf_counter() - start)
        statements = _statements
    hop_per = statistics.median(hop_times) / CHAIN * 1000
    node_per = statistics.median(chain_times) / CHAIN * 1000
    print(f"executor benchmarks ({'smoke' if SMOKE else 'full'} size; RabbitMQ + PostgreSQL, {THREADS} threads)")
    print(
        f"1. chain of {CHAIN}: {node_per:.2f} ms per node vs {hop_per:.2f} ms per actor hop "
        f"-> ratio {node_per / hop_per:.2f} (goal <= 3)"
    )
    print(f"   SQL statements per node executed: {statements / CHAIN:.2f} (goal <= 4; includes the poller's reads)")

    # 2. Throughput.
    noop_count[0] = 0
    noop_target[0] = RUNS
    noop_done.clear()
    start = time.perf_counter()
    for _ in range(RUNS):
        noop.send()
    assert noop_done.wait(600)
    baseline_rate = RUNS / (time.perf_counter() - start)
    from autogpt_app.timeutil import utcnow as _now

    _batch_started[0] = _now()
    ids = loop.run_until_complete(create_runs(user, single_id, RUNS))
    start = time.perf_counter()
    for run_id in ids:
        execute_graph.send(run_id)
    loop.run_until_complete(wait_done(ids, poll=0.02))
    rate = RUNS / (time.perf_counter() - start)
    print(
        f"2. throughput of {RUNS} one-node runs: {rate:.0f} executions/s vs {baseline_rate:.0f} no-op messages/s "
        f"-> {rate / baseline_rate:.0%} of baseline (goal >= 25%)"
    )

    # 3. Latency: enqueue -> first node started, idle worker.
    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import NodeExecution
    from autogpt_app.timeutil import utcnow

    samples = []
    for _ in range(LATENCY_SAMPLES):
        [run_id] = loop.run_until_complete(create_runs(user, single_id, 1))
        sent = utcnow()
        execute_graph.send(run_id)
        loop.run_until_complete(wait_done([run_id]))

        async def first_start(run_id=run_id):
            async with session_scope() as s:
                return (
                    (
                        await s.execute(
                            select(NodeExecution.started_at)
                            .where(NodeExecution.graph_exec_id == run_id)
                            .order_by(NodeExecution.seq)
                        )
                    )
                    .scalars()
                    .first()
                )

        samples.append((loop.run_until_complete(first_start()) - sent).total_seconds() * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"3. enqueue -> first node started, idle worker: p50 {statistics.median(samples):.1f} ms, "
        f"p95 {p95:.1f} ms (goal <= 50 ms)"
    )


if __name__ == "__main__":
    main()
