"""Marketplace: creators, submissions, admin review, and the public listing and creator pages.

Functions take the session first and flush; the caller commits. A submission must be the
submitter's own agent (another user's graph id is :class:`NotFound`, like an unknown one). Only
approved listings (``is_active``) are public; anything else answers "not found" to the public.
Reviews, run counts and the home-page rows live in :mod:`autogpt_app.store.ratings`; search in
:mod:`autogpt_app.store.search`.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.blocks.registry import find_block
from autogpt_app.errors import Conflict, Forbidden, InvalidInput, NotFound
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.graphs.secrets import secret_literals
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library.models import LibraryAgent, LibrarySource
from autogpt_app.notifications.service import create_notification
from autogpt_app.notifications.triggers import notify_new_version
from autogpt_app.store import validation
from autogpt_app.store.creators import (
    creator_public,
    get_creator,
    get_or_create_creator,
    slugify,
    unique_value,
)
from autogpt_app.store.models import (
    MAX_SLUG,
    Creator,
    ListingDetail,
    ListingVersionPublic,
    StoreListing,
    StoreListingVersion,
    SubmissionPublic,
    VersionStatus,
)
from autogpt_app.store.ratings import (
    add_review,
    featured,
    home_rows,
    latest_reviews,
    list_categories,
    most_run,
    reviewer_status,
    top_rated,
    visible_listing,
)
from autogpt_app.store.run_counts import apply_run_tallies, record_run
from autogpt_app.store.search import SearchPage, search_listings
from autogpt_app.store.vectors import refresh_listing_vectors
from autogpt_app.timeutil import utcnow

__all__ = [  # one entry point for the whole domain; reviews, counts and rows live in ratings.py
    "SearchPage",
    "SubmissionDetail",
    "add_review",
    "apply_run_tallies",
    "featured",
    "get_creator",
    "get_listing",
    "get_or_create_creator",
    "get_submission",
    "home_rows",
    "list_categories",
    "list_my_submissions",
    "list_pending",
    "most_run",
    "record_run",
    "review",
    "reviewer_status",
    "search_listings",
    "slugify",
    "submit",
    "top_rated",
]

log = logging.getLogger(__name__)

MAX_PAGE = 100
NOTIFICATION_TYPE = "submission_reviewed"
SUBMISSIONS_LINK = "/submissions"
LISTING_LINK = "/marketplace/agent/{slug}"


def _version_public(row: StoreListingVersion) -> ListingVersionPublic:
    return ListingVersionPublic(
        id=row.id,
        version_number=row.version_number,
        graph_version=row.graph_version,
        changelog=row.changelog,
        status=row.status,
        submitted_at=row.submitted_at,
        reviewed_at=row.reviewed_at,
    )


async def listing_picture(session: AsyncSession, slug_or_id: str) -> dict[str, Any]:
    """The steps and links of a listing's live version, as anyone may see them before running it.

    Public: secrets are stripped as for every copy that leaves the owner (``graphs.published_spec``).

    Raises:
        NotFound: unknown, or not approved (yet).
    """
    listing = await visible_listing(session, slug_or_id)
    active = await session.get(StoreListingVersion, listing.active_version_id) if listing.active_version_id else None
    if active is None:
        return {"nodes": [], "links": []}
    dumped = (await graphs.published_spec(session, active.graph_id, active.graph_version)).model_dump(mode="json")
    return {"nodes": dumped["nodes"], "links": dumped["links"]}


async def get_listing(session: AsyncSession, slug_or_id: str) -> ListingDetail:
    """Everything an agent page shows: text, creator, inputs and credentials needed, versions, reviews.

    Public. Raises:
        NotFound: unknown, or not approved (yet).
    """
    listing = await visible_listing(session, slug_or_id)
    creator = await session.get(Creator, listing.creator_id)
    versions = (
        (
            await session.execute(
                select(StoreListingVersion)
                .where(
                    StoreListingVersion.listing_id == listing.id,
                    StoreListingVersion.status == VersionStatus.APPROVED.value,
                )
                .order_by(StoreListingVersion.version_number.desc())
            )
        )
        .scalars()
        .all()
    )
    active = next((v for v in versions if v.id == listing.active_version_id), None)
    graph = None
    if active is not None:
        graph = (
            await session.execute(
                select(GraphVersion).where(
                    GraphVersion.graph_id == active.graph_id, GraphVersion.version == active.graph_version
                )
            )
        ).scalar_one_or_none()
    return ListingDetail(
        id=listing.id,
        slug=listing.slug,
        name=listing.name,
        subheading=listing.subheading,
        categories=list(listing.categories or []),
        image_url=listing.image_url,
        featured=listing.featured,
        creator_username=creator.username,
        creator_name=creator.name,
        run_count=listing.run_count,
        rating_average=round(listing.rating_sum / listing.rating_count, 2) if listing.rating_count else None,
        rating_count=listing.rating_count,
        updated_at=listing.updated_at,
        description=listing.description,
        creator=creator_public(creator),
        graph_name=graph.name if graph else listing.name,
        input_schema=graphs.public_input_schema(graph) if graph else {},
        output_schema=graph.output_schema if graph else {},
        credentials_input_schema=graph.credentials_input_schema if graph else {},
        active_version=_version_public(active) if active else None,
        versions=[_version_public(v) for v in versions],
        reviews=await latest_reviews(session, listing.id),
        created_at=listing.created_at,
    )


def _submission_query():
    return (
        select(StoreListingVersion, StoreListing, Creator.username, GraphVersion.name.label("graph_name"))
        .join(StoreListing, StoreListing.id == StoreListingVersion.listing_id)
        .join(Creator, Creator.id == StoreListing.creator_id)
        .outerjoin(
            GraphVersion,
            (GraphVersion.graph_id == StoreListingVersion.graph_id)
            & (GraphVersion.version == StoreListingVersion.graph_version),
        )
    )


def _submission_public(
    version: StoreListingVersion, listing: StoreListing, username: str, graph_name: str | None
) -> SubmissionPublic:
    text: dict[str, Any] = {
        "name": listing.name,
        "subheading": listing.subheading,
        "description": listing.description,
        "categories": list(listing.categories or []),
        "image_url": listing.image_url,
        **(version.proposed or {}),
    }
    return SubmissionPublic(
        version_id=version.id,
        listing_id=listing.id,
        slug=listing.slug,
        creator_username=username,
        graph_id=version.graph_id,
        graph_version=version.graph_version,
        graph_name=graph_name or text["name"],
        version_number=version.version_number,
        changelog=version.changelog,
        status=version.status,
        reviewer_comment=version.reviewer_comment,
        listing_is_active=listing.is_active,
        submitted_at=version.submitted_at,
        reviewed_at=version.reviewed_at,
        **{k: text[k] for k in ("name", "subheading", "description", "categories", "image_url")},
    )


async def _refuse_marketplace_copy(session: AsyncSession, user: User, graph_id: str) -> None:
    """Refuse to publish an agent the user added from the marketplace: it is another creator's work."""
    copied = (
        await session.execute(
            select(LibraryAgent.id).where(
                LibraryAgent.user_id == user.id,
                LibraryAgent.graph_id == graph_id,
                LibraryAgent.source == LibrarySource.MARKETPLACE.value,
            )
        )
    ).first()
    if copied is not None:
        raise Forbidden(
            "This agent was added from the marketplace: only agents you made or uploaded can be published.",
            code="not_your_agent",
        )


