"""Library agents' sentence vectors: written when an agent is added, renamed or updated, searched per user.

A user's library is small (tens or hundreds of agents), so search reads the vectors of the user's
agents that pass the page's filters and ranks them in process memory; a row whose stored vector is
missing or stale (its ``embedding_key`` no longer matches its text) is embedded on the fly for that
search and written back by the next :func:`refresh_library_vectors` (adds, renames, marketplace
updates, ``prestart``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.library.models import LibraryAgent
from autogpt_app.store import semantic

__all__ = ["nearest_agents", "refresh_library_vectors"]

log = logging.getLogger(__name__)

_A = LibraryAgent
#: Most library agents whose vectors one search compares (a very large library is cut to this).
MAX_CANDIDATES = 5000


async def refresh_library_vectors(session: AsyncSession, agent_ids: Sequence[str] | None = None) -> int:
    """Compute the vectors of library agents whose name or description changed; flush, caller commits.

    ``agent_ids`` limits the work to those rows; None looks at every library agent (the start-up
    backfill). Does nothing when the model is not available. Returns how many vectors were written.
    """
    if not semantic.available():
        return 0
    statement = select(_A.id, _A.name, _A.description, _A.embedding_key)
    if agent_ids is not None:
        if not agent_ids:
            return 0
        statement = statement.where(_A.id.in_(list(agent_ids)))
    stale = []
    for row in (await session.execute(statement)).all():
        text = semantic.library_text(row.name, row.description)
        key = semantic.text_key(text)
        if key != row.embedding_key:
            stale.append((row.id, text, key))
    written = 0
    for start in range(0, len(stale), 32):
        chunk = stale[start : start + 32]
        try:
            vectors = await semantic.embed_passages([text for _, text, _ in chunk])
        except Exception:  # a failing model must never fail adding or renaming an agent
            if semantic.available():  # not the model failing to load: that was logged once already
                log.warning("semantic search: library vectors not computed", exc_info=True)
            break
        for (agent_id, _, key), vector in zip(chunk, vectors, strict=True):
            await session.execute(
                update(_A).where(_A.id == agent_id).values(embedding=semantic.to_bytes(vector), embedding_key=key)
            )
        written += len(chunk)
    if written:
        await session.flush()
    return written


async def nearest_agents(
    session: AsyncSession, query_vector: np.ndarray, conditions: list, *, floor: float, window: float, limit: int
) -> list[tuple[str, float]]:
    """Library agents passing ``conditions`` (the user's, the page's filters) closest to ``query_vector``.

    Kept like listings are: cosine at least ``floor`` and within ``window`` of the best, at most ``limit``.
    """
    rows = (
        await session.execute(
            select(_A.id, _A.name, _A.description, _A.embedding, _A.embedding_key)
            .where(*conditions)
            .order_by(_A.updated_at.desc(), _A.id)
            .limit(MAX_CANDIDATES)
        )
    ).all()
    if not rows:
        return []
    vectors = np.empty((len(rows), semantic.DIM), dtype=np.float32)
    missing: list[tuple[int, str]] = []
    for i, row in enumerate(rows):
        text = semantic.library_text(row.name, row.description)
        if row.embedding is not None and row.embedding_key == semantic.text_key(text):
            vectors[i] = semantic.from_bytes(row.embedding)
        else:
            missing.append((i, text))
    if missing:
        computed = await semantic.embed_passages([text for _, text in missing])
        for (i, _), vector in zip(missing, computed, strict=True):
            vectors[i] = vector
    scores = vectors @ query_vector
    order = np.argsort(-scores, kind="stable")
    kept = [(rows[i].id, float(scores[i])) for i in order if scores[i] >= floor]
    if not kept:
        return []
    cutoff = kept[0][1] - window
    return [(i, s) for i, s in kept if s >= cutoff][:limit]
