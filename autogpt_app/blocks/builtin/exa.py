"""Exa blocks: search the web with Exa, and read pages through Exa.

Both call Exa's REST API (``EXA_API_URL``, by default ``https://api.exa.ai``: ``POST /search`` and
``POST /contents``) with the API key of an ``exa`` credential in ``x-api-key``, through the run's
SSRF-guarded client. They keep AutoGPT's ids and pin names (``ExaSearchBlock``,
``ExaContentsBlock``) so its agent exports import, older ones included: an export from before
AutoGPT's Exa update carries an empty ``type`` and ``category`` (read as "auto" and "any"), a
``use_auto_prompt`` Exa no longer has (ignored) and text settings without a ``discriminator``
(read as the advanced form).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer
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
from autogpt_app.settings import get_settings

SERVICE = "Exa"
EMPTY_QUERY = "Enter what to search for."
NO_URLS = "Give at least one address to read (urls)."
NO_CREDENTIAL = "No credential was provided for 'credentials'."

_CREDENTIAL = CredentialRequirement(
    field="credentials", provider="exa", types=("api_key",), description="An Exa API key (dashboard.exa.ai)"
)


def _empty_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# --- settings shared by both blocks ---------------------------------------------------------------


class _Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextOptions(_Settings):
    """How much of each page's text to return (the object form of ``text``)."""

    discriminator: Literal["enabled", "disabled", "advanced"] = Field(
        default="advanced", description="enabled, disabled, or advanced (with the limits below)"
    )
    max_characters: int | None = Field(default=None, ge=1, description="At most this many characters of text")
    include_html_tags: bool = Field(default=False, description="Keep the page's HTML tags in the text")


class HighlightOptions(_Settings):
    """The sentences of each page that best match the query."""

    num_sentences: int = Field(default=1, ge=1, description="Sentences in each highlight")
    highlights_per_url: int = Field(default=1, ge=1, description="Highlights for each page")
    query: str | None = Field(default=None, description="What the highlights should be about (the search by default)")


class SummaryOptions(_Settings):
    """A summary of each page written by Exa's model."""

    query: str | None = Field(default=None, description="What the summary should focus on")
    schema_: dict[str, Any] | None = Field(
        default=None, alias="schema", description="A JSON schema the summary should follow"
    )

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ExtrasOptions(_Settings):
    """Links found on each page."""

    links: int = Field(default=0, ge=0, description="Links to return from each page")
    image_links: int = Field(default=0, ge=0, description="Image links to return from each page")


class ContextOptions(_Settings):
    """The object form of ``context``."""

    discriminator: Literal["enabled", "disabled", "advanced"] = Field(default="advanced", description="The form")
    max_characters: int | None = Field(default=None, ge=1, description="At most this many characters of context")


Livecrawl = Literal["never", "fallback", "always", "preferred"]


class ContentSettings(_Settings):
    """What Exa returns of each page found."""

    text: bool | TextOptions | None = Field(default=None, description="The page's text: yes, no, or limits")
    highlights: HighlightOptions | None = Field(default=None, description="The most relevant sentences")
    summary: SummaryOptions | None = Field(default=None, description="A summary by Exa's model")
    livecrawl: Livecrawl | None = Field(default=None, description="Read the page live: never, fallback, always…")
    livecrawl_timeout: int | None = Field(default=None, ge=0, description="Milliseconds to wait for a live read")
    subpages: int | None = Field(default=None, ge=0, description="Pages linked from each page to read too")
    subpage_target: str | list[str] | None = Field(default=None, description="Word(s) the subpages should match")
    extras: ExtrasOptions | None = Field(default=None, description="Links found on the page")
    context: bool | ContextOptions | None = Field(default=None, description="All results as one text for a model")

    empty_is_unset = field_validator("livecrawl", mode="before")(_empty_to_none)


def _text(value: bool | TextOptions | None) -> bool | dict[str, Any] | None:
    if value is None or isinstance(value, bool):
        return value
    if value.discriminator != "advanced":
        return value.discriminator == "enabled"
    options: dict[str, Any] = {}
    if value.max_characters:
        options["maxCharacters"] = value.max_characters
    if value.include_html_tags:
        options["includeHtmlTags"] = True
    return options or True


def _context(value: bool | ContextOptions | None) -> bool | dict[str, Any] | None:
    if value is None or isinstance(value, bool):
        return value
    if value.discriminator != "advanced":
        return value.discriminator == "enabled"
    return {"maxCharacters": value.max_characters} if value.max_characters else True


