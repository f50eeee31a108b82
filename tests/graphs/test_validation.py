"""Graph validation names the node, the pin and the reason."""

from __future__ import annotations

import pytest

from autogpt_app.errors import InvalidInput
from autogpt_app.graphs.spec import GraphSpec, base_pin, split_dynamic_pin
from autogpt_app.graphs.validation import find_problems, pins_compatible, validate_graph
from tests.graphs.helpers import DROPDOWN, INPUT, OUTPUT, SHORT_TEXT, TOGGLE, echo_graph, link, node


def problems(doc) -> list[tuple[str | None, str | None, str]]:
    return [(p.node_id, p.pin, p.message) for p in find_problems(GraphSpec.model_validate(doc))]


def test_valid_graph_has_no_problems():
    assert problems(echo_graph()) == []
    validate_graph(GraphSpec.model_validate(echo_graph()))


def test_unknown_block_is_named_with_its_node():
    doc = echo_graph()
    doc["nodes"].append(node("ghost", "11111111-2222-3333-4444-555555555555"))
    [(node_id, _pin, message)] = problems(doc)
    assert node_id == "ghost" and "Unknown block" in message


def test_unknown_pins_on_links_are_problems_but_unknown_values_are_kept():
    doc = echo_graph()
    doc["links"].append(link("in", "nope", "out", "value"))
    doc["links"].append(link("in", "result", "out", "missing_pin"))
    doc["nodes"][1]["input_default"]["colour"] = "red"  # e.g. a field an AutoGPT export carries
    found = problems(doc)
    assert ("in", "nope", "'Short text input' has no output 'nope'.") in found
    assert ("out", "missing_pin", "'Agent output' has no input 'missing_pin'.") in found
    assert not any(pin == "colour" for _n, pin, _m in found)


def test_missing_required_input_without_link_or_default():
    doc = echo_graph()
    del doc["nodes"][1]["input_default"]["name"]
    [(node_id, pin, message)] = problems(doc)
    assert (node_id, pin) == ("out", "name")
    assert "needs a value for 'name'" in message


def test_incompatible_pin_types():
    doc = {
        "name": "Bad types",
        "nodes": [node("flag", TOGGLE, name="flag"), node("d", DROPDOWN, name="choice")],
        "links": [link("flag", "result", "d", "placeholder_values")],
    }
    [(node_id, pin, message)] = problems(doc)
    assert (node_id, pin) == ("d", "placeholder_values")
    assert message == (
        "'Toggle input' output 'result' is true or false; 'Dropdown input' input 'placeholder_values' takes a list."
    )
    assert pins_compatible({"type": "boolean"}, {"type": "array"}) is False
    assert pins_compatible({"type": "integer"}, {"type": "number"}) is True
    assert pins_compatible({"type": "number"}, {"type": "string"}) is True
    assert pins_compatible({}, {"type": "array"}) is True
    assert pins_compatible({"anyOf": [{"type": "string"}, {"type": "null"}]}, {"type": "integer"}) is True
    assert pins_compatible({"type": "array"}, {"type": "object"}) is False


def test_a_loop_is_allowed_as_in_autogpt():
    """Any loop saves; the engine's node-run limit ends one that never stops (tests/graphs/test_import_fidelity.py)."""
    doc = {
        "name": "Loop",
        "nodes": [node("a", OUTPUT, name="a"), node("b", OUTPUT, name="b")],
        "links": [link("a", "output", "b", "value"), link("b", "output", "a", "value")],
    }
    assert problems(doc) == []


def test_too_many_nodes(monkeypatch):
    from autogpt_app.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_graph_nodes", 3)
    doc = {"name": "Big", "nodes": [node(f"n{i}", INPUT, name=f"x{i}") for i in range(4)], "links": []}
    assert any("at most 3" in m for _n, _p, m in problems(doc))


def test_duplicate_node_ids_and_dangling_links():
    doc = echo_graph()
    doc["nodes"].append(node("in", SHORT_TEXT, name="again"))
    doc["links"].append(link("nowhere", "result", "out", "value"))
    messages = [m for _n, _p, m in problems(doc)]
    assert any("share the id" in m for m in messages)
    assert any("does not exist" in m for m in messages)


def test_validate_graph_raises_with_details():
    doc = echo_graph()
    doc["nodes"].append(node("ghost", "11111111-2222-3333-4444-555555555555"))
    with pytest.raises(InvalidInput) as err:
        validate_graph(GraphSpec.model_validate(doc))
    assert err.value.code == "invalid_graph"
    assert err.value.details[0]["node_id"] == "ghost"


def test_dynamic_pins():
    assert base_pin("values_#_topic") == "values"
    assert base_pin("items_$_0") == "items"
    assert base_pin("plain") == "plain"
    assert split_dynamic_pin("values_#_topic") == ("values", "#", "topic")
    assert split_dynamic_pin("plain") is None


def test_empty_graph():
    assert any("no nodes" in m for _n, _p, m in problems({"name": "Empty", "nodes": [], "links": []}))
