"""Branching on a match: AutoGPT's IfInputMatchesBlock, with its id and pins.

The expected value is first read as the input's kind (text '10' matches the number 10, 'yes'
matches true, JSON text matches a dictionary), the way AutoGPT converts it before comparing.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin.conversion import convert_value
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


def _kind_of(value: Any) -> str | None:
    """The converter's type name for ``value``'s kind, or None when it has no such kind (None)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "dictionary"
    return None


def input_matches(given: Any, expected: Any) -> bool:
    """Whether ``given`` equals ``expected`` once ``expected`` is read as the kind of ``given``."""
    if given == expected:
        return True
    kind = _kind_of(given)
    if kind is None or expected is None:
        return False
    try:
        converted = convert_value(expected, kind)
    except ValueError:
        return False
    if kind == "string" and isinstance(converted, str):
        return given.strip() == converted.strip()
    return given == converted


class IfInputMatchesBlock(Block):
    """Sends a value down the 'yes' or the 'no' path depending on whether the input equals a value."""

    id = "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2"
    name = "If input matches"
    autogpt_name = "IfInputMatchesBlock"
    description = "Checks whether the input equals a value you set, and continues on the 'yes' or the 'no' path."
    categories = (BlockCategory.LOGIC,)

    class Input(BlockInput):
        input: Any = Field(description="The value to check, e.g. 10, 'approved' or true")
        value: Any = Field(description="The value it should equal (read as the same kind as the input)")
        yes_value: Any = Field(default=None, description="Sent on 'yes' when it matches (the input if left empty)")
        no_value: Any = Field(default=None, description="Sent on 'no' when it does not (the input if left empty)")

    class Output(BlockOutput):
        result: bool = Field(description="Whether the input matches")
        yes_output: Any = Field(description="The 'yes' value, when it matches")
        no_output: Any = Field(description="The 'no' value, when it does not")

    examples = (
        BlockExample(
            input={"input": 10, "value": 10, "yes_value": "Greater", "no_value": "Not greater"},
            output=[("result", True), ("yes_output", "Greater")],
        ),
        BlockExample(
            input={"input": 10, "value": 20, "yes_value": "Greater", "no_value": "Not greater"},
            output=[("result", False), ("no_output", "Not greater")],
        ),
        BlockExample(
            input={"input": 10, "value": "10"},
            output=[("result", True), ("yes_output", 10)],
            description="text is read as a number when the input is one",
        ),
        BlockExample(
            input={"input": True, "value": "yes", "yes_value": "go"}, output=[("result", True), ("yes_output", "go")]
        ),
        BlockExample(
            input={"input": 10, "value": "None", "yes_value": "Yes", "no_value": "No"},
            output=[("result", False), ("no_output", "No")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if input_matches(input.input, input.value):
            yield "result", True
            yield "yes_output", input.yes_value if input.yes_value is not None else input.input
        else:
            yield "result", False
            yield "no_output", input.no_value if input.no_value is not None else input.input
