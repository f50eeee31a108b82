"""Limits on anonymous copilot use (autogpt_app/chat/limits.py), in this process and through the real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from autogpt_app.chat import cache, limits
from autogpt_app.errors import TooManyRequests
from autogpt_app.settings import get_settings


@pytest.fixture(params=["in-process", "redis"])
async def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """Both counter stores: this process's dict (no ``REDIS_URL``) and the test Redis database."""
    limits.reset_local()
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
        get_settings.cache_clear()
    yield request.param
    limits.reset_local()


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "chat_anon_sessions_per_hour", 3)
    monkeypatch.setattr(get_settings(), "chat_anon_turns_per_hour", 2)


def unique(prefix: str) -> str:
    """A name no other test (or earlier run sharing the Redis database) has used."""
    return f"{prefix}-{uuid.uuid4().hex}"


async def test_new_anonymous_chats_are_limited_per_address(backend, small_limits) -> None:
    ip, other = unique("10.0.0.1"), unique("10.0.0.2")
    for _ in range(3):
        await limits.check_anonymous_session(ip)
    with pytest.raises(limits.RateLimited) as refused:
        await limits.check_anonymous_session(ip)
    error = refused.value
    assert isinstance(error, TooManyRequests) and error.status == 429 and error.code == "rate_limited"
    assert 3500 <= error.retry_after <= limits.WINDOW_SECONDS
    assert "at most 3 an hour" in error.message and "Log in" in error.message and "60 minutes" in error.message
    with pytest.raises(limits.RateLimited):  # still refused: refusals do not open a new window
        await limits.check_anonymous_session(ip)
    await limits.check_anonymous_session(other)  # another address has its own allowance


async def test_turns_are_limited_per_chat_and_token(backend, small_limits) -> None:
    chat, other_chat = unique("chat"), unique("chat")
    await limits.check_anonymous_turn(chat, "token-a")
    await limits.check_anonymous_turn(chat, "token-a")
    with pytest.raises(limits.RateLimited) as refused:
        await limits.check_anonymous_turn(chat, "token-a")
    assert "limit of 2 messages an hour" in refused.value.message and refused.value.retry_after > 0
    # Someone without the chat's token cannot use up its allowance, and other chats are not held up.
    await limits.check_anonymous_turn(chat, "a-guessed-token")
    await limits.check_anonymous_turn(other_chat, "token-b")


async def test_a_window_ends_and_counting_starts_again(backend) -> None:
    key = unique("chat:limit:test")
    assert (await limits.hit(key, window=0.5))[0] == 1
    count, left = await limits.hit(key, window=0.5)
    assert count == 2 and 0 < left <= 0.5
    await asyncio.sleep(0.6)
    count, left = await limits.hit(key, window=0.5)
    assert count == 1 and 0.3 < left <= 0.5


async def test_the_settings_are_read_at_each_check(backend, monkeypatch) -> None:
    ip = unique("10.0.0.3")
    monkeypatch.setattr(get_settings(), "chat_anon_sessions_per_hour", 1)
    await limits.check_anonymous_session(ip)
    with pytest.raises(limits.RateLimited):
        await limits.check_anonymous_session(ip)
    monkeypatch.setattr(get_settings(), "chat_anon_sessions_per_hour", 5)  # raised: allowed again
    await limits.check_anonymous_session(ip)


def test_defaults() -> None:
    settings = get_settings()
    assert settings.chat_anon_sessions_per_hour == 20 and settings.chat_anon_turns_per_hour == 60


@pytest.fixture
async def redis_admin(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_with_redis_the_counters_are_shared_and_expire(redis_admin, small_limits) -> None:
    limits.reset_local()
    ip = unique("10.0.1.1")
    key = limits.SESSIONS_KEY.format(ip=ip)
    try:
        await limits.check_anonymous_session(ip)
        assert await redis_admin.get(key) == b"1"
        assert 3590 <= await redis_admin.ttl(key) <= limits.WINDOW_SECONDS
        assert not limits._local  # nothing counted in this process: another web process sees the same count
        await redis_admin.set(key, 3, keepttl=True)  # e.g. another process started two more chats
        with pytest.raises(limits.RateLimited):
            await limits.check_anonymous_session(ip)
        assert await redis_admin.get(key) == b"4"
    finally:
        await redis_admin.delete(key)


async def test_with_redis_a_counter_without_expiry_gets_one(redis_admin) -> None:
    key = unique("chat:limit:test")
    try:
        await redis_admin.set(key, 7)  # e.g. left by an older version, or written by hand
        assert await limits.hit(key) == (8, limits.WINDOW_SECONDS)
        assert 0 < await redis_admin.ttl(key) <= limits.WINDOW_SECONDS
    finally:
        await redis_admin.delete(key)


async def test_when_redis_is_down_this_process_counts(monkeypatch, small_limits, caplog) -> None:
    limits.reset_local()
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/15")  # nothing listens there
    get_settings.cache_clear()
    monkeypatch.setattr(get_settings(), "chat_anon_sessions_per_hour", 1)
    try:
        assert cache._redis() is not None
        ip = unique("10.0.2.1")
        await limits.check_anonymous_session(ip)
        with pytest.raises(limits.RateLimited):
            await limits.check_anonymous_session(ip)
        assert "Redis unreachable" in caplog.text
    finally:
        monkeypatch.delenv("REDIS_URL")
        get_settings.cache_clear()
        limits.reset_local()
