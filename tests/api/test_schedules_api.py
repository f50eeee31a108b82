"""REST API for schedules: CRUD, pause/resume, presets, the describe helper, bad input and other users' ids."""

from __future__ import annotations

from datetime import datetime

from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import greeting_graph

URL = "/api/v1/schedules"


def body(graph: dict, **fields) -> dict:
    return {
        "graph_id": graph["id"],
        "name": "Daily greeting",
        "cron": "0 8 * * 1-5",
        "timezone": "America/New_York",
        "inputs": {"name": "Ada"},
        **fields,
    }


async def test_create_read_list_update_pause_resume_delete(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    r = await client.post(URL, json=body(graph), headers=bearer(token))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["description"] == "At 08:00, Monday through Friday"
    assert made["is_active"] and len(made["next_runs"]) == 5
    first = datetime.fromisoformat(made["next_runs"][0])
    assert (first.hour, first.minute) == (8, 0) and first.utcoffset() is not None
    assert made["last_status"] is None and made["inputs"] == {"name": "Ada"}

    got = await client.get(f"{URL}/{made['id']}", headers=bearer(token))
    assert got.status_code == 200 and got.json()["id"] == made["id"]
    listed = (await client.get(URL, headers=bearer(token))).json()
    assert [s["id"] for s in listed] == [made["id"]]
    assert (await client.get(f"{URL}?graph_id={graph['id']}", headers=bearer(token))).json()[0]["id"] == made["id"]
    assert (await client.get(f"{URL}?graph_id=other", headers=bearer(token))).json() == []

    patched = await client.patch(
        f"{URL}/{made['id']}",
        json={"name": "Weekly", "preset": {"kind": "weekly", "day_of_week": "fri", "hour": 17}},
        headers=bearer(token),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["cron"] == "0 17 * * 5" and patched.json()["description"] == "At 17:00, only on Friday"
    assert patched.json()["name"] == "Weekly" and patched.json()["timezone"] == "America/New_York"

    paused = await client.post(f"{URL}/{made['id']}/pause", headers=bearer(token))
    assert paused.status_code == 200 and not paused.json()["is_active"] and paused.json()["next_runs"] == []
    resumed = await client.post(f"{URL}/{made['id']}/resume", headers=bearer(token))
    assert resumed.status_code == 200 and resumed.json()["is_active"] and resumed.json()["next_run_at"]

    deleted = await client.delete(f"{URL}/{made['id']}", headers=bearer(token))
    assert deleted.status_code == 204
    assert_error(await client.get(f"{URL}/{made['id']}", headers=bearer(token)), 404, "schedule_not_found")


async def test_presets_and_describe(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    r = await client.post(
        URL, json=body(graph, cron=None, preset={"kind": "daily", "hour": 6, "minute": 30}), headers=bearer(token)
    )
    assert r.status_code == 201, r.text
    assert r.json()["cron"] == "30 6 * * *"
    assert r.json()["description"] == "At 06:30"

    d = await client.get(
        f"{URL}/describe", params={"cron": "0 8 * * 1-5", "timezone": "Europe/Berlin"}, headers=bearer(token)
    )
    assert d.status_code == 200
    preview = d.json()
    assert preview["description"] == "At 08:00, Monday through Friday" and len(preview["next_runs"]) == 5
    assert all(datetime.fromisoformat(t).hour == 8 for t in preview["next_runs"])
    err = assert_error(await client.get(f"{URL}/describe", params={"cron": "61 * * * *"}, headers=bearer(token)), 422)
    assert err["code"] == "invalid_cron" and "minute must be 0–59" in err["message"]
    assert_error(
        await client.get(
            f"{URL}/describe", params={"cron": "* * * * *", "timezone": "Atlantis"}, headers=bearer(token)
        ),
        422,
        "invalid_timezone",
    )
    assert_error(await client.get(f"{URL}/describe", params={"cron": "* * * * *"}), 401)


async def test_bad_input_is_refused_and_writes_nothing(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    cases = [
        (body(graph, cron="0 8 * *"), 422, "invalid_cron"),
        (body(graph, cron=None), 422, "invalid_schedule"),
        (body(graph, preset={"kind": "daily"}), 422, "invalid_cron"),  # both cron and preset
        (body(graph, cron=None, preset={"kind": "daily", "hour": 24}), 422, "invalid_input"),
        (body(graph, timezone="Mars/Base"), 422, "invalid_timezone"),
        (body(graph, inputs={}), 422, "inputs_missing"),
        (body(graph, inputs={"name": "x", "zzz": 1}), 422, "invalid_inputs"),
        (body(graph, graph_id="no-such-agent"), 404, "graph_not_found"),
        ({"name": "x"}, 422, "invalid_input"),
    ]
    for payload, status, code in cases:
        assert_error(await client.post(URL, json=payload, headers=bearer(token)), status, code)
    assert (await client.get(URL, headers=bearer(token))).json() == []
    made = (await client.post(URL, json=body(graph), headers=bearer(token))).json()
    assert_error(
        await client.patch(f"{URL}/{made['id']}", json={"cron": "0 0 31 2 *"}, headers=bearer(token)),
        422,
        "invalid_cron",
    )
    assert_error(
        await client.patch(f"{URL}/{made['id']}", json={"inputs": {"zzz": 1}}, headers=bearer(token)),
        422,
        "invalid_inputs",
    )
    assert (await client.get(f"{URL}/{made['id']}", headers=bearer(token))).json()["cron"] == "0 8 * * 1-5"


async def test_other_users_schedules_answer_404(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, owner, greeting_graph())
    made = (await client.post(URL, json=body(graph), headers=bearer(owner))).json()
    sid = made["id"]
    for method, path, payload in [
        ("GET", f"{URL}/{sid}", None),
        ("PATCH", f"{URL}/{sid}", {"name": "Mine"}),
        ("DELETE", f"{URL}/{sid}", None),
        ("POST", f"{URL}/{sid}/pause", None),
        ("POST", f"{URL}/{sid}/resume", None),
    ]:
        assert_error(await client.request(method, path, json=payload, headers=bearer(other)), 404, "schedule_not_found")
    assert_error(await client.post(URL, json=body(graph), headers=bearer(other)), 404, "graph_not_found")
    assert (await client.get(URL, headers=bearer(other))).json() == []
    still = (await client.get(f"{URL}/{sid}", headers=bearer(owner))).json()
    assert still["name"] == "Daily greeting" and still["is_active"]
    assert_error(await client.get(URL), 401)
