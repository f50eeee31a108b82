"""The builder's state on the real database: what a person's canvas actions, panel edits, saves,
drafts and restores do, and what is sent back to the canvas."""

from __future__ import annotations

from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui.states.builder import BuilderState
from tests.graphs.helpers import FILL, LLM, OUTPUT, SHORT_TEXT, STEP, greeting_graph
from tests.ui.test_marketplace_state import call, make_user, state_for


def _node(node_id: str, block_id: str, **inputs) -> dict:
    return {"id": node_id, "block_id": block_id, "input_default": inputs, "metadata": {"position": {"x": 0, "y": 0}}}


def _ops(state: BuilderState) -> list[dict]:
    """The operations of the newest batch sent to the canvas."""
    batches = state.command["batches"]
    return batches[-1][1] if batches else []


async def _open(user, path: str = "/build") -> BuilderState:
    state = state_for(BuilderState, user, path)
    await call(state, "load")
    return state


async def test_building_an_agent_from_scratch_saves_it_as_a_new_agent_in_the_library():
    ada = await make_user()
    state = await _open(ada)
    assert state.page_status == "ready" and state.graph_id == "" and not state.dirty
    assert state.problems and not state.is_valid  # an empty agent cannot be saved

    nodes = [_node("in", SHORT_TEXT), _node("tpl", FILL), _node("out", OUTPUT)]
    await call(state, "act", {"op": "add_nodes", "nodes": nodes, "links": []})
    assert state.dirty
    # The canvas asks; the server connects and tells the canvas.
    link = {"source_id": "in", "source_name": "result", "sink_id": "tpl", "sink_name": "values_#_name"}
    await call(state, "act", {"op": "connect", "link": link})
    assert _ops(state)[0]["op"] == "add_link"
    second = {"source_id": "tpl", "source_name": "output", "sink_id": "out", "sink_name": "value"}
    await call(state, "act", {"op": "connect", "link": second})

    # Select each node and fill its inputs in the side panel, as a person does.
    typed = (("in", "name", "name"), ("tpl", "format", "Hello {{ name }}!"), ("out", "name", "greeting"))
    for node_id, name, text in typed:
        await call(state, "act", {"op": "select", "node": node_id})
        assert state.panel.node_id == node_id
        assert name in [f.name for f in state.panel.fields]
        await call(state, "set_node_input", name, text)
        assert _ops(state) == [{"op": "set_inputs", "node": node_id, "input_default": {name: text}}]
    assert state.is_valid, state.problems

    await call(state, "act", {"op": "select", "node": "out"})
    assert "value" in state.panel.connected  # a linked input is not typed in

    events = [e async for e in _drain(state, "save", {"note": "First cut"})]
    assert not state.dirty and state.version == 1
    redirect = next(e for e in events if e is not None)
    async with session_scope() as s:
        agents = (await library.list_library(s, ada)).items
        versions = await graphs.list_versions(s, ada, agents[0].graph_id)
    assert [a.source for a in agents] == ["created"]
    assert agents[0].graph_id in str(redirect)
    assert [(v.version, v.note, v.created_by_name) for v in versions] == [(1, "First cut", "Ada")]


async def _drain(state, handler: str, *a):
    """Run a handler that yields, as Reflex does, and yield what it yields."""
    gen = getattr(type(state), handler).fn(state, *a)
    async for item in gen:
        yield item


async def test_an_incompatible_connection_is_refused_with_the_reason_and_nothing_changes():
    ada = await make_user()
    state = await _open(ada)
    await call(state, "act", {"op": "add_nodes", "nodes": [_node("tpl", FILL), _node("step", STEP)], "links": []})
    seq = state.command["seq"]
    wrong = {"source_id": "tpl", "source_name": "output", "sink_id": "step", "sink_name": "items"}
    await call(state, "act", {"op": "connect", "link": wrong})
    assert "is text; 'Step through items' input 'items' takes a dictionary or a list" in state.notice
    assert state.command["seq"] == seq  # nothing for the canvas to draw
    assert state._working()["links"] == []


async def test_a_drag_sends_nothing_back_and_an_agent_opens_with_its_versions():
    ada = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()), note="v1")
    state = await _open(ada, f"/build/{graph.id}")
    assert [n["id"] for n in state.canvas_graph["nodes"]] == ["in", "tpl", "out"]
    assert state.is_valid and [v.version for v in state.versions] == [1]
    state.dirty_vars.clear()
    await call(state, "act", {"op": "move", "positions": {"tpl": [300, 40]}})
    # Only "unsaved changes" goes to the browser: no command, no problems, no panel.
    assert {v for v in state.dirty_vars if not v.startswith("_")} == {"dirty"}
    assert state._working()["nodes"][1]["metadata"]["position"] == {"x": 300, "y": 40}
    assert state.dirty


async def test_someone_elses_agent_is_not_found():
    ada, bob = await make_user(), await make_user("bob@example.com")
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()))
    state = await _open(bob, f"/build/{graph.id}")
    assert state.page_status == "not_found" and state.canvas_graph == {}


