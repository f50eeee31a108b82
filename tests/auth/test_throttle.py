"""Throttling per account *and* address, per address alone, and of sign-ups: nobody can lock a known
account out, and one address cannot try many accounts or open many accounts."""

from __future__ import annotations

import pytest

from autogpt_app.auth import service
from autogpt_app.db import session_scope
from autogpt_app.errors import TooManyRequests, Unauthorized
from autogpt_app.settings import get_settings
from tests.auth.test_service import PASSWORD, make_user

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


async def login(email: str, password: str, ip: str):
    async with session_scope() as s:
        return await service.authenticate(s, email=email, password=password, client_ip=ip)


async def fail(email: str, ip: str) -> None:
    with pytest.raises(Unauthorized):
        await login(email, "wrong-password-1", ip)


async def test_guessing_from_one_address_does_not_lock_the_owner_out():
    await make_user()
    for _ in range(5):
        await fail("ada@example.com", ATTACKER)
    with pytest.raises(TooManyRequests) as err:
        await login("ada@example.com", PASSWORD, ATTACKER)
    assert err.value.code == "login_throttled" and "Try again in" in err.value.message
    # The owner, from their own address, still gets in.
    assert (await login("ada@example.com", PASSWORD, OWNER)).email == "ada@example.com"
    # And their success does not reset the attacker's count.
    with pytest.raises(TooManyRequests):
        await login("ada@example.com", PASSWORD, ATTACKER)


async def test_one_address_cannot_try_many_accounts(monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 6)
    await make_user()
    for i in range(6):  # one failure each on six accounts: no account reaches its own limit
        await fail(f"victim{i}@example.com", ATTACKER)
    with pytest.raises(TooManyRequests):
        await login("ada@example.com", "wrong-password-1", ATTACKER)
    with pytest.raises(TooManyRequests):
        await login("ada@example.com", PASSWORD, ATTACKER)
    assert (await login("ada@example.com", PASSWORD, OWNER)).email == "ada@example.com"


async def test_sign_ups_are_limited_per_address(monkeypatch):
    monkeypatch.setattr(get_settings(), "signup_max_per_address", 3)

    async def signup(email: str, ip: str):
        async with session_scope() as s:
            return await service.signup(s, email=email, display_name="X", password=PASSWORD, client_ip=ip)

    for i in range(3):
        await signup(f"bot{i}@example.com", ATTACKER)
    with pytest.raises(TooManyRequests) as err:
        await signup("bot9@example.com", ATTACKER)
    assert err.value.code == "signup_throttled" and err.value.retry_after > 0
    assert (await signup("ada@example.com", OWNER)).email == "ada@example.com"
    async with session_scope() as s:
        assert await service.count_users(s) == 4
