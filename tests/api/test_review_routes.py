"""REST API for reviews: a run waits, the owner lists, reads, approves or rejects; others get 404; scopes."""

from __future__ import annotations

from autogpt_app.executions.runner import GraphRunner
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_api_key_scopes import key, make_key
from tests.api.test_graphs_api import make_graph
from tests.executions.test_reviews import review_graph


async def waiting_run(client, token: str) -> str:
    graph = await make_graph(client, token, review_graph())
    r = await client.post(
        f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"draft": "Dear Ada"}}, headers=bearer(token)
    )
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    assert await GraphRunner(run_id).run() == "WAITING"
    return run_id


async def test_list_read_approve_with_data_and_the_run_completes(client):
    token = await token_for(client)
    run_id = await waiting_run(client, token)
    run = (await client.get(f"/api/v1/executions/{run_id}", headers=bearer(token))).json()
    assert run["status"] == "WAITING"
    [review] = (await client.get("/api/v1/reviews", headers=bearer(token))).json()
    assert review["execution_id"] == run_id and review["data"] == "Dear Ada" and review["status"] == "pending"
    assert (await client.get(f"/api/v1/reviews?execution_id={run_id}", headers=bearer(token))).json() == [review]
    got = (await client.get(f"/api/v1/reviews/{review['id']}", headers=bearer(token))).json()
    assert got["message"] == "Review: Reply to the customer"
    r = await client.post(f"/api/v1/reviews/{review['id']}/approve", json={"data": "Dear Ada!"}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["edited_data"] == "Dear Ada!"
    assert (await client.get(f"/api/v1/executions/{run_id}", headers=bearer(token))).json()["status"] == "QUEUED"
    assert_error(
        await client.post(f"/api/v1/reviews/{review['id']}/reject", json={"comment": "late"}, headers=bearer(token)),
        409,
        "review_decided",
    )
    assert await GraphRunner(run_id).run() == "COMPLETED"
    done = (await client.get(f"/api/v1/executions/{run_id}", headers=bearer(token))).json()
    assert done["outputs"]["approved"] == ["Dear Ada!"]
    assert (await client.get("/api/v1/reviews", headers=bearer(token))).json() == []


async def test_reject_with_a_comment(client):
    token = await token_for(client)
    run_id = await waiting_run(client, token)
    [review] = (await client.get("/api/v1/reviews", headers=bearer(token))).json()
    r = await client.post(f"/api/v1/reviews/{review['id']}/reject", json={"comment": "No."}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["comment"] == "No."
    assert await GraphRunner(run_id).run() == "COMPLETED"
    done = (await client.get(f"/api/v1/executions/{run_id}", headers=bearer(token))).json()
    assert done["outputs"]["rejected"] == ["Dear Ada"] and done["outputs"]["comment"] == ["No."]


async def test_other_users_get_404_and_a_read_key_cannot_decide(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    await waiting_run(client, owner)
    [review] = (await client.get("/api/v1/reviews", headers=bearer(owner))).json()
    assert (await client.get("/api/v1/reviews", headers=bearer(other))).json() == []
    assert_error(await client.get(f"/api/v1/reviews/{review['id']}", headers=bearer(other)), 404, "review_not_found")
    for action in ("approve", "reject"):
        assert_error(await client.post(f"/api/v1/reviews/{review['id']}/{action}", json={}, headers=bearer(other)), 404)
    reader, _ = await make_key(client, owner, scopes=["read"])
    assert (await client.get("/api/v1/reviews", headers=key(reader))).status_code == 200
    assert_error(
        await client.post(f"/api/v1/reviews/{review['id']}/approve", json={}, headers=key(reader)),
        403,
        "insufficient_scope",
    )
    # Still waiting for its owner.
    assert (await client.get(f"/api/v1/reviews/{review['id']}", headers=bearer(owner))).json()["status"] == "pending"
