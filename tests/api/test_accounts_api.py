"""REST API: every accounts endpoint, and every bad input gets the JSON error shape."""

from __future__ import annotations

import pytest

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope

PASSWORD = "violet-harbour-42"


async def signup(client, email="ada@example.com", name="Ada", password=PASSWORD):
    return await client.post("/api/v1/auth/signup", json={"email": email, "display_name": name, "password": password})


async def token_for(client, email="ada@example.com", name="Ada") -> str:
    r = await signup(client, email, name)
    assert r.status_code == 201, r.text
    return r.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


async def count_users() -> int:
    from autogpt_app.auth.service import count_users

    async with session_scope() as s:
        return await count_users(s)


async def test_signup_returns_user_and_token_without_hash(client):
    r = await signup(client)
    assert r.status_code == 201
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == "ada@example.com"
    assert "password_hash" not in body["user"] and PASSWORD not in r.text
    me = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["display_name"] == "Ada"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"email": "nope", "display_name": "A", "password": PASSWORD}, 422, "invalid_email"),
        ({"email": "a@example.com", "display_name": "A", "password": "short"}, 422, "weak_password"),
        ({"email": "a@example.com", "display_name": "A", "password": "password123"}, 422, "weak_password"),
        ({"email": "a@example.com", "display_name": "", "password": PASSWORD}, 422, "invalid_display_name"),
        ({"email": "a@example.com"}, 422, "invalid_input"),
        ({"email": "a@example.com", "display_name": "A", "password": "x" * 5000}, 422, "invalid_input"),
    ],
)
async def test_signup_bad_input(client, payload, status, code):
    assert_error(await client.post("/api/v1/auth/signup", json=payload), status, code)
    assert await count_users() == 0


async def test_signup_malformed_json_and_huge_body(client):
    r = await client.post("/api/v1/auth/signup", content=b"{not json", headers={"content-type": "application/json"})
    assert_error(r, 422)
    r = await client.post(
        "/api/v1/auth/signup", content=b"x" * (5 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert_error(r, 413, "payload_too_large")
    assert await count_users() == 0


async def test_duplicate_email_conflict(client):
    await token_for(client)
    err = assert_error(await signup(client, "ADA@example.com", "Twin"), 409, "email_taken")
    assert "already exists" in err["message"]
    assert await count_users() == 1


async def test_token_endpoint_json_and_form(client):
    await token_for(client)
    r = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["access_token"]
    r = await client.post("/api/v1/auth/token", data={"username": "ada@example.com", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["user"]["email"] == "ada@example.com"
    assert_error(
        await client.post("/api/v1/auth/token", content=b"garbage", headers={"content-type": "application/json"}), 422
    )


async def test_wrong_password_then_throttled(client):
    await token_for(client)
    for _ in range(5):
        err = assert_error(
            await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "wrong-pass-1"}),
            401,
            "bad_credentials",
        )
        assert err["message"] == "Incorrect e-mail or password."
    r = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    err = assert_error(r, 429, "login_throttled")
    assert "Try again in" in err["message"]
    assert int(r.headers["retry-after"]) > 0


async def test_unknown_email_same_error_as_wrong_password(client):
    r = await client.post("/api/v1/auth/token", json={"email": "ghost@example.com", "password": PASSWORD})
    assert assert_error(r, 401, "bad_credentials")["message"] == "Incorrect e-mail or password."


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "not_authenticated"),
        ({"Authorization": "Bearer not.a.token"}, "invalid_token"),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, "invalid_token"),
        ({"X-API-Key": "agpt_bogus"}, "invalid_api_key"),
        ({"X-API-Key": "something-else"}, "invalid_api_key"),
    ],
)
async def test_me_without_or_with_bad_credentials(client, headers, code):
    r = await client.get("/api/v1/me", headers=headers)
    assert_error(r, 401, code)
    assert r.headers["www-authenticate"] == "Bearer"


async def test_expired_and_tampered_tokens(client):
    from autogpt_app.auth.tokens import create_access_token

    token = await token_for(client)
    me = (await client.get("/api/v1/me", headers=bearer(token))).json()
    expired = create_access_token(me["id"], 1, minutes=-5)
    assert_error(await client.get("/api/v1/me", headers=bearer(expired)), 401, "token_expired")
    tampered = token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")
    assert_error(await client.get("/api/v1/me", headers=bearer(tampered)), 401, "invalid_token")


async def test_logout_revokes_token(client):
    token = await token_for(client)
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    assert_error(await client.get("/api/v1/me", headers=bearer(token)), 401, "token_revoked")


