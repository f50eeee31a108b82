"""One turn of the copilot: the person's message in, a stream of typed events out, every step stored.

:func:`run_turn` takes the session's turn lock, stores the person's message, and asks the model
(any :class:`~autogpt_app.chat.providers.base.LLMProvider`) with the system prompt, the
conversation so far and the tools. Text streams out as ``text_delta`` events; when the model asks
for tools, each call is announced (``tool_call``), run (:func:`autogpt_app.chat.tools.run_tool`),
and its result shown as a card event, then the model is asked again with the results. A turn runs
at most :data:`MAX_TOOL_ROUNDS` rounds of tools. Each model turn is stored as one assistant message
(its text and tool calls) and each result as a ``tool`` message carrying its card, so a reload
(:func:`autogpt_app.chat.events.events_from_messages`) shows what the stream showed.

Every turn ends with ``finish``: ``done``; ``stopped`` when ``cancel`` is set (what was streamed so
far is kept, marked stopped); ``error`` when the model failed (the error card is stored too); or
``round_limit``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from autogpt_app.auth.models import User
from autogpt_app.chat import sessions
from autogpt_app.chat.cache import turn_lock
from autogpt_app.chat.events import ErrorEvent, Event, Finish, TextDelta, ToolCallEvent, card_event
from autogpt_app.chat.models import MAX_TOOL_CALL_ID, MessagePublic, MessageRole, NewMessage
from autogpt_app.chat.providers.base import (
    ChatMessage,
    LLMProvider,
    ProviderError,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
)
from autogpt_app.chat.tools import TOOLS, run_tool
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_TOOL_ROUNDS = 6
MAX_USER_TEXT = 8000
#: Stored messages sent back to the model as the conversation so far.
HISTORY_MESSAGES = 60

SYSTEM_PROMPT = """You are the copilot of an AI agent platform. People ask you to find agents in the \
marketplace, set them up, run them now or on a schedule, and check their runs. Use the tools; never \
invent agents, ids, run results or schedules.

Tools:
- find_agent(query): search the marketplace. Show what you found in one or two sentences; the page \
shows the agents as cards, so do not list every field.
- find_library_agent(query): the person's own agents ("" lists the most recent).
- get_agent_details(agent_id): inputs, defaults, options and credentials of one agent.
- run_agent(agent_id, inputs, credentials, cron, timezone, schedule_name): run now, or on a schedule \
when cron (five fields, e.g. "0 8 * * 1-5" for every weekday at 8:00) is given. If it answers \
inputs_needed, ask for exactly those inputs and call again with every input; credentials_needed means \
the person adds a credential on the card (never ask them to paste a secret into the chat).
- get_execution(execution_id or "latest"): status and outputs of a run.
- list_schedules(): the person's schedules.