def _refuse_secret_literals(spec: GraphSpec) -> None:
    """Refuse to publish an agent with a secret typed into one of its steps, saying which step and field."""
    found = secret_literals(spec)
    if found:
        more = f" ({len(found) - 1} more like it)" if len(found) > 1 else ""
        raise InvalidInput(
            found[0].message() + more,
            code="secret_in_agent",
            details=[{"node_id": f.node_id, "step": f.step, "where": f.where, "message": f.message()} for f in found],
        )


async def submit(
    session: AsyncSession,
    user: User,
    *,
    graph_id: str,
    graph_version: int | None = None,
    name: str,
    subheading: str = "",
    description: str = "",
    categories: list[str] | None = None,
    image_url: str = "",
    changelog: str = "",
) -> SubmissionPublic:
    """Submit one of the user's agents (default: its active version) for review.

    The first submission of an agent creates its listing (slug from the name, unique, kept for
    good) and the user's creator profile; later ones add a version. A submission still pending
    is replaced rather than queued twice. The listing text goes live only when approved.

    Raises:
        NotFound: the agent (or that version of it) is not the user's.
        Forbidden: the agent is the user's copy of a marketplace agent (someone else's work).
        InvalidInput: a missing name, text too long, bad categories or image address; or a secret
            typed into a step (``secret_in_agent``, naming the step and field).
    """
    require_permission(user, Permission.USE_PLATFORM)
    text = validation.listing_text(name, subheading, description, categories, image_url)
    changelog = validation.long_text(changelog, "changelog", validation.MAX_CHANGELOG)
    if graph_version is not None and (not isinstance(graph_version, int) or graph_version < 1):
        raise InvalidInput("The agent version must be a positive number.", code="invalid_graph_version")
    graph, spec = await graphs.get_graph_spec(session, user, str(graph_id or "")[:64], graph_version)
    await _refuse_marketplace_copy(session, user, graph.id)
    _refuse_secret_literals(spec)
    creator = await get_or_create_creator(session, user)
    listing = (
        await session.execute(
            select(StoreListing).where(StoreListing.creator_id == creator.id, StoreListing.graph_id == graph.id)
        )
    ).scalar_one_or_none()
    if listing is None:
        slug = await unique_value(session, StoreListing.slug, slugify(text["name"]), MAX_SLUG)
        listing = StoreListing(slug=slug, creator_id=creator.id, graph_id=graph.id, **text)
        session.add(listing)
        await session.flush()
    elif not listing.is_active:  # nobody sees it yet: keep its text in step with the submission
        for key, value in text.items():
            setattr(listing, key, value)
        session.add(listing)
    version = (
        await session.execute(
            select(StoreListingVersion).where(
                StoreListingVersion.listing_id == listing.id,
                StoreListingVersion.status == VersionStatus.PENDING.value,
            )
        )
    ).scalar_one_or_none()
    if version is None:
        latest = (
            await session.execute(
                select(func.max(StoreListingVersion.version_number)).where(StoreListingVersion.listing_id == listing.id)
            )
        ).scalar_one()
        version = StoreListingVersion(
            listing_id=listing.id, graph_id=graph.id, version_number=(latest or 0) + 1, graph_version=graph.version
        )
    version.graph_version = graph.version
    version.changelog = changelog
    version.proposed = text
    version.submitted_at = utcnow()
    session.add(version)
    await session.flush()
    log.info("listing %s: version %s submitted by user %s", listing.id, version.version_number, user.id)
    return _submission_public(version, listing, creator.username, graph.name)


