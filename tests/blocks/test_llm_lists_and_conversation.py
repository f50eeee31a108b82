# ruff: noqa: F811  (pytest fixtures imported from test_llm_blocks are parameters here)
"""The AI conversation and AI list generator blocks, and structured lists, against the fake OpenAI server."""

from __future__ import annotations

import json

from autogpt_app.blocks.builtin.llm import AIStructuredResponseGeneratorBlock
from autogpt_app.blocks.builtin.llm_conversation import AIConversationBlock
from autogpt_app.blocks.builtin.llm_lists import AIListGeneratorBlock
from autogpt_app.blocks.sdk import run_block
from tests.blocks.test_llm_blocks import KEY, context, fresh_model_lists, loopback, only_error, server  # noqa: F401
from tests.fakes import FakeOpenAIServer

HISTORY = [
    {"role": "system", "content": "You answer in one sentence."},
    {"role": "user", "content": "Who won the 2020 World Series?"},
    {"role": "assistant", "content": "The Los Angeles Dodgers."},
]


async def test_conversation_sends_every_message_and_the_new_prompt(server: FakeOpenAIServer) -> None:
    server.reply_text("At Globe Life Field in Arlington.")
    inputs = {"messages": HISTORY, "prompt": "Where was it played?", "max_tokens": 40}
    out = await run_block(AIConversationBlock(), inputs, context(server.base_url))
    sent = [*HISTORY, {"role": "user", "content": "Where was it played?"}]
    assert out == [("response", "At Globe Life Field in Arlington."), ("prompt", sent)]
    assert server.completions[0].messages == sent
    assert server.completions[0].json["max_tokens"] == 40


async def test_conversation_reads_plain_texts_as_the_persons_words(server: FakeOpenAIServer) -> None:
    server.reply_text("Hello!")
    await run_block(AIConversationBlock(), {"messages": ["Hi there"]}, context(server.base_url))
    assert server.completions[0].messages == [{"role": "user", "content": "Hi there"}]


async def test_conversation_failures_are_readable_and_keep_the_key_out(server: FakeOpenAIServer) -> None:
    server.reply_error(500, f"upstream broke while using {KEY}", times=4)
    message = only_error(await run_block(AIConversationBlock(), {"messages": ["Hi"]}, context(server.base_url)))
    assert message.startswith("The language model at 127.0.0.1 answered with an error (HTTP 500)")
    assert KEY not in message


async def test_list_generator_passes_the_list_then_each_item(server: FakeOpenAIServer) -> None:
    server.reply_text(json.dumps({"list": ["Zylora Prime", "Kharon-9", "Oceara"]}))
    inputs = {"focus": "planets", "source_data": "Zylora Prime is green; Kharon-9 is dry; Oceara is wet."}
    out = await run_block(AIListGeneratorBlock(), inputs, context(server.base_url))
    assert out[0] == ("generated_list", ["Zylora Prime", "Kharon-9", "Oceara"])
    assert out[1][0] == "prompt"
    assert out[2:] == [("list_item", "Zylora Prime"), ("list_item", "Kharon-9"), ("list_item", "Oceara")]
    asked = server.completions[0].last_user_message()
    assert "planets" in asked and "Kharon-9 is dry" in asked and "do not invent" in asked


async def test_list_generator_asks_again_when_the_answer_is_not_a_list(server: FakeOpenAIServer) -> None:
    server.reply_text('{"list": "Mars, Venus"}')
    server.reply_text('Here you go: {"list": ["Mars", "Venus", 3]}')
    out = await run_block(AIListGeneratorBlock(), {"focus": "planets"}, context(server.base_url))
    assert out[0] == ("generated_list", ["Mars", "Venus", "3"])
    second = server.completions[1].messages
    assert second[-1]["role"] == "user" and "must be a JSON array of strings" in second[-1]["content"]


async def test_list_generator_gives_up_after_max_retries(server: FakeOpenAIServer) -> None:
    server.reply_text("no idea")
    server.reply_text("still no idea")
    inputs = {"focus": "planets", "max_retries": 2}
    message = only_error(await run_block(AIListGeneratorBlock(), inputs, context(server.base_url)))
    assert message.startswith("The model did not give a valid list after being asked 2 times")
    assert len(server.completions) == 2


async def test_list_generator_rate_limit_is_a_readable_error(server: FakeOpenAIServer) -> None:
    server.reply_error(429, "Slow down", times=4)
    message = only_error(await run_block(AIListGeneratorBlock(), {"focus": "x"}, context(server.base_url)))
    assert message == "The language model at 127.0.0.1 is rate limiting requests (HTTP 429); try again later."


async def test_structured_answer_as_a_list_with_earlier_messages(server: FakeOpenAIServer) -> None:
    server.reply_text('[{"city": "Paris"}, {"city": "Rome"}]')
    inputs = {
        "prompt": "Two capitals?",
        "expected_format": {"city": "a capital"},
        "list_result": True,
        "conversation_history": [{"role": "user", "content": "We talk about Europe."}],
        "ollama_host": "localhost:11434",
    }
    out = await run_block(AIStructuredResponseGeneratorBlock(), inputs, context(server.base_url))
    assert out[0] == ("response", [{"city": "Paris"}, {"city": "Rome"}])
    messages = server.completions[0].messages
    assert [m["role"] for m in messages] == ["system", "user", "user"]
    assert messages[1]["content"] == "We talk about Europe."
    assert "JSON array of objects" in messages[0]["content"]
