"""State of the Chat page: the user's chats (one page), the open conversation, and a streaming turn.

The conversation is a list of :class:`~autogpt_app.ui.chat_rows.ChatRow` built by the pure
functions of :mod:`autogpt_app.ui.chat_rows` (from events while streaming, from stored messages on
load). A turn runs in a background task (:meth:`ChatState.send_text`): the
reply's text goes into the small :attr:`ChatState.stream_text` at most every
:data:`FLUSH_INTERVAL` seconds (the whole var is resent on each change), and each card is
appended to the rows as it arrives. Stop sets the turn's cancel event, kept in the module-level
:data:`_CANCELS` (never in state).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.chat import sessions
from autogpt_app.chat.events import (
    TextDelta,
)
from autogpt_app.chat.loop import run_turn
from autogpt_app.chat.providers.factory import get_provider
from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound, ServiceError
from autogpt_app.library import service as library
from autogpt_app.ui import routes
from autogpt_app.ui.chat_rows import ChatRow, SessionRow, apply_event, inputs_text, rows_from_messages
from autogpt_app.ui.states.auth import FAILED, AuthState

SESSIONS_PAGE_SIZE = 20
#: Longest gap between two pushes of the streaming text to the browser (at most ~20 updates a second).
FLUSH_INTERVAL = 0.05
#: Messages shown when a chat is opened (the latest ones).
MESSAGES_SHOWN = 200

QUICK_ACTIONS = ["Find an agent that digests RSS feeds", "Show my agents", "What did my last run produce?"]


#: The cancel event of each running turn, by chat id (an asyncio.Event cannot live in state).
_CANCELS: dict[str, asyncio.Event] = {}


async def _user_for(token: str) -> User | None:
    """The token's user, re-verified (None when the session ended)."""
    try:
        async with session_scope() as session:
            return await auth_service.user_from_token(session, token)
    except ServiceError:
        return None


def _url_script(chat_id: str) -> str:
    target = f"{routes.HOME}?chat={chat_id}" if chat_id else routes.HOME
    return f"window.history.replaceState(window.history.state, '', {json.dumps(target)})"


