"""API keys through the REST API: scopes per route, only a login makes keys, expiry, last-used time,
and "log out everywhere" / password change revoking keys when asked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from autogpt_app.auth.models import ApiKey
from autogpt_app.db import session_scope
from autogpt_app.timeutil import utcnow
from tests.api.test_accounts_api import PASSWORD, assert_error, bearer, token_for


async def make_key(client, token: str, **body) -> tuple[str, dict]:
    r = await client.post("/api/v1/me/api-keys", json={"name": "script", **body}, headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()["key"], r.json()["api_key"]


def key(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


async def test_a_key_cannot_make_keys_even_with_every_scope(client):
    token = await token_for(client)
    secret, record = await make_key(client, token, scopes=["read", "run", "manage"])
    assert record["scopes"] == ["read", "run", "manage"]
    r = await client.post("/api/v1/me/api-keys", json={"name": "child"}, headers=key(secret))
    assert "login" in assert_error(r, 403, "login_required")["message"]
    listed = (await client.get("/api/v1/me/api-keys", headers=bearer(token))).json()
    assert [k["name"] for k in listed] == ["script"]
    # Nor change the password or log everybody out.
    r = await client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "brand-new-77"}, headers=key(secret)
    )
    assert_error(r, 403, "login_required")
    assert_error(await client.post("/api/v1/auth/logout", headers=key(secret)), 403, "login_required")


async def test_default_key_reads_and_runs_but_changes_nothing(client):
    token = await token_for(client)
    secret, record = await make_key(client, token)
    assert record["scopes"] == ["read", "run"]
    assert (await client.get("/api/v1/me", headers=key(secret))).status_code == 200
    assert (await client.get("/api/v1/graphs", headers=key(secret))).status_code == 200
    assert (await client.get("/api/v1/schedules", headers=key(secret))).status_code == 200
    # Run scope: the route is reached (an unknown agent is simply not found).
    r = await client.post("/api/v1/graphs/nope/executions", json={"inputs": {}}, headers=key(secret))
    assert r.status_code == 404, r.text
    err = assert_error(await client.post("/api/v1/schedules", json={}, headers=key(secret)), 403, "insufficient_scope")
    assert "manage" in err["message"]
    assert_error(await client.post("/api/v1/graphs", json={}, headers=key(secret)), 403, "insufficient_scope")
    assert_error(await client.post("/api/v1/credentials", json={}, headers=key(secret)), 403, "insufficient_scope")


async def test_read_key_cannot_run_and_manage_key_can_manage(client):
    token = await token_for(client)
    reader, _ = await make_key(client, token, scopes=["read"])
    manager, _ = await make_key(client, token, scopes=["manage"])
    r = await client.post("/api/v1/graphs/nope/executions", json={"inputs": {}}, headers=key(reader))
    assert_error(r, 403, "insufficient_scope")
    assert_error(await client.get("/api/v1/graphs", headers=key(manager)), 403, "insufficient_scope")
    # A manage key reaches the route (and gets the usual validation error for an empty body).
    assert_error(await client.post("/api/v1/schedules", json={}, headers=key(manager)), 422)
    # The copilot is "run": a read key may list chats but not start one (nor talk in one).
    assert (await client.get("/api/v1/chat/sessions", headers=key(reader))).status_code == 200
    assert_error(await client.post("/api/v1/chat/sessions", json={}, headers=key(reader)), 403, "insufficient_scope")
    r = await client.post("/api/v1/chat/sessions/nope/stream", json={"message": "hi"}, headers=key(reader))
    assert_error(r, 403, "insufficient_scope")


async def test_bad_scopes_and_expiry_are_refused(client):
    token = await token_for(client)
    for body in ({"scopes": ["admin"]}, {"scopes": []}):
        assert_error(await client.post("/api/v1/me/api-keys", json={"name": "x", **body}, headers=bearer(token)), 422)
    for days in (0, 99999):
        r = await client.post("/api/v1/me/api-keys", json={"name": "x", "expires_in_days": days}, headers=bearer(token))
        assert_error(r, 422, "invalid_expiry")
    assert (await client.get("/api/v1/me/api-keys", headers=bearer(token))).json() == []


async def test_expired_key_is_refused_like_a_revoked_one(client):
    token = await token_for(client)
    secret, record = await make_key(client, token, expires_in_days=30)
    listed = (await client.get("/api/v1/me/api-keys", headers=bearer(token))).json()
    assert listed[0]["expires_at"] and listed[0]["expires_at"] > listed[0]["created_at"]
    assert (await client.get("/api/v1/me", headers=key(secret))).status_code == 200
    async with session_scope() as s:
        await s.execute(update(ApiKey).where(ApiKey.id == record["id"]).values(expires_at=utcnow()))
    assert_error(await client.get("/api/v1/me", headers=key(secret)), 401, "invalid_api_key")


async def test_last_used_is_recorded_at_most_once_a_minute(client):
    token = await token_for(client)
    secret, record = await make_key(client, token)

    async def last_used():
        async with session_scope() as s:
            return (await s.execute(select(ApiKey.last_used_at).where(ApiKey.id == record["id"]))).scalar_one()

    assert await last_used() is None
    await client.get("/api/v1/me", headers=key(secret))
    first = await last_used()
    assert first is not None
    for _ in range(3):
        await client.get("/api/v1/me", headers=key(secret))
    assert await last_used() == first  # no write per request
    async with session_scope() as s:
        earlier = utcnow() - timedelta(minutes=2)
        await s.execute(update(ApiKey).where(ApiKey.id == record["id"]).values(last_used_at=earlier))
    await client.get("/api/v1/me", headers=key(secret))
    assert await last_used() > first
    listed = (await client.get("/api/v1/me/api-keys", headers=bearer(token))).json()
    assert listed[0]["last_used_at"]


async def test_log_out_everywhere_revokes_keys_only_when_asked(client):
    token = await token_for(client)
    kept, _ = await make_key(client, token)
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    assert (await client.get("/api/v1/me", headers=key(kept))).status_code == 200

    login = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    token = login.json()["access_token"]
    r = await client.post("/api/v1/auth/logout", json={"revoke_api_keys": True}, headers=bearer(token))
    assert r.status_code == 204
    assert_error(await client.get("/api/v1/me", headers=key(kept)), 401, "invalid_api_key")
    assert_error(await client.get("/api/v1/me", headers=bearer(token)), 401, "token_revoked")


async def test_password_change_revokes_keys_when_asked(client):
    token = await token_for(client)
    first, _ = await make_key(client, token)
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "brand-new-77"},
        headers=bearer(token),
    )
    token = r.json()["access_token"]
    assert (await client.get("/api/v1/me", headers=key(first))).status_code == 200
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": "brand-new-77", "new_password": "brand-new-88", "revoke_api_keys": True},
        headers=bearer(token),
    )
    assert r.status_code == 200
    assert_error(await client.get("/api/v1/me", headers=key(first)), 401, "invalid_api_key")
    listed = (await client.get("/api/v1/me/api-keys", headers=bearer(r.json()["access_token"]))).json()
    assert listed[0]["revoked_at"]
