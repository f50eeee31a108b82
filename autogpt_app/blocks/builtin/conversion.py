"""Conversion blocks: convert a value to another type, count items, and step through items one by one.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import INTEGER, AnyDict, AnyList, parse_json
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

MAX_STEP_ITEMS = 10_000


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, dict):
        return "a dictionary"
    if isinstance(value, list | tuple):
        return "a list"
    return "a value of an unsupported kind"


class CountItemsBlock(Block):
    """Counts the items of a list, the entries of a dictionary or the characters of a text."""

    id = "3c9c2f42-b0c3-435f-ba35-05f7a25c772a"
    name = "Count items"
    autogpt_name = "CountItemsBlock"
    description = "Counts the items in a list, the entries in a dictionary, or the characters in a text."
    categories = (BlockCategory.DATA, BlockCategory.LOGIC)

    class Input(BlockInput):
        collection: Any = Field(description="The list, dictionary or text to count")

    class Output(BlockOutput):
        count: int = Field(description="How many items there are")

    examples = (
        BlockExample(input={"collection": [1, 2, 3, 4, 5]}, output=[("count", 5)]),
        BlockExample(input={"collection": {"a": 1, "b": 2}}, output=[("count", 2)]),
        BlockExample(input={"collection": "hello"}, output=[("count", 5)]),
        BlockExample(input={"collection": 42}, output=[("error", "Cannot count the items of a number.")]),
    )

    async def run(self, input: Input, context: RunContext):
        value = input.collection
        if isinstance(value, str | list | tuple | dict | set):
            yield "count", len(value)
        else:
            yield "error", f"Cannot count the items of {_kind(value)}."


class StepThroughItemsBlock(Block):
    """Sends the items of a list or dictionary on one at a time, with each one's position or key."""

    id = "f66a3543-28d3-4ab5-8945-9b336371e2ce"
    name = "Step through items"
    autogpt_name = "StepThroughItemsBlock"
    description = "Goes through a list (or dictionary) and sends each item on by itself, one after another."
    categories = (BlockCategory.LOGIC, BlockCategory.DATA)

    class Input(BlockInput):
        items: AnyList | AnyDict = Field(default_factory=list, description="The list or dictionary to go through")
        items_object: AnyDict = Field(default_factory=dict, description="A dictionary to go through (same as 'items')")
        items_str: str = Field(default="", description="A list or dictionary written as JSON text")

    class Output(BlockOutput):
        item: Any = Field(description="The current item")
        key: Any = Field(description="Its position (for a list, from 0) or key (for a dictionary)")

    examples = (
        BlockExample(
            input={"items": [1, "two", {"k": "v"}]},
            output=[("item", 1), ("key", 0), ("item", "two"), ("key", 1), ("item", {"k": "v"}), ("key", 2)],
        ),
        BlockExample(input={"items": {"a": 1, "b": 2}}, output=[("item", 1), ("key", "a"), ("item", 2), ("key", "b")]),
        BlockExample(input={"items_str": '["x", "y"]'}, output=[("item", "x"), ("key", 0), ("item", "y"), ("key", 1)]),
        BlockExample(input={"items": []}, output=[], description="nothing to step through"),
        BlockExample(
            input={"items_str": "[1, 2"},
            output=[("error", "items_str is not valid JSON: Expecting ',' delimiter (line 1, column 6).")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        sources: list[AnyList | AnyDict] = []
        for data in (input.items, input.items_object):
            if data:
                sources.append(data)
        if input.items_str.strip():
            try:
                parsed = parse_json(input.items_str, "items_str")
            except ValueError as exc:
                yield "error", str(exc)
                return
            if not isinstance(parsed, list | dict):
                yield "error", f"items_str must be a list or a dictionary, not {_kind(parsed)}."
                return
            if parsed:
                sources.append(parsed)
        total = sum(len(s) for s in sources)
        if total > MAX_STEP_ITEMS:
            yield "error", f"There are {total:,} items: more than {MAX_STEP_ITEMS:,} items cannot be stepped through."
            return
        for source in sources:
            pairs = source.items() if isinstance(source, dict) else enumerate(source)
            for key, item in pairs:
                yield "item", item
                yield "key", key


TypeName = Literal["string", "number", "boolean", "list", "dictionary"]
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0", ""}


def convert_value(value: Any, target: str) -> Any:
    """Convert ``value`` to ``target`` (one of :data:`TypeName`).

    Raises:
        ValueError: with a readable reason when the conversion makes no sense.
    """
    if target == "string":
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if target == "number":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            text = value.strip().replace("_", "")
            if INTEGER.fullmatch(text):
                return int(text)
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"'{value[:100]}' is not a number.") from None
            if not math.isfinite(number):
                raise ValueError(f"'{value[:100]}' is not a finite number.")
            return number
        raise ValueError(f"Cannot turn {_kind(value)} into a number.")
    if target == "boolean":
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(f"'{value[:100]}' is not true or false (try yes/no, true/false or 1/0).")
        return bool(value)
    if target == "list":
        if value is None:
            return []
        if isinstance(value, list | tuple | set):
            return list(value)
        if isinstance(value, dict):
            return [[k, v] for k, v in value.items()]
        if isinstance(value, str) and value.strip().startswith("["):
            return parse_json(value)
        return [value]
    if target == "dictionary":
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        if isinstance(value, list | tuple):
            return {str(i): v for i, v in enumerate(value)}
        if isinstance(value, str):
            parsed = parse_json(value)
            if isinstance(parsed, dict):
                return parsed
            raise ValueError(f"The text is JSON for {_kind(parsed)}, not for a dictionary.")
        raise ValueError(f"Cannot turn {_kind(value)} into a dictionary.")
    raise ValueError(f"Unknown type '{target}'.")


class UniversalTypeConverterBlock(Block):
    """Converts a value to text, a number, true/false, a list or a dictionary."""

    id = "95d1b990-ce13-4d88-9737-ba5c2070c97b"
    name = "Convert type"
    autogpt_name = "UniversalTypeConverterBlock"
    description = "Changes a value into another kind: text, number, true/false, list or dictionary."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        value: Any = Field(description="The value to convert")
        type: TypeName = Field(description="What to turn it into: string, number, boolean, list or dictionary")

    class Output(BlockOutput):
        value: Any = Field(description="The converted value")

    examples = (
        BlockExample(input={"value": " 42 ", "type": "number"}, output=[("value", 42)]),
        BlockExample(input={"value": {"a": [1]}, "type": "string"}, output=[("value", '{"a": [1]}')]),
        BlockExample(input={"value": "Yes", "type": "boolean"}, output=[("value", True)]),
        BlockExample(input={"value": "[1, 2]", "type": "list"}, output=[("value", [1, 2])]),
        BlockExample(input={"value": '{"a": 1}', "type": "dictionary"}, output=[("value", {"a": 1})]),
        BlockExample(input={"value": "twelve", "type": "number"}, output=[("error", "'twelve' is not a number.")]),
        BlockExample(
            input={"value": "[1, 2]", "type": "dictionary"},
            output=[("error", "The text is JSON for a list, not for a dictionary.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            yield "value", convert_value(input.value, input.type)
        except ValueError as exc:
            yield "error", str(exc)
