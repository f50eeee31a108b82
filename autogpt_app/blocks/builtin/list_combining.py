"""Blocks that combine or compare lists: concatenate, flatten, interleave, zip, difference, intersection.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import. Items
are compared by value, dictionaries and lists included (two equal dictionaries are the same item).
"""

from __future__ import annotations

import json
from itertools import zip_longest
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import AnyList
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

#: Deepest nesting a list may have to be flattened or measured (well inside Python's recursion limit).
MAX_LIST_DEPTH = 200
_ADVANCED = {"advanced": True}


def item_key(item: Any) -> str:
    """A text standing for ``item``'s value, so unhashable items (dictionaries, lists) can be compared."""
    return json.dumps(item, sort_keys=True, default=repr, ensure_ascii=False)


def _not_lists(lists: list[Any]) -> str | None:
    for position, item in enumerate(lists):
        if item is not None and not isinstance(item, list):
            return f"Item {position} of 'lists' is not a list; give a list of lists, e.g. [[1, 2], [3]]."
    return None


def _depth(items: AnyList) -> int:
    """How many list levels ``items`` has (an empty or flat list has 1), without recursion."""
    deepest, stack = 1, [(items, 1)]
    while stack:
        current, level = stack.pop()
        if level > MAX_LIST_DEPTH:
            raise ValueError(f"The list nests deeper than {MAX_LIST_DEPTH} levels.")
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in current if isinstance(child, list))
    return deepest


def _flatten(items: AnyList, max_depth: int, level: int = 0) -> AnyList:
    flat: AnyList = []
    for item in items:
        if isinstance(item, list) and (max_depth == -1 or level < max_depth):
            flat.extend(_flatten(item, max_depth, level + 1))
        else:
            flat.append(item)
    return flat


