"""Login and sign-up throttling through the API: by client address, X-Forwarded-For believed only
behind TRUSTED_PROXY_COUNT proxies, and nobody can lock a known account out."""

from __future__ import annotations

from autogpt_app.settings import get_settings
from tests.api.test_accounts_api import PASSWORD, assert_error, signup, token_for


def via(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def login(client, password: str, headers: dict[str, str] | None = None):
    return await client.post(
        "/api/v1/auth/token", json={"email": "ada@example.com", "password": password}, headers=headers or {}
    )


async def test_behind_a_trusted_proxy_an_attacker_cannot_lock_the_owner_out(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "trusted_proxy_count", 1)
    await token_for(client)
    for _ in range(5):
        assert_error(await login(client, "wrong-pass-1", via("203.0.113.9")), 401, "bad_credentials")
    r = await login(client, PASSWORD, via("203.0.113.9"))
    assert_error(r, 429, "login_throttled")
    assert int(r.headers["retry-after"]) > 0
    assert (await login(client, PASSWORD, via("198.51.100.7"))).status_code == 200


async def test_without_a_trusted_proxy_a_forged_header_does_not_dodge_the_limit(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "trusted_proxy_count", 0)
    await token_for(client)
    for i in range(5):
        await login(client, "wrong-pass-1", via(f"203.0.113.{i}"))
    assert_error(await login(client, PASSWORD, via("198.51.100.7")), 429, "login_throttled")


async def test_one_address_cannot_guess_across_many_accounts(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 5)
    await token_for(client)
    for i in range(5):
        r = await client.post("/api/v1/auth/token", json={"email": f"user{i}@example.com", "password": "guess-123"})
        assert_error(r, 401, "bad_credentials")
    assert_error(await login(client, PASSWORD), 429, "login_throttled")


async def test_sign_ups_per_address(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "signup_max_per_address", 2)
    monkeypatch.setattr(get_settings(), "trusted_proxy_count", 1)
    for i in range(2):
        r = await client.post(
            "/api/v1/auth/signup",
            json={"email": f"bot{i}@example.com", "display_name": "Bot", "password": PASSWORD},
            headers=via("203.0.113.9"),
        )
        assert r.status_code == 201
    r = await client.post(
        "/api/v1/auth/signup",
        json={"email": "bot9@example.com", "display_name": "Bot", "password": PASSWORD},
        headers=via("203.0.113.9"),
    )
    assert_error(r, 429, "signup_throttled")
    assert (await signup(client)).status_code == 201  # another address
