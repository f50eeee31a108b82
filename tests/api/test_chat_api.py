"""REST + SSE API of the copilot chat: sessions, anonymous tokens and claiming, isolation, and streamed turns
through the offline copilot and through the OpenAI provider against a local fake server."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from autogpt_app.api import chat_routes
from autogpt_app.api.app import build_api
from autogpt_app.chat import limits
from autogpt_app.chat import loop as loop_module
from autogpt_app.chat.cache import turn_lock
from autogpt_app.chat.loop import MAX_USER_TEXT
from autogpt_app.chat.providers.base import TextChunk
from autogpt_app.errors import Conflict
from autogpt_app.settings import get_settings
from tests import services
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.chat.conftest import SEEDED, ScriptedProvider
from tests.fakes import FakeOpenAIServer
from tests.fakes.asgi_stream import ASGIStream

URL = "/api/v1/chat/sessions"
RSS_QUESTION = "find me something that summarises RSS feeds"

Frame = tuple[str, dict[str, Any]]


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def app() -> FastAPI:
    return build_api()


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    """Every test starts with no anonymous use counted (all requests come from 127.0.0.1)."""
    limits.reset_local()
    yield
    limits.reset_local()


@pytest.fixture
async def catalogue() -> None:
    """A few seeded marketplace agents (approved, public), the RSS digest among them."""
    from autogpt_app.db import session_scope
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug in SEEDED])


def parse_sse(body: str) -> tuple[list[Frame], list[int]]:
    """The ``(type, data)`` events of an SSE body, and the positions (in events seen so far) of ``: ping`` comments."""
    assert body.endswith("\n\n"), body[-200:]
    events: list[Frame] = []
    pings: list[int] = []
    for block in body[:-2].split("\n\n"):
        lines = block.split("\n")
        if lines == [": ping"]:
            pings.append(len(events))
            continue
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        name, data = lines[0][len("event: ") :], json.loads(lines[1][len("data: ") :])
        assert data["type"] == name
        events.append((name, data))
    return events, pings


def types(events: list[Frame]) -> list[str]:
    return [name for name, _ in events]


async def new_chat(api: httpx.AsyncClient, token: str | None = None, **body: Any) -> dict[str, Any]:
    r = await api.post(URL, json=body or None, headers=bearer(token) if token else {})
    assert r.status_code == 201, r.text
    return r.json()


async def stream(
    api: httpx.AsyncClient, chat_id: str, message: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await api.post(f"{URL}/{chat_id}/stream", json={"message": message}, headers=headers or {})


async def stream_ok(api: httpx.AsyncClient, chat_id: str, message: str, headers: dict[str, str]) -> list[Frame]:
    r = await stream(api, chat_id, message, headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"].startswith("no-cache")
    events, _ = parse_sse(r.text)
    assert events and events[-1][0] == "finish" and types(events).count("finish") == 1
    return events


async def lock_is_free(chat_id: str, within: float = 5.0) -> bool:
    """Whether the chat's turn lock can be taken (polling up to ``within`` seconds)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        try:
            async with turn_lock(chat_id):
                return True
        except Conflict:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.02)


# ---------------------------------------------------------------------------------------------
# Sessions


