"""A value feeds a pin of another type the way the link rule promises: converted when the node runs."""

from __future__ import annotations

import json

import pytest

from autogpt_app.executions.coercion import as_text, coerce_value
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.validation import find_problems
from tests.executions.test_runner import finished, make_user, start
from tests.graphs.helpers import CALC, FILL, OUTPUT, SHORT_TEXT, link, node

CREATE_DICT = "b924ddf4-de4f-4b56-9a85-358930dcbc91"


@pytest.mark.parametrize(
    ("value", "types", "expected"),
    [
        ({"city": "Zürich", "n": 2}, {"string"}, '{"city": "Zürich", "n": 2}'),
        ([1, "two"], {"string"}, '[1, "two"]'),
        (3.5, {"string"}, "3.5"),
        (42.0, {"string"}, "42"),
        (True, {"string"}, "true"),
        (" 42 ", {"integer"}, 42),
        ("4.0", {"integer"}, 4),
        ("4.5", {"integer"}, "4.5"),  # not a whole number: the block's own check names the problem
        ("2.5", {"number"}, 2.5),
        ("7", {"number"}, 7),
        ("Yes", {"boolean"}, True),
        ("off", {"boolean"}, False),
        ("maybe", {"boolean"}, "maybe"),
        ('["a", "b"]', {"array"}, ["a", "b"]),
        ('{"a": 1}', {"object"}, {"a": 1}),
        ("not json", {"array"}, "not json"),
        (5, {"integer", "number"}, 5),
        (None, {"string"}, None),
        ("text", set(), "text"),
    ],
)
def test_a_value_is_converted_to_the_type_an_input_takes(value, types, expected) -> None:
    assert coerce_value(value, types) == expected


def test_text_of_a_dictionary_is_json_a_person_can_read() -> None:
    assert json.loads(as_text({"emoji": "🙂"})) == {"emoji": "🙂"} and "🙂" in as_text({"emoji": "🙂"})


def _agent() -> dict:
    """A dictionary into a text input, a number into a text input, text into a number input."""
    return {
        "name": "Mixed types",
        "nodes": [
            node("in", SHORT_TEXT, name="count"),
            node("double", CALC, operation="Multiply", b=2),
            node("dict", CREATE_DICT, values={"city": "Lisbon"}),
            node("dict_text", FILL, format="unused"),
            node("num_text", FILL, format="unused"),
            node("out_dict", OUTPUT, name="as_text"),
            node("out_num", OUTPUT, name="number_text"),
        ],
        "links": [
            link("in", "result", "double", "a"),
            link("dict", "dictionary", "dict_text", "format"),
            link("double", "result", "num_text", "format"),
            link("dict_text", "output", "out_dict", "value"),
            link("num_text", "output", "out_num", "value"),
        ],
    }


async def test_links_between_types_validate_and_run_converted() -> None:
    assert find_problems(GraphSpec.model_validate(_agent())) == []
    user = await make_user()
    execution_id = await start(user, _agent(), count="21")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"as_text": ['{"city": "Lisbon"}'], "number_text": ["42"]}
