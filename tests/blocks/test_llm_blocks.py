"""The language-model blocks, through the real ``openai`` client, against a fake OpenAI server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import openai
import pytest

from autogpt_app.blocks.builtin import _llm_client as llm_client
from autogpt_app.blocks.builtin.llm import (
    AIStructuredResponseGeneratorBlock,
    AITextGeneratorBlock,
    AITextSummarizerBlock,
    group_words,
    parse_structured,
    split_words,
)
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from autogpt_app.settings import get_settings
from tests.fakes import FakeOpenAIServer, RecordedRequest, Reply

KEY = "sk-canary-3b9f1d27c4e8a6"


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


@pytest.fixture(autouse=True)
def fresh_model_lists() -> Iterator[None]:
    """Each test reads its endpoint's models list anew (the client keeps them per credential)."""
    llm_client.forget_served_models()
    yield
    llm_client.forget_served_models()


@pytest.fixture
def server(loopback: None) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


def context(base_url: str | None, *, model: str | None = None, key: str = KEY) -> RunContext:
    meta = {}
    if base_url is not None:
        meta["base_url"] = base_url
    if model is not None:
        meta["model"] = model
    secret = CredentialSecret(id="cred-1", provider="openai", type="api_key", api_key=key, meta=meta)
    return RunContext(user_id="u1", credentials={"credentials": secret})


def only_error(outputs: list[tuple[str, object]]) -> str:
    assert len(outputs) == 1 and outputs[0][0] == "error", outputs
    return str(outputs[0][1])


# ---------------------------------------------------------------------------------------------
# Text generation


async def test_text_generation_sends_model_messages_and_key(server: FakeOpenAIServer) -> None:
    server.reply_text("Bonjour !")
    inputs = {
        "prompt": "Say hello in {{ language }}.",
        "sys_prompt": "Be brief.",
        "max_tokens": 50,
        "prompt_values": {"language": "French"},
    }
    out = await run_block(AITextGeneratorBlock(), inputs, context(server.base_url, model="local-llama"))
    sent = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello in French."}]
    assert out == [("response", "Bonjour !"), ("prompt", sent)]
    [request] = server.completions
    assert request.model == "local-llama"
    assert request.messages == sent
    assert request.authorization == f"Bearer {KEY}"
    assert request.json["max_tokens"] == 50
    assert not request.stream


async def test_model_input_wins_then_credential_then_settings(server: FakeOpenAIServer) -> None:
    server.models = ["chosen", "meta"]
    server.reply_text("a")
    server.reply_text("b")
    await run_block(AITextGeneratorBlock(), {"prompt": "x", "model": "chosen"}, context(server.base_url, model="meta"))
    await run_block(AITextGeneratorBlock(), {"prompt": "x"}, context(server.base_url))
    first, second = server.completions
    assert first.model == "chosen"
    assert second.model == get_settings().openai_model
    assert "max_tokens" not in second.json
    assert second.messages == [{"role": "user", "content": "x"}]


async def test_settings_base_url_is_the_fallback(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "openai_base_url", server.base_url)
    server.reply_text("from the platform endpoint")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "x"}, context(None))
    assert out[0] == ("response", "from the platform endpoint")


async def test_rate_limit_is_retried(server: FakeOpenAIServer) -> None:
    server.reply_error(429, "Rate limit reached")
    server.reply_error(503, "Overloaded")
    server.reply_text("finally")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "x"}, context(server.base_url))
    assert out[0] == ("response", "finally")
    assert len(server.completions) == 3


async def test_server_error_forever_gives_a_readable_error_without_the_key(server: FakeOpenAIServer) -> None:
    server.responder = lambda request: Reply(status=500, error_message=f"internal failure for key {KEY}")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "x"}, context(server.base_url))
    message = only_error(out)
    assert message == "The language model at 127.0.0.1 answered with an error (HTTP 500): internal failure for key ****"
    assert len(server.completions) == llm_client.MAX_RETRIES + 1