async def test_create_list_read_rename_delete(api):
    token = await token_for(api)
    made = await new_chat(api, token)
    assert made["token"] is None and made["anonymous"] is False and made["title"] == ""
    named = await new_chat(api, token, title="Weekly digests")
    assert named["title"] == "Weekly digests"
    third = await new_chat(api, token)

    page = await api.get(URL, params={"limit": 2}, headers=bearer(token))
    assert page.status_code == 200, page.text
    assert page.json()["total"] == 3 and page.json()["limit"] == 2
    assert [s["id"] for s in page.json()["items"]] == [third["id"], named["id"]]  # most recently active first
    rest = (await api.get(URL, params={"offset": 2, "limit": 2}, headers=bearer(token))).json()
    assert [s["id"] for s in rest["items"]] == [made["id"]]
    assert_error(await api.get(URL, params={"limit": 1000}, headers=bearer(token)), 422)

    got = await api.get(f"{URL}/{made['id']}", headers=bearer(token))
    assert got.status_code == 200, got.text
    assert got.json()["session"]["id"] == made["id"]
    assert got.json()["messages"] == [] and got.json()["events"] == [] and got.json()["has_more"] is False

    renamed = await api.patch(f"{URL}/{made['id']}", json={"title": "  RSS   ideas "}, headers=bearer(token))
    assert renamed.status_code == 200 and renamed.json()["title"] == "RSS ideas"
    assert (await api.get(f"{URL}/{made['id']}", headers=bearer(token))).json()["session"]["title"] == "RSS ideas"
    too_long = await api.patch(f"{URL}/{made['id']}", json={"title": "x" * 121}, headers=bearer(token))
    assert_error(too_long, 422, "invalid_title")

    deleted = await api.delete(f"{URL}/{made['id']}", headers=bearer(token))
    assert deleted.status_code == 204
    assert_error(await api.get(f"{URL}/{made['id']}", headers=bearer(token)), 404, "chat_not_found")
    assert_error(await api.delete(f"{URL}/{made['id']}", headers=bearer(token)), 404, "chat_not_found")
    assert (await api.get(URL, headers=bearer(token))).json()["total"] == 2


