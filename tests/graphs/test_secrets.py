"""The one rule for secrets in a graph: which typed values look like secrets (and where a person
finds them), and what anyone but the owner gets (:func:`strip_secrets`)."""

from __future__ import annotations

from typing import Any

import pytest

from autogpt_app.graphs.secrets import secret_literals, strip_secrets
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.store.seed import CATALOGUE
from tests.graphs.helpers import FILL, LLM, OUTPUT, SHORT_TEXT, node

HTTP_REQUEST = "6595ae1f-b924-42cb-9a41-551a0611c4b4"
WEBHOOK = "2f6f9155-0bc8-42df-80fb-775fa9bbb12f"
SUBAGENT = "e189baac-8c20-45a1-94a7-55177ea42565"


def graph(*nodes: dict[str, Any]) -> GraphSpec:
    return GraphSpec.model_validate({"name": "G", "nodes": list(nodes), "links": []})


@pytest.mark.parametrize(
    ("made", "where"),
    [
        (node("n", HTTP_REQUEST, headers={"Authorization": "Bearer abc"}), "header 'Authorization'"),
        (node("n", WEBHOOK, headers={"X-Api-Key": "k-123"}), "header 'X-Api-Key'"),
        (node("n", HTTP_REQUEST, headers={"Cookie": "session=1"}), "header 'Cookie'"),
        (node("n", OUTPUT, name="x", api_key="plain"), "field 'api_key'"),
        (node("n", FILL, format="x", values={"password": "hunter2"}), "field 'values.password'"),
        (node("n", LLM, prompt="Use key sk-proj-0123456789abcdefghij to answer"), "field 'prompt'"),
        (node("n", HTTP_REQUEST, url="https://x.test", body={"auth": "Bearer eyJhbGciOi.J9xyz"}), "field 'body.auth'"),
        (node("n", FILL, format="Authorization: Bearer eyJ0eXAiOiJKV1Qi.abc123"), "field 'format'"),
        (node("n", FILL, format="ghp_abcdefghijklmnopqrstuvwx12"), "field 'format'"),
    ],
)
def test_secret_looking_literals_are_found_with_where(made, where):
    [found] = secret_literals(graph(made))
    assert found.node_id == "n" and found.where == where
    assert found.message().endswith(f"{where} looks like a secret: use a credential instead.")


def test_the_step_is_named_as_a_person_knows_it():
    titled = node("n", HTTP_REQUEST, headers={"Authorization": "Bearer abc"})
    titled["metadata"]["customized_name"] = "Call API"
    [found] = secret_literals(graph(titled))
    assert found.message() == (
        "The 'Call API' step's header 'Authorization' looks like a secret: use a credential instead."
    )
    [untitled] = secret_literals(graph(node("m", OUTPUT, name="x", token="t")))
    assert untitled.message().startswith("The 'Agent output' step's field 'token'")


@pytest.mark.parametrize(
    "made",
    [
        node("n", HTTP_REQUEST, headers={"Authorization": "Bearer {{ token }}"}),  # filled in at run time
        node("n", HTTP_REQUEST, headers={"Authorization": ""}),
        node("n", HTTP_REQUEST, headers={"Content-Type": "application/json", "Accept": "text/html"}),
        node("n", LLM, prompt="Explain bearer authentication and API tokens to a beginner", max_tokens=200),
        node("n", SHORT_TEXT, name="api_token", secret=True, value="sk-proj-0123456789abcdefghij"),  # stripped only
        node("n", LLM, prompt="x", credentials={"id": "cred-1", "provider": "openai", "type": "api_key"}),
    ],
)
def test_what_is_not_a_secret_literal(made):
    assert secret_literals(graph(made)) == []


@pytest.mark.parametrize("agent", CATALOGUE, ids=lambda a: a.slug)
def test_seed_agents_hold_no_secret_and_lose_nothing_when_stripped(agent):
    assert secret_literals(agent.graph) == []
    assert strip_secrets(agent.graph) == agent.graph


def test_strip_removes_secret_defaults_credentials_and_literals_and_keeps_the_rest():
    spec = graph(
        node("key", SHORT_TEXT, name="api_token", title="Token", secret=True, value="s3cret-default"),
        node("llm", LLM, prompt="Hi {{ x }}", credentials={"id": "cred-1", "provider": "openai", "type": "api_key"}),
        node("call", HTTP_REQUEST, url="https://x.test", headers={"Authorization": "Bearer abc", "Accept": "a/b"}),
        node("fill", FILL, format="key sk-proj-0123456789abcdefghij end", values={"password": "p", "n": 1}),
        node(
            "sub",
            SUBAGENT,
            graph_id="g",
            input_schema={"properties": {"pin": {"title": "PIN", "secret": True, "default": "1234"}}},
        ),
    )
    clean = {n.id: n.input_default for n in strip_secrets(spec).nodes}
    assert clean["key"] == {"name": "api_token", "title": "Token", "secret": True, "value": None}
    assert clean["llm"] == {"prompt": "Hi {{ x }}"}
    assert clean["call"] == {"url": "https://x.test", "headers": {"Accept": "a/b"}}
    assert clean["fill"] == {"format": "key  end", "values": {"n": 1}}
    assert clean["sub"]["input_schema"] == {"properties": {"pin": {"title": "PIN", "secret": True}}}
    assert spec.nodes[2].input_default["headers"]["Authorization"] == "Bearer abc"  # the owner's graph is untouched
    assert secret_literals(strip_secrets(spec)) == []