def _highlights(value: HighlightOptions) -> dict[str, Any]:
    options: dict[str, Any] = {"numSentences": value.num_sentences, "highlightsPerUrl": value.highlights_per_url}
    if value.query:
        options["query"] = value.query
    return options


def _summary(value: SummaryOptions) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if value.query:
        options["query"] = value.query
    if value.schema_:
        options["schema"] = value.schema_
    return options


def _extras(value: ExtrasOptions) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if value.links:
        options["links"] = value.links
    if value.image_links:
        options["imageLinks"] = value.image_links
    return options


def contents_payload(settings: ContentSettings) -> dict[str, Any]:
    """``settings`` as Exa's ``contents`` object (only what was set)."""
    payload: dict[str, Any] = {}
    if (text := _text(settings.text)) is not None:
        payload["text"] = text
    if settings.highlights is not None:
        payload["highlights"] = _highlights(settings.highlights)
    if settings.summary is not None:
        payload["summary"] = _summary(settings.summary)
    if settings.livecrawl:
        payload["livecrawl"] = settings.livecrawl
    if settings.livecrawl_timeout is not None:
        payload["livecrawlTimeout"] = settings.livecrawl_timeout
    if settings.subpages is not None:
        payload["subpages"] = settings.subpages
    if settings.subpage_target:
        payload["subpageTarget"] = settings.subpage_target
    if settings.extras is not None:
        payload["extras"] = _extras(settings.extras)
    if (context := _context(settings.context)) is not None:
        payload["context"] = context
    return payload


# --- results --------------------------------------------------------------------------------------


class ExaResult(BaseModel):
    """One page as Exa describes it (Exa's own field names)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default="", description="Exa's id of the page (usually its address)")
    url: str | None = Field(default=None, description="The page's address")
    title: str | None = Field(default=None, description="The page's title")
    author: str | None = Field(default=None, description="Its author, when known")
    publishedDate: str | None = Field(default=None, description="When it was published, when known")
    image: str | None = Field(default=None, description="Its main image's address")
    favicon: str | None = Field(default=None, description="Its icon's address")
    text: str | None = Field(default=None, description="Its text, when asked for")
    highlights: list[str] = Field(default_factory=list, description="Its most relevant sentences, when asked for")
    highlightScores: list[float] = Field(default_factory=list, description="How relevant each highlight is")
    summary: str | None = Field(default=None, description="Its summary, when asked for")
    subpages: list[dict[str, Any]] = Field(default_factory=list, description="Pages linked from it, when asked for")
    extras: dict[str, Any] | None = Field(default=None, description="Links found on it, when asked for")


def _key(context: RunContext) -> str:
    credential = context.secret("credentials")
    key = credential.api_key.get_secret_value().strip() if credential.api_key is not None else ""
    if not key:
        raise BlockError("The Exa credential has no API key.")
    return key


async def _post(context: RunContext, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One call to Exa; a failure is a readable sentence without the key."""
    key = _key(context)
    response = await call_service(
        context,
        SERVICE,
        "POST",
        join_url(get_settings().exa_api_url, path),
        secrets=(key,),
        headers={"x-api-key": key, "Accept": "application/json"},
        json=payload,
    )
    body = json_answer(SERVICE, response)
    if not isinstance(body, dict):
        raise BlockError("Exa answered in an unexpected form.")
    return body


