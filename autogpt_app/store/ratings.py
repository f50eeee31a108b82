"""Reviews, categories and the marketplace home-page rows (run counts: :mod:`.run_counts`).

Ratings are kept as ``rating_sum`` / ``rating_count`` on the listing and changed with one atomic
``UPDATE`` per review, so an average never needs a scan. Who may review: a user other than the
creator who has run the agent, meaning a :class:`GraphExecution` of theirs whose graph is the
listing's own graph or a graph in their library added from this listing
(``library_agents.store_listing_id``).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Float, cast, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import Conflict, Forbidden, InvalidInput, NotFound
from autogpt_app.executions.models import GraphExecution
from autogpt_app.library.models import LibraryAgent
from autogpt_app.store import validation
from autogpt_app.store.models import (
    MAX_SLUG,
    CategoryCount,
    Creator,
    HomeRows,
    ListingSummary,
    ReviewPublic,
    StoreListing,
    StoreReview,
)
from autogpt_app.store.search import search_listings, summaries, summary_select
from autogpt_app.timeutil import utcnow

__all__ = [
    "add_review",
    "featured",
    "has_run",
    "home_rows",
    "latest_reviews",
    "list_categories",
    "most_run",
    "reviewer_status",
    "top_rated",
    "visible_listing",
]

REVIEWS_ON_PAGE = 20
HOME_ROW = 8


async def visible_listing(session: AsyncSession, slug_or_id: str) -> StoreListing:
    """The approved listing with this slug or id.

    Raises:
        NotFound: unknown, or not approved (yet).
    """
    key = (slug_or_id or "").strip() if isinstance(slug_or_id, str) else ""
    row = None
    if key and len(key) <= MAX_SLUG:
        row = (
            await session.execute(select(StoreListing).where(or_(StoreListing.slug == key, StoreListing.id == key)))
        ).scalar_one_or_none()
    if row is None or not row.is_active:
        raise NotFound("No such agent in the marketplace.", code="listing_not_found")
    return row


async def latest_reviews(session: AsyncSession, listing_id: str, *, limit: int = REVIEWS_ON_PAGE) -> list[ReviewPublic]:
    """The newest reviews of a listing with each reviewer's display name."""
    rows = await session.execute(
        select(StoreReview, User.display_name)
        .join(User, User.id == StoreReview.user_id)
        .where(StoreReview.listing_id == listing_id)
        .order_by(StoreReview.updated_at.desc(), StoreReview.id)
        .limit(limit)
    )
    return [_review_public(review, name) for review, name in rows.all()]


