"""REST API for notifications: list (unread filter, paging), unread count, mark read, owner isolation."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.notifications import service
from tests.api.test_accounts_api import assert_error, bearer, token_for


async def user_id(client, token: str) -> str:
    return (await client.get("/api/v1/me", headers=bearer(token))).json()["id"]


async def notify(owner_id: str, title: str, **fields) -> str:
    async with session_scope() as s:
        made = await service.create_notification(s, owner_id, type="agent_message", title=title, **fields)
    return made.id


async def test_list_count_and_mark_read(client):
    token = await token_for(client)
    me = await user_id(client, token)
    first = await notify(me, "First", body="One", link="/runs/1", data={"execution_id": "e1"})
    second = await notify(me, "Second")
    url = "/api/v1/notifications"

    listed = (await client.get(url, headers=bearer(token))).json()
    assert [n["id"] for n in listed] == [second, first]
    assert listed[1] == {
        "id": first,
        "type": "agent_message",
        "title": "First",
        "body": "One",
        "link": "/runs/1",
        "data": {"execution_id": "e1"},
        "read_at": None,
        "created_at": listed[1]["created_at"],
    }
    assert (await client.get(f"{url}/unread-count", headers=bearer(token))).json() == {"unread": 2}

    r = await client.post(f"{url}/{first}/read", headers=bearer(token))
    assert r.status_code == 200 and r.json()["id"] == first and r.json()["read_at"]
    assert (await client.get(f"{url}/unread-count", headers=bearer(token))).json() == {"unread": 1}
    unread = (await client.get(f"{url}?unread=true", headers=bearer(token))).json()
    assert [n["id"] for n in unread] == [second]
    page = (await client.get(f"{url}?offset=1&limit=1", headers=bearer(token))).json()
    assert [n["id"] for n in page] == [first]

    assert (await client.post(f"{url}/read-all", headers=bearer(token))).json() == {"marked": 1}
    assert (await client.get(f"{url}/unread-count", headers=bearer(token))).json() == {"unread": 0}


async def test_other_users_and_bad_requests(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    mine = await notify(await user_id(client, owner), "Mine")
    url = "/api/v1/notifications"
    assert_error(await client.post(f"{url}/{mine}/read", headers=bearer(other)), 404, "notification_not_found")
    assert_error(await client.post(f"{url}/nope/read", headers=bearer(other)), 404)
    assert (await client.get(url, headers=bearer(other))).json() == []
    assert (await client.get(f"{url}/unread-count", headers=bearer(other))).json() == {"unread": 0}
    assert (await client.get(f"{url}/unread-count", headers=bearer(owner))).json() == {"unread": 1}
    assert_error(await client.get(url), 401)
    assert_error(await client.post(f"{url}/{mine}/read"), 401)
    assert_error(await client.get(f"{url}?limit=0", headers=bearer(owner)), 422)
    assert_error(await client.get(f"{url}?limit=101", headers=bearer(owner)), 422)
    assert_error(await client.get(f"{url}?offset=-1", headers=bearer(owner)), 422)


async def test_type_filter_and_total_header(client):
    token = await token_for(client)
    me = await user_id(client, token)
    async with session_scope() as s:
        for i in range(3):
            await service.create_notification(s, me, type="run_failed", title=f"Failed {i}")
    await notify(me, "Message")
    url = "/api/v1/notifications"
    r = await client.get(f"{url}?type=run_failed&limit=2", headers=bearer(token))
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "3"
    assert [n["title"] for n in r.json()] == ["Failed 2", "Failed 1"]
    r = await client.get(f"{url}?type=run_failed&unread=true&offset=2", headers=bearer(token))
    assert [n["title"] for n in r.json()] == ["Failed 0"] and r.headers["X-Total-Count"] == "3"
    r = await client.get(url, headers=bearer(token))
    assert r.headers["X-Total-Count"] == "4" and len(r.json()) == 4
    assert_error(await client.get(f"{url}?type={'x' * 51}", headers=bearer(token)), 422)


async def test_delete_is_owner_checked(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    mine = await notify(await user_id(client, owner), "Mine")
    url = "/api/v1/notifications"
    assert_error(await client.delete(f"{url}/{mine}", headers=bearer(other)), 404, "notification_not_found")
    assert_error(await client.delete(f"{url}/{mine}"), 401)
    assert (await client.get(f"{url}/unread-count", headers=bearer(owner))).json() == {"unread": 1}
    r = await client.delete(f"{url}/{mine}", headers=bearer(owner))
    assert r.status_code == 204 and r.content == b""
    assert (await client.get(url, headers=bearer(owner))).json() == []
    assert_error(await client.delete(f"{url}/{mine}", headers=bearer(owner)), 404, "notification_not_found")


async def test_preferences_and_digest(client):
    token = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    url = "/api/v1/notifications/preferences"
    got = (await client.get(url, headers=bearer(token))).json()
    assert got["digest"] is False
    assert [(p["type"], p["channel"]) for p in got["items"]] == [
        ("run_completed", "in_app"),
        ("run_failed", "in_app"),
        ("scheduled_run_failed", "in_app"),
        ("scheduled_run_late", "in_app"),
        ("submission_reviewed", "in_app"),
        ("new_version", "in_app"),
        ("agent_message", "in_app"),
        ("trigger_failed", "in_app"),
        ("review_requested", "in_app"),
    ]
    assert got["items"][0]["label"] == "A run finished"

    r = await client.put(f"{url}/run_failed", json={"channel": "email"}, headers=bearer(token))
    assert r.status_code == 200 and r.json() == {"type": "run_failed", "label": "A run failed", "channel": "email"}
    r = await client.put(f"{url}/digest", json={"enabled": True}, headers=bearer(token))
    assert r.status_code == 200 and r.json() == {"enabled": True}
    got = (await client.get(url, headers=bearer(token))).json()
    assert got["digest"] is True and {p["type"]: p["channel"] for p in got["items"]}["run_failed"] == "email"
    # Someone else's preferences are untouched.
    theirs = (await client.get(url, headers=bearer(other))).json()
    assert theirs["digest"] is False and {p["channel"] for p in theirs["items"]} == {"in_app"}

    assert_error(await client.put(f"{url}/bogus", json={"channel": "email"}, headers=bearer(token)), 422)
    assert_error(await client.put(f"{url}/run_failed", json={"channel": "sms"}, headers=bearer(token)), 422)
    assert_error(await client.put(f"{url}/digest", json={"enabled": "maybe"}, headers=bearer(token)), 422)
    assert_error(await client.put(f"{url}/run_failed", json={"channel": "off"}), 401)
    assert_error(await client.get(url), 401)
    got = (await client.get(url, headers=bearer(token))).json()
    assert {p["type"]: p["channel"] for p in got["items"]}["run_failed"] == "email"


async def test_turned_off_notifications_never_appear(client):
    token = await token_for(client)
    me = await user_id(client, token)
    url = "/api/v1/notifications"
    r = await client.put(f"{url}/preferences/agent_message", json={"channel": "off"}, headers=bearer(token))
    assert r.status_code == 200
    async with session_scope() as s:
        assert await service.create_notification(s, me, type="agent_message", title="Muted") is None
    assert (await client.get(url, headers=bearer(token))).json() == []
