"""REST API for runs: start, read, list, stop; bad inputs and other users' ids."""

from __future__ import annotations

from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import greeting_graph, slow_graph


async def test_run_read_list_and_stop(client):
    token = await token_for(client)
    graph = await make_graph(client, token, slow_graph(30))
    r = await client.post(f"/api/v1/graphs/{graph['id']}/executions", json={}, headers=bearer(token))
    assert r.status_code == 201
    run = r.json()
    assert run["status"] == "QUEUED" and run["graph_version"] == 1
    got = (await client.get(f"/api/v1/executions/{run['id']}", headers=bearer(token))).json()
    assert got["id"] == run["id"] and got["nodes"] == []
    listed = (await client.get(f"/api/v1/executions?graph_id={graph['id']}", headers=bearer(token))).json()
    assert [e["id"] for e in listed] == [run["id"]]
    stopped = await client.post(f"/api/v1/executions/{run['id']}/stop", headers=bearer(token))
    assert stopped.status_code == 200 and stopped.json()["status"] == "TERMINATED"
    assert_error(
        await client.post(f"/api/v1/executions/{run['id']}/stop", headers=bearer(token)), 409, "execution_ended"
    )


async def test_bad_inputs(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    url = f"/api/v1/graphs/{graph['id']}/executions"
    err = assert_error(await client.post(url, json={"inputs": {}}, headers=bearer(token)), 422, "inputs_missing")
    assert err["details"][0]["input"] == "name"
    assert_error(
        await client.post(url, json={"inputs": {"name": "x", "zzz": 1}}, headers=bearer(token)), 422, "invalid_inputs"
    )
    assert_error(await client.post(url, json={"inputs": "nope"}, headers=bearer(token)), 422)
    assert_error(await client.post(url, json={"inputs": {"name": "x"}, "version": 7}, headers=bearer(token)), 404)
    assert (await client.get("/api/v1/executions", headers=bearer(token))).json() == []


async def test_other_users_ids_answer_404(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, owner, greeting_graph())
    run = (
        await client.post(
            f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"name": "A"}}, headers=bearer(owner)
        )
    ).json()
    assert_error(
        await client.post(
            f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"name": "A"}}, headers=bearer(other)
        ),
        404,
        "graph_not_found",
    )
    assert_error(await client.get(f"/api/v1/executions/{run['id']}", headers=bearer(other)), 404)
    assert_error(await client.post(f"/api/v1/executions/{run['id']}/stop", headers=bearer(other)), 404)
    assert (await client.get("/api/v1/executions", headers=bearer(other))).json() == []
    assert_error(await client.get("/api/v1/executions/unknown", headers=bearer(owner)), 404)
