"""Import and export of agents: our JSON/YAML format and AutoGPT agent exports.

Both formats share one shape (``name``, ``description``, ``nodes[{id, block_id, input_default,
metadata}]``, ``links[{source_id, sink_id, source_name, sink_name, is_static}]``, optional
``sub_graphs``); ours adds ``"format": "agpt-graph/1"``. AutoGPT exports carry more keys (ids,
versions, schemas) which are ignored: everything derived is derived again here. Input values no
block here uses are kept with their node (an export gives them back) and reported as ignored.

An import that uses a block we do not have is refused as a whole, naming every such block by its
AutoGPT name; so is one whose sub-agents cannot be found (:func:`resolve_subagents`).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import yaml
from pydantic import ValidationError

from autogpt_app.blocks.registry import find_block
from autogpt_app.errors import InvalidInput
from autogpt_app.graphs.autogpt_names import autogpt_block_name, refusal_reason
from autogpt_app.graphs.schemas import input_schema, output_schema
from autogpt_app.graphs.secrets import strip_secrets
from autogpt_app.graphs.spec import NODE_ASK_INPUT, NODE_RETRY_INPUT, GraphSpec, Node, base_pin
from autogpt_app.graphs.validation import SUBAGENT_BLOCK_ID, is_legacy_secret_pin
from autogpt_app.library.uploads import MAX_UPLOAD_BYTES, safe_yaml_load

FORMAT = "agpt-graph/1"
MAX_IMPORT_BYTES = MAX_UPLOAD_BYTES


def parse_document(data: bytes | str, *, filename: str = "") -> dict[str, Any]:
    """Parse an uploaded JSON or YAML document into a dict.

    Raises:
        InvalidInput: too large, not UTF-8, malformed, or not an object.
    """
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.", code="file_too_large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", code="invalid_file") from None
    is_yaml = filename.lower().endswith((".yaml", ".yml")) or not text.lstrip().startswith(("{", "["))
    try:
        document = safe_yaml_load(text) if is_yaml else json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).", code="invalid_file"
        ) from None
    except RecursionError:
        raise InvalidInput("The file is nested too deeply.", code="invalid_file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InvalidInput(f"The file is not valid YAML{where}.", code="invalid_file") from None
    if not isinstance(document, dict):
        raise InvalidInput("The file must hold one agent (an object with name, nodes and links).", code="invalid_file")
    return document


#: Input fields AutoGPT blocks carry that this platform honours although no block declares them
#: (``retry``: the engine's node retry policy; ``ask_before_running``: a pause for the owner's approval),
#: so an import does not report them as ignored.
HONOURED_EXTRA_FIELDS = frozenset({NODE_RETRY_INPUT, NODE_ASK_INPUT})

#: Keys under which some exports wrap the graph itself.
_WRAPPER_KEYS = ("graph",)

#: What a refusal for missing blocks asks the person to do.
MISSING_BLOCKS_ADVICE = "Remove these steps or replace them with blocks of this platform, then import again."


def unwrap_document(document: dict[str, Any]) -> dict[str, Any]:
    """The graph inside ``document``: some exports wrap it (``{"graph": {...}}``); others are the graph."""
    for key in _WRAPPER_KEYS:
        inner = document.get(key)
        if "nodes" not in document and isinstance(inner, dict) and "nodes" in inner:
            return inner
    return document


def _graphs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [document, *[g for g in document.get("sub_graphs") or [] if isinstance(g, dict)]]


def unsupported_blocks(document: dict[str, Any]) -> list[dict[str, str]]:
    """Every block the document uses that this platform lacks (once per block), named by its AutoGPT
    name, with ``reason`` for blocks never offered here (they run people's code)."""
    missing: dict[str, dict[str, str]] = {}
    for graph in _graphs_of(document):
        for node in graph.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            block_id = str(node.get("block_id") or "")
            if not block_id or block_id in missing or find_block(block_id) is not None:
                continue
            entry = {
                "block_id": block_id,
                "name": autogpt_block_name(block_id, node),
                "node_id": str(node.get("id", "")),
            }
            if reason := refusal_reason(block_id):
                entry["reason"] = reason
            missing[block_id] = entry
    return list(missing.values())


def _missing_blocks_message(missing: list[dict[str, str]]) -> str:
    def label(entry: dict[str, str]) -> str:
        return f"{entry['name']} ({entry['reason']})" if entry.get("reason") else entry["name"]

    names = ", ".join(label(m) for m in missing[:8])
    more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
    return (
        f"This agent uses blocks this platform does not have: {names}{more}. Nothing was imported. "
        + MISSING_BLOCKS_ADVICE
    )


def spec_from_document(document: dict[str, Any]) -> GraphSpec:
    """Turn a parsed document (ours or an AutoGPT export) into a :class:`GraphSpec`.

    Raises:
        InvalidInput: unsupported blocks (``code="unsupported_blocks"``, each listed in ``details``
            by its AutoGPT name) or a malformed structure.
    """
    document = unwrap_document(document)
    missing = unsupported_blocks(document)
    if missing:
        raise InvalidInput(_missing_blocks_message(missing), code="unsupported_blocks", details=missing)
    try:
        return GraphSpec.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"The agent file is malformed at '{where}': {first['msg']}.",
            code="invalid_file",
            details=[{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()[:20]],
        ) from None


def ignored_fields(spec: GraphSpec) -> list[dict[str, str]]:
    """Input values the file gives that no block here uses (kept with the node, so they survive an
    export, but without effect): ``[{node_id, block, field}]``, sub-agents' included (``graph``)."""
    found: list[dict[str, str]] = []
    for graph in [spec, *spec.sub_graphs]:
        for node in graph.nodes:
            block = find_block(node.block_id)
            if block is None:
                continue
            pins = block.input_pins()
            linked_secrets = [
                link.sink_name
                for link in graph.links
                if link.sink_id == node.id and is_legacy_secret_pin(block, base_pin(link.sink_name))
            ]
            for key in dict.fromkeys([*node.input_default, *linked_secrets]):
                if base_pin(key) not in pins and key not in HONOURED_EXTRA_FIELDS:
                    entry = {"node_id": node.id, "block": block.name, "field": key}
                    if graph is not spec:
                        entry["graph"] = graph.name
                    if key in linked_secrets:
                        entry["reason"] = "a secret here comes from a credential"
                    found.append(entry)
    return found


def _input_names(schema: Any) -> set[str] | None:
    """The property names of a carried JSON schema, or None when it says nothing."""
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and schema["properties"]:
        return set(schema["properties"])
    return None


def _candidates(node: Node, subs: list[GraphSpec]) -> list[GraphSpec]:
    """Sub-graphs a "run sub-agent" node may mean when its ``graph_id`` matches none: same version,
    same name, same inputs and outputs (each only when the node says)."""
    values = node.input_default
    version, agent_name = values.get("graph_version"), values.get("agent_name")
    wanted_inputs, wanted_outputs = _input_names(values.get("input_schema")), _input_names(values.get("output_schema"))
    fits = []
    for sub in subs:
        if version is not None and sub.version is not None and sub.version != version:
            continue
        if agent_name and sub.name != agent_name:
            continue
        if wanted_inputs is not None and wanted_inputs != set(input_schema(sub)["properties"]):
            continue
        if wanted_outputs is not None and wanted_outputs != set(output_schema(sub)["properties"]):
            continue
        fits.append(sub)
    return fits


def resolve_subagents(spec: GraphSpec, owned_graph_ids: Collection[str] = ()) -> GraphSpec:
    """Point every "run sub-agent" node at the sub-graph of the file it means.

    A node refers to a sub-graph by its id; AutoGPT exports may carry another id for it (the
    author's copy) with the version, name and schemas still matching: then the one sub-graph that
    fits is taken. A reference to one of the importer's own agents (``owned_graph_ids``) stays.

    Raises:
        InvalidInput: ``code="unresolved_subagent"``, naming each node whose agent is neither in
            the file nor the importer's, so an import never points at an agent that is not there.
    """
    spec = spec.model_copy(deep=True)
    for index, sub in enumerate(spec.sub_graphs):
        if not sub.id:  # a reference needs an id to point at
            sub.id = f"sub-graph-{index + 1}"
    known = {sub.id for sub in spec.sub_graphs}
    unresolved: list[dict[str, str]] = []
    for graph in [spec, *spec.sub_graphs]:
        for node in graph.nodes:
            if node.block_id != SUBAGENT_BLOCK_ID:
                continue
            ref = node.input_default.get("graph_id")
            if ref in known or (ref and ref in owned_graph_ids):
                continue
            fits = _candidates(node, [s for s in spec.sub_graphs if s is not graph])
            if len(fits) == 1:
                node.input_default["graph_id"] = fits[0].id
                continue
            name = node.input_default.get("agent_name") or node.metadata.get("name") or "a sub-agent"
            unresolved.append({"node_id": node.id, "agent_name": str(name), "graph_id": str(ref or "")})
    if unresolved:
        names = ", ".join(f"'{u['agent_name']}' (step {u['node_id']})" for u in unresolved[:5])
        raise InvalidInput(
            f"This agent runs sub-agents that are neither in the file nor among your agents: {names}. "
            "Export the agent again with its sub-agents, or import those agents first. Nothing was imported.",
            code="unresolved_subagent",
            details=unresolved,
        )
    return spec


def export_document(spec: GraphSpec) -> dict[str, Any]:
    """Return the agent as a document of our format, without secrets (see :mod:`autogpt_app.graphs.secrets`)."""
    clean = strip_secrets(spec)
    return {"format": FORMAT, **clean.model_dump(mode="json")}


def export_text(spec: GraphSpec, *, as_yaml: bool = False) -> str:
    """Serialise :func:`export_document` as JSON (default) or YAML."""
    document = export_document(spec)
    if as_yaml:
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return json.dumps(document, indent=2, ensure_ascii=False)
