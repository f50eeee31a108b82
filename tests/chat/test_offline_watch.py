"""The offline copilot asked to run an agent whenever a feed has a new item or a page changes."""

from __future__ import annotations

import pytest

from autogpt_app.chat.providers.offline_watch_phrases import find_watch
from tests.chat.test_offline_copilot import CONTEXTS, collect, tool_round, user

FEED = "https://blog.example.com/feed.xml"


@pytest.mark.parametrize(
    ("text", "kind", "url"),
    [
        ("run it whenever a new post appears on https://blog.example.com/feed.xml", "feed", FEED),
        (
            "run it every time https://Blog.Example.com/Feed?x=1 gets a new item.",
            "feed",
            "https://Blog.Example.com/Feed?x=1",
        ),
        (
            "run my digest whenever there is a new article in the feed https://a.example/rss, please",
            "feed",
            "https://a.example/rss",
        ),
        ("run it each time a new episode comes out on https://pod.example/feed", "feed", "https://pod.example/feed"),
        ("run it for each new item in https://a.example/atom", "feed", "https://a.example/atom"),
        ("run it when the page https://shop.example/Prices changes", "page", "https://shop.example/Prices"),
        ("run it whenever something changes on https://shop.example/status", "page", "https://shop.example/status"),
    ],
)
def test_watch_phrases(text: str, kind: str, url: str) -> None:
    watch = find_watch(text)
    assert watch is not None and (watch.kind, watch.url, watch.question) == (kind, url, None)


@pytest.mark.parametrize(
    "text", ["run it every day at 9", "run it now", "what's new in the news?", "post it on my blog"]
)
def test_no_watch_where_none_is_asked(text: str) -> None:
    assert find_watch(text) is None


async def test_a_feed_to_watch_makes_a_trigger_for_the_agent_named() -> None:
    history = CONTEXTS["carousel"] + user(f"run the second one whenever a new post appears on {FEED}")
    _chunks, text, calls = await collect(history)
    assert [(c.name, c.arguments) for c in calls] == [
        ("run_agent", {"agent_id": "ai-article-summarizer", "inputs": {}, "when_new_item_in_feed": FEED})
    ]
    assert text == ""


async def test_a_page_to_watch_makes_a_page_trigger() -> None:
    history = CONTEXTS["carousel"] + user("run the first one when the page https://shop.example/Prices changes")
    _chunks, _text, calls = await collect(history)
    assert calls[0].arguments == {
        "agent_id": "rss-feed-digest",
        "inputs": {},
        "when_page_changes": "https://shop.example/Prices",
    }


async def test_a_feed_without_its_address_is_a_question_and_nothing_is_set_up() -> None:
    history = CONTEXTS["carousel"] + user("run the second one whenever a new post appears on this feed")
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "Which feed should I watch?" in text and "Nothing has been set up yet." in text


async def test_an_unclear_agent_is_asked_about_before_watching_anything() -> None:
    history = CONTEXTS["carousel"] + user(f"run it whenever a new post appears on {FEED}")
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert text.startswith("Which one?")


async def test_inputs_asked_for_keep_the_feed_to_watch() -> None:
    asked = {"agent_id": "ai-article-summarizer", "inputs": {}, "when_new_item_in_feed": FEED}
    history = (
        CONTEXTS["carousel"]
        + user(f"run the second one whenever a new post appears on {FEED}")
        + tool_round(
            "run_agent",
            asked,
            {
                "type": "inputs_needed",
                "agent_id": "ai-article-summarizer",
                "agent_name": "AI Article Summarizer",
                "inputs": [{"name": "style", "title": "Style", "type": "string", "required": True}],
                "provided": {},
            },
        )
        + user("style = bullet points")
    )
    _chunks, _text, calls = await collect(history)
    assert calls[0].name == "run_agent"
    assert calls[0].arguments["when_new_item_in_feed"] == FEED
    assert calls[0].arguments["inputs"] == {"style": "bullet points"}


async def test_the_reply_says_what_was_set_up() -> None:
    asked = {"agent_id": "ai-article-summarizer", "inputs": {}, "when_new_item_in_feed": FEED}
    history = (
        CONTEXTS["carousel"]
        + user(f"run the second one whenever a new post appears on {FEED}")
        + tool_round(
            "run_agent",
            asked,
            {
                "type": "trigger_created",
                "trigger_id": "t1",
                "agent_name": "AI Article Summarizer",
                "kind": "feed",
                "url": FEED,
                "description": f"Whenever a new item appears in {FEED}",
                "mapping": ["Article URL ← each new item: link"],
                "interval": "every 5 minutes",
            },
        )
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert text.startswith(f"Done: AI Article Summarizer will run whenever a new item appears in {FEED}")
    assert "Article URL ← each new item: link" in text
    assert "only new ones start a run" in text
