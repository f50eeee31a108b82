"""Web search and page reading: "Search the web" and "Extract website content".

Ids and pin names follow AutoGPT's ``SearchTheWebBlock`` and ``ExtractWebsiteContentBlock`` so its
agent exports import. AutoGPT sends both through Jina (a ``jina`` API key); here the search service
is the one whose credential the person picked, in this order when several are given: Jina
(``credentials``, AutoGPT's own field), Tavily (``tavily_credentials``), Brave Search
(``brave_credentials``). With none, the operator's SearXNG instance (``SEARXNG_URL``) is used — a
self-hosted search that needs no key. See :mod:`._search_engines` for each service's API.

"Extract website content" reads a page itself: it fetches it through the guarded client and keeps
its main text with trafilatura, in a worker thread (parsing is CPU work). With a Jina credential it
asks Jina Reader (or the Reader-compatible service at the credential's ``base_url``) instead, as
AutoGPT does. ``raw_content`` gives the page exactly as the server sent it.
"""

from __future__ import annotations

import asyncio

from pydantic import Field

from autogpt_app.blocks.builtin import _search_engines as engines
from autogpt_app.blocks.builtin._search_engines import SearchHit
from autogpt_app.blocks.builtin._service_http import call_service, join_url
from autogpt_app.blocks.builtin._web_helpers import open_http
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialSecret,
    CredentialsRef,
    RunContext,
)
from autogpt_app.net import OutboundRequestError, SafeResponse, checked_url
from autogpt_app.settings import get_settings

NO_SEARCH_SERVICE = (
    "No search service is set up: pick a Jina, Tavily or Brave Search API key, "
    "or ask the administrator to set SEARXNG_URL to a SearXNG instance."
)
EMPTY_QUERY = "Enter what to search for."
NO_TEXT = "The page has no readable text (it may need JavaScript, or be an image or a file)."
MAX_PAGE_TEXT_CHARS = 1_000_000
PAGES_READ = 5  # search results whose page text is read, as AutoGPT's Jina search gives the top 5
PAGE_TEXT_TIMEOUT = 10.0  # seconds for each of those pages; a slow page keeps its snippet only
_TEXT_TYPES = ("text/plain", "text/markdown", "text/csv", "application/json")

JINA_NEED = CredentialRequirement(
    field="credentials",
    provider="jina",
    types=("api_key",),
    description="A Jina API key (search and Reader); its base_url setting may name a compatible service",
    optional=True,
)


