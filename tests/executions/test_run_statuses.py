"""``executions.run_statuses``: the statuses of a page's runs in one query, for their owner only."""

from __future__ import annotations

import pytest

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import service
from tests.executions.test_run_pages import make_agent, make_user, start
from tests.graphs.helpers import greeting_graph, slow_graph
from tests.library.test_updates import count_queries


async def test_statuses_of_the_users_own_runs_in_one_query():
    ada, bob = await make_user(), await make_user("bob@example.com")
    greeter = await make_agent(ada, greeting_graph())
    slow = await make_agent(ada, slow_graph(30))
    queued = await start(ada, greeter, name="A")
    stopped = await start(ada, slow)
    async with session_scope() as s:
        await service.stop_execution(s, ada, stopped)
    bobs = await start(bob, await make_agent(bob, greeting_graph()), name="B")

    wanted = [queued, stopped, bobs, "no-such-run", queued, ""]
    async with session_scope() as s:
        with count_queries() as statements:
            found = await service.run_statuses(s, ada, wanted)
        summary = await service.get_run_summary(s, ada, stopped)
    assert len(statements) == 1
    assert found == {queued: "QUEUED", stopped: "TERMINATED"}  # never Bob's run, nor an unknown id
    assert found[stopped] == summary.status

    async with session_scope() as s:
        assert await service.run_statuses(s, bob, wanted) == {bobs: "QUEUED"}
        with count_queries() as statements:
            assert await service.run_statuses(s, ada, []) == {}
            assert await service.run_statuses(s, ada, [""]) == {}
        assert statements == []


async def test_the_query_count_does_not_grow_with_the_page():
    ada = await make_user()
    greeter = await make_agent(ada, greeting_graph())
    ids = [await start(ada, greeter, name=f"n{i}") for i in range(6)]
    async with session_scope() as s:
        with count_queries() as one:
            assert list(await service.run_statuses(s, ada, ids[:1])) == ids[:1]
        with count_queries() as six:
            assert set(await service.run_statuses(s, ada, ids)) == set(ids)
    assert len(one) == len(six) == 1


async def test_a_lookup_is_bounded():
    ada = await make_user()
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as error:
            await service.run_statuses(s, ada, [f"r{i}" for i in range(service.MAX_LOOKUP + 1)])
    assert error.value.code == "too_many_runs"
