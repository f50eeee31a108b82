"""Seed agents built on the web-service blocks: web research, Wikipedia facts and a daily briefing.

Their samples run against local fakes of the services (SearXNG, Wikipedia's REST API,
OpenWeatherMap) through the same blocks and the same SSRF-guarded client as a person's runs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from autogpt_app.blocks.builtin.communication import SendNotificationBlock
from autogpt_app.blocks.builtin.llm import AITextGeneratorBlock
from autogpt_app.blocks.builtin.rss import ReadRSSFeedBlock
from autogpt_app.blocks.builtin.search import SearchTheWebBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock
from autogpt_app.blocks.builtin.text_analysis import KeywordExtractionBlock
from autogpt_app.blocks.builtin.weather import GetWeatherInformationBlock
from autogpt_app.blocks.builtin.wikipedia import GetWikipediaSummaryBlock
from autogpt_app.store.seed.builder import graph, node, number_input, output, text_input, toggle_input
from autogpt_app.store.seed.model import Sample, SeedAgent, Served, all_of, contains, equals, excludes

# ---------------------------------------------------------------------------------------------
# Web research brief
# ---------------------------------------------------------------------------------------------

_SEARCH_ANSWER = json.dumps(
    {
        "query": "solid-state batteries",
        "results": [
            {
                "title": "Solid-state batteries explained",
                "url": "{server}/articles/explained",
                "content": "How a solid electrolyte replaces the liquid one.",
            },
            {
                "title": "Carmakers race to ship solid-state cells",
                "url": "{server}/articles/carmakers",
                "content": "Three manufacturers announce pilot lines.",
            },
        ],
    }
)
_ARTICLE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> · <a href="/about">About</a></nav>
<article><h1>{title}</h1><p>{text}</p><p>{more}</p></article>
<footer>© Example Science News</footer></body></html>"""

