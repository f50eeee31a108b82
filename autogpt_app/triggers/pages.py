"""Page triggers: a web page whose main text changed.

The page is fetched through the SSRF-guarded client and its main text extracted as the *Extract
website content* block does (:func:`~autogpt_app.blocks.builtin.search.page_text`: trafilatura in a
worker thread), so menus, adverts and timestamps in the page's frame do not count as changes. The
text is normalised (whitespace runs become one space, blank lines dropped) and hashed (SHA-256); the
hash is kept in the trigger's state. A different hash is one item whose key is the hash of the
previous and the new hash, so a page that changes back to an earlier version fires again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from autogpt_app.blocks.builtin.search import page_text
from autogpt_app.blocks.sdk import BlockError
from autogpt_app.net import OutboundRequestError, SafeHTTP, checked_url
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers.sources import Item, Look, PollProblem, item_key

MAX_PAGE_BYTES = 5_000_000
FETCH_SECONDS = 30.0
#: The agent gets at most this much of the page's text.
MAX_EVENT_TEXT = 100_000


def normalised(text: str) -> str:
    """The text with each line's whitespace collapsed and empty lines dropped."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


async def look(config: dict[str, Any], state: dict[str, Any]) -> Look:
    """Fetch the page and return one item when its text changed since the last look.

    The first look only remembers the hash.

    Raises:
        PollProblem: the address is refused, unreachable, answered with an error, or has no text.
    """
    url = str(config.get("url") or "")
    try:
        async with SafeHTTP(timeout=FETCH_SECONDS, max_bytes=MAX_PAGE_BYTES) as http:
            response = await http.get(url)
        if not response.is_success:
            raise PollProblem(f"The page at {checked_url(url).host} answered with HTTP {response.status_code}.")
        text = await page_text(response)
    except OutboundRequestError as exc:
        raise PollProblem(exc.message) from None
    except BlockError as exc:
        raise PollProblem(str(exc)) from None
    new_hash = text_hash(text)
    previous = state.get("hash")
    new_state = {**state, "hash": new_hash}
    if not previous or previous == new_hash:
        return Look([], new_state)
    clean = normalised(text)
    event = {
        "url": url,
        "text": clean[:MAX_EVENT_TEXT],
        "previous_hash": previous,
        "hash": new_hash,
        "changed_at": utcnow().isoformat(),
    }
    return Look([Item(item_key(previous, new_hash), event, f"The page at {checked_url(url).host} changed")], new_state)
