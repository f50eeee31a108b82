"""Adding a marketplace agent gives the user their own copy; its runs count in the library at once and
on the listing after the sweep, and concurrent runs of one agent never wait for each other."""

from __future__ import annotations

import asyncio

import pytest

from autogpt_app.db import session_scope
from autogpt_app.executions import service as runs
from autogpt_app.library import service as library
from autogpt_app.store import service as store
from tests.conftest import ENGINE
from tests.executions.test_runner import make_user
from tests.store.factories import approved_greeter
from workers.execution import apply_run_tallies_once


async def _runner_with_copy():
    published = await approved_greeter()
    runner = await make_user("runner@example.com")
    async with session_scope() as s:
        agent = await library.add_from_listing(s, runner, published.listing_id)
        again = await library.add_from_listing(s, runner, published.listing_id)
        assert again.id == agent.id  # get or create
        detail = await library.get_agent(s, runner, agent.id)
    assert detail.graph_id != published.graph_id  # the runner's own copy
    return published, runner, detail


async def test_runs_of_marketplace_agents_count_on_the_listing():
    published, runner, agent = await _runner_with_copy()
    async with session_scope() as s:
        await runs.add_graph_execution(s, runner, agent.graph_id, inputs={"name": "Ada"})
    async with session_scope() as s:
        assert (await library.get_agent(s, runner, agent.id)).run_count == 1  # the library knows at once
        assert (await store.get_listing(s, published.listing_id)).run_count == 0  # queued for the sweep
    # The sweep's step (it runs in a worker thread's loop, like the sweeper thread does).
    assert await asyncio.to_thread(apply_run_tallies_once) == 1
    assert await asyncio.to_thread(apply_run_tallies_once) == 0
    async with session_scope() as s:
        assert (await store.get_listing(s, published.listing_id)).run_count == 1
        assert [i.slug for i in (await store.home_rows(s)).most_run][:1] == [published.slug]


@pytest.mark.skipif(ENGINE != "postgres", reason="SQLite lets one transaction write at a time anyway")
async def test_concurrent_run_starts_of_one_agent_do_not_wait_for_each_other():
    """Two people's requests start the same agent at once: the second must not wait for the first to
    commit (a run counter updated in the run-start transaction made every run of an agent queue)."""
    published, runner, agent = await _runner_with_copy()
    async with session_scope() as first:
        await runs.add_graph_execution(first, runner, agent.graph_id, inputs={"name": "Ada"})
        # ``first`` is still open (not committed) while the second run starts.
        async with asyncio.timeout(5), session_scope() as second:
            await runs.add_graph_execution(second, runner, agent.graph_id, inputs={"name": "Bob"})
    assert await asyncio.to_thread(apply_run_tallies_once) == 2
    async with session_scope() as s:
        assert (await library.get_agent(s, runner, agent.id)).run_count == 2
        assert (await store.get_listing(s, published.listing_id)).run_count == 2


async def test_the_sweeper_thread_brings_listing_counts_up_to_date():
    """What a person sees without anyone calling anything: the marketplace card counts the run within
    one sweep interval of it starting."""
    from workers.sweeper import Sweeper

    published, runner, agent = await _runner_with_copy()
    async with session_scope() as s:
        await runs.add_graph_execution(s, runner, agent.graph_id, inputs={"name": "Ada"})
    sweeper = Sweeper(interval=0.2).start()
    try:
        async with asyncio.timeout(10):
            while True:
                async with session_scope() as s:
                    if (await store.get_listing(s, published.listing_id)).run_count == 1:
                        break
                await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(sweeper.stop)
