# ruff: noqa: F811  (pytest fixtures imported from test_llm_blocks are parameters here)
"""The image blocks against the fake OpenAI server's ``/images/generations``: the chosen model when the
endpoint serves it, else the credential's image model with a note; URLs or data URLs; readable failures."""

from __future__ import annotations

from autogpt_app.blocks.builtin.images import (
    NO_UPSCALE_NOTE,
    AIImageGeneratorBlock,
    IdeogramModelBlock,
    ReplicateFluxAdvancedModelBlock,
    size_for_ratio,
)
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from tests.blocks.test_llm_blocks import KEY, context, fresh_model_lists, loopback, only_error, server  # noqa: F401
from tests.fakes import FakeOpenAIServer


def image_context(base_url: str, *, image_model: str | None = None) -> RunContext:
    meta = {"base_url": base_url, **({"image_model": image_model} if image_model else {})}
    secret = CredentialSecret(id="cred-img", provider="openai", type="api_key", api_key=KEY, meta=meta)
    return RunContext(user_id="u1", credentials={"credentials": secret})


async def test_image_generator_falls_back_to_the_endpoints_image_model_with_a_note(server: FakeOpenAIServer) -> None:
    server.models = ["gpt-image-1"]
    server.reply_image(url="https://images.example/panda.png")
    ctx = image_context(server.base_url)
    inputs = {"prompt": "A red panda on a laptop", "size": "landscape", "style": "digital_illustration/pixel_art"}
    out = await run_block(AIImageGeneratorBlock(), inputs, ctx)
    assert out == [("image_url", "https://images.example/panda.png")]
    [request] = server.image_requests
    assert request.json["model"] == "gpt-image-1"
    assert request.json["size"] == "1536x1024" and request.json["n"] == 1
    assert request.json["prompt"] == "Pixel art of: A red panda on a laptop"
    assert request.authorization == f"Bearer {KEY}"
    assert ctx.notes == [
        "The model 'Stable Diffusion 3.5 Medium' is not served by your endpoint; used 'gpt-image-1' instead."
    ]


async def test_flux_runs_on_a_served_flux_model_and_passes_on_a_data_url(server: FakeOpenAIServer) -> None:
    server.models = ["dall-e-3", "black-forest-labs/FLUX.1-schnell"]
    server.reply_image(b64_json="iVBORw0KGgo=")
    ctx = image_context(server.base_url)
    inputs = {"prompt": "A lake at dawn", "aspect_ratio": "9:16", "steps": 4, "seed": 7}
    out = await run_block(ReplicateFluxAdvancedModelBlock(), inputs, ctx)
    assert out == [("result", "data:image/png;base64,iVBORw0KGgo=")]
    [request] = server.image_requests
    assert request.json["model"] == "black-forest-labs/FLUX.1-schnell"
    assert request.json["size"] == "1024x1536"
    assert ctx.notes == [
        "The model 'Flux Schnell' is called 'black-forest-labs/FLUX.1-schnell' on your endpoint; used that."
    ]


async def test_ideogram_says_style_and_what_to_avoid_and_notes_the_missing_upscale(server: FakeOpenAIServer) -> None:
    server.models = ["my-sdxl"]
    server.reply_image(url="https://images.example/city.png")
    ctx = image_context(server.base_url, image_model="my-sdxl")
    inputs = {
        "prompt": "A city at dusk",
        "aspect_ratio": "ASPECT_16_9",
        "style_type": "RENDER_3D",
        "negative_prompt": "cars",
        "upscale": "AI Upscale",
        "ollama_host": "ignored",
    }
    out = await run_block(IdeogramModelBlock(), inputs, ctx)
    assert out == [("result", "https://images.example/city.png")]
    [request] = server.image_requests
    assert request.json["model"] == "my-sdxl" and request.json["size"] == "1536x1024"
    assert request.json["prompt"] == "In a render 3d style: A city at dusk Do not show: cars"
    assert ctx.notes == [
        "The model 'Ideogram V_3' is not served by your endpoint; used 'my-sdxl' instead.",
        NO_UPSCALE_NOTE,
    ]


async def test_without_a_models_list_an_unknown_image_model_is_replaced_once(server: FakeOpenAIServer) -> None:
    server.models = None
    server.reply_image_error(404, "Model 'recraft-ai/recraft-v3' not found.")
    server.reply_image(url="https://images.example/ok.png")
    ctx = image_context(server.base_url)
    out = await run_block(AIImageGeneratorBlock(), {"prompt": "A logo", "model": "Recraft v3"}, ctx)
    assert out == [("image_url", "https://images.example/ok.png")]
    assert [r.json["model"] for r in server.image_requests] == ["recraft-ai/recraft-v3", "gpt-image-1"]
    assert ctx.notes == ["The model 'Recraft v3' is not served by your endpoint; used 'gpt-image-1' instead."]


async def test_image_provider_failures_are_readable_and_never_show_the_key(
    server: FakeOpenAIServer, loopback: None
) -> None:
    server.models = ["gpt-image-1"]
    server.reply_image_error(429, "Too many images", times=4)
    message = only_error(await run_block(AIImageGeneratorBlock(), {"prompt": "x"}, image_context(server.base_url)))
    assert message == "The image model at 127.0.0.1 is rate limiting requests (HTTP 429); try again later."
    server.reply_image_error(503, f"overloaded ({KEY})", times=4)
    message = only_error(await run_block(IdeogramModelBlock(), {"prompt": "x"}, image_context(server.base_url)))
    assert message.startswith("The image model at 127.0.0.1 answered with an error (HTTP 503)")
    assert KEY not in message
    with FakeOpenAIServer(api_key="sk-other") as guarded:
        message = only_error(
            await run_block(ReplicateFluxAdvancedModelBlock(), {"prompt": "x"}, image_context(guarded.base_url))
        )
    assert message == "The image model at 127.0.0.1 refused the API key (HTTP 401)."


def test_aspect_ratios_become_the_endpoints_sizes() -> None:
    assert size_for_ratio("1:1") == "1024x1024"
    assert size_for_ratio("ASPECT_16_10") == "1536x1024"
    assert size_for_ratio("2:3") == "1024x1536"
    assert size_for_ratio("nonsense") == "1024x1024"
