"""The run page of a run waiting for review: what it shows, and approving or rejecting from it."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.executions import reviews
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui.states.runs import RunState
from tests.executions.test_reviews import review_graph
from tests.graphs.helpers import SHORT_TEXT
from tests.ui.test_marketplace_state import call, state_for
from tests.ui.test_run_view import make_user


async def waiting(user, doc, **inputs) -> str:
    from autogpt_app.executions import service

    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        await library.add_graph(s, user, graph.id, source="created")
        run = await service.add_graph_execution(s, user, graph.id, inputs=inputs)
    assert await GraphRunner(run.id).run() == "WAITING"
    return run.id


def json_review_graph() -> dict:
    """The review graph with a dictionary as the data (a JSON box on the page)."""
    doc = review_graph()
    doc["nodes"][0] = {**doc["nodes"][0], "block_id": SHORT_TEXT}
    doc["nodes"][1]["input_default"]["data"] = {"to": "ada@example.com", "subject": "Hello"}
    doc["links"] = [link for link in doc["links"] if link["sink_name"] != "data"]
    return doc


async def test_the_page_shows_the_waiting_data_and_approving_an_edit_completes_the_run():
    user = await make_user()
    run_id = await waiting(user, json_review_graph(), draft="unused")
    page = state_for(RunState, user, f"/runs/{run_id}")
    await call(page, "load")
    assert page.status == "WAITING" and page.live
    [row] = page.reviews
    assert row.message == "Review: Reply to the customer" and row.editable and not row.is_text
    assert '"subject": "Hello"' in row.data_text
    # A box that no longer reads as JSON is refused with a sentence; nothing is decided.
    await call(page, "approve_review", {"review_id": row.id, "data": "{not json"})
    assert page.action_error.startswith("The data is not valid JSON")
    assert page.status == "WAITING"
    edited = row.data_text.replace("Hello", "Hello again")
    await call(page, "approve_review", {"review_id": row.id, "data": edited})
    assert page.action_error == "" and page.status == "QUEUED" and page.reviews == []
    assert await GraphRunner(run_id).run() == "COMPLETED"
    await call(page, "load")
    assert page.status == "COMPLETED"
    approved = next(o for o in page.outputs if o.title == "approved")
    assert approved.kind == "json" and '"subject": "Hello again"' in approved.text


async def test_rejecting_from_the_page_passes_the_comment_on():
    user = await make_user()
    run_id = await waiting(user, review_graph(), draft="Dear Ada")
    page = state_for(RunState, user, f"/runs/{run_id}")
    await call(page, "load")
    [row] = page.reviews
    assert row.is_text and row.data_text == "Dear Ada"
    await call(page, "reject_review", {"review_id": row.id, "comment": "Too short"})
    assert page.status == "QUEUED"
    async with session_scope() as s:
        assert (await reviews.get_review(s, user, row.id)).comment == "Too short"
    assert await GraphRunner(run_id).run() == "COMPLETED"
    await call(page, "load")
    assert {o.title: o.text for o in page.outputs} == {
        "rejected": "Dear Ada",
        "comment": "Too short",
        "side": "side work",
    }