async def test_listing_needs_login_and_a_bad_credential_is_not_anonymous(api):
    assert_error(await api.get(URL), 401, "not_authenticated")
    bad = await api.post(URL, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401  # never silently an anonymous chat


async def test_an_anonymous_chat_is_reached_only_with_its_token(api, catalogue):
    made = await new_chat(api)
    token = made["token"]
    assert made["anonymous"] is True and isinstance(token, str) and len(token) >= 32
    chat = f"{URL}/{made['id']}"
    mine = {"X-Chat-Token": token}

    assert_error(await api.get(chat), 404, "chat_not_found")
    assert_error(await api.get(chat, headers={"X-Chat-Token": token[:-1] + "x"}), 404, "chat_not_found")
    got = await api.get(chat, headers=mine)
    assert got.status_code == 200 and got.json()["session"]["anonymous"] is True
    assert token not in got.text  # the token is given once, never shown again

    # Discovery works anonymously; running asks to log in.
    events = await stream_ok(api, made["id"], RSS_QUESTION, mine)
    carousel = next(data for name, data in events if name == "agent_carousel")
    assert carousel["agents"][0]["id"] == "rss-feed-digest"
    ran = await stream_ok(api, made["id"], "run the first one", mine)
    assert "need_login" in types(ran)
    assert_error(await stream(api, made["id"], "hello"), 404, "chat_not_found")

    renamed = await api.patch(chat, json={"title": "Browsing"}, headers=mine)
    assert renamed.status_code == 200 and renamed.json()["title"] == "Browsing"
    assert_error(await api.patch(chat, json={"title": "Mine now"}), 404)
    assert_error(await api.delete(chat), 404)
    assert (await api.delete(chat, headers=mine)).status_code == 204
    assert_error(await api.get(chat, headers=mine), 404)


async def test_claiming_an_anonymous_chat(api, catalogue):
    made = await new_chat(api)
    chat, token = f"{URL}/{made['id']}", made["token"]
    await stream_ok(api, made["id"], RSS_QUESTION, {"X-Chat-Token": token})
    ada = await token_for(api, "ada@example.com", "Ada")
    bob = await token_for(api, "bob@example.com", "Bob")

    assert_error(await api.post(f"{chat}/claim", headers={"X-Chat-Token": token}), 401)
    assert_error(await api.post(f"{chat}/claim", headers=bearer(ada)), 422, "missing_chat_token")
    assert_error(await api.post(f"{chat}/claim", headers={**bearer(ada), "X-Chat-Token": "wrong"}), 404)

    # Logged in, Ada talks only in her own chats: the anonymous one must be claimed first.
    refused = await stream(api, made["id"], "show my agents", {**bearer(ada), "X-Chat-Token": token})
    assert_error(refused, 404, "chat_not_found")

    claimed = await api.post(f"{chat}/claim", headers={**bearer(ada), "X-Chat-Token": token})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["id"] == made["id"] and claimed.json()["anonymous"] is False
    again = await api.post(f"{chat}/claim", headers={**bearer(ada), "X-Chat-Token": token})
    assert again.status_code == 200  # harmless for the owner

    # The conversation came along; the token grants nothing any more, and nobody else can take it.
    got = (await api.get(chat, headers=bearer(ada))).json()
    assert got["messages"][0]["content"] == RSS_QUESTION
    assert any(item["event"]["type"] == "agent_carousel" for item in got["events"])
    assert [s["id"] for s in (await api.get(URL, headers=bearer(ada))).json()["items"]] == [made["id"]]
    mine = await stream_ok(api, made["id"], "show my agents", bearer(ada))
    assert [d["name"] for n, d in mine if n == "tool_call"] == ["find_library_agent"]
    assert_error(await api.get(chat, headers={"X-Chat-Token": token}), 404)
    assert_error(await stream(api, made["id"], "hello", {"X-Chat-Token": token}), 404)
    assert_error(await api.post(f"{chat}/claim", headers={**bearer(bob), "X-Chat-Token": token}), 404)

    # A logged-in user's chat can never be claimed, token or not.
    adas = await new_chat(api, ada)
    assert_error(await api.post(f"{URL}/{adas['id']}/claim", headers={**bearer(bob), "X-Chat-Token": token}), 404)
    assert (await api.get(URL, headers=bearer(bob))).json()["total"] == 0


async def test_another_users_chat_answers_404_everywhere(api):
    ada = await token_for(api, "ada@example.com", "Ada")
    bob = await token_for(api, "bob@example.com", "Bob")
    made = await new_chat(api, ada, title="Private")
    chat = f"{URL}/{made['id']}"

    assert_error(await api.get(chat, headers=bearer(bob)), 404, "chat_not_found")
    assert_error(await api.patch(chat, json={"title": "Taken"}, headers=bearer(bob)), 404, "chat_not_found")
    assert_error(await api.delete(chat, headers=bearer(bob)), 404, "chat_not_found")
    assert_error(await stream(api, made["id"], "hello", bearer(bob)), 404, "chat_not_found")
    assert_error(await api.post(f"{chat}/claim", headers={**bearer(bob), "X-Chat-Token": "x"}), 404)
    assert_error(await api.get(chat), 404, "chat_not_found")  # nor anonymously
    assert (await api.get(URL, headers=bearer(bob))).json() == {"items": [], "total": 0, "offset": 0, "limit": 20}
    # An unknown id looks the same as someone else's.
    assert_error(await api.get(f"{URL}/does-not-exist", headers=bearer(ada)), 404, "chat_not_found")

    still = await api.get(chat, headers=bearer(ada))
    assert still.status_code == 200 and still.json()["session"]["title"] == "Private"
    assert still.json()["messages"] == []  # bob's message was never stored


# ---------------------------------------------------------------------------------------------
# Streaming


async def test_a_streamed_turn_finds_agents_and_a_reload_shows_the_same_cards(api, catalogue):
    token = await token_for(api)
    made = await new_chat(api, token)
    events = await stream_ok(api, made["id"], RSS_QUESTION, bearer(token))

    kinds = types(events)
    first_text, call, carousel_at = kinds.index("text_delta"), kinds.index("tool_call"), kinds.index("agent_carousel")
    assert first_text < call < carousel_at < len(kinds) - 1
    assert kinds.count("text_delta") >= 2  # the reply streams in pieces
    assert events[call][1]["name"] == "find_agent" and events[call][1]["arguments"]["query"]
    carousel = events[carousel_at][1]
    assert carousel["source"] == "marketplace" and carousel["tool_call_id"] == events[call][1]["id"]
    assert carousel["agents"][0]["id"] == "rss-feed-digest" and carousel["agents"][0]["name"] == "RSS Feed Digest"
    assert events[-1][1] == {"type": "finish", "reason": "done"}

    got = await api.get(f"{URL}/{made['id']}", headers=bearer(token))
    assert got.status_code == 200, got.text
    view = got.json()
    assert view["session"]["title"] == RSS_QUESTION  # named after the first message
    assert view["messages"][0]["role"] == "user" and view["messages"][0]["content"] == RSS_QUESTION
    reloaded = [item["event"] for item in view["events"]]
    live = [data for name, data in events if name != "finish"]
    assert [e for e in reloaded if e["type"] != "text_delta"] == [e for e in live if e["type"] != "text_delta"]
    assert "".join(e["text"] for e in reloaded if e["type"] == "text_delta") == "".join(
        e["text"] for e in live if e["type"] == "text_delta"
    )
    # Each event points at the stored message it came from, after the person's message.
    seqs = [item["seq"] for item in view["events"]]
    assert seqs == sorted(seqs) and min(seqs) > view["messages"][0]["seq"]
    assert {m["seq"] for m in view["messages"]} >= set(seqs)

    # The next turn reads the carousel back: "run the first one" asks for the agent's inputs.
    second = await stream_ok(api, made["id"], "run the first one", bearer(token))
    needed = next(data for name, data in second if name == "inputs_needed")
    assert needed["agent_id"] == "rss-feed-digest" and [f["name"] for f in needed["inputs"]] == ["feed_url"]


async def test_a_schedule_asked_for_in_words_uses_the_zone_the_client_sends(api, catalogue):
    token = await token_for(api)
    made = await new_chat(api, token)
    await stream_ok(api, made["id"], RSS_QUESTION, bearer(token))
    r = await api.post(
        f"{URL}/{made['id']}/stream",
        json={
            "message": "run the first one every day at 9am with feed_url=https://example.com/feed.xml",
            "timezone": "Asia/Tokyo",
        },
        headers=bearer(token),
    )
    assert r.status_code == 200, r.text
    events, _ = parse_sse(r.text)
    created = next(data for name, data in events if name == "schedule_created")
    assert created["timezone"] == "Asia/Tokyo" and created["next_runs"][0].endswith("+09:00")


async def test_refusals_before_the_stream_are_json_errors(api):
    token = await token_for(api)
    made = await new_chat(api, token)
    assert_error(await stream(api, made["id"], "   ", bearer(token)), 422, "empty_message")
    too_long = await stream(api, made["id"], "a" * (MAX_USER_TEXT + 1), bearer(token))
    assert_error(too_long, 413, "message_too_long")
    assert_error(await api.post(f"{URL}/{made['id']}/stream", json={}, headers=bearer(token)), 422)
    assert_error(await api.post(f"{URL}/{made['id']}/stream", json={"message": 5}, headers=bearer(token)), 422)
    assert_error(await stream(api, "nope", "hello", bearer(token)), 404, "chat_not_found")
    # Nothing was stored and the chat is free.
    assert (await api.get(f"{URL}/{made['id']}", headers=bearer(token))).json()["messages"] == []
    assert await lock_is_free(made["id"], within=0)


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])  # servers on 2.4 do not watch for the hang-up
async def test_a_busy_chat_answers_409_and_hanging_up_stops_the_turn(app, api, spec_version):
    provider = ScriptedProvider([TextChunk(text="Working "), TextChunk(text="on it"), "hang"])
    app.dependency_overrides[chat_routes.chat_provider] = lambda: provider
    token = await token_for(api)
    made = await new_chat(api, token)
    path = f"{URL}/{made['id']}/stream"

    async with ASGIStream(
        app, path, {"message": "write me a long story"}, bearer(token), spec_version=spec_version
    ) as live:
        assert live.status == 200
        assert await live.next_frame() == 'event: text_delta\ndata: {"type":"text_delta","text":"Working "}'
        assert (await live.next_frame()).startswith("event: text_delta")
        # A second tab cannot start a turn while this one runs.
        assert_error(await stream(api, made["id"], "hello?", bearer(token)), 409, "chat_busy")
    # The client hung up: the turn stops, keeps what was said (marked stopped) and frees the chat.
    assert await lock_is_free(made["id"])
    assert provider.closed == 1
    messages = (await api.get(f"{URL}/{made['id']}", headers=bearer(token))).json()["messages"]
    assert [(m["role"], m["content"], m["stopped"]) for m in messages] == [
        ("user", "write me a long story", False),
        ("assistant", "Working on it", True),
    ]