WEB_RESEARCH = SeedAgent(
    slug="web-research-brief",
    name="Web Research Brief",
    subheading="Search the web on any topic and get a short, sourced brief written from what the pages say",
    description=(
        "Searches the web for your topic, reads the main text of the best pages and has a language model write "
        "a brief from them: the key points, where sources disagree, and numbered references to the pages used. "
        "You also get the list of sources it read, so you can check every claim.\n\n"
        "Searching uses your Jina, Tavily or Brave Search API key (pick one when you run it), or the SearXNG "
        "instance your administrator set up. Needs an OpenAI API key, or a key for any OpenAI-compatible server "
        "(Ollama, vLLM, LM Studio…) with its address: add keys under Credentials and pick them when you run it."
    ),
    categories=("ai", "research"),
    creator="northwind-labs",
    featured=True,
    changelog="First release: web search, page reading and a sourced brief.",
    graph=graph(
        "Web Research Brief",
        "Searches the web on a topic and writes a sourced brief from the pages found.",
        [
            text_input("topic", "topic", "Topic", "What to research, e.g. solid-state batteries"),
            number_input("pages", "pages", "Pages to read", "How many search results to read (1 to 10)", 5),
            node("search", SearchTheWebBlock, with_page_text=True),
            node(
                "write",
                AITextGeneratorBlock,
                sys_prompt="You are a careful research assistant. You write from the sources given only, cite "
                "them as [1], [2]… in the order given, say where they disagree, and never invent facts.",
                prompt="Write a brief (at most 250 words) on: {{ topic }}\n\nSources:\n{{ sources }}",
            ),
            output("out", "brief", "Brief", "The brief, with numbered references"),
            output("out_sources", "sources", "Sources", "The pages found and read: title, address and text"),
        ],
        [
            "topic.result -> search.query",
            "pages.result -> search.max_results",
            "topic.result -> write.prompt_values_#_topic",
            "search.results -> write.prompt_values_#_sources",
            "write.response -> out.value",
            "search.results -> out_sources.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"topic": "solid-state batteries", "pages": 2},
            settings={"searxng_url": "{server}/searxng"},
            serve={
                "/searxng/search": Served(_SEARCH_ANSWER, "application/json"),
                "/articles/explained": Served(
                    _ARTICLE.format(
                        title="Solid-state batteries explained",
                        text="A solid-state battery replaces the flammable liquid electrolyte with a solid one, "
                        "which allows denser lithium-metal anodes and lowers the risk of fire.",
                        more="Manufacturing thin, defect-free solid electrolytes at scale remains the main hurdle.",
                    )
                ),
                "/articles/carmakers": Served(
                    _ARTICLE.format(
                        title="Carmakers race to ship solid-state cells",
                        text="Three carmakers have opened pilot production lines for solid-state cells this year, "
                        "aiming for vehicles before the end of the decade.",
                        more="Analysts expect costs to stay well above those of lithium-ion cells at first.",
                    )
                ),
            },
            llm_reply="Solid-state batteries swap the liquid electrolyte for a solid one [1]; pilot lines exist [2].",
            prompt_contains=(
                "Write a brief (at most 250 words) on: solid-state batteries",
                "replaces the flammable liquid electrolyte",
                "opened pilot production lines",
            ),
            expect={
                "brief": equals(
                    "Solid-state batteries swap the liquid electrolyte for a solid one [1]; pilot lines exist [2]."
                ),
                "sources": all_of(
                    contains("Solid-state batteries explained", "Carmakers race to ship solid-state cells"),
                    excludes("© Example Science News"),
                ),
            },
            note="Two pages found by the administrator's SearXNG, read without their navigation and footer.",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Wikipedia quick facts
# ---------------------------------------------------------------------------------------------

_FACT_SHEET = """\
## {{ topic }}

{{ summary }}

Key words: {{ keywords | join(', ') }}
Source: Wikipedia"""

_LOVELACE = json.dumps(
    {
        "type": "standard",
        "title": "Ada Lovelace",
        "extract": "Augusta Ada King, Countess of Lovelace, was an English mathematician and writer, chiefly known "
        "for her work on Charles Babbage's proposed mechanical general-purpose computer, the Analytical Engine. "
        "She was the first to recognise that the machine had applications beyond pure calculation, and she "
        "published the first algorithm intended to be carried out by such a machine.",
    }
)

WIKIPEDIA_FACTS = SeedAgent(
    slug="wikipedia-quick-facts",
    name="Wikipedia Quick Facts",
    subheading="Get the Wikipedia summary of any person, place or idea as a short fact sheet",
    description=(
        "Looks up a topic on Wikipedia and gives you its summary as a short Markdown fact sheet, with the key "
        "words of the text picked out. Use it to brief yourself before a meeting, to check a name, or as the "
        "first step of a bigger research agent.\n\n"
        "Give the article's title as Wikipedia writes it (for example Ada Lovelace or Mount Everest). "
        "It needs no key or account."
    ),
    categories=("research", "utilities"),
    creator="northwind-labs",
    changelog="First release: Wikipedia summary as a fact sheet with key words.",
    graph=graph(
        "Wikipedia Quick Facts",
        "Turns a topic's Wikipedia summary into a short fact sheet.",
        [
            text_input("topic", "topic", "Topic", "A Wikipedia article's title, e.g. Ada Lovelace"),
            node("wiki", GetWikipediaSummaryBlock),
            node("keywords", KeywordExtractionBlock, count=5),
            node("sheet", FillTextTemplateBlock, format=_FACT_SHEET),
            output("out", "fact_sheet", "Fact sheet", "The summary with key words, in Markdown"),
            output("out_summary", "summary", "Summary", "Wikipedia's summary as it is"),
        ],
        [
            "topic.result -> wiki.topic",
            "wiki.summary -> keywords.text",
            "topic.result -> sheet.values_#_topic",
            "wiki.summary -> sheet.values_#_summary",
            "keywords.keywords -> sheet.values_#_keywords",
            "sheet.output -> out.value",
            "wiki.summary -> out_summary.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"topic": "Ada Lovelace"},
            settings={"wikipedia_api_url": "{server}/api/rest_v1"},
            serve={"/api/rest_v1/page/summary/Ada_Lovelace": Served(_LOVELACE, "application/json")},
            expect={
                "fact_sheet": all_of(
                    contains("## Ada Lovelace", "Analytical Engine", "Key words: ", "Source: Wikipedia"),
                ),
                "summary": contains("English mathematician"),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Daily briefing
# ---------------------------------------------------------------------------------------------

_BRIEFING = """\
Good morning! Here is your briefing for {{ city }}.

Weather: {{ condition }}, {{ temperature }}°{{ 'C' if celsius else 'F' }}, humidity {{ humidity }}%.
{% if entries %}
Headlines:
{% for e in entries %}- {{ e.title }} ({{ e.link }})
{% endfor %}{% else %}
No new headlines since yesterday.
{% endif %}"""

_WEATHER_ANSWER = json.dumps(
    {
        "name": "Lisbon",
        "weather": [{"id": 500, "main": "Rain", "description": "light rain"}],
        "main": {"temp": 17.4, "humidity": 81},
    }
)


def _news() -> str:
    """A local news feed: two items from the last hours and one from last week (left out)."""
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>{title}</title><link>https://news.example.org/{path}</link>"
        f"<pubDate>{format_datetime(now - age)}</pubDate></item>"
        for title, path, age in (
            ("Tram line 28 reopens", "tram-28", timedelta(hours=3)),
            ("New bike lanes along the river", "bike-lanes", timedelta(hours=9)),
            ("Last week's festival in pictures", "festival", timedelta(days=6)),
        )
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>City news</title>'
        f"<link>https://news.example.org/</link><description>Local news</description>{items}</channel></rss>"
    )


DAILY_BRIEFING = SeedAgent(
    slug="daily-briefing",
    name="Daily Briefing",
    subheading="Start the day with the weather where you are and the headlines of your favourite feed",
    description=(
        "Puts together a short morning briefing: the current weather in your city from OpenWeatherMap and "
        "the latest headlines of a news feed you choose, sent to you as a notification and kept as a result. "
        "Schedule it every morning and read it with your coffee.\n\n"
        "Needs an OpenWeatherMap API key (free for this use): add it under Credentials and pick it when you "
        "run the agent. Any RSS or Atom feed works for the headlines."
    ),
    categories=("productivity",),
    creator="tempo-tools",
    changelog="First release: weather and headlines, as a notification.",
    graph=graph(
        "Daily Briefing",
        "Sends the weather in a city and the latest headlines of a feed as one notification.",
        [
            text_input("city", "city", "City", "Where you are, e.g. Lisbon or Paris,FR"),
            text_input(
                "feed", "feed_url", "News feed", "Address of an RSS or Atom feed", "https://hnrss.org/frontpage"
            ),
            number_input("count", "headlines", "Headlines", "How many headlines to list", 5),
            toggle_input("celsius", "celsius", "Celsius", "Temperatures in Celsius (off: Fahrenheit)", True),
            node("weather", GetWeatherInformationBlock),
            node("news", ReadRSSFeedBlock, time_period=1440),
            node("brief", FillTextTemplateBlock, format=_BRIEFING),
            node("send", SendNotificationBlock, title="Your daily briefing"),
            output("out", "briefing", "Briefing", "The briefing as sent"),
        ],
        [
            "city.result -> weather.location",
            "celsius.result -> weather.use_celsius",
            "feed.result -> news.rss_url",
            "count.result -> news.max_entries",
            "city.result -> brief.values_#_city",
            "celsius.result -> brief.values_#_celsius",
            "weather.temperature -> brief.values_#_temperature",
            "weather.humidity -> brief.values_#_humidity",
            "weather.condition -> brief.values_#_condition",
            "news.entries -> brief.values_#_entries",
            "brief.output -> send.body",
            "brief.output -> out.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"city": "Lisbon", "feed_url": "{server}/news.xml"},
            settings={"openweathermap_api_url": "{server}/owm"},
            credentials={"openweathermap_api_key": {"provider": "openweathermap", "type": "api_key", "api_key": "k-1"}},
            serve={
                "/owm/data/2.5/weather": Served(_WEATHER_ANSWER, "application/json"),
                "/news.xml": Served(_news, "application/rss+xml"),
            },
            expect={
                "briefing": all_of(
                    contains("briefing for Lisbon", "light rain, 17.4°C, humidity 81%"),
                    contains("- Tram line 28 reopens (https://news.example.org/tram-28)", "New bike lanes"),
                    excludes("festival"),
                )
            },
            notification="Tram line 28 reopens",
        ),
    ),
)

RESEARCH_AGENTS: tuple[SeedAgent, ...] = (WEB_RESEARCH, WIKIPEDIA_FACTS, DAILY_BRIEFING)
