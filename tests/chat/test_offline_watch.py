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


# --- through the real chat loop, tools and poller ---------------------------------------------------


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch):
    from tests.fakes.web_services import serving

    with serving(monkeypatch) as fake:
        yield fake


async def test_whenever_a_new_post_appears_makes_a_trigger_and_the_next_post_runs_the_agent(alice, web) -> None:
    """One sentence → search → a feed trigger on the person's copy, the post's link into the address input;
    the posts already there start nothing, the next one starts exactly one run with its link."""
    from sqlalchemy import select

    from autogpt_app.chat import sessions as chats
    from autogpt_app.chat.loop import run_turn
    from autogpt_app.chat.providers.offline import OfflineCopilot
    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue
    from autogpt_app.triggers.models import Trigger
    from autogpt_app.triggers.polling import poll_due
    from tests.chat.conftest import collect as collect_events
    from tests.triggers.poll_factories import RSS_TYPE, make_due, post, rss

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug == "web-page-summary-offline"])
        chat_id = (await chats.create_session(s, user=alice)).session.id
    feed = web.page("blog.rss", rss([post(1), post(2)]), RSS_TYPE)

    sentence = f"run the Web Page Summary (Offline) whenever a new post appears on {feed}"
    events = await collect_events(run_turn(chat_id, sentence, user=alice, provider=OfflineCopilot()))
    calls = [(e.name, e.arguments) for e in events if e.type == "tool_call"]
    assert calls[-1] == (
        "run_agent",
        {"agent_id": "web-page-summary-offline", "inputs": {}, "when_new_item_in_feed": feed},
    )
    created = next(e for e in events if e.type == "trigger_created")
    assert created.kind == "feed" and created.url == feed
    assert created.mapping == ["Page address ← each new item: link"]
    reply = "".join(e.text for e in events[events.index(created) :] if e.type == "text_delta")
    assert reply.startswith("Done: Web Page Summary (Offline) will run whenever a new item appears in")

    async with session_scope() as s:
        trigger = (await s.execute(select(Trigger).where(Trigger.user_id == alice.id))).scalar_one()
    assert (trigger.kind, trigger.config["url"], trigger.input_mapping) == ("feed", feed, {"url": "$.link"})

    await poll_due()  # the first look only remembers the two posts already there
    web.page("blog.rss", rss([post(1), post(2), post(3)]), RSS_TYPE)
    await make_due(trigger.id)
    await poll_due()
    async with session_scope() as s:
        started = list((await s.execute(select(GraphExecution).where(GraphExecution.user_id == alice.id))).scalars())
    assert [run.inputs["url"] for run in started] == ["https://blog.example.com/posts/3"]


async def test_a_time_and_a_feed_in_one_request_sets_up_neither_and_says_why() -> None:
    """Acting on the feed alone would silently drop the schedule (and the reverse)."""
    history = CONTEXTS["carousel"] + user(
        f"run the second one every day at 9am and whenever a new post appears on {FEED}"
    )
    _chunks, text, calls = await collect(history)
    assert calls == []
    assert "a time and for a feed or page to watch" in text and "Nothing has been set up yet." in text
