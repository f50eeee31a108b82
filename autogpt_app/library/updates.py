"""Marketplace updates in the library: which agents have a newer approved listing version, and the
one-step move to it.

A library agent added from the marketplace records the listing version its copy was made from. When
the listing's newest approved version is newer, the agent shows "update available"; updating saves
that version as the next version of the user's own copy. :func:`listing_versions` answers for a whole
page in one query; :mod:`autogpt_app.library.service` builds its list items with it and re-exports
:func:`update_to_latest`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.graphs import service as graphs
from autogpt_app.library.models import MAX_NAME, LibraryAgent, LibraryAgentSummary
from autogpt_app.library.vectors import refresh_library_vectors
from autogpt_app.store.models import StoreListing, StoreListingVersion, VersionStatus
from autogpt_app.timeutil import utcnow

__all__ = ["ListingVersions", "listing_versions", "update_to_latest"]

_A = LibraryAgent


@dataclass(frozen=True)
class ListingVersions:
    """Where a marketplace agent stands: the listing version the user has and the newest approved one."""

    mine: int | None
    latest: int
    update_available: bool


#: The listing's active version and the version a library copy came from. Made once: an alias costs
#: a proxy per column to build, more than the whole cached query costs to run.
_LATEST = aliased(StoreListingVersion, name="latest_version")
_MINE = aliased(StoreListingVersion, name="my_version")


class _Seen(NamedTuple):
    """The columns of a listing version :func:`_is_newer` looks at (a page reads no more)."""

    status: str
    version_number: int
    reviewed_at: datetime | None


def _is_newer(
    latest: StoreListingVersion | _Seen, mine: StoreListingVersion | _Seen | None, added_at: datetime
) -> bool:
    """Whether ``latest`` is newer than what the user has. Without a recorded version (an entry made
    before versions were recorded, or added by graph), what was approved after the entry was added is."""
    if latest.status != VersionStatus.APPROVED.value:
        return False
    if mine is not None:
        return latest.version_number > mine.version_number
    return latest.reviewed_at is not None and latest.reviewed_at > added_at


@functools.cache
def _listing_versions_query():
    """Built once (building it cost more than running it): ``ids`` is bound at each call."""
    latest, mine = _LATEST, _MINE
    return (
        select(
            _A.id,
            _A.created_at,
            latest.status,
            latest.version_number,
            latest.reviewed_at,
            mine.status,
            mine.version_number,
            mine.reviewed_at,
        )
        .join(StoreListing, and_(StoreListing.id == _A.store_listing_id, StoreListing.is_active.is_(True)))
        .join(latest, latest.id == StoreListing.active_version_id)
        .outerjoin(mine, and_(mine.id == _A.store_listing_version_id, mine.listing_id == _A.store_listing_id))
        .where(_A.id.in_(bindparam("ids", expanding=True)))
    )


async def listing_versions(session: AsyncSession, rows: Sequence[LibraryAgent]) -> dict[str, ListingVersions]:
    """For the marketplace agents among ``rows``, by library agent id: one query for the whole page,
    never one per row.

    Agents whose listing is gone or no longer approved are left out (there is nothing to update to).
    """
    ids = [r.id for r in rows if r.store_listing_id]
    if not ids:
        return {}
    result = await session.execute(_listing_versions_query(), {"ids": ids})
    found = {}
    for agent_id, added_at, *columns in result.all():
        newest, have = _Seen(*columns[:3]), None if columns[4] is None else _Seen(*columns[3:])
        found[agent_id] = ListingVersions(
            mine=None if have is None else have.version_number,
            latest=newest.version_number,
            update_available=_is_newer(newest, have, added_at),
        )
    return found


async def update_to_latest(session: AsyncSession, user: User, agent_id: str) -> LibraryAgentSummary:
    """Move a marketplace agent to its listing's newest approved version, in one step.

    The user keeps their own copy: the new version becomes the next version of the agent they
    already have (and the one that runs), so its run history, schedules, favourite and archive
    state stay. A name the user did not change follows the new version. Already up to date:
    nothing changes and the entry is returned as it is.

    Raises:
        NotFound: not the user's agent, or its listing is no longer in the marketplace.
        InvalidInput: the agent was not added from the marketplace.
    """
    # The library service builds its list items with listing_versions above, and the store
    # depends on the library: both are imported here, when an update is asked for.
    from autogpt_app.library.service import _owned, _summaries
    from autogpt_app.store.ratings import visible_listing

    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user, agent_id)
    if not row.store_listing_id:
        raise InvalidInput("Only agents added from the marketplace get updates from it.", code="not_from_marketplace")
    try:
        listing = await visible_listing(session, row.store_listing_id)
    except NotFound:
        raise NotFound(
            "This agent is no longer in the marketplace, so there is nothing to update to.", code="listing_not_found"
        ) from None
    latest = await session.get(StoreListingVersion, listing.active_version_id or "")
    mine = await session.get(StoreListingVersion, row.store_listing_version_id or "")
    if mine is not None and mine.listing_id != listing.id:
        mine = None
    if latest is None or not _is_newer(latest, mine, row.created_at):
        return (await _summaries(session, [row]))[0]
    spec = await graphs.published_spec(session, latest.graph_id, latest.graph_version)
    before = await graphs.get_graph(session, user, row.graph_id, row.graph_version)
    new = await graphs.add_version_with_subgraphs(session, user, row.graph_id, spec)
    if row.graph_version is not None:  # a pinned agent is pinned to the version it was updated to
        row.graph_version = new.version
    if row.name == before.name[:MAX_NAME]:
        row.name = new.name[:MAX_NAME]
    if row.description == before.description:
        row.description = new.description
    row.store_listing_version_id = latest.id
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await refresh_library_vectors(session, [row.id])  # a new name or description: search by meaning follows
    return (await _summaries(session, [row]))[0]
