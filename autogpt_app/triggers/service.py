"""Triggers: create, list, read, change, pause, resume, replace the secret, delete — for their owner only.

A trigger starts one of its owner's library agents when something happens: a signed webhook
delivery (``webhook``), a new item in a feed (``feed``), a changed page (``page``) or a new e-mail
(``imap``). Its settings are checked by the same rules as a run's (``checks``); a refused change
writes nothing. Another user's trigger or agent answers :class:`NotFound` like an unknown one.

Functions take the session first and flush; the caller commits. A webhook's secret is returned by
:func:`create_trigger` and :func:`rotate_secret` only (``TriggerCreated.secret``), stored encrypted
with the credentials' keys, and never shown again.

**Archive and delete of agents** (owned by the library): archiving an agent calls
:func:`pause_for_graph`, removing it from a library :func:`delete_for_graph`, in the same
transaction (as for schedules). Deleting the graph itself removes its triggers through the foreign key.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.credentials import crypto
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions.service import resolve_credentials
from autogpt_app.graphs.models import GraphPublic
from autogpt_app.graphs.service import get_graph
from autogpt_app.library.service import agents_by_graph
from autogpt_app.scheduling.firing import is_archived
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers import checks
from autogpt_app.triggers.models import MAX_NAME, Trigger, TriggerDelivery
from autogpt_app.triggers.views import (
    DeliveryPage,
    DeliveryPublic,
    TriggerCreated,
    TriggerPublic,
    delivery_public,
    to_public,
)

MAX_PAGE = 100
#: Characters of the secret shown to tell secrets apart.
HINT_CHARS = 4


def _clean_name(name: str) -> str:
    clean = " ".join(str(name or "").split())
    if not clean:
        raise InvalidInput("A trigger needs a name.", code="invalid_name")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"A trigger name is at most {MAX_NAME} characters.", code="invalid_name")
    return clean


def new_secret() -> tuple[str, str, str]:
    """A fresh webhook secret (256 random bits), its encrypted form and its hint."""
    secret = secrets.token_urlsafe(32)
    return secret, crypto.encrypt({"secret": secret}), secret[-HINT_CHARS:]


def secret_of(row: Trigger) -> str:
    """The webhook's secret, decrypted (for checking a delivery; never shown or logged)."""
    return str(crypto.decrypt(row.secret_encrypted or "")["secret"])


async def _agent(session: AsyncSession, user: User, graph_id: str, version: int | None) -> GraphPublic:
    """The user's library agent ``graph_id`` (refused when archived)."""
    graph = await get_graph(session, user, graph_id, version)
    if graph.id not in await agents_by_graph(session, user, [graph.id]):
        raise NotFound("That agent is not in your library.", code="agent_not_found")
    if await is_archived(session, user.id, graph.id):
        raise Conflict(
            "This agent is archived; restore it from your library to give it triggers.", code="agent_archived"
        )
    return graph


async def _checked_run_settings(
    session: AsyncSession,
    user: User,
    graph: GraphPublic,
    kind: str,
    mapping: dict[str, str] | None,
    inputs: dict[str, Any] | None,
    credentials: dict[str, str] | None,
) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    clean_mapping, fixed = checks.checked_inputs(graph.input_schema, kind, mapping, inputs)
    if credentials is not None and not isinstance(credentials, dict):
        raise InvalidInput("Credentials must be an object of need → credential id.", code="invalid_credentials")
    chosen = {str(k): str(v) for k, v in (credentials or {}).items()}
    await resolve_credentials(session, user, graph.credentials_input_schema, chosen)
    return clean_mapping, fixed, chosen


async def create_trigger(
    session: AsyncSession,
    user: User,
    *,
    kind: str,
    graph_id: str,
    name: str,
    graph_version: int | None = None,
    input_mapping: dict[str, str] | None = None,
    inputs: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    poll_interval_seconds: int | None = None,
) -> TriggerCreated:
    """Give one of the user's library agents a trigger; a webhook's answer carries its secret (once).

    Without ``input_mapping`` the one input left open gets the event (``mapping.default_mapping``);
    otherwise every input needing a value must be mapped or fixed. Poll triggers look for the first time at once.

    Raises:
        NotFound: not an agent in the user's library (or no such version).
        Conflict: ``agent_archived``.
        InvalidInput: ``invalid_kind``, ``invalid_name``, ``invalid_config``, ``invalid_url``,
            ``invalid_mapping``, ``inputs_missing``, ``invalid_inputs``, ``credentials_missing``,
            ``invalid_credentials``.
    """
    require_permission(user, Permission.USE_PLATFORM)
    checks.check_kind(kind)
    clean_name = _clean_name(name)
    graph = await _agent(session, user, graph_id, graph_version)
    mapping, fixed, chosen = await _checked_run_settings(session, user, graph, kind, input_mapping, inputs, credentials)
    stored_config, auth_mode = await checks.checked_config(session, user, kind, config)
    now = utcnow()
    row = Trigger(
        user_id=user.id,
        graph_id=graph.id,
        graph_version=graph_version,
        kind=kind,
        name=clean_name,
        config=stored_config,
        input_mapping=mapping,
        inputs=fixed,
        credentials=chosen,
        auth_mode=auth_mode,
        created_at=now,
        updated_at=now,
    )
    secret = None
    if kind == "webhook":
        secret, row.secret_encrypted, row.secret_hint = new_secret()
    else:
        row.poll_interval_seconds = checks.poll_interval(poll_interval_seconds)
        row.next_poll_at = now
    session.add(row)
    await session.flush()
    return TriggerCreated(**to_public(row).model_dump(), secret=secret)


