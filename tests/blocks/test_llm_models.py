# ruff: noqa: F811  (pytest fixtures imported from test_llm_blocks are parameters here)
"""Model names of any provider in the AI blocks: used when the endpoint serves them, else replaced
by the credential's (or the platform's) model with a note on the run — against the fake OpenAI server."""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin._llm_client import replaced_note
from autogpt_app.blocks.builtin.llm import AIStructuredResponseGeneratorBlock, AITextGeneratorBlock
from autogpt_app.blocks.builtin.llm_agents import SmartDecisionMakerBlock
from autogpt_app.blocks.builtin.llm_conversation import AIConversationBlock
from autogpt_app.blocks.builtin.llm_lists import AIListGeneratorBlock
from autogpt_app.blocks.registry import list_blocks
from autogpt_app.blocks.sdk import BlockCategory, run_block
from tests.blocks.test_llm_blocks import KEY, context, fresh_model_lists, loopback, server  # noqa: F401
from tests.fakes import FakeOpenAIServer


def model_list_reads(server: FakeOpenAIServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path.endswith("/models"))


async def test_a_served_model_of_another_provider_is_used_as_is(server: FakeOpenAIServer) -> None:
    server.models = ["gpt-4o-mini", "claude-3-5-sonnet-latest"]
    server.reply_text("Hi from Claude")
    ctx = context(server.base_url)
    out = await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "claude-3-5-sonnet-latest"}, ctx)
    assert out[0] == ("response", "Hi from Claude")
    assert server.completions[0].model == "claude-3-5-sonnet-latest"
    assert ctx.notes == []
    assert server.requests[0].authorization == f"Bearer {KEY}"  # the models list is asked with the key


async def test_an_unserved_model_falls_back_to_the_credentials_model_with_a_note(server: FakeOpenAIServer) -> None:
    server.models = ["local-llama"]
    server.reply_text("Done")
    ctx = context(server.base_url, model="local-llama")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "llama3.3-70b-versatile"}, ctx)
    assert out[0] == ("response", "Done")
    assert server.completions[0].model == "local-llama"
    assert ctx.notes == [
        "The model 'llama3.3-70b-versatile' is not served by your endpoint; used 'local-llama' instead."
    ]


async def test_without_a_credential_model_the_platform_default_replaces_it(server: FakeOpenAIServer) -> None:
    server.reply_text("Done")
    ctx = context(server.base_url)
    await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "perplexity/sonar-pro"}, ctx)
    assert server.completions[0].model == "gpt-4o-mini"
    assert ctx.notes == [replaced_note("perplexity/sonar-pro", "gpt-4o-mini")]


@pytest.mark.parametrize(
    ("wanted", "served"),
    [("llama3.3-70b", "llama3.3:70b"), ("google/gemini-2.5-pro", "gemini-2.5-pro"), ("GPT-4o", "gpt-4o")],
)
async def test_a_model_is_found_under_the_endpoints_own_spelling(
    server: FakeOpenAIServer, wanted: str, served: str
) -> None:
    server.models = ["gpt-4o-mini", served]
    server.reply_text("ok")
    ctx = context(server.base_url)
    await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": wanted}, ctx)
    assert server.completions[0].model == served
    assert ctx.notes == [f"The model '{wanted}' is called '{served}' on your endpoint; used that."]


async def test_without_a_models_list_the_name_is_tried_and_replaced_when_unknown(server: FakeOpenAIServer) -> None:
    server.models = None  # the endpoint has no GET /models
    server.reply_error(404, "The model 'claude-opus-4-1-20250805' does not exist or you do not have access to it.")
    server.reply_text("Answered by the fallback")
    ctx = context(server.base_url, model="qwen2.5")
    out = await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "claude-opus-4-1-20250805"}, ctx)
    assert out[0] == ("response", "Answered by the fallback")
    assert [r.model for r in server.completions] == ["claude-opus-4-1-20250805", "qwen2.5"]
    assert ctx.notes == [replaced_note("claude-opus-4-1-20250805", "qwen2.5")]


async def test_without_a_models_list_a_name_the_endpoint_knows_just_works(server: FakeOpenAIServer) -> None:
    server.models = None
    server.reply_text("fine")
    ctx = context(server.base_url, model="qwen2.5")
    await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "mistral-nemo"}, ctx)
    assert [r.model for r in server.completions] == ["mistral-nemo"]
    assert ctx.notes == []


async def test_the_models_list_is_read_once_per_credential(server: FakeOpenAIServer) -> None:
    server.models = ["gpt-4o", "gpt-4o-mini"]
    for _ in range(3):
        server.reply_text("ok")
        await run_block(AITextGeneratorBlock(), {"prompt": "Hi", "model": "gpt-4o"}, context(server.base_url))
    assert model_list_reads(server) == 1
    # The person's configured model needs no check at all.
    server.reply_text("ok")
    await run_block(AITextGeneratorBlock(), {"prompt": "Hi"}, context(server.base_url))
    assert model_list_reads(server) == 1


async def test_a_refused_key_on_an_unserved_model_is_a_readable_error_without_the_key(loopback: None) -> None:
    with FakeOpenAIServer(api_key="sk-the-right-one") as srv:
        inputs = {"prompt": "Hi", "model": "claude-3-haiku"}
        out = await run_block(AITextGeneratorBlock(), inputs, context(srv.base_url))
    [(pin, message)] = out
    assert pin == "error" and message == "The language model at 127.0.0.1 refused the API key (HTTP 401)."
    assert KEY not in message


def test_every_ai_block_accepts_any_model_name_and_autogpts_extra_pins() -> None:
    ai_blocks = [b for b in list_blocks() if BlockCategory.AI in b.categories and "model" in b.input_pins()]
    names = {type(b).__name__ for b in ai_blocks}
    names_of_language_blocks = {
        AITextGeneratorBlock.__name__,
        AIStructuredResponseGeneratorBlock.__name__,
        AIConversationBlock.__name__,
        AIListGeneratorBlock.__name__,
        SmartDecisionMakerBlock.__name__,
    }
    assert names_of_language_blocks <= names
    for block in ai_blocks:
        for model in ("claude-3-5-sonnet-latest", "llama3.3-70b", "google/gemini-2.5-flash", "v0-1.5-md"):
            block.Input.model_validate({"prompt": "x", "text": "x", "expected_format": {"a": "b"}, "model": model})
        if type(block).__name__ in names_of_language_blocks:
            assert "ollama_host" in block.input_pins(), block.name  # AutoGPT exports carry it