def _review_public(row: StoreReview, reviewer_name: str) -> ReviewPublic:
    return ReviewPublic(
        id=row.id,
        listing_id=row.listing_id,
        reviewer_name=reviewer_name,
        score=row.score,
        comment=row.comment,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def has_run(session: AsyncSession, user_id: str, listing: StoreListing) -> bool:
    """Whether the user ran the listing's graph, or a graph they added to their library from it."""
    from_listing = select(LibraryAgent.graph_id).where(
        LibraryAgent.user_id == user_id, LibraryAgent.store_listing_id == listing.id
    )
    query = select(
        select(GraphExecution.id)
        .where(
            GraphExecution.user_id == user_id,
            or_(GraphExecution.graph_id == listing.graph_id, GraphExecution.graph_id.in_(from_listing)),
        )
        .exists()
    )
    return bool((await session.execute(query)).scalar())


def _score(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput("A rating is a whole number of stars from 1 to 5.", code="invalid_score")
    return value


class ReviewerStatus(NamedTuple):
    """What an agent page needs to offer (or explain) the review form."""

    #: Why the user may not review the listing yet ("" when they may).
    refusal: str
    #: Their current review, shown in the form so that they can edit it.
    review: ReviewPublic | None


async def _refusal(session: AsyncSession, user: User, listing: StoreListing) -> Forbidden | None:
    """Why ``user`` may not review ``listing``: the creator may not, nor anyone who has not run it."""
    creator = await session.get(Creator, listing.creator_id)
    if creator is not None and creator.user_id == user.id:
        return Forbidden("You cannot review your own agent.", code="own_listing")
    if not await has_run(session, user.id, listing):
        return Forbidden("Run this agent before reviewing it.", code="not_run_yet")
    return None


async def reviewer_status(session: AsyncSession, user: User, listing_id: str) -> ReviewerStatus:
    """Whether ``user`` may review a listing (and if not, why), with their current review if any.

    Raises:
        NotFound: no such approved listing.
    """
    listing = await visible_listing(session, listing_id)
    refusal = await _refusal(session, user, listing)
    row = (
        await session.execute(
            select(StoreReview).where(StoreReview.listing_id == listing.id, StoreReview.user_id == user.id)
        )
    ).scalar_one_or_none()
    return ReviewerStatus(
        refusal=refusal.message if refusal else "",
        review=_review_public(row, user.display_name) if row else None,
    )


async def add_review(session: AsyncSession, user: User, listing_id: str, score: int, comment: str = "") -> ReviewPublic:
    """Rate a listing 1–5 with a comment; a second call edits the user's review (one per user).

    Raises:
        NotFound: no such approved listing.
        Forbidden: the caller created it, or has not run it.
        InvalidInput: a score outside 1–5 or a comment over 2,000 characters.
    """
    require_permission(user, Permission.USE_PLATFORM)
    score = _score(score)
    comment = validation.long_text(comment, "comment", validation.MAX_COMMENT)
    listing = await visible_listing(session, listing_id)
    refusal = await _refusal(session, user, listing)
    if refusal is not None:
        raise refusal
    row = (
        await session.execute(
            select(StoreReview).where(StoreReview.listing_id == listing.id, StoreReview.user_id == user.id)
        )
    ).scalar_one_or_none()
    if row is None:
        row = StoreReview(listing_id=listing.id, user_id=user.id, score=score, comment=comment)
        delta_sum, delta_count = score, 1
    else:
        delta_sum, delta_count = score - row.score, 0
        row.score, row.comment, row.updated_at = score, comment, utcnow()
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("Your review was sent twice at once; send it again.", code="review_conflict") from None
    await session.execute(
        update(StoreListing)
        .where(StoreListing.id == listing.id)
        .values(  # every SET expression reads the row as it was: one consistent step
            rating_sum=StoreListing.rating_sum + delta_sum,
            rating_count=StoreListing.rating_count + delta_count,
            rating_average=cast(StoreListing.rating_sum + delta_sum, Float) / (StoreListing.rating_count + delta_count),
        )
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return _review_public(row, user.display_name)


async def list_categories(session: AsyncSession) -> list[CategoryCount]:
    """Every category of the visible listings with how many carry it, most used first."""
    if session.bind.dialect.name == "postgresql":
        values = func.jsonb_array_elements_text(StoreListing.categories).table_valued("value")
    else:
        values = func.json_each(StoreListing.categories).table_valued("value")
    count = func.count().label("n")
    rows = await session.execute(
        select(values.c.value, count)
        .select_from(StoreListing)
        .join(values, true())
        .where(StoreListing.is_active.is_(True))
        .group_by(values.c.value)
        .order_by(count.desc(), values.c.value)
    )
    return [CategoryCount(name=str(name), count=int(n)) for name, n in rows.all()]


async def featured(session: AsyncSession, *, limit: int = HOME_ROW) -> list[ListingSummary]:
    """Featured listings, most run first."""
    return (await search_listings(session, featured=True, sort="runs", limit=limit)).items


async def most_run(session: AsyncSession, *, limit: int = HOME_ROW) -> list[ListingSummary]:
    """The listings run most often."""
    return (await search_listings(session, sort="runs", limit=limit)).items


async def top_rated(session: AsyncSession, *, limit: int = HOME_ROW) -> list[ListingSummary]:
    """The best-rated listings (rated at least once), highest average first."""
    rows = await session.execute(
        summary_select()
        .where(StoreListing.rating_count > 0)
        .order_by(StoreListing.rating_average.desc(), StoreListing.rating_count.desc(), StoreListing.id)
        .limit(min(max(1, limit), 100))
    )
    return summaries(rows.all())


async def home_rows(session: AsyncSession, *, limit: int = HOME_ROW) -> HomeRows:
    """Everything the marketplace home page shows above the search results."""
    return HomeRows(
        featured=await featured(session, limit=limit),
        most_run=await most_run(session, limit=limit),
        top_rated=await top_rated(session, limit=limit),
        categories=await list_categories(session),
    )
