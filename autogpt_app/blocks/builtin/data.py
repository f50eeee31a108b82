"""Data blocks: JSON, dictionaries, lists, counting, stepping through items, and type conversion.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
Only dictionaries and lists are looked into: never attributes of objects.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Literal

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

MAX_JSON_CHARS = 10_000_000
MAX_PATH_CHARS = 1_000
MAX_STEP_ITEMS = 10_000
MAX_INDENT = 10

AnyList = list[Any]
AnyDict = dict[str, Any]

_INT = re.compile(r"-?\d+")
_POINTER_INDEX = re.compile(r"0|[1-9]\d*")


def _parse_json(text: str, what: str = "The text") -> Any:
    """Parse JSON strictly (no NaN/Infinity).

    Raises:
        ValueError: with a readable reason naming the line and column.
    """
    if len(text) > MAX_JSON_CHARS:
        raise ValueError(f"{what} is longer than {MAX_JSON_CHARS:,} characters.")

    def no_constants(name: str) -> Any:
        raise ValueError(f"{what} is not valid JSON: {name} is not allowed.")

    try:
        return json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise ValueError(f"{what} nests too deeply.") from None


def _maybe_json(value: Any) -> Any:
    """A JSON object or array given as text is read; anything else is returned unchanged."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return _parse_json(value)
        except ValueError:
            return value
    return value


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


# --------------------------------------------------------------------------------------------- JSON


