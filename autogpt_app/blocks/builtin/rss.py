"""RSS block: read the latest entries of an RSS or Atom feed.

The feed is fetched through the SSRF-guarded client (:class:`~autogpt_app.net.SafeHTTP`) and parsed
from bytes: feedparser never opens a URL or a file itself. Id and pin names follow AutoGPT's
``ReadRSSFeedBlock`` so its agent exports import.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import httpx
from pydantic import Field

from autogpt_app.blocks.builtin._web_helpers import (
    BLOCKED_LOOPBACK,
    BLOCKED_METADATA,
    NOT_HTTP,
    THREAD_THRESHOLD,
    WebProblem,
    open_http,
)
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.net import OutboundRequestError

_FEED_TYPES = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"


def entry_time(entry: Any) -> datetime | None:
    """When a feedparser entry was published (else updated, else created), in UTC; None when it does not say."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def read_feed(content: bytes, content_type: str = "", url: str = "") -> Any:
    """The feedparser result for an RSS or Atom document, read from bytes (feedparser never opens a URL
    or a file itself). Used by this block and by feed triggers.

    Raises:
        WebProblem: the document is not a feed.
    """
    headers = {"content-type": content_type or "application/xml", "content-location": url}
    feed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    if not feed.get("version") and not feed.entries:
        raise WebProblem("The address did not return an RSS or Atom feed.")
    return feed


def parse_feed(content: bytes, content_type: str = "", url: str = "") -> list[tuple[datetime | None, dict[str, Any]]]:
    """Entries of an RSS or Atom document: (publication time, {title, link, description, pub_date, author,
    categories}).

    The bytes are given as a stream: feedparser never opens a URL or a file itself.

    Raises:
        WebProblem: the document is not a feed.
    """
    entries = []
    for entry in read_feed(content, content_type, url).entries:
        published = entry_time(entry)
        entries.append(
            (
                published,
                {
                    "title": str(entry.get("title", "")),
                    "link": str(entry.get("link", "")),
                    "description": str(entry.get("summary", "")),
                    "pub_date": published.isoformat() if published else None,
                    "author": str(entry.get("author", "")),
                    "categories": [str(t.get("term")) for t in entry.get("tags", []) if t.get("term")],
                },
            )
        )
    return entries


class ReadRSSFeedBlock(Block):
    """Reads the entries of an RSS or Atom feed."""

    id = "5ebe6768-8e5d-41e3-9134-1c7bd89a8d52"
    name = "Read RSS feed"
    autogpt_name = "ReadRSSFeedBlock"
    description = "Reads the latest entries of an RSS or Atom feed, one at a time and as a list."
    categories = (BlockCategory.WEB, BlockCategory.INPUT)

    class Input(BlockInput):
        rss_url: str = Field(description="Address of the RSS or Atom feed")
        time_period: int = Field(
            default=1440, ge=0, description="Only entries published in the last this many minutes (0: all entries)"
        )
        max_entries: int = Field(default=100, ge=1, le=1000, description="Most entries to pass on")

    class Output(BlockOutput):
        entry: dict[str, Any] = Field(
            description="One entry: title, link, description, pub_date (ISO 8601), author, categories"
        )
        entries: list[dict[str, Any]] = Field(description="All the entries passed on, in feed order")

    examples = (
        BlockExample(input={"rss_url": "http://169.254.169.254/feed"}, output=[("error", BLOCKED_METADATA)]),
        BlockExample(input={"rss_url": "file:///etc/passwd"}, output=[("error", NOT_HTTP)]),
        BlockExample(input={"rss_url": "http://127.0.0.1/rss", "time_period": 0}, output=[("error", BLOCKED_LOOPBACK)]),
    )

    async def run(self, input: Input, context: RunContext):
        since = context.started_at - timedelta(minutes=input.time_period) if input.time_period else None
        try:
            async with open_http(context) as http:
                response = await http.get(input.rss_url, headers={"Accept": _FEED_TYPES})
            if not response.is_success:
                host = httpx.URL(response.url).host
                raise WebProblem(f"The feed at {host} answered with HTTP {response.status_code}.")
            args = (response.content, response.headers.get("content-type", ""), response.url)
            if len(response.content) > THREAD_THRESHOLD:
                entries = await asyncio.to_thread(parse_feed, *args)
            else:
                entries = parse_feed(*args)
        except (OutboundRequestError, WebProblem) as exc:
            yield "error", getattr(exc, "message", None) or str(exc)
            return
        chosen = []
        for published, entry in entries:
            if since is not None and (published is None or published <= since):
                continue
            chosen.append(entry)
            if len(chosen) >= input.max_entries:
                break
        for entry in chosen:
            yield "entry", entry
        yield "entries", chosen
