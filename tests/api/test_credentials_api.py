"""REST API of the credentials vault: every endpoint, bad input, isolation, and no secret in any response."""

from __future__ import annotations

import uuid

import pytest

from tests.api.test_accounts_api import assert_error, bearer, token_for

BASE = "/api/v1/credentials"


def canary() -> str:
    return f"canary-{uuid.uuid4()}"


@pytest.fixture
async def ada(client) -> dict[str, str]:
    return bearer(await token_for(client))


@pytest.fixture
async def bob(client) -> dict[str, str]:
    return bearer(await token_for(client, "bob@example.com", "Bob"))


def api_key_body(secret: str, **extra) -> dict:
    return {"provider": "openai", "type": "api_key", "title": "Work", "api_key": secret, **extra}


async def test_create_get_list_delete(client, ada):
    secret = "sk-" + canary()
    r = await client.post(
        BASE, json=api_key_body(secret, meta={"base_url": "https://llm.example.com/v1", "model": "m"}), headers=ada
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert secret not in r.text
    assert set(created) == {"id", "provider", "type", "title", "host", "meta", "hint", "created_at"}
    assert created["hint"] == f"sk-…{secret[-4:]}" and created["type"] == "api_key"
    assert created["meta"] == {"base_url": "https://llm.example.com/v1", "model": "m"}

    r = await client.get(BASE, headers=ada)
    assert r.status_code == 200 and [c["id"] for c in r.json()] == [created["id"]]
    assert secret not in r.text
    r = await client.get(f"{BASE}/{created['id']}", headers=ada)
    assert r.status_code == 200 and r.json() == created and secret not in r.text

    r = await client.delete(f"{BASE}/{created['id']}", headers=ada)
    assert r.status_code == 204 and r.content == b""
    assert_error(await client.get(f"{BASE}/{created['id']}", headers=ada), 404, "credential_not_found")
    assert_error(await client.delete(f"{BASE}/{created['id']}", headers=ada), 404, "credential_not_found")
    assert (await client.get(BASE, headers=ada)).json() == []


async def test_other_types_and_provider_filter(client, ada):
    password, header = canary(), canary()
    r = await client.post(
        BASE,
        json={
            "provider": "smtp",
            "type": "user_password",
            "title": "Mail",
            "username": "ada@example.com",
            "password": password,
            "meta": {"host": "smtp.example.com", "port": 587, "tls": True},
        },
        headers=ada,
    )
    assert r.status_code == 201 and r.json()["hint"] == "" and password not in r.text
    r = await client.post(
        BASE,
        json={
            "provider": "http",
            "type": "host_scoped",
            "title": "Internal",
            "host": "api.example.com",
            "headers": {"Authorization": f"Bearer {header}"},
        },
        headers=ada,
    )
    assert r.status_code == 201 and r.json()["host"] == "api.example.com" and header not in r.text
    await client.post(BASE, json=api_key_body(canary()), headers=ada)

    everything = await client.get(BASE, headers=ada)
    assert len(everything.json()) == 3
    assert password not in everything.text and header not in everything.text
    smtp = (await client.get(BASE, params={"provider": "smtp"}, headers=ada)).json()
    assert [c["title"] for c in smtp] == ["Mail"]
    assert (await client.get(BASE, params={"provider": "nobody"}, headers=ada)).json() == []
    assert_error(await client.get(BASE, params={"provider": "p" * 65}, headers=ada), 422)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"provider": "openai", "title": "T", "api_key": "SECRET"}, "invalid_input"),  # no type
        ({"provider": "openai", "type": "oauth", "title": "T", "api_key": "SECRET"}, "invalid_input"),
        ({"provider": "openai", "type": "api_key", "title": "T", "api_key": "SECRET" + "k" * 5000}, "invalid_input"),
        ({"provider": "openai", "type": "api_key", "title": "T" * 201, "api_key": "SECRET"}, "invalid_input"),
        ({"provider": "openai", "type": "api_key", "title": "T", "api_key": ""}, "invalid_api_key"),
        ({"provider": "openai", "type": "api_key", "title": "T"}, "invalid_api_key"),
        ({"provider": "open ai", "type": "api_key", "title": "T", "api_key": "SECRET"}, "invalid_provider"),
        (
            {"provider": "x", "type": "api_key", "title": "T", "api_key": "SECRET", "password": "SECRET"},
            "invalid_fields",
        ),
        (
            {"provider": "x", "type": "api_key", "title": "T", "api_key": "SECRET", "meta": {"token": "SECRET"}},
            "invalid_meta",
        ),
        (
            {"provider": "x", "type": "api_key", "title": "T", "api_key": "SECRET", "meta": {"a": {"b": 1}}},
            "invalid_input",
        ),
        ({"provider": "smtp", "type": "user_password", "title": "T", "password": "SECRET"}, "invalid_username"),
        ({"provider": "http", "type": "host_scoped", "title": "T", "host": "a.com", "headers": {}}, "invalid_headers"),
        (
            {"provider": "http", "type": "host_scoped", "title": "T", "host": "a.com/x", "headers": {"A": "SECRET"}},
            "invalid_host",
        ),
        (
            {
                "provider": "http",
                "type": "host_scoped",
                "title": "T",
                "host": "a.com",
                "headers": {f"H{i}": "SECRET" for i in range(21)},
            },
            "invalid_input",
        ),
        (
            {
                "provider": "http",
                "type": "host_scoped",
                "title": "T",
                "host": "a.com",
                "headers": {"A": "SECRET\r\nB: c"},
            },
            "invalid_headers",
        ),
    ],
)
async def test_bad_input(client, ada, body, code):
    secret = canary()

    def fill(value):
        if isinstance(value, str):
            return value.replace("SECRET", secret)
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    r = await client.post(BASE, json=fill(body), headers=ada)
    assert_error(r, 422, code)
    assert secret not in r.text
    assert (await client.get(BASE, headers=ada)).json() == []