class SearchTheWebBlock(Block):
    """Searches the web with the service the person has a key for (or the operator's SearXNG)."""

    id = "87840993-2053-44b7-8da4-187ad4ee518c"
    name = "Search the web"
    autogpt_name = "SearchTheWebBlock"
    description = (
        "Searches the web and passes on the pages found (title, address, description; with Jina or "
        "Tavily also their text). Uses your Jina, Tavily or Brave Search key, or the platform's SearXNG."
    )
    categories = (BlockCategory.WEB,)
    credentials = (
        JINA_NEED,
        CredentialRequirement(
            field="tavily_credentials",
            provider="tavily",
            types=("api_key",),
            description="A Tavily API key",
            optional=True,
        ),
        CredentialRequirement(
            field="brave_credentials",
            provider="brave",
            types=("api_key",),
            description="A Brave Search API key",
            optional=True,
        ),
    )

    class Input(BlockInput):
        query: str = Field(description="What to search the web for")
        max_results: int = Field(
            default=5, ge=1, le=20, description="How many pages to return at most", json_schema_extra=ADVANCED
        )
        with_page_text: bool = Field(
            default=True,
            description="Also read each page found and include its main text (the first 5 pages)",
            json_schema_extra=ADVANCED,
        )
        credentials: CredentialsRef | None = Field(default=None, description="Jina API key (optional)")
        tavily_credentials: CredentialsRef | None = Field(default=None, description="Tavily API key (optional)")
        brave_credentials: CredentialsRef | None = Field(default=None, description="Brave Search API key (optional)")

    class Output(BlockOutput):
        results: str = Field(description="The pages found, numbered: title, address, description (and text)")
        items: list[SearchHit] = Field(description="The pages found, one item each (title, url, snippet, content)")

    examples = (
        BlockExample(input={"query": "  "}, output=[("error", EMPTY_QUERY)]),
        BlockExample(
            input={"query": "weather"},
            output=[
                (
                    "error",
                    "Tavily could not be reached: Requests to private or local addresses are not allowed (10.0.0.7).",
                )
            ],
            secrets={
                "tavily_credentials": {
                    "provider": "tavily",
                    "type": "api_key",
                    "api_key": "tvly-example-key",
                    "meta": {"base_url": "http://10.0.0.7"},  # type: ignore[dict-item]
                }
            },
            description="a service address on a private network is refused",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        query = " ".join(input.query.split())
        try:
            if not query:
                raise BlockError(EMPTY_QUERY)
            hits = await _search(context, query, input.max_results, input.with_page_text)
        except BlockError as exc:
            yield "error", str(exc)
            return
        if input.with_page_text:
            hits = await _add_page_text(context, hits)
        yield "results", engines.format_hits(hits)
        yield "items", [hit.model_dump() for hit in hits]  # plain JSON: run records store outputs as JSON


async def _search(context: RunContext, query: str, limit: int, with_text: bool) -> list[SearchHit]:
    """Search with the first service the person gave a key for, else the operator's SearXNG."""
    given = context.credentials
    if credential := given.get("credentials"):
        return await engines.jina(context, credential, query, limit, with_text=with_text)
    if credential := given.get("tavily_credentials"):
        return await engines.tavily(context, credential, query, limit, with_text=with_text)
    if credential := given.get("brave_credentials"):
        return await engines.brave(context, credential, query, limit)
    searxng = get_settings().searxng_url.strip()
    if not searxng:
        raise BlockError(NO_SEARCH_SERVICE)
    return await engines.searxng(context, searxng, query, limit)


async def _add_page_text(context: RunContext, hits: list[SearchHit]) -> list[SearchHit]:
    """Read the first pages found that came without text, side by side; a page that fails keeps its snippet."""

    async def read(hit: SearchHit) -> SearchHit:
        if hit.content:
            return hit
        try:
            text = await _fetch(context, hit.url, raw=False, seconds=PAGE_TEXT_TIMEOUT)
        except (BlockError, OutboundRequestError):
            return hit
        return hit.model_copy(update={"content": text[: engines.MAX_CONTENT_CHARS]})

    read_first = await asyncio.gather(*(read(hit) for hit in hits[:PAGES_READ]))
    return [*read_first, *hits[PAGES_READ:]]


class ExtractWebsiteContentBlock(Block):
    """Reads a web page and passes on its main text."""

    id = "436c3984-57fd-4b85-8e9a-459b356883bd"
    name = "Extract website content"
    autogpt_name = "ExtractWebsiteContentBlock"
    description = (
        "Reads a web page and passes on its main text as Markdown, without menus and adverts "
        "(or the page exactly as sent, with 'raw content'). With a Jina key, Jina Reader reads it."
    )
    categories = (BlockCategory.WEB, BlockCategory.TEXT)
    credentials = (JINA_NEED,)

    class Input(BlockInput):
        url: str = Field(description="The address of the page to read")
        raw_content: bool = Field(
            default=False,
            description="Pass on the page exactly as the server sent it instead of its main text",
            json_schema_extra=ADVANCED,
        )
        credentials: CredentialsRef | None = Field(default=None, description="Jina API key (optional)")

    class Output(BlockOutput):
        content: str = Field(description="The page's text")

    examples = (
        BlockExample(
            input={"url": "http://10.0.0.5/page"},
            output=[("error", "Requests to private or local addresses are not allowed (10.0.0.5).")],
            description="private addresses are refused",
        ),
        BlockExample(
            input={"url": "file:///etc/passwd", "raw_content": True},
            output=[("error", "Only http:// and https:// URLs are allowed (scheme: file:).")],
        ),
        BlockExample(
            input={"url": "ftp://example.com/x"},
            output=[("error", "Only http:// and https:// URLs are allowed (scheme: ftp:).")],
            secrets={"credentials": {"provider": "jina", "type": "api_key", "api_key": "jina_example_key"}},
            description="the address is checked before it is handed to a reader service",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            url = str(checked_url(input.url.strip()))
            jina = context.credentials.get("credentials")
            if input.raw_content:
                content = await _fetch(context, url, raw=True)
            elif jina is not None:
                content = await _read_with_jina(context, jina, url)
            else:
                content = await _fetch(context, url, raw=False)
        except OutboundRequestError as exc:
            yield "error", exc.message
            return
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "content", content


async def _read_with_jina(context: RunContext, credential: CredentialSecret, url: str) -> str:
    key = credential.api_key.get_secret_value() if credential.api_key else ""
    if not key:
        raise BlockError("The Jina credential has no API key.")
    base = str(credential.meta.get("base_url") or get_settings().jina_reader_url)
    response = await call_service(
        context,
        "Jina Reader",
        "GET",
        join_url(base, url),
        headers={"Authorization": f"Bearer {key}", "Accept": "text/plain"},
        secrets=(key,),
    )
    return response.text()


async def _fetch(context: RunContext, url: str, *, raw: bool, seconds: float | None = None) -> str:
    """The page at ``url``: as sent (``raw``), or its main text."""
    async with open_http(context) as http:
        response = await http.get(url, timeout=seconds)
    if not response.is_success:
        raise BlockError(f"The page at {checked_url(url).host} answered with HTTP {response.status_code}.")
    if raw:
        return response.text()
    return await page_text(response, not_a_page_hint="; use 'raw content' to get it as sent")


async def page_text(response: SafeResponse, *, not_a_page_hint: str = "") -> str:
    """The main text of a fetched page: plain text as it is, a web page's main text as Markdown
    (trafilatura, in a worker thread). Used by this block and by page-change triggers.

    Args:
        response: The fetched page.
        not_a_page_hint: Words added to the refusal of an answer that is no web page (the caller's way out).

    Raises:
        BlockError: the answer is not a web page, or has no readable text.
    """
    text = response.text()
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _TEXT_TYPES:
        return text
    if kind and "html" not in kind and "xml" not in kind:
        raise BlockError(f"The page is not a web page ({kind}){not_a_page_hint}.")
    # Without a charset in the header, trafilatura reads the page's own <meta charset> from the bytes.
    declared = "charset=" in response.headers.get("content-type", "").lower()
    extracted = await asyncio.to_thread(_main_text, text if declared else response.content, response.url)
    if not extracted:
        raise BlockError(NO_TEXT)
    return extracted


def _main_text(html: str | bytes, url: str) -> str:
    """The main text of ``html`` as Markdown (trafilatura), or "" when it finds none."""
    import trafilatura  # imported on first use: it loads lxml and language data

    text = trafilatura.extract(html, url=url, output_format="markdown", include_links=True, include_tables=True)
    return (text or "")[:MAX_PAGE_TEXT_CHARS]