Tool results are JSON objects. "Run the first one" means the first agent of the most recent carousel. \
Say only what happened: do not announce a run before run_agent answers (it may need inputs, a \
credential or a login first), and do not describe a run's progress as still going once its result \
says it ended. Answer briefly, in the person's language, in Markdown."""

_ANONYMOUS_NOTE = (
    "\n\nThe person is not logged in: they may search the marketplace and read agent details; to run, "
    "schedule or see their own agents they must log in (the tools answer need_login)."
)


def _call_dict(call: ToolCall) -> dict[str, Any]:
    return {"id": call.id, "name": call.name, "arguments": call.arguments, "raw_arguments": call.raw_arguments}


def _clean_call(call: ToolCall, index: int) -> ToolCall:
    """A call whose id fits the table (and exists: some servers omit it), so its result can answer it."""
    call_id = call.id[:MAX_TOOL_CALL_ID] if call.id else f"call_{index}"
    return call if call_id == call.id else call.model_copy(update={"id": call_id})


def _to_chat_message(message: MessagePublic) -> ChatMessage | None:
    if message.role == MessageRole.USER.value:
        return ChatMessage(role="user", content=message.content)
    if message.role == MessageRole.ASSISTANT.value:
        calls = [
            ToolCall(
                id=str(c.get("id", "")),
                name=str(c.get("name", "")),
                arguments=c.get("arguments") if isinstance(c.get("arguments"), dict) else None,
                raw_arguments=str(c.get("raw_arguments") or ""),
            )
            for c in message.tool_calls
        ]
        return ChatMessage(role="assistant", content=message.content, tool_calls=calls)
    if message.role == MessageRole.TOOL.value:
        return ChatMessage(role="tool", content=message.content, tool_call_id=message.tool_call_id, name=message.name)
    return None  # ``event`` rows (errors shown on the page) are not part of the conversation


def build_history(stored: list[MessagePublic], *, anonymous: bool) -> list[ChatMessage]:
    """The system prompt and the conversation as the model should read it.

    Starts at a user message (a cut-off history never opens with an orphan tool result) and skips
    display-only rows.
    """
    conversation = [m for m in (_to_chat_message(s) for s in stored) if m is not None]
    first_user = next((i for i, m in enumerate(conversation) if m.role == "user"), len(conversation))
    prompt = SYSTEM_PROMPT + (_ANONYMOUS_NOTE if anonymous else "")
    return [ChatMessage(role="system", content=prompt), *_answered(conversation[first_user:])]


def _answered(conversation: list[ChatMessage]) -> list[ChatMessage]:
    """Every tool call followed by its result, and no result without its call (what models require).

    A turn cut short (the reader left between a call and its result) leaves a call unanswered; it
    reads as not run.
    """
    fixed: list[ChatMessage] = []
    waiting: dict[str, str] = {}

    def close_waiting() -> None:
        for call_id, name in waiting.items():
            content = json.dumps({"type": "error", "message": "Not run: the reply was interrupted."})
            fixed.append(ChatMessage(role="tool", content=content, tool_call_id=call_id, name=name))
        waiting.clear()

    for message in conversation:
        if message.role == "tool":
            if message.tool_call_id in waiting:
                del waiting[message.tool_call_id]
                fixed.append(message)
            continue
        close_waiting()
        fixed.append(message)
        waiting.update({call.id: call.name for call in message.tool_calls})
    close_waiting()
    return fixed


class _Turn:
    """Stores the steps of one turn, each in its own short transaction."""

    def __init__(self, session_id: str, user: User | None, anon_token: str | None) -> None:
        self.session_id = session_id
        self.user = user
        self.anon_token = anon_token

    async def append(self, *messages: NewMessage) -> None:
        async with session_scope() as db:
            chat = await sessions.owned_session(db, self.session_id, user=self.user, anon_token=self.anon_token)
            await sessions.append_messages(db, chat, list(messages))

    async def start(self, text: str) -> list[MessagePublic]:
        """Store the person's message; return the conversation so far (ending with it)."""
        async with session_scope() as db:
            chat = await sessions.owned_session(db, self.session_id, user=self.user, anon_token=self.anon_token)
            await sessions.append_messages(db, chat, [NewMessage(role=MessageRole.USER, content=text)])
            return await sessions.history(db, chat, limit=HISTORY_MESSAGES)


