"""Page triggers against a local web server: the first look only remembers the page's text, a change
of its main text starts one run, a page that did not change (or changed only in markup) starts none,
and a page that changes back to an earlier version starts one more."""

from __future__ import annotations

import pytest

from autogpt_app.triggers.pages import text_hash
from autogpt_app.triggers.polling import LOOKED, PRIMED, poll_due
from tests.fakes.web_services import serving
from tests.triggers.poll_factories import deliveries, make_due, make_graph, make_trigger, make_user, runs, trigger_row

PRICES = "Our prices for the winter season. The small room costs {small} euros a night, the large one {large} euros."


def page(small: int, large: int, *, menu: str = "Home | Rooms | Contact") -> str:
    article = " ".join([PRICES.format(small=small, large=large)] * 3)
    return (
        f"<html><head><title>Prices</title></head><body><nav>{menu}</nav>"
        f"<article><h1>Prices</h1><p>{article}</p><p>Book early: the season fills up quickly, "
        "and rooms with a view of the lake go first.</p></article><footer>© Lakeside Inn</footer></body></html>"
    )


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch):
    with serving(monkeypatch) as fake:
        yield fake


async def look_again(trigger_id: str):
    await make_due(trigger_id)
    (result,) = await poll_due()
    return result


async def test_a_changed_page_starts_one_run_an_unchanged_one_none_and_a_flip_back_one_more(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("prices", page(80, 120))
    trigger = await make_trigger(user, graph, "page", {"url": url}, input_mapping={"topic": "$.text"})

    (first,) = await poll_due()
    assert first.outcome == PRIMED and await runs(graph.id) == []
    first_hash = (await trigger_row(trigger.id)).state["hash"]

    assert (await look_again(trigger.id)).execution_ids == []  # unchanged
    web.page("prices", page(80, 120, menu="Home | Rooms | Offers | Contact"))
    assert (await look_again(trigger.id)).execution_ids == []  # only the menu changed: not the main text

    web.page("prices", page(90, 120))
    changed = await look_again(trigger.id)
    assert changed.outcome == LOOKED and len(changed.execution_ids) == 1
    (run,) = await runs(graph.id)
    assert "The small room costs 90 euros a night" in run.inputs["topic"]
    second_hash = (await trigger_row(trigger.id)).state["hash"]
    assert second_hash != first_hash

    assert (await look_again(trigger.id)).execution_ids == []  # unchanged again

    web.page("prices", page(80, 120))  # back to the first version
    flipped = await look_again(trigger.id)
    assert len(flipped.execution_ids) == 1
    assert [r.inputs["topic"].count("costs 80 euros") for r in await runs(graph.id)] == [0, 3]
    assert (await trigger_row(trigger.id)).state["hash"] == first_hash
    logged = await deliveries(trigger.id)
    assert [(d.status, d.summary) for d in logged] == [("started", "The page at 127.0.0.1 changed")] * 2


async def test_the_agent_gets_the_change_with_both_hashes(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("prices", page(80, 120))
    mapping = {"topic": "$"}
    trigger = await make_trigger(user, graph, "page", {"url": url}, input_mapping=mapping)
    await poll_due()
    before = (await trigger_row(trigger.id)).state["hash"]

    web.page("prices", page(80, 150))
    await look_again(trigger.id)

    (run,) = await runs(graph.id)
    event = run.inputs["topic"]
    assert event["url"] == url and event["previous_hash"] == before
    assert event["hash"] == text_hash(event["text"]) != before
    assert "the large one 150 euros" in event["text"] and event["changed_at"]


async def test_a_page_with_no_readable_text_fails_readably(web):
    user = await make_user()
    graph = await make_graph(user)
    trigger = await make_trigger(user, graph, "page", {"url": web.page("blank", "<html><body></body></html>")})

    (look,) = await poll_due()

    assert look.error == "The page has no readable text (it may need JavaScript, or be an image or a file)."
    assert [d.status for d in await deliveries(trigger.id)] == ["failed"]