async def _owned(session: AsyncSession, user: User, trigger_id: str) -> Trigger:
    require_permission(user, Permission.USE_PLATFORM)
    row = await session.get(Trigger, trigger_id) if trigger_id and len(trigger_id) <= 64 else None
    if row is None or row.user_id != user.id:
        raise NotFound("No such trigger.", code="trigger_not_found")
    return row


async def get_trigger(session: AsyncSession, user: User, trigger_id: str) -> TriggerPublic:
    """One of the user's triggers (never its secret)."""
    return to_public(await _owned(session, user, trigger_id))


async def list_triggers(
    session: AsyncSession, user: User, *, graph_id: str | None = None, offset: int = 0, limit: int = 50
) -> list[TriggerPublic]:
    """The user's triggers (of one agent with ``graph_id``), newest first, one page (at most 100)."""
    require_permission(user, Permission.USE_PLATFORM)
    query = select(Trigger).where(Trigger.user_id == user.id)
    if graph_id:
        query = query.where(Trigger.graph_id == graph_id)
    query = (
        query.order_by(Trigger.created_at.desc(), Trigger.id.desc())
        .offset(max(0, offset))
        .limit(min(max(1, limit), MAX_PAGE))
    )
    return [to_public(row) for row in (await session.execute(query)).scalars()]


async def update_trigger(
    session: AsyncSession,
    user: User,
    trigger_id: str,
    *,
    name: str | None = None,
    input_mapping: dict[str, str] | None = None,
    inputs: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    poll_interval_seconds: int | None = None,
    is_active: bool | None = None,
) -> TriggerPublic:
    """Change any of name, mapping, fixed inputs, credentials, config (merged into the current one),
    interval, active. Everything is checked before anything is written; a watched address or folder
    that changes forgets what the trigger remembered about the old one (``state``).

    Raises:
        The errors of :func:`create_trigger`; ``NotFound`` for another user's trigger.
    """
    row = await _owned(session, user, trigger_id)
    clean_name = _clean_name(name) if name is not None else row.name
    activate = row.is_active if is_active is None else bool(is_active)
    mapping, fixed, chosen = row.input_mapping, row.inputs, row.credentials
    if input_mapping is not None or inputs is not None or credentials is not None or (activate and not row.is_active):
        graph = await _agent(session, user, row.graph_id, row.graph_version)
        mapping, fixed, chosen = await _checked_run_settings(
            session,
            user,
            graph,
            row.kind,
            input_mapping if input_mapping is not None else row.input_mapping,
            inputs if inputs is not None else row.inputs,
            credentials if credentials is not None else row.credentials,
        )
    stored_config, auth_mode = dict(row.config or {}), row.auth_mode
    if config is not None:
        current = {**stored_config, **({"auth_mode": row.auth_mode} if row.auth_mode else {})}
        stored_config, auth_mode = await checks.checked_config(session, user, row.kind, {**current, **config})
    interval = row.poll_interval_seconds
    if poll_interval_seconds is not None and row.kind in checks.POLL_KINDS:
        interval = checks.poll_interval(poll_interval_seconds)
    now = utcnow()
    if row.kind in checks.POLL_KINDS:
        watched = ("url", "folder", "credential_id")
        if any(stored_config.get(k) != (row.config or {}).get(k) for k in watched):
            row.state = {}
        if not activate:
            row.next_poll_at = None
        elif not row.is_active or interval != row.poll_interval_seconds or row.next_poll_at is None:
            row.next_poll_at = now
    row.name, row.input_mapping, row.inputs, row.credentials = clean_name, dict(mapping), dict(fixed), dict(chosen)
    row.config, row.auth_mode, row.poll_interval_seconds = stored_config, auth_mode, interval
    if activate and not row.is_active:
        row.failure_count = 0  # a resumed trigger starts counting failures afresh
    row.is_active, row.updated_at = activate, now
    session.add(row)
    await session.flush()
    return to_public(row)


