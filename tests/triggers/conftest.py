"""Fixtures of the trigger tests: people, their library agents, webhook triggers and signed deliveries."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.triggers import service
from autogpt_app.triggers.models import TriggerDelivery
from autogpt_app.triggers.webhooks import sign
from tests.graphs.helpers import FILL, OUTPUT, SHORT_TEXT, greeting_graph, link, node


def two_inputs_graph() -> dict[str, Any]:
    """first, second (short texts) → template '{{ first }} & {{ second }}' → output 'pair'."""
    return {
        "name": "Pair",
        "nodes": [
            node("a", SHORT_TEXT, name="first", title="First name"),
            node("b", SHORT_TEXT, name="second", title="Second name"),
            node("tpl", FILL, format="{{ first }} & {{ second }}"),
            node("out", OUTPUT, name="pair"),
        ],
        "links": [
            link("a", "result", "tpl", "values_#_first"),
            link("b", "result", "tpl", "values_#_second"),
            link("tpl", "output", "out", "value"),
        ],
    }


async def make_person(email: str = "ada@example.com", name: str = "Ada"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name=name, password="violet-harbour-42")


async def make_agent(user, doc: dict | None = None):
    """One of ``user``'s agents, kept in their library (the greeter, one input ``name``, by default)."""
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc or greeting_graph()))
        await library.add_graph(s, user, graph.id, source="created")
    return graph


@pytest.fixture
async def ada():
    return await make_person()


@pytest.fixture
async def greeter(ada):
    return await make_agent(ada)


@pytest.fixture
def make_webhook(ada, greeter):
    """Create a webhook trigger on Ada's greeter (``name`` ← ``$.user.name`` unless told otherwise)."""

    async def make(**fields):
        values = {
            "kind": "webhook",
            "graph_id": greeter.id,
            "name": "From the shop",
            "input_mapping": {"name": "$.user.name"},
            **fields,
        }
        async with session_scope() as s:
            return await service.create_trigger(s, ada, **values)

    return make


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers a sender puts on ``body``: the timestamp (now by default) and its HMAC-SHA256."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Signature-Timestamp": str(stamp),
        "X-Signature": sign(secret, stamp, body),
        "Content-Type": "application/json",
    }


def payload(name: str = "Grace") -> bytes:
    return json.dumps({"user": {"name": name}, "event": "order.paid"}).encode()


async def runs_of(user_id: str) -> list[GraphExecution]:
    async with session_scope() as s:
        rows = await s.execute(select(GraphExecution).where(GraphExecution.user_id == user_id))
        return list(rows.scalars())


async def deliveries(trigger_id: str) -> list[TriggerDelivery]:
    async with session_scope() as s:
        rows = await s.execute(
            select(TriggerDelivery)
            .where(TriggerDelivery.trigger_id == trigger_id)
            .order_by(TriggerDelivery.received_at)
        )
        return list(rows.scalars())


async def count(model) -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())