async def test_other_provider_failures(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    block = AITextGeneratorBlock()
    server.reply_error(401, f"Incorrect API key provided: {KEY}")
    assert only_error(await run_block(block, {"prompt": "x"}, context(server.base_url))) == (
        "The language model at 127.0.0.1 refused the API key (HTTP 401)."
    )
    server.reply_error(404, "The model `nope` does not exist")
    assert only_error(await run_block(block, {"prompt": "x", "model": "nope"}, context(server.base_url))) == (
        "The language model at 127.0.0.1 answered with an error (HTTP 404): The model `nope` does not exist"
    )
    server.responder = lambda request: Reply(status=429, error_message="Too many")
    monkeypatch.setattr(llm_client, "MAX_RETRIES", 1)
    assert only_error(await run_block(block, {"prompt": "x"}, context(server.base_url))) == (
        "The language model at 127.0.0.1 is rate limiting requests (HTTP 429); try again later."
    )

    monkeypatch.setattr(llm_client, "MAX_RETRIES", 0)
    monkeypatch.setattr(llm_client, "REQUEST_TIMEOUT_SECONDS", 0.3)
    server.responder = None
    server.enqueue(Reply(content="late", delay=1.0))
    assert only_error(await run_block(block, {"prompt": "x"}, context(server.base_url))) == (
        "The language model at 127.0.0.1 did not answer in time."
    )
    assert only_error(await run_block(block, {"prompt": "x"}, context("http://127.0.0.1:1/v1"))) == (
        "Could not connect to the language model at 127.0.0.1."
    )
    server.enqueue(Reply(raw_body=b'{"id": "x", "object": "chat.completion", "choices": []}'))
    assert only_error(await run_block(block, {"prompt": "x"}, context(server.base_url))) == (
        "The language model at 127.0.0.1 returned no answer."
    )


async def test_private_base_urls_are_refused() -> None:
    block = AITextGeneratorBlock()
    for base_url, shown in (
        ("http://localhost:9/v1", "localhost"),
        ("http://169.254.169.254/v1", "169.254.169.254"),
        ("http://[::1]:8000/v1", "::1"),
    ):
        out = await run_block(block, {"prompt": "x"}, context(base_url))
        assert only_error(out) == (
            f"The language model address is refused: Requests to private or local addresses are not allowed ({shown})."
        )


# ---------------------------------------------------------------------------------------------
# Structured answers


async def test_structured_output_asks_again_after_invalid_json(server: FakeOpenAIServer) -> None:
    server.reply_text("Sure! The capital is Paris.")
    server.reply_text('```json\n{"city": "Paris", "country": "France", "extra": 1}\n```')
    inputs = {
        "prompt": "Capital of France?",
        "expected_format": {"city": "the capital", "country": "the country"},
        "sys_prompt": "You know geography.",
    }
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert out[0] == ("response", {"city": "Paris", "country": "France"})
    first, second = server.completions
    system = first.messages[0]
    assert system["role"] == "system" and system["content"].startswith("You know geography.")
    assert '"city": the capital' in system["content"] and '"country": the country' in system["content"]
    assert second.messages[:2] == first.messages
    assert second.messages[2] == {"role": "assistant", "content": "Sure! The capital is Paris."}
    assert second.messages[3]["role"] == "user"
    assert "did not contain a valid JSON object" in second.messages[3]["content"]
    assert out[1] == ("prompt", second.messages)


async def test_structured_output_asks_again_for_missing_keys(server: FakeOpenAIServer) -> None:
    server.reply_text('{"city": "Paris"}')
    server.reply_text('Here: {"city": "Paris", "country": "France"} done')
    inputs = {"prompt": "?", "expected_format": {"city": "c", "country": "k"}}
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert out[0] == ("response", {"city": "Paris", "country": "France"})
    assert "missing the keys: country" in server.completions[1].messages[-1]["content"]


async def test_structured_output_gives_up_after_retry_tries(server: FakeOpenAIServer) -> None:
    server.responder = lambda request: Reply(content="no JSON here")
    inputs = {"prompt": "?", "expected_format": {"city": "c"}, "retry": 2}
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert only_error(out) == (
        "The model did not give a valid answer after being asked 2 times: "
        "Your answer did not contain a valid JSON object."
    )
    assert len(server.completions) == 2


async def test_structured_output_provider_failure_is_not_re_asked(server: FakeOpenAIServer) -> None:
    server.responder = lambda request: Reply(status=400, error_message="bad request")
    inputs = {"prompt": "?", "expected_format": {"city": "c"}}
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert only_error(out) == "The language model at 127.0.0.1 answered with an error (HTTP 400): bad request"
    assert len(server.completions) == 1


def test_parse_structured() -> None:
    expected = {"a": "x", "b": "y"}
    assert parse_structured('{"a": 1, "b": [2], "c": 3}', expected) == {"a": 1, "b": [2]}
    assert parse_structured('text before {"a": "", "b": null} text after', expected) == {"a": "", "b": None}
    for bad in ("", "[1, 2]", "{not json}", '"a"'):
        with pytest.raises(ValueError, match="valid JSON object"):
            parse_structured(bad, expected)
    with pytest.raises(ValueError, match="missing the keys: b"):
        parse_structured('{"a": 1}', expected)


# ---------------------------------------------------------------------------------------------
# Summaries


def _summary_responder(chunk_words: int = 3) -> object:
    def respond(request: RecordedRequest) -> Reply:
        text = request.last_user_message()
        if "partial summaries" in text:
            return Reply(content="FINAL SUMMARY")
        first_word = text.split("\n\n", 1)[1].split()[0]
        return Reply(content=" ".join([f"summary-of-{first_word}"] * chunk_words))

    return respond


async def test_summary_of_a_long_text_summarises_chunks_then_combines(server: FakeOpenAIServer) -> None:
    server.responder = _summary_responder()
    words = [f"w{i}" for i in range(300)]
    inputs = {"text": " ".join(words), "max_tokens": 100, "chunk_overlap": 10, "focus": "numbers", "style": "detailed"}
    out = await run_block(AITextSummarizerBlock(), inputs, context(server.base_url))
    assert out[0] == ("summary", "FINAL SUMMARY")
    requests = server.completions
    assert len(requests) == 5  # 4 pieces (100 words, 10 shared) + 1 combination
    pieces = [r for r in requests if "partial summaries" not in r.last_user_message()]
    firsts = sorted(r.last_user_message().split("\n\n", 1)[1].split()[0] for r in pieces)
    assert firsts == sorted(["w0", "w90", "w180", "w270"])
    assert all("detailed summaries focused on numbers" in r.messages[0]["content"] for r in requests)
    combined = requests[-1].last_user_message()
    for first in ("w0", "w90", "w180", "w270"):
        assert f"summary-of-{first}" in combined
    assert out[1] == ("prompt", requests[-1].messages)


async def test_summary_of_a_short_text_is_one_request(server: FakeOpenAIServer) -> None:
    server.reply_text("  Short.  ")
    out = await run_block(AITextSummarizerBlock(), {"text": "One small paragraph."}, context(server.base_url))
    assert out[0] == ("summary", "Short.")
    assert len(server.completions) == 1
    assert server.completions[0].json["max_tokens"] == 4096


async def test_summary_combines_in_rounds_when_summaries_are_long(server: FakeOpenAIServer) -> None:
    server.responder = _summary_responder(chunk_words=60)
    inputs = {"text": " ".join(f"w{i}" for i in range(300)), "max_tokens": 100, "chunk_overlap": 10}
    out = await run_block(AITextSummarizerBlock(), inputs, context(server.base_url))
    assert out[0] == ("summary", "FINAL SUMMARY")
    assert len(server.completions) == 4 + 2 + 1


async def test_summary_failure_stops_everything(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_client, "MAX_RETRIES", 0)
    server.responder = lambda request: Reply(status=500, error_message="down")
    inputs = {"text": " ".join(f"w{i}" for i in range(300)), "max_tokens": 100}
    out = await run_block(AITextSummarizerBlock(), inputs, context(server.base_url))
    assert only_error(out) == "The language model at 127.0.0.1 answered with an error (HTTP 500): down"


async def test_summary_refuses_too_many_pieces() -> None:
    inputs = {"text": "word " * 5000, "max_tokens": 16, "chunk_overlap": 0}
    out = await run_block(AITextSummarizerBlock(), inputs, context("http://10.0.0.1/v1"))
    assert "too long to summarise" in only_error(out)


def test_split_and_group_words() -> None:
    assert split_words("a b c d e", 2, 0) == ["a b", "c d", "e"]
    assert split_words("a b c d e", 3, 1) == ["a b c", "c d e"]
    assert split_words("a b", 5, 10) == ["a b"]
    assert group_words(["a b", "c d", "e f", "g"], 4) == [["a b", "c d"], ["e f", "g"]]
    assert group_words(["a b c", "d e f", "g h i"], 4) == [["a b c", "d e f", "g h i"]]


# ---------------------------------------------------------------------------------------------
# The key never leaks


async def test_api_key_never_in_outputs_errors_or_logs(
    server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(llm_client, "MAX_RETRIES", 1)
    outputs: list[object] = []
    server.reply_text("fine")
    outputs.append(await run_block(AITextGeneratorBlock(), {"prompt": "hello"}, context(server.base_url)))
    server.reply_error(401, f"Incorrect API key provided: {KEY}")
    outputs.append(await run_block(AITextGeneratorBlock(), {"prompt": "hello"}, context(server.base_url)))
    server.reply_error(500, f"echo {KEY}", times=2)
    outputs.append(await run_block(AITextGeneratorBlock(), {"prompt": "hello"}, context(server.base_url)))
    server.reply_error(400, json.dumps({"key": KEY}))
    inputs = {"prompt": "?", "expected_format": {"a": "b"}}
    outputs.append(await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url)))
    outputs.append(await run_block(AITextSummarizerBlock(), {"text": "t"}, context("http://127.0.0.1:1/v1")))
    outputs.append(await run_block(AITextGeneratorBlock(), {"prompt": "hello"}, context("http://10.1.2.3/v1")))
    assert len(server.completions) == 5
    assert KEY not in repr(outputs)
    assert KEY not in caplog.text
    assert KEY not in repr(llm_client.endpoint_for(context(server.base_url)))


