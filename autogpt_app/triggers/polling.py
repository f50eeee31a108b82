"""Poll triggers: look at each due feed, page or mailbox, and start one run per new item, exactly once.

The leading scheduler calls :func:`poll_due` every ``TRIGGER_POLL_TICK_SECONDS``. Each due trigger
is looked at in three steps, and no transaction stays open while the network is used:

1. **Claim the look** (a short transaction): ``UPDATE triggers SET next_poll_at = now + interval
   WHERE id = :id AND is_active AND next_poll_at = <due>``. Only the caller whose statement changed
   the row looks; a second scheduler, or a retried tick, finds nothing. For a mailbox the owner's
   credential is decrypted here too.
2. **Read the source** (no transaction): :mod:`~autogpt_app.triggers.feeds`,
   :mod:`~autogpt_app.triggers.pages` or :mod:`~autogpt_app.triggers.mailbox` answer the items
   found, oldest first, and the state to remember (ETag, page hash, last UID…).
3. **Record** (one transaction): each item is inserted into ``trigger_items`` with ``ON CONFLICT DO
   NOTHING`` — the insert is the claim of the item — and only when it was inserted is the run started
   (:func:`~autogpt_app.triggers.firing.start_run`) in the same transaction, its id kept on the item.
   Two looks that overlap (a leader that paused past its lease while another took over) therefore
   start each item's run once: the second insert finds the row, or waits for the first transaction
   and then finds it. A crash before the commit rolls back the item with its run, so the next look
   fires it.

The first look of a trigger (``state.primed`` unset) remembers what the source already holds as seen
and starts nothing: a person adding a feed wants runs for what comes next, not for every old post.
At most ``MAX_FIRED_PER_LOOK`` items fire per look, oldest first; the rest wait for the next look
(a feed is then fetched without its ETag, so they are seen again). A source that cannot be read is
a failed delivery (:func:`~autogpt_app.triggers.firing.record_failure`), counted: the third in a row
notifies the owner; a successful look resets the count.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.db import session_scope
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers import feeds, firing, mailbox, pages
from autogpt_app.triggers.models import Trigger, TriggerItem
from autogpt_app.triggers.sources import Look, PollProblem

log = logging.getLogger(__name__)

POLL_KINDS: tuple[str, ...] = ("feed", "page", "imap")
#: Runs started by one look at most; later items wait for the next look.
MAX_FIRED_PER_LOOK = 20
#: Seconds between looks when a trigger has no interval of its own.
DEFAULT_INTERVAL_SECONDS = 300
#: Triggers looked at per tick at most (the most overdue first), and side by side.
MAX_DUE_PER_TICK = 200
CONCURRENT_LOOKS = 4
UNEXPECTED = "Looking at the source failed unexpectedly; it is tried again at the next look."

#: Outcomes of :func:`poll_trigger`.
LOOKED, PRIMED, FAILED, TAKEN, STOPPED = "looked", "primed", "failed", "taken", "stopped"

_T = Trigger.__table__.c
_I = TriggerItem.__table__


@dataclass(frozen=True)
class PollResult:
    """What one look did: the outcome, the runs it started, and why it failed if it did."""

    trigger_id: str
    outcome: str
    execution_ids: list[str] = field(default_factory=list)
    error: str | None = None


async def poll_due(now: datetime | None = None, *, limit: int = MAX_DUE_PER_TICK) -> list[PollResult]:
    """Look at every active feed, page and mailbox trigger due at ``now``; return what each look did.

    INTERNAL: called by the leading scheduler (its own sessions; nothing to commit for the caller).
    """
    now = now or utcnow()
    async with session_scope() as session:
        due = (
            await session.execute(
                select(_T.id, _T.next_poll_at)
                .where(
                    _T.is_active.is_(True),
                    _T.kind.in_(POLL_KINDS),
                    _T.next_poll_at.is_not(None),
                    _T.next_poll_at <= now,
                )
                .order_by(_T.next_poll_at)
                .limit(limit)
            )
        ).all()
    gate = asyncio.Semaphore(CONCURRENT_LOOKS)

    async def one(trigger_id: str, at: datetime) -> PollResult:
        async with gate:
            return await poll_trigger(trigger_id, at, now=now)

    return list(await asyncio.gather(*(one(trigger_id, at) for trigger_id, at in due)))


async def claim(session: AsyncSession, trigger_id: str, due: datetime, now: datetime) -> Trigger | None:
    """Move the trigger's next look from ``due`` to ``now`` + its interval; return it if this call did."""
    trigger = await session.get(Trigger, trigger_id)
    if trigger is None or not trigger.is_active or trigger.next_poll_at != due:
        return None
    interval = max(1, trigger.poll_interval_seconds or DEFAULT_INTERVAL_SECONDS)
    result = await session.execute(
        update(Trigger.__table__)
        .where(_T.id == trigger_id, _T.is_active.is_(True), _T.next_poll_at == due)
        .values(next_poll_at=now + timedelta(seconds=interval))
    )
    return trigger if result.rowcount == 1 else None


