"""The builder's edits (``graphs.editing``): each operation changes the working copy as the canvas
shows it, refuses what a browser must not do with a sentence, and echoes what the canvas must mirror."""

from __future__ import annotations

import copy
import time

import pytest

from autogpt_app.graphs import editing
from autogpt_app.graphs.editing import apply
from autogpt_app.settings import get_settings
from tests.graphs.helpers import CALC, FILL, LLM, OUTPUT, SHORT_TEXT, TOGGLE, echo_graph, link, node

COMBINE = "e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85"
ADD_TO_LIST = "aeb08fc1-2fc1-4141-bc8e-f758f183a822"
CRED = {"id": "cred-1", "provider": "openai", "type": "api_key", "title": "My key"}


def graph() -> dict:
    """in (short text) → out (output 'echo'), plus a template, a calculator and an LLM, unlinked."""
    doc = echo_graph()
    doc["nodes"] += [node("tpl", FILL, format="Hi {{ who }}"), node("calc", CALC), node("llm", LLM, prompt="Hi")]
    return doc


def ok(result: editing.EditResult) -> editing.EditResult:
    assert result.refusal is None, result.refusal
    return result


def refused(g: dict, op: dict) -> str:
    before = copy.deepcopy(g)
    result = apply(g, op)
    assert result.refusal and not result.changed and result.echo == []
    assert g == before, "a refused operation changes nothing"
    return result.refusal


def by_id(g: dict, node_id: str) -> dict:
    return next(n for n in g["nodes"] if n["id"] == node_id)


def test_empty_graph_and_its_problems():
    g = editing.empty_graph()
    assert g == {"name": "Untitled agent", "description": "", "nodes": [], "links": []}
    assert [p["message"] for p in editing.problems(g)] == ["The agent has no nodes."]
    assert editing.problems(echo_graph()) == []


def test_problems_name_the_node_and_pin_and_include_sub_agents():
    g = echo_graph()
    del by_id(g, "out")["input_default"]["name"]
    g["sub_graphs"] = [{"name": "Helper", "nodes": []}]
    found = editing.problems(g)
    assert found[0]["node_id"] == "out" and found[0]["pin"] == "name"
    assert found[1]["message"] == "Sub-agent 'Helper': The agent has no nodes."


def test_add_one_node_from_the_palette():
    g = graph()
    new = {"id": "n1", "block_id": SHORT_TEXT, "input_default": {"name": "city"}, "metadata": {"position": [5, 6]}}
    result = ok(apply(g, {"op": "add_nodes", "nodes": [new], "links": []}))
    assert result.changed and result.echo == []
    assert by_id(g, "n1") == {
        "id": "n1",
        "block_id": SHORT_TEXT,
        "input_default": {"name": "city"},
        "metadata": {"position": {"x": 5, "y": 6}},
    }


def test_paste_keeps_fitting_links_and_echoes_the_ones_dropped():
    g = graph()
    pasted = [node("a", SHORT_TEXT, name="a"), node("b", CALC), node("c", OUTPUT, name="c")]
    good = link("a", "result", "c", "value")
    bad_types = link("b", "result", "tpl", "values")  # a number cannot feed a dictionary
    unknown = link("a", "result", "ghost", "value")
    result = ok(apply(g, {"op": "add_nodes", "nodes": pasted, "links": [good, bad_types, unknown]}))
    assert result.changed
    assert {n["id"] for n in g["nodes"]} >= {"a", "b", "c"}
    assert good in g["links"] and bad_types not in g["links"]
    keys = ("source_id", "source_name", "sink_id", "sink_name")
    assert result.echo == [{"op": "remove_links", "links": [{k: one[k] for k in keys} for one in (bad_types, unknown)]}]


def test_add_nodes_refusals():
    g = graph()
    assert "'nope'" in refused(g, {"op": "add_nodes", "nodes": [node("x", "nope")]})
    assert "already a node with the id 'in'" in refused(g, {"op": "add_nodes", "nodes": [node("in", SHORT_TEXT)]})
    twice = [node("x", SHORT_TEXT), node("x", SHORT_TEXT)]
    assert "'x'" in refused(g, {"op": "add_nodes", "nodes": twice})
    assert refused(g, {"op": "add_nodes", "nodes": []}) == "There is no node to add."
    assert refused(g, {"op": "add_nodes", "nodes": "lots"})
    assert refused(g, {"op": "add_nodes", "nodes": [{"id": "x", "block_id": SHORT_TEXT, "input_default": [1]}]})
    assert refused(g, {"op": "add_nodes", "nodes": [{"id": "x" * 101, "block_id": SHORT_TEXT}]})
    huge = node("x", SHORT_TEXT, name="x" * 1_100_000)
    assert "too large" in refused(g, {"op": "add_nodes", "nodes": [huge]})
    bad_title = node("x", SHORT_TEXT)
    bad_title["metadata"]["title"] = "t" * 201
    assert "200" in refused(g, {"op": "add_nodes", "nodes": [bad_title]})
    bad_credential = node("x", LLM, credentials={"secret": ["not", "a", "reference"]})
    assert refused(g, {"op": "add_nodes", "nodes": [bad_credential]}) == "The credential could not be read."


