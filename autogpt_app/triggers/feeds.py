"""Feed triggers: a new entry in an RSS or Atom feed.

The feed is fetched through the SSRF-guarded client with a conditional GET (the ``ETag`` and
``Last-Modified`` of the last answer are kept in the trigger's state, so an unchanged feed costs a
``304`` and no parsing), at most ``MAX_FEED_BYTES``, and parsed by feedparser in a worker thread
(the same reading as the *Read RSS feed* block: :func:`~autogpt_app.blocks.builtin.rss.read_feed`).
An entry is identified by its id (RSS ``guid``, Atom ``id``), else its link, else its title and
publication time.
"""

from __future__ import annotations

import asyncio
from typing import Any

from autogpt_app.blocks.builtin._web_helpers import WebProblem
from autogpt_app.blocks.builtin.rss import entry_time, read_feed
from autogpt_app.net import OutboundRequestError, SafeHTTP, checked_url
from autogpt_app.triggers.sources import Item, Look, PollProblem, item_key

MAX_FEED_BYTES = 5_000_000
FETCH_SECONDS = 30.0
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"


def entry_event(entry: Any, feed_title: str) -> dict[str, Any]:
    """What the agent receives for one entry."""
    published = entry_time(entry)
    return {
        "title": str(entry.get("title", "")),
        "link": str(entry.get("link", "")),
        "summary": str(entry.get("summary", "")),
        "published": published.isoformat() if published else "",
        "id": str(entry.get("id", "")),
        "author": str(entry.get("author", "")),
        "feed_title": feed_title,
    }


def entry_identity(event: dict[str, Any]) -> str:
    """The entry's key: its id, else its link, else its title and publication time."""
    if event["id"]:
        return item_key("id", event["id"])
    if event["link"]:
        return item_key("link", event["link"])
    return item_key("title", event["title"], event["published"])


def feed_items(content: bytes, content_type: str, url: str) -> list[Item]:
    """The feed's entries as items, oldest first (by publication time when every entry has one, else
    the reverse of the document's order, as feeds list the newest first). CPU work: call in a thread."""
    feed = read_feed(content, content_type, url)
    title = str(feed.feed.get("title", "")) if feed.get("feed") else ""
    entries = list(reversed(feed.entries))
    if entries and all(entry_time(e) is not None for e in entries):
        entries.sort(key=lambda e: entry_time(e))
    items = []
    for entry in entries:
        event = entry_event(entry, title)
        items.append(Item(entry_identity(event), event, event["title"] or event["link"] or "(untitled entry)"))
    return items


async def look(config: dict[str, Any], state: dict[str, Any]) -> Look:
    """Fetch the feed (conditionally once it was read) and return its entries and the new state.

    Raises:
        PollProblem: the address is refused, unreachable, not a feed, or answered with an error.
    """
    url = str(config.get("url") or "")
    headers = {"Accept": _ACCEPT}
    if state.get("primed"):
        if state.get("etag"):
            headers["If-None-Match"] = str(state["etag"])
        if state.get("last_modified"):
            headers["If-Modified-Since"] = str(state["last_modified"])
    try:
        async with SafeHTTP(timeout=FETCH_SECONDS, max_bytes=MAX_FEED_BYTES) as http:
            response = await http.get(url, headers=headers)
        if response.status_code == 304:
            return Look([], dict(state))
        if not response.is_success:
            raise PollProblem(f"The feed at {checked_url(url).host} answered with HTTP {response.status_code}.")
        items = await asyncio.to_thread(
            feed_items, response.content, response.headers.get("content-type", ""), response.url
        )
    except OutboundRequestError as exc:
        raise PollProblem(exc.message) from None
    except WebProblem as exc:
        raise PollProblem(str(exc)) from None
    new_state = {k: v for k, v in state.items() if k not in ("etag", "last_modified")}
    if response.headers.get("etag"):
        new_state["etag"] = response.headers["etag"][:300]
    if response.headers.get("last-modified"):
        new_state["last_modified"] = response.headers["last-modified"][:100]
    return Look(items, new_state)
