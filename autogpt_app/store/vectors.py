"""Listing vectors: written when a listing is approved or seeded, searched in process memory.

Each visible listing's vector lives in ``store_listings.embedding`` (see
:mod:`autogpt_app.store.semantic`). Search keeps one NumPy matrix of all visible listings' vectors
per database and process (10,000 listings: 15 MB, one matrix-vector product of about a
millisecond) and reloads it when ``count(embedded_at), max(embedded_at)`` of the visible listings
moves; that check runs at most every :data:`CHECK_SECONDS` per process, and at once after this
process wrote vectors. The nearest listings are then checked against the search's filters (and the
"approved and visible" rule) in SQL, so an unapproved listing is never returned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.store import semantic
from autogpt_app.store.models import StoreListing
from autogpt_app.timeutil import utcnow

__all__ = ["near_candidates", "prepare", "refresh_listing_vectors", "visible"]

log = logging.getLogger(__name__)

#: How long a loaded matrix is trusted before its signature is read again (other processes' writes).
CHECK_SECONDS = 2.0
#: Nearest listings read from the matrix before the filters are applied in SQL.
CANDIDATES = 200
#: Listings embedded per model call while backfilling.
BATCH = 32


@dataclass
class _Matrix:
    signature: tuple
    ids: list[str]
    vectors: np.ndarray
    checked_at: float
    generation: int


_matrices: dict[str, _Matrix] = {}
_generation = 0
_lock = threading.Lock()


def _db_key(session: AsyncSession) -> str:
    return str(session.get_bind().engine.url)


def invalidate() -> None:
    """Make every process-local matrix check its signature on next use (after this process wrote)."""
    global _generation
    with _lock:
        _generation += 1


async def refresh_listing_vectors(session: AsyncSession, listing_ids: Sequence[str] | None = None) -> int:
    """Compute the vectors of visible listings whose text (or the model) changed; flush, caller commits.

    ``listing_ids`` limits the work to those listings (an approval, a seeding run); None looks at
    every visible listing (the start-up backfill). Does nothing when the model is not available.

    Returns:
        How many listings got a new vector.
    """
    if not semantic.available():
        return 0
    statement = select(
        StoreListing.id,
        StoreListing.name,
        StoreListing.subheading,
        StoreListing.description,
        StoreListing.categories,
        StoreListing.embedding_key,
    ).where(StoreListing.is_active.is_(True))
    if listing_ids is not None:
        if not listing_ids:
            return 0
        statement = statement.where(StoreListing.id.in_(list(listing_ids)))
    stale: list[tuple[str, str, str]] = []
    for row in (await session.execute(statement)).all():
        text = semantic.listing_text(row.name, row.subheading, row.description, row.categories)
        key = semantic.text_key(text)
        if key != row.embedding_key:
            stale.append((row.id, text, key))
    written = 0
    for start in range(0, len(stale), BATCH):
        chunk = stale[start : start + BATCH]
        try:
            vectors = await semantic.embed_passages([text for _, text, _ in chunk])
        except Exception:  # a failing model must never fail an approval or a seeding
            if semantic.available():  # not the model failing to load: that was logged once already
                log.warning("semantic search: listing vectors not computed", exc_info=True)
            break
        now = utcnow()
        for (listing_id, _, key), vector in zip(chunk, vectors, strict=True):
            await session.execute(
                update(StoreListing)
                .where(StoreListing.id == listing_id)
                .values(embedding=semantic.to_bytes(vector), embedding_key=key, embedded_at=now)
            )
        written += len(chunk)
    if written:
        await session.flush()
        invalidate()
        log.info("semantic search: %d listing vector(s) computed", written)
    return written


async def _matrix(session: AsyncSession) -> _Matrix:
    key = _db_key(session)
    now = time.monotonic()
    current = _matrices.get(key)
    if current is not None and current.generation == _generation and now - current.checked_at < CHECK_SECONDS:
        return current
    generation = _generation
    visible = StoreListing.is_active.is_(True)
    signature_query = select(func.count(StoreListing.embedded_at), func.max(StoreListing.embedded_at)).where(visible)
    count, latest = (await session.execute(signature_query)).one()
    signature = (int(count), latest)
    if current is not None and current.signature == signature:
        current.checked_at, current.generation = now, generation
        return current
    rows = (
        await session.execute(
            select(StoreListing.id, StoreListing.embedding).where(visible, StoreListing.embedding.is_not(None))
        )
    ).all()
    ids = [r.id for r in rows]
    vectors = (
        np.frombuffer(b"".join(r.embedding for r in rows), dtype="<f4").reshape(len(rows), semantic.DIM)
        if rows
        else np.empty((0, semantic.DIM), dtype=np.float32)
    )
    fresh = _Matrix(signature, ids, vectors, now, generation)
    _matrices[key] = fresh
    return fresh


#: Short, generic agent texts: the "median listing" of a small marketplace is taken over these too,
#: so that with a handful of listings a query still has something ordinary to stand out from.
BACKGROUND = (
    "Says hello to a person by name.", "Repeats the topic.", "Sends a message.", "Reads a file and returns its text.",
    "Adds two numbers.", "Posts an update.", "Makes a list.", "Answers a question.", "Runs every hour.",
    "Turns one format into another.", "Checks a value.", "Writes a short text.", "Fetches a web address.",
    "Counts things.", "Waits for an event.", "Stores a note.", "Picks a random item.", "Formats a date.",
    "Looks something up.", "Shows a chart.", "Merges two lists.", "Filters rows.", "Asks for approval.",
    "Logs the result.",
)  # fmt: skip
_background_vectors: np.ndarray | None = None


#: Rows of a large matrix whose scores estimate the median listing (a strided sample).
MEDIAN_SAMPLE = 1024


async def prepare(session: AsyncSession) -> _Matrix:
    """The matrix of visible listings' vectors for this database, fresh enough to search (see the
    module's docstring), with the background texts embedded (once per process)."""
    global _background_vectors
    if _background_vectors is None:
        _background_vectors = await semantic.embed_passages(BACKGROUND)
    return await _matrix(session)


