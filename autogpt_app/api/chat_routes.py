"""``/chat``: the copilot over HTTP — sessions (create, list, read, rename, delete, claim) and a turn as SSE.

A chat belongs to a logged-in user, or to the anonymous browser holding its token (given once by
``POST /chat/sessions`` and sent back in the ``X-Chat-Token`` header). Anything else — another
user's chat, a wrong or missing token — answers 404, so ids reveal nothing.

``POST /chat/sessions/{id}/stream`` answers ``text/event-stream``: each event of the turn (see
:mod:`autogpt_app.chat.events`) as ``event: <type>`` + ``data: <json>`` + a blank line, a ``: ping``
comment every :data:`HEARTBEAT_SECONDS` while nothing else is sent (a tool runs, the model thinks),
and always ``finish`` last. Refusals that happen before the turn starts (unknown chat, a turn
already running, an empty or too long message) are ordinary JSON errors. When the client goes
away the turn is stopped as if the person pressed Stop: what was streamed is kept.

Anonymous use is limited (see :mod:`autogpt_app.chat.limits`): new chats per client address and
turns per chat, per hour, answered 429 ``rate_limited`` with ``Retry-After``. The address is the
connection's (``X-Forwarded-For`` is not trusted here); logged-in callers are not counted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from pydantic import BaseModel, Field
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from autogpt_app.api.deps import OptionalRunUser, OptionalUser, ReadUser, RunUser, SessionDep, user_from_headers
from autogpt_app.auth import scopes
from autogpt_app.auth.models import User
from autogpt_app.chat import limits, sessions
from autogpt_app.chat.events import ErrorEvent, Event, Finish, timeline
from autogpt_app.chat.loop import run_turn
from autogpt_app.chat.models import MAX_TITLE, MessagePublic, SessionPage, SessionPublic
from autogpt_app.chat.providers.base import LLMProvider
from autogpt_app.chat.providers.factory import get_provider
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, ServiceError
from autogpt_app.timeutil import zone_or_utc

log = logging.getLogger(__name__)

router = APIRouter(prefix="/chat", tags=["chat"])

#: Seconds without any event after which the stream sends a ``: ping`` comment.
HEARTBEAT_SECONDS = 10.0
#: The anonymous token header (``X-Chat-Token``); tokens are 43 characters, this bounds junk.
MAX_TOKEN = 256

ChatId = Annotated[str, Path(max_length=64)]
ChatToken = Annotated[
    str | None,
    Header(alias="X-Chat-Token", max_length=MAX_TOKEN, description="An anonymous chat's token (from its creation)"),
]

#: Turns whose reader went away keep running until they stop; held here so they are not collected.
_running: set[asyncio.Task[None]] = set()


class MessageTooLong(ServiceError):
    """A message over the service's length limit (413, like an oversized body)."""

    status = 413
    code = "message_too_long"


# ---------------------------------------------------------------------------------------------
# Shapes


class ChatCreate(BaseModel):
    title: str = Field(default="", max_length=MAX_TITLE * 2, description="Empty: named after the first message")


class ChatRename(BaseModel):
    title: str = Field(max_length=MAX_TITLE * 2)


class ChatMessageIn(BaseModel):
    message: str = Field(description="The person's message (at most 8,000 characters)")
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="The person's IANA time zone (e.g. Europe/Paris): schedules that name none use it; default UTC",
    )


class CreatedChat(SessionPublic):
    """A new chat; ``token`` is given once, for anonymous chats only (send it as ``X-Chat-Token``)."""

    token: str | None = None


class TimelineEvent(BaseModel):
    """An event to redraw, with the ``seq`` of the stored message it comes from (to interleave user messages)."""

    seq: int
    event: Event


class ChatView(BaseModel):
    """A chat, its latest messages (oldest first) and the events that redraw them as the stream showed them."""

    session: SessionPublic
    messages: list[MessagePublic]
    events: list[TimelineEvent]
    has_more: bool = False


# ---------------------------------------------------------------------------------------------
# Dependencies


def chat_provider() -> LLMProvider:
    """The copilot's model (OpenAI-compatible when ``OPENAI_API_KEY`` is set, else offline); tests override it."""
    return get_provider()


ProviderDep = Annotated[LLMProvider, Depends(chat_provider)]


