"""List blocks: create a list (optionally in batches), add, get, find, remove and replace items, check emptiness.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import AnyList
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


def _empty_list() -> AnyList:
    """A fresh list (a default for inputs named ``list``, where the builtin name is shadowed)."""
    return []


class CreateListBlock(Block):
    """Makes a list from values, optionally cut into batches of a maximum size."""

    id = "a912d5c7-6e00-4542-b2a9-8034136930e4"
    name = "Create list"
    autogpt_name = "CreateListBlock"
    description = "Makes a list from the values given, optionally in batches of a set size."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        values: AnyList = Field(description="The values, in order")
        max_size: int | None = Field(default=None, description="Send the list in batches of at most this many items")
        max_tokens: int | None = Field(
            default=None, description="Send the list in batches of at most about this many tokens (4 characters each)"
        )

    class Output(BlockOutput):
        list: AnyList = Field(description="The list (or one batch of it)")

    examples = (
        BlockExample(input={"values": ["Alice", 25, True]}, output=[("list", ["Alice", 25, True])]),
        BlockExample(input={"values": []}, output=[("list", [])], description="an empty list"),
        BlockExample(
            input={"values": [1, 2, 3, 4, 5], "max_size": 2}, output=[("list", [1, 2]), ("list", [3, 4]), ("list", [5])]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        max_size = input.max_size if input.max_size and input.max_size > 0 else None
        max_tokens = input.max_tokens if input.max_tokens and input.max_tokens > 0 else None
        if not max_size and not max_tokens:
            yield "list", list(input.values)
            return
        batch: AnyList = []
        tokens = 0
        for value in input.values:
            cost = math.ceil(len(json.dumps(value, default=str)) / 4) if max_tokens else 0
            if batch and ((max_size and len(batch) >= max_size) or (max_tokens and tokens + cost > max_tokens)):
                yield "list", batch
                batch, tokens = [], 0
            batch.append(value)
            tokens += cost
        yield "list", batch


class AddToListBlock(Block):
    """Adds an entry and/or several entries to a list, at the end or at a position; the list is not changed in place."""

    id = "aeb08fc1-2fc1-4141-bc8e-f758f183a822"
    name = "Add to list"
    autogpt_name = "AddToListBlock"
    description = "Adds an item (or several) to a list, at the end or at a chosen position."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        list: AnyList = Field(default_factory=_empty_list, description="The list to add to (new when empty)")
        entry: Any = Field(default=None, description="The item to add")
        entries: AnyList = Field(default_factory=_empty_list, description="Several items to add (before 'entry')")
        position: int | None = Field(default=None, description="Where to insert, counting from 0 (end when empty)")

    class Output(BlockOutput):
        updated_list: AnyList = Field(description="The list with the items added")

    examples = (
        BlockExample(input={"list": ["a", "b", "c"], "entry": "d"}, output=[("updated_list", ["a", "b", "c", "d"])]),
        BlockExample(input={"entry": "first"}, output=[("updated_list", ["first"])]),
        BlockExample(
            input={"list": ["a", "b"], "entry": "e", "entries": ["f", "g"], "position": 1},
            output=[("updated_list", ["a", "f", "g", "e", "b"])],
        ),
        BlockExample(input={"list": [1, 2], "entry": 9, "position": -1}, output=[("updated_list", [1, 9, 2])]),
    )

    async def run(self, input: Input, context: RunContext):
        added = [*input.entries, *([input.entry] if input.entry is not None else [])]
        items = input.list
        if input.position is None:
            yield "updated_list", [*items, *added]
        else:
            yield "updated_list", [*items[: input.position], *added, *items[input.position :]]


class GetListItemBlock(Block):
    """Returns the item at a position of a list (negative positions count from the end)."""

    id = "262ca24c-1025-43cf-a578-534e23234e97"
    name = "Get list item"
    autogpt_name = "GetListItemBlock"
    description = "Takes the item at a position in a list: 0 is the first, -1 the last."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        list: AnyList = Field(description="The list")
        index: int = Field(description="The position, counting from 0 (-1 is the last item)")

    class Output(BlockOutput):
        item: Any = Field(description="The item at that position")

    examples = (
        BlockExample(input={"list": [1, 2, 3], "index": 1}, output=[("item", 2)]),
        BlockExample(input={"list": [1, 2, 3], "index": -1}, output=[("item", 3)]),
        BlockExample(
            input={"list": [1, 2, 3], "index": 3},
            output=[("error", "There is no item at position 3: the list has 3 items.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        items = input.list
        if -len(items) <= input.index < len(items):
            yield "item", items[input.index]
        else:
            yield "error", f"There is no item at position {input.index}: the list has {len(items)} items."


class FindInListBlock(Block):
    """Finds the position of a value in a list."""

    id = "5e2c6d0a-1e37-489f-b1d0-8e1812b23333"
    name = "Find in list"
    autogpt_name = "FindInListBlock"
    description = "Finds where a value is in a list, and tells whether it is there at all."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        list: AnyList = Field(description="The list to search")
        value: Any = Field(description="The value to look for")

    class Output(BlockOutput):
        index: int = Field(description="The position of the first match, counting from 0")
        found: bool = Field(description="Whether the value is in the list")
        not_found_value: Any = Field(description="The value, when it is not in the list")

    examples = (
        BlockExample(input={"list": [1, 2, 3, 4, 5], "value": 3}, output=[("index", 2), ("found", True)]),
        BlockExample(input={"list": [1, 2, 3, 4, 5], "value": 6}, output=[("found", False), ("not_found_value", 6)]),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            index = input.list.index(input.value)
        except ValueError:
            yield "found", False
            yield "not_found_value", input.value
            return
        yield "index", index
        yield "found", True


def _no_position(index: int, size: int) -> str:
    return f"There is no item at position {index}: the list has {size} item{'' if size == 1 else 's'}."


class RemoveFromListBlock(Block):
    """Removes one item from a list, by position or by value; the list given is not changed in place."""

    id = "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826"
    name = "Remove from list"
    autogpt_name = "RemoveFromListBlock"
    description = "Takes an item out of a list, chosen by its position (0 is the first) or by its value."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        list: AnyList = Field(description="The list to remove from")
        value: Any = Field(default=None, description="The value to remove (its first occurrence)")
        index: int | None = Field(
            default=None, description="The position to remove, counting from 0 (-1 is the last); wins over value"
        )
        return_item: bool = Field(default=False, description="Also send the removed item on 'removed_item'")

    class Output(BlockOutput):
        updated_list: AnyList = Field(description="The list without the item")
        removed_item: Any = Field(description="The item removed, when asked for")

    examples = (
        BlockExample(
            input={"list": [1, 2, 3], "index": 1, "return_item": True},
            output=[("updated_list", [1, 3]), ("removed_item", 2)],
        ),
        BlockExample(input={"list": ["a", "b", "c", "b"], "value": "b"}, output=[("updated_list", ["a", "c", "b"])]),
        BlockExample(input={"list": ["a", "b"], "index": 5}, output=[("error", _no_position(5, 2))]),
        BlockExample(input={"list": ["a", "b"], "value": "z"}, output=[("error", "The value 'z' is not in the list.")]),
        BlockExample(
            input={"list": ["a"]}, output=[("error", "Give the position or the value of the item to remove.")]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        items = list(input.list)
        if input.index is not None:
            if not -len(items) <= input.index < len(items):
                yield "error", _no_position(input.index, len(items))
                return
            removed = items.pop(input.index)
        elif input.value is not None:
            if input.value not in items:
                yield "error", f"The value {input.value!r} is not in the list."
                return
            items.remove(input.value)
            removed = input.value
        else:
            yield "error", "Give the position or the value of the item to remove."
            return
        yield "updated_list", items
        if input.return_item:
            yield "removed_item", removed


class ReplaceListItemBlock(Block):
    """Puts a new value at a position of a list; the list given is not changed in place."""

    id = "fbf62922-bea1-4a3d-8bac-23587f810b38"
    name = "Replace list item"
    autogpt_name = "ReplaceListItemBlock"
    description = "Replaces the item at a position in a list with a new value, and gives back the old one."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        list: AnyList = Field(description="The list")
        index: int = Field(description="The position to replace, counting from 0 (-1 is the last)")
        value: Any = Field(description="The new value")

    class Output(BlockOutput):
        updated_list: AnyList = Field(description="The list with the new value")
        old_item: Any = Field(description="The value that was at that position")

    examples = (
        BlockExample(
            input={"list": [1, 2, 3], "index": 1, "value": 99}, output=[("updated_list", [1, 99, 3]), ("old_item", 2)]
        ),
        BlockExample(
            input={"list": ["a", "b"], "index": -1, "value": "c"},
            output=[("updated_list", ["a", "c"]), ("old_item", "b")],
        ),
        BlockExample(input={"list": [], "index": 0, "value": 1}, output=[("error", _no_position(0, 0))]),
    )

    async def run(self, input: Input, context: RunContext):
        items = list(input.list)
        if not -len(items) <= input.index < len(items):
            yield "error", _no_position(input.index, len(items))
            return
        old = items[input.index]
        items[input.index] = input.value
        yield "updated_list", items
        yield "old_item", old


class ListIsEmptyBlock(Block):
    """Tells whether a list has no items."""

    id = "896ed73b-27d0-41be-813c-c1c1dc856c03"
    name = "List is empty"
    autogpt_name = "ListIsEmptyBlock"
    description = "Tells whether a list is empty (has no items at all)."
    categories = (BlockCategory.DATA, BlockCategory.LOGIC)

    class Input(BlockInput):
        list: AnyList = Field(description="The list to check")

    class Output(BlockOutput):
        is_empty: bool = Field(description="Whether the list has no items")

    examples = (
        BlockExample(input={"list": []}, output=[("is_empty", True)]),
        BlockExample(input={"list": [None]}, output=[("is_empty", False)], description="an empty item is an item"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "is_empty", not input.list
