"""Search the web and Extract website content against local fakes of SearXNG, Tavily, Brave and Jina."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from autogpt_app.blocks.builtin._search_engines import SEARXNG_NO_JSON
from autogpt_app.blocks.builtin.search import NO_SEARCH_SERVICE, NO_TEXT, ExtractWebsiteContentBlock, SearchTheWebBlock
from autogpt_app.blocks.sdk import RunContext, run_block
from autogpt_app.credentials.models import provider_label
from autogpt_app.settings import get_settings
from tests.fakes.web_services import KEYS, FakeWebServices, api_key_context, serving

ARTICLE = """<html><head><title>Birds</title></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop</a></nav>
<article><h1>Why birds sing</h1>
<p>Birds sing to mark their territory and to attract a mate. Each species has its own song, and
young birds learn it by listening to adults during their first months of life.</p>
<p>Some birds, such as starlings and mockingbirds, copy the songs of other species and even
mechanical sounds they hear around them, like car alarms.</p></article>
<footer>Copyright Birds Inc. Cookie settings.</footer></body></html>"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWebServices]:
    with serving(monkeypatch) as services:
        yield services


async def test_searxng_is_used_without_a_key_and_the_pages_are_read(fake: FakeWebServices) -> None:
    fake.page("searx-1", ARTICLE)  # searx-2 answers 404, searx-3 is not a web page: both keep their snippet
    fake.page("searx-3", b"%PDF-1.7", "application/pdf")

    out = dict(await run_block(SearchTheWebBlock(), {"query": "bird song", "max_results": 3}, RunContext()))

    assert "error" not in out
    json.dumps(out)  # run records keep outputs as JSON
    assert [item["url"] for item in out["items"]] == [fake.url(f"/pages/searx-{n}") for n in (1, 2, 3)]
    assert "Birds sing to mark their territory" in out["items"][0]["content"]
    assert out["items"][1]["content"] == "" and out["items"][1]["snippet"] == "About bird song, part 2."
    assert out["results"].startswith(f"[1] Title: bird song result 1\n[1] URL Source: {fake.url('/pages/searx-1')}")
    assert "[1] Content:\n" in out["results"] and "[3] Description: About bird song, part 3." in out["results"]
    assert fake.requests[0].query == {"q": "bird song", "format": "json"}
    assert sorted(r.path for r in fake.requests[1:]) == ["/pages/searx-1", "/pages/searx-2", "/pages/searx-3"]


async def test_without_page_text_only_the_search_is_asked(fake: FakeWebServices) -> None:
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q", "with_page_text": False}, RunContext()))

    assert len(out["items"]) == 5 and all(item["content"] == "" for item in out["items"])
    assert [r.path for r in fake.requests] == ["/searxng/search"]


async def test_searxng_without_json_output_explains_the_refusal(fake: FakeWebServices) -> None:
    fake.fail("/searxng", 403, b"<h1>403 Forbidden</h1>")
    out = dict(await run_block(SearchTheWebBlock(), {"query": "x"}, RunContext()))
    assert out == {"error": SEARXNG_NO_JSON}


async def test_no_service_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "searxng_url", "")
    assert await run_block(SearchTheWebBlock(), {"query": "x"}, RunContext()) == [("error", NO_SEARCH_SERVICE)]


async def test_tavily(fake: FakeWebServices) -> None:
    context = api_key_context("tavily_credentials", "tavily")
    out = dict(await run_block(SearchTheWebBlock(), {"query": "rust", "max_results": 2}, context))

    assert [hit["title"] for hit in out["items"]] == ["rust page 1", "rust page 2"]
    assert out["items"][0]["content"] == "Raw text of Tavily page 1."  # Tavily gave the text: no page read
    assert [r.path for r in fake.requests] == ["/tavily/search"]
    sent = fake.requests[0]
    assert sent.headers["authorization"] == f"Bearer {KEYS['tavily']}"
    assert sent.json()["query"] == "rust" and sent.json()["max_results"] == 2
    assert sent.json()["include_raw_content"] is True


