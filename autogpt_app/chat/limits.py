"""Limits on anonymous use of the copilot: new chats per client address, and turns per chat, per hour.

Anyone can open a chat without an account, and every turn runs the copilot (possibly a paid
model), so anonymous use is counted in fixed one-hour windows:

* at most ``CHAT_ANON_SESSIONS_PER_HOUR`` new anonymous chats per client IP address;
* at most ``CHAT_ANON_TURNS_PER_HOUR`` turns per anonymous chat (counted per chat *and* token, so
  a caller without the right token cannot use up someone else's allowance).

Over a limit, :class:`RateLimited` is raised (HTTP 429, with the seconds until the window ends as
``retry_after``). Logged-in people are not counted here: the callers only ask for anonymous use.

With ``REDIS_URL`` set the counters live in Redis (``INCR``, and ``EXPIRE`` when a window opens,
in one atomic script), so every web process shares them; without it they are a dict in this
process whose entries expire. If Redis cannot be reached, this process's counters are used (with
a warning) rather than refusing or allowing everyone. This module knows nothing of HTTP.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time

from redis.exceptions import RedisError

from autogpt_app.chat import cache
from autogpt_app.errors import TooManyRequests
from autogpt_app.settings import get_settings
from autogpt_app.wording import plural

log = logging.getLogger(__name__)

#: Length of a window, in seconds (the limits are "per hour").
WINDOW_SECONDS = 3600
SESSIONS_KEY = "chat:limit:sessions:{ip}"
TURNS_KEY = "chat:limit:turns:{chat_id}:{token}"
#: The in-process store is swept of expired windows when it grows past this many keys.
_SWEEP_AT = 10_000

# KEYS[1]: the counter; ARGV[1]: the window in milliseconds. Returns {count, milliseconds left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

_local: dict[str, tuple[int, float]] = {}
_local_lock = threading.Lock()


class RateLimited(TooManyRequests):
    """Anonymous use over its hourly limit (429, ``rate_limited``, ``Retry-After`` in seconds)."""

    code = "rate_limited"


def _now() -> float:
    """The clock of the in-process windows (monotonic seconds; tests move it)."""
    return time.monotonic()


def _hit_local(key: str, window: float) -> tuple[int, float]:
    now = _now()
    with _local_lock:
        if len(_local) >= _SWEEP_AT:
            for stale in [k for k, (_, ends) in _local.items() if ends <= now]:
                del _local[stale]
        count, ends = _local.get(key, (0, 0.0))
        if ends <= now:
            count, ends = 0, now + window
        count += 1
        _local[key] = (count, ends)
    return count, ends - now


async def hit(key: str, *, window: float = WINDOW_SECONDS) -> tuple[int, float]:
    """Count one use of ``key`` in its current fixed window.

    Returns:
        The count so far in this window (this use included) and the seconds until the window ends.
    """
    client = cache._redis()
    if client is not None:
        try:
            count, ttl_ms = await client.eval(_HIT, 1, key, max(1, int(window * 1000)))
            return int(count), max(int(ttl_ms), 0) / 1000
        except RedisError:
            log.warning("Redis unreachable; counting anonymous chat use in this process only")
    return _hit_local(key, window)


def reset_local() -> None:
    """Forget every in-process counter (tests; Redis counters expire by themselves)."""
    with _local_lock:
        _local.clear()


def _wait_text(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return plural(minutes, "minute")


async def _check(key: str, limit: int, message: str) -> None:
    count, left = await hit(key)
    if count > limit:
        retry_after = max(1, math.ceil(left))
        raise RateLimited(
            f"{message} Log in to keep going, or try again in {_wait_text(left)}.", retry_after=retry_after
        )


async def check_anonymous_session(client_ip: str | None) -> None:
    """Count a new anonymous chat from ``client_ip``.

    Raises:
        RateLimited: this address already started ``CHAT_ANON_SESSIONS_PER_HOUR`` chats this hour.
    """
    limit = get_settings().chat_anon_sessions_per_hour
    await _check(
        SESSIONS_KEY.format(ip=client_ip or "unknown"),
        limit,
        f"Too many new chats without an account from your address (at most {limit} an hour).",
    )


async def check_anonymous_turn(chat_id: str, anon_token: str) -> None:
    """Count a turn of the anonymous chat ``chat_id`` sent with ``anon_token``.

    The counter is keyed by the chat and a digest of the token (never the token itself), so a
    caller holding a wrong token only uses up an allowance of its own.

    Raises:
        RateLimited: this chat already had ``CHAT_ANON_TURNS_PER_HOUR`` turns this hour.
    """
    limit = get_settings().chat_anon_turns_per_hour
    digest = hashlib.sha256(anon_token.encode()).hexdigest()[:32]
    await _check(
        TURNS_KEY.format(chat_id=chat_id, token=digest),
        limit,
        f"This chat reached its limit of {limit} messages an hour without an account.",
    )
