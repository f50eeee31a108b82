"""REST API for the builder's versions: a note on save, the history with notes and savers, restore."""

from __future__ import annotations

from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_api_key_scopes import key, make_key
from tests.graphs.helpers import echo_graph


async def test_save_with_notes_read_the_history_and_restore(client):
    token = await token_for(client)
    r = await client.post("/api/v1/graphs", json={**echo_graph(), "note": "First try"}, headers=bearer(token))
    assert r.status_code == 201, r.text
    graph_id = r.json()["id"]
    library = (await client.get("/api/v1/library/agents", headers=bearer(token))).json()
    assert [a["graph_id"] for a in library["items"]] == [graph_id]
    r = await client.post(
        f"/api/v1/graphs/{graph_id}/versions", json={**echo_graph("Echo 2"), "note": "Renamed"}, headers=bearer(token)
    )
    assert r.status_code == 201 and r.json()["version"] == 2

    r = await client.post(f"/api/v1/graphs/{graph_id}/versions/1/restore", headers=bearer(token))
    assert r.status_code == 201, r.text
    assert (r.json()["version"], r.json()["active_version"], r.json()["name"]) == (3, 3, "Echo")

    history = (await client.get(f"/api/v1/graphs/{graph_id}/versions", headers=bearer(token))).json()
    assert [(h["version"], h["note"], h["created_by_name"], h["is_active"]) for h in history] == [
        (3, "Restored from version 1", "Ada", True),
        (2, "Renamed", "Ada", False),
        (1, "First try", "Ada", False),
    ]
    assert {"version", "name", "is_active", "created_at", "note", "created_by_name"} == set(history[0])


async def test_a_note_is_optional_text_of_at_most_500_characters(client):
    token = await token_for(client)
    r = await client.post("/api/v1/graphs", json=echo_graph(), headers=bearer(token))
    graph_id = r.json()["id"]
    assert (await client.get(f"/api/v1/graphs/{graph_id}/versions", headers=bearer(token))).json()[0]["note"] == ""
    for note, code in (("x" * 501, "invalid_note"), (5, "invalid_note")):
        assert_error(
            await client.post(
                f"/api/v1/graphs/{graph_id}/versions", json={**echo_graph(), "note": note}, headers=bearer(token)
            ),
            422,
            code,
        )
        assert_error(
            await client.post("/api/v1/graphs", json={**echo_graph(), "note": note}, headers=bearer(token)), 422, code
        )
    assert len((await client.get("/api/v1/graphs", headers=bearer(token))).json()) == 1


async def test_restore_refuses_unknown_versions_other_users_and_read_only_keys(client):
    ada = await token_for(client)
    bob = await token_for(client, "bob@example.com", "Bob")
    graph_id = (await client.post("/api/v1/graphs", json=echo_graph(), headers=bearer(ada))).json()["id"]
    assert_error(await client.post(f"/api/v1/graphs/{graph_id}/versions/9/restore", headers=bearer(ada)), 404)
    assert_error(await client.post(f"/api/v1/graphs/{graph_id}/versions/0/restore", headers=bearer(ada)), 422)
    assert_error(await client.post(f"/api/v1/graphs/{graph_id}/versions/1/restore", headers=bearer(bob)), 404)
    assert_error(await client.get(f"/api/v1/graphs/{graph_id}/versions", headers=bearer(bob)), 404)
    assert_error(await client.post(f"/api/v1/graphs/{graph_id}/versions/1/restore"), 401)
    # A key without the "manage" scope reads the history but does not restore.
    secret, _ = await make_key(client, ada, scopes=["read", "run"])
    history = (await client.get(f"/api/v1/graphs/{graph_id}/versions", headers=key(secret))).json()
    assert [h["version"] for h in history] == [1]
    r = await client.post(f"/api/v1/graphs/{graph_id}/versions/1/restore", headers=key(secret))
    assert_error(r, 403, "insufficient_scope")
    history = (await client.get(f"/api/v1/graphs/{graph_id}/versions", headers=bearer(ada))).json()
    assert [h["version"] for h in history] == [1]