async def test_malformed_json(client, ada):
    r = await client.post(BASE, content=b"{nope", headers={**ada, "content-type": "application/json"})
    assert_error(r, 422)


async def test_unknown_and_other_users_ids_are_not_found(client, ada, bob):
    secret = canary()
    created = (await client.post(BASE, json=api_key_body(secret), headers=ada)).json()
    for unknown in (str(uuid.uuid4()), "nope"):
        assert_error(await client.get(f"{BASE}/{unknown}", headers=ada), 404, "credential_not_found")
        assert_error(await client.delete(f"{BASE}/{unknown}", headers=ada), 404, "credential_not_found")
    assert_error(await client.get(f"{BASE}/{'x' * 65}", headers=ada), 422)

    r = await client.get(f"{BASE}/{created['id']}", headers=bob)
    assert_error(r, 404, "credential_not_found")
    assert_error(await client.delete(f"{BASE}/{created['id']}", headers=bob), 404, "credential_not_found")
    assert (await client.get(BASE, headers=bob)).json() == []
    # Untouched for its owner.
    assert (await client.get(f"{BASE}/{created['id']}", headers=ada)).status_code == 200


async def test_api_key_authentication_works(client, ada):
    body = {"name": "script", "scopes": ["read", "manage"]}
    key = (await client.post("/api/v1/me/api-keys", json=body, headers=ada)).json()["key"]
    r = await client.post(BASE, json=api_key_body(canary()), headers={"X-API-Key": key})
    assert r.status_code == 201
    assert [c["id"] for c in (await client.get(BASE, headers=ada)).json()] == [r.json()["id"]]
    # A key without the manage scope (the default read + run) may not store secrets.
    runner = (await client.post("/api/v1/me/api-keys", json={"name": "runner"}, headers=ada)).json()["key"]
    refused = await client.post(BASE, json=api_key_body(canary()), headers={"X-API-Key": runner})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert len((await client.get(BASE, headers=ada)).json()) == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", BASE), ("POST", BASE), ("GET", f"{BASE}/some-id"), ("DELETE", f"{BASE}/some-id")],
)
async def test_no_auth(client, method, path):
    kwargs = {"json": api_key_body("sk-whatever-123456789")} if method == "POST" else {}
    r = await client.request(method, path, **kwargs)
    assert_error(r, 401, "not_authenticated")


async def test_openapi_lists_credentials(client):
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert {"/api/v1/credentials", "/api/v1/credentials/{credential_id}"} <= set(spec["paths"])


async def test_oauth2_credential_created_through_the_api(client, ada):
    secret, refresh = canary(), "1//" + canary()
    body = {
        "provider": "google",
        "type": "oauth2",
        "title": "My Gmail",
        "client_id": "1234-abc.apps.googleusercontent.com",
        "client_secret": secret,
        "refresh_token": refresh,
    }
    r = await client.post(BASE, json=body, headers=ada)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["type"] == "oauth2" and created["provider"] == "google"
    assert created["meta"] == {"token_uri": "https://oauth2.googleapis.com/token"}
    assert created["hint"] == f"…{refresh[-4:]}"
    assert secret not in r.text and refresh[:-4] not in r.text
    assert_error(await client.post(BASE, json=body | {"refresh_token": ""}, headers=ada), 422, "invalid_refresh_token")
