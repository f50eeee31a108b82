"""Marketplace updates in the library: "update available" when the listing approves a newer version
than the user's copy (found for a whole page in one query), and the one-step update to it."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy import update as sql_update

from autogpt_app.auth.admin import ensure_admin
from autogpt_app.db import get_engine, session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.library.models import LibraryAgent
from autogpt_app.notifications import service as notifications
from autogpt_app.store import service as store
from autogpt_app.store.models import StoreListing
from tests import test_migrations as migrations
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.executions.test_runner import finished, make_user
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, echo_graph, greeting_graph, link, node

SUBAGENT = "e189baac-8c20-45a1-94a7-55177ea42565"
#: An empty database beside the shared one, for the migration test below.
scratch_url = migrations.scratch_url


@pytest.fixture
async def admin():
    async with session_scope() as s:
        user, _ = await ensure_admin(s, "boss@example.com", "boss-password-123")
    return user


async def publish(creator, admin, doc: dict, name: str = "Greeter") -> tuple[str, str]:
    """A new agent of ``creator`` submitted and approved; returns (listing id, creator's graph id)."""
    async with session_scope() as s:
        graph = await graphs.create_graph(s, creator, GraphSpec.model_validate({**doc, "name": name}))
        sub = await store.submit(s, creator, graph_id=graph.id, name=name, description="Says hello.")
    async with session_scope() as s:
        await store.review(s, admin, sub.version_id, approve=True)
    return sub.listing_id, graph.id


async def release(creator, admin, graph_id: str, doc: dict, *, approve: bool = True) -> str:
    """The creator's next version of ``graph_id``, submitted (and approved unless told not to)."""
    async with session_scope() as s:
        await graphs.add_version(s, creator, graph_id, GraphSpec.model_validate(doc))
        sub = await store.submit(s, creator, graph_id=graph_id, name="Greeter", description="Says hello, better.")
    if approve:
        async with session_scope() as s:
            await store.review(s, admin, sub.version_id, approve=True)
    return sub.version_id


def loud_greeting() -> dict:
    doc = greeting_graph()
    doc["name"] = "Loud greeter"
    doc["nodes"][1]["input_default"]["format"] = "HELLO {{ name }}!"
    doc["nodes"].insert(1, node("punct", SHORT_TEXT, name="punctuation", value="!"))
    return doc


async def entry(user, agent_id: str):
    async with session_scope() as s:
        return await library.get_agent(s, user, agent_id)


async def listed(user, agent_id: str):
    async with session_scope() as s:
        page = await library.list_library(s, user, archived=None)
    return next(i for i in page.items if i.id == agent_id)


async def test_newer_approved_version_is_offered_and_one_step_moves_to_it(admin):
    creator, ada = await make_user("maker@example.com"), await make_user()
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    async with session_scope() as s:
        added = await library.add_from_listing(s, ada, listing_id)
    assert not added.update_available and (added.listing_version, added.latest_listing_version) == (1, 1)

    # A pending version is not an update; a rejected one never becomes one.
    pending = await release(creator, admin, creator_graph, loud_greeting(), approve=False)
    assert not (await listed(ada, added.id)).update_available
    async with session_scope() as s:
        await store.review(s, admin, pending, approve=False, comment="Too loud")
    assert not (await listed(ada, added.id)).update_available

    async with session_scope() as s:
        assert await notifications.list_notifications(s, ada, type="new_version") == []
    await release(creator, admin, creator_graph, loud_greeting())
    item = await listed(ada, added.id)
    assert item.update_available and (item.listing_version, item.latest_listing_version) == (1, 3)
    # Approving it told the user who keeps the agent (and only once).
    async with session_scope() as s:
        told = await notifications.list_notifications(s, ada, type="new_version")
        assert len(told) == 1 and told[0].link.startswith("/marketplace/agent/")
        assert await notifications.list_notifications(s, creator, type="new_version") == []
    assert (await entry(ada, added.id)).update_available
    async with session_scope() as s:
        await library.update(s, ada, added.id, is_favorite=True)
        updated = await library.update_to_latest(s, ada, added.id)
    assert updated.id == added.id and updated.graph_id == added.graph_id  # the same entry and agent
    assert not updated.update_available and updated.listing_version == 3 and updated.is_favorite
    assert updated.name == "Loud greeter"  # a name the user did not change follows the agent
    detail = await entry(ada, added.id)
    assert detail.version == 2 and detail.active_version == 2 and detail.latest_version == 2
    assert list(detail.input_schema["properties"]) == ["name", "punctuation"]
    async with session_scope() as s:  # still the user's own copy, never the creator's graph
        assert (await graphs.get_graph(s, ada, detail.graph_id, 2)).nodes[2]["input_default"]["format"] == (
            "HELLO {{ name }}!"
        )
        with pytest.raises(NotFound):
            await graphs.get_graph(s, ada, creator_graph)
    # Again: already up to date, nothing changes.
    async with session_scope() as s:
        again = await library.update_to_latest(s, ada, added.id)
    assert again.listing_version == 3 and (await entry(ada, added.id)).latest_version == 2


async def test_renamed_and_pinned_agents_keep_the_users_choices(admin):
    creator, ada = await make_user("maker@example.com"), await make_user()
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    async with session_scope() as s:
        added = await library.add_from_listing(s, ada, listing_id)
        await library.update(s, ada, added.id, name="My hello")
    async with session_scope() as s:
        await s.execute(sql_update(LibraryAgent).where(LibraryAgent.id == added.id).values(graph_version=1))
    await release(creator, admin, creator_graph, loud_greeting())
    async with session_scope() as s:
        updated = await library.update_to_latest(s, ada, added.id)
    assert updated.name == "My hello" and updated.graph_version == 2


async def test_refusals_and_vanished_listings(admin):
    creator, ada, bob = await make_user("maker@example.com"), await make_user(), await make_user("bob@example.com")
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    async with session_scope() as s:
        added = await library.add_from_listing(s, ada, listing_id)
        own = await graphs.create_graph(s, ada, GraphSpec.model_validate(echo_graph()))
        created = await library.add_graph(s, ada, own.id, source="created")
    await release(creator, admin, creator_graph, loud_greeting())
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await library.update_to_latest(s, ada, created.id)
        assert err.value.code == "not_from_marketplace"
        for user, agent_id in ((bob, added.id), (ada, "no-such-agent")):
            with pytest.raises(NotFound):
                await library.update_to_latest(s, user, agent_id)
    # The listing is taken down: nothing to update to, and the entry says so.
    async with session_scope() as s:
        await s.execute(sql_update(StoreListing).where(StoreListing.id == listing_id).values(is_active=False))
    item = await listed(ada, added.id)
    assert not item.update_available and item.latest_listing_version is None
    async with session_scope() as s:
        with pytest.raises(NotFound) as err:
            await library.update_to_latest(s, ada, added.id)
    assert err.value.code == "listing_not_found" and "no longer in the marketplace" in err.value.message
    assert (await entry(ada, added.id)).version == 1


async def test_entries_without_a_recorded_version_compare_by_date(admin):
    """Entries made before versions were recorded: only what was approved after they were added is new."""
    creator, ada = await make_user("maker@example.com"), await make_user()
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    async with session_scope() as s:
        added = await library.add_from_listing(s, ada, listing_id)
    async with session_scope() as s:
        await s.execute(
            sql_update(LibraryAgent).where(LibraryAgent.id == added.id).values(store_listing_version_id=None)
        )
    item = await listed(ada, added.id)
    assert not item.update_available and item.listing_version is None
    await release(creator, admin, creator_graph, loud_greeting())
    assert (await listed(ada, added.id)).update_available
    async with session_scope() as s:
        updated = await library.update_to_latest(s, ada, added.id)
    assert updated.listing_version == 2 and not updated.update_available


@contextmanager
def count_queries():
    """Count the SQL statements the code under it sends."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_page_finds_its_updates_in_one_query(admin):
    creator, ada = await make_user("maker@example.com"), await make_user()
    listings = [await publish(creator, admin, greeting_graph(), name=f"Greeter {i}") for i in range(6)]
    async with session_scope() as s:
        for listing_id, _ in listings[:2]:
            await library.add_from_listing(s, ada, listing_id)

    async def page_queries() -> int:
        async with session_scope() as s:
            with count_queries() as statements:
                await library.list_library(s, ada)
        return len(statements)

    few = await page_queries()
    async with session_scope() as s:
        for listing_id, _ in listings[2:]:
            await library.add_from_listing(s, ada, listing_id)
    for _, graph_id in listings[::2]:
        await release(creator, admin, graph_id, loud_greeting())
    assert await page_queries() == few
    async with session_scope() as s:
        page = await library.list_library(s, ada, sort="name")
    assert [i.update_available for i in page.items] == [True, False] * 3


async def test_sub_agents_of_the_new_version_become_the_users_own(admin):
    creator, ada = await make_user("maker@example.com"), await make_user()
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    async with session_scope() as s:
        added = await library.add_from_listing(s, ada, listing_id)
        child = await graphs.create_graph(s, creator, GraphSpec.model_validate(greeting_graph()))
    parent = {
        "name": "Greeter via a helper",
        "nodes": [
            node("who", SHORT_TEXT, name="who"),
            node("sub", SUBAGENT, graph_id=child.id),
            node("out", OUTPUT, name="from_child"),
        ],
        "links": [link("who", "result", "sub", "inputs_#_name"), link("sub", "greeting", "out", "value")],
        "sub_graphs": [{**greeting_graph(), "id": child.id}],
    }
    await release(creator, admin, creator_graph, parent)
    async with session_scope() as s:
        await library.update_to_latest(s, ada, added.id)
        detail = await library.get_agent(s, ada, added.id)
        sub_node = next(n for n in (await graphs.get_graph(s, ada, detail.graph_id)).nodes if n["id"] == "sub")
        copy_id = sub_node["input_default"]["graph_id"]
        assert copy_id != child.id
        assert (await graphs.get_graph(s, ada, copy_id)).name == "Greeter"  # Ada's own sub-agent
        from autogpt_app.executions import service as runs

        execution = await runs.add_graph_execution(s, ada, detail.graph_id, inputs={"who": "Ada"})
    assert await asyncio.wait_for(GraphRunner(execution.id).run(), 30) == "COMPLETED"
    assert (await finished(ada, execution.id)).outputs == {"from_child": ["Hello Ada!"]}


async def test_update_version_endpoint(client, admin):
    token = await token_for(client)
    creator = await make_user("maker@example.com")
    listing_id, creator_graph = await publish(creator, admin, greeting_graph())
    r = await client.post("/api/v1/library/agents", json={"listing": listing_id}, headers=bearer(token))
    assert r.status_code == 201, r.text
    agent = r.json()
    assert agent["update_available"] is False and agent["listing_version"] == 1
    await release(creator, admin, creator_graph, loud_greeting())
    items = (await client.get("/api/v1/library/agents", headers=bearer(token))).json()["items"]
    assert [(i["id"], i["update_available"], i["latest_listing_version"]) for i in items] == [(agent["id"], True, 2)]

    url = f"/api/v1/library/agents/{agent['id']}/update-version"
    other = await token_for(client, "bob@example.com", "Bob")
    assert_error(await client.post(url, headers=bearer(other)), 404, "library_agent_not_found")
    assert_error(await client.post(url), 401)
    r = await client.post(url, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["update_available"] is False and r.json()["listing_version"] == 2
    assert r.json()["name"] == "Loud greeter"
    detail = (await client.get(f"/api/v1/library/agents/{agent['id']}", headers=bearer(token))).json()
    assert detail["version"] == 2 and "punctuation" in detail["input_schema"]["properties"]

    graph = (await client.post("/api/v1/graphs", json=echo_graph(), headers=bearer(token))).json()
    async with session_scope() as s:
        mine = (await s.execute(select(LibraryAgent.id).where(LibraryAgent.graph_id == graph["id"]))).scalar_one()
    assert_error(
        await client.post(f"/api/v1/library/agents/{mine}/update-version", headers=bearer(token)),
        422,
        "not_from_marketplace",
    )


def test_migration_records_the_version_each_entry_was_added_at(scratch_url):
    """0009 on existing rows: an entry gets the newest version approved when it was added."""
    from datetime import timedelta

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession

    from autogpt_app.auth.models import User
    from autogpt_app.cli import run_migrations
    from autogpt_app.db import make_engine
    from autogpt_app.graphs.models import Graph
    from autogpt_app.store.models import Creator, StoreListingVersion
    from autogpt_app.timeutil import utcnow

    run_migrations(scratch_url)
    t = utcnow() - timedelta(days=10)
    user = User(email="m@example.com", display_name="M", password_hash="!")
    graph = Graph(owner_id=user.id)
    creator = Creator(user_id=user.id, username="m", name="M")
    listing = StoreListing(slug="s", creator_id=creator.id, name="S", graph_id=graph.id, is_active=True)
    versions = [
        StoreListingVersion(
            listing_id=listing.id,
            graph_id=graph.id,
            graph_version=n,
            version_number=n,
            status=status,
            reviewed_at=t + timedelta(days=day),
        )
        for n, status, day in ((1, "approved", 1), (2, "rejected", 2), (3, "approved", 4), (4, "pending", 5))
    ]
    listing.active_version_id = versions[2].id
    v1, v3 = versions[0].id, versions[2].id  # the objects expire when the seeding session commits
    added = {"before": -1, "after_v1": 3, "after_v3": 6}
    copies = [Graph(owner_id=user.id) for _ in added]
    rows = [
        LibraryAgent(
            user_id=user.id,
            graph_id=copy.id,
            name=name,
            source="marketplace",
            store_listing_id=listing.id,
            created_at=t + timedelta(days=day),
        )
        for copy, (name, day) in zip(copies, added.items(), strict=True)
    ]
    own = LibraryAgent(user_id=user.id, graph_id=graph.id, name="own", source="created")

    async def seed() -> None:
        engine = make_engine(scratch_url)
        try:
            async with AsyncSession(engine) as s, s.begin():
                s.add_all([user, graph, *copies])
                await s.flush()
                s.add_all([creator, listing])
                await s.flush()
                s.add_all([*versions, *rows, own])
        finally:
            await engine.dispose()

    async def recorded() -> dict[str, str | None]:
        engine = make_engine(scratch_url)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(text("SELECT name, store_listing_version_id FROM library_agents"))
                return dict(result.all())
        finally:
            await engine.dispose()

    asyncio.run(seed())
    migrations._downgrade(scratch_url, "0008_schedules")
    run_migrations(scratch_url)
    assert asyncio.run(recorded()) == {
        "before": None,
        "after_v1": v1,
        "after_v3": v3,
        "own": None,
    }
