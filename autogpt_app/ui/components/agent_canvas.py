"""The agent canvas for Reflex: our thin wrapper of React Flow (``agent_canvas.jsx`` beside this file).

The canvas owns its nodes while a person drags them; the server hears finished actions only, through
``on_action`` (see the JSX file's header for the operations), and answers with ``command``,
``problems`` and ``node_states``. The same component, with ``read_only``, draws the picture of an
agent on marketplace and run pages.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

#: npm packages, pinned (installed by Reflex's bun at build time).
XYFLOW = "@xyflow/react@12.12.1"
DAGRE = "@dagrejs/dagre@1.1.4"


def _passthrough(op: rx.Var[dict[str, Any]]) -> list[rx.Var[dict[str, Any]]]:
    return [op]


class AgentCanvas(rx.NoSSRComponent):
    """React Flow canvas with the palette, our block node, undo/redo, copy/paste and auto-layout."""

    library = rx.asset("agent_canvas.jsx", shared=True).importable_path
    tag = "AgentCanvas"
    lib_dependencies: list[str] = [XYFLOW, DAGRE]

    #: The graph to show (GraphSpec JSON: nodes and links); read again only when ``graph_key`` changes.
    graph: rx.Var[dict[str, Any]]
    graph_key: rx.Var[str]
    #: The block catalogue (``graphs.palette.palette()``); without it the canvas reads
    #: ``/api/v1/blocks/palette`` once per page load (a literal here would be compiled into every page).
    blocks: rx.Var[list[dict[str, Any]]]
    #: ``[{node_id, pin, message}]`` from the validation service.
    problems: rx.Var[list[dict[str, Any]]]
    #: ``{node_id: {status, label}}`` during and after a run started from the builder.
    node_states: rx.Var[dict[str, Any]]
    #: ``{seq, batches: [[seq, ops]]}``: operations the server made, for the canvas to mirror.
    command: rx.Var[dict[str, Any]]
    read_only: rx.Var[bool]
    #: Unsaved changes: leaving the page asks first.
    dirty: rx.Var[bool]

    on_action: rx.EventHandler[_passthrough]


def agent_canvas(**props: Any) -> rx.Component:
    """The editable canvas (pass ``read_only=True`` for a picture)."""
    return AgentCanvas.create(**props)


def agent_picture(graph: rx.Var | dict[str, Any], graph_key: rx.Var | str, **props: Any) -> rx.Component:
    """A read-only picture of an agent: the same canvas, nothing editable.

    Args:
        graph: The agent's nodes and links (GraphSpec JSON; secrets already stripped for others).
        graph_key: Changes whenever another agent (or version) is shown.
        props: ``node_states`` for a run's picture, sizing props for the box.
    """
    style = {"height": props.pop("height", "420px"), "width": "100%"}
    return rx.box(
        agent_canvas(graph=graph, graph_key=graph_key, read_only=True, **props),
        style=style,
        data_testid="agent-picture",
    )