class ConcatenateListsBlock(Block):
    """Joins several lists into one, in order."""

    id = "3cf9298b-5817-4141-9d80-7c2cc5199c8e"
    name = "Concatenate lists"
    autogpt_name = "ConcatenateListsBlock"
    description = "Joins several lists into one list, in order; can drop repeats and empty items."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        lists: AnyList = Field(description="The lists to join, as a list of lists, e.g. [[1, 2], [3]]")
        deduplicate: bool = Field(
            default=False, description="Keep only the first of equal items", json_schema_extra=_ADVANCED
        )
        remove_none: bool = Field(
            default=False, description="Leave out empty (null) items", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        concatenated_list: AnyList = Field(description="All the items, in order")
        length: int = Field(description="How many items there are")

    examples = (
        BlockExample(
            input={"lists": [[1, 2, 3], [4, 5]]}, output=[("concatenated_list", [1, 2, 3, 4, 5]), ("length", 5)]
        ),
        BlockExample(
            input={"lists": [[1, None, 2, 2], [None, 3, {"a": 1}, {"a": 1}]], "deduplicate": True, "remove_none": True},
            output=[("concatenated_list", [1, 2, 3, {"a": 1}]), ("length", 4)],
        ),
        BlockExample(
            input={"lists": [[1], "two"]},
            output=[("error", "Item 1 of 'lists' is not a list; give a list of lists, e.g. [[1, 2], [3]].")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        problem = _not_lists(input.lists)
        if problem:
            yield "error", problem
            return
        joined = [item for part in input.lists if part is not None for item in part]
        if input.remove_none:
            joined = [item for item in joined if item is not None]
        if input.deduplicate:
            unique: dict[str, Any] = {}
            for item in joined:
                unique.setdefault(item_key(item), item)
            joined = list(unique.values())
        yield "concatenated_list", joined
        yield "length", len(joined)


class FlattenListBlock(Block):
    """Turns a list of lists (at any depth) into one flat list."""

    id = "cc45bb0f-d035-4756-96a7-fe3e36254b4d"
    name = "Flatten list"
    autogpt_name = "FlattenListBlock"
    description = "Takes the items out of nested lists into one flat list, completely or a set number of levels."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        nested_list: AnyList = Field(description="The list to flatten, e.g. [[1, [2, 3]], [4]]")
        max_depth: int = Field(
            default=-1, description="How many levels to undo (-1: all of them)", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        flattened_list: AnyList = Field(description="The items, in order, without the nesting")
        length: int = Field(description="How many items there are")
        original_depth: int = Field(description="How many list levels the input had (a flat list has 1)")

    examples = (
        BlockExample(
            input={"nested_list": [[1, 2], [3, [4, 5]]]},
            output=[("flattened_list", [1, 2, 3, 4, 5]), ("length", 5), ("original_depth", 3)],
        ),
        BlockExample(
            input={"nested_list": [1, [2, [3, [4]]], 5], "max_depth": 1},
            output=[("flattened_list", [1, 2, [3, [4]], 5]), ("length", 4), ("original_depth", 4)],
        ),
        BlockExample(
            input={"nested_list": [1], "max_depth": -2},
            output=[("error", "The depth must be -1 (all levels) or 0 or more, not -2.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if input.max_depth < -1:
            yield "error", f"The depth must be -1 (all levels) or 0 or more, not {input.max_depth}."
            return
        try:
            depth = _depth(input.nested_list)
        except ValueError as exc:
            yield "error", str(exc)
            return
        flat = _flatten(input.nested_list, input.max_depth)
        yield "flattened_list", flat
        yield "length", len(flat)
        yield "original_depth", depth


class InterleaveListsBlock(Block):
    """Takes one item from each list in turn."""

    id = "9f616084-1d9f-4f8e-bc00-5b9d2a75cd75"
    name = "Interleave lists"
    autogpt_name = "InterleaveListsBlock"
    description = "Mixes lists by taking one item from each in turn; shorter lists simply run out."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        lists: AnyList = Field(description="The lists to mix, as a list of lists, e.g. [[1, 2], ['a', 'b']]")

    class Output(BlockOutput):
        interleaved_list: AnyList = Field(description="The items, one from each list in turn")
        length: int = Field(description="How many items there are")

    examples = (
        BlockExample(
            input={"lists": [[1, 2, 3], ["a", "b"], ["x", "y", "z"]]},
            output=[("interleaved_list", [1, "a", "x", 2, "b", "y", 3, "z"]), ("length", 8)],
        ),
        BlockExample(input={"lists": []}, output=[("interleaved_list", []), ("length", 0)]),
    )

    async def run(self, input: Input, context: RunContext):
        problem = _not_lists(input.lists)
        if problem:
            yield "error", problem
            return
        gap = object()
        rows = zip_longest(*(part for part in input.lists if part is not None), fillvalue=gap)
        mixed = [item for row in rows for item in row if item is not gap]
        yield "interleaved_list", mixed
        yield "length", len(mixed)


class ZipListsBlock(Block):
    """Groups the first items of each list, then the second items, and so on."""

    id = "0d0e684f-5cb9-4c4b-b8d1-47a0860e0c07"
    name = "Zip lists"
    autogpt_name = "ZipListsBlock"
    description = "Pairs up lists item by item: [[1, 2], ['a', 'b']] gives [[1, 'a'], [2, 'b']]."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        lists: AnyList = Field(description="The lists to pair up, as a list of lists")
        pad_to_longest: bool = Field(
            default=False,
            description="Go on to the end of the longest list, filling gaps (otherwise stop at the shortest)",
            json_schema_extra=_ADVANCED,
        )
        fill_value: Any = Field(default=None, description="What fills the gaps", json_schema_extra=_ADVANCED)

    class Output(BlockOutput):
        zipped_list: AnyList = Field(description="The groups, one per position")
        length: int = Field(description="How many groups there are")

    examples = (
        BlockExample(
            input={"lists": [[1, 2, 3], ["a", "b"]]}, output=[("zipped_list", [[1, "a"], [2, "b"]]), ("length", 2)]
        ),
        BlockExample(
            input={"lists": [[1, 2], ["a", "b", "c"]], "pad_to_longest": True, "fill_value": 0},
            output=[("zipped_list", [[1, "a"], [2, "b"], [0, "c"]]), ("length", 3)],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        problem = _not_lists(input.lists)
        if problem:
            yield "error", problem
            return
        parts = [part for part in input.lists if part is not None]
        if input.pad_to_longest:
            groups = [list(row) for row in zip_longest(*parts, fillvalue=input.fill_value)]
        else:
            groups = [list(row) for row in zip(*parts, strict=False)]
        yield "zipped_list", groups
        yield "length", len(groups)


class ListDifferenceBlock(Block):
    """Keeps the items of one list that are not in another."""

    id = "05309873-9d61-447e-96b5-b804e2511829"
    name = "List difference"
    autogpt_name = "ListDifferenceBlock"
    description = "Finds the items of list A that are not in list B (or, if you like, in either but not both)."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        list_a: AnyList = Field(description="The list to keep items from")
        list_b: AnyList = Field(description="The list whose items are taken away")
        symmetric: bool = Field(
            default=False, description="Items in either list but not in both", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        difference: AnyList = Field(description="The items left")
        length: int = Field(description="How many items are left")

    examples = (
        BlockExample(
            input={"list_a": [1, 2, 3, 4, 5], "list_b": [3, 4, 5, 6, 7]}, output=[("difference", [1, 2]), ("length", 2)]
        ),
        BlockExample(
            input={"list_a": [1, 2, 3, 4, 5], "list_b": [3, 4, 5, 6, 7], "symmetric": True},
            output=[("difference", [1, 2, 6, 7]), ("length", 4)],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        in_b = {item_key(item) for item in input.list_b}
        left = [item for item in input.list_a if item_key(item) not in in_b]
        if input.symmetric:
            in_a = {item_key(item) for item in input.list_a}
            left += [item for item in input.list_b if item_key(item) not in in_a]
        yield "difference", left
        yield "length", len(left)


class ListIntersectionBlock(Block):
    """Keeps the items found in both lists, once each, in the first list's order."""

    id = "b6eb08b6-dbe3-411b-b9b4-2508cb311a1f"
    name = "List intersection"
    autogpt_name = "ListIntersectionBlock"
    description = "Finds the items that two lists have in common, each once, in the order of list A."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        list_a: AnyList = Field(description="The first list")
        list_b: AnyList = Field(description="The second list")

    class Output(BlockOutput):
        intersection: AnyList = Field(description="The items in both lists")
        length: int = Field(description="How many items they share")

    examples = (
        BlockExample(
            input={"list_a": [1, 2, 3, 3, {"k": 1}], "list_b": [3, {"k": 1}, 9]},
            output=[("intersection", [3, {"k": 1}]), ("length", 2)],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        in_b = {item_key(item) for item in input.list_b}
        seen: set[str] = set()
        shared = []
        for item in input.list_a:
            key = item_key(item)
            if key in in_b and key not in seen:
                seen.add(key)
                shared.append(item)
        yield "intersection", shared
        yield "length", len(shared)
