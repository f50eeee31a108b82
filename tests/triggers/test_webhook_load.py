"""100 signed deliveries at once to a real server (granian, as in production): 100 accepted, 100 runs,
100 ``started`` deliveries — none lost, none doubled."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from autogpt_app.triggers.models import TriggerDelivery
from tests.api.server import served
from tests.triggers.conftest import signed_headers

DELIVERIES = 100


@pytest.fixture(scope="module")
def base_url():
    with served("tests.fakes.served_api:app") as url:
        yield url


async def test_a_hundred_parallel_deliveries_make_a_hundred_runs(base_url, ada, make_webhook):
    hook = await make_webhook(config={"max_per_minute": 600})

    async def deliver(client: httpx.AsyncClient, n: int) -> httpx.Response:
        body = json.dumps({"user": {"name": f"Sender {n}"}}).encode()
        return await client.post(f"/api/v1/hooks/{hook.id}", content=body, headers=signed_headers(hook.secret, body))

    limits = httpx.Limits(max_connections=DELIVERIES)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        answers = await asyncio.gather(*(deliver(client, n) for n in range(DELIVERIES)))
    assert [a.status_code for a in answers] == [202] * DELIVERIES, {a.text for a in answers if a.status_code != 202}
    execution_ids = {a.json()["execution_id"] for a in answers}
    assert len(execution_ids) == DELIVERIES

    async with session_scope() as s:
        runs = (
            await s.execute(select(GraphExecution.id, GraphExecution.inputs).where(GraphExecution.user_id == ada.id))
        ).all()
        started = (
            await s.execute(
                select(func.count()).where(TriggerDelivery.trigger_id == hook.id, TriggerDelivery.status == "started")
            )
        ).scalar_one()
    assert {r.id for r in runs} == execution_ids and started == DELIVERIES
    assert sorted(r.inputs["name"] for r in runs) == sorted(f"Sender {n}" for n in range(DELIVERIES))