async def _turn_caller(
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> User | None:
    """The caller of a turn, read in its own short transaction (a turn must not hold a connection open)."""
    async with session_scope() as session:
        return await user_from_headers(session, authorization, x_api_key, scope=scopes.Scope.RUN)


TurnCaller = Annotated[User | None, Depends(_turn_caller)]


# ---------------------------------------------------------------------------------------------
# Sessions


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatedChat,
    responses={429: {"description": "Too many new anonymous chats from this address this hour"}},
)
async def create_chat(
    request: Request, session: SessionDep, user: OptionalRunUser, body: ChatCreate | None = None
) -> CreatedChat:
    """Start a chat: the caller's, or — without credentials — an anonymous one whose token is returned once.

    Anonymous chats are limited per client address and hour (``CHAT_ANON_SESSIONS_PER_HOUR``): 429 past it.
    """
    if user is None:
        await limits.check_anonymous_session(request.client.host if request.client else None)
    created = await sessions.create_session(session, user=user, title=body.title if body else "")
    return CreatedChat(**created.session.model_dump(), token=created.anon_token)


@router.get("/sessions", response_model=SessionPage)
async def list_chats(
    user: ReadUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=sessions.MAX_PAGE)] = 20,
) -> SessionPage:
    """One page of the caller's chats, most recently active first, with the total."""
    return await sessions.list_sessions(session, user, offset=offset, limit=limit)


@router.get("/sessions/{chat_id}", response_model=ChatView)
async def get_chat(
    chat_id: ChatId,
    session: SessionDep,
    user: OptionalUser,
    x_chat_token: ChatToken = None,
    before_seq: Annotated[int | None, Query(ge=1, description="Page back: messages before this seq")] = None,
    limit: Annotated[int, Query(ge=1, le=sessions.MAX_MESSAGES)] = sessions.DEFAULT_MESSAGES,
) -> ChatView:
    """A chat with its latest messages and the events (text, tool calls, cards) that redraw them."""
    detail = await sessions.get_session(
        session, chat_id, user=user, anon_token=x_chat_token, before_seq=before_seq, limit=limit
    )
    events = [
        TimelineEvent(seq=message.seq, event=event) for message, shown in timeline(detail.messages) for event in shown
    ]
    return ChatView(session=detail.session, messages=detail.messages, events=events, has_more=detail.has_more)


@router.patch("/sessions/{chat_id}", response_model=SessionPublic)
async def rename_chat(
    chat_id: ChatId, body: ChatRename, session: SessionDep, user: OptionalRunUser, x_chat_token: ChatToken = None
) -> SessionPublic:
    """Rename a chat (at most 120 characters)."""
    return await sessions.rename_session(session, chat_id, body.title, user=user, anon_token=x_chat_token)


@router.delete("/sessions/{chat_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_chat(
    chat_id: ChatId, session: SessionDep, user: OptionalRunUser, x_chat_token: ChatToken = None
) -> Response:
    """Delete a chat and its messages."""
    await sessions.delete_session(session, chat_id, user=user, anon_token=x_chat_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sessions/{chat_id}/claim", response_model=SessionPublic)
async def claim_chat(
    chat_id: ChatId, user: RunUser, session: SessionDep, x_chat_token: ChatToken = None
) -> SessionPublic:
    """Make an anonymous chat the caller's (after logging in, in the browser holding its token).

    The token stops working once claimed; a chat that belongs to someone else answers 404.
    """
    if not x_chat_token:
        raise InvalidInput("Send the chat's token in the X-Chat-Token header to claim it.", code="missing_chat_token")
    return await sessions.claim_session(session, chat_id, x_chat_token, user)


# ---------------------------------------------------------------------------------------------
# Streaming a turn


def sse_frame(event: Event) -> bytes:
    """One event in Server-Sent Events framing: ``event: <type>``, ``data: <json on one line>``, a blank line."""
    return f"event: {event.type}\ndata: {event.model_dump_json()}\n\n".encode()


HEARTBEAT_FRAME = b": ping\n\n"

_END = object()
_QUIET = object()


async def _produce(turn: AsyncIterator[Event], queue: asyncio.Queue[Any]) -> None:
    """Run the turn to its end, queueing its events (or the exception it raised), then ``_END``.

    ``finish`` is queued only once the turn is over and its lock released, so a client that
    sends the next message as soon as it reads ``finish`` is not told the chat is busy.
    """
    finish: Finish | None = None
    try:
        async for event in turn:
            if isinstance(event, Finish):
                finish = event
            else:
                queue.put_nowait(event)
    except Exception as exc:
        queue.put_nowait(exc)
    else:
        queue.put_nowait(finish or Finish(reason="error"))  # every stream ends with ``finish``
    finally:
        queue.put_nowait(_END)


class _Reader:
    """Reads the turn's queue, telling when nothing came for ``HEARTBEAT_SECONDS`` (without losing an item)."""

    def __init__(self, queue: asyncio.Queue[Any]) -> None:
        self.queue = queue
        self.getter: asyncio.Future[Any] | None = None

    async def next(self, quiet_after: float) -> Any:
        """The next queued item, or ``_QUIET`` after ``quiet_after`` seconds without one."""
        if self.getter is None:
            self.getter = asyncio.ensure_future(self.queue.get())
        done, _ = await asyncio.wait({self.getter}, timeout=quiet_after)
        if not done:
            return _QUIET  # keep the same getter for the next call: nothing is lost
        item, self.getter = self.getter.result(), None
        return item

    def close(self) -> None:
        if self.getter is not None:
            self.getter.cancel()
            self.getter = None


def _failure_frames(exc: BaseException) -> bytes:
    if isinstance(exc, ServiceError):
        message = exc.message
    else:
        log.error("chat turn failed", exc_info=exc)
        message = "The assistant failed unexpectedly."
    return sse_frame(ErrorEvent(message=message)) + sse_frame(Finish(reason="error"))


async def _frames(first: Any, reader: _Reader) -> AsyncIterator[bytes]:
    """The response body: the events as frames, pings in quiet stretches, ``finish`` last."""
    try:
        item = first
        while True:
            if item is _END:
                return
            if item is _QUIET:
                yield HEARTBEAT_FRAME
            elif isinstance(item, BaseException):
                yield _failure_frames(item)
                return
            else:
                yield sse_frame(item)
            item = await reader.next(HEARTBEAT_SECONDS)
    finally:
        reader.close()


class EventStreamResponse(StreamingResponse):
    """``text/event-stream`` that notices a client leaving on any server and then stops the turn.

    Starlette only watches for ``http.disconnect`` on servers older than ASGI spec 2.4; here the
    body and the disconnect are always raced, and ``cancel`` is set when the response ends for
    any reason (a finished turn ignores it).
    """

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[bytes], *, cancel: asyncio.Event) -> None:
        super().__init__(
            content,
            headers={"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"},
        )
        self.cancel = cancel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                body = group.create_task(self.stream_response(send))
                watcher = group.create_task(self.listen_for_disconnect(receive))
                done, _ = await asyncio.wait({body, watcher}, return_when=asyncio.FIRST_COMPLETED)
                for task in (body, watcher):
                    if task not in done:
                        task.cancel()
        except* OSError:
            pass  # the client went away while a frame was being written
        finally:
            self.cancel.set()


