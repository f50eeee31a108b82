"""Uploads: YAML bombs, size, file kinds, malformed and unsupported files are refused with nothing
written; valid JSON, YAML and AutoGPT exports become library agents."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from sqlalchemy import func, select

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.graphs import portable
from autogpt_app.graphs.models import Graph
from autogpt_app.library import service, uploads
from autogpt_app.library.models import LibraryAgent
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, echo_graph

#: An id no block here or in AutoGPT has, so its name comes from the file.
UNKNOWN_BLOCK = "0f0e0d0c-0000-4000-8000-00000000beef"


def billion_laughs(levels: int = 9, width: int = 9) -> bytes:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    lines.append("name: bomb")
    return "\n".join(lines).encode()


AUTOGPT_EXPORT = {
    "id": "5f1e6c1a-0000-4000-8000-000000000000",
    "version": 7,
    "is_active": True,
    "name": "AutoGPT echo",
    "description": "From AutoGPT",
    "nodes": [
        {
            "id": "a",
            "block_id": SHORT_TEXT,
            "input_default": {"name": "topic", "advanced": False},
            "metadata": {"position": {"x": 1, "y": 2}},
            "graph_id": "5f1e6c1a-0000-4000-8000-000000000000",
            "webhook_id": None,
        },
        {"id": "b", "block_id": OUTPUT, "input_default": {"name": "echo"}, "metadata": {}},
    ],
    "links": [{"id": "l1", "source_id": "a", "sink_id": "b", "source_name": "result", "sink_name": "value"}],
    "input_schema": {"ignored": True},
    "output_schema": {},
    "sub_graphs": [],
}


@pytest.fixture
async def user():
    async with session_scope() as s:
        return await auth_service.signup(s, email="ada@example.com", display_name="Ada", password="violet-harbour-42")


async def counts() -> tuple[int, int]:
    async with session_scope() as s:
        graphs = (await s.execute(select(func.count()).select_from(Graph))).scalar_one()
        entries = (await s.execute(select(func.count()).select_from(LibraryAgent))).scalar_one()
    return graphs, entries


async def upload(user, data: bytes | str, filename: str):
    raw = data.encode() if isinstance(data, str) else data
    async with session_scope() as s:
        return await service.upload(s, user, raw, filename)


async def refused(user, data: bytes | str, filename: str, code: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        await upload(user, data, filename)
    assert err.value.code == code, err.value.message
    assert await counts() == (0, 0)
    return err.value


async def test_yaml_bomb_is_refused_fast_and_writes_nothing(user):
    start = time.perf_counter()
    err = await refused(user, billion_laughs(), "bomb.yaml", "yaml_too_complex")
    assert time.perf_counter() - start < 1.0
    assert "aliases" in err.message and "Nothing was imported" in err.message
    # The graph import API's parser is guarded too.
    with pytest.raises(InvalidInput, match="aliases"):
        portable.parse_document(billion_laughs(), filename="bomb.yml")


async def test_recursive_and_alias_heavy_yaml_are_refused(user):
    err = await refused(user, "name: &a [x, *a]\n", "loop.yaml", "yaml_too_complex")
    assert "recursive" in err.message
    await refused(user, "name: &m {a: *m}\n", "loop2.yaml", "yaml_too_complex")
    many = "x: &x 1\nitems: [" + ", ".join(["*x"] * (uploads.MAX_YAML_ALIASES + 1)) + "]\nname: n\n"
    err = await refused(user, many, "many.yaml", "yaml_too_complex")
    assert str(uploads.MAX_YAML_ALIASES) in err.message


async def test_a_few_aliases_are_fine(user):
    doc = yaml.safe_dump(echo_graph("Anchored"))
    doc = "x-pos: &pos {x: 0, y: 0}\n" + doc.replace("position:\n      x: 0\n      y: 0", "position: *pos")
    assert "*pos" in doc
    agent = await upload(user, doc, "anchored.yaml")
    assert agent.name == "Anchored" and agent.source == "upload"


async def test_files_over_5_mb_are_refused(user):
    big = json.dumps({**echo_graph(), "description": "x" * (uploads.MAX_UPLOAD_BYTES + 1)})
    err = await refused(user, big, "big.json", "file_too_large")
    assert "5 MB" in err.message


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("agent.txt", json.dumps(echo_graph()), "unsupported_file_type"),
        ("agent", json.dumps(echo_graph()), "unsupported_file_type"),
        ("agent.exe", "MZ\x00\x00", "unsupported_file_type"),
        ("agent.json", b"\x89PNG\r\n\x1a\n\x00\x00", "invalid_file"),
        ("agent.yaml", b"\xff\xfe\xfa", "invalid_file"),
        ("agent.json", "name: yaml in a json file\n", "invalid_file"),
        ("agent.json", "", "invalid_file"),
    ],
)
async def test_only_json_and_yaml_files_by_extension_and_content(user, filename, data, code):
    await refused(user, data, filename, code)


@pytest.mark.parametrize(
    ("filename", "data", "code", "fragment"),
    [
        ("a.json", "{not json", "invalid_file", "not valid JSON"),
        ("a.yaml", "name: [unclosed", "invalid_file", "not valid YAML"),
        ("a.yaml", "- a list\n- not an agent\n", "invalid_file", "must hold one agent"),
        ("a.yaml", "just text", "invalid_file", "must hold one agent"),
        ("a.json", json.dumps({"name": "x", "nodes": [{"id": "a"}], "links": []}), "invalid_file", "nodes.0.block_id"),
        ("a.json", '{"a":' * 100_000, "invalid_file", "nested too deeply"),
        # libyaml's composer recurses in C: this would crash the process if it reached it.
        ("a.yaml", "[" * 100_000 + "]" * 100_000, "yaml_too_complex", "deep"),
        ("a.yaml", "name: !!python/object/apply:os.system ['echo hi']\n", "invalid_file", "not valid YAML"),
        ("a.yaml", "name: *nowhere\n", "invalid_file", "not valid YAML"),
    ],
)
async def test_malformed_files_get_readable_errors(user, filename, data, code, fragment):
    err = await refused(user, data, filename, code)
    assert fragment in err.message


async def test_invalid_graph_is_refused_with_every_problem(user):
    doc = echo_graph()
    doc["links"].append({"source_id": "in", "sink_id": "out", "source_name": "nope", "sink_name": "value"})
    with pytest.raises(InvalidInput) as err:
        await upload(user, json.dumps(doc), "bad.json")
    assert err.value.code == "invalid_graph" and err.value.details
    assert await counts() == (0, 0)


async def test_unsupported_blocks_import_nothing(user):
    doc = echo_graph()
    doc["nodes"].append({"id": "x", "block_id": UNKNOWN_BLOCK, "block_name": "TwitterPost", "input_default": {}})
    err = await refused(user, yaml.safe_dump(doc), "twitter.yml", "unsupported_blocks")
    assert "TwitterPost" in err.message and err.details[0]["block_id"] == UNKNOWN_BLOCK


async def test_valid_json_and_yaml_are_accepted(user):
    from_json = await upload(user, json.dumps(echo_graph("From JSON")), "a.json")
    from_yaml = await upload(user, yaml.safe_dump(echo_graph("From YAML")), "a.YAML")
    assert (from_json.name, from_yaml.name) == ("From JSON", "From YAML")
    assert from_json.source == from_yaml.source == "upload"
    assert list(from_json.input_schema["properties"]) == ["topic"] and from_json.input_count == 1
    assert await counts() == (2, 2)


async def test_autogpt_export_is_accepted(user):
    agent = await upload(user, json.dumps(AUTOGPT_EXPORT), "AutoGPT_echo.json")
    assert agent.name == "AutoGPT echo" and agent.description == "From AutoGPT" and agent.version == 1
    assert agent.graph_id != AUTOGPT_EXPORT["id"]  # a new agent of the importer's own
    wrapped = await upload(user, yaml.safe_dump({"graph": {**AUTOGPT_EXPORT, "name": "Wrapped"}}), "w.yaml")
    assert wrapped.name == "Wrapped"


async def test_preview_saves_nothing(user):
    preview = service.preview_upload(yaml.safe_dump(echo_graph("Preview me")).encode(), "p.yaml")
    assert preview["name"] == "Preview me" and "Short text input" in preview["blocks"]
    assert list(preview["input_schema"]["properties"]) == ["topic"]
    with pytest.raises(InvalidInput):
        service.preview_upload(billion_laughs(), "bomb.yaml")
    with pytest.raises(InvalidInput):
        service.preview_upload(b"{}", "p.txt")
    assert await counts() == (0, 0)


async def test_the_dialogs_preview_lists_ignored_fields_and_knows_the_users_agents(user):
    doc = echo_graph("Odd")
    doc["nodes"][0]["input_default"]["placeholder_values"] = []
    async with session_scope() as s:
        preview = await service.preview_upload_for(s, user, json.dumps(doc).encode(), "odd.json")
    assert preview["ignored_fields"] == [{"node_id": "in", "block": "Short text input", "field": "placeholder_values"}]
    mine = await upload(user, json.dumps(echo_graph("Mine")), "mine.json")
    parent = {
        "name": "Runs mine",
        "nodes": [
            {
                "id": "sub",
                "block_id": "e189baac-8c20-45a1-94a7-55177ea42565",
                "input_default": {"graph_id": mine.graph_id},
            }
        ],
        "links": [],
    }
    async with session_scope() as s:
        assert (await service.preview_upload_for(s, user, json.dumps(parent).encode(), "p.json"))["name"] == "Runs mine"
    with pytest.raises(InvalidInput) as refused:
        service.preview_upload(json.dumps(parent).encode(), "p.json")  # without the user: not found
    assert refused.value.code == "unresolved_subagent"
