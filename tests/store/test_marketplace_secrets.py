"""Secrets never leave their owner through the marketplace: a listing (API and agent page), a copy
added to someone else's library and an export carry no secret input default, no credential id and
no secret typed into a step; publishing an agent with such a secret is refused, saying where."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, update

from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.store import service as store
from autogpt_app.store.models import StoreListing, StoreListingVersion
from autogpt_app.ui.states import marketplace_listing as agent_page
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.graphs.helpers import LLM, OUTPUT, SHORT_TEXT, link, node, writer_graph
from tests.store.test_service import make_user, review
from tests.ui.test_marketplace_state import call, state_for

HTTP_REQUEST = "6595ae1f-b924-42cb-9a41-551a0611c4b4"
SECRET_DEFAULT = "sk-default-0123456789abcdefXYZ"
SECRET_TOKEN = "tok-9f8e7d6c5b4a39281706"
CALL_API_ERROR = "The 'Call API' step's header 'Authorization' looks like a secret: use a credential instead."


def call_api_node(*, authorization: str | None) -> dict[str, Any]:
    """An HTTP request step titled "Call API", with a harmless header and, if given, an Authorization one."""
    headers = {"Accept": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    made = node("call", HTTP_REQUEST, url="https://api.example.com/v1/items", headers=headers)
    made["metadata"]["customized_name"] = "Call API"
    return made


def owner_graph(credential_id: str, *, authorization: str | None = None) -> dict[str, Any]:
    """The writer agent plus what only its owner may see: a secret input with a default, the owner's
    credential chosen in the AI step, and (optionally) a bearer token typed into an HTTP step."""
    doc = writer_graph("Secret keeper")
    doc["nodes"] += [
        node("key", SHORT_TEXT, name="api_token", title="API token", secret=True, value=SECRET_DEFAULT),
        call_api_node(authorization=authorization),
        node("raw", OUTPUT, name="raw"),
    ]
    doc["links"] += [link("call", "response", "raw", "value")]
    llm = next(n for n in doc["nodes"] if n["block_id"] == LLM)
    llm["input_default"]["credentials"] = {"id": credential_id, "provider": "openai", "type": "api_key", "title": "Ada"}
    return doc


def assert_no_secret(text: str, credential_id: str) -> None:
    for secret in (SECRET_DEFAULT, SECRET_TOKEN, credential_id):
        assert secret not in text


async def author_with_credential():
    ada = await make_user()
    async with session_scope() as s:
        saved = await credentials.create_credential(
            s, ada, provider="openai", type="api_key", title="Ada's key", api_key="sk-ada-" + "q" * 30
        )
    return ada, saved.id


async def published_with_secrets() -> tuple[Any, str, str]:
    """A listing whose agent holds every kind of secret: the author, their credential id, the slug.

    The bearer token goes into the stored version after approval, as in a listing published
    before publishing refused such tokens: what leaves the author must be clean all the same.
    """
    ada, credential_id = await author_with_credential()
    admin = await make_user("root@example.com", "Root", admin=True)
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(owner_graph(credential_id)))
        sub = await store.submit(s, ada, graph_id=graph.id, name="Secret keeper", description="Keeps secrets.")
    await review(admin, sub.version_id)
    leaky = owner_graph(credential_id, authorization=f"Bearer {SECRET_TOKEN}")
    async with session_scope() as s:
        await s.execute(update(GraphVersion).where(GraphVersion.graph_id == graph.id).values(nodes=leaky["nodes"]))
    return ada, credential_id, sub.slug


async def test_the_public_listing_has_no_secret_default_credential_or_header(client):
    _ada, credential_id, slug = await published_with_secrets()
    response = await client.get(f"/api/v1/store/listings/{slug}")
    assert response.status_code == 200, response.text
    assert_no_secret(response.text, credential_id)
    schema = response.json()["input_schema"]
    # The secret input is still asked for, marked secret, now without a default: the person gives their own.
    assert schema["properties"]["api_token"] == {"title": "API token", "type": "string", "secret": True}
    assert "api_token" in schema["required"]
    assert schema["properties"]["words"]["default"] == 120  # ordinary defaults stay

    bob = await make_user("bob@example.com", "Bob")
    page = state_for(agent_page.ListingState, bob, f"/marketplace/agent/{slug}")
    await call(page, "load")
    assert page.listing_name == "Secret keeper" and "api_token" in [row.name for row in page.inputs]
    # The picture of its steps shows every step and link, with the secrets stripped like the rest.
    assert {n["id"] for n in page.picture["nodes"]} >= {"key", "call", "raw"} and page.picture["links"]
    assert_no_secret(json.dumps(page.dict(), default=str), credential_id)


async def test_a_copy_in_another_library_carries_no_secret():
    _ada, credential_id, slug = await published_with_secrets()
    bob = await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        entry = await library.add_from_listing(s, bob, slug)
    async with session_scope() as s:
        copy = await graphs.get_graph(s, bob, entry.graph_id)
    assert_no_secret(copy.model_dump_json(), credential_id)
    nodes = {n["id"]: n["input_default"] for n in copy.nodes}
    assert nodes["key"]["value"] is None and nodes["key"]["secret"] is True
    assert "credentials" not in nodes["llm"]  # Bob picks one of his own credentials when he runs it
    assert nodes["call"]["headers"] == {"Accept": "application/json"}
    assert copy.input_schema["properties"]["api_token"].get("default") is None


async def test_an_export_carries_no_secret():
    ada, credential_id = await author_with_credential()
    leaky = owner_graph(credential_id, authorization=f"Bearer {SECRET_TOKEN}")
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(leaky))
    async with session_scope() as s:
        for as_yaml in (False, True):
            _name, text = await graphs.export_graph(s, ada, graph.id, as_yaml=as_yaml)
            assert_no_secret(text, credential_id)
            assert "application/json" in text and "API token" in text  # the rest of the agent is there


async def test_publishing_an_agent_with_a_secret_in_a_step_is_refused_saying_where(client):
    token = await token_for(client)
    doc = owner_graph("no-credential", authorization=f"Bearer {SECRET_TOKEN}")
    llm = next(n for n in doc["nodes"] if n["block_id"] == LLM)
    del llm["input_default"]["credentials"]
    graph = (await client.post("/api/v1/graphs", json=doc, headers=bearer(token))).json()
    response = await client.post(
        "/api/v1/store/submissions", json={"graph_id": graph["id"], "name": "Leaky"}, headers=bearer(token)
    )
    err = assert_error(response, 422, "secret_in_agent")
    assert err["message"] == CALL_API_ERROR
    assert err["details"] == [
        {"node_id": "call", "step": "Call API", "where": "header 'Authorization'", "message": CALL_API_ERROR}
    ]
    async with session_scope() as s:
        for model in (StoreListing, StoreListingVersion):
            assert (await s.execute(select(func.count()).select_from(model))).scalar_one() == 0

    # With the secret moved out of the step, the same agent is accepted.
    clean = owner_graph("no-credential")
    del next(n for n in clean["nodes"] if n["block_id"] == LLM)["input_default"]["credentials"]
    added = await client.post(f"/api/v1/graphs/{graph['id']}/versions", json=clean, headers=bearer(token))
    assert added.status_code == 201, added.text
    accepted = await client.post(
        "/api/v1/store/submissions", json={"graph_id": graph["id"], "name": "Leaky"}, headers=bearer(token)
    )
    assert accepted.status_code == 201, accepted.text


async def test_an_update_from_the_marketplace_carries_no_secret():
    ada, credential_id, slug = await published_with_secrets()
    admin = await make_user("boss@example.com", "Boss", admin=True)
    bob = await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        entry = await library.add_from_listing(s, bob, slug)
    # The author publishes a second version; it too holds every kind of secret once stored.
    async with session_scope() as s:
        listing = await store.get_listing(s, slug)
        listing_row = await s.get(StoreListing, listing.id)
        spec = GraphSpec.model_validate(owner_graph(credential_id))
        v2 = await graphs.add_version(s, ada, listing_row.graph_id, spec)
        sub = await store.submit(s, ada, graph_id=v2.id, name="Secret keeper", changelog="Second")
    await review(admin, sub.version_id)
    leaky = owner_graph(credential_id, authorization=f"Bearer {SECRET_TOKEN}")
    async with session_scope() as s:
        await s.execute(
            update(GraphVersion)
            .where(GraphVersion.graph_id == v2.id, GraphVersion.version == v2.version)
            .values(nodes=leaky["nodes"])
        )
    async with session_scope() as s:
        await library.update_to_latest(s, bob, entry.id)
    async with session_scope() as s:
        updated = await graphs.get_graph(s, bob, entry.graph_id)
    assert updated.version == 2
    assert_no_secret(updated.model_dump_json(), credential_id)
