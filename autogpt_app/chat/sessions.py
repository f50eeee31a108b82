"""Chat sessions: create, list, read, rename, delete, claim, and append messages — owner-checked.

Functions take the database session first and flush; the caller commits. A session belongs to a
user, or to the anonymous browser holding its token (given once by :func:`create_session`, stored
as a SHA-256). Anything else — another user's id, a wrong or missing token, an unknown id —
answers :class:`NotFound`, so ids reveal nothing. Once a user claims an anonymous session
(:func:`claim_session`, with the token) the token stops granting anything.

Reads with the latest messages are cached in Redis (``chat:session:{id}``) when ``REDIS_URL`` is
set; the owner check runs on every read, cached or not (see :mod:`autogpt_app.chat.cache`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.chat import cache
from autogpt_app.chat.models import (
    MAX_TITLE,
    ChatMessageRecord,
    ChatSession,
    CreatedSession,
    MessagePublic,
    MessageRole,
    NewMessage,
    SessionDetail,
    SessionPage,
    SessionPublic,
)
from autogpt_app.db import after_commit
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.timeutil import utcnow

__all__ = [
    "append_messages",
    "claim_session",
    "create_session",
    "delete_session",
    "get_session",
    "hash_token",
    "list_sessions",
    "owned_session",
    "rename_session",
]

MAX_PAGE = 100
#: Messages a session read returns by default (the latest ones); older ones are paged with ``before_seq``.
DEFAULT_MESSAGES = 200
MAX_MESSAGES = 500
_MAX_ID = 64


def hash_token(token: str) -> str:
    """The stored form of an anonymous session token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _not_found() -> NotFound:
    return NotFound("No such chat.", code="chat_not_found")


def _public(row: ChatSession) -> SessionPublic:
    return SessionPublic(
        id=row.id, title=row.title, anonymous=row.user_id is None, created_at=row.created_at, updated_at=row.updated_at
    )


def _message(row: ChatMessageRecord) -> MessagePublic:
    return MessagePublic.model_validate(row, from_attributes=True)


def _may_see(owner_id: str | None, token_hash: str | None, user: User | None, anon_token: str | None) -> bool:
    if owner_id is not None:
        return user is not None and user.id == owner_id
    if not token_hash or not anon_token:
        return False
    return hmac.compare_digest(token_hash, hash_token(anon_token))


def _clean_title(title: str) -> str:
    clean = " ".join(str(title or "").split())
    if len(clean) > MAX_TITLE:
        raise InvalidInput(f"A chat title is at most {MAX_TITLE} characters.", code="invalid_title")
    return clean


async def owned_session(
    session: AsyncSession, session_id: str, *, user: User | None, anon_token: str | None = None
) -> ChatSession:
    """The chat session row if the caller may use it.

    Raises:
        NotFound: unknown, another user's, or an anonymous session without its token.
    """
    row = await session.get(ChatSession, session_id) if session_id and len(session_id) <= _MAX_ID else None
    if row is None or not _may_see(row.user_id, row.anon_token_hash, user, anon_token):
        raise _not_found()
    return row


async def create_session(session: AsyncSession, *, user: User | None, title: str = "") -> CreatedSession:
    """Start a chat for ``user``, or an anonymous one (``user=None``) whose token is returned once."""
    if user is not None:
        require_permission(user, Permission.USE_PLATFORM)
    token = None if user is not None else secrets.token_urlsafe(32)
    row = ChatSession(
        user_id=user.id if user is not None else None,
        anon_token_hash=hash_token(token) if token else None,
        title=_clean_title(title),
    )
    session.add(row)
    await session.flush()
    return CreatedSession(session=_public(row), anon_token=token)


async def list_sessions(session: AsyncSession, user: User, *, offset: int = 0, limit: int = 20) -> SessionPage:
    """One page of the user's chats, most recently active first, with the total."""
    require_permission(user, Permission.USE_PLATFORM)
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    condition = ChatSession.user_id == user.id
    total = int((await session.execute(select(func.count()).select_from(ChatSession).where(condition))).scalar_one())
    rows = await session.execute(
        select(ChatSession)
        .where(condition)
        .order_by(ChatSession.updated_at.desc(), ChatSession.id)
        .offset(offset)
        .limit(limit)
    )
    return SessionPage(items=[_public(r) for r in rows.scalars()], total=total, offset=offset, limit=limit)


async def _latest_messages(
    session: AsyncSession, session_id: str, before_seq: int | None, limit: int
) -> tuple[list[MessagePublic], bool]:
    query = select(ChatMessageRecord).where(ChatMessageRecord.session_id == session_id)
    if before_seq is not None:
        query = query.where(ChatMessageRecord.seq < before_seq)
    rows = list((await session.execute(query.order_by(ChatMessageRecord.seq.desc()).limit(limit + 1))).scalars())
    has_more = len(rows) > limit
    return [_message(r) for r in reversed(rows[:limit])], has_more


