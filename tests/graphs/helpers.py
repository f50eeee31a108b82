"""Small builders for test data: graph specs, and a real image file for the publishing tests."""

from __future__ import annotations

import struct
import zlib
from typing import Any

INPUT = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b"
SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
NUMBER = "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98"
DROPDOWN = "655d6fdf-a334-421c-b733-520549c07cd1"
TOGGLE = "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
#: The AI text generator (an LLM prompt): needs an OpenAI-compatible credential.
LLM = "1f292d4a-41a4-4977-9684-7c8d560b9f91"


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


STEP = "f66a3543-28d3-4ab5-8945-9b336371e2ce"
FILL = "db7d8f02-2f44-4c55-ab7a-eae0941f0c30"
CALC = "b1ab9b19-67a6-406d-abf5-2dba76d00c79"
DELAY = "4b1ce3f6-94c5-4116-a3a5-0be4a586927d"
STORE = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"


def greeting_graph() -> dict[str, Any]:
    """name (short text) → template 'Hello {{ name }}!' → output 'greeting'."""
    return {
        "name": "Greeter",
        "nodes": [
            node("in", SHORT_TEXT, name="name"),
            node("tpl", FILL, format="Hello {{ name }}!"),
            node("out", OUTPUT, name="greeting"),
        ],
        "links": [link("in", "result", "tpl", "values_#_name"), link("tpl", "output", "out", "value")],
    }


def iteration_graph() -> dict[str, Any]:
    """items → step through → template per item (with a static prefix) → output 'lines'."""
    return {
        "name": "Per item",
        "nodes": [
            node("items", INPUT, name="items", value=["a", "b", "c"]),
            node("prefix", STORE, input=">"),
            node("step", STEP),
            node("tpl", FILL, format="{{ p }} {{ key }}:{{ item }}"),
            node("out", OUTPUT, name="lines"),
        ],
        "links": [
            link("items", "result", "step", "items"),
            link("step", "item", "tpl", "values_#_item"),
            link("step", "key", "tpl", "values_#_key"),
            link("prefix", "output", "tpl", "values_#_p", static=True),
            link("tpl", "output", "out", "value"),
        ],
    }


def slow_graph(seconds: float = 30) -> dict[str, Any]:
    """A delay node that sleeps, then an output."""
    return {
        "name": "Slow",
        "nodes": [node("wait", DELAY, seconds=seconds, data="done"), node("out", OUTPUT, name="result")],
        "links": [link("wait", "data", "out", "value")],
    }


def writer_graph(name: str = "Writer", description: str = "") -> dict[str, Any]:
    """Inputs of three kinds (topic, words, tone) feeding an LLM prompt → output 'text'.

    The LLM block needs an OpenAI-compatible credential.
    """
    return {
        "name": name,
        "description": description,
        "nodes": [
            node("topic", SHORT_TEXT, name="topic", title="Topic", description="What to write about"),
            node("words", NUMBER, name="words", value=120),
            node("tone", DROPDOWN, name="tone", placeholder_values=["friendly", "formal"], value="friendly"),
            node("llm", LLM, prompt="Write {{ words }} {{ tone }} words on {{ topic }}"),
            node("out", OUTPUT, name="text"),
        ],
        "links": [
            link("topic", "result", "llm", "prompt_values_#_topic"),
            link("words", "result", "llm", "prompt_values_#_words"),
            link("tone", "result", "llm", "prompt_values_#_tone"),
            link("llm", "response", "out", "value"),
        ],
    }


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A small, valid PNG (grey pixels), built without an image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
