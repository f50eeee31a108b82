"""REST API for triggers: CRUD, pause/resume, secret rotation, deliveries, scopes, other people's ids,
and the receive route as senders meet it (202 with the run, 401/404/409/413/429 in the error shape)."""

from __future__ import annotations

import json

from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_api_key_scopes import key, make_key
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import greeting_graph
from tests.triggers.conftest import signed_headers

URL = "/api/v1/triggers"


async def _webhook(client, token, graph, **fields) -> dict:
    r = await client.post(
        URL,
        json={
            "kind": "webhook",
            "graph_id": graph["id"],
            "name": "Orders",
            "input_mapping": {"name": "$.who"},
            **fields,
        },
        headers=bearer(token),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_create_read_list_update_pause_resume_rotate_delete(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    made = await _webhook(client, token, graph)
    assert made["secret"] and made["secret_hint"] == made["secret"][-4:]
    assert made["webhook_url"].endswith(f"/api/v1/hooks/{made['id']}") and made["kind_label"] == "Webhook"

    got = (await client.get(f"{URL}/{made['id']}", headers=bearer(token))).json()
    assert got["id"] == made["id"] and "secret" not in got and made["secret"] not in json.dumps(got)
    listed = (await client.get(URL, params={"graph_id": graph["id"]}, headers=bearer(token))).json()
    assert [t["id"] for t in listed] == [made["id"]]
    assert (await client.get(URL, params={"graph_id": "other"}, headers=bearer(token))).json() == []

    patched = await client.patch(f"{URL}/{made['id']}", json={"name": "Paid orders"}, headers=bearer(token))
    assert patched.status_code == 200 and patched.json()["name"] == "Paid orders"
    assert patched.json()["input_mapping"] == {"name": "$.who"}
    paused = await client.post(f"{URL}/{made['id']}/pause", headers=bearer(token))
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    resumed = await client.post(f"{URL}/{made['id']}/resume", headers=bearer(token))
    assert resumed.json()["is_active"] is True
    rotated = await client.post(f"{URL}/{made['id']}/rotate-secret", headers=bearer(token))
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (None, made["secret"])

    assert (await client.delete(f"{URL}/{made['id']}", headers=bearer(token))).status_code == 204
    assert_error(await client.get(f"{URL}/{made['id']}", headers=bearer(token)), 404, "trigger_not_found")


async def test_refusals_are_readable(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    bad = await client.post(
        URL,
        json={"kind": "page", "graph_id": graph["id"], "name": "Watch", "config": {"url": "file:///etc/passwd"}},
        headers=bearer(token),
    )
    assert "http" in assert_error(bad, 422, "invalid_url")["message"]
    missing = await client.post(URL, json={"kind": "webhook", "graph_id": "nope", "name": "x"}, headers=bearer(token))
    assert_error(missing, 404)


async def test_another_persons_trigger_is_not_found_and_a_read_key_cannot_change_anything(client):
    ada = await token_for(client)
    graph = await make_graph(client, ada, greeting_graph())
    made = await _webhook(client, ada, graph)
    bob = await token_for(client, "bob@example.com", "Bob")
    for method, path in (
        ("GET", f"{URL}/{made['id']}"),
        ("PATCH", f"{URL}/{made['id']}"),
        ("DELETE", f"{URL}/{made['id']}"),
        ("POST", f"{URL}/{made['id']}/pause"),
        ("POST", f"{URL}/{made['id']}/rotate-secret"),
        ("GET", f"{URL}/{made['id']}/deliveries"),
    ):
        r = await client.request(method, path, headers=bearer(bob), json={} if method == "PATCH" else None)
        assert_error(r, 404, "trigger_not_found")
    assert (await client.get(URL, headers=bearer(bob))).json() == []

    reader, _ = await make_key(client, ada, scopes=["read"])
    assert (await client.get(f"{URL}/{made['id']}", headers=key(reader))).status_code == 200
    refused = await client.post(
        URL, json={"kind": "webhook", "graph_id": graph["id"], "name": "x"}, headers=key(reader)
    )
    assert_error(refused, 403, "insufficient_scope")
    assert_error(await client.post(f"{URL}/{made['id']}/rotate-secret", headers=key(reader)), 403)
    assert len((await client.get(URL, headers=bearer(ada))).json()) == 1


async def test_senders_get_202_with_the_run_or_a_reason(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    made = await _webhook(client, token, graph, config={"max_per_minute": 1})
    hook = f"/api/v1/hooks/{made['id']}"
    body = json.dumps({"who": "Grace"}).encode()

    unsigned = await client.post(hook, content=body, headers={"content-type": "application/json"})
    assert_error(unsigned, 401, "signature_missing")
    accepted = await client.post(hook, content=body, headers=signed_headers(made["secret"], body))
    assert accepted.status_code == 202, accepted.text
    answer = accepted.json()
    assert set(answer) == {"delivery_id", "execution_id", "status"} and answer["status"] == "started"
    run = (await client.get(f"/api/v1/executions/{answer['execution_id']}", headers=bearer(token))).json()
    assert run["inputs"] == {"name": "Grace"}

    again = json.dumps({"who": "Hopper"}).encode()
    limited = await client.post(hook, content=again, headers=signed_headers(made["secret"], again))
    assert_error(limited, 429, "too_many_deliveries")
    assert 1 <= int(limited.headers["retry-after"]) <= 60

    assert_error(await client.post("/api/v1/hooks/unknown", content=body), 404, "webhook_not_found")
    big = b"x" * (1024 * 1024 + 1)
    assert_error(await client.post(hook, content=big, headers=signed_headers(made["secret"], big)), 413)

    await client.post(f"{URL}/{made['id']}/pause", headers=bearer(token))
    paused = await client.post(hook, content=again, headers=signed_headers(made["secret"], again))
    assert_error(paused, 409, "trigger_paused")

    log = (await client.get(f"{URL}/{made['id']}/deliveries", headers=bearer(token))).json()
    # The oversized body was refused at the site's edge before a byte was read: not in the log.
    assert log["total"] == 4
    assert [(d["status_label"], d["http_status"]) for d in log["items"]] == [
        ("Refused", 409),
        ("Refused", 429),
        ("Started a run", 202),
        ("Refused", 401),
    ]
    assert log["items"][2]["execution_id"] == answer["execution_id"]
