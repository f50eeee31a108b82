"""Chat sessions: isolation between people, anonymous tokens, claiming, rename/delete, paging, the turn
lock, and the Redis cache (on and off)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from sqlalchemy import func, select

from autogpt_app.chat import cache
from autogpt_app.chat import sessions as chats
from autogpt_app.chat.models import ChatMessageRecord, ChatSession, MessageRole, NewMessage
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound


async def new_chat(user=None, title: str = ""):
    async with session_scope() as s:
        return await chats.create_session(s, user=user, title=title)


async def get(session_id: str, user=None, token: str | None = None):
    async with session_scope() as s:
        return await chats.get_session(s, session_id, user=user, anon_token=token)


async def append(session_id: str, *messages: NewMessage, user=None, token: str | None = None):
    async with session_scope() as s:
        chat = await chats.owned_session(s, session_id, user=user, anon_token=token)
        return await chats.append_messages(s, chat, list(messages))


def says(text: str, role: MessageRole = MessageRole.USER) -> NewMessage:
    return NewMessage(role=role, content=text)


async def test_a_users_chat_is_theirs_alone(alice, bob) -> None:
    created = await new_chat(alice)
    assert created.anon_token is None and not created.session.anonymous
    await append(created.session.id, says("hello"), user=alice)

    detail = await get(created.session.id, alice)
    assert [m.content for m in detail.messages] == ["hello"]
    for intruder, token in ((bob, None), (None, None), (None, "any-token")):
        with pytest.raises(NotFound):
            await get(created.session.id, intruder, token)
    async with session_scope() as s:
        assert (await chats.list_sessions(s, bob)).total == 0
        with pytest.raises(NotFound):
            await chats.rename_session(s, created.session.id, "mine now", user=bob)
        with pytest.raises(NotFound):
            await chats.delete_session(s, created.session.id, user=bob)
        with pytest.raises(NotFound):
            await chats.get_session(s, "no-such-chat", user=alice)
    assert (await get(created.session.id, alice)).session.title == "hello"


async def test_an_anonymous_chat_answers_only_to_its_token(alice) -> None:
    created = await new_chat(None)
    token = created.anon_token
    assert token and created.session.anonymous
    async with session_scope() as s:
        row = await s.get(ChatSession, created.session.id)
        assert row.anon_token_hash == chats.hash_token(token) and token not in row.anon_token_hash

    await append(created.session.id, says("find an agent"), token=token)
    assert [m.content for m in (await get(created.session.id, None, token)).messages] == ["find an agent"]
    for user, wrong in ((None, token + "x"), (None, None), (alice, None), (None, "")):
        with pytest.raises(NotFound):
            await get(created.session.id, user, wrong)


async def test_claiming_needs_the_token_and_an_anonymous_chat(alice, bob) -> None:
    created = await new_chat(None)
    token = created.anon_token
    chat_id = created.session.id
    await append(chat_id, says("discovering"), token=token)

    async with session_scope() as s:
        with pytest.raises(NotFound):
            await chats.claim_session(s, chat_id, "wrong-token", alice)
    async with session_scope() as s:
        claimed = await chats.claim_session(s, chat_id, token, alice)
    assert not claimed.anonymous

    # Alice owns it, with its history; the token grants nothing any more, and Bob cannot take it.
    assert [m.content for m in (await get(chat_id, alice)).messages] == ["discovering"]
    with pytest.raises(NotFound):
        await get(chat_id, None, token)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await chats.claim_session(s, chat_id, token, bob)
        assert (await chats.claim_session(s, chat_id, token, alice)).id == chat_id  # again: harmless
        assert [c.id for c in (await chats.list_sessions(s, alice)).items] == [chat_id]

    # A user's own chat can never be claimed by someone else, whatever they send.
    mine = await new_chat(alice)
    async with session_scope() as s:
        for guess in ("", token, "x" * 40):
            with pytest.raises(NotFound):
                await chats.claim_session(s, mine.session.id, guess, bob)


async def test_rename_delete_and_paging(alice) -> None:
    ids = [(await new_chat(alice, f"chat {n}")).session.id for n in range(3)]
    await append(ids[0], says("bring me to the top"), user=alice)  # touching a chat makes it the latest
    async with session_scope() as s:
        first = await chats.list_sessions(s, alice, limit=2)
        second = await chats.list_sessions(s, alice, offset=2, limit=2)
    assert first.total == second.total == 3
    assert [c.id for c in first.items] == [ids[0], ids[2]]
    assert [c.id for c in second.items] == [ids[1]]

    async with session_scope() as s:
        renamed = await chats.rename_session(s, ids[1], "  Weekly   digest ", user=alice)
        assert renamed.title == "Weekly digest"
        with pytest.raises(InvalidInput):
            await chats.rename_session(s, ids[1], "x" * 121, user=alice)
    async with session_scope() as s:
        await chats.delete_session(s, ids[0], user=alice)
    with pytest.raises(NotFound):
        await get(ids[0], alice)
    async with session_scope() as s:
        left = (await s.execute(select(func.count()).select_from(ChatMessageRecord))).scalar_one()
        assert left == 0
        assert (await chats.list_sessions(s, alice)).total == 2


async def test_messages_are_numbered_in_order_and_paged_from_the_latest(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    for n in range(5):
        await append(chat_id, says(f"m{n}"), says(f"r{n}", MessageRole.ASSISTANT), user=alice)
    detail = await get(chat_id, alice)
    assert [m.seq for m in detail.messages] == list(range(1, 11))
    assert detail.session.title == "m0" and not detail.has_more
    async with session_scope() as s:
        latest = await chats.get_session(s, chat_id, user=alice, limit=3)
        older = await chats.get_session(s, chat_id, user=alice, before_seq=latest.messages[0].seq, limit=3)
    assert [m.content for m in latest.messages] == ["r3", "m4", "r4"] and latest.has_more
    assert [m.content for m in older.messages] == ["m2", "r2", "m3"] and older.has_more


async def test_a_second_turn_of_the_same_chat_is_refused_while_one_runs() -> None:
    async with cache.turn_lock("chat-1"):
        with pytest.raises(Conflict) as refused:
            async with cache.turn_lock("chat-1"):
                pass
        assert "another tab" in refused.value.message
        async with cache.turn_lock("chat-2"):  # other chats are not held up
            pass
    async with cache.turn_lock("chat-1"):  # released
        pass


async def test_without_redis_nothing_is_cached(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    await get(chat_id, alice)
    assert cache._redis() is None
    assert await cache.cache_get(chat_id) is None


@pytest.fixture
async def redis_admin(redis_url):
    client = aioredis.Redis.from_url(redis_url)
    yield client
    keys = [k async for k in client.scan_iter("chat:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_with_redis_reads_are_cached_invalidated_on_append_and_still_owner_checked(
    redis_admin, alice, bob
) -> None:
    chat_id = (await new_chat(alice)).session.id
    await append(chat_id, says("first"), user=alice)
    key = f"chat:session:{chat_id}"
    assert await redis_admin.get(key) is None

    assert [m.content for m in (await get(chat_id, alice)).messages] == ["first"]
    ttl = await redis_admin.ttl(key)
    assert 0 < ttl <= cache.CACHE_TTL_SECONDS

    # The cached copy is what a read returns (the database is not read): prove it by changing the cache.
    cached = await cache.cache_get(chat_id)
    cached["detail"]["session"]["title"] = "from the cache"
    await cache.cache_set(chat_id, cached, await cache.cache_generation(chat_id))
    assert (await get(chat_id, alice)).session.title == "from the cache"
    with pytest.raises(NotFound):  # a cached chat is still only its owner's
        await get(chat_id, bob)

    await append(chat_id, says("second"), user=alice)
    assert await redis_admin.get(key) is None
    detail = await get(chat_id, alice)
    assert [m.content for m in detail.messages] == ["first", "second"] and detail.session.title == "first"

    async with session_scope() as s:
        await chats.rename_session(s, chat_id, "renamed", user=alice)
    assert (await get(chat_id, alice)).session.title == "renamed"
    async with session_scope() as s:
        await chats.delete_session(s, chat_id, user=alice)
    with pytest.raises(NotFound):
        await get(chat_id, alice)


async def test_with_redis_a_read_racing_a_write_does_not_cache_the_old_rows(redis_admin, alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    await append(chat_id, says("old"), user=alice)
    before = await cache.cache_generation(chat_id)  # a reader starts: reads the generation, then the rows…
    async with session_scope() as s:
        stale = await chats.get_session(s, chat_id, user=alice, limit=5)  # (not cached: not the default view)
    await append(chat_id, says("new"), user=alice)  # …a write lands meanwhile…
    await cache.cache_set(chat_id, {"user_id": alice.id, "detail": stale.model_dump(mode="json")}, before)
    assert await redis_admin.get(f"chat:session:{chat_id}") is None  # …and the old rows are not cached
    assert [m.content for m in (await get(chat_id, alice)).messages] == ["old", "new"]


async def test_with_redis_the_turn_lock_is_shared_through_redis(redis_admin) -> None:
    async with cache.turn_lock("chat-r"):
        assert await redis_admin.exists("chat:lock:chat-r")
        with pytest.raises(Conflict):
            async with cache.turn_lock("chat-r"):
                pass
        # Another process would see it too: the key is in Redis, not in this process's memory.
        assert "chat-r" not in cache._held
    assert not await redis_admin.exists("chat:lock:chat-r")


async def test_a_lock_left_by_a_dead_process_expires(redis_admin, monkeypatch) -> None:
    monkeypatch.setattr(cache, "LOCK_TTL_SECONDS", 0.5)
    await redis_admin.set("chat:lock:chat-dead", "someone-else", px=500)
    with pytest.raises(Conflict):
        async with cache.turn_lock("chat-dead"):
            pass
    await asyncio.sleep(0.7)
    async with cache.turn_lock("chat-dead"):
        pass


async def test_whether_a_turn_runs_is_known_in_this_process_without_redis() -> None:
    assert not await cache.turn_running("chat-9")
    async with cache.turn_lock("chat-9"):
        assert await cache.turn_running("chat-9")
        cancel = asyncio.Event()
        await cache.request_stop("chat-9")  # no Redis: the page sets the turn's own event instead
        await asyncio.wait_for(cache.watch_stop("chat-9", cancel), 1)  # returns at once
        assert not cancel.is_set()
    assert not await cache.turn_running("chat-9")


async def test_with_redis_a_stop_reaches_a_turn_running_in_another_process(redis_admin) -> None:
    async with cache.turn_lock("chat-10"):
        # Another process sees the turn by its lock…
        assert await redis_admin.exists("chat:lock:chat-10")
        assert await cache.turn_running("chat-10")
        await cache.clear_stop("chat-10")
        cancel = asyncio.Event()
        watcher = asyncio.create_task(cache.watch_stop("chat-10", cancel))
        await asyncio.sleep(cache.CANCEL_POLL_SECONDS * 2)
        assert not cancel.is_set()
        # …and its Stop, written to Redis, sets the turn's event within a poll.
        await redis_admin.set("chat:cancel:chat-10", "1")
        await asyncio.wait_for(watcher, 2)
        assert cancel.is_set()
        await cache.clear_stop("chat-10")
        assert not await redis_admin.exists("chat:cancel:chat-10")
        await cache.request_stop("chat-10")
        assert await redis_admin.ttl("chat:cancel:chat-10") > 0
    assert not await cache.turn_running("chat-10")
