"""The builder's edits: apply one operation from the canvas to the server's working copy of an agent.

The working copy is a plain dict in :class:`~autogpt_app.graphs.spec.GraphSpec` JSON form (name,
description, nodes, links), kept a dict so an edit costs microseconds, not a pydantic round trip.
Operations come from a browser: every shape, id, size and value is checked before anything changes,
and a refused operation answers a sentence for a person and leaves the copy as it was.

``EditResult.echo`` lists what the canvas must apply to mirror the server: the canvas draws moves,
adds and deletes itself, but a link appears only when the server accepts it (``add_link``), and a
change the server made on its own (a typed value cleared by a new link, a pasted link that does not
fit) comes back as an operation too. An invalid agent is still a valid working copy: its problems are
shown (:func:`problems`) and it can be saved as a draft, not as a version.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import Block, CredentialsRef
from autogpt_app.graphs import palette
from autogpt_app.graphs.spec import MAX_DESCRIPTION, MAX_NAME, NODE_ASK_INPUT, GraphSpec, split_dynamic_pin
from autogpt_app.graphs.validation import graph_problems, incompatible_link_message, link_fits
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

MAX_ID = 100
MAX_PIN_NAME = 200
MAX_KEY = 100
MAX_TITLE = 200
MAX_NOTE = 2_000
MAX_PINS = 100
MAX_LIST_INDEX = 999
#: One typed value, serialized.
MAX_VALUE_BYTES = 100_000
#: All typed values of one node, serialized.
MAX_NODE_VALUES_BYTES = 1_000_000
#: A whole agent sent by undo/redo, serialized (the draft cap too).
MAX_GRAPH_BYTES = 5_000_000
MAX_COORDINATE = 1e7
MAX_NESTING = 64
#: Ids, positions or links in one operation (more than any agent may have).
MAX_ITEMS = 5_000


@dataclass
class EditResult:
    """What one operation did.

    Attributes:
        changed: the working copy changed (the page marks unsaved changes).
        echo: operations the canvas applies to mirror the server.
        refusal: why the operation was refused, for a person (nothing changed), or None.
    """

    changed: bool
    echo: list[dict[str, Any]] = field(default_factory=list)
    refusal: str | None = None


class _Refused(Exception):
    """Raised inside an operation before anything changed; becomes ``EditResult.refusal``."""


def empty_graph(name: str = "Untitled agent") -> dict[str, Any]:
    """A new, empty working copy."""
    return {"name": name, "description": "", "nodes": [], "links": []}


def problems(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """What keeps the working copy from being saved as a version: ``[{"node_id", "pin", "message"}]``.

    The same problems a save reports (:func:`~autogpt_app.graphs.validation.graph_problems`).
    """
    document = {**graph, "name": graph.get("name") or "Untitled agent"}
    try:
        spec = GraphSpec.model_validate(document)
    except ValidationError as exc:
        return [{"node_id": None, "pin": None, "message": f"The agent could not be read: {_first_error(exc)}"}]
    return [p.as_dict() for p in graph_problems(spec)]


def apply(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    """Apply one editor operation to ``graph`` (changed in place only when the operation is accepted).

    Never raises: a malformed or impossible operation answers ``refusal``.
    """
    if not isinstance(op, dict) or not isinstance(op.get("op"), str):
        return EditResult(False, refusal="The change could not be read.")
    handler = _HANDLERS.get(op["op"])
    if handler is None:
        return EditResult(False, refusal=f"Unknown change {op['op'][:40]!r}.")
    try:
        return handler(graph, op)
    except _Refused as refusal:
        return EditResult(False, refusal=str(refusal))
    except Exception:  # a last guard: a browser must never crash the page's event handler
        log.exception("builder operation %r failed", op["op"])
        return EditResult(False, refusal="This change could not be made.")


# --- reading the working copy -------------------------------------------------------------------


def _nodes(graph: dict[str, Any]) -> list[dict[str, Any]]:
    return graph.setdefault("nodes", [])


def _links(graph: dict[str, Any]) -> list[dict[str, Any]]:
    return graph.setdefault("links", [])


def _node(graph: dict[str, Any], node_id: Any) -> dict[str, Any]:
    if isinstance(node_id, str):
        for node in _nodes(graph):
            if node.get("id") == node_id:
                return node
    raise _Refused("That node is no longer in the agent.")


def _block_name(node: dict[str, Any]) -> str:
    block = find_block(str(node.get("block_id", "")))
    return block.name if block is not None else "Unknown block"


def _label(node: dict[str, Any]) -> str:
    title = (node.get("metadata") or {}).get("title")
    return title if isinstance(title, str) and title else _block_name(node)


def _usable_block(node: dict[str, Any]) -> Block:
    block = find_block(str(node.get("block_id", "")))
    if block is None:
        raise _Refused(f"'{_label(node)}' uses a block this platform does not have ({node.get('block_id')!r}).")
    if block.disabled:
        raise _Refused(f"The block '{block.name}' is disabled on this platform.")
    return block


def _inputs(block: Block) -> dict[str, dict[str, Any]]:
    return palette.pins_of(block.id, output=False) or {}


def _key(link: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    return (link.get("source_id"), link.get("source_name"), link.get("sink_id"), link.get("sink_name"))


def _is_linked(graph: dict[str, Any], node_id: str, pin: str) -> bool:
    return any(link.get("sink_id") == node_id and link.get("sink_name") == pin for link in _links(graph))


def _input_default(node: dict[str, Any]) -> dict[str, Any]:
    values = node.get("input_default")
    return values if isinstance(values, dict) else {}


def _metadata(node: dict[str, Any]) -> dict[str, Any]:
    metadata = node.get("metadata")
    if not isinstance(metadata, dict):
        metadata = node["metadata"] = {}
    return metadata


# --- checking what the browser sent -------------------------------------------------------------


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{first['msg']} at '{where}'." if where else f"{first['msg']}."


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise _Refused(f"The {what} must be text.")
    if len(value) > limit:
        raise _Refused(f"The {what} can be at most {limit:,} characters long.")
    return value


def _identifier(value: Any, what: str, limit: int = MAX_ID) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _Refused(f"The {what} could not be read.")
    return value


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Refused("A position must be two numbers.")
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise _Refused("That position is too far away.")
    return value


def _position(value: Any) -> dict[str, float | int]:
    if isinstance(value, dict):
        value = [value.get("x"), value.get("y")]
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _Refused("A position must be two numbers.")
    return {"x": _number(value[0]), "y": _number(value[1])}


def _items(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Refused(f"The {what} could not be read.")
    if len(value) > MAX_ITEMS:
        raise _Refused(f"Too many {what} at once.")
    return value


def json_value_problem(value: Any, limit: int = MAX_VALUE_BYTES, *, outer_levels: int = 0) -> str | None:
    """Why ``value`` cannot be stored as a typed input (not JSON-like, nested over 64 levels, over
    ``limit`` bytes serialized), or None. ``outer_levels``: how deep typed values sit in ``value``
    (a node's values, a whole agent), so what one edit accepted is accepted again as part of more."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    budget = limit
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING + outer_levels:
            return f"The value is nested more than {MAX_NESTING} levels deep."
        budget -= 1
        if isinstance(item, str):
            budget -= len(item)
        elif isinstance(item, bool) or item is None or isinstance(item, int):
            pass
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "Numbers must be finite."
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return "The value could not be read."
                budget -= len(key)
                stack.append((child, depth + 1))
        else:
            return "The value could not be read."
        if budget < 0:
            break
    if budget >= 0:
        try:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode())
        except (TypeError, ValueError, RecursionError):
            return "The value could not be read."
        if size <= limit:
            return None
    size = f"{limit // 1_000_000:,} MB" if limit >= 1_000_000 else f"{limit // 1000:,} KB"
    return f"The value is too large (at most {size})."


