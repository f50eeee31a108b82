"""The relay re-sends runs accepted during a broker outage as soon as the broker is back.

Real RabbitMQ (and Redis) behind a proxy the test refuses or black-holes, a real ``dramatiq workers.execution``
process consuming through it (its relay runs in that process), and this test process as the web.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import timedelta

import pytest

from autogpt_app.executions import service
from autogpt_app.timeutil import utcnow
from tests import services
from tests.api.test_accounts_api import bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.executions.test_brokers import _start_worker, _stop, _worker_env, make_user, wait_for
from tests.graphs.helpers import greeting_graph

#: The goal: every run accepted during an outage starts within this long after the broker is back.
START_GOAL_SECONDS = 5.0
#: Allowance for a busy 2-core machine on top of the goal.
HEADROOM_SECONDS = 2.0


async def _accept_runs(client, token: str, graph_id: str, label: str, count: int = 3) -> list[str]:
    ids = []
    for i in range(count):
        r = await client.post(
            f"/api/v1/graphs/{graph_id}/executions", json={"inputs": {"name": f"{label}{i}"}}, headers=bearer(token)
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def _assert_started_soon_after(user, ids: list[str], restored_at, log) -> None:
    for execution_id in ids:
        run = await wait_for(user, execution_id, within=START_GOAL_SECONDS + HEADROOM_SECONDS + 20)
        assert run.status == "COMPLETED", log.read_text()[-3000:]
        waited = (run.started_at - restored_at).total_seconds()
        assert waited <= START_GOAL_SECONDS + HEADROOM_SECONDS, (
            f"run started {waited:.1f}s after the broker came back\n" + log.read_text()[-3000:]
        )
        finished = (run.ended_at - restored_at).total_seconds()
        assert finished <= START_GOAL_SECONDS + HEADROOM_SECONDS, f"run completed {finished:.1f}s after"


@pytest.mark.parametrize("broker_url", [services.RABBITMQ_URL, services.REDIS_URL], ids=["rabbitmq", "redis"])
async def test_runs_accepted_while_the_broker_refused_or_dropped_packets_start_once_it_is_back(
    client, service_proxy, app_broker, tmp_path, broker_url
):
    proxy = service_proxy(broker_url)
    prefix = f"t{secrets.token_hex(4)}_"
    app_broker(proxy.url, prefix)
    log = tmp_path / "worker.log"
    # Dramatiq's own consumer restart delay (3 s) and the default orphan sweep (300 s): nothing tuned.
    worker = _start_worker(_worker_env(proxy.url, prefix, dramatiq_restart_delay="3000"), log)
    try:
        token = await token_for(client)
        graph = await make_graph(client, token, greeting_graph())
        user = await _user(token, client)
        # The worker consumes before the outage.
        (warm,) = await _accept_runs(client, token, graph["id"], "warm", 1)
        assert (await wait_for(user, warm, within=60)).status == "COMPLETED", log.read_text()[-3000:]

        proxy.refuse()
        refused = await _accept_runs(client, token, graph["id"], "refused")
        await asyncio.sleep(3)
        await _assert_still_queued(user, refused)
        restored_at = utcnow()
        proxy.restore()
        await _assert_started_soon_after(user, refused, restored_at, log)

        proxy.blackhole()
        dropped = await _accept_runs(client, token, graph["id"], "dropped")
        await asyncio.sleep(4)
        await _assert_still_queued(user, dropped)
        restored_at = utcnow()
        proxy.restore()
        await _assert_started_soon_after(user, dropped, restored_at, log)
    finally:
        _stop(worker)


async def _user(token: str, client):
    """The user behind ``token``, as the service functions take it."""
    from autogpt_app.auth.models import User
    from autogpt_app.db import session_scope

    me = (await client.get("/api/v1/me", headers=bearer(token))).json()
    async with session_scope() as s:
        return await s.get(User, me["id"])


async def _assert_still_queued(user, ids: list[str]) -> None:
    from autogpt_app.db import session_scope

    async with session_scope() as s:
        statuses = [(await service.get_execution(s, user, i, with_nodes=False)).status for i in ids]
    assert statuses == ["QUEUED"] * len(ids)


async def test_embedded_relay_sends_what_the_publisher_could_not(client):
    """Embedded mode (in-process broker): a run whose message never went out starts within seconds,
    not after the orphan sweep's five minutes."""
    from sqlalchemy import update

    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec
    from workers.embedded import EmbeddedWorkers

    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
    workers = EmbeddedWorkers(threads=1)
    assert workers.start()
    try:
        await asyncio.sleep(1)  # the start-up sweep has run
        async with session_scope() as s:
            # Written directly: a run accepted by a web process that died before its message went out.
            row = GraphExecution(
                graph_id=graph.id, graph_version=graph.version, user_id=user.id, inputs={"name": "Lost"}
            )
            s.add(row)
            await s.flush()
            await s.execute(
                update(GraphExecution)
                .where(GraphExecution.id == row.id)
                .values(created_at=utcnow() - timedelta(seconds=5))
            )
        began = time.monotonic()
        run = await wait_for(user, row.id, within=15)
        assert run.status == "COMPLETED" and run.outputs == {"greeting": ["Hello Lost!"]}
        assert time.monotonic() - began < START_GOAL_SECONDS
    finally:
        workers.stop()


def test_embedded_mode_runs_one_relay_and_one_sweep_and_stops_them():
    """Starting the in-process workers starts exactly one relay and one sweep (the worker middleware
    does not add a second pair), and stopping them leaves none behind."""
    import threading

    from workers.embedded import EmbeddedWorkers

    def loops() -> list[str]:
        return sorted(t.name for t in threading.enumerate() if t.name in ("run-relay", "execution-sweeper"))

    assert loops() == []
    workers = EmbeddedWorkers(threads=1)
    assert workers.start()
    try:
        assert loops() == ["execution-sweeper", "run-relay"]
        workers.stop()
        workers.start()  # a second start in the same process (tests, a reloaded app) adds no extra pair
        assert loops() == ["execution-sweeper", "run-relay"]
    finally:
        workers.stop()
    assert loops() == []
