"""Adding a marketplace agent gives the user their own copy; its runs count on the listing too."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.executions import service as runs
from autogpt_app.library import service as library
from autogpt_app.store import service as store
from tests.executions.test_runner import make_user
from tests.store.factories import approved_greeter


async def test_runs_of_marketplace_agents_count_on_the_listing():
    published = await approved_greeter()
    runner = await make_user("runner@example.com")
    async with session_scope() as s:
        agent = await library.add_from_listing(s, runner, published.listing_id)
        again = await library.add_from_listing(s, runner, published.listing_id)
        assert again.id == agent.id  # get or create
        detail = await library.get_agent(s, runner, agent.id)
        assert detail.graph_id != published.graph_id  # the runner's own copy
        await runs.add_graph_execution(s, runner, detail.graph_id, inputs={"name": "Ada"})
    async with session_scope() as s:
        assert (await library.get_agent(s, runner, agent.id)).run_count == 1
        assert (await store.get_listing(s, published.listing_id)).run_count == 1