def _link(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Refused("The link could not be read.")
    is_static = raw.get("is_static", False)
    if not isinstance(is_static, bool):
        raise _Refused("The link could not be read.")
    return {
        "source_id": _identifier(raw.get("source_id"), "link"),
        "sink_id": _identifier(raw.get("sink_id"), "link"),
        "source_name": _identifier(raw.get("source_name"), "link", MAX_PIN_NAME),
        "sink_name": _identifier(raw.get("sink_name"), "link", MAX_PIN_NAME),
        "is_static": is_static,
    }


def _dynamic_pin(block: Block, name: str) -> tuple[str, str, str] | None:
    """``(base, kind, key)`` when ``name`` is an extra pin the block's input ``base`` can grow, else None."""
    parts = split_dynamic_pin(name)
    if parts is None:
        return None
    base, kind, key = parts
    pin = _inputs(block).get(base)
    if pin is None or pin["credential"]:
        return None
    if kind in "#@" and pin["grows"] == "dict" and len(key) <= MAX_KEY and key.isprintable() and key.strip():
        return parts
    if kind == "$" and pin["grows"] == "list" and key.isdecimal() and int(key) <= MAX_LIST_INDEX:
        return parts
    return None


def _input_pin(node: dict[str, Any], block: Block, name: str) -> dict[str, Any] | None:
    """The palette pin of a plain input, or None for an extra (dynamic) pin; refuses an unknown pin."""
    pin = _inputs(block).get(name)
    if pin is not None:
        return pin
    if _dynamic_pin(block, name) is not None:
        return None
    raise _Refused(f"'{_label(node)}' has no input '{name[:MAX_PIN_NAME]}'.")


def _link_refusal(graph: dict[str, Any], link: dict[str, Any]) -> str | None:
    """Why ``link`` cannot be added to ``graph`` (the rule of ``connect`` and of pasted links), or None."""
    try:
        source = _node(graph, link["source_id"])
        sink = _node(graph, link["sink_id"])
    except _Refused:
        return "A link must join two nodes of this agent."
    if source is sink:
        return "A node cannot be linked to itself."
    try:
        source_block, sink_block = _usable_block(source), _usable_block(sink)
        source_pins = palette.pins_of(source_block.id, output=True) or {}
        if link["source_name"] not in source_pins and not source_block.dynamic_outputs:
            return f"'{_label(source)}' has no output '{link['source_name']}'."
        sink_pin = _input_pin(sink, sink_block, link["sink_name"])
    except _Refused as refusal:
        return str(refusal)
    if sink_pin is not None and sink_pin["credential"]:
        return f"'{_label(sink)}' takes its credential from the side panel, not from a link."
    if any(_key(existing) == _key(link) for existing in _links(graph)):
        return "These two pins are already linked."
    plain = sink_pin is not None and link["source_name"] in source_pins
    if plain and not link_fits(source_block, link["source_name"], sink_block, link["sink_name"]):
        return incompatible_link_message(source_block, link["source_name"], sink_block, link["sink_name"])
    return None


def _set_inputs(node: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    node["input_default"] = values
    return {"op": "set_inputs", "node": node["id"], "input_default": dict(values)}


def _set_meta_echo(node: dict[str, Any]) -> dict[str, Any]:
    return {"op": "set_meta", "node": node["id"], "metadata": dict(_metadata(node))}


# --- operations ---------------------------------------------------------------------------------


def _clean_metadata(block: Block, raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _Refused("A node's details could not be read.")
    metadata: dict[str, Any] = {"position": _position(raw.get("position", [0, 0]))}
    for key, limit in (("title", MAX_TITLE), ("note", MAX_NOTE)):
        if raw.get(key):
            metadata[key] = _text(raw[key], key, limit)
    pins = _items(raw.get("pins"), "pins")
    if len(pins) > MAX_PINS:
        raise _Refused(f"A node can have at most {MAX_PINS} extra pins.")
    for pin in pins:
        if not isinstance(pin, str) or len(pin) > MAX_PIN_NAME or _dynamic_pin(block, pin) is None:
            raise _Refused(f"'{block.name}' cannot have the pin {str(pin)[:MAX_PIN_NAME]!r}.")
    if pins:
        metadata["pins"] = list(dict.fromkeys(pins))
    return metadata


def _clean_node(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Refused("A node could not be read.")
    node_id = _identifier(raw.get("id"), "node id")
    block_id = raw.get("block_id")
    block = find_block(block_id) if isinstance(block_id, str) else None
    if block is None or block.disabled:
        shown = str(block_id)[:MAX_ID] if isinstance(block_id, str) else "?"
        why = "not available" if block is None else "disabled on this platform"
        raise _Refused(f"The block {shown!r} is {why}.")
    values = raw.get("input_default") or {}
    if not isinstance(values, dict):
        raise _Refused(f"The values of '{block.name}' could not be read.")
    if any(not isinstance(k, str) or len(k) > MAX_PIN_NAME for k in values):
        raise _Refused(f"The values of '{block.name}' could not be read.")
    problem = json_value_problem(values, MAX_NODE_VALUES_BYTES, outer_levels=1)
    if problem:
        raise _Refused(f"'{block.name}': {problem}")
    values = dict(values)
    for requirement in block.credentials:
        if values.get(requirement.field) is not None:
            values[requirement.field] = _credential_ref(values[requirement.field])
    return {
        "id": node_id,
        "block_id": block.id,
        "input_default": values,
        "metadata": _clean_metadata(block, raw.get("metadata")),
    }


def _add_nodes(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    raw_nodes = _items(op.get("nodes"), "nodes")
    raw_links = _items(op.get("links"), "links")
    if not raw_nodes:
        raise _Refused("There is no node to add.")
    limit = get_settings().max_graph_nodes
    total = len(_nodes(graph)) + len(raw_nodes)
    if total > limit:
        raise _Refused(f"An agent can have at most {limit} nodes; this would make {total}.")
    new = [_clean_node(raw) for raw in raw_nodes]
    taken = {node.get("id") for node in _nodes(graph)}
    for node in new:
        if node["id"] in taken:
            raise _Refused(f"There is already a node with the id {node['id']!r}.")
        taken.add(node["id"])
    _nodes(graph).extend(new)
    dropped = []
    for raw in raw_links:
        try:
            link = _link(raw)
        except _Refused:
            if isinstance(raw, dict):
                dropped.append({k: raw.get(k) for k in ("source_id", "source_name", "sink_id", "sink_name")})
            continue
        if _link_refusal(graph, link) is None:
            _links(graph).append(link)
        else:
            dropped.append({k: link[k] for k in ("source_id", "source_name", "sink_id", "sink_name")})
    echo = [{"op": "remove_links", "links": dropped}] if dropped else []
    return EditResult(True, echo)


def _move(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    raw = op.get("positions")
    if not isinstance(raw, dict) or len(raw) > MAX_ITEMS:
        raise _Refused("The new positions could not be read.")
    positions = {node_id: _position(value) for node_id, value in raw.items()}
    changed = False
    for node in _nodes(graph):
        position = positions.get(node.get("id"))
        if position is not None:
            metadata = _metadata(node)
            if metadata.get("position") != position:
                metadata["position"] = position
                changed = True
    return EditResult(changed)


def _delete(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    ids = set()
    for node_id in _items(op.get("nodes"), "nodes"):
        ids.add(_identifier(node_id, "node id"))
    keys = set()
    for raw in _items(op.get("links"), "links"):
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in _key(raw)):
            raise _Refused("The links could not be read.")
        keys.add(_key(raw))
    nodes, links = _nodes(graph), _links(graph)
    kept_nodes = [n for n in nodes if n.get("id") not in ids]
    kept_links = [
        link
        for link in links
        if link.get("source_id") not in ids and link.get("sink_id") not in ids and _key(link) not in keys
    ]
    if len(kept_nodes) == len(nodes) and len(kept_links) == len(links):
        return EditResult(False)
    graph["nodes"], graph["links"] = kept_nodes, kept_links
    return EditResult(True)


def _connect(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    link = _link(op.get("link"))
    refusal = _link_refusal(graph, link)
    if refusal:
        raise _Refused(refusal)
    _links(graph).append(link)
    echo: list[dict[str, Any]] = [{"op": "add_link", "link": dict(link)}]
    sink = _node(graph, link["sink_id"])
    values = _input_default(sink)
    name = link["sink_name"]
    cleared = {k: v for k, v in values.items() if k != name}
    parts = split_dynamic_pin(name)
    if parts and parts[1] in "#@" and isinstance(values.get(parts[0]), dict) and parts[2] in values[parts[0]]:
        # A typed entry of a dict input ('values' → {'name': …}) gives way to the link into 'values_#_name'.
        cleared[parts[0]] = {k: v for k, v in values[parts[0]].items() if k != parts[2]}
    if cleared != values:
        echo.append(_set_inputs(sink, cleared))
    return EditResult(True, echo)


def _set_input(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    node = _node(graph, op.get("node"))
    block = _usable_block(node)
    name = _identifier(op.get("name"), "input", MAX_PIN_NAME)
    # "Ask before running" is a setting any node may carry, not a pin of its block.
    pin = None if name == NODE_ASK_INPUT and NODE_ASK_INPUT not in block.input_pins() else _input_pin(node, block, name)
    if pin is None and name == NODE_ASK_INPUT and op.get("value") not in (None, True):
        raise _Refused("'Ask before running' is either on or off.")
    if pin is not None and pin["credential"]:
        raise _Refused(f"Pick the credential of '{_label(node)}' in the side panel.")
    if _is_linked(graph, node["id"], name):
        title = pin["title"] if pin is not None else name
        raise _Refused(f"'{title}' is connected: remove the link to type a value.")
    value = op.get("value")
    values = dict(_input_default(node))
    if value is None:
        if name not in values:
            return EditResult(False)
        del values[name]
    else:
        problem = json_value_problem(value)
        if problem:
            raise _Refused(problem)
        if name in values and values[name] == value:
            return EditResult(False)
        values[name] = value
        if json_value_problem(values, MAX_NODE_VALUES_BYTES, outer_levels=1):
            raise _Refused(f"The values of '{_label(node)}' would take more than 1 MB.")
    return EditResult(True, [_set_inputs(node, values)])


def _credential_ref(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or any(not isinstance(v, str) or len(v) > MAX_TITLE for v in raw.values()):
        raise _Refused("The credential could not be read.")
    try:
        ref = CredentialsRef.model_validate(raw)
    except ValidationError:
        raise _Refused("The credential could not be read.") from None
    if not ref.id:
        raise _Refused("The credential could not be read.")
    return ref.model_dump()


def _set_credential(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    node = _node(graph, op.get("node"))
    block = _usable_block(node)
    field_name = op.get("field")
    if field_name not in {r.field for r in block.credentials}:
        raise _Refused(f"'{_label(node)}' has no credential {str(field_name)[:MAX_PIN_NAME]!r}.")
    values = dict(_input_default(node))
    if op.get("credential") is None:
        if field_name not in values:
            return EditResult(False)
        del values[field_name]
    else:
        ref = _credential_ref(op["credential"])
        if values.get(field_name) == ref:
            return EditResult(False)
        values[field_name] = ref
    return EditResult(True, [_set_inputs(node, values)])


def _set_meta(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    node = _node(graph, op.get("node"))
    updates = {}
    for key, limit in (("title", MAX_TITLE), ("note", MAX_NOTE)):
        if key in op:
            updates[key] = _text(op[key] if op[key] is not None else "", key, limit).strip()
    if not updates:
        raise _Refused("There is nothing to change.")
    metadata = dict(_metadata(node))
    for key, value in updates.items():
        if value:
            metadata[key] = value
        else:
            metadata.pop(key, None)
    if metadata == _metadata(node):
        return EditResult(False)
    node["metadata"] = metadata
    return EditResult(True, [_set_meta_echo(node)])


def _add_pin(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    node = _node(graph, op.get("node"))
    block = _usable_block(node)
    name = _identifier(op.get("name"), "pin name", MAX_PIN_NAME)
    parts = split_dynamic_pin(name)
    if parts is None or parts[0] not in _inputs(block):
        raise _Refused(f"'{_label(node)}' has no input that can take the pin '{name}'.")
    if _dynamic_pin(block, name) is None:
        base = _inputs(block)[parts[0]]
        if base["grows"] is None or base["credential"]:
            raise _Refused(f"'{base['title']}' of '{_label(node)}' takes no extra pins.")
        if base["grows"] == "list":
            raise _Refused(f"An extra pin of the list '{base['title']}' is numbered from 0 to {MAX_LIST_INDEX}.")
        raise _Refused(f"An extra pin of '{base['title']}' needs a name of 1 to {MAX_KEY} printable characters.")
    metadata = dict(_metadata(node))
    pins = list(metadata.get("pins") or [])
    if name in pins:
        return EditResult(False)
    if len(pins) >= MAX_PINS:
        raise _Refused(f"A node can have at most {MAX_PINS} extra pins.")
    metadata["pins"] = [*pins, name]
    node["metadata"] = metadata
    return EditResult(True, [_set_meta_echo(node)])


def _set_info(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    updates = {}
    if "name" in op:
        updates["name"] = _text(op["name"], "name", MAX_NAME).strip()
        if not updates["name"]:
            raise _Refused("The agent needs a name.")
    if "description" in op:
        updates["description"] = _text(op["description"] or "", "description", MAX_DESCRIPTION).strip()
    changed = any(graph.get(k) != v for k, v in updates.items())
    graph.update(updates)
    return EditResult(changed)


def _replace(graph: dict[str, Any], op: dict[str, Any]) -> EditResult:
    raw = op.get("graph")
    if not isinstance(raw, dict):
        raise _Refused("The agent could not be read.")
    document = {k: raw[k] for k in ("name", "description", "nodes", "links") if k in raw}
    document.setdefault("name", graph.get("name") or "Untitled agent")
    problem = json_value_problem(document, MAX_GRAPH_BYTES, outer_levels=4)  # nodes → node → values → value
    if problem:
        raise _Refused(f"The agent could not be kept: {problem[0].lower()}{problem[1:]}")
    nodes = document.get("nodes")
    if isinstance(nodes, list) and any(not isinstance(n, dict) or not n.get("id") for n in nodes):
        raise _Refused("The agent could not be read: every node needs its id.")
    try:
        spec = GraphSpec.model_validate(document)
    except ValidationError as exc:
        raise _Refused(f"The agent could not be read: {_first_error(exc)}") from None
    limit = get_settings().max_graph_nodes
    if len(spec.nodes) > limit:
        raise _Refused(f"An agent can have at most {limit} nodes; this one has {len(spec.nodes)}.")
    dumped = spec.model_dump(mode="json", include={"name", "description", "nodes", "links"})
    if "name" in raw:
        graph["name"] = dumped["name"]
    if "description" in raw:
        graph["description"] = dumped["description"]
    graph["nodes"], graph["links"] = dumped["nodes"], dumped["links"]
    return EditResult(True)


_HANDLERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], EditResult]] = {
    "add_nodes": _add_nodes,
    "move": _move,
    "delete": _delete,
    "connect": _connect,
    "set_input": _set_input,
    "set_credential": _set_credential,
    "set_meta": _set_meta,
    "add_pin": _add_pin,
    "set_info": _set_info,
    "replace": _replace,
}