@pytest.fixture(params=["in-process lock", "redis lock"])
def lock_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both turn locks: the in-process one, and Redis's (skipped when Redis is not running)."""
    if request.param == "redis lock":
        parts = urlsplit(services.REDIS_URL)
        if not services.port_open(parts.hostname or "127.0.0.1", parts.port or 6379):
            services.unavailable(f"Redis at {parts.hostname}:{parts.port}")
        monkeypatch.setenv("REDIS_URL", services.REDIS_URL)
    get_settings.cache_clear()
    yield request.param
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()


async def test_finish_means_the_chat_is_free_for_the_next_message(app, api, catalogue, lock_kind, monkeypatch):
    real_lock = loop_module.turn_lock

    @contextlib.asynccontextmanager
    async def slow_to_release(session_id: str) -> AsyncIterator[None]:
        async with real_lock(session_id):
            yield
            await asyncio.sleep(0.3)  # e.g. a slow Redis round trip after the turn's last event

    monkeypatch.setattr(loop_module, "turn_lock", slow_to_release)
    token = await token_for(api)
    made = await new_chat(api, token)
    path = f"{URL}/{made['id']}/stream"
    async with ASGIStream(app, path, {"message": RSS_QUESTION}, bearer(token)) as live:
        frames = [await live.next_frame()]
        while not frames[-1].startswith("event: finish"):
            frames.append(await live.next_frame())
        # ``finish`` is sent only once the chat is free: the next message, sent at once, is not refused.
        assert await lock_is_free(made["id"], within=0)
        nxt = await stream(api, made["id"], "show my agents", bearer(token))
        assert nxt.status_code == 200, nxt.text
    assert any(f.startswith("event: agent_carousel") for f in frames)


