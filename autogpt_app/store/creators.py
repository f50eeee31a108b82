"""Creators: the public profile a user gets on their first submission, and the creator page."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import NotFound
from autogpt_app.store.models import MAX_USERNAME, Creator, CreatorDetail, CreatorPublic, StoreListing
from autogpt_app.store.search import search_listings

__all__ = ["creator_public", "get_creator", "get_or_create_creator", "slugify", "unique_value"]

CREATOR_PAGE_LISTINGS = 50

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, limit: int = 80, fallback: str = "agent") -> str:
    """Lower-case ASCII words joined by '-' (``"Loan calculator!"`` → ``loan-calculator``)."""
    slug = _SLUG_RE.sub("-", text.lower()).strip("-")[:limit].strip("-")
    return slug or fallback


async def unique_value(session: AsyncSession, column, base: str, limit: int) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free in ``column``."""
    taken = set((await session.execute(select(column).where(or_(column == base, column.like(f"{base}-%"))))).scalars())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"[:limit]


def creator_public(row: Creator) -> CreatorPublic:
    return CreatorPublic(
        username=row.username,
        name=row.name,
        description=row.description,
        avatar_url=row.avatar_url,
        links=list(row.links or []),
    )


async def get_or_create_creator(session: AsyncSession, user: User) -> Creator:
    """The user's creator profile, made on first use from their display name (unique username)."""
    require_permission(user, Permission.USE_PLATFORM)
    row = (await session.execute(select(Creator).where(Creator.user_id == user.id))).scalar_one_or_none()
    if row is not None:
        return row
    base = slugify(user.display_name, limit=MAX_USERNAME - 6, fallback="creator")
    row = Creator(
        user_id=user.id,
        username=await unique_value(session, Creator.username, base, MAX_USERNAME),
        name=user.display_name,
    )
    session.add(row)
    await session.flush()
    return row


async def get_creator(
    session: AsyncSession, username: str, *, offset: int = 0, limit: int = CREATOR_PAGE_LISTINGS
) -> CreatorDetail:
    """A creator's page: profile, totals and one page of their listings, most run first. Public.

    ``listing_count`` counts every listing, so ``offset``/``limit`` can page through them.

    Raises:
        NotFound: unknown username, or a creator with no approved listing.
        InvalidInput: an offset past the search's limit.
    """
    username = (username or "").strip().lower()
    row = None
    if username and len(username) <= MAX_USERNAME:
        row = (await session.execute(select(Creator).where(Creator.username == username))).scalar_one_or_none()
    totals = None
    if row is not None:
        totals = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(StoreListing.run_count), 0)).where(
                    StoreListing.creator_id == row.id, StoreListing.is_active.is_(True)
                )
            )
        ).one()
    if row is None or not totals[0]:
        raise NotFound("No such creator in the marketplace.", code="creator_not_found")
    page = await search_listings(session, creator=row.username, sort="runs", offset=offset, limit=limit)
    return CreatorDetail(
        **creator_public(row).model_dump(), listing_count=totals[0], run_count=int(totals[1]), listings=page.items
    )
