"""Marketplace run counts, kept off the run-start path.

``store_listings.run_count`` orders the marketplace ("most run") and shows on every card, so it stays
a column. Adding to it inside each run start made every concurrent run of a popular agent wait for
the listing row's lock; instead a run start inserts a :class:`StoreRunTally` row and the recovery
sweep (every ``SWEEP_INTERVAL_SECONDS``, in every worker process, and in the web process in embedded
mode) folds the tallies into their listings, one short transaction per batch. A card's count is thus
at most one sweep interval behind; it never loses or double-counts a run, because a tally is deleted
in the same transaction that counts it.
"""

from __future__ import annotations

import functools
from collections import Counter

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.library.models import LibraryAgent
from autogpt_app.store.models import StoreListing, StoreRunTally

__all__ = ["BATCH", "apply_run_tallies", "record_library_run", "record_run"]

#: Most tallies one :func:`apply_run_tallies` call folds in (the sweep calls it until none are left).
BATCH = 5000

_T = StoreRunTally.__table__


async def record_run(session: AsyncSession, listing_id: str) -> None:
    """Count one more run of a listing, later: one INSERT, no lock on the listing row."""
    await session.execute(insert(_T).values(listing_id=listing_id))


@functools.cache
def _library_run_insert():
    """``INSERT … SELECT`` of a tally for the listing a library copy came from; built once (it runs at
    every run start), ``user_id`` and ``graph_id`` bound per call."""
    source = select(LibraryAgent.store_listing_id).where(
        LibraryAgent.user_id == bindparam("user_id"),
        LibraryAgent.graph_id == bindparam("graph_id"),
        LibraryAgent.store_listing_id.is_not(None),
    )
    return insert(_T).from_select(["listing_id"], source)


async def record_library_run(session: AsyncSession, user_id: str, graph_id: str) -> None:
    """Count one more run of the listing ``user_id``'s library copy of ``graph_id`` came from, if any:
    one ``INSERT … SELECT`` (reads the library row, locks nothing another run needs)."""
    await session.execute(_library_run_insert(), {"user_id": user_id, "graph_id": graph_id})


async def apply_run_tallies(session: AsyncSession, *, limit: int = BATCH) -> int:
    """Add up to ``limit`` queued runs to their listings' counts; return how many were applied.

    Concurrent callers (one per worker process) take disjoint tallies (``SKIP LOCKED`` on PostgreSQL;
    SQLite has one writer at a time) and update listings in id order, so they never deadlock. Tallies
    of a listing deleted meanwhile are dropped.
    """
    rows = (
        await session.execute(
            select(_T.c.id, _T.c.listing_id).order_by(_T.c.id).limit(limit).with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return 0
    await session.execute(delete(_T).where(_T.c.id.in_([r.id for r in rows])))
    per_listing = Counter(r.listing_id for r in rows)
    for listing_id in sorted(per_listing):
        await session.execute(
            update(StoreListing)
            .where(StoreListing.id == listing_id)
            .values(run_count=StoreListing.run_count + per_listing[listing_id])
            .execution_options(synchronize_session=False)
        )
    return len(rows)
