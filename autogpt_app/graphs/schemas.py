"""Schemas derived from a graph's nodes, never written by hand: inputs, outputs, credentials."""

from __future__ import annotations

from typing import Any

from autogpt_app.blocks.builtin.io import (
    AgentDateInputBlock,
    AgentDropdownInputBlock,
    AgentInputBlock,
    AgentLongTextInputBlock,
    AgentNumberInputBlock,
    AgentOutputBlock,
    AgentToggleInputBlock,
)
from autogpt_app.blocks.registry import find_block
from autogpt_app.graphs.spec import GraphSpec


def _input_field(block: AgentInputBlock, values: dict[str, Any]) -> dict[str, Any]:
    field: dict[str, Any] = {"title": values.get("title") or values["name"]}
    if values.get("description"):
        field["description"] = values["description"]
    if isinstance(block, AgentNumberInputBlock):
        field["type"] = "number"
    elif isinstance(block, AgentToggleInputBlock):
        field["type"] = "boolean"
    elif isinstance(block, AgentDateInputBlock):
        field.update(type="string", format="date")
    elif isinstance(block, AgentDropdownInputBlock):
        field["type"] = "string"
        options = values.get("placeholder_values") or []
        if options:
            field["enum"] = [str(o) for o in options]
    elif isinstance(block, AgentLongTextInputBlock):
        field.update(type="string", format="long-text")
    elif type(block) is AgentInputBlock:
        field["type"] = _json_type(values.get("value"))
    else:
        field["type"] = "string"
    if values.get("value") is not None:
        field["default"] = values["value"]
    elif isinstance(block, AgentToggleInputBlock):
        field["default"] = False
    if values.get("secret"):
        field["secret"] = True
    if values.get("advanced"):
        field["advanced"] = True
    return field


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def input_schema(spec: GraphSpec) -> dict[str, Any]:
    """JSON Schema of the agent's inputs, one property per agent-input node (in node order)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in spec.nodes:
        block = find_block(node.block_id)
        if not isinstance(block, AgentInputBlock) or not node.input_default.get("name"):
            continue
        name = str(node.input_default["name"])
        field = _input_field(block, node.input_default)
        properties[name] = field
        if "default" not in field:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def output_schema(spec: GraphSpec) -> dict[str, Any]:
    """JSON Schema of the agent's results, one property per agent-output node."""
    properties: dict[str, Any] = {}
    for node in spec.nodes:
        block = find_block(node.block_id)
        if not isinstance(block, AgentOutputBlock) or not node.input_default.get("name"):
            continue
        values = node.input_default
        field: dict[str, Any] = {"title": values.get("title") or values["name"]}
        if values.get("description"):
            field["description"] = values["description"]
        properties[str(values["name"])] = field
    return {"type": "object", "properties": properties}


def credentials_input_schema(spec: GraphSpec) -> dict[str, Any]:
    """What credentials a run needs, merged across nodes and sub-agents.

    One entry per provider and credential kind, listing every node (``node_id`` or
    ``sub-agent name/node_id``) that needs it, so a run form shows one picker per need.
    """
    merged: dict[str, dict[str, Any]] = {}

    def collect(graph: GraphSpec, prefix: str) -> None:
        for node in graph.nodes:
            block = find_block(node.block_id)
            if block is None:
                continue
            for req in block.credentials:
                key = f"{req.provider}_{'_'.join(sorted(req.types))}"
                entry = merged.setdefault(
                    key,
                    {
                        "provider": req.provider,
                        "types": sorted(req.types),
                        "description": req.description,
                        "required": False,
                        "nodes": [],
                    },
                )
                entry["required"] = entry["required"] or not req.optional
                entry["nodes"].append({"node_id": prefix + node.id, "block": block.name, "field": req.field})
        for sub in graph.sub_graphs:
            collect(sub, f"{prefix}{sub.name}/")

    collect(spec, "")
    return {"type": "object", "properties": merged, "required": [k for k, v in merged.items() if v["required"]]}
