"""Values that travel along a link into a pin of another type, converted as the link rule promises.

:func:`autogpt_app.graphs.validation.pins_compatible` lets a number feed a text input, text feed a
number or a yes/no input, and a dictionary or a list feed a text input (as AutoGPT's engine does,
so its agents import). This module keeps that promise when the node runs: the block receives the
value in the type its input declares. A value that cannot be converted (text that is not a number)
is passed on as it is, and the block's input check names the problem.
"""

from __future__ import annotations

import json
from typing import Any

from autogpt_app.blocks.sdk import Block
from autogpt_app.graphs.validation import field_schema, schema_types

_TRUE = frozenset({"true", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "no", "n", "off", "0", ""})


def json_type(value: Any) -> str:
    """The JSON type name of a Python value ("string", "integer", "object"…)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def as_text(value: Any) -> str:
    """A value as text: dictionaries and lists as JSON, yes/no as ``true``/``false``, whole numbers without ``.0``."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 42.0 reads as 42
    return str(value)


def _number(text: str, integer: bool) -> int | float | None:
    cleaned = text.strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if integer:
        return int(number) if number.is_integer() else None
    return int(number) if number.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else number


def coerce_value(value: Any, types: set[str]) -> Any:
    """``value`` converted to one of the JSON ``types`` an input takes, when a conversion fits; else as it is."""
    kind = json_type(value)
    if not types or kind in types or kind == "null" or (kind == "integer" and "number" in types):
        return value
    if kind in ("string", "boolean") and types & {"integer", "number"}:
        if isinstance(value, bool):
            return int(value)
        number = _number(value, integer="number" not in types)
        if number is not None:
            return number
    if kind == "string" and "boolean" in types:
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    if kind == "string" and types & {"array", "object"}:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if json_type(parsed) in types:
            return parsed
    if "string" in types and kind in ("integer", "number", "boolean", "array", "object"):
        return as_text(value)
    return value


def coerce_inputs(block: Block, inputs: dict[str, Any]) -> dict[str, Any]:
    """The node's inputs, each converted to the type the block's input of that name declares."""
    converted = dict(inputs)
    for name, value in inputs.items():
        types = schema_types(field_schema(block, name, output=False))
        if types:
            converted[name] = coerce_value(value, types)
    return converted
