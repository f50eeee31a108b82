"""Search relevance over the seeded catalogue: natural queries (typos included) find the agent a person
means among the first three results, on whichever engine ``TEST_DATABASE`` selects."""

from __future__ import annotations

import pytest

from autogpt_app.db import session_scope
from autogpt_app.store.search import search_listings
from autogpt_app.store.seed import CATALOGUE, seed_catalogue

# query → slug of the listing that must be among the first three results
RELEVANCE = [
    ("rss", "rss-feed-digest"),
    ("summarise news feeds", "rss-feed-digest"),
    ("daily news digest", "rss-feed-digest"),
    ("loan", "loan-calculator"),
    ("mortgage monthly payment", "loan-calculator"),
    ("compound interest savings", "compound-interest-calculator"),
    ("translate", "ai-translator"),
    ("translate text to spanish", "ai-translator"),
    ("email reply", "email-reply-drafter"),
    ("time zone meeting", "meeting-time-across-time-zones"),
    ("convert time zones", "time-zone-converter"),
    ("csv statistics", "csv-column-statistics"),
    ("median of a column", "csv-column-statistics"),
    ("uptime", "website-uptime-check"),
    ("is my website down", "website-uptime-check"),
    ("markdown", "markdown-to-html-converter"),
    ("keywords", "keyword-extractor"),
    ("extract links from a web page", "web-page-link-extractor"),
    ("json api", "json-api-field-extractor"),
    ("regex email", "email-and-url-extractor"),
    ("strip html tags", "text-cleaner"),
    ("celsius to fahrenheit", "unit-converter"),
    ("kilometres to miles", "unit-converter"),
    ("split the bill", "tip-and-bill-splitter"),
    ("vat", "sales-tax-vat-calculator"),
    ("countdown to deadline", "date-countdown"),
    ("days between two dates", "days-between-dates"),
    ("daily reminder", "daily-reminder-notification"),
    ("blog post", "blog-post-writer"),
    ("linkedin post", "social-post-writer"),
    ("meeting notes action items", "meeting-notes-action-items"),
    ("summarize article", "ai-article-summarizer"),
    ("reading time", "word-count-reading-time"),
    ("slug", "slug-generator"),
    ("pretty print json", "json-formatter-validator"),
    ("json to csv", "json-to-csv-converter"),
    ("csv to json", "csv-to-json-converter"),
    ("remove duplicate lines", "sort-and-deduplicate-lines"),
    ("percentage change", "percentage-change-calculator"),
    ("bmi", "bmi-calculator"),
    ("product description", "product-description-writer"),
    ("notify when page says in stock", "web-page-phrase-alert"),
    ("summary without ai", "web-page-summary-offline"),
    # typos: nothing matches in full text, the typo-tolerant fallback answers
    ("loan calculater", "loan-calculator"),
    ("compund intrest", "compound-interest-calculator"),
    ("translater", "ai-translator"),
    ("markdwon", "markdown-to-html-converter"),
    ("remindr", "daily-reminder-notification"),
]


@pytest.fixture
async def seeded() -> None:
    async with session_scope() as s:
        report = await seed_catalogue(s)
    assert len(report.created) == len(CATALOGUE)


async def search(**kwargs):
    async with session_scope() as s:
        return await search_listings(s, **kwargs)


async def test_natural_queries_find_the_agent_in_the_top_three(seeded) -> None:
    misses = []
    for query, slug in RELEVANCE:
        page = await search(query=query)
        top = [item.slug for item in page.items[:3]]
        if slug not in top:
            misses.append(f"{query!r}: wanted {slug}, got {top} (of {page.total}{', fuzzy' if page.fuzzy else ''})")
    assert not misses, f"{len(misses)} of {len(RELEVANCE)} queries missed:\n" + "\n".join(misses)


async def test_a_misspelt_word_alone_still_finds_calculators(seeded) -> None:
    page = await search(query="calculater")
    assert page.fuzzy and page.total >= 3
    assert all(item.name.endswith("Calculator") for item in page.items[:3])


async def test_every_word_of_a_misspelt_query_counts(seeded) -> None:
    # "loan" is spelt right: among all the calculators the loan calculator comes first, on both engines.
    page = await search(query="loan calculater")
    assert page.fuzzy and page.items[0].slug == "loan-calculator"
    page = await search(query="compund intrest")
    assert page.items[0].slug == "compound-interest-calculator"


async def test_filters_and_sorts_over_the_catalogue(seeded) -> None:
    finance = {a.slug for a in CATALOGUE if "finance" in a.categories}
    page = await search(category="finance", limit=100)
    assert {item.slug for item in page.items} == finance
    ai = await search(query="writer", category="ai", limit=100)
    assert ai.total >= 3 and all("ai" in item.categories for item in ai.items)
    featured = await search(featured=True, limit=100)
    assert {item.slug for item in featured.items} == {a.slug for a in CATALOGUE if a.featured}
    by_creator = await search(creator="ledger-lane", sort="name", limit=100)
    names = [item.name for item in by_creator.items]
    assert names == sorted(names, key=str.lower) and len(names) == sum(a.creator == "ledger-lane" for a in CATALOGUE)
    # Honest numbers: nothing has been run or rated yet.
    everything = await search(limit=100)
    assert everything.total == len(CATALOGUE)
    assert all(
        item.run_count == 0 and item.rating_count == 0 and item.rating_average is None for item in everything.items
    )
