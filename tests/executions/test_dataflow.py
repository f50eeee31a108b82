"""Data-flow rules without a database: what runs next, with which inputs."""

from __future__ import annotations

from autogpt_app.executions.dataflow import DataFlow, apply_dynamic_pins
from autogpt_app.graphs.spec import GraphSpec
from tests.graphs.helpers import greeting_graph, iteration_graph


def test_dynamic_pins_fold_into_their_inputs():
    assert apply_dynamic_pins({"values_#_a": 1, "values": {"b": 2}, "x": 3}) == {"values": {"b": 2, "a": 1}, "x": 3}
    assert apply_dynamic_pins({"items_$_1": "b", "items_$_0": "a"}) == {"items": ["a", "b"]}


def test_nodes_without_links_start_and_run_inputs_fill_input_blocks():
    flow = DataFlow(GraphSpec.model_validate(greeting_graph()), {"name": "Ada"})
    [start] = flow.initial_runs()
    assert start.node_id == "in" and start.inputs["value"] == "Ada"
    [tpl] = flow.deliver("in", "result", "Ada")
    assert tpl.inputs == {"format": "Hello {{ name }}!", "values": {"name": "Ada"}}
    assert flow.deliver("in", "nothing-linked", 1) == []


def test_iteration_pairs_values_and_static_links_refeed():
    flow = DataFlow(GraphSpec.model_validate(iteration_graph()), {})
    assert {r.node_id for r in flow.initial_runs()} == {"items", "prefix"}
    assert flow.deliver("prefix", "output", ">") == []  # waits for item and key
    ready = []
    for i, item in enumerate(["a", "b"]):
        ready += flow.deliver("step", "item", item)
        ready += flow.deliver("step", "key", i)
    assert [r.inputs["values"] for r in ready] == [{"p": ">", "item": "a", "key": 0}, {"p": ">", "item": "b", "key": 1}]


def test_same_inputs_same_key():
    flow = DataFlow(GraphSpec.model_validate(greeting_graph()), {"name": "Ada"})
    assert (
        flow.initial_runs()[0].key
        == DataFlow(GraphSpec.model_validate(greeting_graph()), {"name": "Ada"}).initial_runs()[0].key
    )
    assert (
        flow.initial_runs()[0].key
        != DataFlow(GraphSpec.model_validate(greeting_graph()), {"name": "Bo"}).initial_runs()[0].key
    )


def test_a_link_from_part_of_an_output_takes_that_part_only():
    """AutoGPT links ``result_#_status`` (a key), ``items_$_0`` (an item): only that part travels."""
    from tests.graphs.helpers import FILL, OUTPUT, link, node

    spec = GraphSpec.model_validate(
        {
            "name": "Parts",
            "nodes": [
                node("make", FILL, format="x"),
                node("status", OUTPUT, name="status"),
                node("first", OUTPUT, name="first"),
            ],
            "links": [link("make", "output_#_status", "status", "value"), link("make", "output_$_0", "first", "value")],
        }
    )
    flow = DataFlow(spec, {})
    [status] = flow.deliver("make", "output", {"status": "sent", "id": "m-1"})
    assert status.node_id == "status" and status.inputs["value"] == "sent"
    [first] = flow.deliver("make", "output", ["a", "b"])
    assert first.node_id == "first" and first.inputs["value"] == "a"
    assert flow.deliver("make", "output", "plain text") == []  # no such part: nothing is sent
