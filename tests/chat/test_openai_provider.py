"""The copilot's OpenAI-compatible provider, through the real ``openai`` client, against a fake server."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from autogpt_app.chat.providers.base import (
    ChatMessage,
    LLMProvider,
    ProviderChunk,
    ProviderError,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
    ToolSpec,
)
from autogpt_app.chat.providers.factory import get_provider, uses_openai
from autogpt_app.chat.providers.openai_provider import (
    UNANSWERED_TOOL_RESULT,
    OpenAIProvider,
    ToolCallAccumulator,
    messages_to_openai,
    parse_arguments,
)
from autogpt_app.settings import Settings
from tests.fakes import FakeOpenAIServer, Reply
from tests.fakes import ToolCall as FakeCall

KEY = "sk-canary-7f3a91c2d4e6b8"

FIND_AGENT = ToolSpec(
    name="find_agent",
    description="Search the marketplace for agents.",
    parameters={"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
LIST_SCHEDULES = ToolSpec(
    name="list_schedules", description="List the user's schedules.", parameters={"type": "object", "properties": {}}
)
TOOLS = [FIND_AGENT, LIST_SCHEDULES]
HELLO = [ChatMessage(role="system", content="You are the copilot."), ChatMessage(role="user", content="Hi!")]


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as srv:
        yield srv


def provider_for(server: FakeOpenAIServer, **options: object) -> OpenAIProvider:
    settings: dict[str, object] = {"api_key": KEY, "base_url": server.base_url, "model": "copilot-model"}
    settings.update(retry_base_delay=0.001)
    settings.update(options)
    return OpenAIProvider(**settings)  # type: ignore[arg-type]


async def collect(provider: LLMProvider, messages: list[ChatMessage], tools: list[ToolSpec]) -> list[ProviderChunk]:
    return [chunk async for chunk in provider.stream(messages, tools)]


def text_of(chunks: list[ProviderChunk]) -> str:
    return "".join(chunk.text for chunk in chunks if isinstance(chunk, TextChunk))


async def failure(provider: LLMProvider, messages: list[ChatMessage], seen: list[ProviderChunk]) -> ProviderError:
    """Stream until the provider fails; ``seen`` gets the chunks yielded before the failure."""
    with pytest.raises(ProviderError) as caught:
        async for chunk in provider.stream(messages, TOOLS):
            seen.append(chunk)
    return caught.value


# ---------------------------------------------------------------------------------------------
# Streaming


async def test_plain_text_streams_in_several_chunks(server: FakeOpenAIServer) -> None:
    server.reply_text("Hello there, I can find agents for you.")
    provider = provider_for(server)

    chunks = await collect(provider, HELLO, [])

    assert all(isinstance(chunk, TextChunk) for chunk in chunks)
    assert len(chunks) == 8  # one per word, as the server sent them
    assert text_of(chunks) == "Hello there, I can find agents for you."
    [request] = server.completions
    assert request.model == "copilot-model"
    assert request.stream is True
    assert request.authorization == f"Bearer {KEY}"
    assert request.messages == [
        {"role": "system", "content": "You are the copilot."},
        {"role": "user", "content": "Hi!"},
    ]
    assert "tools" not in request.json and "tool_choice" not in request.json  # the API refuses tools=[]
    await provider.aclose()


async def test_text_is_yielded_as_it_arrives_not_when_the_answer_ends(server: FakeOpenAIServer) -> None:
    server.reply_text("one two three four five six", chunk_delay=0.15)
    provider = provider_for(server)
    started = time.monotonic()
    first_at = None
    chunks = []
    async for chunk in provider.stream(HELLO, []):
        first_at = first_at or time.monotonic() - started
        chunks.append(chunk)
    total = time.monotonic() - started

    assert text_of(chunks) == "one two three four five six"
    assert first_at is not None and first_at < 0.5 < total


async def test_one_tool_call(server: FakeOpenAIServer) -> None:
    server.reply_tool_call("find_agent", {"query": "RSS summariser"}, content="Let me look.")
    provider = provider_for(server)

    chunks = await collect(provider, HELLO, TOOLS)

    assert text_of(chunks) == "Let me look."
    assert isinstance(chunks[-1], ToolCallsChunk)
    assert all(isinstance(chunk, TextChunk) for chunk in chunks[:-1])
    [call] = chunks[-1].calls
    assert call.name == "find_agent"
    assert call.arguments == {"query": "RSS summariser"}
    assert json.loads(call.raw_arguments) == {"query": "RSS summariser"}
    assert call.id.startswith("call_")
    request = server.completions[0].json
    assert request["tool_choice"] == "auto"
    assert request["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "find_agent",
                "description": "Search the marketplace for agents.",
                "parameters": FIND_AGENT.parameters,
            },
        },
        {
            "type": "function",
            "function": {
                "name": "list_schedules",
                "description": "List the user's schedules.",
                "parameters": {"type": "object", "properties": {}},
            },
        },
    ]


async def test_several_tool_calls_in_one_turn(server: FakeOpenAIServer) -> None:
    long_query = "agents that summarise RSS feeds and send the summary by e-mail every morning"
    server.reply_tool_calls(
        [
            FakeCall("find_agent", {"query": long_query}, id="call_a"),
            FakeCall("list_schedules", {}, id="call_b"),
            FakeCall("find_agent", {"query": "weather"}, id="call_c"),
        ]
    )
    provider = provider_for(server)

    chunks = await collect(provider, HELLO, TOOLS)

    assert len(chunks) == 1 and isinstance(chunks[0], ToolCallsChunk)
    calls = chunks[0].calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_a", "find_agent", {"query": long_query}),
        ("call_b", "list_schedules", {}),
        ("call_c", "find_agent", {"query": "weather"}),
    ]


async def test_malformed_tool_arguments_keep_the_raw_text(server: FakeOpenAIServer) -> None:
    server.reply_tool_calls(
        [
            FakeCall("find_agent", '{"query": "news"', id="call_cut"),  # cut short
            FakeCall("find_agent", '["news"]', id="call_list"),  # JSON, but not an object
            FakeCall("list_schedules", "", id="call_empty"),  # no arguments at all
        ]
    )
    provider = provider_for(server)

    [chunk] = await collect(provider, HELLO, TOOLS)

    assert isinstance(chunk, ToolCallsChunk)
    cut, listed, empty = chunk.calls
    assert cut.arguments is None and cut.raw_arguments == '{"query": "news"'
    assert listed.arguments is None and listed.raw_arguments == '["news"]'
    assert empty.arguments == {} and empty.raw_arguments == ""


async def test_an_unknown_tool_is_passed_on_for_the_loop_to_refuse(server: FakeOpenAIServer) -> None:
    server.reply_tool_call("delete_everything", {"really": True})
    provider = provider_for(server)

    [chunk] = await collect(provider, HELLO, TOOLS)

    assert isinstance(chunk, ToolCallsChunk)
    assert [(c.name, c.arguments) for c in chunk.calls] == [("delete_everything", {"really": True})]


async def test_stopping_early_closes_the_stream_quietly(server: FakeOpenAIServer) -> None:
    server.reply_text("a long answer that the person stops " * 5, chunk_delay=0.01)
    provider = provider_for(server)
    stream = provider.stream(HELLO, [])

    first = await anext(stream)
    await stream.aclose()

    assert isinstance(first, TextChunk)
    server.reply_text("Next turn works.")
    assert text_of(await collect(provider, HELLO, [])) == "Next turn works."


# ---------------------------------------------------------------------------------------------
# Conversation shape


async def test_tool_messages_round_trip(server: FakeOpenAIServer) -> None:
    server.reply_tool_calls(
        [FakeCall("find_agent", {"query": "news"}), FakeCall("find_agent", '{"query": ', id="call_bad")]
    )
    server.reply_text("Here are two agents.")
    provider = provider_for(server)

    [first] = await collect(provider, HELLO, TOOLS)
    assert isinstance(first, ToolCallsChunk)
    good, bad = first.calls
    carousel = json.dumps({"type": "agent_carousel", "agents": [{"id": "news-digest"}]})
    history = [
        *HELLO,
        ChatMessage(role="assistant", content="", tool_calls=first.calls),
        ChatMessage(role="tool", tool_call_id=good.id, name="find_agent", content=carousel),
        ChatMessage(role="tool", tool_call_id=bad.id, name="find_agent", content='{"type": "error"}'),
    ]
    second = await collect(provider, history, TOOLS)

    assert text_of(second) == "Here are two agents."
    sent = server.completions[1].messages
    assert sent[:2] == server.completions[0].messages
    assert sent[2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": good.id, "type": "function", "function": {"name": "find_agent", "arguments": '{"query": "news"}'}},
            # Invalid JSON is not sent back (several servers answer 400 to it).
            {"id": "call_bad", "type": "function", "function": {"name": "find_agent", "arguments": "{}"}},
        ],
    }
    assert sent[3] == {"role": "tool", "tool_call_id": good.id, "content": carousel}
    assert sent[4] == {"role": "tool", "tool_call_id": "call_bad", "content": '{"type": "error"}'}


def test_unanswered_tool_calls_are_answered_and_stray_tool_messages_dropped() -> None:
    call = ToolCall(id="call_1", name="find_agent", arguments={"query": "x"}, raw_arguments='{"query": "x"}')
    history = [
        ChatMessage(role="user", content="find x"),
        ChatMessage(role="tool", tool_call_id="call_nobody_made", content="{}"),
        ChatMessage(role="assistant", content="Looking…", tool_calls=[call]),
        ChatMessage(role="user", content="stop, never mind"),
    ]

    sent = messages_to_openai(history)

    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "user"]
    assert sent[1]["content"] == "Looking…"
    assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": UNANSWERED_TOOL_RESULT}


def test_parse_arguments() -> None:
    assert parse_arguments('{"a": 1}') == {"a": 1}
    assert parse_arguments("  ") == {}
    assert parse_arguments("null") is None
    assert parse_arguments("{'a': 1}") is None


def test_accumulator_without_index_or_with_a_reused_index() -> None:
    def delta(index: int | None, call_id: str | None, name: str | None, arguments: str) -> SimpleNamespace:
        return SimpleNamespace(index=index, id=call_id, function=SimpleNamespace(name=name, arguments=arguments))

    calls = ToolCallAccumulator()
    for piece in (
        delta(None, "c1", "find_agent", '{"query"'),
        delta(None, None, None, ': "a"}'),
        delta(0, "c2", "list_schedules", ""),  # index 0 again, but a new call id
        delta(0, "c2", "list_schedules", "{}"),  # id and name repeated: kept once
    ):
        calls.add(piece)

    assert [(c.id, c.name, c.arguments) for c in calls.calls()] == [
        ("c1", "find_agent", {"query": "a"}),
        ("c2", "list_schedules", {}),
    ]


# ---------------------------------------------------------------------------------------------
# Failures and retries


async def test_rate_limit_then_success_is_retried(server: FakeOpenAIServer) -> None:
    server.reply_error(429, "Slow down", times=2)
    server.reply_text("Finally here.")
    provider = provider_for(server)

    chunks = await collect(provider, HELLO, [])

    assert text_of(chunks) == "Finally here."
    assert len(server.completions) == 3


async def test_a_stream_dropped_before_any_text_is_retried(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(content="lost answer", cut_after=1))  # only the role chunk, then the line drops
    server.enqueue(Reply(stream_error="overloaded"))  # an error event before any text
    server.reply_text("Complete answer.")
    provider = provider_for(server)

    chunks = await collect(provider, HELLO, [])

    assert text_of(chunks) == "Complete answer."
    assert len(server.completions) == 3


async def test_a_tool_call_cut_short_before_any_text_is_retried(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(tool_calls=[FakeCall("find_agent", {"query": "news"})], cut_after=3))
    server.reply_tool_call("find_agent", {"query": "news"})
    provider = provider_for(server)

    [chunk] = await collect(provider, HELLO, TOOLS)

    assert isinstance(chunk, ToolCallsChunk) and chunk.calls[0].arguments == {"query": "news"}
    assert len(server.completions) == 2


async def test_a_drop_after_the_finish_keeps_the_complete_answer(server: FakeOpenAIServer) -> None:
    # role, "Hi ", "there", finish — then the line drops before "[DONE]".
    server.enqueue(Reply(content="Hi there", cut_after=4))
    server.enqueue(Reply(tool_calls=[FakeCall("list_schedules", {}, id="call_s")], cut_after=4))
    provider = provider_for(server)

    assert text_of(await collect(provider, HELLO, [])) == "Hi there"
    [chunk] = await collect(provider, HELLO, TOOLS)  # role, call head, "{}", finish
    assert isinstance(chunk, ToolCallsChunk) and chunk.calls[0].id == "call_s"
    assert len(server.completions) == 2


async def test_a_drop_mid_stream_fails_without_repeating_text(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(content="one two three four five", cut_after=3))
    server.reply_text("should never be asked for")
    provider = provider_for(server)
    seen: list[ProviderChunk] = []

    error = await failure(provider, HELLO, seen)

    assert text_of(seen) == "one two "
    assert error.message == "The copilot's answer was interrupted (the connection was lost). Please try again."
    assert error.retryable
    assert len(server.completions) == 1  # no retry once text was shown
    assert server.pending == 1


async def test_an_error_event_mid_stream_fails(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(content="Partial answer", stream_error=f"backend crashed (key {KEY})"))
    provider = provider_for(server)
    seen: list[ProviderChunk] = []

    error = await failure(provider, HELLO, seen)

    assert text_of(seen) == "Partial answer"
    assert error.message == "The copilot's answer was interrupted (the model failed). Please try again."
    assert len(server.completions) == 1


async def test_server_errors_are_retried_then_reported(server: FakeOpenAIServer) -> None:
    server.reply_error(503, "Service unavailable", times=3)
    provider = provider_for(server, max_retries=2)

    error = await failure(provider, HELLO, [])

    assert len(server.completions) == 3
    assert error.message == "The copilot's language model answered with an error (HTTP 503): Service unavailable"
    assert error.retryable


@pytest.mark.parametrize(
    ("status", "body_code", "expected"),
    [
        (400, None, "answered with an error (HTTP 400): This model's context is full."),
        (404, None, "answered with an error (HTTP 404)"),
        (429, "insufficient_quota", "no quota left"),
    ],
)
async def test_errors_that_retrying_cannot_fix_are_not_retried(
    server: FakeOpenAIServer, status: int, body_code: str | None, expected: str
) -> None:
    body = {"error": {"message": "This model's context is full.", "type": "x", "code": body_code}}
    server.enqueue(Reply(status=status, raw_body=json.dumps(body).encode()))
    provider = provider_for(server)

    error = await failure(provider, HELLO, [])

    assert expected in error.message
    assert len(server.completions) == 1


async def test_a_silent_server_times_out(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(content="too late", delay=1.0), Reply(content="also too late", delay=1.0))
    provider = provider_for(server, read_timeout=0.2, max_retries=1)

    error = await failure(provider, HELLO, [])

    assert error.message == "The copilot's language model did not answer in time. Please try again."
    assert len(server.completions) == 2


async def test_an_unreachable_server_is_reported_plainly() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = OpenAIProvider(api_key=KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=1, retry_base_delay=0)

    error = await failure(provider, HELLO, [])

    assert error.message == "Could not reach the copilot's language model. Please try again later."


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("file:///etc/passwd", "is not an http(s) URL"),
        ("localhost:11434/v1", "is not an http(s) URL"),
        ("http://admin:hunter22@127.0.0.1:9/v1", "must not contain user:password@"),
    ],
)
async def test_a_bad_base_url_is_refused_before_any_request(base_url: str, expected: str) -> None:
    provider = OpenAIProvider(api_key=KEY, base_url=base_url)

    error = await failure(provider, HELLO, [])

    assert expected in error.message and "OPENAI_BASE_URL" in error.message
    assert "hunter22" not in error.message and "hunter22" not in repr(provider)


async def test_the_api_key_never_shows_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeOpenAIServer(api_key="sk-the-right-one") as strict:
        provider = OpenAIProvider(api_key=KEY, base_url=strict.base_url, retry_base_delay=0)
        refused = await failure(provider, HELLO, [])
        assert refused.message == (
            "The copilot's language model refused its API key (HTTP 401). An administrator should check OPENAI_API_KEY."
        )
    assert KEY not in caplog.text  # nowhere, at any level, from any library

    async with FakeOpenAIServer() as server:  # a server that echoes the key back in its errors
        provider = provider_for(server, max_retries=1)
        echoed = {"error": {"message": f"Bad request from {KEY} and sk-otherkey123"}}
        server.enqueue(Reply(status=400, raw_body=json.dumps(echoed).encode()))
        server.reply_error(500, f"Internal error for key {KEY}", times=2)
        server.enqueue(Reply(content="some text", stream_error=f"crashed with {KEY}"))
        messages = [
            (await failure(provider, HELLO, [])).message,
            (await failure(provider, HELLO, [])).message,
            (await failure(provider, HELLO, [])).message,
        ]

    assert messages == [
        "The copilot's language model answered with an error (HTTP 400): Bad request from **** and ****",
        "The copilot's language model answered with an error (HTTP 500): Internal error for key ****",
        "The copilot's answer was interrupted (the model failed). Please try again.",
    ]
    ours = [record.getMessage() for record in caplog.records if record.name.startswith("autogpt_app")]
    assert ours and not any(KEY in line for line in ours)


# ---------------------------------------------------------------------------------------------
# Choosing the provider


async def test_factory_picks_openai_when_a_key_is_set(server: FakeOpenAIServer) -> None:
    settings = Settings(openai_api_key=KEY, openai_base_url=server.base_url, openai_model="local-model")

    provider = get_provider(settings)

    assert isinstance(provider, OpenAIProvider) and isinstance(provider, LLMProvider)
    assert provider.name == "openai" and provider.model == "local-model"
    assert uses_openai(settings)
    assert get_provider(settings) is provider  # one client (and its connections) per loop and config
    other = get_provider(Settings(openai_api_key=KEY, openai_base_url=server.base_url, openai_model="other"))
    assert other is not provider and other.model == "other"
    server.reply_text("From the factory.")
    assert text_of(await collect(provider, HELLO, [])) == "From the factory."
    assert server.completions[0].model == "local-model"
    assert KEY not in repr(provider)


async def test_factory_gives_a_fresh_provider_per_event_loop() -> None:
    settings = Settings(openai_api_key=KEY, openai_base_url="http://127.0.0.1:9/v1")
    here = get_provider(settings)

    def in_another_loop() -> LLMProvider:
        async def build() -> LLMProvider:
            return get_provider(settings)

        return asyncio.run(build())

    assert await asyncio.to_thread(in_another_loop) is not here
    assert get_provider(settings) is here


def test_factory_picks_the_offline_copilot_without_a_key() -> None:
    offline = pytest.importorskip("autogpt_app.chat.providers.offline")
    settings = Settings(openai_api_key="  ")

    provider = get_provider(settings)

    assert not uses_openai(settings)
    assert isinstance(provider, offline.OfflineCopilot)
    assert provider.name == "offline"


async def test_the_offline_copilot_streams_its_words_the_configured_delay_apart() -> None:
    offline = pytest.importorskip("autogpt_app.chat.providers.offline")
    provider = get_provider(Settings(openai_api_key="", chat_offline_word_delay=0.05))
    assert isinstance(provider, offline.OfflineCopilot)

    arrivals: list[float] = []
    chunks: list[ProviderChunk] = []
    async for chunk in provider.stream(HELLO, []):
        chunks.append(chunk)
        if isinstance(chunk, TextChunk):
            arrivals.append(time.monotonic())

    # A reader sees the reply arrive word by word, not all at once.
    assert len(arrivals) >= 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.04
    # Without a delay the same words come at once.
    instant = get_provider(Settings(openai_api_key="", chat_offline_word_delay=0))
    started = time.monotonic()
    assert text_of(await collect(instant, HELLO, [])) == text_of(chunks)
    assert time.monotonic() - started < 0.04 * len(arrivals)