async def test_brave(fake: FakeWebServices) -> None:
    context = api_key_context("brave_credentials", "brave")
    out = dict(await run_block(SearchTheWebBlock(), {"query": "go", "max_results": 4}, context))

    assert [hit["url"] for hit in out["items"]] == [fake.url(f"/pages/brave-{n}") for n in range(1, 5)]
    assert out["items"][0]["snippet"] == "Brave found 1."
    assert fake.requests[0].headers["x-subscription-token"] == KEYS["brave"]
    assert fake.requests[0].query["count"] == "4"


async def test_jina_results_carry_the_page_text(fake: FakeWebServices) -> None:
    out = dict(await run_block(SearchTheWebBlock(), {"query": "llm"}, api_key_context("credentials", "jina")))

    assert len(out["items"]) == 5
    assert "[1] Content:\n# Page 1\n\nFull text of page 1 about llm." in out["results"]
    assert [r.path for r in fake.requests] == ["/jina-search/"]  # Jina gave the text: no page read
    assert fake.requests[0].headers["accept"] == "application/json"

    await run_block(
        SearchTheWebBlock(), {"query": "llm", "with_page_text": False}, api_key_context("credentials", "jina")
    )
    assert fake.requests[-1].headers["x-respond-with"] == "no-content"


async def test_the_jina_key_wins_when_several_are_given(fake: FakeWebServices) -> None:
    context = api_key_context("credentials", "jina")
    context.credentials["brave_credentials"] = api_key_context("brave_credentials", "brave").credentials[
        "brave_credentials"
    ]

    await run_block(SearchTheWebBlock(), {"query": "q"}, context)

    assert [r.path for r in fake.requests] == ["/jina-search/"]


@pytest.mark.parametrize(
    ("field", "provider", "prefix", "name"),
    [
        ("tavily_credentials", "tavily", "/tavily", "Tavily"),
        ("brave_credentials", "brave", "/brave", "Brave Search"),
        ("credentials", "jina", "/jina-search", "Jina Search"),
    ],
)
async def test_provider_errors_are_readable_and_never_show_the_key(
    fake: FakeWebServices, field: str, provider: str, prefix: str, name: str
) -> None:
    wrong = "wrong-key-canary-9f8e7d6c"
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q"}, api_key_context(field, provider, wrong)))
    assert out["error"].startswith(f"{name} refused the request (HTTP 401): check the API key in the credential.")
    assert wrong not in out["error"]

    fake.fail(prefix, 429, {"message": f"slow down {KEYS[provider]}"})
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q"}, api_key_context(field, provider)))
    assert out["error"].startswith(f"{name} says there were too many requests (HTTP 429)")
    assert KEYS[provider] not in out["error"]

    fake.fail(prefix, 503, b"upstream down")
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q"}, api_key_context(field, provider)))
    assert out == {"error": f"{name} had a problem on its side (HTTP 503); try again later."}


async def test_an_answer_that_is_not_json(fake: FakeWebServices) -> None:
    fake.fail("/searxng", 200, b"<html>captcha</html>")
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q"}, RunContext()))
    assert out == {"error": "SearXNG answered with something that is not JSON."}


# --- Extract website content ---------------------------------------------------------------------


async def test_main_text_is_extracted_locally(fake: FakeWebServices) -> None:
    url = fake.page("birds", ARTICLE)

    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": url}, RunContext()))

    assert "Birds sing to mark their territory" in out["content"]
    assert "starlings and mockingbirds" in out["content"]
    assert "Cookie settings" not in out["content"] and "Shop" not in out["content"]
    assert [r.path for r in fake.requests] == ["/pages/birds"]