async def pause_trigger(session: AsyncSession, user: User, trigger_id: str) -> TriggerPublic:
    """Stop starting runs until resumed: webhook deliveries are refused (409), polls stop."""
    return await update_trigger(session, user, trigger_id, is_active=False)


async def resume_trigger(session: AsyncSession, user: User, trigger_id: str) -> TriggerPublic:
    """Start runs again; a poll trigger looks at once. Its settings are checked again first.

    Raises:
        Conflict: ``agent_archived``; InvalidInput: the agent's inputs or credentials no longer fit.
    """
    return await update_trigger(session, user, trigger_id, is_active=True)


async def rotate_secret(session: AsyncSession, user: User, trigger_id: str) -> TriggerCreated:
    """Replace a webhook's secret: the old one stops working at once; the new one is shown this once.

    Raises:
        InvalidInput: ``not_a_webhook`` (poll triggers have no secret).
    """
    row = await _owned(session, user, trigger_id)
    if row.kind != "webhook":
        raise InvalidInput("Only webhook triggers have a secret.", code="not_a_webhook")
    secret, row.secret_encrypted, row.secret_hint = new_secret()
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    return TriggerCreated(**to_public(row).model_dump(), secret=secret)


async def delete_trigger(session: AsyncSession, user: User, trigger_id: str) -> None:
    """Delete one of the user's triggers and its delivery log (the runs it started stay)."""
    row = await _owned(session, user, trigger_id)
    await session.execute(delete(Trigger).where(Trigger.id == row.id).execution_options(synchronize_session=False))
    session.expunge(row)
    await session.flush()


async def list_deliveries(
    session: AsyncSession, user: User, trigger_id: str, *, offset: int = 0, limit: int = 50
) -> DeliveryPage:
    """One page of what a trigger received or found, newest first, with the total count."""
    row = await _owned(session, user, trigger_id)
    offset, limit = max(0, offset), min(max(1, limit), MAX_PAGE)
    query = (
        select(TriggerDelivery)
        .where(TriggerDelivery.trigger_id == row.id)
        .order_by(TriggerDelivery.received_at.desc(), TriggerDelivery.id.desc())
        .offset(offset)
        .limit(limit)
    )
    items = [delivery_public(d) for d in (await session.execute(query)).scalars()]
    if offset == 0 and len(items) < limit:
        total = len(items)
    else:
        count = select(func.count()).select_from(TriggerDelivery).where(TriggerDelivery.trigger_id == row.id)
        total = int((await session.execute(count)).scalar_one())
    return DeliveryPage(items=items, total=total, offset=offset, limit=limit)


async def last_deliveries(session: AsyncSession, user: User, trigger_ids: list[str]) -> dict[str, DeliveryPublic]:
    """The newest delivery of each of the user's triggers among ``trigger_ids`` (those with any), in one query."""
    require_permission(user, Permission.USE_PLATFORM)
    wanted = list(dict.fromkeys(trigger_ids))[:MAX_PAGE]
    if not wanted:
        return {}
    newest = (
        select(TriggerDelivery.trigger_id, func.max(TriggerDelivery.received_at).label("at"))
        .join(Trigger, Trigger.id == TriggerDelivery.trigger_id)
        .where(Trigger.user_id == user.id, TriggerDelivery.trigger_id.in_(wanted))
        .group_by(TriggerDelivery.trigger_id)
        .subquery()
    )
    rows = await session.execute(
        select(TriggerDelivery).join(
            newest, (newest.c.trigger_id == TriggerDelivery.trigger_id) & (newest.c.at == TriggerDelivery.received_at)
        )
    )
    return {row.trigger_id: delivery_public(row) for row in rows.scalars()}


async def pause_for_graph(session: AsyncSession, graph_id: str, *, user_id: str | None = None) -> int:
    """Pause every active trigger of an agent (for archiving it); return how many were paused.

    INTERNAL (no permission check): call it from the service that archives, in the same session.
    """
    conditions = [Trigger.graph_id == graph_id, Trigger.is_active.is_(True)]
    if user_id is not None:
        conditions.append(Trigger.user_id == user_id)
    result = await session.execute(
        update(Trigger)
        .where(*conditions)
        .values(is_active=False, next_poll_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return int(result.rowcount or 0)


async def delete_for_graph(session: AsyncSession, graph_id: str, *, user_id: str | None = None) -> int:
    """Delete every trigger of an agent and their delivery logs (for removing it); return how many.

    INTERNAL (no permission check): call it from the service that deletes, in the same session.
    """
    conditions = [Trigger.graph_id == graph_id]
    if user_id is not None:
        conditions.append(Trigger.user_id == user_id)
    result = await session.execute(delete(Trigger).where(*conditions).execution_options(synchronize_session=False))
    await session.flush()
    return int(result.rowcount or 0)
