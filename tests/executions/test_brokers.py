"""Runs end to end through each broker: in-process (embedded mode), RabbitMQ and Redis for real,
and recovery after a worker process is killed with SIGKILL in the middle of a run."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import select

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.models import NodeExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from tests import services
from tests.graphs.helpers import DELAY, OUTPUT, STORE, greeting_graph, link, node

ROOT = Path(__file__).resolve().parents[2]


async def make_user(email: str = "ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def create_run(user, doc, **inputs) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        return (await service.add_graph_execution(s, user, graph.id, inputs=inputs)).id


async def wait_for(user, execution_id, statuses=("COMPLETED", "FAILED", "TERMINATED"), within=60.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with session_scope() as s:
            run = await service.get_execution(s, user, execution_id)
        if run.status in statuses:
            return run
        await asyncio.sleep(0.2)
    raise AssertionError(f"execution {execution_id} still {run.status} after {within}s")


async def test_embedded_workers_run_what_the_api_enqueues(client):
    """Embedded mode: StubBroker + worker threads in this process; the API call alone starts the run."""
    from workers.embedded import EmbeddedWorkers
    from workers.execution import broker

    assert type(broker).__name__ == "StubBroker"
    workers = EmbeddedWorkers(threads=2)
    assert workers.start()
    try:
        r = await client.post(
            "/api/v1/auth/signup",
            json={"email": "ada@example.com", "display_name": "Ada", "password": "violet-harbour-42"},
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        graph = (await client.post("/api/v1/graphs", json=greeting_graph(), headers=headers)).json()
        run = await client.post(
            f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"name": "Ada"}}, headers=headers
        )
        assert run.status_code == 201 and run.json()["status"] == "QUEUED"
        for _ in range(100):
            got = (await client.get(f"/api/v1/executions/{run.json()['id']}", headers=headers)).json()
            if got["status"] == "COMPLETED":
                break
            await asyncio.sleep(0.1)
        assert got["status"] == "COMPLETED" and got["outputs"] == {"greeting": ["Hello Ada!"]}
        assert [n["node_id"] for n in got["nodes"]] == ["in", "tpl", "out"]
    finally:
        workers.stop()


def _worker_env(broker_url: str, prefix: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BROKER_URL": broker_url,
        "QUEUE_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
        "dramatiq_restart_delay": "1000",
        **extra,
    }


def _start_worker(env: dict[str, str], log: Path, *, threads: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "workers.execution", "--processes", "1", "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _sender(broker_url: str, prefix: str):
    """A broker connection of our own that sends execute_graph messages the worker process consumes."""
    from workers.broker import build_broker

    broker = build_broker(broker_url)
    queue = prefix + "executions"
    broker.declare_queue(queue)

    def send(execution_id: str) -> None:
        broker.enqueue(
            dramatiq.Message(queue_name=queue, actor_name="execute_graph", args=(execution_id,), kwargs={}, options={})
        )

    return broker, send


def _cleanup_queues(broker, prefix: str) -> None:
    if type(broker).__name__ == "RabbitmqBroker":
        channel = broker.channel
        for base in ("executions", "default"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(prefix + base + suffix)
    broker.close()


BROKERS = [
    pytest.param(services.RABBITMQ_URL, 5672, "RabbitMQ", id="rabbitmq"),
    pytest.param(services.REDIS_URL, 6379, "Redis", id="redis"),
]


@pytest.mark.parametrize(("url", "port", "label"), BROKERS)
async def test_worker_process_runs_executions(url, port, label, tmp_path):
    if not services.port_open("127.0.0.1", port):
        services.unavailable(f"{label} at 127.0.0.1:{port}")
    prefix = f"t{secrets.token_hex(4)}_"
    broker, send = _sender(url, prefix)
    worker = _start_worker(_worker_env(url, prefix), tmp_path / "worker.log")
    try:
        user = await make_user()
        ids = [await create_run(user, greeting_graph(), name=f"n{i}") for i in range(3)]
        for execution_id in ids:
            send(execution_id)
        for i, execution_id in enumerate(ids):
            run = await wait_for(user, execution_id)
            assert run.status == "COMPLETED", (tmp_path / "worker.log").read_text()[-3000:]
            assert run.outputs == {"greeting": [f"Hello n{i}!"]}
    finally:
        _stop(worker)
        _cleanup_queues(broker, prefix)


async def test_sigkill_mid_run_resumes_without_redoing_completed_nodes(tmp_path):
    """A worker is killed while a node sleeps; a new worker finishes the run, reusing finished nodes."""
    if not services.port_open("127.0.0.1", 5672):
        services.unavailable("RabbitMQ at 127.0.0.1:5672")
    prefix = f"t{secrets.token_hex(4)}_"
    broker, send = _sender(services.RABBITMQ_URL, prefix)
    env = _worker_env(services.RABBITMQ_URL, prefix, LEASE_SECONDS="3", SWEEP_INTERVAL_SECONDS="1")
    log = tmp_path / "worker.log"
    doc = {
        "name": "Two steps",
        "nodes": [
            node("first", STORE, input="kept"),
            node("wait", DELAY, seconds=4),
            node("out", OUTPUT, name="result"),
        ],
        "links": [link("first", "output", "wait", "data"), link("wait", "data", "out", "value")],
    }
    user = await make_user()
    execution_id = await create_run(user, doc)
    first = _start_worker(env, log)
    second = None
    try:
        send(execution_id)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            async with session_scope() as s:
                rows = (
                    (await s.execute(select(NodeExecution).where(NodeExecution.graph_exec_id == execution_id)))
                    .scalars()
                    .all()
                )
            if any(r.node_id == "wait" and r.status == "RUNNING" for r in rows):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(log.read_text()[-3000:])
        _stop(first, signal.SIGKILL)
        second = _start_worker(env, log)
        run = await wait_for(user, execution_id, within=90)
        assert run.status == "COMPLETED", log.read_text()[-3000:]
        assert run.outputs == {"result": ["kept"]}
        by_node = {}
        for n in run.nodes:
            by_node.setdefault(n.node_id, []).append(n.status)
        assert by_node["first"] == ["COMPLETED"]  # not executed again
        assert by_node["wait"] == ["TERMINATED", "COMPLETED"]  # interrupted, then run once more
        assert by_node["out"] == ["COMPLETED"]  # nothing duplicated
    finally:
        _stop(first, signal.SIGKILL)
        if second:
            _stop(second)
        _cleanup_queues(broker, prefix)
