"""Graph validation on save: precise problems, one per node and pin, in words a person can act on."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import Block
from autogpt_app.errors import InvalidInput
from autogpt_app.graphs.schemas import input_schema
from autogpt_app.graphs.spec import GraphSpec, base_pin
from autogpt_app.settings import get_settings

#: AutoGPT's AgentExecutorBlock: links may feed its sub-agent's inputs by name.
SUBAGENT_BLOCK_ID = "e189baac-8c20-45a1-94a7-55177ea42565"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a graph."""

    message: str
    node_id: str | None = None
    pin: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form for API error details."""
        return {"node_id": self.node_id, "pin": self.pin, "message": self.message}


def schema_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a field schema admits; empty means 'anything'."""
    if "type" in schema:
        t = schema["type"]
        return set(t) if isinstance(t, list) else {t}
    if "anyOf" in schema or "oneOf" in schema:
        out: set[str] = set()
        for option in schema.get("anyOf", []) + schema.get("oneOf", []):
            option_types = schema_types(option)
            if not option_types:
                return set()
            out |= option_types
        return out
    if "enum" in schema or "const" in schema:
        return {"string"}
    return set()  # no type: Any


_SCALARS = {"string", "number", "integer", "boolean"}


def _coercible(source: str, sink: str) -> bool:
    if source == sink or "null" in (source, sink):
        return True
    if {source, sink} <= {"number", "integer"}:
        return True
    # Scalars, dictionaries and lists turn into text (the latter two as JSON, as AutoGPT's engine does),
    # and text parses into numbers and booleans, at run time (autogpt_app.executions.coercion).
    return (sink == "string" and source in _SCALARS | {"object", "array"}) or (source == "string" and sink in _SCALARS)


def pins_compatible(source_schema: dict[str, Any], sink_schema: dict[str, Any]) -> bool:
    """Whether a value of ``source_schema`` can feed an input of ``sink_schema``."""
    source_types, sink_types = schema_types(source_schema), schema_types(sink_schema)
    if not source_types or not sink_types:
        return True
    return any(_coercible(a, b) for a in source_types for b in sink_types)


@functools.cache
def block_schema(block: type[Block], *, output: bool) -> dict[str, Any]:
    """A block class's input or output JSON Schema, built once (pydantic builds it anew on each call,
    about a millisecond: re-validating a 300-node agent after every builder edit took half a second).
    Shared: never change the returned dict."""
    return block.output_schema() if output else block.input_schema()


def field_schema(block: Block, pin: str, *, output: bool) -> dict[str, Any]:
    """The JSON Schema of one of ``block``'s pins (``{}`` when it has no such pin), one level of
    ``$ref`` resolved so enum fields compare as strings."""
    schema = block_schema(type(block), output=output)
    field = schema.get("properties", {}).get(pin, {})
    ref = field.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        return schema.get("$defs", {}).get(ref.split("/")[-1], {})
    return field


def pin_types(block: Block, pin: str, *, output: bool) -> set[str]:
    """The JSON types a pin carries (an output) or takes (an input); empty means anything.

    The one rule for links, shared by save-time validation, the builder's connect and the palette.
    """
    return schema_types(field_schema(block, pin, output=output))


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a dictionary",
}


def describe_types(types: set[str]) -> str:
    """Pin types in words: ``{"integer"}`` → "a number", ``{"string", "null"}`` → "text"."""
    shown = types - {"null"} or types
    words = sorted({_TYPE_WORDS.get(t, "nothing" if t == "null" else t) for t in shown})
    return " or ".join(words) if words else "anything"


def incompatible_link_message(source: Block, source_pin: str, sink: Block, sink_pin: str) -> str:
    """Why a link cannot carry a value, e.g. "'Add numbers' output 'sum' is a number; 'Send e-mail'
    input 'to' takes text." (the problem a save reports and the builder's refusal to connect)."""
    carries = describe_types(pin_types(source, source_pin, output=True))
    takes = describe_types(pin_types(sink, sink_pin, output=False))
    return f"'{source.name}' output '{source_pin}' is {carries}; '{sink.name}' input '{sink_pin}' takes {takes}."


_SECRET_PIN = re.compile(r"(token|api_?key|secret|password|credential)", re.IGNORECASE)


def is_legacy_secret_pin(block: Block, pin: str) -> bool:
    """Whether ``pin`` is a secret an older AutoGPT version of ``block`` took as a plain input (e.g.
    ``discord_bot_token``): links into it are kept and ignored, as the block now takes the secret
    from the person's credential (AutoGPT's exports of such agents still carry those links)."""
    return bool(block.credentials) and pin not in block.input_pins() and bool(_SECRET_PIN.search(pin))


def link_fits(source: Block, source_pin: str, sink: Block, sink_pin: str) -> bool:
    """Whether ``source_pin``'s values can feed ``sink_pin`` (plain pins; a dynamic sink takes anything)."""
    return pins_compatible(field_schema(source, source_pin, output=True), field_schema(sink, sink_pin, output=False))


def _carried_inputs(schema: Any) -> set[str] | None:
    """Input names a "run sub-agent" node's carried ``input_schema`` lists (None: it lists none)."""
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and schema["properties"]:
        return set(schema["properties"])
    return None


