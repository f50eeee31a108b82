"""JSON blocks: parse JSON text, format data as JSON, and get a value out of nested data by its path.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
Only dictionaries and lists are looked into: never attributes of objects.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import INTEGER, MISSING, maybe_json, parse_json
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

MAX_PATH_CHARS = 1_000
MAX_INDENT = 10

_POINTER_INDEX = re.compile(r"0|[1-9]\d*")


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
            yield "parsed", parse_json(input.json_string)
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
    return end + 1, int(content) if INTEGER.fullmatch(content) else content


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


def _step(current: Any, token: str | int, pointer: bool) -> Any:
    if isinstance(current, dict):
        if token in current:
            return current[token]
        return current.get(str(token), MISSING)
    if isinstance(current, list):
        if isinstance(token, str):
            if not (_POINTER_INDEX if pointer else INTEGER).fullmatch(token):
                return MISSING
            token = int(token)
        if -len(current) <= token < len(current):
            return current[token]
    return MISSING


def get_path(value: Any, path: str) -> Any:
    """Return what ``path`` points at inside ``value`` (dicts and lists only), or ``MISSING``.

    Raises:
        ValueError: the path is malformed.
    """
    tokens, pointer = parse_path(path)
    current = maybe_json(value)
    for token in tokens:
        current = _step(current, token, pointer)
        if current is MISSING:
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
        if found is MISSING:
            yield "missing", input.value
        else:
            yield "output", found