async def test_an_invalid_agent_is_kept_as_a_draft_that_opens_again_and_can_be_discarded():
    ada = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()))
    state = await _open(ada, f"/build/{graph.id}")
    await call(state, "act", {"op": "delete", "nodes": ["out"], "links": []})
    await call(state, "act", {"op": "add_nodes", "nodes": [_node("extra", FILL)], "links": []})
    assert not state.is_valid
    assert [e async for e in _drain(state, "save", {"note": ""})] == []
    assert "fix them" in state.notice and state.version == 1

    await call(state, "save_draft")
    again = await _open(ada, f"/build/{graph.id}")
    assert again.dirty and again.draft_saved
    assert sorted(n["id"] for n in again.canvas_graph["nodes"]) == ["extra", "in", "tpl"]
    await call(again, "discard_draft")
    reopened = await _open(ada, f"/build/{graph.id}")
    assert not reopened.dirty and sorted(n["id"] for n in reopened.canvas_graph["nodes"]) == ["in", "out", "tpl"]


async def test_restoring_an_old_version_makes_a_new_version_with_its_content():
    ada = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()))
    state = await _open(ada, f"/build/{graph.id}")
    await call(state, "set_name", "Greeter, louder")
    [_ async for _ in _drain(state, "save", {"note": "renamed"})]
    assert state.version == 2 and [v.version for v in state.versions] == [2, 1]

    await call(state, "restore", 1)
    state = await _open(ada, f"/build/{graph.id}")
    assert state.version == 3 and state.agent_name == "Greeter"
    newest = state.versions[0]
    assert (newest.version, newest.note) == (3, "Restored from version 1")


async def test_a_library_agent_id_opens_its_graph_as_the_copilot_links_it():
    ada, bob = await make_user(), await make_user("bob@example.com")
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()))
        entry = await library.add_graph(s, ada, graph.id, source="created")
    state = state_for(BuilderState, ada, f"/build/{entry.id}")
    event = await call(state, "load")
    assert f"/build/{graph.id}" in str(event)
    # Someone else's library entry is not found, and goes nowhere.
    state = state_for(BuilderState, bob, f"/build/{entry.id}")
    assert await call(state, "load") is None and state.page_status == "not_found"


async def test_restoring_over_unsaved_changes_asks_first_then_drops_the_draft():
    ada = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(greeting_graph()))
    state = await _open(ada, f"/build/{graph.id}")
    await call(state, "set_name", "Greeter, louder")
    [_ async for _ in _drain(state, "save", {"note": ""})]
    await call(state, "act", {"op": "delete", "nodes": ["out"], "links": []})
    await call(state, "save_draft")

    asked = await call(state, "restore", 1)
    assert "window.confirm" in str(asked) and state.version == 2  # nothing restored yet
    assert await call(state, "restore_confirmed", False) is None
    await call(state, "restore_confirmed", True)
    state = await _open(ada, f"/build/{graph.id}")
    assert state.version == 3 and not state.dirty and not state.draft_saved
    assert sorted(n["id"] for n in state.canvas_graph["nodes"]) == ["in", "out", "tpl"]


async def test_a_step_takes_only_the_persons_own_fitting_credential_from_the_picker():
    ada, bob = await make_user(), await make_user("bob@example.com")
    async with session_scope() as s:
        mine = await credentials.create_credential(
            s, ada, provider="openai", type="api_key", title="Ada's key", api_key="sk-ada-" + "q" * 30
        )
        theirs = await credentials.create_credential(
            s, bob, provider="openai", type="api_key", title="Bob's key", api_key="sk-bob-" + "q" * 30
        )
    state = await _open(ada)
    await call(state, "act", {"op": "add_nodes", "nodes": [_node("llm", LLM)], "links": []})
    await call(state, "act", {"op": "select", "node": "llm"})
    # The credential is a picker of her own fitting credentials, never a text field.
    assert "credentials" not in [f.name for f in state.panel.fields]
    [need] = state.panel.credentials
    assert [c.id for c in need.choices] == [mine.id]

    await call(state, "set_node_credential", "credentials", theirs.id)  # a forged choice
    assert state.panel_error and "credentials" not in state._working()["nodes"][0]["input_default"]
    await call(state, "set_node_credential", "credentials", mine.id)
    assert state._working()["nodes"][0]["input_default"]["credentials"]["id"] == mine.id
    assert _ops(state) == [
        {"op": "set_inputs", "node": "llm", "input_default": state._working()["nodes"][0]["input_default"]}
    ]


async def test_the_ask_before_running_switch_marks_the_step_and_the_saved_agent_keeps_it():
    ada = await make_user()
    state = await _open(ada)
    nodes = [_node("in", SHORT_TEXT, name="name"), _node("tpl", FILL, format="Hi"), _node("out", OUTPUT, name="o")]
    await call(state, "act", {"op": "add_nodes", "nodes": nodes, "links": []})
    await call(state, "act", {"op": "select", "node": "tpl"})
    assert state.panel.ask_before is False
    await call(state, "set_node_ask_before", True)
    assert state.panel_error == "", state.panel_error
    assert state.panel.ask_before
    assert _ops(state) == [
        {"op": "set_inputs", "node": "tpl", "input_default": {"format": "Hi", "ask_before_running": True}}
    ]
    # Selected again (a fresh panel), the switch shows what the step holds; switching off removes the flag.
    await call(state, "act", {"op": "select", "node": "out"})
    await call(state, "act", {"op": "select", "node": "tpl"})
    assert state.panel.ask_before is True
    assert not [p for p in state.problems if p.get("node_id") == "tpl"]  # the flag is no problem on any block
    await call(state, "set_node_ask_before", False)
    assert _ops(state) == [{"op": "set_inputs", "node": "tpl", "input_default": {"format": "Hi"}}]
