"""The run form: fields generated from input schemas, submitted text turned back into inputs, credential pickers."""

from __future__ import annotations

from datetime import UTC, datetime

from autogpt_app.credentials.models import CredentialPublic, CredentialType
from autogpt_app.executions.service import validate_inputs
from autogpt_app.graphs.schemas import input_schema
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.ui.components.run_form import (
    CREDENTIAL_PREFIX,
    INPUT_PREFIX,
    credential_needs,
    credentials_from_form,
    fields_from_schema,
    inputs_from_form,
    values_from_inputs,
)
from autogpt_app.ui.states.agent_run import field_messages, path_arg
from tests.graphs.helpers import DROPDOWN, INPUT, NUMBER, OUTPUT, SHORT_TEXT, TOGGLE, node

LONG_TEXT = "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba"
DATE = "7e198b09-4994-47db-8b4d-952d98241817"


def every_kind_schema() -> dict:
    """The input schema the graphs domain derives from one node of every input block."""
    spec = GraphSpec.model_validate(
        {
            "name": "Every kind",
            "nodes": [
                node("a", SHORT_TEXT, name="topic", title="Topic", description="What to write about"),
                node("b", LONG_TEXT, name="notes", value="line 1\nline 2"),
                node("c", NUMBER, name="count", value=3),
                node("d", DROPDOWN, name="tone", value="formal", placeholder_values=["formal", "casual"]),
                node("e", TOGGLE, name="loud"),
                node("f", DATE, name="when"),
                node("g", INPUT, name="tags", value=["x", "y"]),
                node("h", SHORT_TEXT, name="key", secret=True, advanced=True, value="k"),
                node("out", OUTPUT, name="result"),
            ],
            "links": [],
        }
    )
    return input_schema(spec)


def form_of(**values: str) -> dict[str, str]:
    return {INPUT_PREFIX + k: v for k, v in values.items()}


def test_fields_follow_the_schema_kinds_defaults_and_required_marks():
    fields = {f.name: f for f in fields_from_schema(every_kind_schema())}
    assert {n: f.kind for n, f in fields.items()} == {
        "topic": "text",
        "notes": "long_text",
        "count": "number",
        "tone": "select",
        "loud": "boolean",
        "when": "date",
        "tags": "json",
        "key": "text",
    }
    assert fields["topic"].required and fields["topic"].title == "Topic"
    assert fields["topic"].description == "What to write about"
    assert fields["when"].required and not fields["count"].required and not fields["loud"].required
    assert fields["count"].default == "3" and fields["notes"].default == "line 1\nline 2"
    assert fields["tone"].options == ["formal", "casual"] and fields["tone"].default == "formal"
    assert fields["loud"].default == "false"
    assert fields["tags"].default == '[\n  "x",\n  "y"\n]'
    assert fields["key"].secret


def test_advanced_inputs_come_last_in_schema_order():
    names = [f.name for f in fields_from_schema(every_kind_schema())]
    assert names == ["topic", "notes", "count", "tone", "loud", "when", "tags", "key"]


def test_a_submitted_form_becomes_inputs_the_service_accepts():
    schema = every_kind_schema()
    fields = fields_from_schema(schema)
    form = form_of(
        topic="Otters", notes="", count=" 7 ", tone="casual", loud="on", when="2025-03-19", tags='["a"]', key="s"
    )
    inputs, problems = inputs_from_form(fields, form)
    assert problems == {}
    assert inputs == {
        "topic": "Otters",
        "count": "7",
        "tone": "casual",
        "loud": True,
        "when": "2025-03-19",
        "tags": ["a"],
        "key": "s",
    }
    values = validate_inputs(schema, inputs)
    assert values["count"] == 7 and values["loud"] is True and values["notes"] == "line 1\nline 2"


def test_an_unsubmitted_switch_is_off_and_blank_fields_are_left_to_the_service():
    fields = fields_from_schema(every_kind_schema())
    inputs, problems = inputs_from_form(fields, form_of(topic="   ", count=""))
    assert problems == {} and inputs == {"loud": False}


def test_json_that_does_not_parse_is_reported_per_field():
    fields = fields_from_schema(every_kind_schema())
    _inputs, problems = inputs_from_form(fields, form_of(topic="x", when="2025-01-01", tags="[1,"))
    assert list(problems) == ["tags"] and problems["tags"].startswith("Must be valid JSON")


def test_values_prefer_given_inputs_over_defaults():
    fields = fields_from_schema(every_kind_schema())
    values = values_from_inputs(fields, {"count": 9.0, "loud": True, "tags": {"a": 1}})
    assert values["count"] == "9" and values["loud"] == "true" and values["tags"] == '{\n  "a": 1\n}'
    assert values["tone"] == "formal" and values["topic"] == ""


def test_service_messages_land_next_to_their_fields():
    assert field_messages(
        [{"input": "count", "message": "must be a number"}, {"input": "topic", "message": "required"}, {"x": 1}]
    ) == {"count": "Must be a number.", "topic": "Required."}


def credential(cid: str, provider: str, kind: CredentialType, title: str, hint: str = "") -> CredentialPublic:
    return CredentialPublic(id=cid, provider=provider, type=kind, title=title, hint=hint, created_at=datetime.now(UTC))


def test_credential_pickers_list_only_fitting_credentials():
    schema = {
        "properties": {
            "openai_api_key": {"provider": "openai", "types": ["api_key"], "required": True, "description": "LLM"},
            "smtp_user_password": {"provider": "smtp", "types": ["user_password"], "required": False},
        }
    }
    mine = [
        credential("1", "openai", CredentialType.API_KEY, "Work", "sk-…abcd"),
        credential("2", "openai", CredentialType.USER_PASSWORD, "Wrong type"),
        credential("3", "groq", CredentialType.API_KEY, "Other provider"),
        credential("4", "openai", CredentialType.API_KEY, "Home"),
    ]
    needs = {n.key: n for n in credential_needs(schema, mine)}
    openai = needs["openai_api_key"]
    assert [(c.id, c.label) for c in openai.choices] == [("1", "Work (sk-…abcd)"), ("4", "Home")]
    assert openai.selected == "1" and openai.required and openai.title == "openai API key"
    assert needs["smtp_user_password"].choices == [] and not needs["smtp_user_password"].required
    chosen = credentials_from_form(list(needs.values()), {CREDENTIAL_PREFIX + "openai_api_key": "4"})
    assert chosen == {"openai_api_key": "4"}


def test_path_arg_reads_the_dynamic_part():
    assert path_arg("/library/agent/abc-1", "/library/agent/") == "abc-1"
    assert path_arg("/library/agent/a%20b/", "/library/agent/") == "a b"
    assert path_arg("/runs", "/library/agent/") == ""
