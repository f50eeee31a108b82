"""Marketplace search over a realistic catalogue: relevance, typos, web-search syntax, filters,
every sort and paging — on whichever engine ``TEST_DATABASE`` selects (the same expectations)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.store.models import StoreListing
from autogpt_app.store.search import fts5_query, fuzzy_score, search_listings
from autogpt_app.timeutil import utcnow
from tests.store.test_service import make_user, publish

# name, subheading, description, categories, runs, (rating sum, count), featured
CATALOGUE = [
    ("RSS Digest", "A daily digest of your favourite feeds",
     "Reads any number of RSS or Atom feeds, keeps the items published since yesterday and writes them into one "
     "tidy digest with titles, links and summaries.", ["news", "productivity"], 950, (45, 10), True),
    ("Website Uptime Checker", "Know when your site goes down",
     "Requests a web page, checks the HTTP status code and the response time, and notifies you when the site is "
     "down or slow.", ["monitoring", "developer tools"], 700, (36, 9), True),
    ("Loan Calculator", "Monthly payments and total interest",
     "Enter the amount borrowed, the annual interest rate and the term in years to get the monthly payment, the "
     "total paid and the total interest of a fixed-rate loan.", ["finance", "calculators"], 640, (28, 7), False),
    ("Compound Interest Calculator", "See your savings grow over time",
     "Projects the future value of a deposit with compound interest, compounded monthly or yearly, with optional "
     "monthly contributions.", ["finance", "calculators"], 310, (12, 3), False),
    ("Translator", "Translate text between languages with an LLM",
     "Translates text into the language you pick, keeping formatting and tone. Needs an OpenAI-compatible API key.",
     ["writing", "ai"], 880, (40, 9), True),
    ("Blog Post Writer", "Draft a full blog article from a topic",
     "Writes an outline and a complete blog article in Markdown for the topic and audience you choose, with a "
     "title and a meta description.", ["writing", "marketing", "ai"], 820, (30, 8), False),
    ("Social Post Writer", "Short posts for LinkedIn, X and Mastodon",
     "Turns an announcement into platform-sized social media posts with hashtags.", ["marketing", "writing", "ai"],
     400, (15, 4), False),
    ("E-mail Reply Drafter", "Polite replies to the messages you receive",
     "Reads an incoming e-mail and drafts a reply in the tone you want: formal, friendly or brief.",
     ["productivity", "writing", "ai"], 530, (20, 5), False),
    ("Web Page Link Extractor", "Every link on a page, as a list",
     "Downloads a web page and lists every hyperlink with its anchor text, resolving relative addresses.",
     ["developer tools", "research"], 220, (8, 2), False),
    ("JSON API Field Extractor", "Pull one field out of any JSON API",
     "Calls a JSON HTTP API and extracts the value at a path such as data.items[0].name.",
     ["developer tools", "data"], 180, (0, 0), False),
    ("CSV Column Statistics", "Min, max, mean and median of a column",
     "Parses CSV text and computes count, minimum, maximum, mean, median and standard deviation of a numeric "
     "column.", ["data", "analytics"], 260, (9, 2), False),
    ("Extractive Summary", "The key sentences of a long text",
     "Scores sentences by word frequency and returns the most important ones in their original order; no AI "
     "model needed.", ["research", "writing"], 300, (11, 3), False),
    ("Keyword Extraction", "Top keywords and phrases of a document",
     "Finds the most frequent meaningful words and two-word phrases of a text, ignoring stop words.",
     ["research", "marketing"], 150, (4, 1), False),
    ("Meeting Time Across Time Zones", "Find a slot that works for everyone",
     "Converts a meeting time into the local time of each participant's time zone and flags times outside "
     "working hours.", ["productivity", "scheduling"], 410, (19, 4), False),
    ("Date Countdown", "Days left until an event",
     "Counts the days, weeks and working days remaining until a date such as a deadline, birthday or holiday.",
     ["productivity", "scheduling"], 120, (5, 1), False),
    ("Unit Converter", "Length, weight, temperature and volume",
     "Converts values between metric and imperial units: kilometres to miles, kilograms to pounds, Celsius to "
     "Fahrenheit.", ["calculators", "utilities"], 600, (27, 6), False),
    ("Text Cleaner", "Strip HTML tags, extra spaces and odd characters",
     "Cleans pasted text: removes markup, collapses whitespace, normalises quotes and fixes line breaks.",
     ["utilities", "writing"], 90, (3, 1), False),
    ("Regex E-mail and URL Extractor", "Find every address in a text",
     "Uses regular expressions to extract all e-mail addresses and URLs from a block of text, without duplicates.",
     ["data", "utilities"], 140, (7, 2), False),
    ("Markdown to HTML", "Convert Markdown documents to clean HTML",
     "Renders Markdown with tables, code blocks and lists into safe HTML ready to paste into a website or e-mail.",
     ["developer tools", "writing"], 200, (0, 0), False),
    ("Daily Reminder Notification", "A nudge every morning",
     "Sends you a notification with your reminder text; schedule it to run every day.",
     ["productivity", "notifications"], 330, (13, 3), False),
    ("Currency Converter", "Exchange rates for thirty currencies",
     "Fetches current exchange rates and converts an amount from one currency to another.",
     ["finance", "calculators"], 450, (17, 4), False),
]  # fmt: skip

# query → the listing that must be among the first three results
RELEVANCE = [
    ("rss", "RSS Digest"),
    ("feed digest", "RSS Digest"),
    ("uptime", "Website Uptime Checker"),
    ("website down", "Website Uptime Checker"),
    ("loan", "Loan Calculator"),
    ("monthly payment loan", "Loan Calculator"),
    ("compound interest", "Compound Interest Calculator"),
    ("translate", "Translator"),
    ("blog article", "Blog Post Writer"),
    ("linkedin", "Social Post Writer"),
    ("reply to e-mail", "E-mail Reply Drafter"),
    ("web page links", "Web Page Link Extractor"),
    ("json api", "JSON API Field Extractor"),
    ("csv statistics", "CSV Column Statistics"),
    ("median", "CSV Column Statistics"),
    ("summary", "Extractive Summary"),
    ("keywords", "Keyword Extraction"),
    ("time zones meeting", "Meeting Time Across Time Zones"),
    ("countdown deadline", "Date Countdown"),
    ("celsius to fahrenheit", "Unit Converter"),
    ("strip html", "Text Cleaner"),
    ("regular expressions", "Regex E-mail and URL Extractor"),
    ("exchange rates", "Currency Converter"),
    ('"blog article"', "Blog Post Writer"),
    ('"exchange rates" or mortgage', "Currency Converter"),
    ("calcualtor", "Loan Calculator"),
    ("remindr", "Daily Reminder Notification"),
    ("translater", "Translator"),
    ("markdwon", "Markdown to HTML"),
]


@pytest.fixture
async def catalogue() -> dict[str, str]:
    """Publish the catalogue (three creators) and give it run counts, ratings, features and ages."""
    admin = await make_user("root@example.com", "Root", admin=True)
    creators = [
        await make_user("ada@example.com", "Ada Tools"),
        await make_user("bob@example.com", "Bob Writes"),
        await make_user("cy@example.com", "Cy Data"),
    ]
    ids: dict[str, str] = {}
    now = utcnow()
    for n, (name, sub, desc, cats, runs, (rsum, rcount), feat) in enumerate(CATALOGUE):
        published = await publish(
            creators[n % 3], admin, name, subheading=sub, description=desc, categories=cats, image_url=""
        )
        ids[name] = published.listing_id
        async with session_scope() as s:
            await s.execute(
                update(StoreListing)
                .where(StoreListing.id == published.listing_id)
                .values(
                    run_count=runs,
                    rating_sum=rsum,
                    rating_count=rcount,
                    rating_average=rsum / rcount if rcount else 0.0,
                    featured=feat,
                    updated_at=now - timedelta(hours=n),
                )
            )
    return ids


async def search(**kwargs):
    async with session_scope() as s:
        return await search_listings(s, **kwargs)


async def test_relevance_of_twenty_nine_queries(catalogue):
    misses = []
    for query, expected in RELEVANCE:
        page = await search(query=query)
        top = [i.name for i in page.items[:3]]
        if expected not in top:
            misses.append(f"{query!r}: wanted {expected!r}, got {top}")
    assert not misses, "\n".join(misses)


async def test_exact_words_rank_the_name_first_and_typos_fall_back(catalogue):
    page = await search(query="calculator")
    assert not page.fuzzy and page.total >= 3
    assert {i.name for i in page.items[:2]} == {"Loan Calculator", "Compound Interest Calculator"}
    typo = await search(query="calcualtor")
    assert typo.fuzzy and typo.total >= 1 and typo.items[0].name.endswith("Calculator")
    assert (await search(query="zzzqqqxxx")).total == 0
    assert (await search(query="the of and")).total == 0  # nothing searchable


async def test_web_search_syntax(catalogue):
    without = await search(query="calculator -loan")
    names = {i.name for i in without.items}
    assert "Compound Interest Calculator" in names and "Loan Calculator" not in names
    either = await search(query="linkedin or celsius")
    assert {i.name for i in either.items} == {"Social Post Writer", "Unit Converter"}
    phrase = await search(query='"interest rate"')
    assert [i.name for i in phrase.items] == ["Loan Calculator"]
    # Operators and punctuation of the underlying engines are plain text here.
    for odd in ('"', "NEAR(a b)", "a AND", "*", "col:name", "(((", "-", "'; drop table x;--", "ünïcödé"):
        assert (await search(query=odd)).total >= 0


async def test_filters(catalogue):
    finance = await search(category="finance", sort="name")
    assert [i.name for i in finance.items] == ["Compound Interest Calculator", "Currency Converter", "Loan Calculator"]
    assert (await search(category="Finance")).total == 3  # categories are case-insensitive
    assert (await search(category="nope")).total == 0
    both = await search(query="calculator", category="finance")
    assert {i.name for i in both.items} == {"Loan Calculator", "Compound Interest Calculator", "Currency Converter"}
    featured = await search(featured=True, sort="runs")
    assert [i.name for i in featured.items] == ["RSS Digest", "Translator", "Website Uptime Checker"]
    assert (await search(featured=False)).total == len(CATALOGUE) - 3
    ada = await search(creator="ada-tools")
    assert ada.total == 7 and {i.creator_username for i in ada.items} == {"ada-tools"}
    assert (await search(creator="ada-tools", query="rss")).items[0].name == "RSS Digest"
    assert (await search(creator="ada-tools", query="translator")).total == 0  # Bob's
    typo_in_category = await search(query="calcualtor", category="finance")
    assert typo_in_category.fuzzy and {i.name for i in typo_in_category.items} <= {
        "Loan Calculator",
        "Compound Interest Calculator",
        "Currency Converter",
    }


# Pins full text's exact totals and orders; search by meaning adds near listings (tests/store/test_semantic.py).
@pytest.mark.usefixtures("fulltext_only")
async def test_every_sort(catalogue):
    rows = {c[0]: c for c in CATALOGUE}
    everything = (await search(limit=100)).items
    assert len(everything) == len(CATALOGUE)

    runs = [i.name for i in (await search(sort="runs", limit=100)).items]
    assert runs == sorted(rows, key=lambda n: -rows[n][4])

    names = [i.name for i in (await search(sort="name", limit=100)).items]
    assert names == sorted(rows, key=str.lower)

    updated = [i.name for i in (await search(sort="updated", limit=100)).items]
    assert updated == [c[0] for c in CATALOGUE]  # each listing is an hour older than the one before

    rated = [i.name for i in (await search(sort="rating", limit=100)).items]
    average = {n: (r[5][0] / r[5][1] if r[5][1] else 0) for n, r in rows.items()}
    assert rated == sorted(rows, key=lambda n: (-average[n], -rows[n][5][1], -rows[n][4]))
    assert rated[0] == "Date Countdown"  # 5 stars once beats 4.5 stars ten times: a plain average

    relevance = [i.name for i in (await search(limit=100)).items]  # no query: featured, then most run
    assert relevance[:3] == ["RSS Digest", "Translator", "Website Uptime Checker"]

    by_runs = [i.name for i in (await search(query="writer", sort="runs")).items]
    assert by_runs == ["Blog Post Writer", "Social Post Writer"]
    typo_by_name = await search(query="calcualtor", sort="name")
    names = [i.name for i in typo_by_name.items]
    assert typo_by_name.fuzzy and "Loan Calculator" in names and names == sorted(names, key=str.lower)


# Pins full text's exact totals and orders; search by meaning adds near listings (tests/store/test_semantic.py).
@pytest.mark.usefixtures("fulltext_only")
async def test_paging(catalogue):
    seen: list[str] = []
    for offset in range(0, 25, 5):
        page = await search(sort="name", offset=offset, limit=5)
        assert page.total == len(CATALOGUE) and page.offset == offset and page.limit == 5
        seen += [i.id for i in page.items]
    assert len(seen) == len(set(seen)) == len(CATALOGUE)
    past = await search(sort="name", offset=500)
    assert past.items == [] and past.total == len(CATALOGUE)
    matched = await search(query="writer", offset=1, limit=1)
    assert matched.total == 2 and len(matched.items) == 1
    beyond = await search(query="writer", offset=50)
    assert beyond.items == [] and beyond.total == 2
    typo_pages = [await search(query="calcualtor", offset=o, limit=1) for o in range(3)]
    assert all(p.fuzzy and len(p.items) == 1 for p in typo_pages[:2])
    assert len({p.items[0].id for p in typo_pages if p.items}) == len([p for p in typo_pages if p.items])
    assert (await search(limit=1000)).limit == 100
    with pytest.raises(InvalidInput):
        await search(offset=10_001)
    with pytest.raises(InvalidInput):
        await search(sort="price")
    with pytest.raises(InvalidInput):
        await search(query="x" * 201)


# Pins full text's exact totals and orders; search by meaning adds near listings (tests/store/test_semantic.py).
@pytest.mark.usefixtures("fulltext_only")
async def test_hidden_listings_never_show(catalogue):
    async with session_scope() as s:
        await s.execute(update(StoreListing).where(StoreListing.id == catalogue["RSS Digest"]).values(is_active=False))
    assert (await search(query="rss")).total == 0
    assert (await search(query="rss digets")).items == [] or all(
        i.name != "RSS Digest" for i in (await search(query="rss digets")).items
    )
    assert (await search()).total == len(CATALOGUE) - 1


def test_fts5_query_translation():
    assert fts5_query("loan calculator") == '("loan" AND "calculator")'
    assert fts5_query('"exchange rates" OR mortgage') == '("exchange rates") OR ("mortgage")'
    assert fts5_query("calculator -loan") == '(("calculator") NOT ("loan"))'
    assert fts5_query("reply to e-mail") == '("reply" AND "e mail")'
    assert fts5_query('say "hi') == '("say" AND "hi")'
    assert fts5_query("the of") == ""
    assert fts5_query("-only") == ""
    assert fts5_query('NEAR("a" b) *') == '("NEAR a" AND "b")'


def test_fuzzy_score():
    assert fuzzy_score("calcualtor", "Loan Calculator") >= 0.8
    assert fuzzy_score("calc", "Loan Calculator") == 1.0  # half-typed
    assert fuzzy_score("weather", "Loan Calculator") < 0.6
