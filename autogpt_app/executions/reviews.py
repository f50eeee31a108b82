"""Decisions on runs waiting for a person: list, read, approve (perhaps changing the data), reject, expire.

Owner-checked: another user's review answers :class:`NotFound`. A decision is one conditional UPDATE on
``status = 'pending'``, so a double click or two tabs decide once; it moves the run from WAITING back
to QUEUED and sends it to the workers after the commit. The resumed run replays the node runs that
had completed and finds the decision (see :mod:`autogpt_app.executions.review_gate`).

Ordering with the runner: a decision first locks the run's row (``FOR UPDATE``), and the runner,
after parking a run, looks once more at its reviews. Either the decision sees the run WAITING and
queues it, or the runner sees the decision and queues the run itself; a decision made while the run
is still busy with other steps is found by that look.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app import jobs
from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.blocks.registry import find_block
from autogpt_app.bus import execution_channel, get_bus, user_channel
from autogpt_app.db import after_commit
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions.coercion import coerce_inputs
from autogpt_app.executions.models import ExecutionStatus, GraphExecution
from autogpt_app.executions.review_gate import EXPIRED_COMMENT, step_data
from autogpt_app.executions.review_models import PendingReview, ReviewKind, ReviewPublic, ReviewStatus
from autogpt_app.timeutil import utcnow

log = logging.getLogger(__name__)

#: Most characters of edited data (as JSON) or of a comment.
MAX_DATA_CHARS = 1_000_000
MAX_COMMENT_CHARS = 2_000
#: Most reviews one list returns (a person seldom has more than a few waiting).
MAX_LIST = 100


def public(row: PendingReview) -> ReviewPublic:
    """A review as the API, pages and chat show it."""
    return ReviewPublic.model_validate(row, from_attributes=True)


async def list_pending(session: AsyncSession, user: User, *, execution_id: str | None = None) -> list[ReviewPublic]:
    """The user's reviews still waiting for a decision, oldest first, optionally of one run."""
    query = select(PendingReview).where(
        PendingReview.user_id == user.id, PendingReview.status == ReviewStatus.PENDING.value
    )
    if execution_id:
        query = query.where(PendingReview.execution_id == execution_id)
    rows = await session.execute(query.order_by(PendingReview.created_at, PendingReview.id).limit(MAX_LIST))
    return [public(r) for r in rows.scalars()]


async def _owned(session: AsyncSession, user: User, review_id: str) -> PendingReview:
    row = await session.get(PendingReview, review_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such review.", code="review_not_found")
    return row


async def get_review(session: AsyncSession, user: User, review_id: str) -> ReviewPublic:
    """One of the user's reviews, decided or not.

    Raises:
        NotFound: no such review, or another user's.
    """
    return public(await _owned(session, user, review_id))


async def approve(
    session: AsyncSession, user: User, review_id: str, data: Any = None, *, comment: str | None = None
) -> ReviewPublic:
    """Approve a waiting review; the run continues (with ``data`` instead of what the step received, if given).

    Raises:
        NotFound: no such review, or another user's.
        InvalidInput: the data may not be changed, is too large, or does not fit the step's inputs.
        Conflict: it was already decided (``review_decided``).
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user, review_id)
    edited = _checked_data(row, data) if data is not None else None
    return await _decide(session, row, ReviewStatus.APPROVED, edited=edited, comment=comment, user=user)


async def reject(session: AsyncSession, user: User, review_id: str, comment: str | None = None) -> ReviewPublic:
    """Reject a waiting review; the run continues on the reject path (a step that asked first does not run).

    Raises:
        NotFound: no such review, or another user's.
        Conflict: it was already decided (``review_decided``).
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user, review_id)
    return await _decide(session, row, ReviewStatus.REJECTED, edited=None, comment=comment, user=user)


def _checked_data(row: PendingReview, data: Any) -> Any:
    if not row.editable:
        raise InvalidInput("This review does not allow changes to the data.", code="review_not_editable")
    try:
        size = len(json.dumps(data, default=str))
    except (TypeError, ValueError):
        raise InvalidInput("The data must be JSON.", code="invalid_review_data") from None
    if size > MAX_DATA_CHARS:
        raise InvalidInput("The data is too large.", code="invalid_review_data")
    if row.kind != ReviewKind.ASK_BEFORE.value:
        return data
    if not isinstance(data, dict):
        raise InvalidInput("Give the step's inputs as an object of names and values.", code="invalid_review_data")
    block = find_block(row.block_id)
    merged = {**(row.data if isinstance(row.data, dict) else {}), **step_data(data)}
    if block is not None:
        try:
            block.Input.model_validate(coerce_inputs(block, merged))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "input"
            raise InvalidInput(
                f"The changed inputs do not fit the '{block.name}' step: '{where}': {first['msg']}.",
                code="invalid_review_data",
            ) from None
    return step_data(data)


