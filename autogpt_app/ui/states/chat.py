"""State of the Chat page: the user's chats (one page), the open conversation, and a streaming turn.

The conversation is a list of :class:`~autogpt_app.ui.chat_rows.ChatRow` built by the pure
functions of :mod:`autogpt_app.ui.chat_rows` (from events while streaming, from stored messages on
load). A turn runs in a background task (:meth:`ChatState.send_text`): the reply's new text goes to
the browser in batches (:mod:`autogpt_app.ui.chat_stream`, never the whole text again), each card
is appended to the rows as it arrives, and execution cards follow their run until it ends
(:mod:`autogpt_app.ui.chat_live`). Visitors without an account chat anonymously; the browser keeps
the chat's token and the account claims the chat when they log in here. Stop sets the turn's cancel
event, kept in the module-level :data:`_CANCELS` (never in state).
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
from autogpt_app.chat import cache as chat_cache
from autogpt_app.chat import limits, sessions
from autogpt_app.chat.events import ExecutionStarted, ExecutionUpdate, ScheduleCreated, TextDelta
from autogpt_app.chat.loop import run_turn
from autogpt_app.chat.providers.factory import get_provider
from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound, ServiceError
from autogpt_app.executions import reviews
from autogpt_app.library import service as library
from autogpt_app.ui import chat_live, routes
from autogpt_app.ui.chat_answers import mark_answered, marketplace_slugs, request_behind_login
from autogpt_app.ui.chat_rows import (
    ChatRow,
    SessionRow,
    apply_event,
    inputs_answer,
    latest_inputs_agent,
    rows_from_messages,
)
from autogpt_app.ui.chat_stream import (
    FOLLOW_END,
    RESET_SCRIPT,
    SCROLL_TO_END,
    StreamBatcher,
    append_script,
    js_length,
)
from autogpt_app.ui.states.auth import FAILED, AuthState

SESSIONS_PAGE_SIZE = 20
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
    #: The conversation as it was when opened (changes only when an execution card updates)…
    history: list[ChatRow] = []
    #: …and what was said since: a change resends only these (Reflex resends a var whole).
    rows: list[ChatRow] = []
    #: Whether the reply being streamed is shown (its text is in the browser's :data:`STREAM`).
    stream_shown: bool = False
    #: The reply's text sent to the browser so far (backend only: resent whole after a reconnect).
    _streamed: str = ""
    #: The anonymous chat of this browser and its token (claimed by the account at login).
    anon_chat_id: str = rx.LocalStorage("", name="chat_anon_id", sync=True)
    anon_token: str = rx.LocalStorage("", name="chat_anon_token", sync=True)
    streaming: bool = False
    chat_error: str = ""
    loaded: bool = False
    #: The marketplace agents of the open chat's carousels that are in the user's library (their
    #: slugs): their cards say "In your library" instead of offering to add them.
    library_slugs: list[str] = []
    #: Whether the drawer with the list of chats is open (phones).
    side_open: bool = False

    @rx.var
    def has_more_chats(self) -> bool:
        """Whether a later page of chats exists."""
        return self.chats_offset + SESSIONS_PAGE_SIZE < self.chats_total

    @rx.var
    def is_empty(self) -> bool:
        """Nothing said yet: the welcome screen shows."""
        return not self.history and not self.rows and not self.streaming

    async def _read_chats(self, session: AsyncSession, user: User) -> None:
        page = await sessions.list_sessions(session, user, offset=self.chats_offset, limit=SESSIONS_PAGE_SIZE)
        self.chats = [SessionRow(id=s.id, title=s.title or "New chat") for s in page.items]
        self.chats_total = page.total

    async def _open(self, session: AsyncSession, user: User, chat_id: str) -> None:
        detail = await sessions.get_session(session, chat_id, user=user, limit=MESSAGES_SHOWN)
        self.chat_id = detail.session.id
        self.chat_title = detail.session.title or "New chat"
        self.history, self.rows = mark_answered(rows_from_messages(detail.messages)), []
        await self._read_library_slugs(session, user)

    def _clear(self) -> None:
        self.chat_id, self.chat_title, self.stream_shown = "", "", False
        self.history, self.rows = [], []
        self.library_slugs = []

    def _mark_answered(self) -> None:
        """Mark the cards the newest message answered (only a list that changed is resent)."""
        # (Rows read through the state are Reflex proxies: compare and copy the rows themselves.)
        history = [getattr(r, "__wrapped__", r) for r in self.history]
        rows = [getattr(r, "__wrapped__", r) for r in self.rows]
        combined = [*history, *rows]
        marked = mark_answered(combined)
        if marked is combined:
            return
        if marked[: len(history)] != history:
            self.history = marked[: len(history)]
        if marked[len(history) :] != rows:
            self.rows = marked[len(history) :]

    async def _read_library_slugs(self, session: AsyncSession, user: User) -> None:
        slugs = marketplace_slugs([*self.history, *self.rows])
        self.library_slugs = sorted(await library.listing_slugs(session, user, slugs)) if slugs else []

    def _follow_running(self) -> list:
        """Start following the execution cards of the open chat whose run has not ended."""
        if not self.user_id:
            return []
        rows = self.history + self.rows
        return [
            *(ChatState.follow_execution(i) for i in chat_live.running_execution_ids(rows)),
            *(ChatState.follow_schedule(i) for i in chat_live.waiting_once_ids(rows)),
        ]

    def _forget_anonymous(self) -> None:
        self.anon_chat_id, self.anon_token = "", ""

    async def _claim_anonymous(self, user: User) -> str:
        """Make the anonymous chat this browser kept the user's; its id ("" when there is none)."""
        chat_id, anon_token = self.anon_chat_id, self.anon_token
        self._forget_anonymous()
        if not (chat_id and anon_token):
            return ""
        try:
            async with session_scope() as session:
                return (await sessions.claim_session(session, chat_id, anon_token, user)).id
        except ServiceError:
            return ""

    async def _open_anonymous(self, wanted: str) -> None:
        """A visitor's page: their anonymous chat (kept by this browser), if it still exists."""
        self.chats, self.chats_total = [], 0
        if wanted and wanted != self.anon_chat_id:
            self.chat_error = "That chat does not exist or is not yours. Log in to see your chats."
            return
        if not (self.anon_chat_id and self.anon_token):
            return
        try:
            async with session_scope() as session:
                detail = await sessions.get_session(
                    session, self.anon_chat_id, user=None, anon_token=self.anon_token, limit=MESSAGES_SHOWN
                )
        except ServiceError:
            self._forget_anonymous()
            return
        self.chat_id = detail.session.id
        self.chat_title = detail.session.title or "New chat"
        self.history, self.rows = mark_answered(rows_from_messages(detail.messages)), []

    @rx.event
    async def load(self):
        """Page load: the chats, and the chat named in the URL (``?chat=<id>``).

        A person who logged in first claims the anonymous chat this browser kept (it then opens);
        a visitor without an account sees their anonymous chat, if any.
        """
        if self.streaming and (
            not self.chat_id or self.chat_id in _CANCELS or await chat_cache.turn_running(self.chat_id)
        ):
            # A reconnect mid-reply (Reflex loads the page's state again): send the reply so far.
            return [rx.call_script(RESET_SCRIPT), rx.call_script(append_script(self._streamed, 0))]
        # (A turn marked as streaming that no longer runs here ended with a restart of the server.)
        self.streaming = False
        self.chat_error = ""
        self.chats_offset = 0
        self._clear()
        wanted = str(self.router.url.query_parameters.get("chat", "") or "")
        had_session = bool(self.token)
        user = await self._resolve_user()
        if user is None and had_session:
            # The session ended (logged out elsewhere, disabled…): log in again, as on other pages.
            return self._login_redirect()
        if user is None:
            await self._open_anonymous(wanted)
            self.loaded = True
            return rx.call_script(SCROLL_TO_END)
        claimed = await self._claim_anonymous(user)
        target = wanted or claimed

        async def read(session: AsyncSession, user: User) -> None:
            await self._read_chats(session, user)
            if target:
                try:
                    await self._open(session, user, target)
                except NotFound:
                    self.chat_error = "That chat does not exist or is not yours."

        result = await self._attempt(read, error_field="chat_error")
        self.loaded = True
        if result is FAILED:
            return self._after_failure()
        events = [*self._follow_running(), rx.call_script(SCROLL_TO_END)]
        if claimed:
            events += [rx.call_script(_url_script(claimed)), rx.toast.success("Your chat is saved in your account.")]
            # What the visitor asked before the login card carries on now, without asking again.
            pending = request_behind_login(self.history) if self.chat_id == claimed else ""
            if pending:
                events.append(ChatState.send_text(pending))
        return events

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
        self.side_open = False
        return [rx.call_script(f"{_url_script(self.chat_id)};{SCROLL_TO_END}"), *self._follow_running()]

    @rx.event
    def new_chat(self):
        """Start over on the welcome screen (the chat is created with its first message)."""
        if self.streaming:
            return None
        self.chat_error = ""
        self._clear()
        self.side_open = False
        if not self.user_id:
            self._forget_anonymous()
        return rx.call_script(_url_script(""))

    @rx.event
    def set_side_open(self, value: bool):
        """Open or close the drawer with the list of chats (phones)."""
        self.side_open = bool(value)

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
        self.library_slugs = sorted({*self.library_slugs, slug})
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
        """An inputs card was filled in: answer with ``name=value, ...`` (naming its agent when the
        card is not the newest one)."""
        text = inputs_answer(form_data, latest_inputs_agent([*self.history, *self.rows]))
        if not text or self.streaming:
            return rx.toast.error("Fill in at least one input.") if not text else None
        return ChatState.send_text(text)

    @rx.event
    async def stop(self):
        """Stop the reply being streamed (what was streamed so far is kept).

        The turn may run in another backend process (the page reconnected to another one): the
        request then reaches it through Redis.
        """
        cancel = _CANCELS.get(self.chat_id)
        if cancel is not None:
            cancel.set()
        elif self.chat_id:
            await chat_cache.request_stop(self.chat_id)

    async def _start_chat(self, user: User | None, text: str) -> str:
        """Create the chat of a first message: the user's, or an anonymous one kept by this browser."""
        if user is None:
            async with self:
                client_ip = self.router.session.client_ip
            await limits.check_anonymous_session(client_ip)
        async with session_scope() as session:
            created = await sessions.create_session(session, user=user)
        async with self:
            self.chat_id = created.session.id
            self.chat_title = sessions.title_from(text) or "New chat"
            if user is None:
                self.anon_chat_id, self.anon_token = created.session.id, created.anon_token or ""
        return created.session.id

    async def _stream(self, chat_id: str, text: str, user: User | None, anon_token: str, cancel: asyncio.Event):
        """Run the turn: text goes to the browser's stream buffer in batches, cards into the rows.

        The text sent so far is also kept in :attr:`_streamed` (never sent as a var) so that a page
        that reconnects mid-reply gets it whole again from :meth:`load`.
        """
        batcher = StreamBatcher()
        turn = run_turn(
            chat_id,
            text,
            user=user,
            provider=get_provider(),
            cancel=cancel,
            anon_token=anon_token or None,
            timezone=self._zone(),
        )
        async for event in turn:
            if isinstance(event, TextDelta):
                piece = batcher.feed(event.text, time.monotonic())
                if piece:
                    async with self:
                        self._streamed = batcher.text
                        if not self.stream_shown:
                            self.stream_shown = True
                    yield rx.call_script(append_script(piece, batcher.sent - js_length(piece)))
                continue
            batcher.drain()
            async with self:
                rows = apply_event(self.rows, TextDelta(text=batcher.text))
                self.rows = apply_event(rows, event)
                self.stream_shown = False
                self._streamed = ""
            if batcher.text:
                batcher.restart()
                yield rx.call_script(RESET_SCRIPT)
            yield rx.call_script(FOLLOW_END)
            if isinstance(event, (ExecutionStarted, ExecutionUpdate)) and not chat_live.is_final(event.status):
                yield ChatState.follow_execution(event.execution_id)
            if isinstance(event, ScheduleCreated) and event.kind == "once":
                yield ChatState.follow_schedule(event.schedule_id)
        batcher.drain()
        async with self:
            self.rows = apply_event(self.rows, TextDelta(text=batcher.text))
            self.stream_shown = False
            self._streamed = ""

    @rx.event(background=True)
    async def send_text(self, text: str):
        """Send one message and stream the copilot's answer into the conversation.

        Without a login the chat is anonymous: this browser keeps its token, and the chat becomes
        the account's when the person logs in here (:meth:`load` claims it).
        """
        text = str(text or "").strip()
        async with self:
            if self.streaming or not text:
                return
            self.streaming = True
            self.stream_shown = False
            self.chat_error = ""
            self.rows = [*self.rows, ChatRow(kind="user", text=text)]
            self._mark_answered()
            token, chat_id, anon_token = self.token, self.chat_id, self.anon_token
        yield rx.call_script(f"{RESET_SCRIPT};{SCROLL_TO_END}")
        user = await _user_for(token) if token else None
        created = False
        owns_cancel = False
        try:
            if token and user is None:
                async with self:
                    self.rows = self.rows[:-1]
                    self._show_user(None)
                    redirect = self._login_redirect()
                yield redirect
                return
            if user is None and chat_id:
                await limits.check_anonymous_turn(chat_id, anon_token)
            if not chat_id:
                chat_id = await self._start_chat(user, text)
                created = True
                async with self:
                    anon_token = self.anon_token
                yield rx.call_script(_url_script(chat_id))
            # Another tab's running turn keeps its own event (the turn lock refuses this one anyway).
            cancel = asyncio.Event()
            if chat_id not in _CANCELS:
                _CANCELS[chat_id] = cancel
                owns_cancel = True
            await chat_cache.clear_stop(chat_id)
            watcher = asyncio.create_task(chat_cache.watch_stop(chat_id, cancel))
            try:
                async for update in self._stream(chat_id, text, user, anon_token if user is None else "", cancel):
                    yield update
            finally:
                watcher.cancel()
        except ServiceError as exc:
            async with self:
                self.chat_error = exc.message
            yield rx.toast.error(exc.message)
        finally:
            if chat_id and owns_cancel:
                _CANCELS.pop(chat_id, None)
            async with self:
                self.streaming = False
                self.stream_shown = False
        if user is not None:
            # The chat moves to the top of the side list, and the carousels learn which agents are
            # in the library now (a run adds its agent): both read outside the state lock.
            async with self:
                slugs = marketplace_slugs([*self.history, *self.rows])
            try:
                async with session_scope() as session:
                    page = await sessions.list_sessions(session, user, offset=0, limit=SESSIONS_PAGE_SIZE)
                    kept = await library.listing_slugs(session, user, slugs)
            except ServiceError:
                return
            async with self:
                self.library_slugs = sorted(kept)
                if created or self.chats_offset == 0:
                    self.chats_offset, self.chats_total = 0, page.total
                    self.chats = [SessionRow(id=s.id, title=s.title or "New chat") for s in page.items]

    @rx.event(background=True)
    async def follow_schedule(self, schedule_id: str):
        """Keep a one-off schedule's card waiting until it runs, then follow its run."""
        await chat_live.follow_schedule(self, schedule_id)

    async def _decide_review(self, review_id: str, approve: bool):
        self.chat_error = ""

        async def decide(session: AsyncSession, user: User) -> None:
            if approve:
                await reviews.approve(session, user, review_id)
            else:
                await reviews.reject(session, user, review_id, "Rejected in the chat.")

        if await self._attempt(decide, error_field="chat_error") is FAILED:
            return self._after_failure() or rx.toast.error(self.chat_error or "Could not record the decision.")
        return rx.toast.success("Approved: the run goes on." if approve else "Rejected: the run goes on without it.")

    @rx.event
    async def approve_review(self, review_id: str):
        """Approve a run card's waiting review as it is (the run page allows changing the data)."""
        return await self._decide_review(str(review_id), True)

    @rx.event
    async def reject_review(self, review_id: str):
        """Reject a run card's waiting review; the run takes the reject path."""
        return await self._decide_review(str(review_id), False)

    @rx.event(background=True)
    async def follow_execution(self, execution_id: str):
        """Keep one execution card up to date (running → completed/failed, outputs) until the run ends."""
        await chat_live.follow_execution(self, execution_id)

    @rx.event
    def quick_action(self, text: str):
        """A suggestion of the welcome screen was clicked."""
        return ChatState.send_text(text)
