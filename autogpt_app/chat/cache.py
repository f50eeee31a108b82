"""The chat's Redis helpers: a read cache of sessions and the per-session turn lock.

With ``REDIS_URL`` set, a session read with its latest messages is cached under
``chat:session:{id}`` for :data:`CACHE_TTL_SECONDS`; the database stays the record and every
append deletes the key (at once and again after commit) and bumps the session's generation, and a
read caches what it read only if the generation did not move meanwhile, so a read racing a write
never puts a stale copy back. Without Redis there is no cache: the database is read every time.

A turn holds the session's lock from the user's message to the last event, so two tabs cannot
interleave their turns: the second one gets :class:`~autogpt_app.errors.Conflict` at once (it does
not wait). With Redis the lock is a Redis lock (several web processes), renewed while the turn runs
and expiring by itself if the process dies; without Redis it is held in this process.

Redis failures never break the chat: a cache that cannot be reached is skipped, and a lock that
cannot be taken in Redis falls back to the in-process lock (with a warning).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
import weakref
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import LockError, RedisError

from autogpt_app.errors import Conflict
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

CACHE_TTL_SECONDS = 600
CACHE_KEY = "chat:session:{id}"
LOCK_KEY = "chat:lock:{id}"
#: A Redis lock expires this long after its last renewal (a dead process frees its sessions).
LOCK_TTL_SECONDS = 60.0
_TIMEOUT_SECONDS = 2.0

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[str, aioredis.Redis]] = weakref.WeakKeyDictionary()
_clients_lock = threading.Lock()
_held: set[str] = set()
_held_lock = threading.Lock()


def _redis() -> aioredis.Redis | None:
    """The running loop's Redis client, or None without ``REDIS_URL``."""
    url = get_settings().redis_url
    if not url:
        return None
    loop = asyncio.get_running_loop()
    with _clients_lock:
        found = _clients.get(loop)
        if found is None or found[0] != url:
            client = aioredis.Redis.from_url(
                url, socket_connect_timeout=_TIMEOUT_SECONDS, socket_timeout=_TIMEOUT_SECONDS
            )
            found = (url, client)
            _clients[loop] = found
        return found[1]


def cache_key(session_id: str) -> str:
    """The Redis key of a cached session."""
    return CACHE_KEY.format(id=session_id)


async def cache_get(session_id: str) -> dict[str, Any] | None:
    """The cached session (as stored by :func:`cache_set`), or None (no Redis, a miss, or Redis down)."""
    client = _redis()
    if client is None:
        return None
    try:
        raw = await client.get(cache_key(session_id))
    except RedisError:
        log.warning("chat cache unreachable; reading the database")
        return None
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


#: Bumped by every invalidation; a read caches what it read only if no write happened meanwhile.
GENERATION_KEY = "chat:session-gen:{id}"
_SET_IF_SAME_GENERATION = """
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


async def cache_generation(session_id: str) -> str | None:
    """The session's cache generation, read *before* reading the database (None without Redis)."""
    client = _redis()
    if client is None:
        return None
    try:
        value = await client.get(GENERATION_KEY.format(id=session_id))
    except RedisError:
        return None
    return value.decode() if value is not None else "0"


async def cache_set(session_id: str, data: dict[str, Any], generation: str | None) -> None:
    """Cache a session's JSON-ready data for :data:`CACHE_TTL_SECONDS`, unless it changed since ``generation``.

    A read that raced a write (read the old rows, then the write invalidated) must not put the old
    rows back: the write bumped the generation, so this does nothing. No-op without Redis.
    """
    client = _redis()
    if client is None or generation is None:
        return
    keys = [cache_key(session_id), GENERATION_KEY.format(id=session_id)]
    try:
        await client.eval(
            _SET_IF_SAME_GENERATION, 2, *keys, generation, json.dumps(data, default=str), CACHE_TTL_SECONDS
        )
    except RedisError:
        log.warning("chat cache unreachable; not caching")


