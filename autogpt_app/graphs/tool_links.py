"""Links of the *Smart decision maker*: which steps it may call as tools, and which links it ignores.

In AutoGPT exports the decision maker's output pins are named ``tools_^_<node id>_~_<input>`` and
linked to the inputs of the steps it may call; in the builder its plain ``tools`` pin is linked the
same way. Here the decision maker runs those steps itself
(through the engine, see ``GraphRunner._run_tool``), so:

* a tool link never carries a value: its sink waits for the decision maker to call it, and it is no
  edge of the graph's data flow when loops are checked;
* the links AutoGPT uses to feed results back — anything into the decision maker's
  ``last_tool_output``, and its own ``conversations`` into its ``conversation_history`` — are
  ignored by the data flow (the loop happens inside the step) and by the loop check.

Pure data: no database, no blocks.
"""

from __future__ import annotations

from collections.abc import Iterable

from autogpt_app.graphs.spec import GraphSpec, Link

#: AutoGPT's SmartDecisionMakerBlock (same id here).
DECIDER_BLOCK_IDS = frozenset({"3b191d9f-356f-482d-8238-ba04b6d18381"})
TOOL_PIN = "tools"
TOOL_PIN_PREFIX = "tools_^_"


def is_tool_link(link: Link, decider_ids: set[str]) -> bool:
    """Whether ``link`` leaves a decision maker's tool pin (``tools`` or ``tools_^_…``)."""
    if link.source_id not in decider_ids:
        return False
    return link.source_name == TOOL_PIN or link.source_name.startswith(TOOL_PIN_PREFIX)


def deciders(spec: GraphSpec) -> set[str]:
    """Ids of the decision-maker nodes of ``spec``."""
    return {n.id for n in spec.nodes if n.block_id in DECIDER_BLOCK_IDS}


def is_feedback_link(link: Link, decider_ids: set[str]) -> bool:
    """Whether ``link`` feeds a decision maker's results back to it (it loops inside its own step)."""
    if link.sink_id not in decider_ids:
        return False
    return link.sink_name == "last_tool_output" or (
        link.sink_name == "conversation_history" and link.source_id == link.sink_id
    )


def flow_links(spec: GraphSpec) -> list[Link]:
    """The links the data flow follows: all but the feedback links of decision makers."""
    ids = deciders(spec)
    if not ids:
        return spec.links
    return [link for link in spec.links if not is_feedback_link(link, ids)]


def tool_pins(links: Iterable[Link], decider_id: str) -> dict[str, tuple[str, ...]]:
    """For one decision maker: each tool node it is wired to, with the inputs it fills, in link order."""
    found: dict[str, list[str]] = {}
    for link in links:
        if link.source_id == decider_id and is_tool_link(link, {decider_id}):
            pins = found.setdefault(link.sink_id, [])
            if link.sink_name not in pins:
                pins.append(link.sink_name)
    return {node_id: tuple(pins) for node_id, pins in found.items()}