def _results(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = body.get("results")
    if not isinstance(found, list):
        raise BlockError("Exa answered without a list of results.")
    return [ExaResult.model_validate(r).model_dump() for r in found if isinstance(r, dict)]


# --- search ---------------------------------------------------------------------------------------


class ExaSearchType(StrEnum):
    """How Exa searches."""

    KEYWORD = "keyword"
    NEURAL = "neural"
    FAST = "fast"
    AUTO = "auto"


class ExaCategory(StrEnum):
    """Kinds of page Exa can search among."""

    COMPANY = "company"
    RESEARCH_PAPER = "research paper"
    NEWS = "news"
    PDF = "pdf"
    GITHUB = "github"
    TWEET = "tweet"
    PERSONAL_SITE = "personal site"
    LINKEDIN_PROFILE = "linkedin profile"
    FINANCIAL_REPORT = "financial report"


_DATES = {
    "start_crawl_date": "startCrawlDate",
    "end_crawl_date": "endCrawlDate",
    "start_published_date": "startPublishedDate",
    "end_published_date": "endPublishedDate",
}
_LISTS = {
    "include_domains": "includeDomains",
    "exclude_domains": "excludeDomains",
    "include_text": "includeText",
    "exclude_text": "excludeText",
}


class ExaSearchBlock(Block):
    """Searches the web with Exa."""

    id = "996cec64-ac40-4dde-982f-b0dc60a5824d"
    name = "Exa search"
    autogpt_name = "ExaSearchBlock"
    description = (
        "Searches the web with Exa (your Exa API key) and passes on the pages found: address, title, "
        "and, if asked, their text, highlights or summary. Filters by site, date and kind of page."
    )
    categories = (BlockCategory.WEB,)
    credentials = (_CREDENTIAL,)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="Your Exa API key")
        query: str = Field(description="What to search for")
        type: ExaSearchType = Field(
            default=ExaSearchType.AUTO, description="keyword, neural, fast or auto", json_schema_extra=ADVANCED
        )
        category: ExaCategory | None = Field(
            default=None, description="Only pages of this kind (company, news, pdf…)", json_schema_extra=ADVANCED
        )
        user_location: str | None = Field(
            default=None, description="Your country as a two-letter code (e.g. US)", json_schema_extra=ADVANCED
        )
        number_of_results: int = Field(
            default=10, ge=1, le=100, description="How many pages to return", json_schema_extra=ADVANCED
        )
        include_domains: list[str] = Field(default_factory=list, description="Only pages on these sites")
        exclude_domains: list[str] = Field(
            default_factory=list, description="No pages on these sites", json_schema_extra=ADVANCED
        )
        start_crawl_date: datetime | None = Field(
            default=None, description="Only pages Exa read after this", json_schema_extra=ADVANCED
        )
        end_crawl_date: datetime | None = Field(
            default=None, description="Only pages Exa read before this", json_schema_extra=ADVANCED
        )
        start_published_date: datetime | None = Field(
            default=None, description="Only pages published after this", json_schema_extra=ADVANCED
        )
        end_published_date: datetime | None = Field(
            default=None, description="Only pages published before this", json_schema_extra=ADVANCED
        )
        include_text: list[str] = Field(
            default_factory=list, description="Only pages containing this text", json_schema_extra=ADVANCED
        )
        exclude_text: list[str] = Field(
            default_factory=list, description="No pages containing this text", json_schema_extra=ADVANCED
        )
        contents: ContentSettings = Field(
            default_factory=ContentSettings,
            description="What to return of each page (text, highlights, summary…)",
            json_schema_extra=ADVANCED,
        )
        moderation: bool = Field(default=False, description="Leave out unsafe pages", json_schema_extra=ADVANCED)

        empty_is_unset = field_validator("category", "user_location", *_DATES, mode="before")(_empty_to_none)

        @field_validator("type", mode="before")
        @classmethod
        def empty_is_auto(cls, value: Any) -> Any:
            """Older AutoGPT exports leave the type empty: Exa's automatic choice."""
            return _empty_to_none(value) or ExaSearchType.AUTO

    class Output(BlockOutput):
        results: list[ExaResult] = Field(description="The pages found")
        result: ExaResult = Field(description="One page found")
        context: str = Field(description="All the results as one text for a language model (when asked for)")
        search_type: str = Field(description="The search type Exa picked for an auto search")
        resolved_search_type: str = Field(description="The search type Exa used")
        cost_dollars: dict[str, Any] = Field(description="What the request cost, as Exa reports it")

    examples = (
        BlockExample(input={"query": "  "}, output=[("error", EMPTY_QUERY)]),
        BlockExample(input={"query": "open-source agent platforms"}, output=[("error", NO_CREDENTIAL)]),
    )

    async def run(self, input: Input, context: RunContext):
        query = " ".join(input.query.split())
        try:
            if not query:
                raise BlockError(EMPTY_QUERY)
            body = await _post(context, "/search", _search_payload(input, query))
            results = _results(body)
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "results", results
        for result in results:
            yield "result", result
        for pin, key in (("context", "context"), ("search_type", "searchType")):
            if isinstance(body.get(key), str) and body[key]:
                yield pin, body[key]
        if isinstance(body.get("resolvedSearchType"), str) and body["resolvedSearchType"]:
            yield "resolved_search_type", body["resolvedSearchType"]
        if isinstance(body.get("costDollars"), dict):
            yield "cost_dollars", body["costDollars"]


