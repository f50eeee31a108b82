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
