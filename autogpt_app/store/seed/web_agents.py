"""Seed agents that read the web: feeds, pages, JSON APIs and uptime (all through the SSRF-guarded client)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from autogpt_app.blocks.builtin.basic import StoreValueBlock
from autogpt_app.blocks.builtin.communication import SendNotificationBlock
from autogpt_app.blocks.builtin.conversion import CountItemsBlock, UniversalTypeConverterBlock
from autogpt_app.blocks.builtin.json_blocks import GetJsonPathBlock
from autogpt_app.blocks.builtin.logic import CalculatorBlock, ConditionBlock
from autogpt_app.blocks.builtin.rss import ReadRSSFeedBlock
from autogpt_app.blocks.builtin.text import ChangeCaseBlock, FillTextTemplateBlock, WordCharacterCountBlock
from autogpt_app.blocks.builtin.text_analysis import ExtractiveSummaryBlock
from autogpt_app.blocks.builtin.time import GetCurrentDateAndTimeBlock
from autogpt_app.blocks.builtin.web import SendWebRequestBlock
from autogpt_app.blocks.builtin.web_page import FetchWebPageBlock
from autogpt_app.store.seed.builder import dropdown_input, graph, node, number_input, output, text_input, toggle_input
from autogpt_app.store.seed.model import (
    Sample,
    SeedAgent,
    Served,
    all_of,
    approx,
    contains,
    equals,
    excludes,
    matches,
)

# ---------------------------------------------------------------------------------------------
# RSS digest
# ---------------------------------------------------------------------------------------------

_DIGEST = """\
{%- if not entries -%}
No new items{% if hours %} in the last {{ hours }} hours{% endif %} in {{ feed }}.
{%- else -%}
{{ entries|length }} item{{ 's' if entries|length != 1 }} from {{ feed }}
{% for e in entries %}
{{ loop.index }}. [{{ e.title or e.link }}]({{ e.link }}){% if e.pub_date %} · {{ e.pub_date[:10] }}{% endif %}
{%- if e.description %}
   {{ e.description|striptags|truncate(240) }}
{%- endif %}
{% endfor %}
{%- endif -%}"""


def _sample_feed() -> str:
    now = datetime.now(UTC)
    items = [
        (
            "Rust 2.0 roadmap published",
            "https://news.example.com/rust-roadmap",
            now - timedelta(hours=2),
            "<p>The core team shares <b>what comes next</b> for the language.</p>",
        ),
        (
            "SQLite adds a new JSON function",
            "https://news.example.com/sqlite-json",
            now - timedelta(hours=7),
            "A small release with a big convenience for JSON users.",
        ),
        (
            "Last month's conference recap",
            "https://news.example.com/recap",
            now - timedelta(days=12),
            "Talks, slides and videos from the conference.",
        ),
    ]
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{format_datetime(when)}</pubDate>"
        f"<description><![CDATA[{text}]]></description></item>"
        for title, link, when, text in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example tech news</title>'
        f"<link>https://news.example.com/</link><description>Tech news</description>{entries}</channel></rss>"
    )


RSS_DIGEST = SeedAgent(
    slug="rss-feed-digest",
    name="RSS Feed Digest",
    subheading="Summarise the latest news from any RSS or Atom feed into one tidy digest",
    description=(
        "Reads an RSS or Atom feed and turns the items published in the last hours into a numbered Markdown "
        "digest with titles, links, dates and a short summary of each. Use it to follow a blog, a news site, "
        "a release page or a podcast without opening every site.\n\n"
        "Choose how far back to look (24 hours by default, 0 for everything in the feed) and how many items "
        "to list. Schedule it every morning to get a daily news digest; the number of new items is also "
        "given on its own, so you can see at a glance whether anything happened."
    ),
    categories=("research", "productivity"),
    creator="northwind-labs",
    featured=True,
    changelog="First release: Markdown digest with summaries, look-back window and item limit.",
    graph=graph(
        "RSS Feed Digest",
        "Lists the recent items of an RSS or Atom feed as a Markdown digest.",
        [
            text_input(
                "feed", "feed_url", "Feed address", "Address of the RSS or Atom feed, e.g. https://hnrss.org/frontpage"
            ),
            number_input(
                "hours",
                "hours",
                "Look back (hours)",
                "Only items published in the last this many hours; 0 lists every item",
                24,
            ),
            number_input("limit", "max_items", "Most items", "The digest lists at most this many items", 10),
            node("minutes", CalculatorBlock, operation="Multiply", b=60, round_result=True),
            node("read", ReadRSSFeedBlock),
            node("digest", FillTextTemplateBlock, format=_DIGEST),
            node("count", CountItemsBlock),
            output("out", "digest", "Digest", "The recent items as a Markdown list with links and summaries"),
            output("out_count", "item_count", "New items", "How many items the digest lists"),
        ],
        [
            "feed.result -> read.rss_url",
            "hours.result -> minutes.a",
            "minutes.result -> read.time_period",
            "limit.result -> read.max_entries",
            "read.entries -> digest.values_#_entries",
            "hours.result -> digest.values_#_hours",
            "feed.result -> digest.values_#_feed",
            "digest.output -> out.value",
            "read.entries -> count.collection",
            "count.count -> out_count.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"feed_url": "{server}/feed.xml"},
            serve={"/feed.xml": Served(_sample_feed, "application/rss+xml")},
            expect={
                "digest": all_of(
                    contains("2 items from", "[Rust 2.0 roadmap published](https://news.example.com/rust-roadmap)"),
                    contains("SQLite adds a new JSON function", "what comes next for the language"),
                    excludes("conference recap", "<b>"),
                ),
                "item_count": equals(2),
            },
            note="Items older than 24 hours are left out; HTML in summaries is stripped.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Link extractor
# ---------------------------------------------------------------------------------------------

_LINK_FILTER = """\
{%- set host = (page.split('/') + ['', '', ''])[2] -%}
[{%- for l in links if which == 'all links'
     or (((l.url.split('/') + ['', '', ''])[2] == host) == (which == 'same site only')) -%}
{{ l|tojson }}{{ ',' if not loop.last }}
{%- endfor -%}]"""
_LINK_LIST = """\
{%- for l in links -%}
- [{{ l.text or l.url }}]({{ l.url }})
{% endfor -%}"""

_LINKS_PAGE = """<!doctype html><html><head><title>Acme Docs</title></head><body>
<nav><a href="/">Home</a> <a href="/guide/install">Install guide</a></nav>
<p>Read the <a href="https://github.com/acme/acme">source code</a> or
<a href="https://status.acme.example/">check the status page</a>.</p>
<p>Questions? <a href="mailto:help@acme.example">Write to us</a>. <a href="/guide/install">Install again</a></p>
</body></html>"""

LINK_EXTRACTOR = SeedAgent(
    slug="web-page-link-extractor",
    name="Web Page Link Extractor",
    subheading="List every link on a web page, with its text, as Markdown or data",
    description=(
        "Fetches a web page and extracts the links it contains: each address once, with the text people click "
        "on, relative addresses turned into full ones. Keep all links, only those that stay on the same site "
        "(a quick site map or broken-link check list) or only external ones (the sources an article cites).\n\n"
        "You get a Markdown list to read or paste, the links as data for other agents, and how many there are."
    ),
    categories=("research", "developer"),
    creator="northwind-labs",
    changelog="First release: all, same-site or external links, as Markdown and as data.",
    graph=graph(
        "Web Page Link Extractor",
        "Lists the links of a web page.",
        [
            text_input("url", "url", "Page address", "The web page to read, e.g. https://example.com/blog"),
            dropdown_input(
                "which",
                "which",
                "Which links",
                "All links, only links to the same site, or only links elsewhere",
                ["all links", "same site only", "external only"],
                "all links",
            ),
            node("read", FetchWebPageBlock),
            node("select", FillTextTemplateBlock, format=_LINK_FILTER),
            node("as_list", UniversalTypeConverterBlock, type="list"),
            node("markdown", FillTextTemplateBlock, format=_LINK_LIST),
            node("count", CountItemsBlock),
            output("out_md", "markdown", "Links", "The links as a Markdown list"),
            output("out_links", "links", "Links (data)", "The links as a list of {url, text}"),
            output("out_count", "link_count", "Number of links", "How many links were kept"),
        ],
        [
            "url.result -> read.url",
            "read.links -> select.values_#_links",
            "url.result -> select.values_#_page",
            "which.result -> select.values_#_which",
            "select.output -> as_list.value",
            "as_list.value -> markdown.values_#_links",
            "markdown.output -> out_md.value",
            "as_list.value -> out_links.value",
            "as_list.value -> count.collection",
            "count.count -> out_count.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"url": "{server}/docs/index.html"},
            serve={"/docs/index.html": Served(_LINKS_PAGE)},
            expect={
                "link_count": equals(5),
                "markdown": all_of(
                    matches(r"- \[Install guide\]\(http://[^)]+/guide/install\)"),
                    contains("[source code](https://github.com/acme/acme)", "[Write to us](mailto:help@acme.example)"),
                ),
            },
            note="Relative links become full addresses and a link that appears twice is listed once.",
        ),
        Sample(
            inputs={"url": "{server}/docs/index.html", "which": "external only"},
            serve={"/docs/index.html": Served(_LINKS_PAGE)},
            expect={
                "links": equals(
                    [
                        {"url": "https://github.com/acme/acme", "text": "source code"},
                        {"url": "https://status.acme.example/", "text": "check the status page"},
                        {"url": "mailto:help@acme.example", "text": "Write to us"},
                    ]
                ),
                "link_count": equals(3),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Uptime check
# ---------------------------------------------------------------------------------------------

UPTIME_CHECK = SeedAgent(
    slug="website-uptime-check",
    name="Website Uptime Check",
    subheading="Check that a website is up and get notified the moment it goes down",
    description=(
        "Requests a web address and reports whether the site is up: any answer below HTTP 400 counts as up, "
        "an error status (404, 500, 503…) or no answer at all counts as down. The report says what happened "
        "and when, in UTC.\n\n"
        "When the site is down you get a notification in the platform with a link to the address (switch it "
        "off if you only want the report). Schedule it every five minutes for simple uptime monitoring of "
        "your website, API health endpoint or home server."
    ),
    categories=("monitoring", "developer"),
    creator="northwind-labs",
    featured=True,
    changelog="First release: up/down report, HTTP status, and a notification when the site is down.",
    graph=graph(
        "Website Uptime Check",
        "Checks that a web address answers, and notifies you when it does not.",
        [
            text_input(
                "url", "url", "Address to check", "The page or health endpoint, e.g. https://example.com/health"
            ),
            toggle_input(
                "notify",
                "notify_when_down",
                "Notify me when it is down",
                "Send a notification when the check fails",
                True,
            ),
            node("now", GetCurrentDateAndTimeBlock, format="%Y-%m-%d %H:%M:%S", timezone="UTC"),
            node("http", SendWebRequestBlock, method="GET", json_format=False),
            node("check", ConditionBlock, operator="<", value2=400),
            node("up", FillTextTemplateBlock, format="UP: {{ url }} answered HTTP {{ status }} at {{ checked }} UTC."),
            node(
                "down", FillTextTemplateBlock, format="DOWN: {{ url }} answered HTTP {{ status }} at {{ checked }} UTC."
            ),
            node(
                "unreachable",
                FillTextTemplateBlock,
                format="DOWN: {{ url }} could not be reached at {{ checked }} UTC ({{ reason }})",
            ),
            node("not_up", StoreValueBlock, data=False),
            node("should_notify", ConditionBlock, operator="==", value2=True),
            node("alert", SendNotificationBlock, title="A website you watch is down"),
            output("out_report", "report", "Report", "What the check found"),
            output("out_up", "is_up", "Up?", "Whether the site answered without an error"),
            output("out_status", "http_status", "HTTP status", "The status code of the answer, when there was one"),
        ],
        [
            "url.result -> http.url",
            "http.status -> check.value1",
            "http.status -> out_status.value",
            "check.result -> out_up.value",
            "check.yes_output -> up.values_#_status",
            "url.result -> up.values_#_url",
            "now.date_time -> up.values_#_checked",
            "check.no_output -> down.values_#_status",
            "url.result -> down.values_#_url",
            "now.date_time -> down.values_#_checked",
            "http.error -> unreachable.values_#_reason",
            "url.result -> unreachable.values_#_url",
            "now.date_time -> unreachable.values_#_checked",
            "http.error -> not_up.input",
            "not_up.output -> out_up.value",
            "up.output -> out_report.value",
            "down.output -> out_report.value",
            "unreachable.output -> out_report.value",
            "notify.result -> should_notify.value1",
            "down.output -> should_notify.yes_value",
            "unreachable.output -> should_notify.yes_value",
            "should_notify.yes_output -> alert.body",
            "url.result -> alert.link",
        ],
    ),
    samples=(
        Sample(
            inputs={"url": "{server}/health"},
            serve={"/health": Served("ok", "text/plain")},
            expect={
                "is_up": equals(True),
                "http_status": equals(200),
                "report": contains("UP: ", "/health answered HTTP 200"),
            },
            note="A healthy site: no notification.",
        ),
        Sample(
            inputs={"url": "{server}/down"},
            serve={"/down": Served("maintenance", "text/plain", status=503)},
            expect={"is_up": equals(False), "http_status": equals(503), "report": contains("DOWN: ", "HTTP 503")},
            notification="/down answered HTTP 503",
        ),
        Sample(
            inputs={"url": "http://127.0.0.1:9/", "notify_when_down": False},
            expect={"is_up": equals(False), "report": contains("DOWN: http://127.0.0.1:9/ could not be reached")},
            absent=("http_status",),
            note="Nothing listens on the address; the notification is switched off.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# JSON API field extractor
# ---------------------------------------------------------------------------------------------

_WEATHER = json.dumps(
    {"city": "Lisbon", "current": {"temp_c": 21.5, "conditions": "Sunny"}, "forecast": [{"day": "Mon", "max_c": 24}]}
)

JSON_API_FIELD = SeedAgent(
    slug="json-api-field-extractor",
    name="JSON API Field Extractor",
    subheading="Call a JSON API and pull out the one value you need by its path",
    description=(
        "Sends a GET request to a JSON API and picks one value out of the answer by its path, such as "
        "current.temp_c, data.items[0].name or /items/0/price. Handy for a quick look at a weather API, an "
        "exchange rate, a build status or a package version without writing code.\n\n"
        "If nothing is at the path, the agent lists the fields the answer does have; an error status or an "
        "unreachable server is reported in plain words instead of failing silently."
    ),
    categories=("data", "developer"),
    creator="northwind-labs",
    changelog="First release: dotted, indexed and JSON-pointer paths; readable errors.",
    graph=graph(
        "JSON API Field Extractor",
        "Fetches JSON from an API and returns the value at a path.",
        [
            text_input(
                "url",
                "api_url",
                "API address",
                "A GET endpoint that answers JSON, e.g. https://api.github.com/repos/python/cpython",
            ),
            text_input(
                "path",
                "path",
                "Path of the value",
                "Where the value is, e.g. current.temp_c, items[0].name or /items/0/name",
            ),
            node("http", SendWebRequestBlock, method="GET", json_format=True),
            node("pick", GetJsonPathBlock),
            node(
                "missing",
                FillTextTemplateBlock,
                format="Nothing found at '{{ path }}'. "
                "{% if data is mapping %}The answer has these fields: {{ data.keys()|list|join(', ') }}."
                "{% else %}The answer is "
                "{{ 'a list' if data is iterable and data is not string else 'not an object' }}.{% endif %}",
            ),
            node(
                "http_problem",
                FillTextTemplateBlock,
                format="The API answered with an error: {{ (body if body is string else body|tojson)|truncate(300) }}",
            ),
            output("out_value", "value", "Value", "The value found at the path"),
            output("out_problem", "problem", "Problem", "Why no value could be given"),
        ],
        [
            "url.result -> http.url",
            "http.response -> pick.value",
            "path.result -> pick.path",
            "pick.output -> out_value.value",
            "pick.missing -> missing.values_#_data",
            "path.result -> missing.values_#_path",
            "missing.output -> out_problem.value",
            "http.client_error -> http_problem.values_#_body",
            "http.server_error -> http_problem.values_#_body",
            "http_problem.output -> out_problem.value",
            "http.error -> out_problem.value",
            "pick.error -> out_problem.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"api_url": "{server}/api/weather", "path": "current.temp_c"},
            serve={"/api/weather": Served(_WEATHER, "application/json")},
            expect={"value": equals(21.5)},
            absent=("problem",),
        ),
        Sample(
            inputs={"api_url": "{server}/api/weather", "path": "current.humidity"},
            serve={"/api/weather": Served(_WEATHER, "application/json")},
            expect={"problem": contains("Nothing found at 'current.humidity'", "city, current, forecast")},
            absent=("value",),
        ),
        Sample(
            inputs={"api_url": "{server}/api/missing", "path": "id"},
            serve={"/api/missing": Served('{"message": "Not Found"}', "application/json", status=404)},
            expect={"problem": contains("The API answered with an error", "Not Found")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Offline page summary
# ---------------------------------------------------------------------------------------------

_ARTICLE = """<!doctype html><html><head><title>Why rooftop solar keeps getting cheaper</title>
<style>body { font-family: serif }</style></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Why rooftop solar keeps getting cheaper</h1>
<p>Solar panels on homes are getting cheaper every year. The price of solar panels fell by half in the last
decade. My neighbour painted his fence blue last weekend.</p>
<p>Cheaper solar panels mean more homes can produce their own electricity. Batteries now store solar electricity
for the evening. The local bakery opens at seven.</p></article>
<script>console.log("tracking")</script></body></html>"""

PAGE_SUMMARY = SeedAgent(
    slug="web-page-summary-offline",
    name="Web Page Summary (Offline)",
    subheading="Get the key sentences of an article without an AI model or API key",
    description=(
        "Reads a web page, drops menus, scripts and styles, and keeps the few sentences that carry the most "
        "of its meaning (an extractive summary, in the original order). It runs entirely on the platform: no "
        "language model, no API key, no cost per run.\n\n"
        "Gives the page title, the summary and how long the full article is, so you can decide whether it is "
        "worth reading in full. Choose how many sentences to keep."
    ),
    categories=("research", "productivity"),
    creator="datasmith",
    changelog="First release: title, extractive summary and article length.",
    graph=graph(
        "Web Page Summary (Offline)",
        "Summarises a web page by its most representative sentences.",
        [
            text_input("url", "url", "Page address", "The article to summarise, e.g. https://example.com/news/story"),
            number_input("sentences", "sentences", "Sentences to keep", "How many sentences the summary has", 3),
            node("read", FetchWebPageBlock),
            node("summarise", ExtractiveSummaryBlock),
            node("count", WordCharacterCountBlock),
            output("out_title", "title", "Title", "The page's title"),
            output("out_summary", "summary", "Summary", "The key sentences, in the order they appear"),
            output("out_words", "word_count", "Words in the page", "How many words the readable text of the page has"),
        ],
        [
            "url.result -> read.url",
            "read.text -> summarise.text",
            "sentences.result -> summarise.sentences",
            "read.title -> out_title.value",
            "summarise.summary -> out_summary.value",
            "read.text -> count.text",
            "count.word_count -> out_words.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"url": "{server}/news/solar.html", "sentences": 2},
            serve={"/news/solar.html": Served(_ARTICLE)},
            expect={
                "title": equals("Why rooftop solar keeps getting cheaper"),
                "summary": all_of(
                    contains("Solar panels on homes are getting cheaper every year."),
                    excludes("fence", "bakery", "tracking"),
                ),
                "word_count": approx(68, 10),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Phrase alert
# ---------------------------------------------------------------------------------------------

PHRASE_ALERT = SeedAgent(
    slug="web-page-phrase-alert",
    name="Web Page Phrase Alert",
    subheading="Get notified when a phrase such as “in stock” appears on a web page",
    description=(
        "Reads a web page and looks for a word or phrase in its text, ignoring capitals: “in stock”, "
        "“tickets on sale”, a new version number, your name in a results list. When the phrase is there you "
        "get a notification with a link to the page; when it is not, the report says so.\n\n"
        "Schedule it every hour to watch a product page, a release page or an announcement board without "
        "refreshing it yourself."
    ),
    categories=("monitoring", "productivity"),
    creator="northwind-labs",
    changelog="First release: case-insensitive phrase check with a notification when found.",
    graph=graph(
        "Web Page Phrase Alert",
        "Notifies you when a phrase appears on a web page.",
        [
            text_input("url", "url", "Page address", "The page to watch, e.g. https://shop.example.com/product/42"),
            text_input(
                "phrase", "phrase", "Phrase to look for", "Word or phrase to find (capitals do not matter)", "in stock"
            ),
            node("read", FetchWebPageBlock),
            node("page_lower", ChangeCaseBlock, case="lower"),
            node("phrase_lower", ChangeCaseBlock, case="lower"),
            node("check", ConditionBlock, operator="contains", yes_value="found", no_value="missing"),
            node("found", FillTextTemplateBlock, format="Found “{{ phrase }}” on {{ url }}."),
            node("missing", FillTextTemplateBlock, format="“{{ phrase }}” is not on {{ url }} (yet)."),
            node("alert", SendNotificationBlock, title="The phrase you watch for appeared"),
            output("out_report", "report", "Report", "Whether the phrase is on the page"),
            output("out_found", "found", "Found?", "True when the page contains the phrase"),
        ],
        [
            "url.result -> read.url",
            "read.text -> page_lower.text",
            "phrase.result -> phrase_lower.text",
            "page_lower.output -> check.value1",
            "phrase_lower.output -> check.value2",
            "check.result -> out_found.value",
            "check.yes_output -> found.values_#_state",
            "phrase.result -> found.values_#_phrase",
            "url.result -> found.values_#_url",
            "check.no_output -> missing.values_#_state",
            "phrase.result -> missing.values_#_phrase",
            "url.result -> missing.values_#_url",
            "found.output -> out_report.value",
            "missing.output -> out_report.value",
            "found.output -> alert.body",
            "url.result -> alert.link",
        ],
    ),
    samples=(
        Sample(
            inputs={"url": "{server}/product/42", "phrase": "In Stock"},
            serve={"/product/42": Served("<html><body><h1>Blue kettle</h1><p>Back IN STOCK today!</p></body></html>")},
            expect={"found": equals(True), "report": contains("Found “In Stock” on", "/product/42")},
            notification="Found “In Stock”",
        ),
        Sample(
            inputs={"url": "{server}/product/43"},
            serve={"/product/43": Served("<html><body><h1>Red kettle</h1><p>Sold out.</p></body></html>")},
            expect={"found": equals(False), "report": contains("“in stock” is not on")},
        ),
    ),
)

WEB_AGENTS = (RSS_DIGEST, LINK_EXTRACTOR, UPTIME_CHECK, JSON_API_FIELD, PAGE_SUMMARY, PHRASE_ALERT)