# ---------------------------------------------------------------------------------------------
# The fake server itself (streaming and tool calls, for the chat tests that reuse it)


async def test_fake_server_streams_text_and_tool_calls() -> None:
    with FakeOpenAIServer(api_key=KEY) as server:
        server.reply_text("Hello there, friend")
        server.reply_tool_call("find_agent", {"query": "news"}, content="Looking")
        async with openai.AsyncOpenAI(api_key=KEY, base_url=server.base_url, max_retries=0) as client:
            stream = await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])
            assert text == "Hello there, friend"

            stream = await client.chat.completions.create(
                model="m",
                messages=[{"role": "user", "content": "news?"}],
                stream=True,
                stream_options={"include_usage": True},
            )
            chunks = [chunk async for chunk in stream]
            calls = [c for chunk in chunks if chunk.choices for c in chunk.choices[0].delta.tool_calls or []]
            assert calls[0].function.name == "find_agent" and calls[0].id
            assert json.loads("".join(c.function.arguments or "" for c in calls)) == {"query": "news"}
            finish = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices]
            assert finish[-1] == "tool_calls"
            assert chunks[-1].usage is not None

            models = await client.models.list()
            assert [m.id async for m in models]
        async with openai.AsyncOpenAI(api_key="wrong", base_url=server.base_url, max_retries=0) as client:
            with pytest.raises(openai.AuthenticationError):
                await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert [r.stream for r in server.completions] == [True, True, False]
        assert server.pending == 0


async def test_text_generation_asks_again_after_an_empty_answer(server: FakeOpenAIServer) -> None:
    server.reply_text("")
    server.reply_text("Now with words.")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "retry": 2}, context(server.base_url))
    assert out[0] == ("response", "Now with words.")
    assert len(server.completions) == 2


async def test_structured_output_can_ask_for_json_only(server: FakeOpenAIServer) -> None:
    server.reply_text('{"city": "Paris"}')
    inputs = {"prompt": "Capital of France?", "expected_format": {"city": "the capital"}, "force_json_output": True}
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert out[0] == ("response", {"city": "Paris"})
    assert server.completions[0].json["response_format"] == {"type": "json_object"}