def _clean_comment(comment: str | None) -> str | None:
    text = str(comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"A comment may be at most {MAX_COMMENT_CHARS} characters.", code="invalid_comment")
    return text or None


async def _decide(
    session: AsyncSession,
    row: PendingReview,
    status: ReviewStatus,
    *,
    edited: Any,
    comment: str | None,
    user: User | None,
) -> ReviewPublic:
    comment = _clean_comment(comment)
    # The run's row first: a runner parking this run waits for this decision, then sees it (see above).
    await session.execute(select(GraphExecution.id).where(GraphExecution.id == row.execution_id).with_for_update())
    now = utcnow()
    done = await session.execute(
        update(PendingReview)
        .where(PendingReview.id == row.id, PendingReview.status == ReviewStatus.PENDING.value)
        .values(
            status=status.value,
            edited_data=edited,
            comment=comment,
            decided_by=user.id if user is not None else None,
            decided_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        raise Conflict("This review was already decided.", code="review_decided")
    await session.refresh(row)
    await resume_run(session, row.execution_id, row.user_id)
    return public(row)


async def resume_run(session: AsyncSession, execution_id: str, user_id: str) -> bool:
    """Queue a WAITING run again and send it to the workers once committed; False if it was not waiting.

    It goes through admission again (it gave up its slot while it waited) and may wait its turn.
    """
    moved = await session.execute(
        update(GraphExecution)
        .where(GraphExecution.id == execution_id, GraphExecution.status == ExecutionStatus.WAITING.value)
        .values(status=ExecutionStatus.QUEUED.value, sent_at=None, slot=None)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0:
        return False
    after_commit(session, lambda: jobs.enqueue_execution(execution_id))
    _announce(session, execution_id, user_id, ExecutionStatus.QUEUED.value)
    return True


def _announce(session: AsyncSession, execution_id: str, user_id: str, status: str) -> None:
    """Publish the run's new status on its channel and its owner's once committed (best effort)."""

    async def publish() -> None:
        payload = {"execution_id": execution_id, "status": status}
        channels = [execution_channel(execution_id), user_channel(user_id)]
        try:
            await get_bus().publish_many(channels, "execution_status", payload)
        except Exception:  # the row is the truth; open pages catch up on their next load
            log.warning("could not publish status %s of execution %s", status, execution_id)

    after_commit(session, publish)


async def expire_due(session: AsyncSession, *, now: datetime | None = None, limit: int = 200) -> int:
    """Decide reviews past their time as ``expired`` (the reject path) and queue their runs; return how many.

    Called by the recovery sweep in every worker process; each review is decided once, whichever
    process gets there first (the same conditional UPDATE as a person's decision).
    """
    now = now or utcnow()
    due = await session.execute(
        select(PendingReview)
        .where(PendingReview.status == ReviewStatus.PENDING.value, PendingReview.expires_at <= now)
        .order_by(PendingReview.expires_at)
        .limit(limit)
    )
    count = 0
    for row in list(due.scalars()):
        try:
            async with session.begin_nested():
                await _decide(session, row, ReviewStatus.EXPIRED, edited=None, comment=EXPIRED_COMMENT, user=None)
            count += 1
        except Conflict:  # decided a moment ago by a person or another sweep
            continue
    return count


async def close_for_run(session: AsyncSession, execution_ids: Iterable[str]) -> None:
    """Close the pending reviews of runs that ended without them (stopped, failed)."""
    ids = list(execution_ids)
    if not ids:
        return
    await session.execute(
        update(PendingReview)
        .where(PendingReview.execution_id.in_(ids), PendingReview.status == ReviewStatus.PENDING.value)
        .values(status=ReviewStatus.CANCELLED.value, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def stop_waiting_run(session: AsyncSession, row: GraphExecution, error: str) -> bool:
    """End a WAITING run at once (no worker holds it) and close its reviews; False if it was not waiting."""
    ended = await session.execute(
        update(GraphExecution)
        .where(GraphExecution.id == row.id, GraphExecution.status == ExecutionStatus.WAITING.value)
        .values(status=ExecutionStatus.TERMINATED.value, stop_requested=True, ended_at=utcnow(), error=error)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount == 0:
        return False
    await close_for_run(session, [row.id])
    _announce(session, row.id, row.user_id, ExecutionStatus.TERMINATED.value)
    return True