class ParseJsonBlock(Block):
    """Reads JSON text into a value (dictionary, list, text, number, true/false or null)."""

    id = "d889f0b0-d458-4fc6-accd-84dabe8b22ea"
    name = "Parse JSON"
    description = "Turns JSON text (for example from a web request) into data other blocks can use."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        json_string: str = Field(description='The JSON text, e.g. \'{"name": "Ada"}\'')

    class Output(BlockOutput):
        parsed: Any = Field(description="The data the text describes")

    examples = (
        BlockExample(
            input={"json_string": '{"name": "Ada", "tags": [1, 2]}'},
            output=[("parsed", {"name": "Ada", "tags": [1, 2]})],
        ),
        BlockExample(input={"json_string": " 42 "}, output=[("parsed", 42)]),
        BlockExample(
            input={"json_string": '{"a": 1,\n "b": }'},
            output=[("error", "The text is not valid JSON: Expecting value (line 2, column 7).")],
        ),
        BlockExample(
            input={"json_string": "NaN"}, output=[("error", "The text is not valid JSON: NaN is not allowed.")]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            yield "parsed", _parse_json(input.json_string)
        except ValueError as exc:
            yield "error", str(exc)


class FormatJsonBlock(Block):
    """Writes a value as JSON text, indented for people or on one line."""

    id = "83ec0153-d2a4-4864-ac17-fce540d7ba3d"
    name = "Format JSON"
    description = "Turns data into JSON text, neatly indented or on a single line."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        value: Any = Field(description="The data to write as JSON")
        indent: int = Field(default=2, description=f"Spaces per level, 0 to {MAX_INDENT} (0: all on one line)")
        sort_keys: bool = Field(default=False, description="Sort dictionary keys alphabetically")

    class Output(BlockOutput):
        json_string: str = Field(description="The JSON text")

    examples = (
        BlockExample(
            input={"value": {"b": 1, "a": [1, 2]}, "indent": 0}, output=[("json_string", '{"b": 1, "a": [1, 2]}')]
        ),
        BlockExample(
            input={"value": {"b": 1, "a": "é"}, "sort_keys": True},
            output=[("json_string", '{\n  "a": "é",\n  "b": 1\n}')],
        ),
        BlockExample(
            input={"value": 1, "indent": 50},
            output=[("error", f"The indent must be between 0 and {MAX_INDENT} spaces.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if not 0 <= input.indent <= MAX_INDENT:
            yield "error", f"The indent must be between 0 and {MAX_INDENT} spaces."
            return
        try:
            text = json.dumps(
                input.value,
                indent=input.indent or None,
                sort_keys=input.sort_keys,
                ensure_ascii=False,
                allow_nan=False,
                default=str,
            )
        except ValueError:
            yield "error", "The value contains a number JSON cannot hold (NaN or infinity)."
            return
        except TypeError:
            yield "error", "The keys cannot be sorted: they mix text and numbers."
            return
        except RecursionError:
            yield "error", "The value nests too deeply."
            return
        yield "json_string", text


def _read_bracket(path: str, start: int) -> tuple[int, str | int]:
    """Read ``[0]``, ``[-1]``, ``["key"]``, ``['key']`` or ``[key]`` at ``start``; return (next index, token)."""
    i = start + 1
    if i < len(path) and path[i] in "\"'":
        quote, i, chars = path[i], i + 1, []
        while i < len(path) and path[i] != quote:
            if path[i] == "\\" and i + 1 < len(path):
                i += 1
            chars.append(path[i])
            i += 1
        if i + 1 >= len(path) or path[i + 1] != "]":
            raise ValueError(f"The path has an unfinished quoted key at position {start + 1}.")
        return i + 2, "".join(chars)
    end = path.find("]", i)
    if end < 0:
        raise ValueError(f"The path has a '[' without a matching ']' at position {start + 1}.")
    content = path[i:end].strip()
    if not content:
        raise ValueError(f"The path has empty brackets at position {start + 1}.")
    return end + 1, int(content) if _INT.fullmatch(content) else content


def parse_path(path: str) -> tuple[list[str | int], bool]:
    """Split a path into keys/indices; return ``(tokens, is_json_pointer)``.

    Accepts dotted paths (``a.b[0].c``, ``items[-1]``, ``a["x.y"]``) and JSON pointers (``/a/b/0``).

    Raises:
        ValueError: the path is malformed (with the position).
    """
    if len(path) > MAX_PATH_CHARS:
        raise ValueError(f"The path is longer than {MAX_PATH_CHARS:,} characters.")
    if path.startswith("/"):
        return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")], True
    tokens: list[str | int] = []
    i, n = 0, len(path)
    while i < n:
        if path[i] == "[":
            i, token = _read_bracket(path, i)
            tokens.append(token)
            if i < n and path[i] not in ".[":
                raise ValueError(f"The path needs a '.' or '[' at position {i + 1}.")
        else:
            j = i
            while j < n and path[j] not in ".[":
                j += 1
            if j == i:
                raise ValueError(f"The path has an empty name at position {i + 1}.")
            tokens.append(path[i:j])
            i = j
        if i < n and path[i] == ".":
            i += 1
            if i == n:
                raise ValueError("The path ends with '.'.")
    return tokens, False


_MISSING = object()


def _empty_list() -> AnyList:
    """A fresh list (a default for inputs named ``list``, where the builtin name is shadowed)."""
    return []


def _step(current: Any, token: str | int, pointer: bool) -> Any:
    if isinstance(current, dict):
        if token in current:
            return current[token]
        return current.get(str(token), _MISSING)
    if isinstance(current, list):
        if isinstance(token, str):
            if not (_POINTER_INDEX if pointer else _INT).fullmatch(token):
                return _MISSING
            token = int(token)
        if -len(current) <= token < len(current):
            return current[token]
    return _MISSING


def get_path(value: Any, path: str) -> Any:
    """Return what ``path`` points at inside ``value`` (dicts and lists only), or ``_MISSING``.

    Raises:
        ValueError: the path is malformed.
    """
    tokens, pointer = parse_path(path)
    current = _maybe_json(value)
    for token in tokens:
        current = _step(current, token, pointer)
        if current is _MISSING:
            break
    return current


class GetJsonPathBlock(Block):
    """Takes one value out of nested data by its path."""

    id = "1e194ed7-bf1d-4593-ab31-eff7d0fc98f0"
    name = "Get value at path"
    description = "Picks one value out of nested data, for example the city in 'user.address.city'."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        value: Any = Field(description="The data to look into: a dictionary, a list, or JSON text")
        path: str = Field(
            description="Where the value is: 'user.tags[0]', 'items[-1].name', 'a[\"odd.key\"]' or '/user/tags/0'"
        )

    class Output(BlockOutput):
        output: Any = Field(description="The value found at the path")
        missing: Any = Field(description="The data looked into, when nothing is at the path")

    examples = (
        BlockExample(input={"value": {"a": {"b": [{"c": 7}]}}, "path": "a.b[0].c"}, output=[("output", 7)]),
        BlockExample(input={"value": {"a": {"b": [{"c": 7}]}}, "path": "/a/b/0/c"}, output=[("output", 7)]),
        BlockExample(input={"value": '{"items": [1, 2, 3]}', "path": "items[-1]"}, output=[("output", 3)]),
        BlockExample(input={"value": {"a": 1}, "path": "a.b"}, output=[("missing", {"a": 1})]),
        BlockExample(
            input={"value": {"a": 1}, "path": "a[0"},
            output=[("error", "The path has a '[' without a matching ']' at position 2.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            found = get_path(input.value, input.path)
        except ValueError as exc:
            yield "error", str(exc)
            return
        if found is _MISSING:
            yield "missing", input.value
        else:
            yield "output", found


# --------------------------------------------------------------------------------------- dictionaries


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
        obj, key = _maybe_json(input.input), input.key
        found: Any = _MISSING
        if isinstance(obj, dict):
            found = obj[key] if key in obj else obj.get(str(key), _MISSING)
        elif isinstance(obj, list):
            if isinstance(key, str) and _INT.fullmatch(key.strip()):
                key = int(key)
            if isinstance(key, int):
                found = obj[key] if 0 <= key < len(obj) else _MISSING
            else:
                gathered = [item[key] for item in obj if isinstance(item, dict) and key in item]
                found = gathered if gathered else _MISSING
        if found is _MISSING:
            yield "missing", input.input
        else:
            yield "output", found


# ---------------------------------------------------------------------------------------------- lists


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
                parsed = _parse_json(input.items_str, "items_str")
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


# ------------------------------------------------------------------------------------------ conversion

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
            if _INT.fullmatch(text):
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
            return _parse_json(value)
        return [value]
    if target == "dictionary":
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        if isinstance(value, list | tuple):
            return {str(i): v for i, v in enumerate(value)}
        if isinstance(value, str):
            parsed = _parse_json(value)
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