def near_candidates(
    matrix: _Matrix,
    query_vector: np.ndarray,
    *,
    floor: float,
    floor_lift: float,
    lift: float,
    keep_lift: float,
    lowest: float,
    window: float,
) -> list[tuple[str, float]]:
    """Listings of ``matrix`` close to ``query_vector``, nearest first (CPU only: run it in a thread).

    Gibberish and generic words are about as close to every listing, so closeness is also measured
    against the median listing ("lift"; the median is taken over the listings, a strided sample of a
    large matrix, and :data:`BACKGROUND`). The query has meaning hits when its nearest listing stands
    ``lift`` above the median, or has a cosine of at least ``floor`` and stands ``floor_lift`` above.
    A listing is then kept when its cosine is at least ``lowest``, within ``window`` of the nearest
    listing and ``keep_lift`` above the median; at most :data:`CANDIDATES` of them. This is decided
    over all visible listings, before any filter, so a filter never lets a weaker match in.
    """
    if not matrix.ids or _background_vectors is None:
        return []
    scores = matrix.vectors @ query_vector
    top = min(CANDIDATES, len(scores))
    best = np.argpartition(-scores, top - 1)[:top]
    best = best[np.argsort(-scores[best], kind="stable")]
    highest = float(scores[best[0]])
    step = max(1, len(scores) // MEDIAN_SAMPLE)
    median = float(np.median(np.concatenate([scores[::step], _background_vectors @ query_vector])))
    if highest - median < lift and (highest < floor or highest - median < floor_lift):
        return []
    cutoff = max(lowest, highest - window, median + keep_lift)
    return [(matrix.ids[i], float(scores[i])) for i in best if scores[i] >= cutoff]


async def visible(
    session: AsyncSession, candidates: list[tuple[str, float]], conditions: list, limit: int
) -> list[tuple[str, float]]:
    """The ``candidates`` that are visible and pass ``conditions`` (the search's filters), at most ``limit``."""
    if not candidates:
        return []
    # Visibility checked on the rows read by primary key: with ``is_active`` in the WHERE clause,
    # SQLite would rather scan an ``is_active`` index over every visible listing.
    rows = await session.execute(
        select(StoreListing.id, StoreListing.is_active).where(
            StoreListing.id.in_([c for c, _ in candidates]), *conditions
        )
    )
    allowed = {listing_id for listing_id, active in rows.all() if active}
    return [(i, s) for i, s in candidates if i in allowed][:limit]
