"""Firecrawl blocks: scrape a page, crawl a site, map a site's links, extract structured data.

They keep the ids and pins of AutoGPT's ``FirecrawlScrapeBlock``, ``FirecrawlCrawlBlock``,
``FirecrawlMapWebsiteBlock`` and ``FirecrawlExtractBlock`` so its exports import, and speak
Firecrawl's public REST API v1 (``FIRECRAWL_API_URL``, by default ``https://api.firecrawl.dev``, or
the ``base_url`` of the credential for a self-hosted Firecrawl) with the key of a ``firecrawl``
credential as ``Authorization: Bearer …``, through the run's guarded client
(:func:`._service_http.call_service`: readable failures, the key never shown).

Scrape and map answer at once. Crawl and extract start a job and answer with its id; the block
then asks for the job's status every few seconds until it is done, for at most
:data:`JOB_WAIT_SECONDS`. The status address is built from the configured base and the job's id
(never taken from the answer, so the key goes to Firecrawl only), and a crawl's further pages
(``next``) are followed only on that same address.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from enum import StrEnum
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer, send
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)
from autogpt_app.net import OutboundRequestError, checked_url
from autogpt_app.settings import get_settings

SERVICE = "Firecrawl"
NO_CREDENTIAL = "No credential was provided for 'credentials'."
#: Seconds a crawl or an extraction may take before the block gives up on it.
JOB_WAIT_SECONDS = 240.0
#: Seconds between two status requests of a crawl or an extraction.
POLL_SECONDS = 3.0
#: Seconds a single scrape may take (Firecrawl renders the page first).
SCRAPE_SECONDS = 90.0
#: Pages of a finished crawl's results followed at most (Firecrawl splits large results).
MAX_RESULT_PAGES = 20
MAX_EXTRACT_URLS = 100
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_HINTS = {402: "Firecrawl says the account has no credits left (HTTP 402): top it up or change plan."}

_CREDENTIAL = CredentialRequirement(
    field="credentials",
    provider="firecrawl",
    types=("api_key",),
    description="A Firecrawl API key (fc-…); its base_url setting may name a self-hosted Firecrawl",
)
_EXAMPLE_KEY = {"credentials": {"provider": "firecrawl", "type": "api_key", "api_key": "fc-example-key"}}


class ScrapeFormat(StrEnum):
    """What Firecrawl returns for each page."""

    MARKDOWN = "markdown"
    HTML = "html"
    RAW_HTML = "rawHtml"
    LINKS = "links"
    SCREENSHOT = "screenshot"
    SCREENSHOT_FULL_PAGE = "screenshot@fullPage"
    JSON = "json"
    CHANGE_TRACKING = "changeTracking"


#: format → (output pin, field of Firecrawl's page document).
_FORMAT_PINS: dict[ScrapeFormat, tuple[str, str]] = {
    ScrapeFormat.MARKDOWN: ("markdown", "markdown"),
    ScrapeFormat.HTML: ("html", "html"),
    ScrapeFormat.RAW_HTML: ("raw_html", "rawHtml"),
    ScrapeFormat.LINKS: ("links", "links"),
    ScrapeFormat.SCREENSHOT: ("screenshot", "screenshot"),
    ScrapeFormat.SCREENSHOT_FULL_PAGE: ("screenshot_full_page", "screenshot"),
    ScrapeFormat.JSON: ("json_data", "json"),
    ScrapeFormat.CHANGE_TRACKING: ("change_tracking", "changeTracking"),
}
_EMPTY: dict[str, Any] = {"markdown": "", "html": "", "raw_html": "", "screenshot": "", "screenshot_full_page": ""}


class _Api:
    """Firecrawl for one block run: its base address and the person's key."""

    def __init__(self, context: RunContext) -> None:
        credential = context.secret("credentials")
        key = credential.api_key.get_secret_value().strip() if credential.api_key is not None else ""
        if not key:
            raise BlockError("The Firecrawl credential has no API key: create it with your fc-… key.")
        self.context = context
        self.key = key
        self.base = str(credential.meta.get("base_url") or get_settings().firecrawl_api_url).rstrip("/")

    def url(self, path: str) -> str:
        return join_url(self.base, path)

    async def call(self, method: str, path_or_url: str, *, json: Any = None, seconds: float | None = None) -> Any:
        """One request; the JSON answer when Firecrawl says it succeeded, else a readable failure."""
        url = path_or_url if path_or_url.startswith(self.base + "/") else self.url(path_or_url)
        extra: dict[str, Any] = {"json": json} if json is not None else {}
        if seconds is not None:
            extra["timeout"] = seconds
        response = await call_service(
            self.context,
            SERVICE,
            method,
            url,
            headers={"Authorization": f"Bearer {self.key}", "Accept": "application/json"},
            secrets=(self.key,),
            hints=_HINTS,
            **extra,
        )
        body = json_answer(SERVICE, response)
        if not isinstance(body, dict):
            raise BlockError("Firecrawl answered in an unexpected form.")
        if body.get("success") is False:
            said = str(body.get("error") or "no reason given").replace(self.key, "****")[:300]
            raise BlockError(f"Firecrawl could not do it: {said}")
        return body

    async def wait_for_job(self, kind: str, job_id: Any) -> dict[str, Any]:
        """Ask for the status of a crawl or extraction until it is done; its last status answer."""
        job = str(job_id or "")
        if not _JOB_ID.fullmatch(job):
            raise BlockError(f"Firecrawl did not answer with the id of the {kind} job.")
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        while True:
            status = await self.call("GET", f"/v1/{kind}/{job}")
            state = str(status.get("status") or "").lower()
            if state == "completed":
                return status
            if state in ("failed", "cancelled"):
                said = str(status.get("error") or "").replace(self.key, "****")[:300]
                raise BlockError(f"Firecrawl's {kind} {state}" + (f": {said}" if said else "."))
            if time.monotonic() + POLL_SECONDS > deadline:
                await self.cancel(kind, job)
                raise BlockError(
                    f"Firecrawl's {kind} was not done after {JOB_WAIT_SECONDS / 60:g} minutes; "
                    "ask for fewer pages, or try again later."
                )
            await asyncio.sleep(POLL_SECONDS)

    async def cancel(self, kind: str, job: str) -> None:
        """Stop a job the block no longer waits for, so it spends no more credits (best effort)."""
        if kind != "crawl":
            return
        with contextlib.suppress(BlockError):
            await send(
                self.context,
                SERVICE,
                "DELETE",
                self.url(f"/v1/crawl/{job}"),
                headers={"Authorization": f"Bearer {self.key}"},
                secrets=(self.key,),
            )


