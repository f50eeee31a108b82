"""Agents using the web blocks: an AutoGPT export imports as is (same block ids, pins and providers),
and a saved agent runs on the engine with the person's own key, its results stored and the key nowhere."""

from __future__ import annotations

import json

import pytest

from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import portable
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.schemas import credentials_input_schema
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.validation import validate_graph
from tests.executions.test_runner import finished, make_user
from tests.fakes.web_services import KEYS, serving

INPUT = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
SEARCH = "87840993-2053-44b7-8da4-187ad4ee518c"
EXTRACT = "436c3984-57fd-4b85-8e9a-459b356883bd"
WIKIPEDIA = "f5b0f5d0-1862-4d61-94be-3ad0fa772760"
WEATHER = "f7a8b2c3-6d4e-5f8b-9e7f-6d4e5f8b9e7f"
MAPS = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
YOUTUBE = "f3a8f7e1-4b1d-4e5f-9f2a-7c3d5a2e6b4c"


def credential(provider: str) -> dict[str, str]:
    """A credential reference as AutoGPT exports leave it in a node's defaults."""
    return {"id": "0b0c7c3e-aaaa-4bbb-8ccc-000000000001", "provider": provider, "type": "api_key", "title": "mine"}


def node(node_id: str, block_id: str, **defaults: object) -> dict[str, object]:
    return {"id": node_id, "block_id": block_id, "input_default": defaults, "metadata": {"position": {"x": 0, "y": 0}}}


def link(source: str, source_pin: str, sink: str, sink_pin: str) -> dict[str, object]:
    return {"source_id": source, "source_name": source_pin, "sink_id": sink, "sink_name": sink_pin, "is_static": False}


def test_an_autogpt_research_agent_imports_and_asks_for_the_same_keys() -> None:
    doc = {
        "name": "Research helper",
        "description": "Exported from AutoGPT",
        "nodes": [
            node("in", INPUT, name="topic", advanced=False),
            node("search", SEARCH, credentials=credential("jina")),
            node("read", EXTRACT, url="https://example.com/", raw_content=False, credentials=credential("jina")),
            node("wiki", WIKIPEDIA),
            node("weather", WEATHER, location="Paris", use_celsius=True, credentials=credential("openweathermap")),
            node("maps", MAPS, query="cafes", radius=5000, max_results=5, credentials=credential("google_maps")),
            node("video", YOUTUBE, youtube_url="https://youtu.be/dQw4w9WgXcQ"),
            node("out", OUTPUT, name="summary"),
        ],
        "links": [
            link("in", "result", "search", "query"),
            link("in", "result", "wiki", "topic"),
            link("search", "results", "out", "value"),
            link("maps", "place", "out", "value"),
            link("video", "transcript", "out", "value"),
        ],
    }

    spec = portable.spec_from_document(doc)
    validate_graph(spec)

    needs = credentials_input_schema(spec)["properties"]
    assert {(n["provider"], n["required"]) for n in needs.values()} >= {
        ("jina", False),
        ("openweathermap", True),
        ("google_maps", True),
    }


async def test_a_research_agent_runs_with_the_persons_brave_key(monkeypatch: pytest.MonkeyPatch) -> None:
    user = await make_user()
    doc = {
        "name": "Researcher",
        "nodes": [
            node("in", INPUT, name="topic"),
            node("search", SEARCH, max_results=2, with_page_text=False),
            node("out", OUTPUT, name="found"),
        ],
        "links": [link("in", "result", "search", "query"), link("search", "items", "out", "value")],
    }
    with serving(monkeypatch) as fake:
        async with session_scope() as s:
            await credentials.create_credential(
                s, user, provider="brave", type="api_key", title="My Brave key", api_key=KEYS["brave"]
            )
            graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
            run = await service.add_graph_execution(s, user, graph.id, inputs={"topic": "tide pools"})

        assert await GraphRunner(run.id).run() == "COMPLETED"

    result = await finished(user, run.id)
    [found] = result.outputs["found"]
    assert [item["title"] for item in found] == ["Brave tide pools 1", "Brave tide pools 2"]
    assert fake.requests[0].headers["x-subscription-token"] == KEYS["brave"]
    assert KEYS["brave"] not in json.dumps(result.model_dump(mode="json"))
