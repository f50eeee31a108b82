"""The offline copilot: a corpus of phrasings → tool calls and arguments, follow-ups, replies, streaming.

Conversations are built the way the chat loop builds them: assistant messages carrying tool calls,
answered by ``tool`` messages whose content is the contract's JSON result. The planner keeps no
state, so each case is just "history + user text → the next model turn".
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from autogpt_app.chat.providers.base import (
    ChatMessage,
    LLMProvider,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
    ToolSpec,
)
from autogpt_app.chat.providers.offline import OfflineCopilot, plan
from autogpt_app.chat.providers.offline_input_phrases import parse_assignments
from autogpt_app.chat.providers.offline_phrases import extract_query, find_ordinal
from autogpt_app.chat.providers.offline_schedule_phrases import parse_schedule, parse_timezone

TOOL_NAMES = ("find_agent", "find_library_agent", "get_agent_details", "run_agent", "get_execution", "list_schedules")
TOOLS = [ToolSpec(name=n, description=n, parameters={"type": "object", "properties": {}}) for n in TOOL_NAMES]

_ids = itertools.count(1)


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="user", content=text)]


def said(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="assistant", content=text)]


def tool_round(name: str, arguments: dict[str, Any], result: dict[str, Any]) -> list[ChatMessage]:
    """One assistant tool call and the tool message answering it (as the chat loop stores them)."""
    call_id = f"call_{next(_ids)}"
    call = ToolCall(id=call_id, name=name, arguments=arguments, raw_arguments=json.dumps(arguments))
    return [
        ChatMessage(role="assistant", content="", tool_calls=[call]),
        ChatMessage(role="tool", content=json.dumps(result), tool_call_id=call_id, name=name),
    ]


# --- contract-shaped results ----------------------------------------------------------------


def agent_card(slug: str, name: str, creator: str) -> dict[str, Any]:
    return {"id": slug, "name": name, "creator": creator, "rating": 4.5, "runs": 12, "description": "…"}


RSS_CAROUSEL = {
    "type": "agent_carousel",
    "source": "marketplace",
    "query": "summarises RSS feeds",
    "agents": [
        agent_card("rss-feed-digest", "RSS Feed Digest", "northwind-labs"),
        agent_card("ai-article-summarizer", "AI Article Summarizer", "quill-and-ink"),
        agent_card("extractive-text-summary", "Extractive Text Summary", "datasmith"),
    ],
}
LIBRARY_CAROUSEL = {
    "type": "agent_carousel",
    "source": "library",
    "query": "",
    "agents": [
        {**agent_card("lib-loan", "Loan Calculator", "ledger-lane"), "id": "0a1b2c3d-0000-4000-8000-000000000001"},
        {**agent_card("lib-kw", "Keyword Extractor", "datasmith"), "id": "0a1b2c3d-0000-4000-8000-000000000002"},
    ],
}
LOAN_INPUTS = [
    {"name": "amount", "title": "Amount borrowed", "type": "number", "required": True, "default": None},
    {"name": "annual_rate", "title": "Interest rate (% per year)", "type": "number", "required": False, "default": 5},
    {"name": "years", "title": "Term (years)", "type": "number", "required": False, "default": 25},
]
LOAN_DETAILS = {
    "type": "agent_details",
    "agent": {
        "id": "loan-calculator",
        "name": "Loan Calculator",
        "description": "Monthly payment of a loan.",
        "creator": "ledger-lane",
        "inputs": LOAN_INPUTS,
        "credentials": [],
    },
}
BLOG_INPUTS = [
    {"name": "topic", "title": "Topic", "type": "string", "required": True, "default": None, "options": None},
    {"name": "words", "title": "Length in words", "type": "number", "required": True, "default": None},
    {
        "name": "tone",
        "title": "Tone",
        "type": "string",
        "required": False,
        "default": "friendly",
        "options": ["friendly", "formal", "playful"],
    },
]
BLOG_INPUTS_NEEDED = {
    "type": "inputs_needed",
    "agent_id": "lib-blog",
    "agent_name": "Blog Post Writer",
    "inputs": BLOG_INPUTS[:2],
    "provided": {},
}
STARTED = {
    "type": "execution_started",
    "execution_id": "exec-1",
    "agent_id": "lib-rss",
    "agent_name": "RSS Feed Digest",
    "status": "queued",
}

# --- conversations the corpus starts from ----------------------------------------------------

CONTEXTS: dict[str, list[ChatMessage]] = {
    "empty": [],
    "carousel": user("find me something that summarises RSS feeds")
    + tool_round("find_agent", {"query": "summarises RSS feeds"}, RSS_CAROUSEL)
    + said("Here are 3 agents for “summarises RSS feeds”."),
    "library": user("show my agents")
    + tool_round("find_library_agent", {"query": ""}, LIBRARY_CAROUSEL)
    + said("Here are your 2 agents."),
    "details": user("tell me about the loan calculator")
    + tool_round("get_agent_details", {"agent_id": "loan-calculator"}, LOAN_DETAILS)
    + said("Loan Calculator by ledger-lane."),
    "inputs": user("run the blog post writer")
    + tool_round("run_agent", {"agent_id": "blog-post-writer", "inputs": {}}, BLOG_INPUTS_NEEDED)
    + said("Blog Post Writer needs Topic and Length in words."),
    "started": user("find me something that summarises RSS feeds")
    + tool_round("find_agent", {"query": "summarises RSS feeds"}, RSS_CAROUSEL)
    + said("Here are 3 agents.")
    + user("run the first one")
    + tool_round(
        "run_agent", {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://news.example.com/rss"}}, STARTED
    )
    + said("Started RSS Feed Digest."),
    "carousel_inputs": user("find me something that summarises RSS feeds")
    + tool_round("find_agent", {"query": "summarises RSS feeds"}, RSS_CAROUSEL)
    + said("Here are 3 agents.")
    + user("run the first one")
    + tool_round(
        "run_agent",
        {"agent_id": "rss-feed-digest", "inputs": {}},
        {
            "type": "inputs_needed",
            "agent_id": "rss-feed-digest",
            "agent_name": "RSS Feed Digest",
            "inputs": [{"name": "feed_url", "title": "Feed URL", "type": "string", "required": True}],
            "provided": {},
        },
    )
    + said("RSS Feed Digest needs Feed URL."),
}

L1 = "0a1b2c3d-0000-4000-8000-000000000001"

# fmt: off
#: (context, user text, expected): ("call", tool, arguments) for an exact call, ("text", fragment) for a reply.
CORPUS: list[tuple[str, str, tuple]] = [
    # --- greetings, help, thanks -----------------------------------------------------------
    ("empty", "hi", ("text", "offline copilot")),
    ("empty", "Hello there!", ("text", "offline copilot")),
    ("empty", "good morning", ("text", "offline copilot")),
    ("empty", "what can you do?", ("text", "Find agents")),
    ("empty", "help", ("text", "Schedule it")),
    ("empty", "how does this work?", ("text", "Find agents")),
    ("carousel", "thanks!", ("text", "You're welcome")),
    ("started", "ok", ("text", "Anything else")),
    ("inputs", "never mind", ("text", "won't run anything")),
    # --- things it cannot do ---------------------------------------------------------------
    ("empty", "send an email to bob@example.com", ("text", "I can't send e-mails myself")),
    ("empty", "can you send emails?", ("text", "I can't send e-mails myself")),
    ("empty", "book a flight to Paris", ("text", "I can't make purchases, bookings or payments")),
    ("empty", "browse the web for news", ("text", "I can't browse the web")),
    ("empty", "call my mum", ("text", "I can't make calls")),
    ("started", "delete my schedule", ("text", "I can't change, pause or delete schedules")),
    ("empty", "pause the morning news schedule", ("text", "I can't change, pause or delete schedules")),
    ("empty", "build me an agent", ("text", "I can't build new agents")),
    ("empty", "build me an agent that tweets my blog posts",
     ("call", "find_agent", {"query": "tweets my blog posts"})),
    # --- finding ---------------------------------------------------------------------------
    ("empty", "find me something that summarises RSS feeds", ("call", "find_agent", {"query": "summarises RSS feeds"})),
    ("empty", "is there an agent for loan payments", ("call", "find_agent", {"query": "loan payments"})),
    ("empty", "search translator", ("call", "find_agent", {"query": "translator"})),
    ("empty", "Search for agents about CSV", ("call", "find_agent", {"query": "CSV"})),
    ("empty", "I need an agent that can convert csv to json", ("call", "find_agent", {"query": "convert csv to json"})),
    ("empty", "do you have anything for translating text?", ("call", "find_agent", {"query": "translating text"})),
    ("empty", "Could you please look for a tool which helps me split bills?",
     ("call", "find_agent", {"query": "split bills"})),
    ("empty", "any agents for keyword extraction?", ("call", "find_agent", {"query": "keyword extraction"})),
    ("empty", "show me agents for finance", ("call", "find_agent", {"query": "finance"})),
    ("empty", "recommend something to write blog posts", ("call", "find_agent", {"query": "write blog posts"})),
    ("empty", "I'm looking for a unit converter", ("call", "find_agent", {"query": "unit converter"})),
    ("empty", "find me an agent", ("text", "What should the agent do?")),
    ("empty", "loan payments", ("call", "find_agent", {"query": "loan payments"})),
    ("empty", "summarise my RSS feeds", ("call", "find_agent", {"query": "summarise my RSS feeds"})),
    # --- library and schedules ---------------------------------------------------------------
    ("empty", "show my agents", ("call", "find_library_agent", {"query": ""})),
    ("empty", "list my agents", ("call", "find_library_agent", {"query": ""})),
    ("empty", "what agents do I have?", ("call", "find_library_agent", {"query": ""})),
    ("empty", "my library", ("call", "find_library_agent", {"query": ""})),
    ("empty", "find the translator in my library", ("call", "find_library_agent", {"query": "translator"})),
    ("empty", "do I have a loan calculator?", ("call", "find_library_agent", {"query": "loan calculator"})),
    ("empty", "show my schedules", ("call", "list_schedules", {})),
    ("started", "what's scheduled?", ("call", "list_schedules", {})),
    ("empty", "list all schedules", ("call", "list_schedules", {})),
    # --- status and results ----------------------------------------------------------------
    ("empty", "how did my last run go?", ("call", "get_execution", {"execution_id": "latest"})),
    ("empty", "what did my last run produce?", ("call", "get_execution", {"execution_id": "latest"})),
    ("started", "what did my last run produce?", ("call", "get_execution", {"execution_id": "latest"})),
    ("started", "is it done?", ("call", "get_execution", {"execution_id": "exec-1"})),
    ("started", "did it work?", ("call", "get_execution", {"execution_id": "exec-1"})),
    ("started", "show me the results", ("call", "get_execution", {"execution_id": "exec-1"})),
    ("empty", "status of run 5f2b8c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
     ("call", "get_execution", {"execution_id": "5f2b8c1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"})),
    # --- running by ordinal from the last carousel ----------------------------------------------
    ("carousel", "run the first one", ("call", "run_agent", {"agent_id": "rss-feed-digest", "inputs": {}})),
    ("carousel", "the second", ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}})),
    ("carousel", "#3", ("call", "run_agent", {"agent_id": "extractive-text-summary", "inputs": {}})),
    ("carousel", "Run number 2 please", ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}})),
    ("carousel", "run the last one", ("call", "run_agent", {"agent_id": "extractive-text-summary", "inputs": {}})),
    ("carousel", "ok let's use the 2nd one",
     ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}})),
    ("library", "run the second one", ("call", "run_agent", {"agent_id": LIBRARY_CAROUSEL["agents"][1]["id"],
                                                              "inputs": {}})),
    ("carousel", "run the fifth one", ("text", "only 3 agents")),
    ("empty", "run the first one", ("text", "haven't shown you a list")),
    ("carousel", "run it", ("text", "Which one?")),
    ("empty", "run it", ("text", "Which agent?")),
    # --- running by name, slug, creator --------------------------------------------------------
    ("carousel", "run RSS Feed Digest", ("call", "run_agent", {"agent_id": "rss-feed-digest", "inputs": {}})),
    ("carousel", "start the article summarizer agent",
     ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}})),
    ("carousel", "run datasmith's extractive text summary",
     ("call", "run_agent", {"agent_id": "extractive-text-summary", "inputs": {}})),
    ("library", "run the loan calculator", ("call", "run_agent", {"agent_id": L1, "inputs": {}})),
    ("empty", "run loan-calculator", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}})),
    ("empty", f"run {L1}", ("call", "run_agent", {"agent_id": L1, "inputs": {}})),
    ("empty", "run the Loan Calculator", ("call", "find_agent", {"query": "Loan Calculator"})),
    ("empty", "run datasmith's keyword extractor", ("call", "find_agent", {"query": "keyword extractor"})),
    ("empty", "run the keyword extractor by datasmith", ("call", "find_agent", {"query": "keyword extractor"})),
    ("empty", "run my loan calculator", ("call", "find_library_agent", {"query": "loan calculator"})),
    ("empty", "I want to run the unit converter", ("call", "find_agent", {"query": "unit converter"})),
    # --- "it" after details, inputs with the run -------------------------------------------------
    ("details", "run it", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}})),
    ("details", "yes please", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}})),
    ("details", "run it with amount: 20000 and rate 5%",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 20000, "annual_rate": 5}})),
    ("details", "run it with amount=250k, years=30",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 250000, "years": 30}})),
    ("details", "amount: 20000 and rate 5%",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 20000, "annual_rate": 5}})),
    ("details", "the amount is 12,000 and the term is 2 years",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 12000, "years": 2}})),
    ("details", "set years to 10", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"years": 10}})),
    # --- answering the inputs card ----------------------------------------------------------------
    ("inputs", "the topic is AI", ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "AI"}})),
    ("inputs", "topic=AI, words=300",
     ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "AI", "words": 300}})),
    ("inputs", "topic: cats and dogs, words: 500",
     ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "cats and dogs", "words": 500}})),
    ("inputs", "Topic is “Rust, Go and Zig” and length 800 words",
     ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "Rust, Go and Zig", "words": 800}})),
    ("inputs", "Quantum computing",
     ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "Quantum computing"}})),
    ("inputs", "AI, 300", ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"topic": "AI", "words": 300}})),
    # --- scheduling ------------------------------------------------------------------------------------
    ("started", "every weekday at 8am",
     ("call", "run_agent", {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"},
                            "cron": "0 8 * * 1-5"})),
    ("started", "run it every weekday at 8am",
     ("call", "run_agent", {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"},
                            "cron": "0 8 * * 1-5"})),
    ("started", "schedule it every day at 9 in Europe/Paris",
     ("call", "run_agent", {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"},
                            "cron": "0 9 * * *", "timezone": "Europe/Paris"})),
    ("started", "every Monday at 10:30 Paris time",
     ("call", "run_agent", {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"},
                            "cron": "30 10 * * 1", "timezone": "Europe/Paris"})),
    ("details", "run it every hour with amount 1000",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 1000}, "cron": "0 * * * *"})),
    ("details", "every 15 minutes",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "*/15 * * * *"})),
    ("details", "schedule it 0 8 * * 1-5",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 8 * * 1-5"})),
    ("details", "0 7 * * mon-fri in America/New_York",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 7 * * mon-fri",
                            "timezone": "America/New_York"})),
    ("carousel", "run the first one every morning at 7 in Asia/Tokyo",
     ("call", "run_agent", {"agent_id": "rss-feed-digest", "inputs": {}, "cron": "0 7 * * *",
                            "timezone": "Asia/Tokyo"})),
    ("carousel", 'schedule the second one every Friday at 5pm call it "Weekly digest"',
     ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}, "cron": "0 17 * * 5",
                            "schedule_name": "Weekly digest"})),
    ("details", "schedule it", ("text", "When should it run?")),
    ("details", "every 45 minutes", ("text", "I can't schedule that")),
    ("details", "run it at 0 25 * * *", ("text", "I can't schedule that: hour must be 0–23")),
    ("carousel", "every weekday at 8am", ("text", "Which one?")),
    # --- recurrences: exactly what was said, or why cron cannot say it and what it can ---------------
    ("details", "run it every weekday except Friday at 9",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 9 * * 1-4"})),
    ("details", "every day except Wednesdays at 8am",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 8 * * 0,1,2,4,5,6"})),
    ("details", "every 2 hours between 9 and 17",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 9-17/2 * * *"})),
    ("details", "schedule it on the first Monday of the month at 9",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 9 * * 1#1"})),
    ("details", "every 2nd and 4th Thursday of the month at 10",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "cron": "0 10 * * 4#2,4#4"})),
    ("details", "run it every second Thursday at 9", ("text", "cannot run every second Thursday")),
    ("details", "every other week", ("text", "I can't schedule that")),
    ("details", "every other Monday at 9", ("text", "every Monday (“every Monday at 9”)")),
    ("details", "every day except holidays at 9", ("text", "can leave out days of the week, not “holidays”")),
    ("details", "every 3 days at 9", ("text", "would skip or double up at month ends")),
    ("details", "the last Friday of the month at 5pm", ("text", "cannot say the last (or fifth) weekday")),
    # --- one-off times: a request with a time is never a run now ----------------------------------------
    ("started", "run it tomorrow at 9am",
     ("call", "run_agent", {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"},
                            "run_at": "tomorrow at 9am"})),
    ("details", "run it at 6pm", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {},
                                                        "run_at": "at 6pm"})),
    ("details", "run it in 30 minutes with amount 2000",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 2000}, "run_at": "in 30 minutes"})),
    ("details", "schedule it tomorrow at 9", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {},
                                                                    "run_at": "tomorrow at 9"})),
    ("details", "tomorrow at 18:30 Paris time",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {}, "run_at": "tomorrow at 18:30",
                            "timezone": "Europe/Paris"})),
    ("carousel", "run the first one on friday at 8am",
     ("call", "run_agent", {"agent_id": "rss-feed-digest", "inputs": {}, "run_at": "friday at 8am"})),
    ("details", "wait until tomorrow at 9am", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {},
                                                                     "run_at": "tomorrow at 9am"})),
    ("details", "führe es morgen um 9 Uhr aus", ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {},
                                                                       "run_at": "tomorrow at 9"})),
    # --- values in a sentence go to the inputs their units fit, or the copilot asks ----------------------
    ("details", "run it with 2000 at 6% for 5 years",
     ("call", "run_agent", {"agent_id": "loan-calculator", "inputs": {"amount": 2000, "annual_rate": 6, "years": 5}})),
    ("details", "run it with $250k at 3.5 percent over 18 months",
     ("call", "run_agent", {"agent_id": "loan-calculator",
                            "inputs": {"amount": 250000, "annual_rate": 3.5, "years": 1.5}})),
    ("details", "run it with 2000 and 3000", ("text", "I can't tell which input “3000” is for")),
    ("details", "run it with 2000 at 6% for 5 kg", ("text", "I can't tell which input “5 kg” is for")),
    ("inputs", "what's the weather like today?", ("text", "meant as the Topic / Length in words")),
    ("inputs", "can you show my runs instead", ("call", "get_execution", {"execution_id": "latest"})),
    ("inputs", "why is the sky blue?", ("text", "meant as the Topic / Length in words")),
    ("details", "run it next week", ("text", "“next week” is not a precise time")),
    ("details", "not now, next week", ("text", "“next week” is not a precise time")),
    ("details", "run it tomorrow", ("text", "At what time tomorrow?")),
    ("details", "run it on Friday morning", ("text", "At what time on friday morning?")),
    ("details", "run it at 5", ("text", "Do you mean 5 in the morning or 17:00?")),
    ("details", "run it later", ("text", "“later” is not a precise time")),
    ("details", "don't run it yet", ("text", "I won't run anything now")),
    ("details", "not yet", ("text", "I won't run anything now")),
    ("details", "hold on", ("text", "I won't run anything now")),
    ("empty", "what's the weather like today?", ("text", "I can't answer general questions")),
    # --- details ------------------------------------------------------------------------------------------
    ("carousel", "tell me more about the second one",
     ("call", "get_agent_details", {"agent_id": "ai-article-summarizer"})),
    ("carousel", "what does the first one do?", ("call", "get_agent_details", {"agent_id": "rss-feed-digest"})),
    ("carousel", "details of #3", ("call", "get_agent_details", {"agent_id": "extractive-text-summary"})),
    ("carousel", "more about RSS Feed Digest", ("call", "get_agent_details", {"agent_id": "rss-feed-digest"})),
    ("started", "what inputs does it need?", ("call", "get_agent_details", {"agent_id": "lib-rss"})),
    ("empty", "tell me about the loan calculator", ("call", "find_agent", {"query": "loan calculator"})),
    ("carousel", "tell me more", ("text", "Which one?")),
    ("carousel", "what about the third?", ("call", "get_agent_details", {"agent_id": "extractive-text-summary"})),
    # --- more everyday phrasings -----------------------------------------------------------------------
    ("empty", "Hey! Find me an agent that writes tweets", ("call", "find_agent", {"query": "writes tweets"})),
    ("empty", "hi, what can you do?", ("text", "Find agents")),
    ("empty", "what is an agent?", ("text", "Find agents")),
    ("empty", "list agents", ("text", "What should the agent do?")),
    ("empty", "summarize this article https://example.com/post",
     ("call", "find_agent", {"query": "summarize article"})),
    ("empty", "what happened to my run?", ("call", "get_execution", {"execution_id": "latest"})),
    ("empty", "show my runs", ("call", "get_execution", {"execution_id": "latest"})),
    ("empty", "when is my next scheduled run?", ("call", "list_schedules", {})),
    ("empty", "stop the run", ("text", "I can't change, pause or delete schedules and runs")),
    ("carousel", "add the first one to my library", ("text", "Use “Add to library” on the agent's card")),
    ("carousel", "compare the first two", ("text", "I can't compare agents")),
    ("carousel", "which one is best?", ("text", "I can't compare agents")),
    ("carousel_inputs", "the second", ("call", "run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}})),
    ("carousel_inputs", "https://example.com/feed.xml",
     ("call", "run_agent", {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/feed.xml"}})),
    ("inputs", "tone: Formal and topic: AI",
     ("call", "run_agent", {"agent_id": "lib-blog", "inputs": {"tone": "Formal", "topic": "AI"}})),
    ("details", "the colour is blue",
     ("text", "Loan Calculator has no input called “colour”. Its inputs are: Amount borrowed, Interest rate")),
    ("empty", "run Loan Calculator at 8am every day", ("call", "find_agent", {"query": "Loan Calculator"})),
    # The builder: a link for the agent in focus, never an action.
    ("details", "edit it", ("text", "[Open Loan Calculator in the builder](/build/loan-calculator)")),
    ("details", "open this agent in the builder", ("text", "(/build/loan-calculator)")),
    ("inputs", "can I edit this agent?", ("text", "[Open Blog Post Writer in the builder](/build/lib-blog)")),
    ("empty", "edit it", ("text", "Which agent should I open in the builder?")),
    ("carousel", "open it in the builder", ("text", "Which agent should I open in the builder?")),
    ("empty", "I want to build my own agent", ("text", "[open the builder](/build)")),
    ("empty", "how do I create a new agent?", ("text", "[open the builder](/build)")),
]
# fmt: on


async def collect(messages: list[ChatMessage], tools: list[ToolSpec] | None = None):
    """Run one model turn: (the chunks, the joined text, the tool calls)."""
    chunks = [c async for c in OfflineCopilot().stream(messages, TOOLS if tools is None else tools)]
    text = "".join(c.text for c in chunks if isinstance(c, TextChunk))
    calls = [call for c in chunks if isinstance(c, ToolCallsChunk) for call in c.calls]
    return chunks, text, calls


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60
    assert len({(c, t) for c, t, _ in CORPUS}) == len(CORPUS), "duplicate cases"


@pytest.mark.parametrize(("context", "text", "expected"), CORPUS, ids=[f"{c}:{t}" for c, t, _ in CORPUS])
async def test_corpus(context: str, text: str, expected: tuple) -> None:
    await assert_answer(context, text, expected)


async def assert_answer(context: str, text: str, expected: tuple) -> None:
    """The copilot's turn for ``text`` after ``context``: exactly the expected call, or the expected reply
    and no call at all (acting on a request it did not understand fails here)."""
    _chunks, reply, calls = await collect([*CONTEXTS[context], *user(text)])
    if expected[0] == "call":
        _kind, name, arguments = expected
        assert [(c.name, c.arguments) for c in calls] == [(name, arguments)], reply
        assert json.loads(calls[0].raw_arguments) == arguments
    else:
        assert calls == [], f"acted on {text!r}: {calls}"
        assert expected[1] in reply


# --- follow-ups: search for a named agent, then act on the match ----------------------------------


def search_then(text: str, tool: str, query: str, agents: list[dict[str, Any]]) -> list[ChatMessage]:
    return user(text) + tool_round(
        tool, {"query": query}, {"type": "agent_carousel", "source": "marketplace", "query": query, "agents": agents}
    )


async def test_run_by_name_searches_then_runs_the_exact_match() -> None:
    history = search_then(
        "run the Loan Calculator",
        "find_agent",
        "Loan Calculator",
        [
            agent_card("compound-interest-calculator", "Compound Interest Calculator", "ledger-lane"),
            agent_card("loan-calculator", "Loan Calculator", "ledger-lane"),
        ],
    )
    _chunks, text, calls = await collect(history)
    assert [(c.name, c.arguments) for c in calls] == [("run_agent", {"agent_id": "loan-calculator", "inputs": {}})]
    assert text == ""  # nothing before the call: its result (inputs, login, a run) decides what is said


async def test_run_by_creator_picks_that_creators_agent() -> None:
    history = search_then(
        "run datasmith's keyword extractor",
        "find_agent",
        "keyword extractor",
        [
            agent_card("keyword-extractor-pro", "Keyword Extractor", "northwind-labs"),
            agent_card("keyword-extractor", "Keyword Extractor", "Datasmith"),
        ],
    )
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {"agent_id": "keyword-extractor", "inputs": {}}


async def test_named_run_with_inputs_reads_the_inputs_then_runs_on_the_schedule() -> None:
    """Search → details (to learn that "rate" is ``annual_rate``) → run on the schedule → then words."""
    said_text = "run the loan calculator every day at 9 in Europe/Paris with amount 20000 and rate 5%"
    history = search_then(
        said_text, "find_agent", "loan calculator", [agent_card("loan-calculator", "Loan Calculator", "ledger-lane")]
    )
    _chunks, text, calls = await collect(history)
    assert [(c.name, c.arguments) for c in calls] == [("get_agent_details", {"agent_id": "loan-calculator"})]
    assert text == "Checking the inputs of Loan Calculator…"

    history += tool_round("get_agent_details", {"agent_id": "loan-calculator"}, LOAN_DETAILS)
    _chunks, text, calls = await collect(history)
    assert calls[0].name == "run_agent"
    assert calls[0].arguments == {
        "agent_id": "loan-calculator",
        "inputs": {"amount": 20000, "annual_rate": 5},
        "cron": "0 9 * * *",
        "timezone": "Europe/Paris",
    }
    assert text == ""  # whether it is scheduled (or needs inputs, a login…) is said after the result

    history += tool_round(
        "run_agent",
        calls[0].arguments,
        {
            "type": "schedule_created",
            "schedule_id": "s1",
            "agent_name": "Loan Calculator",
            "cron": "0 9 * * *",
            "timezone": "Europe/Paris",
            "description": "At 09:00",
            "next_runs": [],
        },
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert text.startswith("Scheduled Loan Calculator: at 09:00 (Europe/Paris).")


async def test_a_refused_input_is_not_repeated_on_the_next_try() -> None:
    history = (
        CONTEXTS["carousel"]
        + user("run the first one with colour=blue")
        + tool_round(
            "run_agent",
            {"agent_id": "rss-feed-digest", "inputs": {"colour": "blue", "hours": 12}},
            {"type": "error", "message": "This agent has no input named 'colour'; its inputs are: feed_url, hours."},
        )
        + said("That didn't work.")
        + user("feed_url=https://example.com/feed")
    )
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {
        "agent_id": "rss-feed-digest",
        "inputs": {"hours": 12, "feed_url": "https://example.com/feed"},
    }


async def test_details_by_name_searches_then_asks_for_details() -> None:
    history = search_then(
        "tell me about the loan calculator",
        "find_agent",
        "loan calculator",
        [agent_card("loan-calculator", "Loan Calculator", "ledger-lane")],
    )
    _chunks, _text, calls = await collect(history)
    assert [(c.name, c.arguments) for c in calls] == [("get_agent_details", {"agent_id": "loan-calculator"})]


async def test_an_unclear_search_result_asks_instead_of_guessing() -> None:
    history = search_then(
        "run the calculator",
        "find_agent",
        "calculator",
        [
            agent_card("loan-calculator", "Loan Calculator", "ledger-lane"),
            agent_card("bmi-calculator", "BMI Calculator", "ledger-lane"),
        ],
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "none is clearly the one" in text


async def test_a_search_without_results_is_reported_in_text() -> None:
    history = user("run the flux capacitor") + tool_round(
        "find_agent",
        {"query": "flux capacitor"},
        {"type": "no_results", "query": "flux capacitor", "suggestions": ["time", "calculator"]},
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "couldn't find an agent for “flux capacitor”" in text
    assert "“time”" in text


async def test_after_the_follow_up_the_copilot_replies_in_text() -> None:
    """At most two tool rounds per user turn: search, run — then words, never a third call."""
    history = search_then(
        "run the Loan Calculator",
        "find_agent",
        "Loan Calculator",
        [agent_card("loan-calculator", "Loan Calculator", "ledger-lane")],
    ) + tool_round(
        "run_agent",
        {"agent_id": "loan-calculator", "inputs": {}},
        {
            "type": "inputs_needed",
            "agent_id": "lib-loan",
            "agent_name": "Loan Calculator",
            "inputs": LOAN_INPUTS[:1],
            "provided": {},
        },
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert text.startswith("Loan Calculator needs Amount borrowed")


async def test_a_plain_request_gets_one_tool_call_then_text() -> None:
    history = user("how did my last run go?") + tool_round(
        "get_execution",
        {"execution_id": "latest"},
        {
            "type": "execution_update",
            "execution_id": "e9",
            "agent_name": "Loan Calculator",
            "status": "completed",
            "outputs": {"monthly_payment": [1498.88], "report": ["Monthly payment: 1,498.88\nTotal paid: 539,595.47"]},
            "error": None,
            "started_at": "2025-01-01T08:00:00+00:00",
            "ended_at": "2025-01-01T08:00:02+00:00",
        },
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "Loan Calculator completed" in text
    assert "**monthly_payment**: 1498.88" in text
    assert "Monthly payment: 1,498.88 Total paid: 539,595.47" in text


# --- multi-turn: inputs and schedules carry forward ------------------------------------------------


async def test_inputs_gathered_so_far_and_a_pending_schedule_carry_forward() -> None:
    history = (
        CONTEXTS["details"]
        + user("run it every weekday at 8am with amount 20000")
        + tool_round(
            "run_agent",
            {"agent_id": "loan-calculator", "inputs": {"amount": 20000, "bogus": 1}, "cron": "0 8 * * 1-5"},
            {
                "type": "inputs_needed",
                "agent_id": "lib-loan",
                "agent_name": "Loan Calculator",
                "inputs": [LOAN_INPUTS[2]],
                "provided": {"amount": 20000},
            },
        )
        + said("Loan Calculator needs Term (years).")
        + user("30")
    )
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {
        "agent_id": "lib-loan",
        "inputs": {"amount": 20000, "years": 30},
        "cron": "0 8 * * 1-5",
    }


def after_credentials_needed(text: str, *, key: str = "credentials") -> list[ChatMessage]:
    """A chat where running the second agent of the carousel needed an openai key, then ``text``."""
    return (
        CONTEXTS["carousel"]
        + user("run the second one with url=https://example.com/post")
        + tool_round(
            "run_agent",
            {"agent_id": "ai-article-summarizer", "inputs": {"url": "https://example.com/post"}},
            {
                "type": "credentials_needed",
                "agent_id": "lib-sum",
                "agent_name": "AI Article Summarizer",
                "credentials": [{"key": key, "provider": "openai", "type": "api_key"}],
            },
        )
        + said("AI Article Summarizer needs an openai credential.")
        + user(text)
    )


async def test_credentials_added_then_run_it_repeats_the_request() -> None:
    history = after_credentials_needed("done, run it", key="openai_api_key")
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {"agent_id": "lib-sum", "inputs": {"url": "https://example.com/post"}}


@pytest.mark.parametrize(
    "text",
    [
        "I added the openai credential, run it again",  # what the credentials card's inline form sends
        "I added the openai credential “OpenAI API key for Summarizer”, run it again",  # …naming the saved one
        "I added the openai credential",
        "I've saved my API key",
        "i have just added the openai api key, now run it",
        "I set up the smtp login for it",
    ],
)
async def test_saying_the_credential_was_added_runs_the_agent_again(text: str) -> None:
    history = after_credentials_needed(text)
    _chunks, _text, calls = await collect(history)
    assert [(c.name, c.arguments) for c in calls] == [
        ("run_agent", {"agent_id": "lib-sum", "inputs": {"url": "https://example.com/post"}})
    ]


async def test_adding_something_else_is_not_a_credential() -> None:
    _chunks, _text, calls = await collect([*CONTEXTS["started"], *user("I added the agent to my library")])
    assert [c.name for c in calls] != ["run_agent"]


async def test_run_it_again_after_a_schedule_runs_now_with_the_same_inputs() -> None:
    history = (
        CONTEXTS["started"]
        + user("every weekday at 8am")
        + tool_round(
            "run_agent",
            {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"}, "cron": "0 8 * * 1-5"},
            {
                "type": "schedule_created",
                "schedule_id": "s1",
                "agent_name": "RSS Feed Digest",
                "cron": "0 8 * * 1-5",
                "timezone": "Europe/Paris",
                "description": "At 08:00, Monday through Friday",
                "next_runs": ["2025-01-06T07:00:00+00:00"],
            },
        )
        + said("Scheduled.")
        + user("run it again now")
    )
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {"agent_id": "lib-rss", "inputs": {"feed_url": "https://news.example.com/rss"}}


# --- replies to each result type ---------------------------------------------------------------------

# fmt: off
REPLIES = [
    (RSS_CAROUSEL, "Here are 3 agents for “summarises RSS feeds”. Say “run the first one”"),
    ({**RSS_CAROUSEL, "agents": RSS_CAROUSEL["agents"][:1]}, "I found one agent for “summarises RSS feeds”: RSS Feed"),
    (LIBRARY_CAROUSEL, "Here are your 2 agents, most recent first"),
    ({**LIBRARY_CAROUSEL, "agents": LIBRARY_CAROUSEL["agents"][:1]}, "You have one agent: "),
    ({"type": "no_results", "query": "xyz", "suggestions": []}, "couldn't find an agent for “xyz” in the marketplace"),
    (LOAN_DETAILS, "Loan Calculator by ledger-lane. It needs Amount borrowed."),
    (BLOG_INPUTS_NEEDED,
     "Blog Post Writer needs Topic and Length in words. Fill in the card or tell me, e.g. “topic=…”"),
    ({"type": "credentials_needed", "agent_id": "a", "agent_name": "Summarizer",
      "credentials": [{"key": "k", "provider": "openai", "type": "api_key"}]}, "never shown in the chat"),
    (STARTED, "Started RSS Feed Digest."),
    ({"type": "schedule_created", "schedule_id": "s", "agent_name": "RSS Feed Digest", "cron": "0 8 * * 1-5",
      "timezone": "Europe/Paris", "description": "At 08:00, Monday through Friday",
      "next_runs": ["2025-01-06T07:00:00+00:00"]},
     "Scheduled RSS Feed Digest: at 08:00, Monday through Friday (Europe/Paris). Next run: Mon 06 Jan 2025, 08:00."),
    ({"type": "execution_update", "execution_id": "e", "agent_name": "Digest", "status": "failed", "outputs": {},
      "error": "Feed not found", "started_at": None, "ended_at": None}, "Digest failed: Feed not found"),
    ({"type": "execution_update", "execution_id": "e", "agent_name": "Digest", "status": "running", "outputs": {},
      "error": None, "started_at": None, "ended_at": None}, "Digest was running when I looked"),
    ({"type": "schedules", "schedules": []}, "You have no schedules yet"),
    ({"type": "schedules", "schedules": [
        {"id": "1", "name": "a", "agent_name": "Digest", "description": "d", "timezone": "Europe/Paris",
         "next_run": "2025-01-06T07:00:00+00:00", "active": True},
        {"id": "2", "name": "b", "agent_name": "Loan", "description": "d", "timezone": "UTC",
         "next_run": None, "active": False}]},
     "You have 2 schedules (1 active). Next: Digest on Mon 06 Jan 2025, 08:00 (Europe/Paris)."),
    ({"type": "need_login", "reason": "Log in to run agents."},
     "Log in to run agents. Log in (or sign up) and this chat comes with you: I'll carry on with it right after."),
    ({"type": "error", "message": "Unknown agent 'zzz'."}, "That didn't work: Unknown agent 'zzz'."),
]


@pytest.mark.parametrize(("result", "expected"), REPLIES, ids=[str(r["type"]) + str(i) for i, (r, _) in
                                                                 enumerate(REPLIES)])
async def test_reply_after_each_result_type(result: dict[str, Any], expected: str) -> None:
    history = user("do the thing") + tool_round("some_tool", {}, result)
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert expected in text


async def test_a_tool_message_that_is_not_json_is_reported_not_crashed_on() -> None:
    history = [
        *user("show my schedules"),
        ChatMessage(role="assistant", content="", tool_calls=[ToolCall(id="x1", name="list_schedules")]),
        ChatMessage(role="tool", content="Internal hiccup", tool_call_id="x1", name="list_schedules"),
    ]
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "That didn't work: Internal hiccup" in text


# --- streaming, determinism, the interface ---------------------------------------------------------


async def test_text_streams_in_several_chunks_before_the_one_tool_call() -> None:
    chunks, text, calls = await collect(user("find me something that summarises RSS feeds"))
    texts = [c for c in chunks if isinstance(c, TextChunk)]
    assert len(texts) >= 5
    assert isinstance(chunks[-1], ToolCallsChunk) and len(calls) == 1
    assert all(isinstance(c, TextChunk) for c in chunks[:-1])
    assert text == "Searching the marketplace for “summarises RSS feeds”…"
    assert text == plan(user("find me something that summarises RSS feeds"), frozenset(TOOL_NAMES)).text


async def test_a_text_only_reply_streams_word_by_word_and_keeps_its_layout() -> None:
    chunks, text, calls = await collect(user("what can you do?"))
    assert calls == []
    assert len(chunks) > 40
    assert "\n\n- **Find agents**" in text  # joined chunks are exactly the Markdown, line breaks included


async def test_same_conversation_same_answer() -> None:
    history = [*CONTEXTS["started"], *user("run it every weekday at 8am in Europe/Paris")]
    first = await collect(history)
    second = await collect(list(history))
    assert [c.model_dump() for c in first[0]] == [c.model_dump() for c in second[0]]
    other_turn = await collect([*history, *said("ok"), *user("run it every weekday at 8am in Europe/Paris")])
    assert other_turn[2][0].id != first[2][0].id  # call ids stay unique across the conversation


async def test_without_the_tool_it_says_so_instead_of_calling_it() -> None:
    only_search = [t for t in TOOLS if t.name == "find_agent"]
    _chunks, text, calls = await collect(user("show my schedules"), only_search)
    assert calls == []
    assert "can't list schedules" in text
    _chunks, _text, calls = await collect(user("search translator"), only_search)
    assert calls[0].name == "find_agent"


def test_it_is_an_llm_provider() -> None:
    copilot = OfflineCopilot()
    assert isinstance(copilot, LLMProvider)
    assert copilot.name == "offline"


async def test_an_empty_conversation_gets_a_greeting() -> None:
    _chunks, text, calls = await collect([])
    assert calls == [] and "offline copilot" in text


# --- a whole conversation against a fake tool belt that answers in the contract's shapes -----------


class FakeTools:
    """Answers the six tools like the real adapters would, from a tiny in-memory catalogue."""

    CATALOGUE = {
        "rss-feed-digest": ("RSS Feed Digest", "northwind-labs",
                            [{"name": "feed_url", "title": "Feed URL", "type": "string", "required": True}]),
        "blog-post-writer": ("Blog Post Writer", "quill-and-ink", BLOG_INPUTS),
    }

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, arguments))
        if name == "find_agent":
            words = set(arguments["query"].lower().split())
            agents = [agent_card(slug, n, c) for slug, (n, c, _i) in self.CATALOGUE.items()
                      if words & set(n.lower().split()) or "summarises" in words]
            return {"type": "agent_carousel", "source": "marketplace", "query": arguments["query"], "agents": agents}
        if name == "run_agent":
            slug = arguments["agent_id"]
            agent_name, _creator, inputs = self.CATALOGUE[slug]
            given = arguments.get("inputs") or {}
            missing = [i for i in inputs if i.get("required") and i["name"] not in given]
            if missing:
                return {"type": "inputs_needed", "agent_id": slug, "agent_name": agent_name, "inputs": missing,
                        "provided": given}
            if arguments.get("cron"):
                return {"type": "schedule_created", "schedule_id": "s1", "agent_name": agent_name,
                        "cron": arguments["cron"], "timezone": arguments.get("timezone") or "UTC",
                        "description": "words", "next_runs": []}
            return {"type": "execution_started", "execution_id": "e1", "agent_id": slug, "agent_name": agent_name,
                    "status": "queued"}
        return {"type": "error", "message": f"not faked: {name}"}


async def turn(history: list[ChatMessage], text: str, tools: FakeTools) -> tuple[str, list[str]]:
    """One user turn through a minimal chat loop (6 rounds at most, like the real one)."""
    history.append(ChatMessage(role="user", content=text))
    replies: list[str] = []
    for _round in range(6):
        _chunks, reply, calls = await collect(history)
        history.append(ChatMessage(role="assistant", content=reply, tool_calls=calls))
        replies.append(reply)
        if not calls:
            return " ".join(replies), [n for n, _a in tools.calls]
        for call in calls:
            result = tools(call.name, call.arguments or {})
            history.append(ChatMessage(role="tool", content=json.dumps(result), tool_call_id=call.id, name=call.name))
    raise AssertionError("the copilot never stopped calling tools")


async def test_find_run_answer_inputs_then_schedule_by_conversation() -> None:
    tools = FakeTools()
    history: list[ChatMessage] = []

    reply, _ = await turn(history, "find me something that summarises RSS feeds", tools)
    assert "Here are 2 agents" in reply

    reply, _ = await turn(history, "run the second one", tools)
    assert tools.calls[-1] == ("run_agent", {"agent_id": "blog-post-writer", "inputs": {}})
    assert "Blog Post Writer needs Topic and Length in words" in reply

    reply, _ = await turn(history, "the topic is AI", tools)
    assert tools.calls[-1] == ("run_agent", {"agent_id": "blog-post-writer", "inputs": {"topic": "AI"}})
    assert "needs Length in words" in reply

    reply, _ = await turn(history, "600", tools)
    assert tools.calls[-1] == ("run_agent", {"agent_id": "blog-post-writer", "inputs": {"topic": "AI", "words": 600}})
    assert "Started Blog Post Writer" in reply

    reply, _ = await turn(history, "run it every weekday at 8am", tools)
    assert tools.calls[-1] == (
        "run_agent",
        {"agent_id": "blog-post-writer", "inputs": {"topic": "AI", "words": 600}, "cron": "0 8 * * 1-5"},
    )
    assert "Scheduled Blog Post Writer" in reply
    assert len(tools.calls) == 5  # one tool call per user turn


# --- phrase parsing -----------------------------------------------------------------------------------

SCHEDULES = [
    ("every weekday at 8am", "0 8 * * 1-5", None),
    ("every day at 9", "0 9 * * *", None),
    ("every Monday at 10:30", "30 10 * * 1", None),
    ("every hour", "0 * * * *", None),
    ("hourly at 15 past", "15 * * * *", None),
    ("every 15 minutes", "*/15 * * * *", None),
    ("every 2 hours", "0 */2 * * *", None),
    ("every evening at 6", "0 18 * * *", None),
    ("every night at 11", "0 23 * * *", None),
    ("every morning", "0 8 * * *", None),
    ("every day at noon", "0 12 * * *", None),
    ("daily at 7:45pm", "45 19 * * *", None),
    ("every monday and wednesday at 9:15", "15 9 * * 1,3", None),
    ("every mon-fri at 7:30", "30 7 * * 1-5", None),
    ("every weekend at 10am", "0 10 * * 0,6", None),
    ("on the 1st of every month at 9", "0 9 1 * *", None),
    ("on the last day of the month at 18:00", "0 18 L * *", None),
    ("0 8 * * 1-5", "0 8 * * 1-5", None),
    ("@daily", "0 0 * * *", None),
    ("every day at 9 in Europe/Paris", "0 9 * * *", "Europe/Paris"),
    ("every day at 7pm Paris time", "0 19 * * *", "Europe/Paris"),
    ("weekdays at 8:30 New York time", "30 8 * * 1-5", "America/New_York"),
    ("every Tuesday at noon in Tokyo", "0 12 * * 2", "Asia/Tokyo"),
    ("every day at 9 UTC", "0 9 * * *", "UTC"),
    ("every day at 9 EST", "0 9 * * *", "America/New_York"),
]


@pytest.mark.parametrize(("text", "cron", "timezone"), SCHEDULES)
def test_schedule_phrases(text: str, cron: str, timezone: str | None) -> None:
    request = parse_schedule(text)
    assert request is not None and request.error is None
    assert (request.cron, request.timezone) == (cron, timezone)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("every 45 minutes", "divide the hour evenly"),
        ("every 5 hours", "divide the day evenly"),
        ("every 2 weeks", "Cron cannot repeat every 2 weeks"),
        # Never a silent approximation: */2 in the day-of-month field runs twice in a row at a 31-day month's end.
        ("every other day at 6am", "would skip or double up at month ends"),
        ("every second Thursday", "no week counter"),
        ("every weekday except public holidays", "not “public holidays”"),
        ("every day at 25:00", "is not a time of day"),
        ("every day at 13pm", "is not a time"),
        ("0 8 * * 9", "day-of-week must be"),
    ],
)
def test_schedules_cron_cannot_express_say_why(text: str, error: str) -> None:
    request = parse_schedule(text)
    assert request is not None and request.cron is None
    assert error in (request.error or "")


@pytest.mark.parametrize("text", ["run the loan calculator", "find an agent for news", "the topic is AI", "#3"])
def test_no_schedule_where_none_is_asked(text: str) -> None:
    assert parse_schedule(text) is None


def test_timezones_need_a_real_place() -> None:
    assert parse_timezone("in the morning") is None
    assert parse_timezone("in europe/berlin") == "Europe/Berlin"
    assert parse_timezone("Los Angeles time") == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("text", "position"),
    [("run the first one", 1), ("the 2nd", 2), ("#3", 3), ("option 4", 4), ("the last one", -1), ("5", 5),
     ("how did my first run go", None), ("run it", None)],
)
def test_ordinals(text: str, position: int | None) -> None:
    assert find_ordinal(text) == position


def test_inputs_map_to_the_agents_fields_and_types() -> None:
    values, rest = parse_assignments("amount: 20k and rate 5.5% and years = 30 and colour blue", LOAN_INPUTS)
    assert values == {"amount": 20000, "annual_rate": 5.5, "years": 30}
    assert rest == ["colour blue"]  # names no input, and a number does not continue with words
    tone = parse_assignments("tone: Formal", BLOG_INPUTS)[0]
    assert tone == {"tone": "formal"}  # matched to the option's spelling
    assert parse_assignments("zip=02134")[0] == {"zip": "02134"}  # a code, not a number


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("find me something that summarises RSS feeds", "summarises RSS feeds"),
        ("is there an agent for loan payments", "loan payments"),
        ("Can you find an agent to write blog posts please", "write blog posts"),
        ("what agents are there for pdfs?", "pdfs"),
        ("find me an agent", ""),
    ],
)
def test_search_queries_drop_the_request_words(text: str, query: str) -> None:
    assert extract_query(text) == query


# --- through the real chat loop and tools, on the seeded catalogue (database) ----------------------


async def test_by_creator_with_inputs_on_a_schedule_through_the_real_tools(alice, catalogue) -> None:
    """One sentence → search, read the inputs, schedule with them, then say so; the next turn runs it now."""
    from autogpt_app.chat import sessions as chats
    from autogpt_app.chat.loop import run_turn
    from autogpt_app.db import session_scope
    from tests.chat.conftest import collect as collect_events

    async with session_scope() as s:
        chat_id = (await chats.create_session(s, user=alice)).session.id

    sentence = "schedule datasmith's keyword extractor every weekday at 8am in Europe/Paris with text=Cats and dogs"
    events = await collect_events(run_turn(chat_id, sentence, user=alice, provider=OfflineCopilot()))
    calls = [(e.name, e.arguments) for e in events if e.type == "tool_call"]
    assert calls == [
        ("find_agent", {"query": "keyword extractor"}),
        ("get_agent_details", {"agent_id": "keyword-extractor"}),
        (
            "run_agent",
            {
                "agent_id": "keyword-extractor",
                "inputs": {"text": "Cats and dogs"},
                "cron": "0 8 * * 1-5",
                "timezone": "Europe/Paris",
            },
        ),
    ]
    created = next(e for e in events if e.type == "schedule_created")
    assert (created.cron, created.timezone) == ("0 8 * * 1-5", "Europe/Paris")
    reply = "".join(e.text for e in events[events.index(created) :] if e.type == "text_delta")
    assert reply.startswith("Scheduled Keyword Extractor: at 08:00, Monday through Friday (Europe/Paris).")
    assert events[-1].type == "finish" and events[-1].reason == "done"

    events = await collect_events(run_turn(chat_id, "run it now", user=alice, provider=OfflineCopilot()))
    run = next(e for e in events if e.type == "tool_call")
    assert run.name == "run_agent" and run.arguments["inputs"] == {"text": "Cats and dogs"}
    assert "cron" not in run.arguments
    started = next(e for e in events if e.type == "execution_started")
    assert started.agent_name == "Keyword Extractor"


@pytest.mark.parametrize(
    ("older", "text", "tool", "agent_id"),
    [
        # What a card's buttons send: the agent by name (and creator), so a list that is no longer the
        # newest one still means the agent clicked (an ordinal would point into the newest list).
        ("carousel", "run AI Article Summarizer by quill-and-ink", "run_agent", "ai-article-summarizer"),
        (
            "carousel",
            "tell me more about AI Article Summarizer by quill-and-ink",
            "get_agent_details",
            "ai-article-summarizer",
        ),
        ("library", "run my Keyword Extractor", "run_agent", "0a1b2c3d-0000-4000-8000-000000000002"),
    ],
)
async def test_a_cards_buttons_name_the_agent_even_after_a_newer_list(
    older: str, text: str, tool: str, agent_id: str
) -> None:
    newer = "library" if older == "carousel" else "carousel"
    _chunks, _text, calls = await collect(CONTEXTS[older] + CONTEXTS[newer] + user(text))
    assert calls and calls[0].name == tool
    assert calls[0].arguments["agent_id"] == agent_id


async def test_nothing_is_said_before_a_run_and_the_reply_after_it_says_what_happened() -> None:
    """A run may end in an inputs card, a credentials card or a login wall: no "Running X…" before it,
    and no promise of a live card that may already show the end."""
    history = after_credentials_needed("run it")
    chunks, text, calls = await collect(history)
    assert [c.name for c in calls] == ["run_agent"] and text == "" and not any(
        getattr(c, "text", "") for c in chunks
    )
    started = await collect([*history, *tool_round("run_agent", calls[0].arguments, STARTED)])
    assert started[1].startswith("Started RSS Feed Digest.") and "live" not in started[1]