def _target(url: str) -> str:
    """``url`` when it is an http(s) address of a public host, else a readable refusal."""
    if not url.strip():
        raise BlockError("Give the address of the website.")
    try:
        return str(checked_url(url.strip()))
    except OutboundRequestError as exc:
        raise BlockError(exc.message) from None


def _scrape_options(formats: list[ScrapeFormat], main_only: bool, max_age: int, wait_for: int) -> dict[str, Any]:
    return {
        "formats": [f.value for f in formats] or [ScrapeFormat.MARKDOWN.value],
        "onlyMainContent": main_only,
        "maxAge": max_age,
        "waitFor": wait_for,
    }


def _page_outputs(page: dict[str, Any], formats: list[ScrapeFormat]) -> list[tuple[str, Any]]:
    """The outputs of one page document, one per format asked for, in the order asked."""
    outputs = []
    for fmt in formats:
        pin, key = _FORMAT_PINS[fmt]
        value = page.get(key)
        if pin == "links":
            value = [str(link) for link in value] if isinstance(value, list) else []
        elif pin in ("json_data", "change_tracking"):
            value = value if isinstance(value, dict) else {}
        else:
            value = value if isinstance(value, str) else _EMPTY[pin]
        outputs.append((pin, value))
    return outputs


class _ScrapeInput(BlockInput):
    credentials: CredentialsRef | None = Field(default=None, description="Your Firecrawl API key")
    url: str = Field(description="The address of the website")
    limit: int = Field(default=10, ge=1, le=10_000, description="How many pages to crawl at most")
    only_main_content: bool = Field(
        default=True,
        description="Keep only the page's main content, without headers, menus and footers",
        json_schema_extra=ADVANCED,
    )
    max_age: int = Field(
        default=3_600_000,
        ge=0,
        description="Milliseconds a copy Firecrawl already has may be old and still be used (1 hour)",
        json_schema_extra=ADVANCED,
    )
    wait_for: int = Field(
        default=200,
        ge=0,
        le=60_000,
        description="Milliseconds to let the page load before reading it",
        json_schema_extra=ADVANCED,
    )
    formats: list[ScrapeFormat] = Field(
        default_factory=lambda: [ScrapeFormat.MARKDOWN], description="What to return for each page"
    )