async def test_update_profile(client):
    token = await token_for(client)
    r = await client.patch("/api/v1/me", json={"display_name": "  Ada  King "}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["display_name"] == "Ada King"
    assert_error(await client.patch("/api/v1/me", json={"display_name": " "}, headers=bearer(token)), 422)


async def test_change_password(client):
    token = await token_for(client)
    bad = await client.post(
        "/api/v1/me/password", json={"current_password": "wrong-one-1", "new_password": "x"}, headers=bearer(token)
    )
    assert_error(bad, 401, "bad_credentials")
    weak = await client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "12345678"}, headers=bearer(token)
    )
    assert_error(weak, 422, "weak_password")
    ok = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "brand-new-77"},
        headers=bearer(token),
    )
    assert ok.status_code == 200
    assert_error(await client.get("/api/v1/me", headers=bearer(token)), 401, "token_revoked")
    assert (await client.get("/api/v1/me", headers=bearer(ok.json()["access_token"]))).status_code == 200
    old = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert_error(old, 401)
    new = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "brand-new-77"})
    assert new.status_code == 200


async def test_api_keys_create_use_list_revoke(client):
    token = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    r = await client.post("/api/v1/me/api-keys", json={"name": "ci script"}, headers=bearer(token))
    assert r.status_code == 201
    secret, key = r.json()["key"], r.json()["api_key"]
    me = await client.get("/api/v1/me", headers={"X-API-Key": secret})
    assert me.status_code == 200 and me.json()["email"] == "ada@example.com"
    listed = (await client.get("/api/v1/me/api-keys", headers=bearer(token))).json()
    assert [k["name"] for k in listed] == ["ci script"]
    assert secret not in str(listed) and listed[0]["last_used_at"]
    # Another user's key id is not found, and nothing changes.
    assert_error(await client.delete(f"/api/v1/me/api-keys/{key['id']}", headers=bearer(other)), 404)
    assert (await client.get("/api/v1/me", headers={"X-API-Key": secret})).status_code == 200
    r = await client.delete(f"/api/v1/me/api-keys/{key['id']}", headers=bearer(token))
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert_error(await client.get("/api/v1/me", headers={"X-API-Key": secret}), 401, "invalid_api_key")
    assert_error(await client.post("/api/v1/me/api-keys", json={"name": ""}, headers=bearer(token)), 422)


async def test_admin_endpoints(client):
    admin_token = await token_for(client, "boss@example.com", "Boss")
    async with session_scope() as s:
        from sqlalchemy import select

        boss = (await s.execute(select(User).where(User.email == "boss@example.com"))).scalar_one()
        boss.role = "admin"
    user_token = await token_for(client)
    user_id = (await client.get("/api/v1/me", headers=bearer(user_token))).json()["id"]

    assert_error(await client.get("/api/v1/admin/users", headers=bearer(user_token)), 403, "forbidden")
    assert_error(
        await client.patch(f"/api/v1/admin/users/{user_id}", json={"role": "admin"}, headers=bearer(user_token)), 403
    )

    listed = (await client.get("/api/v1/admin/users?q=ada", headers=bearer(admin_token))).json()
    assert listed["total"] == 1 and listed["items"][0]["email"] == "ada@example.com"
    assert_error(await client.get("/api/v1/admin/users?limit=1000", headers=bearer(admin_token)), 422)

    r = await client.patch(f"/api/v1/admin/users/{user_id}", json={"role": "admin"}, headers=bearer(admin_token))
    assert r.status_code == 200 and r.json()["role"] == "admin"
    # The user's existing token sees the new role at once.
    assert (await client.get("/api/v1/admin/users", headers=bearer(user_token))).status_code == 200

    assert_error(
        await client.patch(f"/api/v1/admin/users/{user_id}", json={"role": "god"}, headers=bearer(admin_token)), 422
    )
    assert_error(await client.patch(f"/api/v1/admin/users/{user_id}", json={}, headers=bearer(admin_token)), 422)
    assert_error(
        await client.patch("/api/v1/admin/users/nope", json={"disabled": True}, headers=bearer(admin_token)), 404
    )

    r = await client.patch(f"/api/v1/admin/users/{user_id}", json={"disabled": True}, headers=bearer(admin_token))
    assert r.status_code == 200 and r.json()["is_disabled"] is True
    assert_error(await client.get("/api/v1/me", headers=bearer(user_token)), 401)
    # The disabled account is no oracle: its right password answers exactly as a wrong one.
    right = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    wrong = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "wrong-pass-1"})
    assert assert_error(right, 401, "bad_credentials") == assert_error(wrong, 401, "bad_credentials")
    assert dict(right.headers) == dict(wrong.headers)


async def test_openapi_and_unknown_endpoint(client):
    spec = (await client.get("/api/v1/openapi.json")).json()
    for path in (
        "/api/v1/auth/signup",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/me/api-keys",
        "/api/v1/admin/users",
    ):
        assert path in spec["paths"]
    assert_error(await client.get("/api/v1/does-not-exist"), 404, "not_found")
