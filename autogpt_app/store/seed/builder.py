"""A small, readable way to write seed graphs in Python: nodes by name, links as ``"a.pin -> b.pin"``.

The result is a plain :class:`~autogpt_app.graphs.spec.GraphSpec` (our own graph format), saved
through the graph service, so the real validator checks it. Node positions are laid out by depth
so the agents look tidy when opened in an editor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from autogpt_app.blocks.builtin.io import (
    AgentDateInputBlock,
    AgentDropdownInputBlock,
    AgentLongTextInputBlock,
    AgentNumberInputBlock,
    AgentOutputBlock,
    AgentShortTextInputBlock,
    AgentToggleInputBlock,
)
from autogpt_app.blocks.sdk import Block
from autogpt_app.graphs.spec import GraphSpec, Link, Node

_LINK = re.compile(r"^\s*(?P<src>[\w-]+)\.(?P<out>\S+)\s*(?P<arrow>->|=>)\s*(?P<dst>[\w-]+)\.(?P<in>\S+)\s*$")
_COLUMN_WIDTH = 360
_ROW_HEIGHT = 300


def node(node_id: str, block: type[Block], **defaults: Any) -> Node:
    """A node running ``block`` with fixed inputs ``defaults``."""
    return Node(id=node_id, block_id=block.id, input_default={k: v for k, v in defaults.items() if v is not None})


def _input(node_id: str, block: type[Block], name: str, title: str, description: str, **extra: Any) -> Node:
    return node(node_id, block, name=name, title=title, description=description, **extra)


def text_input(node_id: str, name: str, title: str, description: str, value: str | None = None) -> Node:
    """A one-line text input of the agent (required when it has no default)."""
    return _input(node_id, AgentShortTextInputBlock, name, title, description, value=value)


def long_text_input(node_id: str, name: str, title: str, description: str, value: str | None = None) -> Node:
    """A multi-line text input of the agent."""
    return _input(node_id, AgentLongTextInputBlock, name, title, description, value=value)


def number_input(node_id: str, name: str, title: str, description: str, value: float | None = None) -> Node:
    """A number input of the agent."""
    return _input(node_id, AgentNumberInputBlock, name, title, description, value=value)


def dropdown_input(node_id: str, name: str, title: str, description: str, options: list[str], value: str) -> Node:
    """A choice among ``options`` (``value`` is the default)."""
    return _input(node_id, AgentDropdownInputBlock, name, title, description, value=value, placeholder_values=options)


def toggle_input(node_id: str, name: str, title: str, description: str, value: bool = False) -> Node:
    """A yes/no switch of the agent."""
    return _input(node_id, AgentToggleInputBlock, name, title, description, value=value)


def date_input(node_id: str, name: str, title: str, description: str, value: str | None = None) -> Node:
    """A calendar date input (YYYY-MM-DD)."""
    return _input(node_id, AgentDateInputBlock, name, title, description, value=value)


def output(node_id: str, name: str, title: str, description: str, fmt: str = "") -> Node:
    """A result of the agent (optionally formatted with a template over ``{{ name }}``)."""
    return node(node_id, AgentOutputBlock, name=name, title=title, description=description, format=fmt or None)


def _link(text: str) -> Link:
    match = _LINK.match(text)
    if match is None:
        raise ValueError(f"A link is written 'node.pin -> node.pin' ('=>' for a static link), not {text!r}.")
    return Link(
        source_id=match["src"],
        source_name=match["out"],
        sink_id=match["dst"],
        sink_name=match["in"],
        is_static=match["arrow"] == "=>",
    )


def _layout(nodes: list[Node], links: list[Link]) -> None:
    """Place each node in the column of its depth (longest path from an input), in node order."""
    incoming: dict[str, set[str]] = defaultdict(set)
    for item in links:
        incoming[item.sink_id].add(item.source_id)
    depth: dict[str, int] = {}

    def depth_of(node_id: str, seen: frozenset[str] = frozenset()) -> int:
        if node_id not in depth:
            parents = [p for p in incoming[node_id] if p not in seen]
            depth[node_id] = 1 + max((depth_of(p, seen | {node_id}) for p in parents), default=-1)
        return depth[node_id]

    rows: dict[int, int] = defaultdict(int)
    for item in nodes:
        column = depth_of(item.id)
        item.metadata = {"position": {"x": column * _COLUMN_WIDTH, "y": rows[column] * _ROW_HEIGHT}}
        rows[column] += 1


def graph(name: str, description: str, nodes: list[Node], links: list[str]) -> GraphSpec:
    """The agent's graph from its nodes and links written as ``"source.pin -> sink.pin"``."""
    parsed = [_link(text) for text in links]
    _layout(nodes, parsed)
    return GraphSpec(name=name, description=description, nodes=nodes, links=parsed)
