"""Tables and public shapes of the copilot chat: sessions and their messages (the database is the record).

A session belongs to a user, or — for anonymous discovery — to whoever holds its random token: the
browser gets the token once and the table keeps only its SHA-256. Messages are numbered per session
(``seq``) and hold both what the model sees (role, content, tool calls, tool results) and, for tool
results and errors, the card event shown on the page (``event_type`` + ``payload``), so a reload
shows exactly the cards the live stream showed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_TITLE = 120
MAX_EVENT_TYPE = 40
MAX_TOOL_NAME = 64
MAX_TOOL_CALL_ID = 100


class MessageRole(StrEnum):
    """Who wrote a message. ``event`` rows are shown on the page but never sent to the model."""

    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"
    EVENT = "event"


class ChatSession(SQLModel, table=True):
    """One conversation: a user's, or an anonymous browser's (``anon_token_hash``) until claimed."""

    __tablename__ = "chat_sessions"
    __table_args__ = (Index("ix_chat_sessions_user_updated", "user_id", "updated_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE", max_length=36)
    #: SHA-256 (hex) of the anonymous browser's token; None once the session belongs to a user.
    anon_token_hash: str | None = Field(default=None, max_length=64)
    title: str = Field(default="", max_length=MAX_TITLE)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatMessageRecord(SQLModel, table=True):
    """One stored message of a session, in order (``seq``)."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_chat_messages_session_seq"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    session_id: str = Field(foreign_key="chat_sessions.id", ondelete="CASCADE", max_length=36)
    seq: int
    role: str = Field(max_length=20)
    content: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: An assistant message's tool calls: ``[{"id", "name", "arguments", "raw_arguments"}]``.
    tool_calls: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: A tool message answers this call.
    tool_call_id: str | None = Field(default=None, max_length=MAX_TOOL_CALL_ID)
    #: A tool message's tool name.
    name: str | None = Field(default=None, max_length=MAX_TOOL_NAME)
    #: The card this message shows (``agent_carousel``, ``error``…), with its event as JSON.
    event_type: str | None = Field(default=None, max_length=MAX_EVENT_TYPE)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    #: The reply was stopped by the person while it streamed (its content is what came so far).
    stopped: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NewMessage(BaseModel):
    """A message to append (the service numbers and dates it)."""

    role: MessageRole
    content: str = ""
    tool_calls: list[dict[str, Any]] = []
    tool_call_id: str | None = None
    name: str | None = None
    event_type: str | None = None
    payload: dict[str, Any] | None = None
    stopped: bool = False


class MessagePublic(BaseModel):
    """A stored message as pages and the API see it."""

    id: str
    seq: int
    role: str
    content: str
    tool_calls: list[dict[str, Any]]
    tool_call_id: str | None
    name: str | None
    event_type: str | None
    payload: dict[str, Any] | None
    stopped: bool
    created_at: datetime


class SessionPublic(BaseModel):
    """A session as a list row shows it (never the token or its hash)."""

    id: str
    title: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


class SessionDetail(BaseModel):
    """A session with its latest messages, oldest first; ``has_more`` when older ones exist."""

    session: SessionPublic
    messages: list[MessagePublic]
    has_more: bool = False


class SessionPage(BaseModel):
    """One page of a user's sessions, most recently active first, with the total for paging."""

    items: list[SessionPublic]
    total: int
    offset: int
    limit: int


class CreatedSession(BaseModel):
    """A new session; ``anon_token`` is given once, for anonymous sessions only (keep it in the browser)."""

    session: SessionPublic
    anon_token: str | None = None
