"""Values agents keep between runs, for the blocks *Persist information* and *Retrieve information*.

Blocks never open a database session: the runner hands each node run a :class:`RunValues` (as
``RunContext.store``) bound to the run's owner and agent, and the blocks call its ``get``/``put``.
Each call is one short transaction of its own, so a value stored by one step is visible to the next
step, to later runs, and to other agents of the owner when shared (``across_agents``).

Limits keep one person from filling the database: a value is at most :data:`MAX_VALUE_BYTES` of
JSON, a key at most :data:`MAX_KEY_CHARS` characters, and a person keeps at most
:data:`MAX_KEYS_PER_USER` values; each refusal is a sentence for the run page.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.blocks.sdk import BlockError
from autogpt_app.db import session_scope
from autogpt_app.executions.models import AgentValue
from autogpt_app.timeutil import utcnow

MAX_VALUE_BYTES = 100_000
MAX_KEYS_PER_USER = 10_000
MAX_KEY_CHARS = 200


def checked_key(key: str) -> str:
    """``key`` when it can name a value, else a readable refusal.

    Raises:
        BlockError: the key is empty or too long.
    """
    if not key.strip():
        raise BlockError("Give the key to keep the value under.")
    if len(key) > MAX_KEY_CHARS:
        raise BlockError(f"The key is too long: at most {MAX_KEY_CHARS} characters.")
    return key


def encoded_size(value: Any) -> int:
    """Bytes of ``value`` as JSON, or a readable refusal when it is not JSON or too large.

    Raises:
        BlockError: the value cannot be written as JSON or is over :data:`MAX_VALUE_BYTES`.
    """
    try:
        size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise BlockError("The value cannot be kept: only text, numbers, yes/no, lists and dictionaries can.") from None
    if size > MAX_VALUE_BYTES:
        raise BlockError(
            f"The value is too large to keep ({size:,} bytes as JSON): at most {MAX_VALUE_BYTES:,} bytes per key."
        )
    return size


def _where(user_id: str, graph_id: str | None, key: str) -> tuple[Any, ...]:
    scope = AgentValue.graph_id.is_(None) if graph_id is None else AgentValue.graph_id == graph_id  # type: ignore[union-attr]
    return (AgentValue.user_id == user_id, scope, AgentValue.key == key)


async def get_value(session: AsyncSession, *, user_id: str, graph_id: str | None, key: str) -> Any:
    """The value ``user_id`` keeps under ``key`` for ``graph_id`` (None: shared), or None."""
    found = await session.execute(select(AgentValue.value).where(*_where(user_id, graph_id, key)))
    return found.scalar_one_or_none()


async def put_value(session: AsyncSession, *, user_id: str, graph_id: str | None, key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` for ``user_id`` and ``graph_id`` (None: shared); None forgets the key.

    Raises:
        BlockError: bad key, value not JSON or too large, or the person keeps too many values already.
    """
    checked_key(key)
    if value is None:
        await session.execute(delete(AgentValue).where(*_where(user_id, graph_id, key)))
        return
    encoded_size(value)
    row = (await session.execute(select(AgentValue).where(*_where(user_id, graph_id, key)))).scalar_one_or_none()
    if row is None:
        count = await session.scalar(select(func.count()).select_from(AgentValue).where(AgentValue.user_id == user_id))
        if (count or 0) >= MAX_KEYS_PER_USER:
            raise BlockError(
                f"You keep {MAX_KEYS_PER_USER:,} values already, the most allowed: "
                "store new ones under keys already used, or store nothing (None) under keys no longer needed."
            )
        session.add(AgentValue(user_id=user_id, graph_id=graph_id, key=key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()
        session.add(row)
    await session.flush()


class RunValues:
    """The values of one run's owner and agent, as blocks see them (``RunContext.store``)."""

    def __init__(self, user_id: str, graph_id: str | None) -> None:
        self.user_id = user_id
        self.graph_id = graph_id

    def _graph(self, across_agents: bool) -> str | None:
        if across_agents:
            return None
        if not self.graph_id:
            raise BlockError("This run belongs to no agent, so it can only keep values shared by all agents.")
        return self.graph_id

    async def get(self, key: str, *, across_agents: bool) -> Any:
        """The value kept under ``key`` (for this agent, or shared), or None."""
        graph_id = self._graph(across_agents)
        async with session_scope() as session:
            return await get_value(session, user_id=self.user_id, graph_id=graph_id, key=checked_key(key))

    async def put(self, key: str, value: Any, *, across_agents: bool) -> None:
        """Keep ``value`` under ``key`` (for this agent, or shared); None forgets the key."""
        graph_id = self._graph(across_agents)
        for attempt in range(2):
            try:
                async with session_scope() as session:
                    await put_value(session, user_id=self.user_id, graph_id=graph_id, key=key, value=value)
                return
            except IntegrityError:
                # Another run created the same key at the same moment: the second try updates it.
                if attempt:
                    raise BlockError("The value could not be kept: another run kept the same key; try again.") from None
