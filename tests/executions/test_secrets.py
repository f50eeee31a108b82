"""Credential secrets: a run that lacks one is refused with what is missing, and a canary secret
given to every block never shows up in node records, run records, events, API answers or logs."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import pytest
from sqlalchemy import select

from autogpt_app.blocks.registry import list_blocks
from autogpt_app.bus import execution_channel, get_bus
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import service
from autogpt_app.executions.models import GraphExecution, NodeExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph
from autogpt_app.graphs.spec import GraphSpec
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.executions.test_runner import make_user

LLM_TEXT = "1f292d4a-41a4-4977-9684-7c8d560b9f91"


def llm_graph() -> dict:
    return {
        "name": "Writer",
        "nodes": [{"id": "llm", "block_id": LLM_TEXT, "input_default": {"prompt": "Write a haiku"}}],
        "links": [],
    }


async def test_missing_credentials_are_listed_by_provider_type_and_node():
    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(llm_graph()))
    assert graph.credentials_input_schema["required"] == ["openai_api_key"]
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await service.add_graph_execution(s, user, graph.id)
    assert err.value.code == "credentials_missing"
    [missing] = err.value.details
    assert missing["provider"] == "openai" and missing["types"] == ["api_key"]
    assert missing["nodes"][0]["node_id"] == "llm"
    async with session_scope() as s:
        assert (await s.execute(select(GraphExecution))).scalars().all() == []
        # With a credential saved, the same run is accepted and uses it.
        saved = await credentials.create_credential(
            s, user, provider="openai", type="api_key", title="Mine", api_key="sk-" + "x" * 30
        )
    async with session_scope() as s:
        run = await service.add_graph_execution(s, user, graph.id)
    assert run.credentials == {"openai_api_key": saved.id}


async def test_missing_credentials_over_the_api(client):
    token = await token_for(client)
    graph = (await client.post("/api/v1/graphs", json=llm_graph(), headers=bearer(token))).json()
    err = assert_error(
        await client.post(f"/api/v1/graphs/{graph['id']}/executions", json={}, headers=bearer(token)),
        422,
        "credentials_missing",
    )
    assert err["details"][0]["provider"] == "openai"
    other = await token_for(client, "bob@example.com", "Bob")
    cred = (
        await client.post(
            "/api/v1/credentials",
            json={"provider": "openai", "type": "api_key", "title": "Bob's", "api_key": "sk-" + "b" * 30},
            headers=bearer(other),
        )
    ).json()
    err = assert_error(
        await client.post(
            f"/api/v1/graphs/{graph['id']}/executions",
            json={"credentials": {"openai_api_key": cred["id"]}},
            headers=bearer(token),
        ),
        422,
        "invalid_credentials",
    )


async def _store(session, user, spec: GraphSpec):
    """Save a graph, even one whose example inputs alone would not pass validation."""
    try:
        return (await graphs.create_graph(session, user, spec)).id
    except InvalidInput:
        graph = Graph(owner_id=user.id)
        session.add(graph)
        await session.flush()
        session.add(graphs._version_row(graph.id, 1, spec, user))
        await session.flush()
        return graph.id


async def _credential_for(session, user, provider: str, kind: str, canary: str):
    if kind == "api_key":
        return await credentials.create_credential(
            session,
            user,
            provider=provider,
            type=kind,
            title="Canary",
            api_key=canary,
            meta={"base_url": "http://10.9.8.7/v1"} if provider == "openai" else None,
        )
    if kind == "user_password":
        return await credentials.create_credential(
            session,
            user,
            provider=provider,
            type=kind,
            title="Canary",
            username="canary-user",
            password=canary,
            meta={"host": "127.0.0.1", "port": 2525} if provider == "smtp" else None,
        )
    if kind == "oauth2":
        return await credentials.create_credential(
            session,
            user,
            provider=provider,
            type=kind,
            title="Canary",
            client_id="canary-client",
            client_secret=canary,
            refresh_token=canary,
            meta={"token_uri": "http://127.0.0.1:9/token"},
        )
    return await credentials.create_credential(
        session, user, provider=provider, type=kind, title="Canary", host="127.0.0.1", headers={"X-Canary": canary}
    )


async def test_canary_secret_appears_nowhere(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = await make_user()
    token = None
    r = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "violet-harbour-42"})
    token = r.json()["access_token"]
    canary = "canary-" + uuid.uuid4().hex
    seen_blocks = with_secret = 0
    for block in list_blocks():
        example = block.examples[0] if block.examples else None
        defaults = {k: v for k, v in (example.input if example else {}).items() if k != "credentials"}
        if block.timeout_seconds and "seconds" in defaults:
            defaults["seconds"] = 0
        spec = GraphSpec.model_validate(
            {
                "name": f"Canary {block.name}",
                "nodes": [{"id": "n", "block_id": block.id, "input_default": defaults}],
                "links": [],
            }
        )
        async with session_scope() as s:
            for req in block.credentials:
                existing = await credentials.find_for_provider(s, user, req.provider, req.types[0])
                if not existing:
                    await _credential_for(s, user, req.provider, req.types[0], canary)
            graph_id = await _store(s, user, spec)
            graph = await graphs.get_graph(s, user, graph_id)
            chosen = await service.resolve_credentials(s, user, graph.credentials_input_schema, None)
            run = GraphExecution(graph_id=graph_id, graph_version=1, user_id=user.id, credentials=chosen)
            with_secret += bool(chosen)
            s.add(run)
        events = []

        async def listen(run_id=run.id, events=events):
            async with get_bus().subscribe(execution_channel(run_id)) as stream:
                async for event in stream:
                    events.append(event.model_dump_json())

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.01)
        await asyncio.wait_for(GraphRunner(run.id).run(), 60)
        await asyncio.sleep(0.05)
        listener.cancel()
        async with session_scope() as s:
            rows = [
                json.dumps(n.model_dump(mode="json"))
                for n in (await s.execute(select(NodeExecution).where(NodeExecution.graph_exec_id == run.id))).scalars()
            ]
            rows.append(json.dumps((await s.get(GraphExecution, run.id)).model_dump(mode="json")))
        api = await client.get(f"/api/v1/executions/{run.id}", headers=bearer(token))
        everything = "\n".join([*rows, *events, api.text])
        assert canary not in everything, f"{block.name} leaked the secret"
        seen_blocks += 1
    assert seen_blocks >= 40
    assert with_secret >= 5  # LLM, authenticated HTTP, e-mail…: the canary really reached blocks
    assert canary not in caplog.text
    listed = await client.get("/api/v1/credentials", headers=bearer(token))
    assert canary not in listed.text
