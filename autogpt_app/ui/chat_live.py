"""Live execution cards of the Chat page: a card follows its run until the run ends.

:func:`follow_execution` runs in a background task of the Chat page (one per card). It follows
the run's channel on the event bus (:func:`autogpt_app.ui.live.follow_channel`) and, after each
burst of events (at most one read per :data:`MIN_READ_INTERVAL`) or every
:data:`FALLBACK_READ_INTERVAL` without one, re-reads the run from the database for the user of
the page's token, outside the state lock. Inside the lock it replaces the card's row(s), and only
when something shown changed (assigning ``rows`` resends the whole conversation).

It stops when the run is final, when the session or the run is gone, when the conversation no
longer shows the run (another chat was opened), when a newer follower of the same card in the
same tab took over, or after :data:`MAX_FOLLOW_SECONDS`. The pure helpers below build and
replace the rows; nothing here but :func:`follow_execution` touches a state.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import execution_channel, user_channel
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.executions import reviews
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import TERMINAL
from autogpt_app.scheduling import service as scheduling
from autogpt_app.ui import routes
from autogpt_app.ui.chat_rows import ChatRow, execution_outputs
from autogpt_app.ui.components.outputs import OutputValue
from autogpt_app.ui.live import follow_channel

log = logging.getLogger(__name__)

#: Shortest gap between two reads of a run while its events stream in (coalesces bursts).
MIN_READ_INTERVAL = 0.3
#: Re-read the run this often when no event arrives (events are best effort).
FALLBACK_READ_INTERVAL = 2.0
#: The longest a card follows its run; later, the run page (or a reload) shows how it ended.
MAX_FOLLOW_SECONDS = 30 * 60.0
#: The most cards a page load follows at once (the latest ones).
MAX_FOLLOWED = 10

FINAL_STATUSES = frozenset(s.value for s in TERMINAL)

#: The follower of each (tab, execution) pair now: a newer one takes over, the older one stops.
_FOLLOWERS: dict[tuple[str, str], str] = {}


class ExecutionView(BaseModel):
    """What an execution card shows of a run, read outside the state lock."""

    status: str
    outputs: list[OutputValue] = []
    error: str = ""
    #: The first review the run waits for (while it is WAITING): its id and what it asks, with the data.
    review_id: str = ""
    review_text: str = ""


def is_final(status: str) -> bool:
    """Whether a run with this status has ended (its card will not change any more)."""
    return status.upper() in FINAL_STATUSES


def _plain(row: Any) -> ChatRow:
    """The row itself, unwrapped from Reflex's mutable proxy when read through a state."""
    return getattr(row, "__wrapped__", row)


def shows_execution(rows: Iterable[ChatRow], execution_id: str) -> bool:
    """Whether the conversation has a card of this run."""
    return bool(execution_id) and any(r.kind == "execution" and r.execution_id == execution_id for r in rows)


def running_execution_ids(rows: Iterable[ChatRow], limit: int = MAX_FOLLOWED) -> list[str]:
    """The runs whose cards are not final yet, each once, the latest ``limit`` ones (in conversation order).

    When a run has several cards (started, then a status update), its latest card decides.
    """
    latest: dict[str, str] = {}
    for row in rows:
        if row.kind == "execution" and row.execution_id:
            latest.pop(row.execution_id, None)  # keep the order of the latest card
            latest[row.execution_id] = row.status
    running = [execution_id for execution_id, status in latest.items() if not is_final(status)]
    return running[-limit:] if limit > 0 else []


def updated_execution_row(row: ChatRow, view: ExecutionView) -> ChatRow:
    """An execution card showing a fresh read of its run (the same row when nothing shown changed)."""
    changes = {
        "status": view.status,
        "outputs": view.outputs,
        "text": view.error,
        "review_id": view.review_id,
        "review_text": view.review_text,
    }
    if all(getattr(row, name) == value for name, value in changes.items()):
        return row
    return row.model_copy(update=changes)


def replace_execution(rows: list[ChatRow], execution_id: str, view: ExecutionView) -> list[ChatRow]:
    """The conversation with every card of ``execution_id`` showing ``view``.

    Returns:
        A new list when a card changed, else ``rows`` itself (so the caller can skip the update).
    """
    changed = False
    result: list[ChatRow] = []
    for row in rows:
        if row.kind == "execution" and row.execution_id == execution_id:
            fresh = updated_execution_row(row, view)
            changed = changed or fresh is not row
            row = fresh
        result.append(row)
    return result if changed else rows


async def read_execution(token: str, execution_id: str) -> ExecutionView | None:
    """Read one run for the token's user (re-verified on every read).

    Returns:
        ``None`` when the session ended or the run does not exist (or is another user's).
    """
    try:
        async with session_scope() as session:
            user = await auth_service.user_from_token(session, token)
            run = await executions.get_execution(session, user, execution_id, with_nodes=False)
            summary = await executions.get_run_summary(session, user, execution_id)
            waiting = []
            if str(run.status).upper() == "WAITING":
                waiting = await reviews.list_pending(session, user, execution_id=execution_id)
    except ServiceError:
        return None
    return ExecutionView(
        status=str(run.status).upper(),
        outputs=execution_outputs(run.outputs, summary.output_titles),
        error=run.error or "",
        review_id=waiting[0].id if waiting else "",
        review_text=review_words(waiting[0].message, waiting[0].data) if waiting else "",
    )


