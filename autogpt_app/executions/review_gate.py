"""The engine's side of reviews: which steps wait for a person, recording the wait, parking the run.

The runner calls these; people decide through :mod:`autogpt_app.executions.reviews`. A step waits when
it is a *Human review* step or its fixed inputs carry ``ask_before_running: true``. Its review is
keyed by execution, node and input key (the node run's identity), so a resumed run finds its own
review again instead of asking twice.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.blocks.builtin.human_review import DEFAULT_TIMEOUT_HOURS, MAX_TIMEOUT_HOURS, HumanReviewBlock
from autogpt_app.blocks.sdk import Block, ReviewDecision
from autogpt_app.executions import fairness
from autogpt_app.executions.models import ExecutionStatus, GraphExecution
from autogpt_app.executions.review_models import PendingReview, ReviewKind, ReviewStatus
from autogpt_app.graphs.spec import NODE_ASK_INPUT, NODE_RETRY_INPUT, GraphSpec
from autogpt_app.timeutil import utcnow

HUMAN_REVIEW_BLOCK_ID = HumanReviewBlock.id
#: Engine settings among a node's inputs: not the step's data, and never changed by a reviewer.
ENGINE_INPUTS = frozenset({NODE_ASK_INPUT, NODE_RETRY_INPUT})
#: The comment a review that ran out of time carries to the reject path.
EXPIRED_COMMENT = "Nobody decided in time."

_runs = GraphExecution.__table__
#: Park a run for its reviews: WAITING, no lease, no slot (a waiting run must not hold back its owner's
#: other runs). Only the lease's owner may; returns the owner's oldest run waiting for a slot, to wake.
PARK = (
    update(_runs)
    .where(
        _runs.c.id == bindparam("execution_id"),
        _runs.c.status == ExecutionStatus.RUNNING.value,
        _runs.c.lease_owner == bindparam("worker_id"),
    )
    .values(status=ExecutionStatus.WAITING.value, lease_owner=None, lease_expires_at=None, slot=None)
    .returning(fairness.NEXT_WAITING)
)


def asks_for_review(spec: GraphSpec) -> frozenset[str]:
    """The nodes of ``spec`` that wait for a person: *Human review* steps and steps marked "ask before running"."""
    return frozenset(
        n.id for n in spec.nodes if n.block_id == HUMAN_REVIEW_BLOCK_ID or _truthy(n.input_default.get(NODE_ASK_INPUT))
    )


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1", "on"}
    return value is True or value == 1


def timeout_hours(value: Any) -> float:
    """A Human review step's ``timeout`` as hours within (0, 720]; anything unreadable is the default."""
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_HOURS
    if not math.isfinite(hours) or hours <= 0:
        return DEFAULT_TIMEOUT_HOURS
    return min(hours, MAX_TIMEOUT_HOURS)


def step_data(inputs: dict[str, Any]) -> dict[str, Any]:
    """What an "ask before running" review shows: the step's inputs without the engine's settings."""
    return {k: v for k, v in inputs.items() if k not in ENGINE_INPUTS}


def describe(block: Block | None, title: str, inputs: dict[str, Any]) -> tuple[str, str, Any, bool, float]:
    """The review a step asks for: (kind, message, data, editable, hours to wait)."""
    if block is not None and block.id == HUMAN_REVIEW_BLOCK_ID:
        name = " ".join(str(inputs.get("name") or "").split())
        message = f"Review: {name}" if name else "Review the data before the run continues."
        editable = inputs.get("editable", True) is not False
        return ReviewKind.BLOCK.value, message, inputs.get("data"), editable, timeout_hours(inputs.get("timeout"))
    step = title or (block.name if block is not None else "this")
    message = f"Approve running the '{step}' step?"
    return ReviewKind.ASK_BEFORE.value, message, step_data(inputs), True, DEFAULT_TIMEOUT_HOURS


async def reviews_of(session: AsyncSession, execution_id: str) -> dict[tuple[str, str], PendingReview]:
    """Every review of a run by (node id, input key): what a resumed run has been told."""
    rows = await session.execute(select(PendingReview).where(PendingReview.execution_id == execution_id))
    return {(r.node_id, r.input_key): r for r in rows.scalars()}


async def open_review(session: AsyncSession, review: PendingReview, *, agent_link: str) -> PendingReview:
    """Record ``review`` (or find the one recorded before) and notify the owner of a new one.

    The notification (``review_requested``: bell, e-mail by the person's preference) is written in the
    same transaction, so a review and its notification exist together or not at all.
    """
    from autogpt_app.notifications import service as notifications

    found = await _find(session, review)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            session.add(review)
            await session.flush()
    except IntegrityError:  # recorded meanwhile (a duplicate message): keep the first
        found = await _find(session, review)
        if found is not None:
            return found
        raise
    await notifications.create_notification(
        session,
        review.user_id,
        type="review_requested",
        title="A run waits for your review",
        body=review.message,
        link=agent_link,
        data={"execution_id": review.execution_id, "review_id": review.id},
    )
    return review


async def _find(session: AsyncSession, review: PendingReview) -> PendingReview | None:
    return (
        await session.execute(
            select(PendingReview).where(
                and_(
                    PendingReview.execution_id == review.execution_id,
                    PendingReview.node_id == review.node_id,
                    PendingReview.input_key == review.input_key,
                )
            )
        )
    ).scalar_one_or_none()


def decision_of(review: PendingReview, original: Any) -> ReviewDecision | None:
    """A *Human review* step's decision, or None while the review is pending (or was cancelled).

    ``original`` is the data the step received (not masked): passed on unless the reviewer changed it.
    """
    status = review.status
    if status == ReviewStatus.APPROVED.value:
        data = review.edited_data if review.edited_data is not None else original
        return ReviewDecision(approved=True, data=data, comment=review.comment or "")
    if status in (ReviewStatus.REJECTED.value, ReviewStatus.EXPIRED.value):
        data = review.edited_data if review.edited_data is not None else original
        return ReviewDecision(approved=False, data=data, comment=review.comment or "")
    return None


def approved_inputs(review: PendingReview, inputs: dict[str, Any]) -> dict[str, Any]:
    """An approved "ask before running" step's inputs: the reviewer's changes over the step's own.

    Only values the reviewer changed are taken (the review shows secrets masked: an unchanged mask must
    not replace the secret), and never the engine's settings.
    """
    edited = review.edited_data
    if not isinstance(edited, dict):
        return inputs
    shown = review.data if isinstance(review.data, dict) else {}
    changes = {k: v for k, v in edited.items() if k not in ENGINE_INPUTS and shown.get(k) != v}
    return {**inputs, **changes}


def declined_note(step: str, review: PendingReview) -> str:
    """The note on an "ask before running" step that was not run."""
    reason = " ".join((review.comment or "").split()) or "no reason given"
    if review.status == ReviewStatus.EXPIRED.value:
        return f"Not run: nobody approved the '{step}' step in time."
    return f"Not run: the '{step}' step was declined: {reason}"


def new_review(
    *,
    execution_id: str,
    user_id: str,
    node_id: str,
    block_id: str,
    input_key: str,
    kind: str,
    message: str,
    data: Any,
    editable: bool,
    hours: float,
) -> PendingReview:
    """A pending review, not yet recorded (see :func:`open_review`)."""
    now = utcnow()
    return PendingReview(
        execution_id=execution_id,
        user_id=user_id,
        node_id=node_id,
        block_id=block_id,
        input_key=input_key,
        kind=kind,
        message=message[:2000],
        data=data,
        editable=editable,
        status=ReviewStatus.PENDING.value,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
