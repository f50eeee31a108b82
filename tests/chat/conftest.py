"""Chat test helpers: people, a seeded marketplace, a scripted model, and Redis on demand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

# The chat tables must be in the metadata so the per-test cleanup empties them too.
from autogpt_app.chat import models as _chat_models  # noqa: F401
from autogpt_app.chat.providers.base import ChatMessage, ProviderChunk, ToolSpec
from autogpt_app.settings import get_settings
from tests import services

#: A small, varied slice of the catalogue: a web agent, a text agent, and an LLM agent (needs credentials).
SEEDED = ("rss-feed-digest", "extractive-text-summary", "keyword-extractor", "blog-post-writer")


async def make_user(email: str, name: str = "Person"):
    """A user row, committed."""
    from autogpt_app.auth.models import User
    from autogpt_app.db import session_scope

    async with session_scope() as s:
        user = User(email=email, display_name=name, password_hash="!")
        s.add(user)
    return user


@pytest.fixture
async def alice():
    return await make_user("alice@example.com", "Alice")


@pytest.fixture
async def bob():
    return await make_user("bob@example.com", "Bob")


@pytest.fixture
async def catalogue() -> None:
    """The marketplace with a few seeded agents (approved, public)."""
    from autogpt_app.db import session_scope
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug in SEEDED])


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed agents read a local site on 127.0.0.1, which the SSRF guard refuses otherwise."""
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``REDIS_URL`` set (the test Redis database) for the test; skipped when Redis is not running."""
    from urllib.parse import urlsplit

    parts = urlsplit(services.REDIS_URL)
    if not services.port_open(parts.hostname or "127.0.0.1", parts.port or 6379):
        services.unavailable(f"Redis at {parts.hostname}:{parts.port}")
    monkeypatch.setenv("REDIS_URL", services.REDIS_URL)
    get_settings.cache_clear()
    try:
        yield services.REDIS_URL
    finally:
        monkeypatch.delenv("REDIS_URL", raising=False)
        get_settings.cache_clear()


Step = list[ProviderChunk] | Exception | Callable[[list[ChatMessage]], Any]


class ScriptedProvider:
    """A model that answers from a script: one step per model turn (chunks, an exception, or a function).

    A step may be a list of chunks (streamed in order), an exception (raised before any chunk), a
    list ending with an exception (raised after the chunks before it), or ``"hang"`` after some
    chunks (never ends, to test stopping). When the script runs out, the last step repeats.
    Every call's messages and tools are recorded.
    """

    name = "scripted"

    def __init__(self, *steps: Any, delay: float = 0.0) -> None:
        self.steps = list(steps)
        self.calls: list[list[ChatMessage]] = []
        self.tools: list[list[ToolSpec]] = []
        self.delay = delay
        self.closed = 0

    async def stream(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> AsyncIterator[ProviderChunk]:
        self.calls.append([m.model_copy(deep=True) for m in messages])
        self.tools.append(list(tools))
        step = self.steps[min(len(self.calls) - 1, len(self.steps) - 1)]
        if callable(step):
            step = step(messages)
        if isinstance(step, Exception):
            raise step
        try:
            for item in step:
                if isinstance(item, Exception):
                    raise item
                if item == "hang":
                    await asyncio.Event().wait()
                if self.delay:
                    await asyncio.sleep(self.delay)
                yield item
        finally:
            self.closed += 1


async def collect(stream: AsyncIterator[Any]) -> list[Any]:
    """Every event of a turn."""
    return [event async for event in stream]
