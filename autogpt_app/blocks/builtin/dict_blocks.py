"""Dictionary blocks: create one, add, find, remove and replace entries, and check whether one is empty.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import INTEGER, MISSING, AnyDict, maybe_json
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


class CreateDictionaryBlock(Block):
    """Makes a dictionary from key-value pairs."""

    id = "b924ddf4-de4f-4b56-9a85-358930dcbc91"
    name = "Create dictionary"
    autogpt_name = "CreateDictionaryBlock"
    description = "Makes a dictionary (named values, like name: Ada, age: 36) from the values given."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        values: AnyDict = Field(description="The named values, e.g. {'name': 'Ada', 'age': 36}")

    class Output(BlockOutput):
        dictionary: AnyDict = Field(description="The dictionary")

    examples = (
        BlockExample(
            input={"values": {"name": "Alice", "age": 25}}, output=[("dictionary", {"name": "Alice", "age": 25})]
        ),
        BlockExample(input={"values": {}}, output=[("dictionary", {})], description="an empty dictionary"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "dictionary", dict(input.values)


class AddToDictionaryBlock(Block):
    """Adds one entry (key and value) and/or several entries to a dictionary, which is not changed in place."""

    id = "31d1064e-7446-4693-a7d4-65e5ca1180d1"
    name = "Add to dictionary"
    autogpt_name = "AddToDictionaryBlock"
    description = "Adds a named value (or several) to a dictionary, starting a new one if none is given."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        dictionary: AnyDict = Field(default_factory=dict, description="The dictionary to add to (new when empty)")
        key: str = Field(default="", description="The name of the new entry")
        value: Any = Field(default=None, description="The value of the new entry")
        entries: AnyDict = Field(default_factory=dict, description="Several entries to add at once")

    class Output(BlockOutput):
        updated_dictionary: AnyDict = Field(description="The dictionary with the entries added")

    examples = (
        BlockExample(
            input={"dictionary": {"a": 1}, "key": "b", "value": 2},
            output=[("updated_dictionary", {"a": 1, "b": 2})],
        ),
        BlockExample(input={"key": "first", "value": "x"}, output=[("updated_dictionary", {"first": "x"})]),
        BlockExample(
            input={"dictionary": {"a": 1}, "entries": {"a": 9, "c": 3}},
            output=[("updated_dictionary", {"a": 9, "c": 3})],
            description="batch entries replace existing keys",
        ),
        BlockExample(
            input={"dictionary": {"a": 1}, "key": "b"},
            output=[("updated_dictionary", {"a": 1})],
            description="a key without a value adds nothing",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        updated = dict(input.dictionary)
        if input.key and input.value is not None:
            updated[input.key] = input.value
        updated.update(input.entries)
        yield "updated_dictionary", updated


class FindInDictionaryBlock(Block):
    """Looks up a key in a dictionary, an index in a list, or a key in every dictionary of a list."""

    id = "0e50422c-6dee-4145-83d6-3a5a392f65de"
    name = "Find in dictionary"
    autogpt_name = "FindInDictionaryBlock"
    description = "Looks up a value by its name in a dictionary, or by its position in a list."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        input: Any = Field(description="The dictionary or list to look in (JSON text is read too)")
        key: str | int = Field(description="The name (or, for a list, the position counting from 0)")

    class Output(BlockOutput):
        output: Any = Field(description="The value found")
        missing: Any = Field(description="The input, when the key is not in it")

    examples = (
        BlockExample(input={"input": {"apple": 1, "banana": 2}, "key": "banana"}, output=[("output", 2)]),
        BlockExample(input={"input": {"x": 10}, "key": "w"}, output=[("missing", {"x": 10})]),
        BlockExample(input={"input": [1, 2, 3], "key": 1}, output=[("output", 2)]),
        BlockExample(input={"input": [1, 2, 3], "key": 3}, output=[("missing", [1, 2, 3])]),
        BlockExample(
            input={"input": [{"k1": "v1"}, {"k2": "v2"}, {"k1": "v3"}], "key": "k1"},
            output=[("output", ["v1", "v3"])],
            description="a key in a list of dictionaries gathers it from each",
        ),
        BlockExample(input={"input": "not data", "key": "upper"}, output=[("missing", "not data")]),
    )

    async def run(self, input: Input, context: RunContext):
        obj, key = maybe_json(input.input), input.key
        found: Any = MISSING
        if isinstance(obj, dict):
            found = obj[key] if key in obj else obj.get(str(key), MISSING)
        elif isinstance(obj, list):
            if isinstance(key, str) and INTEGER.fullmatch(key.strip()):
                key = int(key)
            if isinstance(key, int):
                found = obj[key] if 0 <= key < len(obj) else MISSING
            else:
                gathered = [item[key] for item in obj if isinstance(item, dict) and key in item]
                found = gathered if gathered else MISSING
        if found is MISSING:
            yield "missing", input.input
        else:
            yield "output", found


def _key_in(dictionary: AnyDict, key: str | int) -> str | int | None:
    """The key as the dictionary holds it (a number also finds its text form, as JSON keys are text)."""
    if key in dictionary:
        return key
    if str(key) in dictionary:
        return str(key)
    return None


def _no_key(key: str | int, dictionary: AnyDict) -> str:
    names = ", ".join(repr(k) for k in list(dictionary)[:10]) or "none"
    return f"The dictionary has no key {str(key)!r} (its keys: {names})."


class RemoveFromDictionaryBlock(Block):
    """Removes one entry from a dictionary; the dictionary given is not changed in place."""

    id = "46afe2ea-c613-43f8-95ff-6692c3ef6876"
    name = "Remove from dictionary"
    autogpt_name = "RemoveFromDictionaryBlock"
    description = "Takes a named value out of a dictionary, optionally passing the removed value on."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        dictionary: AnyDict = Field(description="The dictionary to remove from")
        key: str | int = Field(description="The name of the entry to remove")
        return_value: bool = Field(default=False, description="Also send the removed value on 'removed_value'")

    class Output(BlockOutput):
        updated_dictionary: AnyDict = Field(description="The dictionary without the entry")
        removed_value: Any = Field(description="The value removed, when asked for")

    examples = (
        BlockExample(
            input={"dictionary": {"a": 1, "b": 2, "c": 3}, "key": "b", "return_value": True},
            output=[("updated_dictionary", {"a": 1, "c": 3}), ("removed_value", 2)],
        ),
        BlockExample(
            input={"dictionary": {"x": 1}, "key": "y"},
            output=[("error", "The dictionary has no key 'y' (its keys: 'x').")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        updated = dict(input.dictionary)
        found = _key_in(updated, input.key)
        if found is None:
            yield "error", _no_key(input.key, updated)
            return
        removed = updated.pop(found)
        yield "updated_dictionary", updated
        if input.return_value:
            yield "removed_value", removed


class ReplaceDictionaryValueBlock(Block):
    """Gives an existing entry of a dictionary a new value; the dictionary given is not changed in place."""

    id = "27e31876-18b6-44f3-ab97-f6226d8b3889"
    name = "Replace dictionary value"
    autogpt_name = "ReplaceDictionaryValueBlock"
    description = "Changes the value of an existing entry in a dictionary, and gives back the old value."
    categories = (BlockCategory.DATA, BlockCategory.BASIC)

    class Input(BlockInput):
        dictionary: AnyDict = Field(description="The dictionary")
        key: str | int = Field(description="The name of the entry to change (it must exist)")
        value: Any = Field(description="The new value")

    class Output(BlockOutput):
        updated_dictionary: AnyDict = Field(description="The dictionary with the new value")
        old_value: Any = Field(description="The value the entry had before")

    examples = (
        BlockExample(
            input={"dictionary": {"a": 1, "b": 2}, "key": "b", "value": 99},
            output=[("updated_dictionary", {"a": 1, "b": 99}), ("old_value", 2)],
        ),
        BlockExample(
            input={"dictionary": {}, "key": "b", "value": 1},
            output=[("error", "The dictionary has no key 'b' (its keys: none).")],
            description="use Add to dictionary for a new entry",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        updated = dict(input.dictionary)
        found = _key_in(updated, input.key)
        if found is None:
            yield "error", _no_key(input.key, updated)
            return
        old = updated[found]
        updated[found] = input.value
        yield "updated_dictionary", updated
        yield "old_value", old


class DictionaryIsEmptyBlock(Block):
    """Tells whether a dictionary has no entries."""

    id = "a3cf3f64-6bb9-4cc6-9900-608a0b3359b0"
    name = "Dictionary is empty"
    autogpt_name = "DictionaryIsEmptyBlock"
    description = "Tells whether a dictionary is empty (has no named values at all)."
    categories = (BlockCategory.DATA, BlockCategory.LOGIC)

    class Input(BlockInput):
        dictionary: AnyDict = Field(description="The dictionary to check")

    class Output(BlockOutput):
        is_empty: bool = Field(description="Whether the dictionary has no entries")

    examples = (
        BlockExample(input={"dictionary": {}}, output=[("is_empty", True)]),
        BlockExample(input={"dictionary": {"a": None}}, output=[("is_empty", False)]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "is_empty", not input.dictionary
