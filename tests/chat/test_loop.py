"""The chat loop with a scripted model: streaming, tool rounds and their limit, bad calls, provider
failures, stopping, the turn lock, and a reload showing exactly what the stream showed."""

from __future__ import annotations

import asyncio
import json

import pytest

from autogpt_app.chat import sessions as chats
from autogpt_app.chat.events import Event, events_from_messages
from autogpt_app.chat.loop import MAX_TOOL_ROUNDS, SYSTEM_PROMPT, run_turn
from autogpt_app.chat.models import MessageRole
from autogpt_app.chat.providers.base import LLMProvider, ProviderError, TextChunk, ToolCall, ToolCallsChunk
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from tests.chat.conftest import ScriptedProvider, collect


def say(*pieces: str) -> list:
    return [TextChunk(text=p) for p in pieces]


def call(name: str, arguments: dict | None, call_id: str = "call_1", raw: str = "") -> ToolCallsChunk:
    return ToolCallsChunk(calls=[ToolCall(id=call_id, name=name, arguments=arguments, raw_arguments=raw)])


async def new_chat(user=None):
    async with session_scope() as s:
        return await chats.create_session(s, user=user)


async def stored(chat_id: str, user=None, token=None):
    async with session_scope() as s:
        return (await chats.get_session(s, chat_id, user=user, anon_token=token)).messages


