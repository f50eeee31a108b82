# ruff: noqa: F811  (pytest fixtures imported from test_llm_blocks are parameters here)
"""The Smart decision maker through the real engine on the real database: it offers the steps wired to
its tool pins to the model, runs the model's calls as node runs of the execution, feeds their results
back, and finishes within its step limit — also when the agent comes from an AutoGPT export."""

from __future__ import annotations

import json

from sqlalchemy import select

from autogpt_app.blocks.builtin.llm_agents import NO_TOOLS, SmartDecisionMakerBlock
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.models import NodeExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.validation import find_problems
from tests.blocks.test_llm_blocks import fresh_model_lists, loopback, server  # noqa: F401
from tests.executions.test_runner import finished, make_user
from tests.fakes import FakeOpenAIServer, RecordedRequest, Reply, ToolCall
from tests.graphs.helpers import CALC, FILL, OUTPUT, link, node

DECIDER = SmartDecisionMakerBlock.id


def decider_graph(**decider_inputs) -> dict:
    """A decision maker with two tools (a calculator and a greeting template) and an output; one tool
    linked from the plain ``tools`` pin (the builder), the other the way AutoGPT exports name it."""
    return {
        "name": "Helper",
        "nodes": [
            node("brain", DECIDER, prompt="Add 2 and 3, then greet Ada.", **decider_inputs),
            node("calc", CALC, operation="Add"),
            node("greet", FILL, format="Hello {{ name }}!"),
            node("out", OUTPUT, name="answer"),
        ],
        "links": [
            link("brain", "tools", "calc", "a"),  # as the builder links it
            link("brain", "tools", "calc", "b"),
            link("brain", "tools_^_greet_~_values_#_name", "greet", "values_#_name"),
            link("brain", "finished", "out", "value"),
        ],
    }


async def start(user, server: FakeOpenAIServer, doc: dict) -> str:
    async with session_scope() as s:
        await credentials.create_credential(
            s, user, provider="openai", type="api_key", title="Local", api_key="sk-" + "d" * 30,
            meta={"base_url": server.base_url},
        )  # fmt: skip
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await service.add_graph_execution(s, user, graph.id)
    return run.id


async def node_runs(execution_id: str) -> list[NodeExecution]:
    async with session_scope() as s:
        rows = await s.execute(
            select(NodeExecution).where(NodeExecution.graph_exec_id == execution_id).order_by(NodeExecution.seq)
        )
        return list(rows.scalars())


async def test_the_decision_maker_calls_two_wired_steps_and_finishes(server: FakeOpenAIServer) -> None:
    server.reply_tool_call("calculator", {"a": 2, "b": 3})
    server.reply_tool_call("fill_text_template", {"values_-_name": "Ada"})  # a wrong name: told, not run
    server.reply_tool_call("fill_text_template", {"values___name": "Ada"})
    server.reply_text("2 + 3 = 5, and I said: Hello Ada!")
    user = await make_user()
    execution_id = await start(user, server, decider_graph())
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"answer": ["2 + 3 = 5, and I said: Hello Ada!"]}

    first = server.completions[0].json
    tools = {t["function"]["name"]: t["function"] for t in first["tools"]}
    assert set(tools) == {"calculator", "fill_text_template"}
    assert set(tools["calculator"]["parameters"]["properties"]) == {"a", "b"}
    assert tools["calculator"]["parameters"]["required"] == ["a", "b"]
    assert tools["calculator"]["parameters"]["properties"]["a"]["type"] == "number"
    assert first["messages"][-1] == {"role": "user", "content": "Add 2 and 3, then greet Ada."}

    calc_result = server.completions[1].messages[-1]
    assert calc_result["role"] == "tool" and json.loads(calc_result["content"]) == {"result": 5.0}
    refusal = server.completions[2].messages[-1]["content"]
    assert refusal.startswith("Unknown arguments: values_-_name.")
    greeting = server.completions[3].messages[-1]
    assert json.loads(greeting["content"]) == {"output": "Hello Ada!"}
    assert len(server.completions) == 4

    runs = {(r.node_id, r.status) for r in await node_runs(execution_id)}
    assert runs == {("brain", "COMPLETED"), ("calc", "COMPLETED"), ("greet", "COMPLETED"), ("out", "COMPLETED")}
    [calc] = [r for r in await node_runs(execution_id) if r.node_id == "calc"]
    assert calc.inputs == {"operation": "Add", "a": 2, "b": 3} and calc.outputs == [["result", 5.0]]


