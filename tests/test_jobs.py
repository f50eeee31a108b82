"""Publishing a run's message (autogpt_app/jobs.py) through real RabbitMQ behind a proxy the test cuts:
off the event loop, confirmed by the broker, and a failed send left on the row and logged once."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time

import pika
from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from tests import services
from tests.api.test_accounts_api import bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import greeting_graph


async def _start_run(client, token: str, graph_id: str, name: str) -> tuple[dict, float]:
    started = time.monotonic()
    r = await client.post(
        f"/api/v1/graphs/{graph_id}/executions", json={"inputs": {"name": name}}, headers=bearer(token)
    )
    assert r.status_code == 201, r.text
    return r.json(), time.monotonic() - started


async def _sent_at(execution_id: str):
    async with session_scope() as s:
        return (await s.execute(select(GraphExecution.sent_at).where(GraphExecution.id == execution_id))).scalar_one()


async def _wait_sent(execution_id: str, within: float = 10.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (sent := await _sent_at(execution_id)) is not None:
            return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"run {execution_id} was not confirmed sent within {within}s")


def _queued_ids(queue: str) -> list[str]:
    """The execution ids waiting in ``queue`` on the real RabbitMQ (read, then left unacknowledged)."""
    import json

    connection = pika.BlockingConnection(pika.URLParameters(services.RABBITMQ_URL))
    try:
        channel = connection.channel()
        ids = []
        while True:
            method, _, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                return ids
            ids.append(json.loads(body)["args"][0])
    finally:
        connection.close()


async def test_a_black_holed_broker_costs_a_run_start_nothing(client, rabbitmq_proxy, app_broker):
    """With the broker's packets dropped, starting a run answers at once and other requests do not stall."""
    app_broker(rabbitmq_proxy.url, f"t{secrets.token_hex(4)}_")
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())

    rabbitmq_proxy.blackhole()
    began = time.monotonic()

    async def read_profile() -> float:
        await asyncio.sleep(0.05)  # while the run start is in flight
        r = await client.get("/api/v1/me", headers=bearer(token))
        assert r.status_code == 200
        return time.monotonic() - began - 0.05

    (run, start_seconds), profile_seconds = await asyncio.gather(
        _start_run(client, token, graph["id"], "partitioned"), read_profile()
    )
    assert run["status"] == "QUEUED"
    assert start_seconds < 1.0, f"starting a run took {start_seconds:.1f}s with the broker black-holed"
    assert profile_seconds < 0.5, f"GET /me took {profile_seconds:.1f}s while a run start waited on the broker"
    _, second_start = await _start_run(client, token, graph["id"], "partitioned again")
    assert second_start < 1.0
    assert await _sent_at(run["id"]) is None  # nothing confirmed while the packets vanish

    rabbitmq_proxy.restore()  # the send in flight fails over to a fresh connection and is confirmed
    assert await _wait_sent(run["id"])


async def test_runs_are_confirmed_sent_and_a_refusing_broker_is_recorded_and_logged_once(
    client, rabbitmq_proxy, app_broker, caplog
):
    """A confirmed send is written on the run; while the broker refuses, runs stay unsent and one warning says so."""
    prefix = f"t{secrets.token_hex(4)}_"
    app_broker(rabbitmq_proxy.url, prefix)
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    before, _ = await _start_run(client, token, graph["id"], "before")
    assert await _wait_sent(before["id"])

    caplog.set_level(logging.INFO, logger="autogpt_app.jobs")
    rabbitmq_proxy.refuse()
    refused = [(await _start_run(client, token, graph["id"], f"refused {i}"))[0] for i in range(3)]
    await asyncio.sleep(3.0)  # every refused run has had its chance to be sent
    warnings = [r for r in caplog.records if r.name == "autogpt_app.jobs" and r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unsent" in warnings[0].getMessage() and not warnings[0].exc_info
    for run in refused:
        assert await _sent_at(run["id"]) is None  # the row says: no message went out

    rabbitmq_proxy.restore()
    after, _ = await _start_run(client, token, graph["id"], "after")
    assert await _wait_sent(after["id"])
    assert any("reachable again" in r.getMessage() for r in caplog.records if r.name == "autogpt_app.jobs")
    # No relay runs in this process (the relay's own tests cover sending the refused runs later).
    assert _queued_ids(prefix + "executions") == [before["id"], after["id"]]
