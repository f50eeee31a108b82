"""Every AutoGPT export in tests/fixtures/autogpt either imports faithfully or is refused by name.

A file whose blocks all exist here must preview and import through the graphs service, keep every
node, link and input value of the file, come back identical from our export, and run when it needs
no outside service or credential. A file using blocks we lack must be refused with
``unsupported_blocks``, naming each of them by its AutoGPT name. Nothing here lists which files are
expected to fail: as blocks are added, more fixtures import, and the score line says how many.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autogpt_app.auth import service as auth_service
from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import BlockCategory
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import portable
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.autogpt_names import autogpt_block_name

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "autogpt"
FILES = sorted(FIXTURES.glob("*.json"))
#: Blocks of these shelves reach outside services: a fixture using one is imported, not run.
OUTSIDE = {BlockCategory.WEB, BlockCategory.AI, BlockCategory.COMMUNICATION}
#: Values a sub-agent step's import repoints at the importer's copy of the sub-agent.
REPOINTED = {"graph_id", "graph_version", "user_id"}

#: fixture name → "imported" or "refused", for the score line (see tests/graphs/conftest.py).
RESULTS: dict[str, str] = {}


def _read(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The file's bytes and the graph it holds."""
    data = path.read_bytes()
    return data, portable.unwrap_document(json.loads(data.decode("utf-8")))


def _nodes(graph: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """node id → (block id, input values as the file gives them, repointed values left out)."""
    out = {}
    for node in graph.get("nodes") or []:
        values = dict(node.get("input_default") or {})
        if node["block_id"] == portable.SUBAGENT_BLOCK_ID:
            values = {k: v for k, v in values.items() if k not in REPOINTED}
        out[node["id"]] = (node["block_id"], values)
    return out


def _links(graph: dict[str, Any]) -> set[tuple[str, str, str, str, bool]]:
    return {
        (lk["source_id"], lk["sink_id"], lk["source_name"], lk["sink_name"], bool(lk.get("is_static", False)))
        for lk in graph.get("links") or []
    }


def _same_graph(saved: dict[str, Any], original: dict[str, Any]) -> None:
    assert _nodes(saved) == _nodes(original)
    assert _links(saved) == _links(original)


def _example_inputs(schema: dict[str, Any]) -> dict[str, Any]:
    """A value for each input the agent asks for: numbers as 2, text as "2" (numbers parse from it)."""
    values: dict[str, Any] = {}
    for name, field in (schema.get("properties") or {}).items():
        kind = field.get("type")
        if field.get("enum"):
            values[name] = field["enum"][0]
        elif kind in ("number", "integer"):
            values[name] = 2
        elif kind == "boolean":
            values[name] = True
        elif kind == "array":
            values[name] = ["2"]
        elif kind == "object":
            values[name] = {}
        elif field.get("format") == "date":
            values[name] = "2026-01-02"
        else:
            values[name] = "2"
    return values


def _runs_offline(document: dict[str, Any], credentials: dict[str, Any]) -> bool:
    if credentials.get("properties"):
        return False
    for graph in [document, *(document.get("sub_graphs") or [])]:
        for node in graph.get("nodes") or []:
            block = find_block(node["block_id"])
            if block is None or set(block.categories) & OUTSIDE:
                return False
    return True


async def _user():
    async with session_scope() as s:
        return await auth_service.signup(s, email="importer@example.com", display_name="Ivo", password="amber-kite-731")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
async def test_autogpt_export_imports_faithfully_or_is_refused_by_name(path: Path):
    data, document = _read(path)
    missing = portable.unsupported_blocks(document)
    user = await _user()

    if missing:
        RESULTS[path.name] = "refused"
        wanted = {
            autogpt_block_name(n["block_id"], n)
            for g in [document, *(document.get("sub_graphs") or [])]
            for n in g.get("nodes") or []
            if find_block(n["block_id"]) is None
        }
        with pytest.raises(InvalidInput) as refused:
            graphs.preview_import(data, filename=path.name)
        assert refused.value.code == "unsupported_blocks"
        assert {d["name"] for d in refused.value.details} == wanted
        shown = wanted if len(wanted) <= 8 else set()
        assert all(name in refused.value.message for name in shown)
        assert "Remove these steps or replace them" in refused.value.message
        with pytest.raises(InvalidInput):
            async with session_scope() as s:
                await graphs.import_graph(s, user, data, filename=path.name)
        async with session_scope() as s:
            assert await graphs.list_graphs(s, user) == []
        return

    preview = graphs.preview_import(data, filename=path.name)
    assert preview["name"] == document["name"]
    assert preview["node_count"] == len(document["nodes"])

    async with session_scope() as s:
        imported = await graphs.import_graph(s, user, data, filename=path.name)
    RESULTS[path.name] = "imported"
    _same_graph(imported.model_dump(mode="json"), document)
    async with session_scope() as s:
        assert len(await graphs.list_graphs(s, user)) == 1 + len(document.get("sub_graphs") or [])

    # Our export, imported again, is the same graph.
    async with session_scope() as s:
        _name, text = await graphs.export_graph(s, user, imported.id)
    exported = json.loads(text)
    _same_graph(exported, document)
    async with session_scope() as s:
        again = await graphs.import_graph(s, user, text.encode(), filename="again.json")
    _same_graph(again.model_dump(mode="json"), document)

    if _runs_offline(document, preview["credentials_input_schema"]):
        async with session_scope() as s:
            run = await executions.add_graph_execution(
                s, user, imported.id, inputs=_example_inputs(imported.input_schema)
            )
        assert await GraphRunner(run.id).run() == "COMPLETED"
