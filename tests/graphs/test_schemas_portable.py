"""Derived schemas, and import/export in our format and AutoGPT's."""

from __future__ import annotations

import json

import pytest
import yaml

from autogpt_app.errors import InvalidInput
from autogpt_app.graphs import portable
from autogpt_app.graphs.schemas import credentials_input_schema, input_schema, output_schema
from autogpt_app.graphs.spec import GraphSpec
from tests.graphs.helpers import DROPDOWN, NUMBER, OUTPUT, SHORT_TEXT, TOGGLE, echo_graph, link, node


def test_input_schema_from_input_nodes():
    spec = GraphSpec.model_validate(
        {
            "name": "Inputs",
            "nodes": [
                node("t", SHORT_TEXT, name="topic", title="Topic", description="What to write about"),
                node("n", NUMBER, name="count", value=3),
                node("d", DROPDOWN, name="tone", placeholder_values=["formal", "casual"], value="formal"),
                node("b", TOGGLE, name="draft"),
                node("o", OUTPUT, name="result", title="Result"),
            ],
            "links": [],
        }
    )
    schema = input_schema(spec)
    assert list(schema["properties"]) == ["topic", "count", "tone", "draft"]
    assert schema["properties"]["topic"] == {"title": "Topic", "description": "What to write about", "type": "string"}
    assert schema["properties"]["count"]["default"] == 3 and schema["properties"]["count"]["type"] == "number"
    assert schema["properties"]["tone"]["enum"] == ["formal", "casual"]
    assert schema["properties"]["draft"]["type"] == "boolean"
    assert schema["required"] == ["topic"]
    assert output_schema(spec)["properties"] == {"result": {"title": "Result"}}
    assert credentials_input_schema(spec) == {"type": "object", "properties": {}, "required": []}


def test_parse_json_and_yaml_and_round_trip():
    doc = echo_graph()
    from_json = portable.spec_from_document(portable.parse_document(json.dumps(doc)))
    from_yaml = portable.spec_from_document(portable.parse_document(yaml.safe_dump(doc), filename="agent.yaml"))
    assert from_json == from_yaml
    exported = portable.export_document(from_json)
    assert exported["format"] == portable.FORMAT
    assert portable.spec_from_document(json.loads(portable.export_text(from_json))) == from_json
    assert portable.spec_from_document(yaml.safe_load(portable.export_text(from_json, as_yaml=True))) == from_json


def test_autogpt_export_imports_with_extra_keys_ignored():
    doc = {
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
                "graph_id": "x",
                "webhook_id": None,
            },
            {"id": "b", "block_id": OUTPUT, "input_default": {"name": "echo"}, "metadata": {}},
        ],
        "links": [
            {
                "id": "l1",
                "source_id": "a",
                "sink_id": "b",
                "source_name": "result",
                "sink_name": "value",
                "is_static": False,
            }
        ],
        "input_schema": {"ignored": True},
        "sub_graphs": [],
    }
    spec = portable.spec_from_document(doc)
    assert spec.name == "AutoGPT echo" and len(spec.nodes) == 2 and spec.links[0].sink_name == "value"


def test_unsupported_blocks_refuse_the_whole_import():
    doc = echo_graph()
    doc["nodes"].append(
        {
            "id": "x",
            "block_id": "0f0e0d0c-0000-4000-8000-00000000beef",
            "block_name": "TwitterPost",
            "input_default": {},
        }
    )
    with pytest.raises(InvalidInput) as err:
        portable.spec_from_document(doc)
    assert err.value.code == "unsupported_blocks"
    assert "TwitterPost" in err.value.message and "Nothing was imported" in err.value.message
    assert err.value.details == [
        {"block_id": "0f0e0d0c-0000-4000-8000-00000000beef", "name": "TwitterPost", "node_id": "x"}
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"name: [unclosed", "not valid YAML"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "must hold one agent"),
        (b"x" * (portable.MAX_IMPORT_BYTES + 1), "larger than"),
    ],
)
def test_malformed_files_get_readable_errors(data, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        portable.parse_document(data)


def test_malformed_structure_names_the_place():
    with pytest.raises(InvalidInput, match=r"nodes\.0\.block_id"):
        portable.spec_from_document({"name": "x", "nodes": [{"id": "a"}], "links": []})


def test_yaml_cannot_construct_python_objects():
    with pytest.raises(InvalidInput):
        portable.parse_document(b"name: !!python/object/apply:os.system ['echo hi']", filename="a.yaml")


def test_export_strips_secret_inputs():
    spec = GraphSpec.model_validate(
        {
            "name": "Secrets",
            "nodes": [
                node("k", SHORT_TEXT, name="key", value="sk-secret-123", secret=True),
                node("o", OUTPUT, name="out", api_key="sk-also-secret"),
            ],
            "links": [link("k", "result", "o", "value")],
        }
    )
    text = portable.export_text(spec)
    assert "sk-secret-123" not in text and "sk-also-secret" not in text