async def poll_trigger(trigger_id: str, due: datetime, *, now: datetime | None = None) -> PollResult:
    """Claim the look due at ``due``, read the source, then record the new items and start their runs."""
    now = now or utcnow()
    problem: str | None = None
    context: Any = None
    async with session_scope() as session:
        trigger = await claim(session, trigger_id, due, now)
        if trigger is None:
            return PollResult(trigger_id, TAKEN)
        kind, config, state = trigger.kind, dict(trigger.config or {}), dict(trigger.state or {})
        if kind == "imap":
            try:
                context = await mailbox.prepare(session, trigger)
            except PollProblem as exc:
                problem = str(exc)
    found = Look()
    if problem is None:
        try:
            found = await _look(kind, config, state, context)
        except PollProblem as exc:
            problem = str(exc)
        except Exception:
            log.exception("trigger %s: looking at its %s failed", trigger_id, kind)
            problem = UNEXPECTED
    async with session_scope() as session:
        trigger = await session.get(Trigger, trigger_id)
        if trigger is None or not trigger.is_active:
            return PollResult(trigger_id, STOPPED)  # paused or deleted while looking: start nothing
        if problem is not None:
            await firing.record_failure(session, trigger, problem)
            return PollResult(trigger_id, FAILED, error=problem)
        return await record_look(session, trigger, found, now=now)


async def _look(kind: str, config: dict[str, Any], state: dict[str, Any], context: Any) -> Look:
    if kind == "feed":
        return await feeds.look(config, state)
    if kind == "page":
        return await pages.look(config, state)
    return await mailbox.look(config, state, context, limit=MAX_FIRED_PER_LOOK)


async def record_look(session: AsyncSession, trigger: Trigger, found: Look, *, now: datetime) -> PollResult:
    """Keep what a successful look found: the first look only remembers the items as seen; later
    looks start one run per item inserted here (at most ``MAX_FIRED_PER_LOOK``). Flushes only."""
    await session.execute(
        update(Trigger.__table__)
        .where(_T.id == trigger.id, _T.failure_count > 0)
        .values(failure_count=0, last_error=None)
    )
    state = dict(found.state)
    if not (trigger.state or {}).get("primed"):
        await _insert_items(session, trigger.id, [item.key for item in found.items], now)
        state.update(primed=True, primed_at=now.isoformat(), primed_items=len(found.items))
        await _save_state(session, trigger.id, state)
        log.info("trigger %s primed: %d item(s) already there, no run", trigger.id, len(found.items))
        return PollResult(trigger.id, PRIMED)
    started: list[str] = []
    tried = 0
    for item in found.items:
        if tried >= MAX_FIRED_PER_LOOK:
            # The rest fire at the next look; a feed must then be read again in full.
            state.pop("etag", None)
            state.pop("last_modified", None)
            break
        if not await _insert_items(session, trigger.id, [item.key], now):
            continue
        tried += 1
        outcome = await firing.start_run(session, trigger, item.event, summary=item.summary)
        if outcome.execution_id:
            started.append(outcome.execution_id)
            await session.execute(
                update(_I)
                .where(_I.c.trigger_id == trigger.id, _I.c.item_key == item.key)
                .values(execution_id=outcome.execution_id)
            )
    await _save_state(session, trigger.id, state)
    return PollResult(trigger.id, LOOKED, started)


async def _save_state(session: AsyncSession, trigger_id: str, state: dict[str, Any]) -> None:
    await session.execute(update(Trigger.__table__).where(_T.id == trigger_id).values(state=state))


async def _insert_items(session: AsyncSession, trigger_id: str, keys: list[str], now: datetime) -> int:
    """Insert the items not seen yet (``ON CONFLICT DO NOTHING``); return how many were new."""
    if not keys:
        return 0
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_I)
        .values([{"trigger_id": trigger_id, "item_key": key, "seen_at": now} for key in dict.fromkeys(keys)])
        .on_conflict_do_nothing(index_elements=["trigger_id", "item_key"])
        .returning(_I.c.item_key)
    )
    # RETURNING, not rowcount: drivers report -1 for a multi-row insert.
    return len((await session.execute(statement)).all())
