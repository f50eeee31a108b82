"""Library service: get-or-create, list (search, filters, every sort, pages), favourites and archive,
bulk actions all or nothing, owner isolation, and run counts kept when a run is added."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service
from autogpt_app.library.models import SUMMARY_DESCRIPTION, LibraryAgent
from autogpt_app.timeutil import utcnow
from tests.graphs.helpers import echo_graph, greeting_graph


async def make_user(email="ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def make_graph(user, name="Echo", description="Repeats the topic.", doc=None):
    spec = GraphSpec.model_validate({**(doc or echo_graph(name)), "name": name, "description": description})
    async with session_scope() as s:
        return await graphs.create_graph(s, user, spec)


async def add(user, name="Echo", description="Repeats the topic.", **kwargs):
    graph = await make_graph(user, name, description)
    async with session_scope() as s:
        return await service.add_graph(s, user, graph.id, source=kwargs.pop("source", "created"), **kwargs)


async def set_row(agent_id, **values):
    async with session_scope() as s:
        await s.execute(sql_update(LibraryAgent).where(LibraryAgent.id == agent_id).values(**values))


async def library_count() -> int:
    async with session_scope() as s:
        return (await s.execute(select(func.count()).select_from(LibraryAgent))).scalar_one()


async def test_add_is_get_or_create():
    user = await make_user()
    graph = await make_graph(user, "Digest", "Daily news digest")
    async with session_scope() as s:
        first = await service.add_graph(s, user, graph.id, source="marketplace", store_listing_id="listing-1")
        again = await service.add_graph(s, user, graph.id, source="upload")
    assert first.id == again.id and again.source == "marketplace" and again.store_listing_id == "listing-1"
    assert first.name == "Digest" and first.input_count == 1 and first.run_count == 0 and first.last_run_at is None
    assert first.graph_version is None and not first.is_favorite and not first.is_archived
    assert await library_count() == 1
    async with session_scope() as s:
        assert (await service.find_by_listing(s, user, "listing-1")).id == first.id
        assert await service.find_by_listing(s, user, "listing-2") is None
        await service.update(s, user, first.id, is_archived=True)
    async with session_scope() as s:  # adding an archived agent again brings it back
        back = await service.add_graph(s, user, graph.id, source="created")
    assert back.id == first.id and not back.is_archived


async def test_add_refuses_unknown_and_other_users_graphs_and_bad_source():
    ada = await make_user()
    bob = await make_user("bob@example.com")
    bobs = await make_graph(bob)
    async with session_scope() as s:
        for graph_id in (bobs.id, "no-such-graph"):
            with pytest.raises(NotFound):
                await service.add_graph(s, ada, graph_id, source="created")
        with pytest.raises(InvalidInput):
            await service.add_graph(s, bob, bobs.id, source="stolen")
        with pytest.raises(NotFound):
            await service.add_graph(s, bob, bobs.id, source="created", graph_version=9)
    assert await library_count() == 0


async def test_pinned_version_and_detail_schemas():
    user = await make_user()
    graph = await make_graph(user)
    async with session_scope() as s:
        await graphs.add_version(s, user, graph.id, GraphSpec.model_validate(greeting_graph()))
        pinned = await service.add_graph(s, user, graph.id, source="created", graph_version=1)
        detail = await service.get_agent(s, user, pinned.id)
    assert detail.version == 1 and detail.active_version == 2 and detail.latest_version == 2
    assert list(detail.input_schema["properties"]) == ["topic"]
    assert detail.credentials_input_schema["properties"] == {}
    await set_row(pinned.id, graph_version=None)  # follow the active version
    async with session_scope() as s:
        detail = await service.get_agent(s, user, pinned.id)
        page = await service.list_library(s, user)
    assert detail.version == 2 and list(detail.input_schema["properties"]) == ["name"]
    assert page.items[0].input_count == 1


async def add_runs(user, graph_id, count, *, last):
    """``count`` runs of ``graph_id`` by ``user``, the latest started at ``last``, a minute apart."""
    async with session_scope() as s:
        for i in range(count):
            s.add(
                GraphExecution(
                    graph_id=graph_id, graph_version=1, user_id=user.id, created_at=last - timedelta(minutes=i)
                )
            )


async def _catalogue(user):
    """Five agents with distinct names, times, runs, favourites and one archived."""
    now = utcnow()
    specs = [
        ("Alpha digest", "Collects RSS feeds", 5, 3, False, False),
        ("beta Writer", "Writes 100% blog posts", 1, 10, True, False),
        ("Gamma calc", "Loan_interest calculator", 4, 0, False, False),
        ("Delta mailer", "Drafts e-mail replies", 2, 7, True, False),
        ("Epsilon old", "An old digest", 3, 1, False, True),
    ]
    ids = {}
    for i, (name, description, age, runs, favourite, archived) in enumerate(specs):
        agent = await add(user, name, description)
        await set_row(
            agent.id,
            created_at=now - timedelta(days=age),
            updated_at=now - timedelta(hours=i),
            is_favorite=favourite,
            is_archived=archived,
        )
        await add_runs(user, agent.graph_id, runs, last=now - timedelta(minutes=runs))
        ids[name.split()[0].lower()] = agent.id
    return ids


async def test_list_search_filters_sorts_and_pages():
    user = await make_user()
    ids = await _catalogue(user)

    async def names(**kwargs):
        async with session_scope() as s:
            page = await service.list_library(s, user, **kwargs)
        return [i.name.split()[0].lower() for i in page.items], page.total

    assert await names() == (["alpha", "beta", "gamma", "delta"], 4)  # updated, newest first; archive hidden
    assert await names(sort="name") == (["alpha", "beta", "delta", "gamma"], 4)  # case-insensitive
    assert await names(sort="created") == (["beta", "delta", "gamma", "alpha"], 4)
    assert await names(sort="last_run") == (["alpha", "delta", "beta", "gamma"], 4)  # never run comes last
    assert await names(sort="run_count") == (["beta", "delta", "alpha", "gamma"], 4)
    assert await names(archived=None, sort="name") == (["alpha", "beta", "delta", "epsilon", "gamma"], 5)
    assert await names(archived=True) == (["epsilon"], 1)
    assert await names(favorites=True) == (["beta", "delta"], 2)
    assert await names(favorites=False) == (["alpha", "gamma"], 2)
    # Search: every word, in name or description, case-insensitive; LIKE wildcards are literal.
    assert await names(query="DIGEST") == (["alpha"], 1)
    assert await names(query="digest", archived=None) == (["alpha", "epsilon"], 2)
    assert await names(query="  blog   writer ") == (["beta"], 1)
    assert await names(query="100%") == (["beta"], 1)
    assert await names(query="loan_interest") == (["gamma"], 1)
    assert await names(query="%") == (["beta"], 1)
    assert await names(query="_") == (["gamma"], 1)
    assert await names(query="nothing-like-this") == ([], 0)
    # Pages.
    assert await names(sort="name", offset=1, limit=2) == (["beta", "delta"], 4)
    assert await names(sort="name", offset=4, limit=2) == ([], 4)
    async with session_scope() as s:
        page = await service.list_library(s, user, limit=10_000, offset=-5)
        assert (page.limit, page.offset) == (service.MAX_PAGE, 0)
        with pytest.raises(InvalidInput):
            await service.list_library(s, user, sort="random")
    assert set(ids) == {"alpha", "beta", "gamma", "delta", "epsilon"}


async def test_list_items_are_small_summaries():
    user = await make_user()
    await add(user, "Long", "word " * 2000)
    async with session_scope() as s:
        page = await service.list_library(s, user)
    item = page.items[0].model_dump()
    assert len(item["description"]) <= SUMMARY_DESCRIPTION and item["description"].endswith("…")
    assert "nodes" not in item and "input_schema" not in item and item["input_count"] == 1


async def test_update_favourite_archive_and_rename():
    user = await make_user()
    agent = await add(user)
    async with session_scope() as s:
        fav = await service.update(s, user, agent.id, is_favorite=True)
        assert fav.is_favorite and fav.updated_at >= agent.updated_at
        renamed = await service.update(s, user, agent.id, name="  My   echo ")
        assert renamed.name == "My echo" and renamed.is_favorite
        archived = await service.update(s, user, agent.id, is_archived=True, is_favorite=False)
        assert archived.is_archived and not archived.is_favorite
        for bad in ("", "   ", "x" * 201):
            with pytest.raises(InvalidInput):
                await service.update(s, user, agent.id, name=bad)
    async with session_scope() as s:
        assert (await service.get_agent(s, user, agent.id)).name == "My echo"


async def test_bulk_actions_are_all_or_nothing():
    ada = await make_user()
    bob = await make_user("bob@example.com")
    a1, a2, a3 = [await add(ada, f"Agent {i}") for i in range(3)]
    bobs = await add(bob, "Bob's")
    for ids in ([a1.id, bobs.id], [a1.id, "no-such-id"]):
        async with session_scope() as s:
            with pytest.raises(NotFound):
                await service.bulk(s, ada, ids, "delete")
    async with session_scope() as s:
        assert (await service.list_library(s, ada)).total == 3
        assert (await service.get_agent(s, bob, bobs.id)).name == "Bob's"
        assert await service.bulk(s, ada, [a1.id, a2.id, a1.id], "favorite") == 2
        assert {i.id for i in (await service.list_library(s, ada, favorites=True)).items} == {a1.id, a2.id}
        assert await service.bulk(s, ada, [a2.id], "unfavorite") == 1
        assert await service.bulk(s, ada, [a1.id, a3.id], "archive") == 2
        assert [i.id for i in (await service.list_library(s, ada)).items] == [a2.id]
        assert await service.bulk(s, ada, [a3.id], "unarchive") == 1
        assert await service.bulk(s, ada, [a2.id, a3.id], "delete") == 2
        assert [i.id for i in (await service.list_library(s, ada, archived=None)).items] == [a1.id]
        with pytest.raises(InvalidInput):
            await service.bulk(s, ada, [a1.id], "explode")
        with pytest.raises(InvalidInput):
            await service.bulk(s, ada, [], "favorite")
    # Deleting from the library keeps the graph.
    async with session_scope() as s:
        assert (await graphs.get_graph(s, ada, a2.graph_id)).name == "Agent 1"


async def test_other_users_ids_are_not_found():
    ada = await make_user()
    bob = await make_user("bob@example.com")
    agent = await add(ada)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.get_agent(s, bob, agent.id)
        with pytest.raises(NotFound):
            await service.update(s, bob, agent.id, is_favorite=True)
        with pytest.raises(NotFound):
            await service.delete(s, bob, agent.id)
        with pytest.raises(NotFound):
            await service.export(s, bob, [agent.id], "json")
        with pytest.raises(NotFound):
            await service.add_graph(s, bob, agent.graph_id, source="created")
        assert (await service.list_library(s, bob, archived=None)).total == 0
    async with session_scope() as s:
        detail = await service.get_agent(s, ada, agent.id)
        assert not detail.is_favorite
        await service.delete(s, ada, agent.id)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.get_agent(s, ada, agent.id)


async def test_adding_a_run_updates_run_count_and_last_run():
    user = await make_user()
    agent = await add(user)
    loose = await make_graph(user, "Not in library")
    async with session_scope() as s:
        await executions.add_graph_execution(s, user, agent.graph_id, inputs={"topic": "a"})
        await executions.add_graph_execution(s, user, loose.id, inputs={"topic": "b"})  # no entry: nothing to count
    async with session_scope() as s:
        await executions.add_graph_execution(s, user, agent.graph_id, inputs={"topic": "c"})
    async with session_scope() as s:
        detail = await service.get_agent(s, user, agent.id)
        assert detail.run_count == 2 and detail.last_run_at is not None
        assert (utcnow() - detail.last_run_at).total_seconds() < 60
        assert (await service.list_library(s, user, sort="last_run")).items[0].id == agent.id
    # A refused run (missing input) counts nothing.
    async with session_scope() as s:
        with pytest.raises(InvalidInput):
            await executions.add_graph_execution(s, user, agent.graph_id, inputs={})
    async with session_scope() as s:
        assert (await service.get_agent(s, user, agent.id)).run_count == 2


async def test_deleting_the_graph_removes_the_entry():
    user = await make_user()
    agent = await add(user)
    async with session_scope() as s:
        await s.execute(delete(Graph).where(Graph.id == agent.graph_id))
    assert await library_count() == 0