async def test_heartbeats_while_nothing_else_is_sent(app, api, monkeypatch):
    monkeypatch.setattr(chat_routes, "HEARTBEAT_SECONDS", 0.05)
    provider = ScriptedProvider([TextChunk(text="Slow "), TextChunk(text="answer.")], delay=0.4)
    app.dependency_overrides[chat_routes.chat_provider] = lambda: provider
    token = await token_for(api)
    made = await new_chat(api, token)

    r = await stream(api, made["id"], "think hard", bearer(token))
    assert r.status_code == 200
    events, pings = parse_sse(r.text)
    assert types(events) == ["text_delta", "text_delta", "finish"]
    assert "".join(d["text"] for n, d in events if n == "text_delta") == "Slow answer."
    # Pings before the first event (the stream opens anyway) and between the two pieces.
    assert 0 in pings and 1 in pings and len(pings) >= 4


async def test_a_turn_streams_through_the_openai_provider(api, catalogue, monkeypatch):
    key = "sk-test-chat-api-4b1d"
    async with FakeOpenAIServer(api_key=key) as server:
        monkeypatch.setattr(get_settings(), "openai_api_key", key)
        monkeypatch.setattr(get_settings(), "openai_base_url", server.base_url)
        monkeypatch.setattr(get_settings(), "openai_model", "local-copilot")
        server.reply_tool_call("find_agent", {"query": "summarise RSS feeds"})
        server.reply_text("I found an RSS digest agent that fits.")
        token = await token_for(api)
        made = await new_chat(api, token)

        events = await stream_ok(api, made["id"], RSS_QUESTION, bearer(token))

        assert types(events) == ["tool_call", "agent_carousel", *["text_delta"] * (len(events) - 3), "finish"]
        assert events[0][1]["name"] == "find_agent" and events[0][1]["arguments"] == {"query": "summarise RSS feeds"}
        assert events[1][1]["agents"][0]["id"] == "rss-feed-digest"
        assert "".join(d["text"] for n, d in events if n == "text_delta") == "I found an RSS digest agent that fits."
        assert events[-1][1]["reason"] == "done"

        first, second = server.completions
        assert first.model == "local-copilot" and first.stream and first.authorization == f"Bearer {key}"
        assert first.last_user_message() == RSS_QUESTION
        tool_result = next(m for m in second.messages if m["role"] == "tool")
        assert json.loads(tool_result["content"])["agents"][0]["id"] == "rss-feed-digest"
        assert key not in json.dumps([d for _, d in events])

    view = (await api.get(f"{URL}/{made['id']}", headers=bearer(token))).json()
    assert [item["event"]["type"] for item in view["events"]] == ["tool_call", "agent_carousel", "text_delta"]