def find_problems(spec: GraphSpec, subagent_inputs: dict[str, set[str]] | None = None) -> list[Problem]:
    """Return every problem of ``spec`` (empty when it can be saved and run).

    ``subagent_inputs`` maps the ids of sub-agents known here to their input names, so a link into
    a "run sub-agent" node by input name is checked against the agent it runs.
    """
    subagent_inputs = subagent_inputs or {}
    nodes = {n.id: n for n in spec.nodes}
    problems: list[Problem] = []
    limit = get_settings().max_graph_nodes
    if len(spec.nodes) > limit:
        problems.append(Problem(f"The agent has {len(spec.nodes)} nodes; at most {limit} are allowed."))
    if not spec.nodes:
        problems.append(Problem("The agent has no nodes."))

    blocks: dict[str, Block] = {}
    seen: set[str] = set()
    for node in spec.nodes:
        if node.id in seen:
            problems.append(Problem(f"Two nodes share the id {node.id!r}.", node.id))
            continue
        seen.add(node.id)
        block = find_block(node.block_id)
        if block is None:
            problems.append(Problem(f"Unknown block {node.block_id!r}.", node.id))
            continue
        if block.disabled:
            problems.append(Problem(f"The block '{block.name}' is disabled on this platform.", node.id))
            continue
        # Input values no pin takes are kept, not refused: AutoGPT exports carry fields of their
        # own (``retry``, ``placeholder_values``, ...); an import reports them as ignored.
        blocks[node.id] = block

    linked_inputs: dict[str, set[str]] = defaultdict(set)
    for link in spec.links:
        source, sink = blocks.get(link.source_id), blocks.get(link.sink_id)
        for node_id, block in ((link.source_id, source), (link.sink_id, sink)):
            if block is None and node_id not in seen:
                problems.append(Problem(f"A link refers to a node that does not exist ({node_id!r}).", node_id))
        if source is None or sink is None:
            continue
        ok = True
        # ``result_#_status`` takes one key of the ``result`` output (``_$_2`` an item, ``_@_x`` an attribute).
        if base_pin(link.source_name) not in source.output_pins() and not source.dynamic_outputs:
            problems.append(
                Problem(f"'{source.name}' has no output '{link.source_name}'.", link.source_id, link.source_name)
            )
            ok = False
        sink_base = base_pin(link.sink_name)
        if sink.id == SUBAGENT_BLOCK_ID and sink_base not in sink.input_pins():
            # AutoGPT links straight into a sub-agent's input by its name (the engine passes it on).
            values = nodes[link.sink_id].input_default
            accepted = subagent_inputs.get(str(values.get("graph_id") or ""))
            if accepted is None:
                accepted = _carried_inputs(values.get("input_schema"))
            if accepted is not None and link.sink_name not in accepted:
                agent = f" '{values['agent_name']}'" if values.get("agent_name") else ""
                problems.append(
                    Problem(f"The sub-agent{agent} has no input '{link.sink_name}'.", link.sink_id, link.sink_name)
                )
            linked_inputs[link.sink_id].add(link.sink_name)
            continue
        if sink_base not in sink.input_pins():
            if is_legacy_secret_pin(sink, sink_base):
                continue  # kept and ignored: the secret comes from the person's credential
            problems.append(Problem(f"'{sink.name}' has no input '{link.sink_name}'.", link.sink_id, link.sink_name))
            ok = False
        linked_inputs[link.sink_id].add(sink_base)
        plain = ok and sink_base == link.sink_name and link.source_name in source.output_pins()
        if plain and not link_fits(source, link.source_name, sink, link.sink_name):
            problems.append(
                Problem(
                    incompatible_link_message(source, link.source_name, sink, link.sink_name),
                    link.sink_id,
                    link.sink_name,
                )
            )

    credential_fields = {node_id: {r.field for r in b.credentials} for node_id, b in blocks.items()}
    for node in spec.nodes:
        block = blocks.get(node.id)
        if block is None:
            continue
        required = set(block_schema(type(block), output=False).get("required", []))
        provided = {base_pin(k) for k in node.input_default} | linked_inputs[node.id]
        for pin in sorted(required - provided - credential_fields[node.id]):
            problems.append(
                Problem(
                    f"'{block.name}' needs a value for '{pin}': link an output to it or give it a value.", node.id, pin
                )
            )

    # Loops are allowed, as in AutoGPT: a run that keeps going round stops at the engine's limit of
    # node runs (settings.max_node_runs).
    return problems


def graph_problems(spec: GraphSpec) -> list[Problem]:
    """Every problem of ``spec`` and of the sub-agents it carries (theirs named after the sub-agent)."""
    known = {sub.id: set(input_schema(sub)["properties"]) for sub in spec.sub_graphs if sub.id}
    problems = find_problems(spec, known)
    for sub in spec.sub_graphs:
        problems.extend(
            Problem(f"Sub-agent '{sub.name}': {p.message}", p.node_id, p.pin) for p in find_problems(sub, known)
        )
    return problems


def validate_graph(spec: GraphSpec) -> None:
    """Raise :class:`InvalidInput` listing every problem, or return if the graph is valid."""
    problems = graph_problems(spec)
    if problems:
        first = problems[0].message
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise InvalidInput(
            f"The agent is not valid: {first}{more}", code="invalid_graph", details=[p.as_dict() for p in problems]
        )
