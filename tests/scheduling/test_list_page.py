"""``scheduling.list_schedules_page``: one page of a user's schedules with the total, for their owner only."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.scheduling import service
from tests.graphs.helpers import echo_graph
from tests.library.test_updates import count_queries
from tests.scheduling.test_service import make_graph, make_user, schedule


async def test_pages_carry_the_total_of_the_users_or_one_agents_schedules():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    first, second = await make_graph(ada), await make_graph(ada, echo_graph("Second"))
    mine = [(await schedule(ada, first, name=f"F{i}")).id for i in range(5)]
    mine += [(await schedule(ada, second, name=f"S{i}")).id for i in range(2)]
    bobs_graph = await make_graph(bob)
    await schedule(bob, bobs_graph, name="Bob's")

    async with session_scope() as s:
        everything = await service.list_schedules(s, ada, limit=100)
        one = await service.list_schedules_page(s, ada, offset=0, limit=3)
        two = await service.list_schedules_page(s, ada, offset=3, limit=3)
        three = await service.list_schedules_page(s, ada, offset=6, limit=3)
        past = await service.list_schedules_page(s, ada, offset=50, limit=3)
        of_first = await service.list_schedules_page(s, ada, graph_id=first.id, limit=2)
        of_bobs = await service.list_schedules_page(s, ada, graph_id=bobs_graph.id)
        bob_all = await service.list_schedules_page(s, bob)
    assert [p.total for p in (one, two, three, past)] == [7, 7, 7, 7]
    # The same order as list_schedules, page after page, with nothing left out or repeated.
    assert [x.id for p in (one, two, three) for x in p.items] == [x.id for x in everything]
    assert set(mine) == {x.id for x in everything}
    assert (len(three.items), three.offset, three.limit) == (1, 6, 3)
    assert past.items == []
    assert of_first.total == 5 and len(of_first.items) == 2 and {x.graph_id for x in of_first.items} == {first.id}
    assert of_bobs.total == 0 and of_bobs.items == []  # another user's agent: none of Ada's, none of Bob's
    assert bob_all.total == 1 and [x.name for x in bob_all.items] == ["Bob's"]


async def test_paging_is_clamped_and_a_short_list_needs_no_count():
    ada = await make_user()
    graph = await make_graph(ada)
    for i in range(3):
        await schedule(ada, graph, name=f"N{i}")
    async with session_scope() as s:
        clamped = await service.list_schedules_page(s, ada, offset=-5, limit=0)
        huge = await service.list_schedules_page(s, ada, limit=10_000)
        with count_queries() as short:
            whole = await service.list_schedules_page(s, ada, limit=10)
        with count_queries() as full:
            cut = await service.list_schedules_page(s, ada, limit=3)
    assert (clamped.offset, clamped.limit, clamped.total, len(clamped.items)) == (0, 1, 3, 1)
    assert huge.limit == service.MAX_PAGE and huge.total == 3
    assert whole.total == 3 and len(short) == 1  # all on the first page: the rows are the count
    assert cut.total == 3 and len(full) == 2  # a full page may have more after it: counted
