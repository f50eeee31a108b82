"""Small builders for graph specs in tests."""

from __future__ import annotations

from typing import Any

INPUT = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b"
SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
NUMBER = "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98"
DROPDOWN = "655d6fdf-a334-421c-b733-520549c07cd1"
TOGGLE = "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"


def node(node_id: str, block_id: str, **defaults: Any) -> dict[str, Any]:
    return {"id": node_id, "block_id": block_id, "input_default": defaults, "metadata": {"position": {"x": 0, "y": 0}}}


def link(source: str, source_pin: str, sink: str, sink_pin: str, *, static: bool = False) -> dict[str, Any]:
    return {"source_id": source, "sink_id": sink, "source_name": source_pin, "sink_name": sink_pin, "is_static": static}


def echo_graph(name: str = "Echo") -> dict[str, Any]:
    """topic (short text) → output 'echo'."""
    return {
        "name": name,
        "description": "Repeats the topic.",
        "nodes": [node("in", SHORT_TEXT, name="topic", title="Topic"), node("out", OUTPUT, name="echo")],
        "links": [link("in", "result", "out", "value")],
    }