async def test_a_page_in_its_own_charset(fake: FakeWebServices) -> None:
    body = "<html><head><meta charset='iso-8859-1'></head><body><article><p>" + "Crème brûlée, très bon. " * 8
    url = fake.page("latin", (body + "</p></article></body></html>").encode("latin-1"), "text/html")

    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": url}, RunContext()))

    assert out["content"].startswith("Crème brûlée, très bon.")


async def test_raw_content_is_the_page_as_sent(fake: FakeWebServices) -> None:
    url = fake.page("birds", ARTICLE)
    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": url, "raw_content": True}, RunContext()))
    assert out == {"content": ARTICLE}


async def test_plain_text_passes_through_and_files_are_refused(fake: FakeWebServices) -> None:
    text = fake.page("notes.txt", "just some notes", "text/plain")
    assert dict(await run_block(ExtractWebsiteContentBlock(), {"url": text}, RunContext())) == {
        "content": "just some notes"
    }

    pdf = fake.page("file.pdf", b"%PDF-1.7", "application/pdf")
    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": pdf}, RunContext()))
    assert out == {"error": "The page is not a web page (application/pdf); use 'raw content' to get it as sent."}


async def test_a_page_without_text_and_a_missing_page(fake: FakeWebServices) -> None:
    empty = fake.page("empty", "<html><body><script>app()</script></body></html>")
    assert dict(await run_block(ExtractWebsiteContentBlock(), {"url": empty}, RunContext())) == {"error": NO_TEXT}

    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": fake.url("/pages/nope")}, RunContext()))
    assert out == {"error": "The page at 127.0.0.1 answered with HTTP 404."}


async def test_with_a_jina_key_jina_reader_reads_the_page(fake: FakeWebServices) -> None:
    url = "https://example.com/article?id=7"

    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": url}, api_key_context("credentials", "jina")))

    assert out["content"].startswith("Title: Read by Jina")
    sent = fake.requests[-1]
    assert sent.target == f"/jina-reader/{url}"
    assert sent.headers["authorization"] == f"Bearer {KEYS['jina']}"


async def test_jina_reader_refusing_the_api_key_context(fake: FakeWebServices) -> None:
    out = dict(
        await run_block(
            ExtractWebsiteContentBlock(),
            {"url": "https://example.com/"},
            api_key_context("credentials", "jina", "bad-key-0000000"),
        )
    )
    assert out["error"].startswith("Jina Reader refused the request (HTTP 401)")
    assert "bad-key-0000000" not in out["error"]


async def test_a_self_hosted_reader_named_by_the_credential(fake: FakeWebServices, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "jina_reader_url", "http://10.0.0.9")  # not used
    context = api_key_context("credentials", "jina", base_url=fake.url("/jina-reader"))

    out = dict(await run_block(ExtractWebsiteContentBlock(), {"url": "https://example.com/a"}, context))

    assert out["content"].startswith("Title: Read by Jina")
    assert fake.requests[-1].target == "/jina-reader/https://example.com/a"


def test_the_new_providers_read_as_people_write_them() -> None:
    assert [provider_label(p) for p in ("jina", "tavily", "brave", "openweathermap", "google_maps")] == [
        "Jina",
        "Tavily",
        "Brave Search",
        "OpenWeatherMap",
        "Google Maps",
    ]


@pytest.mark.parametrize(
    ("field", "provider", "said"),
    [
        ("tavily_credentials", "tavily", "Unauthorized: missing or invalid API key."),
        ("brave_credentials", "brave", "The provided subscription token is invalid."),
        ("credentials", "jina", "AuthenticationRequiredError: Invalid API key"),
    ],
)
async def test_the_services_own_reason_is_passed_on(
    fake: FakeWebServices, field: str, provider: str, said: str
) -> None:
    out = dict(await run_block(SearchTheWebBlock(), {"query": "q"}, api_key_context(field, provider, "bad-key-1234")))
    assert out["error"].endswith(f"It said: {said}")