async def cache_invalidate(session_id: str) -> None:
    """Forget a cached session and bump its generation (no-op without Redis)."""
    client = _redis()
    if client is None:
        return
    generation = GENERATION_KEY.format(id=session_id)
    try:
        async with client.pipeline(transaction=True) as pipe:
            pipe.incr(generation).expire(generation, CACHE_TTL_SECONDS * 2).delete(cache_key(session_id))
            await pipe.execute()
    except RedisError:
        log.warning("chat cache unreachable; could not invalidate session %s", session_id)


def _conflict() -> Conflict:
    return Conflict(
        "A reply is already being written in this chat (maybe in another tab). Wait for it or stop it first.",
        code="chat_busy",
    )


@contextlib.asynccontextmanager
async def _local_lock(session_id: str) -> AsyncIterator[None]:
    with _held_lock:
        if session_id in _held:
            raise _conflict()
        _held.add(session_id)
    try:
        yield
    finally:
        with _held_lock:
            _held.discard(session_id)


async def _renew(lock: Any) -> None:
    while True:
        await asyncio.sleep(LOCK_TTL_SECONDS / 3)
        try:
            await lock.reacquire()
        except (LockError, RedisError):
            log.warning("could not renew the chat turn lock %s", lock.name)


@contextlib.asynccontextmanager
async def turn_lock(session_id: str) -> AsyncIterator[None]:
    """Hold the session's turn lock for the ``async with`` body.

    Raises:
        Conflict: another turn of this session is running (here or in another process).
    """
    client = _redis()
    if client is None:
        async with _local_lock(session_id):
            yield
        return
    lock = client.lock(LOCK_KEY.format(id=session_id), timeout=LOCK_TTL_SECONDS, blocking=False, thread_local=False)
    try:
        acquired = await lock.acquire(token=uuid.uuid4().hex)
    except RedisError:
        log.warning("Redis unreachable; holding the chat turn lock in this process only")
        async with _local_lock(session_id):
            yield
        return
    if not acquired:
        raise _conflict()
    renewer = asyncio.create_task(_renew(lock))
    try:
        yield
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        try:
            await lock.release()
        except (LockError, RedisError):
            log.warning("could not release the chat turn lock of session %s (it expires by itself)", session_id)


# ---- turns running in any process ---------------------------------------------------------------

CANCEL_KEY = "chat:cancel:{id}"
#: How often a running turn looks for a stop asked in another process (seconds).
CANCEL_POLL_SECONDS = 0.3


async def turn_running(session_id: str) -> bool:
    """Whether a turn of the session holds its lock now, in this process or (with Redis) any other."""
    with _held_lock:
        if session_id in _held:
            return True
    client = _redis()
    if client is None:
        return False
    try:
        return bool(await client.exists(LOCK_KEY.format(id=session_id)))
    except RedisError:
        return False


async def request_stop(session_id: str) -> None:
    """Ask the session's running turn to stop, wherever it runs (a no-op without Redis: the caller
    sets the turn's own cancel event when it runs in this process)."""
    client = _redis()
    if client is None:
        return
    try:
        await client.set(CANCEL_KEY.format(id=session_id), "1", ex=int(LOCK_TTL_SECONDS))
    except RedisError:
        log.warning("could not ask the turn of chat %s to stop (Redis unreachable)", session_id)


async def clear_stop(session_id: str) -> None:
    """Forget an old stop request before a new turn starts."""
    client = _redis()
    if client is None:
        return
    with contextlib.suppress(RedisError):
        await client.delete(CANCEL_KEY.format(id=session_id))


async def watch_stop(session_id: str, cancel: asyncio.Event) -> None:
    """Set ``cancel`` when :func:`request_stop` is called for the session in any process.

    Runs until cancelled or until it sets the event; returns at once without Redis.
    """
    client = _redis()
    if client is None:
        return
    key = CANCEL_KEY.format(id=session_id)
    while not cancel.is_set():
        await asyncio.sleep(CANCEL_POLL_SECONDS)
        try:
            if await client.exists(key):
                cancel.set()
        except RedisError:
            continue