@router.post(
    "/sessions/{chat_id}/stream",
    status_code=status.HTTP_200_OK,
    response_class=EventStreamResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The turn's events as Server-Sent Events"},
        404: {"description": "Not the caller's chat"},
        409: {"description": "A turn of this chat is already running"},
        413: {"description": "The message is too long"},
        422: {"description": "An empty message"},
        429: {"description": "An anonymous chat sent too many messages this hour"},
    },
)
async def stream_turn(
    chat_id: ChatId,
    body: ChatMessageIn,
    user: TurnCaller,
    provider: ProviderDep,
    x_chat_token: ChatToken = None,
) -> EventStreamResponse:
    """Send the person's message and stream the copilot's turn as Server-Sent Events.

    Errors before the turn starts are JSON: 404 (not the caller's chat — for a logged-in caller, an
    unclaimed anonymous chat too), 409 (busy), 413 (too long), 422 (empty), 429 (an anonymous chat
    over ``CHAT_ANON_TURNS_PER_HOUR``). Once streaming, a failure is an ``error`` event followed by ``finish``.
    """
    if user is None and x_chat_token:  # without a token the turn is refused (404) anyway
        await limits.check_anonymous_turn(chat_id, x_chat_token)
    cancel = asyncio.Event()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    # A logged-in caller talks only in their own chats (an anonymous one is claimed first), so their
    # tools' answers — their library, runs, schedules — never land in a chat a token still opens.
    anon_token = x_chat_token if user is None else None
    turn = run_turn(
        chat_id,
        body.message,
        user=user,
        provider=provider,
        anon_token=anon_token,
        cancel=cancel,
        timezone=zone_or_utc(body.timezone) if body.timezone else None,
    )
    task = asyncio.create_task(_produce(turn, queue), name=f"chat-turn-{chat_id}")
    _running.add(task)
    task.add_done_callback(_running.discard)
    reader = _Reader(queue)
    # Wait for the first event so a refusal is a plain JSON error; a model slow to start gets the
    # stream (and its pings) anyway, and a refusal after that arrives as an error event.
    try:
        first = await reader.next(HEARTBEAT_SECONDS)
    except BaseException:  # the request itself was cancelled (the client left before any event)
        reader.close()
        cancel.set()
        raise
    if isinstance(first, BaseException):
        reader.close()
        cancel.set()
        if isinstance(first, InvalidInput) and first.code == "message_too_long":
            raise MessageTooLong(first.message) from first
        raise first
    return EventStreamResponse(_frames(first, reader), cancel=cancel)
