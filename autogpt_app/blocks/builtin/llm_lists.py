"""A language-model block that writes lists (AutoGPT's ``AIListGeneratorBlock``, same id and pins)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._llm_client import NO_CREDENTIAL, ChatModel, LLMError, endpoint_for
from autogpt_app.blocks.builtin.llm import (
    ADVANCED,
    BLOCKED_BASE_URL,
    CREDENTIALS,
    EXAMPLE_SECRETS,
    MAX_PROMPT_CHARS,
    _LLMInput,
    _messages,
    parse_structured,
)
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockOutput, RunContext

SYSTEM = (
    "You write lists. Answer with one JSON object and nothing else (no code fences, no text around it): "
    '{"list": ["first item", "second item", ...]}. Every item is a short string.'
)
SYSTEM_WITH_REASONING = (
    "You write lists. Answer with one JSON object and nothing else: "
    '{"reasoning": "how you chose the items (optional)", "list": ["first item", "second item", ...]}. '
    "Every item is a short string."
)


def list_prompt(focus: str, source: str) -> str:
    """What the model is asked, from the list's focus and the data to take it from (both optional)."""
    if focus:
        ask = f"Make a list of: {focus}"
    elif source:
        ask = "Make a list of the main things in the data below (the stories of a news page, not its links)."
    else:
        ask = "Make a list of anything you like."
    if source:
        return f"{ask}\n\nTake the items from this data only; do not invent any:\n\n<data>\n{source}\n</data>"
    return f"{ask}\n\nThere is no data to take them from: make the items up."


def as_string_list(value: Any) -> list[str]:
    """The items of a model's ``list`` value as strings.

    Raises:
        ValueError: not a list, or an item that is not a plain value (the message tells the model what to fix).
    """
    if not isinstance(value, list):
        raise ValueError('The value of "list" must be a JSON array of strings.')
    if any(isinstance(item, dict | list) for item in value):
        raise ValueError('Every item of "list" must be a string, not an object or an array.')
    return [item if isinstance(item, str) else str(item) for item in value if item is not None]


class AIListGeneratorBlock(Block):
    """Has a language model write a list, from a focus, from data, or both."""

    id = "9c0b0450-d199-458b-a731-072189dd6593"
    name = "AI list generator"
    autogpt_name = "AIListGeneratorBlock"
    description = (
        "Has a language model write a list of short texts about a focus, taken from data you give (or made up "
        "when there is none); passes on the whole list and then each item."
    )
    categories = (BlockCategory.AI, BlockCategory.TEXT)
    credentials = CREDENTIALS

    class Input(_LLMInput):
        focus: str | None = Field(default=None, max_length=10_000, description="What the list is about")
        source_data: str | None = Field(
            default=None, max_length=MAX_PROMPT_CHARS, description="The data to take the items from (optional)"
        )
        max_retries: int = Field(default=3, ge=1, le=5, description="How many times to ask before giving up")
        force_json_output: bool = Field(
            default=False,
            description="Ask the endpoint for JSON only (its json_object mode; not every server has it)",
            json_schema_extra=ADVANCED,
        )
        max_tokens: int | None = Field(
            default=None, ge=1, description="Longest answer, in tokens (empty: no limit)", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        generated_list: list[str] = Field(description="The list")
        list_item: str = Field(description="Each item of the list, one at a time")
        prompt: list[dict[str, Any]] = Field(description="The messages sent to the model")

    examples = (
        BlockExample(input={"focus": "planets"}, output=[("error", BLOCKED_BASE_URL)], secrets=EXAMPLE_SECRETS),
        BlockExample(input={"focus": "planets"}, output=[("error", NO_CREDENTIAL)]),
    )

    async def run(self, input: Input, context: RunContext):
        system = SYSTEM_WITH_REASONING if input.force_json_output else SYSTEM
        messages = _messages(system, list_prompt((input.focus or "").strip(), (input.source_data or "").strip()))
        problem = ""
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                for _attempt in range(input.max_retries):
                    answer = await model.complete(
                        messages, max_tokens=input.max_tokens, json_object=input.force_json_output
                    )
                    try:
                        items = as_string_list(parse_structured(answer, {"list": ""})["list"])
                    except ValueError as exc:
                        problem = str(exc)
                        messages = [
                            *messages,
                            {"role": "assistant", "content": answer},
                            {"role": "user", "content": f"{problem} {SYSTEM}"},
                        ]
                        continue
                    yield "generated_list", items
                    yield "prompt", messages
                    for item in items:
                        yield "list_item", item
                    return
        except LLMError as exc:
            yield "error", str(exc)
            return
        tries = "once" if input.max_retries == 1 else f"{input.max_retries} times"
        yield "error", f"The model did not give a valid list after being asked {tries}: {problem}"