async def get_session(
    session: AsyncSession,
    session_id: str,
    *,
    user: User | None,
    anon_token: str | None = None,
    before_seq: int | None = None,
    limit: int = DEFAULT_MESSAGES,
) -> SessionDetail:
    """A chat with its latest ``limit`` messages (oldest first), or those before ``before_seq``.

    Raises:
        NotFound: unknown, another user's, or an anonymous session without its token.
    """
    limit = max(1, min(limit, MAX_MESSAGES))
    cacheable = before_seq is None and limit == DEFAULT_MESSAGES and bool(session_id) and len(session_id) <= _MAX_ID
    generation = None
    if cacheable:
        generation = await cache.cache_generation(session_id)
        cached = await cache.cache_get(session_id)
        if cached is not None:
            if not _may_see(cached.get("user_id"), cached.get("anon_token_hash"), user, anon_token):
                raise _not_found()
            return SessionDetail.model_validate(cached["detail"])
    row = await owned_session(session, session_id, user=user, anon_token=anon_token)
    messages, has_more = await _latest_messages(session, row.id, before_seq, limit)
    detail = SessionDetail(session=_public(row), messages=messages, has_more=has_more)
    if cacheable:
        await cache.cache_set(
            row.id,
            {"user_id": row.user_id, "anon_token_hash": row.anon_token_hash, "detail": detail.model_dump(mode="json")},
            generation,
        )
    return detail


def _invalidate(session: AsyncSession, session_id: str) -> None:
    """Drop the cached copy now (readers see the database) and again once committed (no stale refill)."""
    after_commit(session, lambda: cache.cache_invalidate(session_id))


async def rename_session(
    session: AsyncSession, session_id: str, title: str, *, user: User | None, anon_token: str | None = None
) -> SessionPublic:
    """Rename a chat.

    Raises:
        NotFound: not the caller's chat.
        InvalidInput: a title over 120 characters.
    """
    row = await owned_session(session, session_id, user=user, anon_token=anon_token)
    row.title = _clean_title(title)
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await cache.cache_invalidate(row.id)
    _invalidate(session, row.id)
    return _public(row)


async def delete_session(
    session: AsyncSession, session_id: str, *, user: User | None, anon_token: str | None = None
) -> None:
    """Delete a chat and its messages.

    Raises:
        NotFound: not the caller's chat.
    """
    row = await owned_session(session, session_id, user=user, anon_token=anon_token)
    await session.execute(delete(ChatMessageRecord).where(ChatMessageRecord.session_id == row.id))
    await session.delete(row)
    await session.flush()
    await cache.cache_invalidate(row.id)
    _invalidate(session, row.id)


async def claim_session(session: AsyncSession, session_id: str, anon_token: str, user: User) -> SessionPublic:
    """Give an anonymous chat to ``user`` (after they log in in the browser holding its token).

    Claiming a chat the user already owns is harmless and returns it.

    Raises:
        NotFound: unknown, a wrong token, or a chat that already belongs to someone else.
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await session.get(ChatSession, session_id) if session_id and len(session_id) <= _MAX_ID else None
    if row is not None and row.user_id == user.id:
        return _public(row)
    if row is None or row.user_id is not None or not _may_see(None, row.anon_token_hash, None, anon_token):
        raise _not_found()
    row.user_id = user.id
    row.anon_token_hash = None
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await cache.cache_invalidate(row.id)
    _invalidate(session, row.id)
    return _public(row)


def title_from(text: str) -> str:
    """The title an untitled chat takes from its first message (one line, at most 60 characters)."""
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


async def append_messages(
    session: AsyncSession, chat: ChatSession, messages: Sequence[NewMessage]
) -> list[MessagePublic]:
    """Add messages at the end of a chat (numbered after the last one) and touch the chat.

    The first user message also names an untitled chat. The caller has checked ownership
    (``chat`` comes from :func:`owned_session`) and holds the turn lock, so numbers do not race;
    the unique ``(session_id, seq)`` constraint refuses a second writer if one ever did.
    """
    if not messages:
        return []
    last = (
        await session.execute(select(func.max(ChatMessageRecord.seq)).where(ChatMessageRecord.session_id == chat.id))
    ).scalar_one()
    seq = (last or 0) + 1
    rows = []
    for offset, message in enumerate(messages):
        rows.append(ChatMessageRecord(session_id=chat.id, seq=seq + offset, **message.model_dump(mode="json")))
        if not chat.title and message.role == MessageRole.USER and message.content.strip():
            chat.title = title_from(message.content)
    session.add_all(rows)
    chat.updated_at = utcnow()
    session.add(chat)
    await session.flush()
    await cache.cache_invalidate(chat.id)
    _invalidate(session, chat.id)
    return [_message(r) for r in rows]


async def history(session: AsyncSession, chat: ChatSession, *, limit: int) -> list[MessagePublic]:
    """The latest ``limit`` messages of a chat, oldest first (the chat loop builds the model's history from them)."""
    messages, _ = await _latest_messages(session, chat.id, None, limit)
    return messages
