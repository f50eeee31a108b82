"""``/reviews``: the runs waiting for the caller's decision; approve (perhaps changing the data) or reject."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from autogpt_app.api.deps import ReadUser, RunUser, SessionDep
from autogpt_app.executions import reviews
from autogpt_app.executions.review_models import ReviewPublic

router = APIRouter(tags=["reviews"])


class ApproveRequest(BaseModel):
    data: Any = Field(default=None, description="The data to pass on instead of what the step received")
    comment: str | None = Field(default=None, max_length=2000)


class RejectRequest(BaseModel):
    comment: str | None = Field(default=None, max_length=2000, description="Why; passed on the reject path")


@router.get("/reviews", response_model=list[ReviewPublic])
async def pending_reviews(user: ReadUser, session: SessionDep, execution_id: str | None = None) -> list[ReviewPublic]:
    """The caller's reviews waiting for a decision, oldest first (optionally of one run)."""
    return await reviews.list_pending(session, user, execution_id=execution_id)


@router.get("/reviews/{review_id}", response_model=ReviewPublic)
async def review(review_id: str, user: ReadUser, session: SessionDep) -> ReviewPublic:
    """One of the caller's reviews, decided or not."""
    return await reviews.get_review(session, user, review_id)


@router.post("/reviews/{review_id}/approve", response_model=ReviewPublic)
async def approve(
    review_id: str, user: RunUser, session: SessionDep, body: ApproveRequest | None = None
) -> ReviewPublic:
    """Approve: the run continues on the approve path, with ``data`` if given."""
    body = body or ApproveRequest()
    return await reviews.approve(session, user, review_id, body.data, comment=body.comment)


@router.post("/reviews/{review_id}/reject", response_model=ReviewPublic)
async def reject(review_id: str, user: RunUser, session: SessionDep, body: RejectRequest | None = None) -> ReviewPublic:
    """Reject: the run continues on the reject path with the comment (a step that asked first does not run)."""
    body = body or RejectRequest()
    return await reviews.reject(session, user, review_id, body.comment)
