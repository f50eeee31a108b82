"""The web search services "Search the web" can use, each behind one function of the same shape.

* **SearXNG** (self-hosted, no key): ``GET {SEARXNG_URL}/search?q=…&format=json``; the instance must
  allow the JSON format (``search.formats`` in its ``settings.yml``), else it answers 403.
* **Tavily**: ``POST {TAVILY_API_URL}/search`` with ``Authorization: Bearer <key>``.
* **Brave Search**: ``GET {BRAVE_SEARCH_URL}/res/v1/web/search?q=…`` with ``X-Subscription-Token``.
* **Jina Search**: ``GET {JINA_SEARCH_URL}/?q=…`` with ``Authorization: Bearer <key>`` and
  ``Accept: application/json``; its results carry the text of each page found (``X-Respond-With:
  no-content`` leaves it out). A Jina credential's ``base_url`` names a Reader, not a search service.

A Tavily or Brave credential's ``base_url`` setting replaces the service's address (a proxy).

Every function returns :class:`SearchHit` items; :func:`format_hits` turns them into the text the
block's ``results`` pin carries.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer
from autogpt_app.blocks.sdk import BlockError, CredentialSecret, RunContext
from autogpt_app.settings import get_settings

MAX_CONTENT_CHARS = 20_000  # of one page's text in the results
SEARXNG_NO_JSON = (
    "SearXNG refused to answer in JSON (HTTP 403): the administrator must add json to search.formats "
    "in its settings.yml."
)


class SearchHit(BaseModel):
    """One page a search found."""

    title: str = Field(default="", description="The page's title")
    url: str = Field(default="", description="The page's address")
    snippet: str = Field(default="", description="A short extract or description")
    content: str = Field(default="", description="The page's text, when the service gives it")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _api_key(credential: CredentialSecret, service: str) -> str:
    key = credential.api_key.get_secret_value() if credential.api_key else ""
    if not key:
        raise BlockError(f"The {service} credential has no API key.")
    return key


def _base(credential: CredentialSecret | None, default: str) -> str:
    """The credential's own base_url (a self-hosted or proxied service) or the configured address."""
    base = (credential.meta.get("base_url") if credential else None) or default
    return str(base)


async def searxng(context: RunContext, base_url: str, query: str, limit: int) -> list[SearchHit]:
    """Search a SearXNG instance (no key)."""
    response = await call_service(
        context,
        "SearXNG",
        "GET",
        join_url(base_url, "search"),
        params={"q": query, "format": "json"},
        hints={403: SEARXNG_NO_JSON},
    )
    body = json_answer("SearXNG", response)
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise BlockError("SearXNG answered without a list of results.")
    return [
        SearchHit(title=_text(r.get("title")), url=_text(r.get("url")), snippet=_text(r.get("content")))
        for r in results[:limit]
        if isinstance(r, dict) and r.get("url")
    ]


async def tavily(
    context: RunContext, credential: CredentialSecret, query: str, limit: int, *, with_text: bool = False
) -> list[SearchHit]:
    """Search with Tavily's API (``with_text``: Tavily includes each page's text)."""
    key = _api_key(credential, "Tavily")
    response = await call_service(
        context,
        "Tavily",
        "POST",
        join_url(_base(credential, get_settings().tavily_api_url), "search"),
        headers={"Authorization": f"Bearer {key}"},
        json={
            "query": query,
            "max_results": min(limit, 20),
            "search_depth": "basic",
            "include_raw_content": with_text,
        },
        secrets=(key,),
    )
    body = json_answer("Tavily", response)
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise BlockError("Tavily answered without a list of results.")
    return [
        SearchHit(
            title=_text(r.get("title")),
            url=_text(r.get("url")),
            snippet=_text(r.get("content")),
            content=str(r.get("raw_content") or "")[:MAX_CONTENT_CHARS],
        )
        for r in results[:limit]
        if isinstance(r, dict) and r.get("url")
    ]


async def brave(context: RunContext, credential: CredentialSecret, query: str, limit: int) -> list[SearchHit]:
    """Search with the Brave Search API."""
    key = _api_key(credential, "Brave Search")
    response = await call_service(
        context,
        "Brave Search",
        "GET",
        join_url(_base(credential, get_settings().brave_search_url), "res/v1/web/search"),
        headers={"X-Subscription-Token": key, "Accept": "application/json"},
        params={"q": query, "count": min(limit, 20)},
        secrets=(key,),
    )
    body = json_answer("Brave Search", response)
    web = body.get("web") if isinstance(body, dict) else None
    results = web.get("results") if isinstance(web, dict) else []
    if not isinstance(results, list):
        raise BlockError("Brave Search answered without a list of results.")
    return [
        SearchHit(title=_text(r.get("title")), url=_text(r.get("url")), snippet=_text(r.get("description")))
        for r in results[:limit]
        if isinstance(r, dict) and r.get("url")
    ]


async def jina(
    context: RunContext, credential: CredentialSecret, query: str, limit: int, *, with_text: bool = True
) -> list[SearchHit]:
    """Search with Jina's search API (``with_text``: its results include each page's text)."""
    key = _api_key(credential, "Jina")
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    if not with_text:
        headers["X-Respond-With"] = "no-content"
    response = await call_service(
        context,
        "Jina Search",
        "GET",
        join_url(get_settings().jina_search_url, ""),  # the credential's base_url is for its Reader
        headers=headers,
        params={"q": query},
        secrets=(key,),
    )
    body = json_answer("Jina Search", response)
    results = body.get("data") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise BlockError("Jina Search answered without a list of results.")
    return [
        SearchHit(
            title=_text(r.get("title")),
            url=_text(r.get("url")),
            snippet=_text(r.get("description")),
            content=str(r.get("content") or "")[:MAX_CONTENT_CHARS],
        )
        for r in results[:limit]
        if isinstance(r, dict) and r.get("url")
    ]


def format_hits(hits: list[SearchHit]) -> str:
    """The results as one text, numbered, for a prompt or a person to read."""
    parts = []
    for number, hit in enumerate(hits, start=1):
        lines = [f"[{number}] Title: {hit.title}", f"[{number}] URL Source: {hit.url}"]
        if hit.snippet:
            lines.append(f"[{number}] Description: {hit.snippet}")
        if hit.content:
            lines.append(f"[{number}] Content:\n{hit.content.strip()}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
