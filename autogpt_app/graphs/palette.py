"""The block catalogue as the builder's canvas needs it: one entry per usable block, with its pins.

Pure and cached (blocks are classes, fixed for the life of the process). A pin's ``types`` come
from :func:`autogpt_app.graphs.validation.pin_types`, the rule a save and the builder's connect use,
so what the canvas shows as fitting is what the server accepts.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from autogpt_app.blocks.registry import list_blocks
from autogpt_app.blocks.sdk import Block
from autogpt_app.graphs.validation import pin_types


def grows(types: set[str]) -> str | None:
    """How an input of these types takes extra pins: "dict" (``name_#_key`` links), "list"
    (``name_$_i``) or None."""
    shown = types - {"null"}
    if shown == {"object"}:
        return "dict"
    if shown == {"array"}:
        return "list"
    return None


def _pins(block: Block, *, output: bool) -> list[dict[str, Any]]:
    schema = block.output_schema() if output else block.input_schema()
    required = set(schema.get("required", []))
    credential_fields = {r.field for r in block.credentials}
    pins = []
    for name, field in schema.get("properties", {}).items():
        types = pin_types(block, name, output=output)
        credential = not output and name in credential_fields
        pins.append(
            {
                "name": name,
                "title": str(field.get("title") or name.replace("_", " ").capitalize()),
                "types": sorted(types),
                "required": name in required,
                "advanced": bool(field.get("advanced", False)),
                "grows": None if output or credential else grows(types),
                "description": str(field.get("description", "")),
                "credential": credential,
            }
        )
    return pins


def _entry(block: Block) -> dict[str, Any]:
    return {
        "id": block.id,
        "name": block.name,
        "description": block.description,
        "categories": [c.value for c in block.categories],
        "inputs": _pins(block, output=False),
        "outputs": _pins(block, output=True),
        "dynamic_outputs": block.dynamic_outputs,
    }


@functools.cache
def _catalogue() -> tuple[dict[str, Any], ...]:
    entries = [_entry(b) for b in list_blocks()]
    entries.sort(key=lambda e: ((e["categories"] or [""])[0], e["name"].lower()))
    return tuple(entries)


@functools.cache
def _by_id() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in _catalogue()}


def palette() -> list[dict[str, Any]]:
    """Every enabled block, sorted by first category then name, as the canvas shows it.

    Each entry: ``id``, ``name``, ``description``, ``categories``, ``inputs`` and ``outputs`` (pins:
    ``name``, ``title``, ``types`` — JSON type names, ``[]`` for anything —, ``required``,
    ``advanced``, ``grows`` — "dict", "list" or None —, ``description``, ``credential``) and
    ``dynamic_outputs``. Credential pins are picked in a side panel, not linked. The list is a copy:
    callers may change it.
    """
    return copy.deepcopy(list(_catalogue()))


def block_entry(block_id: str) -> dict[str, Any] | None:
    """The palette entry of one enabled block (a copy), or None for an unknown or disabled block."""
    entry = _by_id().get(block_id) if isinstance(block_id, str) else None
    return copy.deepcopy(entry) if entry is not None else None


@functools.cache
def _pins_by_name() -> dict[tuple[str, bool], dict[str, dict[str, Any]]]:
    return {
        (e["id"], output): {p["name"]: p for p in e["outputs" if output else "inputs"]}
        for e in _catalogue()
        for output in (False, True)
    }


def pins_of(block_id: str, *, output: bool) -> dict[str, dict[str, Any]] | None:
    """INTERNAL, for the builder's edits (shared, never change it): an enabled block's input or output
    pins by name, or None for an unknown or disabled block."""
    return _pins_by_name().get((block_id, output))
