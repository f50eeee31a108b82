"""The copilot's whole turn loop with the real OpenAI-compatible provider (the real ``openai``
client) talking to a local fake chat-completions server: streaming, tool rounds, bad calls,
provider failures and the round limit, checked in the events, the stored chat, a reload, and
what the server was sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from autogpt_app.chat import sessions as chats
from autogpt_app.chat.events import Event, events_from_messages
from autogpt_app.chat.loop import MAX_TOOL_ROUNDS, SYSTEM_PROMPT, run_turn
from autogpt_app.chat.models import MessagePublic, MessageRole
from autogpt_app.chat.providers.openai_provider import OpenAIProvider
from autogpt_app.chat.tools import TOOLS
from autogpt_app.db import session_scope
from tests.chat.conftest import collect
from tests.fakes import FakeOpenAIServer, RecordedRequest, Reply
from tests.fakes import ToolCall as FakeCall

KEY = "sk-canary-loop-5b7d9e1f3a"
MODEL = "copilot-model"


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture
async def provider(server: FakeOpenAIServer) -> AsyncIterator[OpenAIProvider]:
    """The real provider pointed at the fake server (short back-off so retries do not slow the tests)."""
    model = OpenAIProvider(api_key=KEY, base_url=server.base_url, model=MODEL, retry_base_delay=0.001)
    try:
        yield model
    finally:
        await model.aclose()


async def new_chat(user=None) -> str:
    async with session_scope() as s:
        return (await chats.create_session(s, user=user)).session.id


async def stored(chat_id: str, user=None) -> list[MessagePublic]:
    """The chat as a reloaded page reads it."""
    async with session_scope() as s:
        return (await chats.get_session(s, chat_id, user=user)).messages


def kinds(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if e.type == "text_delta")


def cards(events: list[Event]) -> list[dict[str, Any]]:
    """The cards the page renders (tool calls and the finish show nothing by themselves)."""
    return [e.model_dump() for e in events if e.type not in ("text_delta", "tool_call", "finish")]


def calls(events: list[Event]) -> list[dict[str, Any]]:
    return [e.model_dump() for e in events if e.type == "tool_call"]


def assert_no_key(events: list[Event], messages: list[MessagePublic]) -> None:
    for event in events:
        assert KEY not in event.model_dump_json()
    for message in messages:
        assert KEY not in message.model_dump_json()


def shown(events: list[Event]) -> list[dict[str, Any]]:
    """What a page draws, in order: text (pieces joined), tool calls and cards (not the finish)."""
    out: list[dict[str, Any]] = []
    for event in events:
        if event.type == "finish":
            continue
        if event.type == "text_delta" and out and out[-1]["type"] == "text_delta":
            out[-1] = {**out[-1], "text": out[-1]["text"] + event.text}
        else:
            out.append(event.model_dump())
    return out


def assert_reload_matches(events: list[Event], messages: list[MessagePublic]) -> None:
    """A reload shows exactly what the live stream showed, in the same order."""
    assert shown(events_from_messages(messages)) == shown(events)


def tool_names(request: RecordedRequest) -> list[str]:
    return [tool["function"]["name"] for tool in request.json.get("tools", [])]


# ---------------------------------------------------------------------------------------------


async def test_a_plain_reply_streams_in_pieces_and_is_stored(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice
) -> None:
    chat_id = await new_chat(alice)
    server.reply_text("Hello Alice, I can find agents for you.")

    events = await collect(run_turn(chat_id, "  hi there ", user=alice, provider=provider))

    assert kinds(events)[-1] == "finish" and events[-1].reason == "done"
    deltas = events[:-1]
    assert len(deltas) >= 3 and {e.type for e in deltas} == {"text_delta"}
    assert text_of(events) == "Hello Alice, I can find agents for you."

    [request] = server.completions
    body = request.json
    assert request.authorization == f"Bearer {KEY}"
    assert body["model"] == MODEL and body["stream"] is True and body["tool_choice"] == "auto"
    assert request.messages == [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "hi there"},
    ]
    assert tool_names(request) == [tool.name for tool in TOOLS]
    find_agent = request.json["tools"][0]["function"]
    assert find_agent["parameters"] == TOOLS[0].parameters and find_agent["description"]

    messages = await stored(chat_id, alice)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "hi there"),
        ("assistant", "Hello Alice, I can find agents for you."),
    ]
    assert_reload_matches(events, messages)
    assert_no_key(events, messages)

    # The next turn sends the whole conversation back.
    server.reply_text("Sure.")
    await collect(run_turn(chat_id, "and again", user=alice, provider=provider))
    assert server.completions[1].messages[1:] == [
        {"role": "user", "content": "hi there"},
        {"role": "assistant", "content": "Hello Alice, I can find agents for you."},
        {"role": "user", "content": "and again"},
    ]


async def test_one_tool_call_shows_a_carousel_and_the_model_reads_its_result(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice, catalogue
) -> None:
    chat_id = await new_chat(alice)
    server.reply_tool_call("find_agent", {"query": "summarises RSS feeds"}, content="Let me look.")
    server.reply_text("I found an RSS digest agent.")

    events = await collect(run_turn(chat_id, "find me an RSS summariser", user=alice, provider=provider))

    assert [k for k in kinds(events) if k != "text_delta"] == ["tool_call", "agent_carousel", "finish"]
    assert events[-1].reason == "done"
    call = next(e for e in events if e.type == "tool_call")
    carousel = next(e for e in events if e.type == "agent_carousel")
    assert call.name == "find_agent" and call.arguments == {"query": "summarises RSS feeds"}
    assert carousel.tool_call_id == call.id and carousel.agents[0].id == "rss-feed-digest"
    # Text before the call streams before it; the answer after the card streams after it.
    before = events[: kinds(events).index("tool_call")]
    after = events[kinds(events).index("agent_carousel") + 1 : -1]
    assert text_of(before) == "Let me look." and text_of(after) == "I found an RSS digest agent."

    # The second request carries the call and the tool's result, answering that call's id.
    assert len(server.completions) == 2
    sent = server.completions[1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool"]
    assert sent[2]["content"] == "Let me look."
    assert sent[2]["tool_calls"] == [
        {
            "id": call.id,
            "type": "function",
            "function": {"name": "find_agent", "arguments": json.dumps({"query": "summarises RSS feeds"})},
        }
    ]
    assert sent[3]["tool_call_id"] == call.id
    result = json.loads(sent[3]["content"])
    assert result["type"] == "agent_carousel" and result["agents"][0]["id"] == "rss-feed-digest"
    assert tool_names(server.completions[1]) == [tool.name for tool in TOOLS]

    messages = await stored(chat_id, alice)
    assert [m.role for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[2].tool_call_id == call.id
    assert_reload_matches(events, messages)
    assert_no_key(events, messages)


async def test_several_tool_calls_in_one_turn_each_get_their_card_and_result(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice, catalogue
) -> None:
    chat_id = await new_chat(alice)
    server.reply_tool_calls(
        [
            FakeCall("find_agent", {"query": "rss"}, id="call_find"),
            FakeCall("get_agent_details", {"agent_id": "keyword-extractor"}, id="call_details"),
            FakeCall("list_schedules", {}, id="call_schedules"),
        ]
    )
    server.reply_text("Here is what I found.")

    events = await collect(run_turn(chat_id, "three things at once", user=alice, provider=provider))

    assert kinds(events)[:6] == [
        "tool_call",
        "agent_carousel",
        "tool_call",
        "agent_details",
        "tool_call",
        "schedules",
    ]
    assert kinds(events)[-1] == "finish" and events[-1].reason == "done"
    assert [e.id for e in events if e.type == "tool_call"] == ["call_find", "call_details", "call_schedules"]
    assert [e.tool_call_id for e in events[1:6:2]] == ["call_find", "call_details", "call_schedules"]
    assert events[3].agent.name == "Keyword Extractor"
    assert text_of(events) == "Here is what I found."

    # One assistant message with the three calls, then the three results in order, by call id.
    sent = server.completions[1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "tool", "tool"]
    assert [c["id"] for c in sent[2]["tool_calls"]] == ["call_find", "call_details", "call_schedules"]
    assert [m["tool_call_id"] for m in sent[3:]] == ["call_find", "call_details", "call_schedules"]
    assert [json.loads(m["content"])["type"] for m in sent[3:]] == ["agent_carousel", "agent_details", "schedules"]

    messages = await stored(chat_id, alice)
    assert [m.role for m in messages] == ["user", "assistant", "tool", "tool", "tool", "assistant"]
    assert_reload_matches(events, messages)


async def test_malformed_arguments_give_an_error_card_and_the_model_can_answer(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice
) -> None:
    chat_id = await new_chat(alice)
    server.reply_tool_calls([FakeCall("find_agent", '{"query": "rss', id="call_bad")])
    server.reply_text("Sorry, let me try that again.")

    events = await collect(run_turn(chat_id, "find rss", user=alice, provider=provider))

    assert [k for k in kinds(events) if k != "text_delta"] == ["tool_call", "error", "finish"]
    call, card = events[0], events[1]
    assert call.name == "find_agent" and call.arguments is None
    assert card.tool_call_id == "call_bad" and "JSON" in card.message
    assert text_of(events) == "Sorry, let me try that again." and events[-1].reason == "done"

    # The model got an error result for its call (and no invalid JSON back in the history).
    sent = server.completions[1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool"]
    assert sent[2]["tool_calls"][0]["function"]["arguments"] == "{}"
    assert sent[3]["tool_call_id"] == "call_bad"
    result = json.loads(sent[3]["content"])
    assert result["type"] == "error" and "JSON" in result["message"]

    messages = await stored(chat_id, alice)
    assert messages[1].tool_calls[0]["raw_arguments"] == '{"query": "rss'
    assert_reload_matches(events, messages)


async def test_an_unknown_tool_gives_an_error_card(server: FakeOpenAIServer, provider: OpenAIProvider, alice) -> None:
    chat_id = await new_chat(alice)
    server.reply_tool_call("hack_the_planet", {"target": "everything"})
    server.reply_text("I cannot do that.")

    events = await collect(run_turn(chat_id, "hack it", user=alice, provider=provider))

    assert [k for k in kinds(events) if k != "text_delta"] == ["tool_call", "error", "finish"]
    call, card = events[0], events[1]
    assert call.name == "hack_the_planet"
    assert card.tool_call_id == call.id and "no tool named 'hack_the_planet'" in card.message
    assert events[-1].reason == "done" and text_of(events) == "I cannot do that."

    sent = server.completions[1].messages
    assert sent[3]["role"] == "tool" and sent[3]["tool_call_id"] == call.id
    assert json.loads(sent[3]["content"])["type"] == "error"
    assert_reload_matches(events, await stored(chat_id, alice))


async def test_a_provider_error_mid_stream_keeps_the_text_and_shows_a_safe_card(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice
) -> None:
    chat_id = await new_chat(alice)
    # The server fails after some text, and puts the key in its error (as some proxies do).
    server.enqueue(Reply(content="Half of an answer", stream_error=f"backend crashed (key {KEY})"))
    server.reply_text("should never be asked for")

    events = await collect(run_turn(chat_id, "hello", user=alice, provider=provider))

    assert kinds(events)[-2:] == ["error", "finish"] and events[-1].reason == "error"
    assert set(kinds(events)[:-2]) == {"text_delta"} and text_of(events) == "Half of an answer"
    assert events[-2].message == "The copilot's answer was interrupted (the model failed). Please try again."
    assert len(server.completions) == 1  # text was shown, so the request is not retried (nothing repeats)

    messages = await stored(chat_id, alice)
    assert [(m.role, m.content) for m in messages[:2]] == [("user", "hello"), ("assistant", "Half of an answer")]
    assert messages[2].role == MessageRole.EVENT and messages[2].event_type == "error"
    assert_reload_matches(events, messages)
    assert_no_key(events, messages)

    # A failure before any text, whose body echoes the key: not retried (400), masked in the card.
    echoed = {"error": {"message": f"Bad request from {KEY}", "type": "invalid_request_error"}}
    server.clear()
    server.enqueue(Reply(status=400, raw_body=json.dumps(echoed).encode()))
    again = await collect(run_turn(chat_id, "try again", user=alice, provider=provider))
    assert kinds(again) == ["error", "finish"] and again[-1].reason == "error"
    assert again[0].message == "The copilot's language model answered with an error (HTTP 400): Bad request from ****"
    # The conversation sent back holds the kept text, not the error card.
    assert [m["role"] for m in server.completions[0].messages] == ["system", "user", "assistant", "user"]
    assert_no_key(again, await stored(chat_id, alice))


async def test_a_model_that_always_calls_a_tool_stops_at_the_round_limit(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice, catalogue
) -> None:
    chat_id = await new_chat(alice)
    server.responder = lambda request: Reply(tool_calls=[FakeCall("find_agent", {"query": "rss"})])

    events = await collect(run_turn(chat_id, "loop forever", user=alice, provider=provider))

    assert len(server.completions) == MAX_TOOL_ROUNDS + 1
    assert kinds(events).count("tool_call") == MAX_TOOL_ROUNDS
    assert kinds(events).count("agent_carousel") == MAX_TOOL_ROUNDS
    assert kinds(events)[-2:] == ["error", "finish"] and events[-1].reason == "round_limit"
    assert str(MAX_TOOL_ROUNDS) in events[-2].message

    # Each request carries every earlier call with its result; the last one has all six.
    for round_number, request in enumerate(server.completions):
        sent = request.messages
        asked = [c["id"] for m in sent if m["role"] == "assistant" for c in m.get("tool_calls", [])]
        answered = [m["tool_call_id"] for m in sent if m["role"] == "tool"]
        assert asked == answered and len(asked) == round_number
        assert sent[0] == {"role": "system", "content": SYSTEM_PROMPT}

    # Every stored call has its answer (the last one "not run"), so the next turn is valid.
    messages = await stored(chat_id, alice)
    asked = [c["id"] for m in messages if m.role == "assistant" for c in m.tool_calls]
    answered = [m.tool_call_id for m in messages if m.role == "tool"]
    assert asked == answered and len(asked) == MAX_TOOL_ROUNDS + 1
    assert "round limit" in json.loads(messages[-2].content)["message"]
    assert messages[-1].role == MessageRole.EVENT and messages[-1].event_type == "error"
    assert_reload_matches(events, messages)  # the last call, never run, is not shown after a reload either

    server.responder = None
    server.reply_text("ok")
    done = await collect(run_turn(chat_id, "next", user=alice, provider=provider))
    assert done[-1].reason == "done"
    last = server.completions[-1].messages
    assert len([m for m in last if m["role"] == "tool"]) == MAX_TOOL_ROUNDS + 1
    assert last[-1] == {"role": "user", "content": "next"}


async def test_a_model_gets_the_same_time_rules_as_the_offline_copilot(
    server: FakeOpenAIServer, provider: OpenAIProvider, alice, catalogue
) -> None:
    """A model that passes a vague time is refused (and told what to ask); an exact one schedules one run,
    never a run now."""
    from autogpt_app.executions import service as executions
    from autogpt_app.scheduling import service as scheduling

    chat_id = await new_chat(alice)
    args = {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/feed.xml"}}
    server.reply_tool_call("run_agent", {**args, "run_at": "next week"})
    server.reply_text("When exactly next week?")
    events = await collect(run_turn(chat_id, "run the RSS digest next week", user=alice, provider=provider))
    assert [k for k in kinds(events) if k != "text_delta"] == ["tool_call", "error", "finish"], events
    assert "not a precise time" in next(e for e in events if e.type == "error").message
    async with session_scope() as s:
        assert await scheduling.list_schedules(s, alice) == []
        assert (await executions.list_runs(s, alice, limit=5)).items == []

    when = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    server.reply_tool_call("run_agent", {**args, "run_at": f"{when:%Y-%m-%dT%H:%M}", "timezone": "Europe/Paris"})
    server.reply_text("Scheduled.")
    events = await collect(run_turn(chat_id, f"on {when:%d %B} at 9am Paris time", user=alice, provider=provider))
    card = next(e for e in events if e.type == "schedule_created")
    assert card.kind == "once" and card.run_at == when.isoformat()
    async with session_scope() as s:
        [one] = await scheduling.list_schedules(s, alice)
        assert one.kind == "once" and (await executions.list_runs(s, alice, limit=5)).items == []
