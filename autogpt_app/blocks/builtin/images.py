"""Image blocks: draw a picture from a prompt through the person's OpenAI-compatible images endpoint.

All three run ``POST /images/generations`` of the endpoint of an ``openai`` credential (its
``meta.base_url``), so OpenAI, LocalAI, a vLLM or ComfyUI gateway, or any compatible server works.
They keep the ids and pins of AutoGPT's ``AIImageGeneratorBlock``, ``IdeogramModelBlock`` and
``ReplicateFluxAdvancedModelBlock`` so its agents import, but none of them calls Replicate or
Ideogram: the model the person chose (``Flux Schnell``, ``V_3``, ...) is looked for in the
endpoint's models list under its usual names; when the endpoint does not serve it, the
credential's ``meta.image_model`` (else ``gpt-image-1``) draws instead, and the run says so.

Sizes and aspect ratios become the endpoint's common sizes (1024x1024, 1536x1024, 1024x1536);
styles, colours and things to avoid become words of the prompt. Provider-only settings (Flux's
steps, guidance, interval, safety tolerance, output format; Ideogram's magic prompt and seed) have
no OpenAI equivalent and are not sent; an Ideogram upscale is noted as not done.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from pydantic import Field

from autogpt_app.blocks.builtin._llm_client import NO_CREDENTIAL, ChatModel, Endpoint, LLMError, endpoint_for
from autogpt_app.blocks.builtin.llm import ADVANCED, BLOCKED_BASE_URL, EXAMPLE_SECRETS
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)

DEFAULT_IMAGE_MODEL = "gpt-image-1"
MAX_IMAGE_PROMPT_CHARS = 32_000
NO_PROMPT = "Describe the image to draw in the prompt."

IMAGE_CREDENTIALS = (
    CredentialRequirement(
        field="credentials",
        provider="openai",
        types=("api_key",),
        description="An API key for OpenAI or any OpenAI-compatible server with an images endpoint "
        "(its base_url, and optionally image_model, in the settings)",
    ),
)

SQUARE, LANDSCAPE, PORTRAIT = "1024x1024", "1536x1024", "1024x1536"


def size_for_ratio(ratio: str) -> str:
    """The endpoint size for an aspect ratio such as ``16:9``, ``ASPECT_9_16`` or ``3x2``."""
    digits = [p for p in ratio.replace("ASPECT_", "").replace(":", "_").replace("x", "_").split("_") if p.isdigit()]
    if len(digits) != 2 or not all(int(d) for d in digits):
        return SQUARE
    width, height = int(digits[0]), int(digits[1])
    return SQUARE if width == height else LANDSCAPE if width > height else PORTRAIT


def image_endpoint(context: RunContext, label: str, names: tuple[str, ...]) -> Endpoint:
    """Where to draw: the credential's endpoint, asking for ``names`` (the chosen model's usual
    names), else the credential's ``meta.image_model`` or the default.

    Raises:
        LLMError: no credential or key, or an address that is refused.
    """
    endpoint = endpoint_for(context)
    credential = context.credentials.get("credentials")
    configured = str((credential.meta if credential else {}).get("image_model") or "").strip() or DEFAULT_IMAGE_MODEL
    names = names or (label,)
    if configured in names or configured == label:
        return dataclasses.replace(endpoint, model=configured, fallback="", kind="image model")
    return dataclasses.replace(
        endpoint, model=names[0], aliases=names[1:], label=label, fallback=configured, kind="image model"
    )


async def draw(context: RunContext, label: str, names: tuple[str, ...], prompt: str, size: str) -> str:
    """One image for ``prompt`` (a URL or ``data:`` URL).

    Raises:
        LLMError: the endpoint failed or the request was refused, in plain words.
    """
    async with ChatModel(image_endpoint(context, label, names), context) as model:
        return await model.image(prompt, size=size)


def _names(org: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{org}/{n}" for n in names[:1]) + names


# ---------------------------------------------------------------------------------------------
# AI image generator
# ---------------------------------------------------------------------------------------------

IMAGE_MODEL_NAMES = {
    "Flux 1.1 Pro": _names("black-forest-labs", "flux-1.1-pro", "flux-pro-1.1"),
    "Flux 1.1 Pro Ultra": _names("black-forest-labs", "flux-1.1-pro-ultra", "flux-pro-1.1-ultra"),
    "Recraft v3": _names("recraft-ai", "recraft-v3", "recraftv3"),
    "Stable Diffusion 3.5 Medium": _names("stability-ai", "stable-diffusion-3.5-medium", "sd3.5-medium"),
}
SIZES = {"square": SQUARE, "landscape": LANDSCAPE, "portrait": PORTRAIT, "wide": LANDSCAPE, "tall": PORTRAIT}
STYLE_WORDS = {
    "realistic_image": "A photorealistic image",
    "realistic_image/b_and_w": "A black-and-white photograph",
    "realistic_image/hdr": "An HDR photograph",
    "realistic_image/natural_light": "A photograph in natural light",
    "realistic_image/studio_portrait": "A studio portrait photograph",
    "realistic_image/enterprise": "A corporate photograph",
    "realistic_image/hard_flash": "A photograph with hard flash",
    "realistic_image/motion_blur": "A photograph with motion blur",
    "digital_illustration": "A digital illustration",
    "digital_illustration/pixel_art": "Pixel art",
    "digital_illustration/hand_drawn": "A hand-drawn illustration",
    "digital_illustration/grain": "A grainy digital illustration",
    "digital_illustration/infantile_sketch": "A child-like sketch",
    "digital_illustration/2d_art_poster": "A flat 2D art poster",
    "digital_illustration/2d_art_poster_2": "A bold flat 2D art poster",
    "digital_illustration/handmade_3d": "A handmade-looking 3D illustration",
    "digital_illustration/hand_drawn_outline": "A hand-drawn outline illustration",
    "digital_illustration/engraving_color": "A coloured engraving",
}


def styled(prompt: str, style: str) -> str:
    """``prompt`` led by the words of ``style`` (``any`` or an unknown style leaves it as it is)."""
    words = STYLE_WORDS.get(style)
    return f"{words} of: {prompt}" if words else prompt


class AIImageGeneratorBlock(Block):
    """Draws an image from a prompt with the person's OpenAI-compatible images endpoint."""

    id = "ed1ae7a0-b770-4089-b520-1f0005fad19a"
    name = "AI image generator"
    autogpt_name = "AIImageGeneratorBlock"
    description = (
        "Draws an image from a prompt through your OpenAI-compatible images endpoint and passes on its address. "
        "The model you pick is used when your endpoint serves it; otherwise your credential's image model draws."
    )
    categories = (BlockCategory.AI,)
    credentials = IMAGE_CREDENTIALS

    class Input(BlockInput):
        prompt: str = Field(max_length=MAX_IMAGE_PROMPT_CHARS, description="What the image shows")
        model: str = Field(
            default="Stable Diffusion 3.5 Medium",
            description="Image model: Flux 1.1 Pro, Flux 1.1 Pro Ultra, Recraft v3, Stable Diffusion 3.5 Medium, "
            "or a model id your endpoint serves",
        )
        size: Literal["square", "landscape", "portrait", "wide", "tall"] = Field(
            default="square", description="Shape of the image"
        )
        style: str = Field(default="any", description="Look of the image, e.g. realistic_image, digital_illustration")
        credentials: CredentialsRef | None = Field(default=None, description="API key of the images endpoint")

    class Output(BlockOutput):
        image_url: str = Field(description="Address of the image (a data: URL when the endpoint sends the image)")

    examples = (
        BlockExample(input={"prompt": "A red panda"}, output=[("error", NO_CREDENTIAL)], description="no credential"),
        BlockExample(input={"prompt": "A red panda"}, output=[("error", BLOCKED_BASE_URL)], secrets=EXAMPLE_SECRETS),
        BlockExample(input={"prompt": "  "}, output=[("error", NO_PROMPT)], secrets=EXAMPLE_SECRETS),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.prompt.strip():
            yield "error", NO_PROMPT
            return
        names = IMAGE_MODEL_NAMES.get(input.model, (input.model,))
        try:
            url = await draw(context, input.model, names, styled(input.prompt, input.style), SIZES[input.size])
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "image_url", url


# ---------------------------------------------------------------------------------------------
# Ideogram
# ---------------------------------------------------------------------------------------------

IDEOGRAM_NAMES = {
    "V_3": _names("ideogram-ai", "ideogram-v3", "ideogram-3"),
    "V_2": _names("ideogram-ai", "ideogram-v2", "ideogram-2"),
    "V_2_TURBO": _names("ideogram-ai", "ideogram-v2-turbo", "ideogram-2-turbo"),
    "V_1": _names("ideogram-ai", "ideogram-v1", "ideogram-1"),
    "V_1_TURBO": _names("ideogram-ai", "ideogram-v1-turbo", "ideogram-1-turbo"),
}
NO_UPSCALE_NOTE = "Upscaling is not available through an OpenAI-compatible images endpoint; the image was not upscaled."


def ideogram_prompt(prompt: str, style: str, negative: str | None, palette: str, colours: list[str] | None) -> str:
    """The prompt with Ideogram's style, things to avoid and colours said in words."""
    parts = [prompt.strip()]
    if style and style != "AUTO":
        parts.insert(0, f"In a {style.replace('_', ' ').lower()} style:")
    if palette and palette != "NONE":
        parts.append(f"Colour palette: {palette.lower()}.")
    elif colours:
        parts.append(f"Use these colours: {', '.join(colours[:10])}.")
    if negative and negative.strip():
        parts.append(f"Do not show: {negative.strip()}")
    return " ".join(parts)


class IdeogramModelBlock(Block):
    """Draws an image the way AutoGPT's Ideogram block asks, through an OpenAI-compatible endpoint."""

    id = "6ab085e2-20b3-4055-bc3e-08036e01eca6"
    name = "Ideogram image"
    autogpt_name = "IdeogramModelBlock"
    description = (
        "Draws an image from a prompt with an Ideogram model when your OpenAI-compatible images endpoint serves "
        "one (otherwise your credential's image model), in the aspect ratio you choose."
    )
    categories = (BlockCategory.AI,)
    credentials = IMAGE_CREDENTIALS

    class Input(BlockInput):
        prompt: str = Field(max_length=MAX_IMAGE_PROMPT_CHARS, description="What the image shows")
        ideogram_model_name: str = Field(
            default="V_3", description="Ideogram model: V_3, V_2, V_2_TURBO, V_1, V_1_TURBO"
        )
        aspect_ratio: str = Field(default="ASPECT_1_1", description="Shape, e.g. ASPECT_1_1, ASPECT_16_9, ASPECT_9_16")
        upscale: str = Field(default="No Upscale", description="'AI Upscale' is not available here and is noted")
        magic_prompt_option: str = Field(default="AUTO", description="Unused here", json_schema_extra=ADVANCED)
        seed: int | None = Field(default=None, description="Unused here", json_schema_extra=ADVANCED)
        style_type: str = Field(
            default="AUTO",
            description="AUTO, GENERAL, REALISTIC, DESIGN, RENDER_3D or ANIME",
            json_schema_extra=ADVANCED,
        )
        negative_prompt: str | None = Field(default=None, description="What not to show", json_schema_extra=ADVANCED)
        color_palette_name: str = Field(
            default="NONE", description="A colour palette by name, e.g. PASTEL", json_schema_extra=ADVANCED
        )
        custom_color_palette: list[str] | None = Field(
            default=None, description="Colours as hex codes (when no palette name)", json_schema_extra=ADVANCED
        )
        credentials: CredentialsRef | None = Field(default=None, description="API key of the images endpoint")

    class Output(BlockOutput):
        result: str = Field(description="Address of the image (a data: URL when the endpoint sends the image)")

    examples = (
        BlockExample(
            input={"prompt": "A city at dusk"}, output=[("error", NO_CREDENTIAL)], description="no credential"
        ),
        BlockExample(input={"prompt": ""}, output=[("error", NO_PROMPT)], secrets=EXAMPLE_SECRETS),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.prompt.strip():
            yield "error", NO_PROMPT
            return
        prompt = ideogram_prompt(
            input.prompt, input.style_type, input.negative_prompt, input.color_palette_name, input.custom_color_palette
        )
        names = IDEOGRAM_NAMES.get(input.ideogram_model_name, (input.ideogram_model_name,))
        label = f"Ideogram {input.ideogram_model_name}"
        try:
            url = await draw(context, label, names, prompt, size_for_ratio(input.aspect_ratio))
        except LLMError as exc:
            yield "error", str(exc)
            return
        if input.upscale == "AI Upscale":
            context.note(NO_UPSCALE_NOTE)
        yield "result", url


# ---------------------------------------------------------------------------------------------
# Flux
# ---------------------------------------------------------------------------------------------

FLUX_NAMES = {
    "Flux Schnell": _names("black-forest-labs", "flux-schnell", "flux.1-schnell", "flux-1-schnell"),
    "Flux Pro": _names("black-forest-labs", "flux-pro", "flux.1-pro", "flux-1-pro"),
    "Flux Pro 1.1": _names("black-forest-labs", "flux-1.1-pro", "flux-pro-1.1"),
}


class ReplicateFluxAdvancedModelBlock(Block):
    """Draws an image with a Flux model, through an OpenAI-compatible endpoint instead of Replicate."""

    id = "90f8c45e-e983-4644-aa0b-b4ebe2f531bc"
    name = "Flux image"
    autogpt_name = "ReplicateFluxAdvancedModelBlock"
    description = (
        "Draws an image from a prompt with a Flux model when your OpenAI-compatible images endpoint serves one "
        "(otherwise your credential's image model). Flux's fine-tuning settings are kept but not sent."
    )
    categories = (BlockCategory.AI,)
    credentials = IMAGE_CREDENTIALS

    class Input(BlockInput):
        prompt: str = Field(max_length=MAX_IMAGE_PROMPT_CHARS, description="What the image shows")
        replicate_model_name: str = Field(
            default="Flux Schnell", description="Flux model: Flux Schnell, Flux Pro or Flux Pro 1.1"
        )
        aspect_ratio: str = Field(default="1:1", description="Shape, e.g. 1:1, 16:9, 2:3, 9:16")
        seed: int | None = Field(default=None, description="Unused here", json_schema_extra=ADVANCED)
        steps: int = Field(default=25, description="Unused here", json_schema_extra=ADVANCED)
        guidance: float = Field(default=3, description="Unused here", json_schema_extra=ADVANCED)
        interval: float = Field(default=2, description="Unused here", json_schema_extra=ADVANCED)
        output_format: str = Field(default="webp", description="Unused here", json_schema_extra=ADVANCED)
        output_quality: int = Field(default=80, description="Unused here", json_schema_extra=ADVANCED)
        safety_tolerance: int = Field(default=2, description="Unused here", json_schema_extra=ADVANCED)
        credentials: CredentialsRef | None = Field(default=None, description="API key of the images endpoint")

    class Output(BlockOutput):
        result: str = Field(description="Address of the image (a data: URL when the endpoint sends the image)")

    examples = (
        BlockExample(
            input={"prompt": "A lake at dawn"}, output=[("error", NO_CREDENTIAL)], description="no credential"
        ),
        BlockExample(input={"prompt": "A lake at dawn"}, output=[("error", BLOCKED_BASE_URL)], secrets=EXAMPLE_SECRETS),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.prompt.strip():
            yield "error", NO_PROMPT
            return
        names = FLUX_NAMES.get(input.replicate_model_name, (input.replicate_model_name,))
        try:
            url = await draw(
                context, input.replicate_model_name, names, input.prompt, size_for_ratio(input.aspect_ratio)
            )
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "result", url
