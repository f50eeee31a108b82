"""``library.agents_by_graph``: the user's library entries of a page's graph ids, in one query, owner-scoped."""

from __future__ import annotations

import pytest

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.library import service
from tests.library.test_service import add, make_graph, make_user
from tests.library.test_updates import count_queries


async def test_names_and_ids_of_the_users_own_entries_only():
    ada, bob = await make_user(), await make_user("bob@example.com")
    digest = await add(ada, "Digest")
    archived = await add(ada, "Old one")
    not_kept = await make_graph(ada, "Not in the library")
    bobs = await add(bob, "Bob's")
    async with session_scope() as s:
        await service.update(s, ada, digest.id, name="My digest")
        await service.update(s, ada, archived.id, is_archived=True)

    wanted = [digest.graph_id, archived.graph_id, not_kept.id, bobs.graph_id, digest.graph_id, "", "no-such-graph"]
    async with session_scope() as s:
        with count_queries() as statements:
            found = await service.agents_by_graph(s, ada, wanted)
    assert len(statements) == 1
    assert set(found) == {digest.graph_id, archived.graph_id}  # not Bob's, nor a graph Ada does not keep
    mine = found[digest.graph_id]
    assert (mine.id, mine.graph_id, mine.name, mine.is_archived) == (digest.id, digest.graph_id, "My digest", False)
    assert found[archived.graph_id].is_archived and found[archived.graph_id].id == archived.id

    async with session_scope() as s:
        # Bob sees his own entry under the same call, and nothing of Ada's.
        assert list(await service.agents_by_graph(s, bob, wanted)) == [bobs.graph_id]
        with count_queries() as statements:
            assert await service.agents_by_graph(s, ada, []) == {}
            assert await service.agents_by_graph(s, ada, ["", ""]) == {}
        assert statements == []  # nothing to look up: no query at all


async def test_the_query_count_does_not_grow_with_the_page():
    ada = await make_user()
    agents = [await add(ada, f"Agent {i}") for i in range(6)]
    async with session_scope() as s:
        with count_queries() as statements:
            found = await service.agents_by_graph(s, ada, [a.graph_id for a in agents])
    assert len(statements) == 1 and {f.name for f in found.values()} == {f"Agent {i}" for i in range(6)}


async def test_a_lookup_is_bounded():
    ada = await make_user()
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as error:
            await service.agents_by_graph(s, ada, [f"g{i}" for i in range(service.MAX_LOOKUP + 1)])
        assert error.value.code == "too_many_agents"
        # Duplicates count once.
        assert await service.agents_by_graph(s, ada, ["same"] * (service.MAX_LOOKUP + 5)) == {}