class ChatState(AuthState):
    """The Chat page: the side list of chats, the open conversation and the turn in progress."""

    chats: list[SessionRow] = []
    chats_offset: int = 0
    chats_total: int = 0
    chat_id: str = ""
    chat_title: str = ""
    rows: list[ChatRow] = []
    stream_text: str = ""
    streaming: bool = False
    chat_error: str = ""
    loaded: bool = False

    @rx.var
    def has_more_chats(self) -> bool:
        """Whether a later page of chats exists."""
        return self.chats_offset + SESSIONS_PAGE_SIZE < self.chats_total

    @rx.var
    def is_empty(self) -> bool:
        """Nothing said yet: the welcome screen shows."""
        return not self.rows and not self.streaming

    async def _read_chats(self, session: AsyncSession, user: User) -> None:
        page = await sessions.list_sessions(session, user, offset=self.chats_offset, limit=SESSIONS_PAGE_SIZE)
        self.chats = [SessionRow(id=s.id, title=s.title or "New chat") for s in page.items]
        self.chats_total = page.total

    async def _open(self, session: AsyncSession, user: User, chat_id: str) -> None:
        detail = await sessions.get_session(session, chat_id, user=user, limit=MESSAGES_SHOWN)
        self.chat_id = detail.session.id
        self.chat_title = detail.session.title or "New chat"
        self.rows = rows_from_messages(detail.messages)

    def _clear(self) -> None:
        self.chat_id, self.chat_title, self.rows, self.stream_text = "", "", [], ""

    @rx.event
    async def load(self):
        """Page load: the first page of chats, and the chat named in the URL (``?chat=<id>``)."""
        self.chat_error = ""
        self.chats_offset = 0
        if not self.streaming:
            self._clear()
        wanted = str(self.router.url.query_parameters.get("chat", "") or "")

        async def read(session: AsyncSession, user: User) -> None:
            await self._read_chats(session, user)
            if wanted:
                try:
                    await self._open(session, user, wanted)
                except NotFound:
                    self.chat_error = "That chat does not exist or is not yours."

        result = await self._attempt(read, error_field="chat_error")
        self.loaded = True
        if result is FAILED:
            return self._after_failure()
        return None

    async def _page(self, offset: int):
        self.chats_offset = max(0, offset)
        if await self._attempt(self._read_chats, error_field="chat_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def next_chats(self):
        """The next page of chats."""
        return await self._page(self.chats_offset + SESSIONS_PAGE_SIZE)

    @rx.event
    async def prev_chats(self):
        """The previous page of chats."""
        return await self._page(self.chats_offset - SESSIONS_PAGE_SIZE)

    @rx.event
    async def open_chat(self, chat_id: str):
        """Show one of the user's chats (and put it in the URL)."""
        if self.streaming:
            return None
        self.chat_error = ""

        async def read(session: AsyncSession, user: User) -> None:
            await self._open(session, user, chat_id)

        if await self._attempt(read, error_field="chat_error") is FAILED:
            return self._after_failure()
        return rx.call_script(_url_script(self.chat_id))

    @rx.event
    def new_chat(self):
        """Start over on the welcome screen (the chat is created with its first message)."""
        if self.streaming:
            return None
        self.chat_error = ""
        self._clear()
        return rx.call_script(_url_script(""))

    @rx.event
    async def rename_chat(self, form_data: dict[str, Any]):
        """Rename the open chat."""
        title = str(form_data.get("title", ""))
        if not self.chat_id:
            return None
        self.chat_error = ""

        async def rename(session: AsyncSession, user: User) -> None:
            chat = await sessions.rename_session(session, self.chat_id, title, user=user)
            self.chat_title = chat.title or "New chat"
            await self._read_chats(session, user)

        if await self._attempt(rename, error_field="chat_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def delete_chat(self):
        """Delete the open chat and its messages; back to the welcome screen."""
        if not self.chat_id or self.streaming:
            return None
        self.chat_error = ""

        async def delete(session: AsyncSession, user: User) -> None:
            await sessions.delete_session(session, self.chat_id, user=user)
            self.chats_offset = 0
            await self._read_chats(session, user)

        if await self._attempt(delete, error_field="chat_error") is FAILED:
            return self._after_failure()
        self._clear()
        return [rx.call_script(_url_script("")), rx.toast.success("Chat deleted.")]

    @rx.event
    async def add_to_library(self, slug: str):
        """Add a marketplace agent of a carousel to the user's library."""
        self.chat_error = ""
        added = await self._attempt(
            lambda session, user: library.add_from_listing(session, user, slug), error_field="chat_error"
        )
        if added is FAILED:
            return self._after_failure() or rx.toast.error(self.chat_error or "Could not add the agent.")
        return rx.toast.success(f"{added.name} is in your library.")

    @rx.event
    def submit(self, form_data: dict[str, Any]):
        """The message box was sent (Enter or the Send button)."""
        text = str(form_data.get("message", "")).strip()
        if not text or self.streaming:
            return None
        return ChatState.send_text(text)

    @rx.event
    def submit_inputs(self, form_data: dict[str, Any]):
        """An inputs card was filled in: answer with ``name=value, ...``."""
        text = inputs_text(form_data)
        if not text or self.streaming:
            return rx.toast.error("Fill in at least one input.") if not text else None
        return ChatState.send_text(text)

    @rx.event
    def stop(self):
        """Stop the reply being streamed (what was streamed so far is kept)."""
        cancel = _CANCELS.get(self.chat_id)
        if cancel is not None:
            cancel.set()

    @rx.event(background=True)
    async def send_text(self, text: str):
        """Send one message and stream the copilot's answer into the conversation."""
        text = str(text or "").strip()
        async with self:
            if self.streaming or not text:
                return
            self.streaming = True
            self.chat_error = ""
            self.stream_text = ""
            self.rows = [*self.rows, ChatRow(kind="user", text=text)]
            token, chat_id = self.token, self.chat_id
        user = await _user_for(token)
        created = False
        owns_cancel = False
        try:
            if user is None:
                async with self:
                    self.rows = self.rows[:-1]
                    self._show_user(None)
                    redirect = self._login_redirect()
                yield redirect
                return
            if not chat_id:
                async with session_scope() as session:
                    chat_id = (await sessions.create_session(session, user=user)).session.id
                created = True
                async with self:
                    self.chat_id = chat_id
                yield rx.call_script(_url_script(chat_id))
            # Another tab's running turn keeps its own event (the turn lock refuses this one anyway).
            cancel = asyncio.Event()
            if chat_id not in _CANCELS:
                _CANCELS[chat_id] = cancel
                owns_cancel = True
            pending = ""
            last_flush = 0.0
            turn = run_turn(chat_id, text, user=user, provider=get_provider(), cancel=cancel)
            async for event in turn:
                if isinstance(event, TextDelta):
                    pending += event.text
                    now = time.monotonic()
                    if now - last_flush >= FLUSH_INTERVAL:
                        last_flush = now
                        async with self:
                            self.stream_text = pending
                    continue
                async with self:
                    rows = self.rows
                    if pending:
                        rows = apply_event(rows, TextDelta(text=pending))
                        pending = ""
                    self.rows = apply_event(rows, event)
                    self.stream_text = ""
            if pending:
                async with self:
                    self.rows = apply_event(self.rows, TextDelta(text=pending))
                    self.stream_text = ""
        except ServiceError as exc:
            async with self:
                self.chat_error = exc.message
            yield rx.toast.error(exc.message)
        finally:
            if chat_id and owns_cancel:
                _CANCELS.pop(chat_id, None)
            async with self:
                self.streaming = False
                self.stream_text = ""
        if created and user is not None:
            # The new chat joins the side list (read outside the state lock).
            try:
                async with session_scope() as session:
                    page = await sessions.list_sessions(session, user, offset=0, limit=SESSIONS_PAGE_SIZE)
            except ServiceError:
                return
            async with self:
                self.chats_offset, self.chats_total = 0, page.total
                self.chats = [SessionRow(id=s.id, title=s.title or "New chat") for s in page.items]

    @rx.event
    def quick_action(self, text: str):
        """A suggestion of the welcome screen was clicked."""
        return ChatState.send_text(text)