def _search_payload(input: ExaSearchBlock.Input, query: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": query, "numResults": input.number_of_results, "type": input.type.value}
    if input.category:
        payload["category"] = input.category.value
    if input.user_location and input.user_location.strip():
        payload["userLocation"] = input.user_location.strip()
    for field, key in _LISTS.items():
        values = [v.strip() for v in getattr(input, field) if isinstance(v, str) and v.strip()]
        if values:
            payload[key] = values
    for field, key in _DATES.items():
        value: datetime | None = getattr(input, field)
        if value is not None:
            payload[key] = value.isoformat()
    if input.moderation:
        payload["moderation"] = True
    if contents := contents_payload(input.contents):
        payload["contents"] = contents
    return payload


# --- contents -------------------------------------------------------------------------------------


class ExaContentsBlock(Block):
    """Reads pages through Exa."""

    id = "c52be83f-f8cd-4180-b243-af35f986b461"
    name = "Exa page contents"
    autogpt_name = "ExaContentsBlock"
    description = (
        "Reads web pages through Exa (your Exa API key): their text, and if asked highlights, a summary "
        "or links, with one text of them all for a language model."
    )
    categories = (BlockCategory.WEB, BlockCategory.TEXT)
    credentials = (_CREDENTIAL,)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="Your Exa API key")
        urls: list[str] = Field(default_factory=list, description="The addresses of the pages to read")
        ids: list[str] = Field(
            default_factory=list,
            description="Exa ids of pages from a search (older agents; prefer urls)",
            json_schema_extra=ADVANCED,
        )
        text: bool = Field(default=True, description="Return each page's text")
        highlights: HighlightOptions = Field(
            default_factory=HighlightOptions, description="Each page's most relevant sentences"
        )
        summary: SummaryOptions = Field(default_factory=SummaryOptions, description="A summary of each page")
        livecrawl: Livecrawl | None = Field(
            default="fallback", description="Read the page live: never, fallback, always…", json_schema_extra=ADVANCED
        )
        livecrawl_timeout: int | None = Field(
            default=10000, ge=0, description="Milliseconds to wait for a live read", json_schema_extra=ADVANCED
        )
        subpages: int | None = Field(
            default=0, ge=0, description="Pages linked from each page to read too", json_schema_extra=ADVANCED
        )
        subpage_target: str | list[str] | None = Field(
            default=None, description="Word(s) the subpages should match", json_schema_extra=ADVANCED
        )
        extras: ExtrasOptions = Field(
            default_factory=ExtrasOptions, description="Links found on each page", json_schema_extra=ADVANCED
        )

        empty_is_unset = field_validator("livecrawl", mode="before")(_empty_to_none)

    class Output(BlockOutput):
        results: list[ExaResult] = Field(description="The pages read")
        result: ExaResult = Field(description="One page read")
        context: str = Field(description="All the pages as one text for a language model")
        request_id: str = Field(description="Exa's id of the request")
        statuses: list[dict[str, Any]] = Field(description="For each address, whether it could be read and why not")
        cost_dollars: dict[str, Any] = Field(description="What the request cost, as Exa reports it")

    examples = (
        BlockExample(input={"urls": [" "]}, output=[("error", NO_URLS)]),
        BlockExample(input={"urls": ["https://example.com/"]}, output=[("error", NO_CREDENTIAL)]),
    )

    async def run(self, input: Input, context: RunContext):
        urls = [u.strip() for u in input.urls if u.strip()]
        ids = [i.strip() for i in input.ids if i.strip()]
        try:
            if not urls and not ids:
                raise BlockError(NO_URLS)
            body = await _post(context, "/contents", _contents_request(input, urls, ids))
            results = _results(body)
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "results", results
        for result in results:
            yield "result", result
        if isinstance(body.get("context"), str) and body["context"]:
            yield "context", body["context"]
        if isinstance(body.get("requestId"), str) and body["requestId"]:
            yield "request_id", body["requestId"]
        if isinstance(body.get("statuses"), list):
            yield "statuses", [s for s in body["statuses"] if isinstance(s, dict)]
        if isinstance(body.get("costDollars"), dict):
            yield "cost_dollars", body["costDollars"]


def _contents_request(input: ExaContentsBlock.Input, urls: list[str], ids: list[str]) -> dict[str, Any]:
    """The ``/contents`` request: settings left at their defaults are not sent, so Exa's own apply."""
    payload: dict[str, Any] = {"urls": urls} if urls else {"ids": ids}
    if input.text:
        payload["text"] = {"includeHtmlTags": True}
    if input.highlights != HighlightOptions():
        payload["highlights"] = _highlights(input.highlights)
    if input.summary.query or input.summary.schema_:
        payload["summary"] = _summary(input.summary)
    if input.livecrawl:
        payload["livecrawl"] = input.livecrawl
    if input.livecrawl_timeout is not None:
        payload["livecrawlTimeout"] = input.livecrawl_timeout
    if input.subpages is not None:
        payload["subpages"] = input.subpages
    if input.subpage_target:
        payload["subpageTarget"] = input.subpage_target
    if extras := _extras(input.extras):
        payload["extras"] = extras
    payload["context"] = True
    return payload