def _page_args(offset: int, limit: int) -> tuple[int, int]:
    return max(0, offset), min(max(1, limit), MAX_PAGE)


async def list_my_submissions(
    session: AsyncSession, user: User, *, offset: int = 0, limit: int = 50
) -> list[SubmissionPublic]:
    """The user's submissions (every version of every listing), newest first."""
    require_permission(user, Permission.USE_PLATFORM)
    offset, limit = _page_args(offset, limit)
    rows = await session.execute(
        _submission_query()
        .where(Creator.user_id == user.id)
        .order_by(StoreListingVersion.submitted_at.desc(), StoreListingVersion.id)
        .offset(offset)
        .limit(limit)
    )
    return [_submission_public(*row) for row in rows.all()]


async def list_pending(
    session: AsyncSession, admin: User, *, offset: int = 0, limit: int = 50
) -> list[SubmissionPublic]:
    """The review queue: pending submissions, oldest first.

    Raises:
        Forbidden: the caller may not review submissions.
    """
    require_permission(admin, Permission.REVIEW_SUBMISSIONS)
    offset, limit = _page_args(offset, limit)
    rows = await session.execute(
        _submission_query()
        .where(StoreListingVersion.status == VersionStatus.PENDING.value)
        .order_by(StoreListingVersion.submitted_at, StoreListingVersion.id)
        .offset(offset)
        .limit(limit)
    )
    return [_submission_public(*row) for row in rows.all()]


class SubmissionDetail(SubmissionPublic):
    """What a reviewer reads before deciding: the submission, who sent it, and what the agent is made of."""

    submitter_name: str
    submitter_email: str
    graph_description: str
    #: ``(block name, how many nodes use it)``, most used first.
    blocks: list[tuple[str, int]]
    #: ``(input name, title, type, required)`` in the order the run form asks for them.
    inputs: list[tuple[str, str, str, bool]]
    #: Providers whose credentials a run needs (``openai``, ``smtp``…).
    credential_providers: list[str]


