"""What the run page shows of a run's waiting reviews, and how the edited data box is read back.

The data box holds text as it is, and anything else as indented JSON; what comes back is read the
same way, so a person who leaves it untouched approves the data as it was.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import reviews
from autogpt_app.executions.review_models import ReviewPublic
from autogpt_app.ui.components.outputs import format_time

#: Characters of the data box (larger data is shown cut short and cannot be edited here).
MAX_BOX_CHARS = 20_000


class ReviewRow(BaseModel):
    """A waiting review as the run page shows it."""

    id: str
    message: str
    data_text: str
    #: Whether the data is text (the box is taken as it is) rather than JSON.
    is_text: bool
    editable: bool
    expires: str


def data_text(data: Any) -> tuple[str, bool]:
    """The data box's content and whether it holds plain text."""
    if isinstance(data, str):
        return data, True
    return json.dumps(data, ensure_ascii=False, indent=2, default=str), False


def review_row(review: ReviewPublic, zone: str = "UTC") -> ReviewRow:
    """One review for the page (times on the viewer's clock)."""
    text, is_text = data_text(review.data)
    editable = review.editable and len(text) <= MAX_BOX_CHARS
    if len(text) > MAX_BOX_CHARS:
        text = text[: MAX_BOX_CHARS - 1] + "…"
    return ReviewRow(
        id=review.id,
        message=review.message,
        data_text=text,
        is_text=is_text,
        editable=editable,
        expires=format_time(review.expires_at, zone),
    )


async def waiting_reviews(session: AsyncSession, user: User, execution_id: str, zone: str = "UTC") -> list[ReviewRow]:
    """The run's reviews still waiting for the user's decision."""
    return [review_row(r, zone) for r in await reviews.list_pending(session, user, execution_id=execution_id)]


def edited_data(row: ReviewRow, box: str | None) -> Any:
    """What the person's data box means: None when unchanged (approve as it was), else the new data.

    Raises:
        InvalidInput: JSON data that no longer reads as JSON.
    """
    if box is None or not row.editable or box == row.data_text:
        return None
    if row.is_text:
        return box
    try:
        return json.loads(box)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"The data is not valid JSON (line {exc.lineno}, column {exc.colno}).", code="invalid_review_data"
        ) from None
