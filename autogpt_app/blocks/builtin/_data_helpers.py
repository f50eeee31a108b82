"""Shared helpers of the data blocks: strict JSON reading, the "nothing found" marker and common types."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_CHARS = 10_000_000

AnyList = list[Any]
AnyDict = dict[str, Any]

#: A whole number, possibly negative (a list position written in a path or as a key).
INTEGER = re.compile(r"-?\d+")

#: What a lookup gives when nothing is at the key or path (``None`` may be a real value).
MISSING = object()


def parse_json(text: str, what: str = "The text") -> Any:
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


def maybe_json(value: Any) -> Any:
    """A JSON object or array given as text is read; anything else is returned unchanged."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return parse_json(value)
        except ValueError:
            return value
    return value