async def get_submission(session: AsyncSession, admin: User, version_id: str) -> SubmissionDetail:
    """One submission with the submitted agent's blocks, inputs and credential needs (reviewers only).

    Raises:
        Forbidden: the caller may not review submissions.
        NotFound: no such submission.
    """
    require_permission(admin, Permission.REVIEW_SUBMISSIONS)
    found = None
    if version_id and len(version_id) <= 64:
        found = (await session.execute(_submission_query().where(StoreListingVersion.id == version_id))).first()
    if found is None:
        raise NotFound("No such submission.", code="submission_not_found")
    public = _submission_public(*found)
    creator = await session.get(Creator, found[1].creator_id)
    submitter = await session.get(User, creator.user_id)
    graph = (
        await session.execute(
            select(GraphVersion).where(
                GraphVersion.graph_id == public.graph_id, GraphVersion.version == public.graph_version
            )
        )
    ).scalar_one_or_none()
    uses: dict[str, int] = {}
    for node in graph.nodes if graph else []:
        block = find_block(str(node.get("block_id", "")))
        name = block.name if block else f"Unknown block {str(node.get('block_id', ''))[:36]}"
        uses[name] = uses.get(name, 0) + 1
    schema = graph.input_schema if graph else {}
    required = set(schema.get("required") or [])
    inputs = [
        (name, str(field.get("title") or name), str(field.get("type") or "string"), name in required)
        for name, field in (schema.get("properties") or {}).items()
    ]
    credentials = (graph.credentials_input_schema if graph else {}).get("properties") or {}
    return SubmissionDetail(
        **public.model_dump(),
        submitter_name=submitter.display_name if submitter else creator.name,
        submitter_email=submitter.email if submitter else "",
        graph_description=graph.description if graph else "",
        blocks=sorted(uses.items(), key=lambda item: (-item[1], item[0].lower())),
        inputs=inputs,
        credential_providers=sorted({str(c.get("provider", "")) for c in credentials.values()} - {""}),
    )


async def review(
    session: AsyncSession, admin: User, version_id: str, *, approve: bool, comment: str = ""
) -> SubmissionPublic:
    """Approve or reject a pending submission and notify the submitter.

    Approving publishes the submitted text and makes this version the one people get; rejecting
    keeps what was live (if anything) and records the reason, which is required.

    Raises:
        Forbidden: the caller may not review submissions.
        NotFound: no such submission.
        Conflict: it was already reviewed.
        InvalidInput: a rejection without a comment, or a comment over 2,000 characters.
    """
    require_permission(admin, Permission.REVIEW_SUBMISSIONS)
    comment = validation.long_text(comment, "comment", validation.MAX_COMMENT)
    if not approve and not comment:
        raise InvalidInput("Say why the submission is rejected: the creator will read it.", code="comment_required")
    version = await session.get(StoreListingVersion, version_id) if version_id and len(version_id) <= 64 else None
    if version is None:
        raise NotFound("No such submission.", code="submission_not_found")
    if version.status != VersionStatus.PENDING.value:
        raise Conflict(f"This submission was already {version.status}.", code="already_reviewed")
    listing = await session.get(StoreListing, version.listing_id)
    creator = await session.get(Creator, listing.creator_id)
    now = utcnow()
    version.status = (VersionStatus.APPROVED if approve else VersionStatus.REJECTED).value
    version.reviewer_id = admin.id
    version.reviewer_comment = comment
    version.reviewed_at = now
    if approve:
        for key, value in (version.proposed or {}).items():
            setattr(listing, key, value)
        listing.active_version_id = version.id
        listing.is_active = True
        listing.updated_at = now
    session.add_all([version, listing])
    await session.flush()
    name = (version.proposed or {}).get("name") or listing.name
    await create_notification(
        session,
        creator.user_id,
        type=NOTIFICATION_TYPE,
        title=f"“{name}” is now in the marketplace" if approve else f"“{name}” was not approved",
        body=comment,
        link=LISTING_LINK.format(slug=listing.slug) if approve else SUBMISSIONS_LINK,
        data={"listing_id": listing.id, "version_id": version.id, "status": version.status},
    )
    if approve:
        # Search by meaning sees the approved text (a no-op without the embedding model).
        await refresh_listing_vectors(session, [listing.id])
        # People who keep an older version in their library hear about the new one.
        await notify_new_version(session, listing.id, version.id)
    log.info("listing %s version %s %s by %s", listing.id, version.version_number, version.status, admin.id)
    graph_name = (
        await session.execute(
            select(GraphVersion.name).where(
                GraphVersion.graph_id == version.graph_id, GraphVersion.version == version.graph_version
            )
        )
    ).scalar_one_or_none()
    return _submission_public(version, listing, creator.username, graph_name)