# ---------------------------------------------------------------------------------------------
# Limits on anonymous use


def assert_rate_limited(response: httpx.Response, text: str) -> None:
    error = assert_error(response, 429, "rate_limited")
    assert text in error["message"] and "Log in" in error["message"]
    assert 3500 <= int(response.headers["retry-after"]) <= limits.WINDOW_SECONDS


async def test_anonymous_chats_are_limited_per_address_and_logged_in_people_are_not(app, api, monkeypatch):
    monkeypatch.setattr(get_settings(), "chat_anon_sessions_per_hour", 3)
    for _ in range(3):
        await new_chat(api)
    assert_rate_limited(await api.post(URL), "at most 3 an hour")
    assert_rate_limited(await api.post(URL, json={"title": "again"}), "at most 3 an hour")

    token = await token_for(api)  # the same address, logged in: never counted
    for _ in range(5):
        assert (await new_chat(api, token))["anonymous"] is False
    assert (await api.get(URL, headers=bearer(token))).json()["total"] == 5

    other = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=other, base_url="http://testserver") as elsewhere:
        assert (await new_chat(elsewhere))["anonymous"] is True  # another address has its own allowance
        # A forwarded-for header is not trusted: it does not move the caller to another allowance.
        for _ in range(2):
            await new_chat(elsewhere)
        forged = await elsewhere.post(URL, headers={"X-Forwarded-For": "198.51.100.1"})
        assert_rate_limited(forged, "at most 3 an hour")


async def test_anonymous_turns_are_limited_per_chat_and_logged_in_turns_are_not(app, api, monkeypatch):
    monkeypatch.setattr(get_settings(), "chat_anon_turns_per_hour", 2)
    provider = ScriptedProvider([TextChunk(text="Hello!")])
    app.dependency_overrides[chat_routes.chat_provider] = lambda: provider
    made = await new_chat(api)
    mine = {"X-Chat-Token": made["token"]}
    await stream_ok(api, made["id"], "hi", mine)
    await stream_ok(api, made["id"], "hi again", mine)
    assert_rate_limited(await stream(api, made["id"], "and again", mine), "limit of 2 messages an hour")
    assert len(provider.calls) == 2  # the refused turn never reached the model…
    got = (await api.get(f"{URL}/{made['id']}", headers=mine)).json()
    assert [m["content"] for m in got["messages"] if m["role"] == "user"] == ["hi", "hi again"]  # …nor was stored

    second = await new_chat(api)  # another anonymous chat has its own allowance
    await stream_ok(api, second["id"], "hi", {"X-Chat-Token": second["token"]})

    token = await token_for(api)
    own = await new_chat(api, token)
    for n in range(4):
        await stream_ok(api, own["id"], f"message {n}", bearer(token))
    # Once claimed, the limited chat is the person's and is not counted any more.
    claimed = await api.post(f"{URL}/{made['id']}/claim", headers={**bearer(token), **mine})
    assert claimed.status_code == 200, claimed.text
    await stream_ok(api, made["id"], "now logged in", bearer(token))
