"""Import and export of agents: our JSON/YAML format and AutoGPT agent exports.

Both formats share one shape (``name``, ``description``, ``nodes[{id, block_id, input_default,
metadata}]``, ``links[{source_id, sink_id, source_name, sink_name, is_static}]``, optional
``sub_graphs``); ours adds ``"format": "agpt-graph/1"``. AutoGPT exports carry more keys (ids,
versions, schemas) which are ignored: everything derived is derived again here.

An import that uses a block we do not have is refused as a whole, naming every such block.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import ValidationError

from autogpt_app.blocks.registry import find_block
from autogpt_app.errors import InvalidInput
from autogpt_app.graphs.secrets import strip_secrets
from autogpt_app.graphs.spec import GraphSpec
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


def _unsupported_blocks(document: dict[str, Any]) -> list[dict[str, str]]:
    missing: dict[str, dict[str, str]] = {}
    graphs = [document, *[g for g in document.get("sub_graphs") or [] if isinstance(g, dict)]]
    for graph in graphs:
        for node in graph.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            block_id = str(node.get("block_id") or "")
            if block_id and find_block(block_id) is None and block_id not in missing:
                name = node.get("block_name") or (node.get("metadata") or {}).get("block_name") or "unknown block"
                missing[block_id] = {"block_id": block_id, "name": str(name), "node_id": str(node.get("id", ""))}
    return list(missing.values())


def spec_from_document(document: dict[str, Any]) -> GraphSpec:
    """Turn a parsed document (ours or an AutoGPT export) into a :class:`GraphSpec`.

    Raises:
        InvalidInput: unsupported blocks (listed in ``details``) or a malformed structure.
    """
    if "graph" in document and isinstance(document["graph"], dict) and "nodes" not in document:
        document = document["graph"]  # some exports wrap the graph
    missing = _unsupported_blocks(document)
    if missing:
        names = ", ".join(f"{m['name']} ({m['block_id']})" for m in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InvalidInput(
            f"This agent uses blocks this platform does not have: {names}{more}. Nothing was imported.",
            code="unsupported_blocks",
            details=missing,
        )
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
