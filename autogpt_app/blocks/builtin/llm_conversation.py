"""A language-model block that continues a conversation (AutoGPT's ``AIConversationBlock``, same id and pins)."""

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
)
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockOutput, RunContext

ROLES = ("system", "user", "assistant")
MAX_MESSAGES = 500
NOTHING_TO_SEND = "There is nothing to send: give the conversation's messages or a prompt."
BAD_MESSAGE = "Message {n} is not a message: give a role ('system', 'user' or 'assistant') and its content."


def conversation(messages: list[Any], prompt: str) -> list[dict[str, Any]]:
    """The messages to send: each given message checked, a plain text read as the person's words,
    and ``prompt`` (if any) added as their last message.

    Raises:
        ValueError: a message without a known role or content, or nothing to send at all.
    """
    sent: list[dict[str, Any]] = []
    for n, message in enumerate(messages, start=1):
        if isinstance(message, str):
            message = {"role": "user", "content": message}
        if not isinstance(message, dict) or message.get("role") not in ROLES or message.get("content") is None:
            raise ValueError(BAD_MESSAGE.format(n=n))
        content = message["content"]
        sent.append({"role": message["role"], "content": content if isinstance(content, str | list) else str(content)})
    if prompt.strip():
        sent.append({"role": "user", "content": prompt})
    if not any(m["role"] != "system" for m in sent):
        raise ValueError(NOTHING_TO_SEND)
    return sent


class AIConversationBlock(Block):
    """Sends a whole conversation to a language model and passes on its next message."""

    id = "32a87eab-381e-4dd4-bdb8-4c47151be35a"
    name = "AI conversation"
    autogpt_name = "AIConversationBlock"
    description = (
        "Sends the messages of a conversation so far (and an optional new prompt) to a language model and "
        "passes on what it says next."
    )
    categories = (BlockCategory.AI,)
    credentials = CREDENTIALS

    class Input(_LLMInput):
        messages: list[Any] = Field(
            default_factory=list,
            max_length=MAX_MESSAGES,
            description="The conversation so far: messages with a role (system, user, assistant) and content",
        )
        prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS, description="A new message to add last (optional)")
        max_tokens: int | None = Field(
            default=None, ge=1, description="Longest answer, in tokens (empty: no limit)", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        response: str = Field(description="The model's next message")
        prompt: list[dict[str, Any]] = Field(description="The messages sent to the model")

    examples = (
        BlockExample(
            input={"messages": [{"role": "user", "content": "Hi"}]},
            output=[("error", BLOCKED_BASE_URL)],
            secrets=EXAMPLE_SECRETS,
        ),
        BlockExample(input={"messages": [{"role": "user", "content": "Hi"}]}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"messages": [{"role": "system", "content": "Be brief."}]},
            output=[("error", NOTHING_TO_SEND)],
            secrets=EXAMPLE_SECRETS,
        ),
        BlockExample(
            input={"messages": [{"text": "Hi"}]}, output=[("error", BAD_MESSAGE.format(n=1))], secrets=EXAMPLE_SECRETS
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            messages = conversation(input.messages, input.prompt)
        except ValueError as exc:
            yield "error", str(exc)
            return
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                answer = await model.complete(messages, max_tokens=input.max_tokens)
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "response", answer
        yield "prompt", messages