class _PageOutput(BlockOutput):
    markdown: str = Field(description="The page's text as Markdown")
    html: str = Field(description="The page's cleaned HTML")
    raw_html: str = Field(description="The page's HTML as the site sent it")
    links: list[str] = Field(description="The links on the page")
    screenshot: str = Field(description="Address of a screenshot of the visible part of the page")
    screenshot_full_page: str = Field(description="Address of a screenshot of the whole page")
    json_data: dict[str, Any] = Field(description="Structured data Firecrawl read from the page")
    change_tracking: dict[str, Any] = Field(description="How the page changed since Firecrawl last read it")


class FirecrawlScrapeBlock(Block):
    """Reads one web page with Firecrawl (which renders it and gets past most blockers)."""

    id = "ac444320-cf5e-4697-b586-2604c17a3e75"
    name = "Firecrawl scrape"
    autogpt_name = "FirecrawlScrapeBlock"
    description = (
        "Reads one web page with Firecrawl, which renders it and gets past most blockers, and passes on "
        "what you ask for: Markdown text, HTML, links, a screenshot. Needs a Firecrawl API key."
    )
    categories = (BlockCategory.WEB,)
    credentials = (_CREDENTIAL,)
    timeout_seconds = SCRAPE_SECONDS + 30

    class Input(_ScrapeInput):
        limit: int = Field(
            default=10, ge=1, le=10_000, description="Not used when reading one page", json_schema_extra=ADVANCED
        )

    class Output(_PageOutput):
        data: dict[str, Any] = Field(description="Everything Firecrawl returned for the page, metadata included")

    examples = (
        BlockExample(input={"url": "https://example.com"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"url": "file:///etc/passwd"},
            output=[("error", "Only http:// and https:// URLs are allowed (scheme: file:).")],
            secrets=_EXAMPLE_KEY,  # type: ignore[arg-type]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        formats = input.formats or [ScrapeFormat.MARKDOWN]
        try:
            url = _target(input.url)
            api = _Api(context)
            body = await api.call(
                "POST",
                "/v1/scrape",
                json={"url": url, **_scrape_options(formats, input.only_main_content, input.max_age, input.wait_for)},
                seconds=SCRAPE_SECONDS,
            )
        except BlockError as exc:
            yield "error", str(exc)
            return
        page = body.get("data") if isinstance(body.get("data"), dict) else {}
        yield "data", page
        for pin, value in _page_outputs(page, formats):
            yield pin, value


class FirecrawlCrawlBlock(Block):
    """Reads a website page by page with Firecrawl, following its links."""

    id = "bdbbaba0-03b7-4971-970e-699e2de6015e"
    name = "Firecrawl crawl"
    autogpt_name = "FirecrawlCrawlBlock"
    description = (
        "Reads a website with Firecrawl, following its links from the address given, up to a number of "
        "pages, and passes on each page (Markdown text, HTML, links...). Waits up to 4 minutes. "
        "Needs a Firecrawl API key."
    )
    categories = (BlockCategory.WEB,)
    credentials = (_CREDENTIAL,)
    timeout_seconds = JOB_WAIT_SECONDS + 60

    class Input(_ScrapeInput):
        wait_for: int = Field(
            default=0,
            ge=0,
            le=60_000,
            description="Milliseconds to let each page load before reading it",
            json_schema_extra=ADVANCED,
        )

    class Output(_PageOutput):
        data: list[dict[str, Any]] = Field(description="Every page read, as Firecrawl returned it")

    examples = (
        BlockExample(input={"url": "https://example.com"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"url": "http://192.168.1.1/"},
            output=[("error", "Requests to private or local addresses are not allowed (192.168.1.1).")],
            secrets=_EXAMPLE_KEY,  # type: ignore[arg-type]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        formats = input.formats or [ScrapeFormat.MARKDOWN]
        try:
            url = _target(input.url)
            api = _Api(context)
            options = _scrape_options(formats, input.only_main_content, input.max_age, input.wait_for)
            started = await api.call(
                "POST", "/v1/crawl", json={"url": url, "limit": input.limit, "scrapeOptions": options}
            )
            status = await api.wait_for_job("crawl", started.get("id"))
            pages = await _all_pages(api, status)
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "data", pages
        for page in pages:
            for pin, value in _page_outputs(page, formats):
                yield pin, value


async def _all_pages(api: _Api, status: dict[str, Any]) -> list[dict[str, Any]]:
    """The pages of a finished crawl, following ``next`` on Firecrawl's own address only."""
    pages = [p for p in status.get("data") or [] if isinstance(p, dict)]
    following = status.get("next")
    for _ in range(MAX_RESULT_PAGES - 1):
        if not isinstance(following, str) or not following.startswith(api.base + "/"):
            break
        more = await api.call("GET", following)
        pages.extend(p for p in more.get("data") or [] if isinstance(p, dict))
        following = more.get("next")
    return pages


class FirecrawlMapWebsiteBlock(Block):
    """Lists the pages of a website with Firecrawl."""

    id = "f0f43e2b-c943-48a0-a7f1-40136ca4d3b9"
    name = "Firecrawl map website"
    autogpt_name = "FirecrawlMapWebsiteBlock"
    description = (
        "Lists the addresses of a website's pages with Firecrawl (from its sitemap and links), "
        "with titles and descriptions when Firecrawl has them. Needs a Firecrawl API key."
    )
    categories = (BlockCategory.WEB,)
    credentials = (_CREDENTIAL,)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="Your Firecrawl API key")
        url: str = Field(description="The address of the website")

    class Output(BlockOutput):
        links: list[str] = Field(description="The addresses of the pages found")
        results: list[dict[str, Any]] = Field(description="The pages found: url, title and description of each")

    examples = (
        BlockExample(input={"url": "https://example.com"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"url": "  "},
            output=[("error", "Give the address of the website.")],
            secrets=_EXAMPLE_KEY,  # type: ignore[arg-type]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            url = _target(input.url)
            body = await _Api(context).call("POST", "/v1/map", json={"url": url})
        except BlockError as exc:
            yield "error", str(exc)
            return
        results = []
        for link in body.get("links") or []:
            # v1 answers plain addresses; newer Firecrawl answers objects with a title and description.
            if isinstance(link, str):
                results.append({"url": link, "title": "", "description": ""})
            elif isinstance(link, dict) and isinstance(link.get("url"), str):
                results.append(
                    {
                        "url": link["url"],
                        "title": str(link.get("title") or ""),
                        "description": str(link.get("description") or ""),
                    }
                )
        yield "links", [r["url"] for r in results]
        yield "results", results


class FirecrawlExtractBlock(Block):
    """Has Firecrawl read pages and pull out the data a prompt or a JSON schema describes."""

    id = "d1774756-4d9e-40e6-bab1-47ec0ccd81b2"
    name = "Firecrawl extract"
    autogpt_name = "FirecrawlExtractBlock"
    description = (
        "Has Firecrawl read one or more pages (example.com/* for a whole site) and pull out the data "
        "your prompt or JSON schema describes, e.g. every product's name and price. Waits up to "
        "4 minutes. Needs a Firecrawl API key."
    )
    categories = (BlockCategory.WEB, BlockCategory.AI)
    credentials = (_CREDENTIAL,)
    timeout_seconds = JOB_WAIT_SECONDS + 60

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="Your Firecrawl API key")
        urls: list[str] = Field(description="The pages to read (at least one); end one with /* for a whole site")
        prompt: str | None = Field(default=None, description="What to pull out of the pages")
        output_schema: dict[str, Any] | None = Field(
            default=None, description="A JSON schema the data must follow, for a fixed structure"
        )
        enable_web_search: bool = Field(
            default=False,
            description="Let Firecrawl follow links to other websites too",
            json_schema_extra=ADVANCED,
        )

    class Output(BlockOutput):
        data: dict[str, Any] = Field(description="The data Firecrawl pulled out")

    examples = (
        BlockExample(input={"urls": ["https://example.com/*"], "prompt": "Prices"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"urls": ["https://example.com"]},
            output=[("error", "Say what to pull out: a prompt, a JSON schema, or both.")],
            secrets=_EXAMPLE_KEY,  # type: ignore[arg-type]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            urls = [_target(u) for u in input.urls if u.strip()]
            if not urls:
                raise BlockError("Give at least one page to read.")
            if len(urls) > MAX_EXTRACT_URLS:
                raise BlockError(f"Give at most {MAX_EXTRACT_URLS} pages to read.")
            prompt = (input.prompt or "").strip()
            if not prompt and not input.output_schema:
                raise BlockError("Say what to pull out: a prompt, a JSON schema, or both.")
            api = _Api(context)
            request: dict[str, Any] = {"urls": urls, "enableWebSearch": input.enable_web_search}
            if prompt:
                request["prompt"] = prompt
            if input.output_schema:
                request["schema"] = input.output_schema
            started = await api.call("POST", "/v1/extract", json=request)
            status = await api.wait_for_job("extract", started.get("id"))
        except BlockError as exc:
            yield "error", str(exc)
            return
        data = status.get("data")
        yield "data", data if isinstance(data, dict) else {"result": data}
