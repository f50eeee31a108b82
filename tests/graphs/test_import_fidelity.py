"""What an import keeps, reports and refuses: fields no block uses, loops, links into sub-agents by
input name, sub-agent references, and missing blocks named by their AutoGPT names."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import portable
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.ui.components.upload_dialog import ignored_line
from tests.executions.test_runner import finished, make_user, start
from tests.executions.test_subagents import run
from tests.graphs.helpers import CALC, LLM, OUTPUT, SHORT_TEXT, STORE, greeting_graph, link, node
from tests.graphs.test_autogpt_fixtures import FIXTURES

SUBAGENT = portable.SUBAGENT_BLOCK_ID
EXECUTE_CODE = "0b02b072-abe7-11ef-8372-fb5d162dd712"


def _bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def _win_back() -> bytes:
    return (FIXTURES / "agent_31d7abc3-e191-5cac-b3be-3e603fc49314.json").read_bytes()


async def _graph_count(user) -> int:
    async with session_scope() as s:
        return (await s.execute(select(func.count()).select_from(Graph).where(Graph.owner_id == user.id))).scalar_one()


# --- fields no block here uses ---------------------------------------------------------------------


def test_preview_reports_fields_no_block_uses_but_not_retry():
    preview = graphs.preview_import(_win_back(), filename="win-back.json")
    assert sorted((f["block"], f["field"]) for f in preview["ignored_fields"]) == [
        ("Long text input", "placeholder_values"),
        ("Long text input", "placeholder_values"),
        ("Short text input", "placeholder_values"),
        ("Short text input", "placeholder_values"),
    ]  # the AI text generator's ``retry`` is honoured by the engine's retry policy, so not listed
    assert ignored_line(preview["ignored_fields"]) == (
        "Ignored here: 'placeholder_values' (Short text input, Long text input)."
    )


async def test_unknown_fields_are_kept_through_import_and_export():
    doc = {
        "name": "Odd fields",
        "nodes": [
            node("in", SHORT_TEXT, name="topic", ollama_host="http://localhost:11434"),
            node("out", OUTPUT, name="echo", list_result=True, retry=2),
        ],
        "links": [link("in", "result", "out", "value")],
    }
    preview = graphs.preview_import(_bytes(doc))
    assert preview["ignored_fields"] == [
        {"node_id": "in", "block": "Short text input", "field": "ollama_host"},
        {"node_id": "out", "block": "Agent output", "field": "list_result"},
    ]
    assert ignored_line(preview["ignored_fields"]) == (
        "Ignored here: 'ollama_host' (Short text input), 'list_result' (Agent output)."
    )
    user = await make_user()
    async with session_scope() as s:
        saved = await graphs.import_graph(s, user, _bytes(doc))
        _name, text = await graphs.export_graph(s, user, saved.id)
    exported = {n["id"]: n["input_default"] for n in json.loads(text)["nodes"]}
    assert exported["in"]["ollama_host"] == "http://localhost:11434"
    assert exported["out"]["list_result"] is True and exported["out"]["retry"] == 2
    execution_id = await start(user, doc, topic="kept")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(user, execution_id)).outputs == {"echo": ["kept"]}


def test_ignored_line_groups_by_field_and_counts_the_rest():
    fields = [{"node_id": str(i), "block": "Short text input", "field": "placeholder_values"} for i in range(3)]
    fields += [{"node_id": "x", "block": f"B{i}", "field": f"f{i}"} for i in range(5)]
    line = ignored_line(fields)
    assert line.startswith("Ignored here: 'placeholder_values' (Short text input), 'f0' (B0)")
    assert line.endswith("and 2 more.")
    assert ignored_line([]) == ""


# --- missing blocks -------------------------------------------------------------------------------


def test_refusal_names_missing_blocks_by_autogpt_name_and_says_what_to_do():
    doc = {
        "name": "Needs code",
        "nodes": [
            node("code", EXECUTE_CODE, code="print(1)"),
            node("notion", "5246cc1d-34b7-452b-8fc5-3fb25fd8f542"),
            {**node("mystery", "00000000-1111-2222-3333-444444444444"), "metadata": {"block_name": "MysteryBlock"}},
            node("ghost", "99999999-1111-2222-3333-444444444444"),
        ],
        "links": [],
    }
    with pytest.raises(InvalidInput) as refused:
        graphs.preview_import(_bytes(doc))
    error = refused.value
    assert error.code == "unsupported_blocks"
    names = {d["name"]: d.get("reason") for d in error.details}
    assert names == {
        "ExecuteCodeBlock": "runs code, which this platform does not offer",
        "NotionReadPageBlock": None,
        "MysteryBlock": None,
        "unknown block 99999999-1111-2222-3333-444444444444": None,
    }
    assert "ExecuteCodeBlock (runs code, which this platform does not offer)" in error.message
    assert error.message.endswith("Remove these steps or replace them with blocks of this platform, then import again.")


async def test_a_wrapped_export_imports():
    user = await make_user()
    async with session_scope() as s:
        saved = await graphs.import_graph(s, user, _bytes({"graph": greeting_graph()}))
    assert saved.name == "Greeter" and len(saved.nodes) == 3


# --- loops ----------------------------------------------------------------------------------------


async def test_a_loop_runs_until_the_node_run_limit_stops_it(monkeypatch):
    from autogpt_app.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_node_runs", 12)
    doc = {
        "name": "Counts forever",
        "nodes": [node("zero", STORE, input=0), node("add", CALC, operation="Add", b=1), node("out", OUTPUT, name="n")],
        "links": [
            link("zero", "output", "add", "a"),
            link("add", "result", "add", "a"),  # feeds itself: never ends on its own
            link("add", "result", "out", "value"),
        ],
    }
    user = await make_user()
    execution_id = await start(user, doc)
    assert await GraphRunner(execution_id).run() == "FAILED"
    result = await finished(user, execution_id)
    assert "limit of 12 node runs" in result.error
    assert result.outputs["n"][:3] == [1, 2, 3]


# --- sub-agents -----------------------------------------------------------------------------------


def _child(graph_id: str = "child-id", version: int = 1) -> dict[str, Any]:
    return {**greeting_graph(), "id": graph_id, "version": version}


def _parent(ref: str, *, version: int = 1, agent_name: str | None = "Greeter", **extra: Any) -> dict[str, Any]:
    # ``data`` and ``retry``: fields AutoGPT's copies of sub-agent steps carry, never sub-agent inputs.
    values: dict[str, Any] = {
        "graph_id": ref,
        "graph_version": version,
        "user_id": "author",
        "data": {},
        "retry": 1,
        **extra,
    }
    if agent_name:
        values["agent_name"] = agent_name
    return {
        "name": "Parent",
        "nodes": [node("who", SHORT_TEXT, name="who"), node("sub", SUBAGENT, **values), node("out", OUTPUT, name="hi")],
        # AutoGPT links straight into the sub-agent's input by its name.
        "links": [link("who", "result", "sub", "name"), link("sub", "greeting", "out", "value")],
    }


async def _import_and_run(user, doc: dict[str, Any]) -> dict[str, list[Any]]:
    async with session_scope() as s:
        saved = await graphs.import_graph(s, user, _bytes(doc))
    execution_id = await run(user, saved.id, who="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    return (await finished(user, execution_id)).outputs


async def test_a_link_into_a_subagent_input_by_name_feeds_it():
    user = await make_user()
    doc = {**_parent("child-id"), "sub_graphs": [_child()]}
    assert await _import_and_run(user, doc) == {"hi": ["Hello Ada!"]}


async def test_a_subagent_with_another_id_is_found_by_version_name_and_inputs():
    user = await make_user()
    doc = {
        **_parent("authors-copy", version=4, input_schema={"properties": {"name": {}}}),
        "sub_graphs": [_child("exported-id", version=4), {**_child("other", version=4), "name": "Other"}],
    }
    assert await _import_and_run(user, doc) == {"hi": ["Hello Ada!"]}


async def test_an_unresolvable_subagent_refuses_the_file_and_saves_nothing():
    user = await make_user()
    for doc in (
        _parent("nowhere"),  # not in the file, not the importer's
        {**_parent("x", agent_name=None), "sub_graphs": [_child("a"), {**_child("b"), "name": "Greeter 2"}]},
    ):
        with pytest.raises(InvalidInput) as refused:
            graphs.preview_import(_bytes(doc))
        assert refused.value.code == "unresolved_subagent"
        assert refused.value.details[0]["node_id"] == "sub"
        with pytest.raises(InvalidInput):
            async with session_scope() as s:
                await graphs.import_graph(s, user, _bytes(doc))
    assert "'Greeter' (step sub)" in graphs_message(_parent("nowhere"))
    assert await _graph_count(user) == 0


def graphs_message(doc: dict[str, Any]) -> str:
    try:
        graphs.preview_import(_bytes(doc))
    except InvalidInput as exc:
        return exc.message
    raise AssertionError("not refused")


async def test_a_subagent_that_is_the_importers_own_agent_stays_pointed_at_it():
    user = await make_user()
    async with session_scope() as s:
        own = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
    doc = _parent(own.id)
    async with session_scope() as s:
        preview = await graphs.preview_import_for(s, user, _bytes(doc))
        assert preview["name"] == "Parent"
    assert await _import_and_run(user, doc) == {"hi": ["Hello Ada!"]}
    other = await make_user("eve@example.com")
    with pytest.raises(InvalidInput) as refused:
        async with session_scope() as s:
            await graphs.import_graph(s, other, _bytes(doc))
    assert refused.value.code == "unresolved_subagent"


def test_a_link_to_an_input_the_subagent_lacks_is_a_problem():
    doc = {**_parent("child-id"), "sub_graphs": [_child()]}
    doc["links"][0] = link("who", "result", "sub", "colour")
    with pytest.raises(InvalidInput) as refused:
        graphs.preview_import(_bytes(doc))
    assert refused.value.code == "invalid_graph"
    assert "The sub-agent 'Greeter' has no input 'colour'." in refused.value.message


def test_preview_credentials_include_the_subagents():
    child = copy.deepcopy(_child())
    child["nodes"].append(node("llm", LLM, prompt="Say hi", model="gpt-4o-mini"))
    doc = {**_parent("child-id"), "sub_graphs": [child]}
    preview = graphs.preview_import(_bytes(doc))
    assert preview["credentials_input_schema"]["properties"]


async def test_an_imported_agent_asks_for_its_subagents_credentials():
    child = copy.deepcopy(_child())
    child["nodes"].append(node("llm", LLM, prompt="Say hi", model="gpt-4o-mini"))
    user = await make_user()
    async with session_scope() as s:
        saved = await graphs.import_graph(s, user, _bytes({**_parent("child-id"), "sub_graphs": [child]}))
    [need] = saved.credentials_input_schema["properties"].values()
    assert need["nodes"] == [{"node_id": "Greeter/llm", "block": "AI text generator", "field": "credentials"}]


def test_a_secret_an_older_autogpt_block_took_as_input_is_kept_and_reported_not_refused():
    """Old AutoGPT templates link a bot token into ``discord_bot_token``; the token is a credential here."""
    discord_read = "df06086a-d5ac-4abb-9996-2ad0acb2eff7"
    store = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"
    doc = {
        "name": "Old Discord bot",
        "nodes": [node("token", store, input="DISCORD BOT API KEY HERE"), node("read", discord_read)],
        "links": [{"source_id": "token", "sink_id": "read", "source_name": "output", "sink_name": "discord_bot_token"}],
    }
    preview = graphs.preview_import(_bytes(doc))
    assert {"node_id": "read", "block": "Read Discord messages", "field": "discord_bot_token"}.items() <= (
        preview["ignored_fields"][0].items()
    )
    assert "credential" in preview["ignored_fields"][0]["reason"]
    assert preview["credentials_input_schema"]["properties"]  # the run asks for a Discord credential instead
    # Any other missing input is still a problem.
    doc["links"][0]["sink_name"] = "channel_nickname"
    with pytest.raises(InvalidInput, match="has no input 'channel_nickname'"):
        graphs.preview_import(_bytes(doc))