def review_words(message: str, data: Any, limit: int = 400) -> str:
    """What a chat card says of a waiting review: its question and the data, cut short."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{message} {text}".strip()


def _tab(state: Any) -> str:
    """The browser tab of a state (its client token), to spot two followers of one card."""
    router = getattr(state, "router", None)
    token = getattr(getattr(router, "session", None), "client_token", "")
    return str(token) if token else f"state-{id(state)}"


#: The state's lists of rows an execution card may be in (the chat as loaded, then the new rows).
ROW_FIELDS = ("history", "rows")


def _lists(state: Any) -> list[tuple[str, list[ChatRow]]]:
    return [(name, [_plain(r) for r in getattr(state, name)]) for name in ROW_FIELDS if hasattr(state, name)]


#: The longest a one-off schedule's card waits for it to run (a reload starts waiting again).
MAX_SCHEDULE_FOLLOW_SECONDS = 6 * 3600.0
#: Re-read a waiting one-off this often when no event of its owner arrives.
SCHEDULE_FALLBACK_SECONDS = 15.0


def waiting_once_ids(rows: Iterable[ChatRow], limit: int = MAX_FOLLOWED) -> list[str]:
    """The one-off schedules whose cards still wait for their run (the latest ``limit``)."""
    ids = [r.schedule_id for r in rows if r.kind == "schedule_created" and r.status == "once" and r.schedule_id]
    return list(dict.fromkeys(ids))[-limit:] if limit > 0 else []


def replace_schedule(rows: list[ChatRow], schedule_id: str, schedule: Any) -> list[ChatRow]:
    """The conversation with the card of a one-off that ran turned into the card of its run (which then
    follows the run), or showing why it did not run. ``rows`` itself when nothing changed."""
    changed = False
    result: list[ChatRow] = []
    for row in rows:
        if row.kind == "schedule_created" and row.schedule_id == schedule_id:
            if schedule.last_execution_id:
                row = ChatRow(
                    kind="execution",
                    title=row.title,
                    status=str(schedule.last_status or "QUEUED").upper(),
                    href=routes.run(schedule.last_execution_id),
                    execution_id=schedule.last_execution_id,
                )
                changed = True
            elif schedule.last_error and row.text != schedule.last_error:
                row = row.model_copy(update={"text": schedule.last_error, "status": "missed"})
                changed = True
        result.append(row)
    return result if changed else rows


async def read_schedule(token: str, schedule_id: str) -> tuple[str, Any] | None:
    """The token's user id and one of their schedules (re-verified on every read); None when gone."""
    try:
        async with session_scope() as session:
            user = await auth_service.user_from_token(session, token)
            return user.id, await scheduling.get_schedule(session, user, schedule_id)
    except ServiceError:
        return None


async def follow_schedule(state: Any, schedule_id: str) -> None:
    """Keep a one-off schedule's card waiting until it runs; then it becomes its run's card and follows it.

    It wakes on any event of the owner (the run's start is one) and re-reads every
    :data:`SCHEDULE_FALLBACK_SECONDS`; it stops when the schedule is gone, paused, missed, or its run
    started (then :func:`follow_execution` takes over).
    """
    async with state:
        token = state.token
    first = await read_schedule(token, schedule_id)
    if first is None:
        return
    user_id, _schedule = first
    started: list[str] = []

    async def refresh() -> bool:
        async with state:
            if not any(any(r.schedule_id == schedule_id for r in rows) for _n, rows in _lists(state)):
                return False
            token = state.token
        read = await read_schedule(token, schedule_id)
        if read is None:
            return False
        schedule = read[1]
        async with state:
            for name, rows in _lists(state):
                fresh = replace_schedule(rows, schedule_id, schedule)
                if fresh is not rows:
                    setattr(state, name, fresh)
        if schedule.last_execution_id:
            started.append(schedule.last_execution_id)
            return False
        return schedule.is_active and not schedule.last_error

    try:
        await follow_channel(
            user_channel(user_id),
            refresh,
            max_seconds=MAX_SCHEDULE_FOLLOW_SECONDS,
            fallback_interval=SCHEDULE_FALLBACK_SECONDS,
            min_interval=MIN_READ_INTERVAL,
        )
    except Exception:
        log.exception("following schedule %s for the chat stopped", schedule_id)
    if started:
        await follow_execution(state, started[0])


async def follow_execution(state: Any, execution_id: str) -> None:
    """Keep the execution card of ``execution_id`` in the state's rows up to date until the run ends.

    Args:
        state: A Reflex background task's state (``async with state`` takes the lock) with
            ``token`` (the login token) and the lists of :class:`ChatRow` named in
            :data:`ROW_FIELDS` (``history`` and/or ``rows``); only a list that changed is assigned.
        execution_id: The run the card shows.
    """
    if not execution_id:
        return
    me = uuid.uuid4().hex
    async with state:
        key = (_tab(state), execution_id)
        _FOLLOWERS[key] = me

    def shown(lists: list[tuple[str, list[ChatRow]]]) -> bool:
        return any(shows_execution(rows, execution_id) for _name, rows in lists)

    async def refresh() -> bool:
        async with state:
            if _FOLLOWERS.get(key) != me or not shown(_lists(state)):
                return False
            token = state.token
        view = await read_execution(token, execution_id)
        if view is None:
            return False
        async with state:
            lists = _lists(state)
            if _FOLLOWERS.get(key) != me or not shown(lists):
                return False
            for name, rows in lists:
                fresh = replace_execution(rows, execution_id, view)
                if fresh is not rows:
                    setattr(state, name, fresh)
        return not is_final(view.status)

    try:
        await follow_channel(
            execution_channel(execution_id),
            refresh,
            max_seconds=MAX_FOLLOW_SECONDS,
            fallback_interval=FALLBACK_READ_INTERVAL,
            min_interval=MIN_READ_INTERVAL,
        )
    except Exception:
        log.exception("following execution %s for the chat stopped", execution_id)
    finally:
        if _FOLLOWERS.get(key) == me:
            del _FOLLOWERS[key]