async def _next_chunk(stream: AsyncIterator[Any], cancel: asyncio.Event | None) -> tuple[bool, Any]:
    """The stream's next chunk, or ``(True, None)`` as soon as ``cancel`` is set; ``StopAsyncIteration`` at the end."""
    if cancel is None:
        return False, await anext(stream)
    if cancel.is_set():
        return True, None
    chunk_task = asyncio.ensure_future(anext(stream))
    cancel_task = asyncio.ensure_future(cancel.wait())
    try:
        await asyncio.wait({chunk_task, cancel_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        cancel_task.cancel()
    if chunk_task.done():
        return False, chunk_task.result()
    chunk_task.cancel()
    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
        await chunk_task
    return True, None


async def _close(stream: AsyncIterator[Any]) -> None:
    closer = getattr(stream, "aclose", None)
    if closer is not None:
        with contextlib.suppress(Exception):
            await closer()


def _stopped_results(calls: list[ToolCall], reason: str) -> list[NewMessage]:
    """Results for calls that were not run, so the stored conversation stays well formed for the model."""
    return [
        NewMessage(
            role=MessageRole.TOOL,
            content=json.dumps({"type": "error", "message": reason}),
            tool_call_id=call.id,
            name=call.name[:64],
        )
        for call in calls
    ]


async def run_turn(
    session_id: str,
    user_text: str,
    *,
    user: User | None,
    provider: LLMProvider,
    anon_token: str | None = None,
    cancel: asyncio.Event | None = None,
    timezone: str | None = None,
) -> AsyncIterator[Event]:
    """Answer one message of the person: stream the turn's events, storing every step.

    ``timezone`` is the person's IANA time zone (their browser's); schedules that name none use it.

    Raises (before the first event):
        InvalidInput: an empty message, or one over 8,000 characters.
        NotFound: not the caller's chat.
        Conflict: a turn of this chat is already running (another tab).
    """
    text = str(user_text or "").strip()
    if not text:
        raise InvalidInput("Write a message first.", code="empty_message")
    if len(text) > MAX_USER_TEXT:
        raise InvalidInput(f"A message is at most {MAX_USER_TEXT} characters.", code="message_too_long")
    async with turn_lock(session_id):
        turn = _Turn(session_id, user, anon_token)
        messages = build_history(await turn.start(text), anonymous=user is None)
        rounds = 0
        while True:
            parts: list[str] = []
            calls: list[ToolCall] = []
            stream = provider.stream(messages, TOOLS)
            stopped = False
            try:
                while True:
                    try:
                        stopped, chunk = await _next_chunk(stream, cancel)
                    except StopAsyncIteration:
                        break
                    if stopped:
                        break
                    if isinstance(chunk, TextChunk) and chunk.text:
                        parts.append(chunk.text)
                        yield TextDelta(text=chunk.text)
                    elif isinstance(chunk, ToolCallsChunk):
                        calls.extend(chunk.calls)
            except (GeneratorExit, asyncio.CancelledError):
                # The reader went away (tab closed, request cancelled): keep what was streamed, marked stopped.
                if parts:
                    saving = asyncio.ensure_future(
                        turn.append(NewMessage(role=MessageRole.ASSISTANT, content="".join(parts), stopped=True))
                    )
                    with contextlib.suppress(Exception, asyncio.CancelledError):
                        await asyncio.shield(saving)
                raise
            except Exception as exc:
                message = exc.message if isinstance(exc, ProviderError) else "The assistant failed unexpectedly."
                if not isinstance(exc, ProviderError):
                    log.exception("chat provider %s failed", getattr(provider, "name", "?"))
                failure = ErrorEvent(message=message)
                stored = [NewMessage(role=MessageRole.ASSISTANT, content="".join(parts))] if parts else []
                stored.append(
                    NewMessage(role=MessageRole.EVENT, event_type="error", payload=failure.model_dump(mode="json"))
                )
                await turn.append(*stored)
                yield failure
                yield Finish(reason="error")
                return
            finally:
                await _close(stream)
            if stopped:
                if parts:
                    await turn.append(NewMessage(role=MessageRole.ASSISTANT, content="".join(parts), stopped=True))
                yield Finish(reason="stopped")
                return
            calls = [_clean_call(c, i) for i, c in enumerate(calls)]
            assistant = ChatMessage(role="assistant", content="".join(parts), tool_calls=calls)
            stored_assistant = NewMessage(
                role=MessageRole.ASSISTANT, content=assistant.content, tool_calls=[_call_dict(c) for c in calls]
            )
            if not calls:
                if assistant.content:
                    await turn.append(stored_assistant)
                yield Finish(reason="done")
                return
            if rounds >= MAX_TOOL_ROUNDS:
                limit = ErrorEvent(
                    message=f"I stopped after {MAX_TOOL_ROUNDS} rounds of tools without an answer. "
                    "Try asking in smaller steps."
                )
                await turn.append(
                    stored_assistant,
                    *_stopped_results(calls, "Not run: the turn reached its tool round limit."),
                    NewMessage(role=MessageRole.EVENT, event_type="error", payload=limit.model_dump(mode="json")),
                )
                yield limit
                yield Finish(reason="round_limit")
                return
            rounds += 1
            await turn.append(stored_assistant)
            messages.append(assistant)
            for index, call in enumerate(calls):
                if cancel is not None and cancel.is_set():
                    await turn.append(*_stopped_results(calls[index:], "Not run: the person stopped the reply."))
                    yield Finish(reason="stopped")
                    return
                yield ToolCallEvent(id=call.id, name=call.name, arguments=call.arguments)
                result = await run_tool(call.name, call.arguments, user=user, timezone=timezone)
                card = card_event(result, tool_call_id=call.id)
                content = json.dumps(result, default=str)
                await turn.append(
                    NewMessage(
                        role=MessageRole.TOOL,
                        content=content,
                        tool_call_id=call.id,
                        name=call.name[:64],
                        event_type=card.type,
                        payload=card.model_dump(mode="json"),
                    )
                )
                messages.append(ChatMessage(role="tool", content=content, tool_call_id=call.id, name=call.name))
                yield card