def test_add_nodes_refuses_a_disabled_block_by_id(monkeypatch):
    from autogpt_app.blocks.registry import find_block

    monkeypatch.setattr(type(find_block(CALC)), "disabled", True)
    assert refused(graph(), {"op": "add_nodes", "nodes": [node("x", CALC)]}) == (
        f"The block '{CALC}' is disabled on this platform."
    )


def test_add_nodes_refuses_going_over_the_node_limit(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_graph_nodes", 6)
    g = graph()  # 5 nodes
    assert ok(apply(g, {"op": "add_nodes", "nodes": [node("x", SHORT_TEXT)]})).changed
    message = refused(g, {"op": "add_nodes", "nodes": [node("y", SHORT_TEXT)]})
    assert message == "An agent can have at most 6 nodes; this would make 7."


def test_move_sets_positions_ignores_unknown_ids_and_refuses_non_numbers():
    g = graph()
    result = ok(apply(g, {"op": "move", "positions": {"in": [10, 20.5], "ghost": [1, 1]}}))
    assert result.changed and result.echo == []
    assert by_id(g, "in")["metadata"]["position"] == {"x": 10, "y": 20.5}
    assert not ok(apply(g, {"op": "move", "positions": {"in": [10, 20.5]}})).changed
    for bad in (["a", 1], [1], [True, 2], [float("nan"), 1], [1e12, 0], None):
        refused(g, {"op": "move", "positions": {"in": bad}})
    refused(g, {"op": "move", "positions": [["in", 1, 2]]})


def test_moving_300_nodes_is_fast():
    g = {"name": "Big", "nodes": [node(f"n{i}", SHORT_TEXT, name=f"n{i}") for i in range(300)], "links": []}
    g["links"] = [link(f"n{i}", "result", f"n{i + 1}", "value") for i in range(299)]
    started = time.perf_counter()
    for step in range(20):
        assert apply(g, {"op": "move", "positions": {"n150": [step, step + 1]}}).changed
    per_move = (time.perf_counter() - started) / 20
    assert per_move < 0.005, f"{per_move * 1000:.2f} ms per move"
    everything = {f"n{i}": [i, i] for i in range(300)}
    started = time.perf_counter()
    assert apply(g, {"op": "move", "positions": everything}).changed
    assert time.perf_counter() - started < 0.05


def test_delete_removes_nodes_their_links_and_given_links():
    g = graph()
    g["links"].append(link("in", "result", "tpl", "values_#_who"))
    g["links"].append(link("calc", "result", "out", "value"))
    result = ok(apply(g, {"op": "delete", "nodes": ["calc"], "links": [link("in", "result", "out", "value")]}))
    assert result.changed and result.echo == []
    assert "calc" not in {n["id"] for n in g["nodes"]}
    assert g["links"] == [link("in", "result", "tpl", "values_#_who")]
    assert not ok(apply(g, {"op": "delete", "nodes": ["ghost"], "links": []})).changed
    refused(g, {"op": "delete", "nodes": [["in"]]})
    refused(g, {"op": "delete", "links": [{"source_id": ["in"]}]})


def test_connect_adds_the_link_and_echoes_it():
    g = graph()
    g["links"] = []
    new = link("in", "result", "out", "value")
    result = ok(apply(g, {"op": "connect", "link": new}))
    assert result.changed and g["links"] == [new]
    assert result.echo == [{"op": "add_link", "link": new}]


def test_connect_clears_a_typed_value_of_the_sink_and_echoes_the_new_values():
    g = graph()
    by_id(g, "calc")["input_default"] = {"a": 2, "b": 3, "operation": "Add"}
    result = ok(apply(g, {"op": "connect", "link": link("in", "result", "calc", "a")}))
    assert result.echo[1] == {"op": "set_inputs", "node": "calc", "input_default": {"b": 3, "operation": "Add"}}
    assert by_id(g, "calc")["input_default"] == {"b": 3, "operation": "Add"}
    by_id(g, "tpl")["input_default"]["values"] = {"who": "Ada", "day": "Monday"}
    result = ok(apply(g, {"op": "connect", "link": link("in", "result", "tpl", "values_#_who")}))
    assert by_id(g, "tpl")["input_default"]["values"] == {"day": "Monday"}
    assert result.echo[1]["input_default"]["values"] == {"day": "Monday"}


def test_connect_accepts_extra_pins_of_growing_inputs():
    g = graph()
    g["nodes"].append(node("list", ADD_TO_LIST))
    ok(apply(g, {"op": "connect", "link": link("in", "result", "tpl", "values_#_who")}))
    ok(apply(g, {"op": "connect", "link": link("in", "result", "list", "entries_$_0")}))
    assert "no input 'format_#_x'" in refused(g, {"op": "connect", "link": link("in", "result", "tpl", "format_#_x")})
    assert "no input 'entries_$_x'" in refused(
        g, {"op": "connect", "link": link("in", "result", "list", "entries_$_x")}
    )


def test_connect_refusals():
    g = graph()
    assert refused(g, {"op": "connect", "link": link("in", "result", "ghost", "value")}) == (
        "A link must join two nodes of this agent."
    )
    assert refused(g, {"op": "connect", "link": link("in", "result", "in", "value")}) == (
        "A node cannot be linked to itself."
    )
    assert refused(g, {"op": "connect", "link": link("in", "nope", "out", "value")}) == (
        "'Short text input' has no output 'nope'."
    )
    assert refused(g, {"op": "connect", "link": link("in", "result", "out", "nope")}) == (
        "'Agent output' has no input 'nope'."
    )
    assert refused(g, {"op": "connect", "link": link("in", "result", "out", "value")}) == (
        "These two pins are already linked."
    )
    assert refused(g, {"op": "connect", "link": link("calc", "result", "tpl", "values")}) == (
        "'Calculator' output 'result' is a number; 'Fill text template' input 'values' takes a dictionary."
    )
    assert "side panel" in refused(g, {"op": "connect", "link": link("in", "result", "llm", "credentials")})
    assert refused(g, {"op": "connect", "link": {"source_id": "in"}}) == "The link could not be read."
    assert refused(g, {"op": "connect", "link": "in->out"}) == "The link could not be read."


def test_connect_refusal_names_the_node_by_its_title():
    g = graph()
    ok(apply(g, {"op": "set_meta", "node": "in", "title": "City"}))
    assert refused(g, {"op": "connect", "link": link("in", "nope", "out", "value")}) == "'City' has no output 'nope'."


def test_connect_refusal_and_the_save_problem_are_worded_alike():
    g = graph()
    g["nodes"].append(node("flag", TOGGLE, name="flag"))
    g["nodes"].append(node("join", COMBINE))
    bad = link("flag", "result", "join", "input")
    message = refused(g, {"op": "connect", "link": bad})
    assert message == "'Toggle input' output 'result' is true or false; 'Combine texts' input 'input' takes a list."
    g["links"].append(bad)
    assert message in [p["message"] for p in editing.problems(g)]


def test_set_input_sets_and_removes_a_value():
    g = graph()
    result = ok(apply(g, {"op": "set_input", "node": "calc", "name": "a", "value": 2}))
    assert result.changed and result.echo == [{"op": "set_inputs", "node": "calc", "input_default": {"a": 2}}]
    assert not ok(apply(g, {"op": "set_input", "node": "calc", "name": "a", "value": 2})).changed
    result = ok(apply(g, {"op": "set_input", "node": "calc", "name": "a", "value": None}))
    assert result.echo == [{"op": "set_inputs", "node": "calc", "input_default": {}}]
    assert not ok(apply(g, {"op": "set_input", "node": "calc", "name": "a", "value": None})).changed
    ok(apply(g, {"op": "set_input", "node": "tpl", "name": "values_#_who", "value": "Ada"}))
    assert by_id(g, "tpl")["input_default"]["values_#_who"] == "Ada"
    ok(apply(g, {"op": "set_input", "node": "tpl", "name": "values", "value": {"a": [1, {"b": None}]}}))


def test_set_input_refusals():
    g = graph()
    assert refused(g, {"op": "set_input", "node": "ghost", "name": "a", "value": 1}) == (
        "That node is no longer in the agent."
    )
    assert refused(g, {"op": "set_input", "node": "calc", "name": "nope", "value": 1}) == (
        "'Calculator' has no input 'nope'."
    )
    assert refused(g, {"op": "set_input", "node": "out", "name": "value", "value": "x"}) == (
        "'Value' is connected: remove the link to type a value."
    )
    assert "side panel" in refused(g, {"op": "set_input", "node": "llm", "name": "credentials", "value": CRED})
    assert "too large" in refused(g, {"op": "set_input", "node": "tpl", "name": "format", "value": "x" * 100_001})
    assert refused(g, {"op": "set_input", "node": "calc", "name": "a", "value": float("inf")})
    assert refused(g, {"op": "set_input", "node": "calc", "name": "a", "value": {1: 2}})
    assert refused(g, {"op": "set_input", "node": "calc", "name": "a", "value": object()})
    deep: list = []
    for _ in range(100):
        deep = [deep]
    assert "nested" in refused(g, {"op": "set_input", "node": "calc", "name": "a", "value": deep})
    assert refused(g, {"op": "set_input", "node": "calc", "name": 7, "value": 1})


def test_set_credential_stores_a_reference_only():
    g = graph()
    result = ok(apply(g, {"op": "set_credential", "node": "llm", "field": "credentials", "credential": CRED}))
    assert by_id(g, "llm")["input_default"]["credentials"] == CRED
    assert result.echo == [{"op": "set_inputs", "node": "llm", "input_default": {"prompt": "Hi", "credentials": CRED}}]
    extra = {**CRED, "id": "cred-2", "api_key": "sk-should-never-be-stored"}
    ok(apply(g, {"op": "set_credential", "node": "llm", "field": "credentials", "credential": extra}))
    assert by_id(g, "llm")["input_default"]["credentials"] == {**CRED, "id": "cred-2"}
    result = ok(apply(g, {"op": "set_credential", "node": "llm", "field": "credentials", "credential": None}))
    assert result.echo[0]["input_default"] == {"prompt": "Hi"}


def test_set_credential_refusals():
    g = graph()
    assert "no credential 'prompt'" in refused(
        g, {"op": "set_credential", "node": "llm", "field": "prompt", "credential": CRED}
    )
    assert "no credential" in refused(g, {"op": "set_credential", "node": "calc", "field": "credentials"})
    for bad in ({"provider": "openai"}, {"id": 5}, "cred-1", {"id": ""}):
        assert refused(g, {"op": "set_credential", "node": "llm", "field": "credentials", "credential": bad}) == (
            "The credential could not be read."
        )


def test_set_meta_renames_and_notes_and_empty_removes():
    g = graph()
    result = ok(apply(g, {"op": "set_meta", "node": "in", "title": "  City ", "note": "Where to look"}))
    metadata = {"position": {"x": 0, "y": 0}, "title": "City", "note": "Where to look"}
    assert by_id(g, "in")["metadata"] == metadata
    assert result.echo == [{"op": "set_meta", "node": "in", "metadata": metadata}]
    result = ok(apply(g, {"op": "set_meta", "node": "in", "title": ""}))
    assert "title" not in by_id(g, "in")["metadata"] and result.echo[0]["metadata"]["note"] == "Where to look"
    assert not ok(apply(g, {"op": "set_meta", "node": "in", "title": ""})).changed
    assert "200" in refused(g, {"op": "set_meta", "node": "in", "title": "x" * 201})
    assert "2,000" in refused(g, {"op": "set_meta", "node": "in", "note": "x" * 2001})
    assert refused(g, {"op": "set_meta", "node": "in", "title": 5}) == "The title must be text."
    assert refused(g, {"op": "set_meta", "node": "in"}) == "There is nothing to change."


def test_add_pin_to_growing_inputs():
    g = graph()
    g["nodes"].append(node("list", ADD_TO_LIST))
    result = ok(apply(g, {"op": "add_pin", "node": "tpl", "name": "values_#_who"}))
    assert by_id(g, "tpl")["metadata"]["pins"] == ["values_#_who"]
    assert result.echo == [{"op": "set_meta", "node": "tpl", "metadata": by_id(g, "tpl")["metadata"]}]
    assert not ok(apply(g, {"op": "add_pin", "node": "tpl", "name": "values_#_who"})).changed
    ok(apply(g, {"op": "add_pin", "node": "list", "name": "entries_$_0"}))
    assert "takes no extra pins" in refused(g, {"op": "add_pin", "node": "tpl", "name": "format_#_x"})
    assert "no input" in refused(g, {"op": "add_pin", "node": "tpl", "name": "values"})
    assert "numbered" in refused(g, {"op": "add_pin", "node": "list", "name": "entries_$_first"})
    assert "1 to 100" in refused(g, {"op": "add_pin", "node": "tpl", "name": "values_#_" + "k" * 101})
    assert "printable" in refused(g, {"op": "add_pin", "node": "tpl", "name": "values_#_ \t"})
    for i in range(99):
        ok(apply(g, {"op": "add_pin", "node": "tpl", "name": f"values_#_k{i}"}))
    assert "at most 100" in refused(g, {"op": "add_pin", "node": "tpl", "name": "values_#_one_more"})


def test_set_info_names_and_describes_the_agent():
    g = graph()
    result = ok(apply(g, {"op": "set_info", "name": " Echo 2 ", "description": "New words"}))
    assert result.changed and result.echo == [] and (g["name"], g["description"]) == ("Echo 2", "New words")
    assert not ok(apply(g, {"op": "set_info", "name": "Echo 2"})).changed
    assert refused(g, {"op": "set_info", "name": "  "}) == "The agent needs a name."
    assert "200" in refused(g, {"op": "set_info", "name": "x" * 201})
    assert "10,000" in refused(g, {"op": "set_info", "description": "x" * 10_001})


def test_replace_takes_the_whole_graph_from_undo():
    g = graph()
    before = copy.deepcopy(g)
    ok(apply(g, {"op": "delete", "nodes": ["calc", "tpl"]}))
    result = ok(apply(g, {"op": "replace", "graph": before}))
    assert result.changed and result.echo == []
    assert g["nodes"] == before["nodes"] and g["links"] == before["links"]
    # Content that is not valid is allowed (it shows as problems); a broken structure is not.
    ok(apply(g, {"op": "replace", "graph": {"nodes": [node("x", "no-such-block")], "links": []}}))
    assert g["name"] == "Echo" and editing.problems(g)[0]["message"] == "Unknown block 'no-such-block'."
    assert "could not be read" in refused(g, {"op": "replace", "graph": {"nodes": [{"id": "x"}]}})
    assert refused(g, {"op": "replace", "graph": [1]}) == "The agent could not be read."
    assert "too large (at most 5 MB)" in refused(g, {"op": "replace", "graph": {"description": "x" * 5_000_001}})
    assert "needs its id" in refused(g, {"op": "replace", "graph": {"nodes": [{"block_id": SHORT_TEXT}]}})


def test_a_value_one_edit_accepted_is_accepted_again_by_paste_and_undo():
    g = graph()
    deep: list = []
    for _ in range(63):
        deep = [deep]
    ok(apply(g, {"op": "set_input", "node": "calc", "name": "a", "value": deep}))
    copied = copy.deepcopy(by_id(g, "calc"))
    ok(apply(g, {"op": "add_nodes", "nodes": [{**copied, "id": "calc2"}]}))
    ok(apply(g, {"op": "replace", "graph": copy.deepcopy(g)}))
    assert by_id(g, "calc2")["input_default"]["a"] == deep


def test_replace_refuses_more_nodes_than_allowed(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_graph_nodes", 2)
    g = graph()
    message = refused(g, {"op": "replace", "graph": graph()})
    assert message == "An agent can have at most 2 nodes; this one has 5."


@pytest.mark.parametrize(
    "op",
    [
        None,
        [],
        {},
        {"op": 5},
        {"op": "explode"},
        {"op": "move"},
        {"op": "move", "positions": {"in": {"x": "1"}}},
        {"op": "delete", "nodes": "in"},
        {"op": "connect"},
        {"op": "set_input"},
        {"op": "set_credential", "node": "llm"},
        {"op": "set_meta", "node": 5},
        {"op": "add_pin", "node": "tpl", "name": None},
        {"op": "set_info", "name": None},
        {"op": "replace", "graph": {"nodes": "x"}},
        {"op": "add_nodes", "nodes": [None], "links": None},
        {"op": "add_nodes", "nodes": [node("x", SHORT_TEXT)] * 5001},
    ],
)
def test_malformed_operations_are_refused_never_raised(op):
    g = graph()
    assert refused(g, op)


def test_problems_of_300_nodes_are_quick_enough_to_show_after_every_edit():
    g = {"name": "Big", "nodes": [node(f"n{i}", SHORT_TEXT, name=f"n{i}") for i in range(300)], "links": []}
    g["links"] = [link(f"n{i}", "result", f"n{i + 1}", "value") for i in range(299)]
    editing.problems(g)
    started = time.perf_counter()
    assert editing.problems(g) == []
    assert time.perf_counter() - started < 0.2