async def test_the_step_limit_ends_the_loop_with_an_answer(server: FakeOpenAIServer) -> None:
    def keep_calling(request: RecordedRequest) -> Reply:
        if request.json.get("tools"):
            return Reply(tool_calls=[ToolCall("calculator", {"a": 1, "b": 1})])
        return Reply(content="I stopped after two steps.")

    server.responder = keep_calling
    user = await make_user()
    execution_id = await start(user, server, decider_graph(agent_mode_max_iterations=2))
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(user, execution_id)).outputs == {"answer": ["I stopped after two steps."]}
    assert len(server.completions) == 2
    last = server.completions[1].json
    assert "tools" not in last and "last step" in last["messages"][-1]["content"]
    assert [r.node_id for r in await node_runs(execution_id)].count("calc") == 1


async def test_a_provider_failure_fails_the_step_readably(server: FakeOpenAIServer) -> None:
    server.reply_error(401, "bad key")
    user = await make_user()
    execution_id = await start(user, server, decider_graph())
    assert await GraphRunner(execution_id).run() == "FAILED"
    error = (await finished(user, execution_id)).error
    assert "refused the API key (HTTP 401)" in error and "sk-ddd" not in error


def autogpt_export() -> dict:
    """How AutoGPT exports such an agent: extra pins, feedback links, a Claude model, UI metadata."""
    return {
        "id": "9f1c0000-0000-4000-8000-000000000001",
        "version": 3,
        "name": "Research helper",
        "description": "Exported from AutoGPT",
        "nodes": [
            {
                "id": "sdm-1",
                "block_id": DECIDER,
                "input_default": {
                    "prompt": "What is 20 + 22?",
                    "model": "claude-3-5-sonnet-latest",
                    "ollama_host": "localhost:11434",
                    "retry": 3,
                    "multiple_tool_calls": False,
                    "agent_mode_max_iterations": 0,
                    "conversation_compaction": True,
                    "credentials": {  # the exporter's Anthropic key: never theirs to use here
                        "id": "769f6af7-820b-4d5d-9b7a-ab82bbc165f0",
                        "provider": "anthropic",
                        "type": "api_key",
                        "title": "Anthropic",
                    },
                },
                "metadata": {"position": {"x": 0, "y": 0}},
            },
            {
                "id": "calc-1",
                "block_id": CALC,
                "input_default": {"operation": "Add"},
                "metadata": {"customized_name": "Adder"},
            },
            {"id": "out-1", "block_id": OUTPUT, "input_default": {"name": "answer"}, "metadata": {}},
        ],
        "links": [
            {"source_id": "sdm-1", "sink_id": "calc-1", "source_name": "tools_^_calc-1_~_a", "sink_name": "a"},
            {"source_id": "sdm-1", "sink_id": "calc-1", "source_name": "tools_^_calc-1_~_b", "sink_name": "b"},
            {"source_id": "calc-1", "sink_id": "sdm-1", "source_name": "result", "sink_name": "last_tool_output"},
            {
                "source_id": "sdm-1",
                "sink_id": "sdm-1",
                "source_name": "conversations",
                "sink_name": "conversation_history",
            },
            {"source_id": "sdm-1", "sink_id": "out-1", "source_name": "finished", "sink_name": "value"},
        ],
    }


async def test_an_autogpt_export_with_a_decision_maker_imports_and_runs(server: FakeOpenAIServer) -> None:
    assert find_problems(GraphSpec.model_validate(autogpt_export())) == []
    server.reply_tool_call("adder", {"a": 20, "b": 22})
    server.reply_text("42")
    user = await make_user()
    async with session_scope() as s:
        await credentials.create_credential(
            s, user, provider="openai", type="api_key", title="Local", api_key="sk-" + "e" * 30,
            meta={"base_url": server.base_url},
        )  # fmt: skip
        graph = await graphs.import_graph(s, user, json.dumps(autogpt_export()).encode(), filename="agent.json")
        run = await service.add_graph_execution(s, user, graph.id)
    assert await GraphRunner(run.id).run() == "COMPLETED"
    assert (await finished(user, run.id)).outputs == {"answer": ["42"]}
    # The endpoint does not serve Claude: the platform's model answered, and the run says so.
    assert {r.model for r in server.completions} == {"gpt-4o-mini"}
    [brain] = [r for r in await node_runs(run.id) if r.node_id == "sdm-1"]
    assert brain.notes == [
        "The model 'claude-3-5-sonnet-latest' is not served by your endpoint; used 'gpt-4o-mini' instead."
    ]
    assert server.completions[0].json["tools"][0]["function"]["description"].startswith("Adder: ")


async def test_outside_a_run_there_is_nothing_to_call() -> None:
    from autogpt_app.blocks.sdk import run_block

    assert await run_block(SmartDecisionMakerBlock(), {"prompt": "Hi"}) == [("error", NO_TOOLS)]
