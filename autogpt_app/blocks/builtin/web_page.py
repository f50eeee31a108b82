"""Web page block: fetch a page through the SSRF-guarded client and give its readable text, title and links."""

from __future__ import annotations

import asyncio
from html.parser import HTMLParser

import httpx
from pydantic import Field

from autogpt_app.blocks.builtin._web_helpers import (
    BLOCKED_LOOPBACK,
    BLOCKED_METADATA,
    NOT_HTTP,
    THREAD_THRESHOLD,
    open_http,
)
from autogpt_app.blocks.builtin.markup import extract_links, html_to_text
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.net import OutboundRequestError


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self._inside = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.done:
            self._inside = True
        elif tag in ("svg", "math"):
            self._inside = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._inside:
            self._inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.title.append(data)


def page_parts(html: str, url: str) -> tuple[str, str, list[dict[str, str]]]:
    """The title, readable text and links of an HTML page."""
    parser = _TitleParser()
    parser.feed(html)
    parser.close()
    title = " ".join("".join(parser.title).split())
    return title, html_to_text(html), extract_links(html, url)


class FetchWebPageBlock(Block):
    """Fetches a web page and gives its readable text, title and links."""

    id = "0ef29513-ea54-45ce-bd88-e1564ed9fd91"
    name = "Read web page"
    description = "Fetches a web page and gives its readable text (no tags, scripts or styles), its title and links."
    categories = (BlockCategory.WEB, BlockCategory.TEXT)

    class Input(BlockInput):
        url: str = Field(description="Address of the page, e.g. https://example.com/article")

    class Output(BlockOutput):
        text: str = Field(description="The readable text of the page")
        title: str = Field(description="The page's title (empty when it has none)")
        links: list[dict[str, str]] = Field(description="The page's links as {url, text}")

    examples = (
        BlockExample(input={"url": "http://127.0.0.1:8080/admin"}, output=[("error", BLOCKED_LOOPBACK)]),
        BlockExample(input={"url": "http://169.254.169.254/latest"}, output=[("error", BLOCKED_METADATA)]),
        BlockExample(input={"url": "file:///etc/passwd"}, output=[("error", NOT_HTTP)]),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            async with open_http(context) as http:
                response = await http.get(input.url, headers={"Accept": "text/html, text/plain;q=0.9, */*;q=0.5"})
        except OutboundRequestError as exc:
            yield "error", exc.message
            return
        host = httpx.URL(response.url).host
        if not response.is_success:
            yield "error", f"The page at {host} answered with HTTP {response.status_code}."
            return
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        text = response.text()
        if kind and not (kind.startswith("text/") or kind.endswith(("xml", "json")) or "html" in kind):
            yield "error", f"The page at {host} is not text (it is {kind[:60]})."
            return
        if kind in ("", "text/html", "application/xhtml+xml") or "<html" in text[:2000].lower():
            if len(text) > THREAD_THRESHOLD:
                title, body, links = await asyncio.to_thread(page_parts, text, response.url)
            else:
                title, body, links = page_parts(text, response.url)
        else:
            title, body, links = "", text.strip(), []
        yield "text", body
        yield "title", title
        yield "links", links