def kinds(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def test_the_scripted_provider_speaks_the_interface() -> None:
    assert isinstance(ScriptedProvider([]), LLMProvider)


async def test_a_plain_reply_streams_and_is_stored(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider(say("Hello", ", ", "Alice!"))
    events = await collect(run_turn(chat_id, "  hi there ", user=alice, provider=provider))
    assert kinds(events) == ["text_delta"] * 3 + ["finish"]
    assert "".join(e.text for e in events[:3]) == "Hello, Alice!" and events[-1].reason == "done"

    sent = provider.calls[0]
    assert sent[0].role == "system" and sent[0].content.startswith(SYSTEM_PROMPT[:40])
    assert [(m.role, m.content) for m in sent[1:]] == [("user", "hi there")]
    assert [t.name for t in provider.tools[0]][:2] == ["find_agent", "find_library_agent"]

    messages = await stored(chat_id, alice)
    assert [(m.role, m.content) for m in messages] == [("user", "hi there"), ("assistant", "Hello, Alice!")]
    assert [e.type for e in events_from_messages(messages)] == ["text_delta"]

    # The next turn sends the whole conversation.
    again = ScriptedProvider(say("Sure."))
    await collect(run_turn(chat_id, "and again", user=alice, provider=again))
    assert [(m.role, m.content) for m in again.calls[0][1:]] == [
        ("user", "hi there"),
        ("assistant", "Hello, Alice!"),
        ("user", "and again"),
    ]


async def test_a_tool_round_shows_its_card_and_a_reload_shows_the_same(alice, catalogue) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider(
        [*say("Let me look."), call("find_agent", {"query": "summarises RSS feeds"})],
        say("I found ", "an RSS digest agent."),
    )
    events = await collect(run_turn(chat_id, "find me an RSS summariser", user=alice, provider=provider))
    assert kinds(events) == ["text_delta", "tool_call", "agent_carousel", "text_delta", "text_delta", "finish"]
    carousel = events[2]
    assert carousel.tool_call_id == "call_1" and carousel.agents[0].id == "rss-feed-digest"

    # The model read the tool's result back as a JSON tool message answering its call.
    second = provider.calls[1]
    assert [m.role for m in second] == ["system", "user", "assistant", "tool"]
    assert second[2].tool_calls[0].name == "find_agent" and second[3].tool_call_id == "call_1"
    assert json.loads(second[3].content)["agents"][0]["id"] == "rss-feed-digest"

    messages = await stored(chat_id, alice)
    assert [m.role for m in messages] == ["user", "assistant", "tool", "assistant"]
    live = [e.model_dump() for e in events if e.type != "text_delta" and e.type != "finish"]
    replay = [e.model_dump() for e in events_from_messages(messages) if e.type != "text_delta"]
    assert replay == live
    texts = [e.text for e in events_from_messages(messages) if e.type == "text_delta"]
    assert texts == ["Let me look.", "I found an RSS digest agent."]


async def test_a_model_that_never_stops_calling_tools_is_cut_off(alice, catalogue) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider([call("find_agent", {"query": "rss"})])
    events = await collect(run_turn(chat_id, "loop forever", user=alice, provider=provider))
    assert len(provider.calls) == MAX_TOOL_ROUNDS + 1
    assert kinds(events).count("agent_carousel") == MAX_TOOL_ROUNDS
    assert kinds(events)[-2:] == ["error", "finish"] and events[-1].reason == "round_limit"
    assert str(MAX_TOOL_ROUNDS) in events[-2].message

    # Every stored tool call has its answer, so the next turn's history is valid for any model.
    messages = await stored(chat_id, alice)
    asked = [c["id"] for m in messages if m.role == "assistant" for c in m.tool_calls]
    answered = [m.tool_call_id for m in messages if m.role == "tool"]
    assert len(asked) == len(answered) == MAX_TOOL_ROUNDS + 1
    assert messages[-1].role == MessageRole.EVENT and messages[-1].event_type == "error"
    nxt = ScriptedProvider(say("ok"))
    await collect(run_turn(chat_id, "next", user=alice, provider=nxt))
    assert "event" not in {m.role for m in nxt.calls[0]}


async def test_malformed_arguments_and_unknown_tools_become_error_cards(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider(
        [
            ToolCallsChunk(
                calls=[
                    ToolCall(id="a", name="find_agent", arguments=None, raw_arguments='{"query": "rss'),
                    ToolCall(id="b", name="hack_the_planet", arguments={}),
                ]
            )
        ],
        say("Sorry, let me try again later."),
    )
    events = await collect(run_turn(chat_id, "find rss", user=alice, provider=provider))
    assert kinds(events) == ["tool_call", "error", "tool_call", "error", "text_delta", "finish"]
    assert events[0].arguments is None and "JSON" in events[1].message
    assert "no tool named" in events[3].message and events[3].tool_call_id == "b"
    assert events[-1].reason == "done"
    assert [json.loads(m.content)["type"] for m in provider.calls[1] if m.role == "tool"] == ["error", "error"]


async def test_a_provider_error_mid_stream_shows_a_safe_message_and_keeps_the_text(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider([*say("Half a"), ProviderError("The model service is unavailable; try again.")])
    events = await collect(run_turn(chat_id, "hello", user=alice, provider=provider))
    assert kinds(events) == ["text_delta", "error", "finish"]
    assert events[1].message == "The model service is unavailable; try again." and events[2].reason == "error"
    messages = await stored(chat_id, alice)
    assert [(m.role, m.content) for m in messages[:2]] == [("user", "hello"), ("assistant", "Half a")]
    assert messages[2].event_type == "error"
    assert [e.type for e in events_from_messages(messages)] == ["text_delta", "error"]

    crash = ScriptedProvider(RuntimeError("secret internals"))
    events = await collect(run_turn(chat_id, "again", user=alice, provider=crash))
    assert kinds(events) == ["error", "finish"] and "secret" not in events[0].message


async def test_stop_ends_the_stream_promptly_and_keeps_what_was_said(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider([*say("The first part", " and more"), "hang"])
    cancel = asyncio.Event()
    events = []

    async def read() -> None:
        async for event in run_turn(chat_id, "write a lot", user=alice, provider=provider, cancel=cancel):
            events.append(event)
            if len(events) == 2:
                cancel.set()

    await asyncio.wait_for(read(), timeout=5)
    assert kinds(events) == ["text_delta", "text_delta", "finish"] and events[-1].reason == "stopped"
    assert provider.closed == 1  # the model's stream was closed, not left running
    messages = await stored(chat_id, alice)
    assert messages[-1].role == "assistant" and messages[-1].stopped
    assert messages[-1].content == "The first part and more"

    # The chat is free again.
    await collect(run_turn(chat_id, "short please", user=alice, provider=ScriptedProvider(say("ok"))))


async def test_stop_before_a_tool_runs_skips_it_and_keeps_the_history_valid(alice, catalogue) -> None:
    chat_id = (await new_chat(alice)).session.id
    cancel = asyncio.Event()
    provider = ScriptedProvider(
        [
            ToolCallsChunk(
                calls=[
                    ToolCall(id="one", name="find_agent", arguments={"query": "rss"}),
                    ToolCall(id="two", name="find_agent", arguments={"query": "keywords"}),
                ]
            )
        ]
    )
    events = []
    async for event in run_turn(chat_id, "two searches", user=alice, provider=provider, cancel=cancel):
        events.append(event)
        if event.type == "agent_carousel":
            cancel.set()
    assert kinds(events) == ["tool_call", "agent_carousel", "finish"] and events[-1].reason == "stopped"
    messages = await stored(chat_id, alice)
    assert [m.tool_call_id for m in messages if m.role == "tool"] == ["one", "two"]
    assert "stopped" in json.loads(messages[-1].content)["message"]


async def test_two_tabs_cannot_interleave_a_turn(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    provider = ScriptedProvider([*say("thinking"), "hang"])
    cancel = asyncio.Event()
    first = run_turn(chat_id, "first tab", user=alice, provider=provider, cancel=cancel)
    assert (await anext(first)).type == "text_delta"  # the first turn is streaming

    with pytest.raises(Conflict):
        await collect(run_turn(chat_id, "second tab", user=alice, provider=ScriptedProvider(say("no"))))
    cancel.set()
    assert [e.type async for e in first] == ["finish"]
    messages = await stored(chat_id, alice)
    assert [m.content for m in messages if m.role == "user"] == ["first tab"]
    await collect(run_turn(chat_id, "second tab", user=alice, provider=ScriptedProvider(say("now yes"))))


async def test_a_reader_that_goes_away_still_leaves_the_streamed_text(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    stream = run_turn(chat_id, "hello", user=alice, provider=ScriptedProvider([*say("Partial"), "hang"]))
    assert (await anext(stream)).text == "Partial"
    await stream.aclose()
    messages = await stored(chat_id, alice)
    assert messages[-1].content == "Partial" and messages[-1].stopped
    await collect(run_turn(chat_id, "still usable", user=alice, provider=ScriptedProvider(say("yes"))))


async def test_only_the_owner_may_talk_in_a_chat(alice, bob) -> None:
    mine = (await new_chat(alice)).session.id
    with pytest.raises(NotFound):
        await collect(run_turn(mine, "hi", user=bob, provider=ScriptedProvider(say("x"))))
    with pytest.raises(NotFound):
        await collect(run_turn(mine, "hi", user=None, anon_token="guess", provider=ScriptedProvider(say("x"))))
    with pytest.raises(InvalidInput):
        await collect(run_turn(mine, "   ", user=alice, provider=ScriptedProvider(say("x"))))
    assert await stored(mine, alice) == []


async def test_an_anonymous_chat_searches_but_is_asked_to_log_in_to_run(catalogue) -> None:
    created = await new_chat(None)
    token = created.anon_token
    provider = ScriptedProvider(
        [call("find_agent", {"query": "rss"}, "c1")],
        [call("run_agent", {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://e.com/f"}}, "c2")],
        say("Please log in to run it."),
    )
    events = await collect(run_turn(created.session.id, "find and run", user=None, anon_token=token, provider=provider))
    assert kinds(events) == ["tool_call", "agent_carousel", "tool_call", "need_login", "text_delta", "finish"]
    assert "not logged in" in provider.calls[0][0].content
    assert [e.type for e in events_from_messages(await stored(created.session.id, None, token))] == [
        "tool_call",
        "agent_carousel",
        "tool_call",
        "need_login",
        "text_delta",
    ]


async def test_a_whole_turn_through_the_offline_copilot(alice, catalogue) -> None:
    """End to end with the built-in offline planner: find by a sentence, then run by ordinal."""
    offline = pytest.importorskip("autogpt_app.chat.providers.offline")
    chat_id = (await new_chat(alice)).session.id

    first = await collect(
        run_turn(chat_id, "find me something that summarises RSS feeds", user=alice, provider=offline.OfflineCopilot())
    )
    calls = [e for e in first if e.type == "tool_call"]
    assert calls and calls[0].name == "find_agent"
    carousel = next(e for e in first if e.type == "agent_carousel")
    assert carousel.agents[0].id == "rss-feed-digest"
    assert any(e.type == "text_delta" and e.text.strip() for e in first)
    assert first[-1].type == "finish" and first[-1].reason == "done"

    # The planner reads the carousel back from the stored history, as a remote model would.
    second = await collect(run_turn(chat_id, "run the first one", user=alice, provider=offline.OfflineCopilot()))
    run = next(e for e in second if e.type == "tool_call")
    assert run.name == "run_agent" and run.arguments["agent_id"] == "rss-feed-digest"
    needed = next(e for e in second if e.type == "inputs_needed")
    assert [f.name for f in needed.inputs] == ["feed_url"]
    assert second[-1].reason == "done"

    # Answering the inputs card in words runs it (the run itself is queued for the workers).
    third = await collect(
        run_turn(
            chat_id,
            "the feed address is https://example.com/feed.xml",
            user=alice,
            provider=offline.OfflineCopilot(),
        )
    )
    started = next(e for e in third if e.type == "execution_started")
    assert started.agent_name == "RSS Feed Digest" and started.status == "QUEUED"

    # A reload shows the same tool calls and cards as the live stream did.
    live = [e.model_dump() for e in first + second + third if e.type not in ("text_delta", "finish")]
    reloaded = [e.model_dump() for e in events_from_messages(await stored(chat_id, alice)) if e.type != "text_delta"]
    assert reloaded == live


async def test_with_redis_a_reload_after_each_turn_shows_the_new_messages(redis_url, alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    await collect(run_turn(chat_id, "one", user=alice, provider=ScriptedProvider(say("first answer"))))
    assert [m.content for m in await stored(chat_id, alice)] == ["one", "first answer"]  # now cached
    await collect(run_turn(chat_id, "two", user=alice, provider=ScriptedProvider(say("second answer"))))
    assert [m.content for m in await stored(chat_id, alice)] == ["one", "first answer", "two", "second answer"]


async def test_a_reader_leaving_between_a_call_and_its_result_leaves_a_valid_history(alice) -> None:
    chat_id = (await new_chat(alice)).session.id
    stream = run_turn(chat_id, "search", user=alice, provider=ScriptedProvider([call("find_agent", {"query": "x"})]))
    assert (await anext(stream)).type == "tool_call"
    await stream.aclose()  # the tool never ran: its call has no stored result

    nxt = ScriptedProvider(say("ok"))
    await collect(run_turn(chat_id, "again", user=alice, provider=nxt))
    sent = nxt.calls[0]
    assert [m.role for m in sent] == ["system", "user", "assistant", "tool", "user"]
    assert sent[3].tool_call_id == "call_1" and "interrupted" in sent[3].content
