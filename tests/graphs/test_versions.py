"""Versions with a note and the name of who saved them, restoring an old version, the builder's
drafts, and saving a new agent from the builder into the library — each for the agent's owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import GraphDraft
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from tests.executions.test_runner import make_user
from tests.graphs.helpers import OUTPUT, echo_graph, node


def spec(name: str = "Echo") -> GraphSpec:
    return GraphSpec.model_validate(echo_graph(name))


async def agent(user, name: str = "Echo", note: str = ""):
    async with session_scope() as s:
        return await graphs.create_graph(s, user, spec(name), note=note)


async def history(user, graph_id):
    async with session_scope() as s:
        return await graphs.list_versions(s, user, graph_id)


async def test_versions_list_their_note_and_who_saved_them():
    ada = await make_user()
    first = await agent(ada, note="  First try  ")
    async with session_scope() as s:
        await graphs.add_version(s, ada, first.id, spec("Echo 2"), note="Shorter answers")
        await graphs.add_version(s, ada, first.id, spec("Echo 3"))
    versions = await history(ada, first.id)
    assert [(v.version, v.note, v.created_by_name, v.is_active) for v in versions] == [
        (3, "", "Ada", True),
        (2, "Shorter answers", "Ada", False),
        (1, "First try", "Ada", False),
    ]


async def test_the_saver_without_a_display_name_is_shown_by_e_mail():
    ada = await make_user()
    async with session_scope() as s:
        row = await s.get(User, ada.id)
        row.display_name = ""
        s.add(row)
    graph = await agent(ada)
    assert (await history(ada, graph.id))[0].created_by_name == "ada@example.com"


async def test_a_note_over_500_characters_is_refused_and_nothing_is_saved():
    ada = await make_user()
    with pytest.raises(InvalidInput, match="500"):
        await agent(ada, note="x" * 501)
    graph = await agent(ada, note="x" * 500)
    async with session_scope() as s:
        with pytest.raises(InvalidInput, match="500"):
            await graphs.add_version(s, ada, graph.id, spec(), note="y" * 501)
    assert [v.version for v in await history(ada, graph.id)] == [1]


async def test_restore_saves_the_old_content_as_a_new_active_version():
    ada = await make_user()
    graph = await agent(ada, "Echo")
    async with session_scope() as s:
        await graphs.add_version(s, ada, graph.id, spec("Echo 2"))
        restored = await graphs.restore_version(s, ada, graph.id, 1)
    assert (restored.version, restored.active_version, restored.name) == (3, 3, "Echo")
    assert restored.nodes == graph.nodes and restored.links == graph.links
    newest = (await history(ada, graph.id))[0]
    assert (newest.version, newest.note, newest.is_active) == (3, "Restored from version 1", True)


async def test_restore_refuses_an_unknown_version_and_another_users_agent():
    ada, bob = await make_user(), await make_user("bob@example.com")
    graph = await agent(ada)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await graphs.restore_version(s, ada, graph.id, 9)
        with pytest.raises(NotFound):
            await graphs.restore_version(s, bob, graph.id, 1)
        with pytest.raises(NotFound):
            await graphs.list_versions(s, bob, graph.id)
    assert [v.version for v in await history(ada, graph.id)] == [1]


async def test_a_draft_of_a_new_agent_may_be_invalid_and_is_one_per_person():
    ada = await make_user()
    broken = {"name": "Half done", "description": "", "nodes": [node("out", OUTPUT)], "links": []}
    async with session_scope() as s:
        assert await graphs.get_draft(s, ada, None) is None
        first = await graphs.save_draft(s, ada, None, broken)
    async with session_scope() as s:
        later = await graphs.save_draft(s, ada, None, {**broken, "name": "Still half done"})
    async with session_scope() as s:
        draft = await graphs.get_draft(s, ada, None)
        count = (await s.execute(select(func.count()).select_from(GraphDraft))).scalar_one()
    assert count == 1
    assert draft["graph"]["name"] == "Still half done" and draft["graph"]["nodes"][0]["id"] == "out"
    assert draft["updated_at"] >= first and abs(draft["updated_at"] - later) < timedelta(seconds=1)
    async with session_scope() as s:
        assert await graphs.discard_draft(s, ada, None) is True
        assert await graphs.discard_draft(s, ada, None) is False
        assert await graphs.get_draft(s, ada, None) is None


async def test_drafts_are_kept_per_agent_and_survive_a_save():
    ada = await make_user()
    graph = await agent(ada)
    async with session_scope() as s:
        await graphs.save_draft(s, ada, graph.id, echo_graph("Echo, being edited"))
        await graphs.save_draft(s, ada, None, echo_graph("Something new"))
    async with session_scope() as s:
        await graphs.add_version(s, ada, graph.id, spec("Echo 2"))
    async with session_scope() as s:
        assert (await graphs.get_draft(s, ada, graph.id))["graph"]["name"] == "Echo, being edited"
        assert (await graphs.get_draft(s, ada, None))["graph"]["name"] == "Something new"


async def test_drafts_of_another_users_agent_are_not_found():
    ada, bob = await make_user(), await make_user("bob@example.com")
    graph = await agent(ada)
    async with session_scope() as s:
        await graphs.save_draft(s, ada, graph.id, echo_graph())
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await graphs.save_draft(s, bob, graph.id, echo_graph())
        with pytest.raises(NotFound):
            await graphs.get_draft(s, bob, graph.id)
        with pytest.raises(NotFound):
            await graphs.discard_draft(s, bob, graph.id)
        with pytest.raises(NotFound):
            await graphs.save_draft(s, ada, "no-such-agent", echo_graph())
        assert await graphs.get_draft(s, bob, None) is None
    async with session_scope() as s:
        assert await graphs.get_draft(s, ada, graph.id) is not None


async def test_a_draft_must_have_an_agents_structure_and_at_most_5_mb():
    ada = await make_user()
    async with session_scope() as s:
        with pytest.raises(InvalidInput, match=r"could not be read at 'nodes\.0\.block_id'"):
            await graphs.save_draft(s, ada, None, {"name": "x", "nodes": [{"id": "a"}]})
        with pytest.raises(InvalidInput):
            await graphs.save_draft(s, ada, None, ["not", "an", "agent"])
        big = {**echo_graph(), "nodes": [node("n", OUTPUT, name="x" * 5_000_001)]}
        with pytest.raises(InvalidInput) as refused:
            await graphs.save_draft(s, ada, None, big)
        assert refused.value.code == "draft_too_large"
        assert await graphs.get_draft(s, ada, None) is None


async def test_create_agent_saves_version_1_with_its_note_and_adds_it_to_the_library():
    ada = await make_user()
    async with session_scope() as s:
        created = await library.create_agent(s, ada, echo_graph("Built here"), note="From the builder")
    assert (created.version, created.name) == (1, "Built here")
    assert (await history(ada, created.id))[0].note == "From the builder"
    async with session_scope() as s:
        page = await library.list_library(s, ada)
    assert [(a.graph_id, a.source) for a in page.items] == [(created.id, "created")]


async def test_create_agent_refuses_an_invalid_agent_and_saves_nothing():
    ada = await make_user()
    doc = echo_graph()
    del doc["nodes"][1]["input_default"]["name"]
    with pytest.raises(InvalidInput) as refused:
        async with session_scope() as s:
            await library.create_agent(s, ada, doc)
    assert refused.value.code == "invalid_graph"
    async with session_scope() as s:
        assert await graphs.list_graphs(s, ada) == []
