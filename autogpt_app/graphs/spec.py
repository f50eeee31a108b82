"""The shape of an agent: nodes (a block and its fixed inputs) and links (output pin → input pin).

This module is pure data: no database, no blocks. It also knows AutoGPT's dynamic pin names:
a link into ``values_#_topic`` sets key ``topic`` of the dict input ``values``; ``items_$_2``
sets index 2 of the list input ``items``; ``obj_@_field`` sets attribute-like key ``field``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_NAME = 200
MAX_DESCRIPTION = 10_000

#: A fixed input any node may carry (AutoGPT exports have it on some nodes): how many times the engine
#: tries the node again when it fails (see ``autogpt_app/executions/retries.py``). It is not a pin.
NODE_RETRY_INPUT = "retry"
#: A fixed input any node may carry: when true, the run pauses for the owner's approval before the node
#: runs (see ``autogpt_app/executions/reviews.py``). It is not a pin either.
NODE_ASK_INPUT = "ask_before_running"

_DYNAMIC = re.compile(r"^(?P<base>.+?)_(?P<kind>[#$@])_(?P<key>.+)$")


def base_pin(name: str) -> str:
    """Return the schema field a (possibly dynamic) pin name refers to: ``values_#_a`` → ``values``."""
    match = _DYNAMIC.match(name)
    return match.group("base") if match else name


def split_dynamic_pin(name: str) -> tuple[str, str, str] | None:
    """Return ``(base, kind, key)`` for a dynamic pin name, or None for a plain one."""
    match = _DYNAMIC.match(name)
    return (match.group("base"), match.group("kind"), match.group("key")) if match else None


class Node(BaseModel):
    """One block in the graph with its fixed input values and editor metadata (position)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1, max_length=100)
    block_id: str = Field(min_length=1, max_length=100)
    input_default: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)


class Link(BaseModel):
    """Data flowing from a node's output pin to another node's input pin.

    A static link keeps its last value and re-feeds it to every later run of the sink node.
    """

    model_config = ConfigDict(extra="ignore")

    source_id: str = Field(min_length=1, max_length=100)
    sink_id: str = Field(min_length=1, max_length=100)
    source_name: str = Field(min_length=1, max_length=200)
    sink_name: str = Field(min_length=1, max_length=200)
    is_static: bool = False


class GraphSpec(BaseModel):
    """Everything that defines one version of an agent."""

    model_config = ConfigDict(extra="ignore")

    #: Identity inside an export: "run sub-agent" nodes refer to sub-graphs by these.
    id: str | None = Field(default=None, max_length=100)
    version: int | None = None
    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    nodes: list[Node] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    #: Agents used by "run sub-agent" nodes, carried along by exports (AutoGPT's ``sub_graphs``).
    sub_graphs: list[GraphSpec] = Field(default_factory=list)

    def node(self, node_id: str) -> Node | None:
        """Return the node with ``node_id``, if any."""
        return next((n for n in self.nodes if n.id == node_id), None)
