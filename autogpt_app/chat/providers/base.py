"""The one interface every copilot model speaks: the OpenAI-compatible client and the offline planner.

A provider gets the conversation so far (system, user, assistant and tool messages, in the OpenAI
chat shape) and the tools it may call, and streams back what the model says: text chunks as they
come, then — if the model wants tools — one :class:`ToolCallsChunk` holding every complete call of
that model turn. The chat loop runs the tools, appends their results as ``tool`` messages and asks
again, so the offline planner sees exactly what a remote model would see (tool results are JSON).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field


class ToolCall(BaseModel):
    """One tool call a model asked for."""

    id: str
    name: str
    #: The parsed arguments; ``None`` when the model sent something that is not a JSON object.
    arguments: dict[str, Any] | None = None
    #: The arguments exactly as the model sent them (kept to report malformed ones).
    raw_arguments: str = ""


class ChatMessage(BaseModel):
    """One message of the conversation, in the OpenAI chat-completions shape."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    #: An assistant message's tool calls.
    tool_calls: list[ToolCall] = Field(default_factory=list)
    #: A tool message answers this call id.
    tool_call_id: str | None = None
    #: A tool message's tool name.
    name: str | None = None


class ToolSpec(BaseModel):
    """A tool the model may call: name, what it does, and its arguments as JSON Schema."""

    name: str
    description: str
    parameters: dict[str, Any]


class TextChunk(BaseModel):
    """A piece of the reply's text, streamed as it is produced."""

    kind: Literal["text"] = "text"
    text: str


class ToolCallsChunk(BaseModel):
    """Every complete tool call of one model turn (always the last chunk of that turn)."""

    kind: Literal["tool_calls"] = "tool_calls"
    calls: list[ToolCall]


ProviderChunk = TextChunk | ToolCallsChunk


class ProviderError(Exception):
    """The model could not answer. ``message`` is safe to show a person (no keys, no stack)."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@runtime_checkable
class LLMProvider(Protocol):
    """What the chat loop needs from a model."""

    #: Short name shown in logs and the README ("openai", "offline").
    name: str

    def stream(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> AsyncIterator[ProviderChunk]:
        """Stream one model turn: text chunks, then at most one :class:`ToolCallsChunk`.

        Raises:
            ProviderError: the model failed (after the provider's own retries, if any).
        """
        ...
