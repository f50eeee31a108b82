"""Feed triggers against a local web server serving real RSS and Atom documents: the first look
starts nothing, each new entry starts one run with the entry mapped to the agent's inputs, an
unchanged feed answers 304 and starts nothing, and the started run completes with the entry's title."""

from __future__ import annotations

import pytest

from autogpt_app.executions.runner import GraphRunner
from autogpt_app.triggers.polling import LOOKED, MAX_FIRED_PER_LOOK, PRIMED, poll_due
from tests.fakes.web_services import FakeWebServices, serving
from tests.triggers.poll_factories import (
    ATOM_TYPE,
    RSS_TYPE,
    atom,
    deliveries,
    items_seen,
    make_due,
    make_graph,
    make_trigger,
    make_user,
    post,
    rss,
    runs,
    trigger_row,
)


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch):
    with serving(monkeypatch) as fake:
        yield fake


def feed_requests(web: FakeWebServices, name: str) -> list:
    return [r for r in web.requests if r.path == f"/pages/{name}"]


async def test_a_feed_gaining_three_posts_starts_three_runs_and_none_for_the_old_posts(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("blog.rss", rss([post(1), post(2)]), RSS_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url})

    (first,) = await poll_due()
    assert first.outcome == PRIMED and first.execution_ids == []
    assert await runs(graph.id) == [] and await deliveries(trigger.id) == []
    primed = await trigger_row(trigger.id)
    assert primed.state["primed"] is True and primed.state["primed_items"] == 2
    assert await items_seen(trigger.id) == 2

    web.page("blog.rss", rss([post(n) for n in range(1, 6)]), RSS_TYPE)
    await make_due(trigger.id)
    (second,) = await poll_due()

    assert second.outcome == LOOKED and len(second.execution_ids) == 3
    started = await runs(graph.id)
    assert [r.inputs for r in started] == [{"topic": f"Post number {n}"} for n in (3, 4, 5)]
    logged = await deliveries(trigger.id)
    assert [(d.status, d.summary) for d in logged] == [("started", f"Post number {n}") for n in (3, 4, 5)]
    assert {d.execution_id for d in logged} == set(second.execution_ids)
    assert await items_seen(trigger.id) == 5

    # The agent runs and gets the post's title.
    assert await GraphRunner(second.execution_ids[0]).run() == "COMPLETED"
    (done, *_rest) = await runs(graph.id)
    assert done.status == "COMPLETED" and done.outputs == {"echo": ["Post number 3"]}


async def test_an_unchanged_feed_answers_304_and_starts_nothing(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("blog.rss", rss([post(1)]), RSS_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url})
    await poll_due()
    assert (await trigger_row(trigger.id)).state["etag"]

    await make_due(trigger.id)
    (again,) = await poll_due()

    assert again.outcome == LOOKED and again.execution_ids == []
    conditional = feed_requests(web, "blog.rss")[-1]
    assert conditional.headers["if-none-match"] == (await trigger_row(trigger.id)).state["etag"]
    assert conditional.headers["if-modified-since"] == "Mon, 07 Dec 2026 09:00:00 GMT"
    assert await runs(graph.id) == [] and await deliveries(trigger.id) == []


async def test_an_atom_entry_reaches_the_agent_whole(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("notes.atom", atom([post(1)]), ATOM_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url}, input_mapping={"topic": "$.link"})
    await poll_due()

    web.page("notes.atom", atom([post(1), post(2)]), ATOM_TYPE)
    await make_due(trigger.id)
    (look,) = await poll_due()

    (run,) = await runs(graph.id)
    assert run.inputs == {"topic": "https://blog.example.com/posts/2"}
    assert look.execution_ids == [run.id]
    (delivery,) = await deliveries(trigger.id)
    assert delivery.summary == "Post number 2"


async def test_a_burst_of_posts_fires_twenty_per_look_oldest_first_and_the_rest_next_time(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("busy.rss", rss([post(0)]), RSS_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url})
    await poll_due()

    web.page("busy.rss", rss([post(n) for n in range(26)]), RSS_TYPE)
    await make_due(trigger.id)
    (first,) = await poll_due()
    assert len(first.execution_ids) == MAX_FIRED_PER_LOOK
    assert [r.inputs["topic"] for r in await runs(graph.id)] == [f"Post number {n}" for n in range(1, 21)]

    await make_due(trigger.id)
    (second,) = await poll_due()  # the feed has not changed, but the rest are still new
    assert len(second.execution_ids) == 5
    assert [r.inputs["topic"] for r in await runs(graph.id)][20:] == [f"Post number {n}" for n in range(21, 26)]


async def test_a_feed_on_a_private_address_is_refused_readably(web, monkeypatch):
    from autogpt_app.settings import get_settings

    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", False)
    user = await make_user()
    graph = await make_graph(user)
    trigger = await make_trigger(user, graph, "feed", {"url": web.page("blog.rss", rss([post(1)]), RSS_TYPE)})

    (look,) = await poll_due()

    assert look.error == "Requests to private or local addresses are not allowed (127.0.0.1)."
    (delivery,) = await deliveries(trigger.id)
    assert (delivery.status, delivery.error) == ("failed", look.error)
    assert feed_requests(web, "blog.rss") == []
    row = await trigger_row(trigger.id)
    assert row.failure_count == 1 and not row.state.get("primed")


async def test_an_address_that_is_no_feed_is_a_readable_failure(web):
    user = await make_user()
    graph = await make_graph(user)
    trigger = await make_trigger(user, graph, "feed", {"url": web.page("home", "<html><body>Hi</body></html>")})

    (look,) = await poll_due()

    assert look.error == "The address did not return an RSS or Atom feed."
    assert [d.status for d in await deliveries(trigger.id)] == ["failed"]
