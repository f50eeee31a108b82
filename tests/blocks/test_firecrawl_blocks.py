"""The Firecrawl blocks against a local fake of Firecrawl's REST API v1.

Loopback is allowed only inside these tests. The key is a canary that must appear in no output,
no error and no log line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from autogpt_app.blocks.builtin import firecrawl
from autogpt_app.blocks.builtin.firecrawl import (
    FirecrawlCrawlBlock,
    FirecrawlExtractBlock,
    FirecrawlMapWebsiteBlock,
    FirecrawlScrapeBlock,
)
from autogpt_app.blocks.sdk import Block, CredentialSecret, RunContext, run_block
from autogpt_app.settings import get_settings
from tests.fakes.firecrawl_api import KEY, FakeFirecrawl


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFirecrawl]:
    settings = get_settings()
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)
    monkeypatch.setattr(firecrawl, "POLL_SECONDS", 0.01)
    with FakeFirecrawl() as fake:
        fake.configure(settings, monkeypatch)
        yield fake


async def run(block: Block, key: str = KEY, **inputs: Any) -> list[tuple[str, Any]]:
    credential = CredentialSecret(id="cred-fc", provider="firecrawl", type="api_key", api_key=key)
    return await run_block(block, inputs, RunContext(user_id="u1", credentials={"credentials": credential}))


def assert_no_secret(outputs: list[tuple[str, Any]], logs: pytest.LogCaptureFixture, secret: str = KEY) -> None:
    assert secret not in json.dumps(outputs)
    assert secret not in logs.text


async def test_scrape_passes_on_each_format_asked(api: FakeFirecrawl, logs):
    out = await run(FirecrawlScrapeBlock(), url="https://example.com/docs", formats=["markdown", "links", "json"])
    pins = dict(out)
    assert [pin for pin, _ in out] == ["data", "markdown", "links", "json_data"]
    assert pins["markdown"] == "# docs\n\nText of https://example.com/docs"
    assert pins["links"] == ["https://example.com/docs/a", "https://example.com/docs/b"]
    assert pins["json_data"] == {"title": "docs"}
    assert pins["data"]["metadata"]["sourceURL"] == "https://example.com/docs"
    sent = api.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.json == {
        "url": "https://example.com/docs",
        "formats": ["markdown", "links", "json"],
        "onlyMainContent": True,
        "maxAge": 3_600_000,
        "waitFor": 200,
    }
    assert_no_secret(out, logs)


async def test_map_lists_the_sites_pages(api: FakeFirecrawl):
    out = dict(await run(FirecrawlMapWebsiteBlock(), url="https://example.com"))
    assert out["links"] == ["https://example.com", "https://example.com/about", "https://example.com/pricing"]
    assert out["results"][1] == {"url": "https://example.com/about", "title": "", "description": ""}


async def test_crawl_waits_for_the_job_and_follows_its_result_pages(api: FakeFirecrawl, logs):
    api.polls_before_done = 2
    out = await run(FirecrawlCrawlBlock(), url="https://example.com", limit=5, formats=["markdown", "html"])
    assert [pin for pin, _ in out] == ["data", "markdown", "html", "markdown", "html"]
    data = dict(out)["data"]
    assert [p["metadata"]["sourceURL"] for p in data] == ["https://example.com/", "https://example.com/about"]
    started = next(r for r in api.requests if r.path == "/v1/crawl")
    assert started.json["limit"] == 5 and started.json["scrapeOptions"]["formats"] == ["markdown", "html"]
    assert_no_secret(out, logs)


async def test_a_crawl_that_takes_too_long_is_given_up_and_cancelled(api: FakeFirecrawl, monkeypatch):
    api.polls_before_done = 10_000
    monkeypatch.setattr(firecrawl, "JOB_WAIT_SECONDS", 0.1)
    [(pin, message)] = await run(FirecrawlCrawlBlock(), url="https://example.com")
    assert pin == "error" and "was not done after" in message
    assert all(job["cancelled"] for job in api.jobs.values())


async def test_a_failed_job_is_a_readable_error(api: FakeFirecrawl):
    api.final_status = "failed"
    assert await run(FirecrawlCrawlBlock(), url="https://example.com") == [
        ("error", "Firecrawl's crawl failed: The site refused us")
    ]


async def test_extract_sends_prompt_and_schema_and_passes_on_the_data(api: FakeFirecrawl):
    schema = {"type": "object", "properties": {"price": {"type": "number"}}}
    out = await run(FirecrawlExtractBlock(), urls=["https://example.com/*"], prompt="Prices", output_schema=schema)
    assert out == [("data", {"urls": ["https://example.com/*"]})]
    started = next(r for r in api.requests if r.path == "/v1/extract")
    assert started.json == {
        "urls": ["https://example.com/*"],
        "enableWebSearch": False,
        "prompt": "Prices",
        "schema": schema,
    }


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, None, "Firecrawl refused the request (HTTP 401): check the API key in the credential."),
        (403, {"success": False, "error": "Forbidden"}, "Firecrawl refused the request (HTTP 403)"),
        (402, {"success": False, "error": "Insufficient credits"}, "no credits left (HTTP 402)"),
        (429, {"success": False, "error": "Rate limit exceeded"}, "too many requests (HTTP 429)"),
        (503, None, "Firecrawl had a problem on its side (HTTP 503); try again later."),
    ],
)
async def test_service_failures_are_one_readable_sentence(api: FakeFirecrawl, logs, status, body, expected):
    for block, inputs in (
        (FirecrawlScrapeBlock(), {"url": "https://example.com"}),
        (FirecrawlMapWebsiteBlock(), {"url": "https://example.com"}),
    ):
        api.fail_next(status, {"success": False, "error": f"bad key {KEY}"} if body is None else body)
        [(pin, message)] = await run(block, **inputs)
        assert pin == "error" and expected in message
        assert "\n" not in message and "Traceback" not in message
        assert_no_secret([(pin, message)], logs)


async def test_a_wrong_key_is_refused_and_never_shown(api: FakeFirecrawl, logs):
    wrong = "fc-wrong-key-canary-000111"
    [(pin, message)] = await run(FirecrawlScrapeBlock(), key=wrong, url="https://example.com")
    assert pin == "error" and "HTTP 401" in message and "Invalid token" in message
    assert_no_secret([(pin, message)], logs, wrong)


async def test_the_key_goes_only_to_firecrawl(api: FakeFirecrawl, monkeypatch):
    """A crawl's `next` page on another address is not followed with the key."""
    original = FakeFirecrawl._status

    def elsewhere(self, job_id, job, request):
        answer = original(self, job_id, job, request)
        if isinstance(answer.body, dict) and answer.body.get("next"):
            answer.body["next"] = "http://127.0.0.2:9/steal"
        return answer

    monkeypatch.setattr(FakeFirecrawl, "_status", elsewhere)
    out = dict(await run(FirecrawlCrawlBlock(), url="https://example.com"))
    assert len(out["data"]) == 1
