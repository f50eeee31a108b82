"""``/store``: marketplace search and pages (public), submissions, admin review, and ratings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.store import service
from autogpt_app.store.creators import CREATOR_PAGE_LISTINGS
from autogpt_app.store.models import (
    CategoryCount,
    CreatorDetail,
    HomeRows,
    ListingDetail,
    ReviewPublic,
    SearchPage,
    SubmissionPublic,
)
from autogpt_app.store.search import MAX_OFFSET, MAX_QUERY

router = APIRouter(prefix="/store", tags=["store"])

Sort = Literal["relevance", "rating", "runs", "name", "updated"]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


class SubmissionBody(BaseModel):
    """Submit one of your agents (default: its active version) with the listing text."""

    graph_id: str = Field(min_length=1, max_length=64)
    graph_version: int | None = Field(default=None, ge=1)
    name: str
    subheading: str = ""
    description: str = ""
    categories: list[str] = Field(default_factory=list, max_length=20)
    image_url: str = ""
    changelog: str = ""


class ReviewDecision(BaseModel):
    """An admin's decision on a pending submission; a rejection needs a comment."""

    approve: bool
    comment: str = ""


class RatingBody(BaseModel):
    """Your rating (1–5 stars) and comment; sending it again edits it."""

    score: int = Field(ge=1, le=5)
    comment: str = ""


@router.get("/listings", response_model=SearchPage)
async def listings(
    session: SessionDep,
    q: Annotated[str, Query(max_length=MAX_QUERY, description='words, "phrases", or, -word')] = "",
    category: Annotated[str | None, Query(max_length=40)] = None,
    creator: Annotated[str | None, Query(max_length=60, description="a creator's username")] = None,
    featured: bool | None = None,
    sort: Sort = "relevance",
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Search the marketplace (public). ``fuzzy`` is true when no listing has every word of the query
    (the results are close in spelling or in meaning)."""
    return await service.search_listings(
        session,
        query=q,
        category=category,
        creator=creator,
        featured=featured,
        sort=sort,
        offset=offset,
        limit=limit,
    )


@router.get("/home", response_model=HomeRows)
async def home(session: SessionDep) -> HomeRows:
    """The home page rows: featured, most run, top rated, and the categories (public)."""
    return await service.home_rows(session)


@router.get("/listings/{slug}", response_model=ListingDetail)
async def listing(slug: str, session: SessionDep) -> ListingDetail:
    """An agent's page by slug or id (public): text, inputs, credentials, versions, reviews."""
    return await service.get_listing(session, slug)


@router.put("/listings/{listing_id}/review", response_model=ReviewPublic)
async def rate(listing_id: str, body: RatingBody, user: CurrentUser, session: SessionDep) -> ReviewPublic:
    """Rate an agent you have run; one review per user, sending again edits it."""
    return await service.add_review(session, user, listing_id, body.score, body.comment)


@router.get("/categories", response_model=list[CategoryCount])
async def categories(session: SessionDep) -> list[CategoryCount]:
    """Every category with its number of listings, most used first (public)."""
    return await service.list_categories(session)


@router.get("/creators/{username}", response_model=CreatorDetail)
async def creator(
    username: str,
    session: SessionDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = CREATOR_PAGE_LISTINGS,
) -> CreatorDetail:
    """A creator's profile and one page of their listings, most run first (public).

    ``listing_count`` counts all their listings, so ``offset``/``limit`` page through them.
    """
    return await service.get_creator(session, username, offset=offset, limit=limit)


@router.post("/submissions", status_code=status.HTTP_201_CREATED, response_model=SubmissionPublic)
async def submit(body: SubmissionBody, user: CurrentUser, session: SessionDep) -> SubmissionPublic:
    """Submit one of your agents to the marketplace; it is listed once an admin approves it."""
    return await service.submit(session, user, **body.model_dump())


@router.get("/submissions", response_model=list[SubmissionPublic])
async def my_submissions(
    user: ReadUser,
    session: SessionDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[SubmissionPublic]:
    """Your submissions and their review status, newest first."""
    return await service.list_my_submissions(session, user, offset=offset, limit=limit)


@router.get("/admin/submissions", response_model=list[SubmissionPublic])
async def pending(
    user: ReadUser,
    session: SessionDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[SubmissionPublic]:
    """The review queue, oldest first (reviewers only)."""
    return await service.list_pending(session, user, offset=offset, limit=limit)


@router.post("/admin/submissions/{version_id}/review", response_model=SubmissionPublic)
async def decide(version_id: str, body: ReviewDecision, user: CurrentUser, session: SessionDep) -> SubmissionPublic:
    """Approve or reject a pending submission; the submitter is notified (reviewers only)."""
    return await service.review(session, user, version_id, approve=body.approve, comment=body.comment)
