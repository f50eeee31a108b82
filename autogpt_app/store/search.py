"""Marketplace search: one function, one result shape, on PostgreSQL and on SQLite.

PostgreSQL
    ``websearch_to_tsquery('english', q)`` (words, "quoted phrases", ``or``, ``-word``) against the
    stored generated ``search_vector`` (name A > subheading B > description C > categories D, GIN
    index), ranked by ``ts_rank_cd``. When that finds nothing, a ``pg_trgm`` fallback takes the
    100 names and the 100 subheadings nearest to the query (``q <% name``, i.e. word similarity
    ≥ 0.4, ordered by ``q <<-> name`` from GiST trigram indexes: bounded work however common the
    letters are) and ranks them by similarity, which forgives typos ("calcualtor") and half-typed
    words.
SQLite
    The same query syntax translated to an FTS5 expression (:func:`fts5_query`) over
    ``store_listings_fts`` (porter stemming, like PostgreSQL's english stemmer), ranked by
    ``bm25()`` with weights 1.0 / 0.4 / 0.2 / 0.1 in the same column order as PostgreSQL's A–D
    defaults. The fallback asks the trigram FTS5 table ``store_listings_trgm`` for at most 200
    listings sharing trigrams with the query, scores their names and subheadings word by word in
    Python (:func:`fuzzy_score`) and keeps those scoring ≥ 0.75.

Meaning (hybrid)
    When the embedding model is available (:mod:`autogpt_app.store.semantic`), a query is also
    embedded and the nearest visible listings are read from the stored vectors
    (:mod:`autogpt_app.store.vectors`). The relevance order is a reciprocal-rank fusion of the
    full-text ranking (or, when full text finds nothing, the typo-tolerant one) and the vector
    ranking: ``sum 1 / (60 + rank)``. Other sorts order the union of both sets. Without the model,
    or for a query written in web-search syntax ("a phrase", ``-word``, ``or``: the person said
    exactly what to match), search is exactly the full text above.

Both paths return :class:`SearchPage`; filters (category, creator, featured), sorts and paging
behave the same, and only approved, visible listings (``is_active``) are ever returned. A fuzzy
page's ``total`` counts the candidates kept (a few hundred at most), not every similar listing.
Without a query, listings are read in the order of an index per sort (see ``models``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from sqlalchemy import Float, Select, String, func, literal, literal_column, or_, select, table, text, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.errors import InvalidInput
from autogpt_app.store import semantic, vectors
from autogpt_app.store.models import Creator, ListingSummary, SearchPage, StoreListing
from autogpt_app.store.query_text import fts5_query, fuzzy_score, meaningful_words, trigram_query

__all__ = [
    "SORTS",
    "SearchPage",
    "fts5_query",
    "fuzzy_score",
    "has_category",
    "search_listings",
    "summaries",
    "summary_select",
]

SORTS = ("relevance", "rating", "runs", "name", "updated")
MAX_QUERY = 200
MAX_PAGE = 100
MAX_OFFSET = 10_000
PG_WORD_SIMILARITY = 0.4
FUZZY_CANDIDATES = 200
PG_FUZZY_NEAREST = 100
SQLITE_FUZZY_THRESHOLD = 0.75
#: bm25 weights per FTS5 column (name, subheading, description, categories): PostgreSQL's A–D.
BM25_WEIGHTS = "1.0, 0.4, 0.2, 0.1"

_ROWID = literal_column("store_listings.rowid")

log = logging.getLogger(__name__)

#: Reciprocal-rank fusion constant (the usual 60: a rank's weight falls off slowly).
RRF_K = 60
#: Full-text matches that take part in the fusion; deeper pages follow in full-text order.
FUSE_DEPTH = 100
#: Vector hits (see :func:`vectors.near_candidates`). multilingual-e5 puts unrelated texts, gibberish
#: included, at cosine 0.75-0.80 from a query, and about as close to every listing; most good matches
#: are above 0.805, and those below still stand out from the median listing by more than gibberish
#: ever does here (0.03). Tuned on the catalogue with benchmarks/discovery.py's queries.
VECTOR_LIMIT = 10
VECTOR_FLOOR = 0.805
VECTOR_FLOOR_LIFT = 0.02
VECTOR_LIFT = 0.035
VECTOR_KEEP_LIFT = 0.015
VECTOR_LOWEST = 0.77
VECTOR_WINDOW = 0.04
#: Queries of at most this many words try "any word" when no listing has every word; a longer
#: sentence is left to meaning (its any-word ranking cost the most time and added no recall).
ANY_WORD_MAX = 3
#: With vector hits, the typo-tolerant fallback runs only for queries of at most this many words.
TYPO_WORDS = 3
#: Fusion weight of a full-text ranking that is not "every word" (any word, or the typo fallback).
LOOSE_WEIGHT = 0.5


def _fts_hits(fts_table: str, expression: str, rank: str):
    """``(hit_rowid, rank)`` of an FTS5 match, materialized first: FTS5 ranking functions only work
    in a query on the FTS table itself (not beside a window function or after a join reorder)."""
    return (
        select(literal_column("rowid").label("hit_rowid"), literal_column(rank).label("rank"))
        .select_from(table(fts_table))
        .where(literal_column(fts_table).op("MATCH")(expression))
        .cte(f"{fts_table}_hits")
        .prefix_with("MATERIALIZED")
    )


_SUMMARY_COLUMNS = (
    StoreListing.id,
    StoreListing.slug,
    StoreListing.name,
    StoreListing.subheading,
    StoreListing.categories,
    StoreListing.image_url,
    StoreListing.featured,
    StoreListing.run_count,
    StoreListing.rating_sum,
    StoreListing.rating_count,
    StoreListing.updated_at,
    Creator.username,
    Creator.name.label("creator_name"),
)

#: Sort keys per sort: (expression, descending); the listing id always breaks ties.
Key = tuple[Any, bool]
_SORT_KEYS: dict[str, list[Key]] = {
    "rating": [
        (StoreListing.rating_average, True),
        (StoreListing.rating_count, True),
        (StoreListing.run_count, True),
    ],
    "runs": [(StoreListing.run_count, True), (StoreListing.rating_average, True)],
    "name": [(func.lower(StoreListing.name), False), (StoreListing.name, False)],
    "updated": [(StoreListing.updated_at, True)],
    "relevance": [(StoreListing.featured, True), (StoreListing.run_count, True)],
}


def summaries(rows: Any) -> list[ListingSummary]:
    """Turn rows selected with the summary columns into :class:`ListingSummary` items."""
    return [
        ListingSummary(
            id=r.id,
            slug=r.slug,
            name=r.name,
            subheading=r.subheading,
            categories=list(r.categories or []),
            image_url=r.image_url,
            featured=r.featured,
            creator_username=r.username,
            creator_name=r.creator_name,
            run_count=r.run_count,
            rating_average=round(r.rating_sum / r.rating_count, 2) if r.rating_count else None,
            rating_count=r.rating_count,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def summary_select(*extra: Any) -> Select:
    """``SELECT`` of the summary columns (plus ``extra``) from visible listings joined to creators."""
    return (
        select(*_SUMMARY_COLUMNS, *extra)
        .join(Creator, Creator.id == StoreListing.creator_id)
        .where(StoreListing.is_active.is_(True))
    )


def has_category(dialect: str, category: str):
    """A condition: the listing's JSON category list contains ``category``."""
    if dialect == "postgresql":
        return type_coerce(StoreListing.categories, JSONB).contains([category])  # GIN jsonb_path_ops
    values = func.json_each(StoreListing.categories).table_valued("value")
    return select(1).select_from(values).where(values.c.value == category).exists()


def _filters(dialect: str, category: str | None, creator: str | None, featured: bool | None) -> list:
    conditions = []
    if category:
        conditions.append(has_category(dialect, category))
    if creator:  # a subquery, so every condition is on store_listings alone
        creator_id = select(Creator.id).where(Creator.username == creator.strip().lower()).scalar_subquery()
        conditions.append(StoreListing.creator_id == creator_id)
    if featured is not None:
        conditions.append(StoreListing.featured.is_(featured))
    return conditions


def _clean(query: str, sort: str, offset: int, limit: int) -> tuple[str, int, int]:
    query = " ".join(str(query or "").split())
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"A search may be at most {MAX_QUERY} characters.", code="invalid_query")
    if sort not in SORTS:
        raise InvalidInput(f"Sort by one of: {', '.join(SORTS)}.", code="invalid_sort")
    if offset > MAX_OFFSET:
        raise InvalidInput(f"Results are paged up to offset {MAX_OFFSET}; narrow the search.", code="invalid_offset")
    return query, max(0, offset), min(max(1, limit), MAX_PAGE)


def _order(keys: list[Key], columns: list | None = None) -> list:
    exprs = columns if columns is not None else [expr for expr, _ in keys]
    return [e.desc() if descending else e for e, (_, descending) in zip(exprs, keys, strict=True)]


async def _browse(
    session: AsyncSession, conditions: list, keys: list[Key], offset: int, limit: int
) -> tuple[list[ListingSummary], int]:
    """No query: a count and one ordered page (indexes on ``is_active`` + the sort column can serve it)."""
    visible = [StoreListing.is_active.is_(True), *conditions]
    total = int((await session.execute(select(func.count()).select_from(StoreListing).where(*visible))).scalar_one())
    if total <= offset:
        return [], total
    statement = summary_select().where(*conditions).order_by(*_order(keys), StoreListing.id).offset(offset).limit(limit)
    return summaries((await session.execute(statement)).all()), total


async def _matched_page(
    session: AsyncSession, source: Any, conditions: list, keys: list[Key], offset: int, limit: int
) -> tuple[list[ListingSummary], int]:
    """One page of a search's matches, best first, with their total — one statement in three steps.

    1. ``hits``: a materialized CTE of each match's id and sort keys, so a score (``ts_rank_cd``,
       ``bm25``, similarity) is computed once per match and the wide ``tsvector`` goes no further;
    2. ``page``: the page of ``hits`` in order, with ``count(*) OVER ()`` over those narrow rows;
    3. the display columns (and creator) for the page's rows only.
    """
    hits, hit_keys = _hits(source, conditions, keys)
    page = (
        select(hits.c.hit_id, *hit_keys, func.count().over().label("total_count"))
        .order_by(*_order(keys, hit_keys), hits.c.hit_id)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    page_keys = [page.c[f"k{i}"] for i in range(len(keys))]
    statement = (
        summary_select(page.c.total_count)
        .join(page, page.c.hit_id == StoreListing.id)
        .order_by(*_order(keys, page_keys), page.c.hit_id)
    )
    rows = (await session.execute(statement)).all()
    if rows:
        return summaries(rows), int(rows[0].total_count)
    if offset == 0:
        return [], 0
    return [], int((await session.execute(select(func.count()).select_from(hits))).scalar_one())


async def search_listings(
    session: AsyncSession,
    *,
    query: str = "",
    category: str | None = None,
    creator: str | None = None,
    featured: bool | None = None,
    sort: str = "relevance",
    offset: int = 0,
    limit: int = 20,
) -> SearchPage:
    """Search the visible listings; the same arguments and result shape on every engine.

    ``sort="relevance"`` orders by text rank for a query, and by featured then run count without
    one. ``total`` counts every match, for paging. Public: no user needed.

    Raises:
        InvalidInput: a query over 200 characters, an unknown sort, or an offset past 10,000.
    """
    query, offset, limit = _clean(query, sort, offset, limit)
    dialect = session.bind.dialect.name
    conditions = _filters(dialect, (category or "").strip().lower() or None, creator, featured)
    page = SearchPage(items=[], total=0, offset=offset, limit=limit, query=query)
    if not query:
        page.items, page.total = await _browse(session, conditions, _SORT_KEYS[sort], offset, limit)
        return page
    found = None
    if semantic.available() and meaningful_words(query) and not uses_syntax(query):
        meaning = await _start_meaning(session, query)
        if meaning is not None:
            try:
                found = await _hybrid(session, dialect, query, conditions, meaning, sort, offset, limit)
            finally:
                meaning.cancel()  # only if the full-text part failed first; a finished task ignores it
    if found is None:  # no model, or it failed: full text alone, as before search knew meaning
        fulltext = _postgres if dialect == "postgresql" else _sqlite
        found = await fulltext(session, query, conditions, sort, offset, limit)
    page.items, page.total, page.fuzzy = found
    return page


_SYNTAX = re.compile(r'"|(^|\s)-\w|\sor\s', re.IGNORECASE)


def uses_syntax(query: str) -> bool:
    """Whether a query uses web-search syntax ("a phrase", ``-word``, ``or``): then the person said
    exactly what to match, and full text alone answers."""
    return bool(_SYNTAX.search(query))


async def _start_meaning(session: AsyncSession, query: str) -> asyncio.Future | None:
    """Start embedding ``query`` and scoring it against the listings' matrix in a worker thread (the
    database answers the full-text part meanwhile); None when the model is not there after all."""
    try:
        matrix = await vectors.prepare(session)
    except Exception:  # the model failed to load (logged once) or failed on the background texts
        if semantic.available():
            log.exception("semantic search failed; answering with full text alone")
        return None

    def score() -> list[tuple[str, float]]:
        return vectors.near_candidates(
            matrix,
            semantic.encode_query(query),
            floor=VECTOR_FLOOR,
            floor_lift=VECTOR_FLOOR_LIFT,
            lift=VECTOR_LIFT,
            keep_lift=VECTOR_KEEP_LIFT,
            lowest=VECTOR_LOWEST,
            window=VECTOR_WINDOW,
        )

    return asyncio.ensure_future(asyncio.to_thread(score))


async def _vector_hits(session: AsyncSession, meaning: asyncio.Future, conditions: list) -> list[str] | None:
    """Ids of the listings nearest in meaning to the query (filters applied), or None when that failed."""
    try:
        near = await vectors.visible(session, await meaning, conditions, VECTOR_LIMIT)
    except Exception:  # search by meaning is a bonus: full text answers whatever happens to it
        if semantic.available():  # not the model failing to load: that was logged once already
            log.exception("semantic search failed; answering with full text alone")
        return None
    return [listing_id for listing_id, _ in near]


def _fulltext(dialect: str, query: str):
    """``(source, match condition, relevance score, descending)`` of a full-text query, or None
    when the query has no searchable word (SQLite)."""
    if dialect == "postgresql":
        vector = literal_column("store_listings.search_vector")
        tsquery = select(func.websearch_to_tsquery(literal_column("'english'::regconfig"), query)).scalar_subquery()
        return StoreListing, vector.bool_op("@@")(tsquery), func.ts_rank_cd(vector, tsquery), True
    expression = fts5_query(query)
    if not expression:
        return None
    fts = _fts_hits("store_listings_fts", expression, f"bm25(store_listings_fts, {BM25_WEIGHTS})")
    source = StoreListing.__table__.join(fts, fts.c.hit_rowid == _ROWID)
    matched = _ROWID.in_(
        select(literal_column("rowid"))
        .select_from(table("store_listings_fts"))
        .where(literal_column("store_listings_fts").op("MATCH")(expression))
    )
    return source, matched, fts.c.rank, False


def _hits(source: Any, conditions: list, keys: list[Key]):
    """The matches' ids with their sort keys, as a materialized CTE (each score computed once), and the keys."""
    columns = [StoreListing.id.label("hit_id"), *(expr.label(f"k{i}") for i, (expr, _) in enumerate(keys))]
    hits = (
        select(*columns)
        .select_from(source)
        .where(StoreListing.is_active.is_(True), *conditions)
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    return hits, [hits.c[f"k{i}"] for i in range(len(keys))]


async def _ranked_ids(session: AsyncSession, source: Any, conditions: list, keys: list[Key], depth: int):
    """The first ``depth`` matching ids in ``keys`` order, and how many match in all."""
    hits, hit_keys = _hits(source, conditions, keys)
    rows = (
        await session.execute(
            select(hits.c.hit_id, func.count().over().label("total_count"))
            .order_by(*_order(keys, hit_keys), hits.c.hit_id)
            .limit(depth)
        )
    ).all()
    return [r.hit_id for r in rows], (int(rows[0].total_count) if rows else 0)


def fuse(rankings: list[list[str]], weights: list[float]) -> list[str]:
    """Weighted reciprocal-rank fusion of ranked id lists: ``sum weight / (RRF_K + rank)``; ties keep
    the order of first appearance."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    order = {item: i for i, item in enumerate(dict.fromkeys(i for r in rankings for i in r))}
    return sorted(scores, key=lambda i: (-scores[i], order[i]))


async def _hybrid(
    session: AsyncSession,
    dialect: str,
    query: str,
    conditions: list,
    meaning: asyncio.Future,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[list[ListingSummary], int, bool] | None:
    """Full text (or its typo-tolerant fallback) and the vector hits, fused (relevance) or united;
    None when the vector part failed (the caller then answers with full text alone)."""
    ranked: list[str] = []
    total, exact, matched = 0, False, None
    words = meaningful_words(query)
    # Every word first; a short query then any of them (meaning does the rest).
    attempts = [query, " or ".join(words)] if 1 < len(words) <= ANY_WORD_MAX else [query]
    for text_query in attempts:
        fulltext = _fulltext(dialect, text_query)
        if fulltext is None:
            continue
        source, matched, score, descending = fulltext
        keys = _keys("relevance", score, descending=descending)
        matched_conditions = [*conditions, matched] if dialect == "postgresql" else conditions
        ranked, total = await _ranked_ids(session, source, matched_conditions, keys, FUSE_DEPTH)
        if total:
            exact = text_query == query
            break
    near = await _vector_hits(session, meaning, conditions)
    if near is None:
        return None
    if total:
        lexical = matched
    elif near and len(words) > TYPO_WORDS:
        # No word of a sentence is in any listing, and meaning found some: a sentence is not a typo
        # (and scoring its every word against names is the slowest path of search).
        lexical = StoreListing.id.in_([])
    else:
        scores = await _fuzzy_scores(session, dialect, query, conditions)
        ranked = sorted(scores, key=lambda i: (-scores[i][0], -scores[i][1], i))
        total = len(ranked)
        lexical = StoreListing.id.in_(ranked)
    # ``fuzzy``: no listing has every word; what is shown is close in spelling or in meaning.
    fuzzy = not exact and bool(total or near)
    if sort != "relevance":
        union = or_(lexical, StoreListing.id.in_(near)) if near else lexical
        items, count = await _matched_page(session, StoreListing, [*conditions, union], _SORT_KEYS[sort], offset, limit)
        return items, count, fuzzy
    # A listing with every word of the query counts as much as the nearest in meaning; one with some
    # of the words, or a similar spelling, counts half as much.
    fused = fuse([ranked, near], [1.0 if exact else LOOSE_WEIGHT, 1.0])
    extras = [i for i in near if i not in set(ranked)]
    wanted = fused[offset : offset + limit]
    items = await _by_ids(session, wanted)
    if len(wanted) < limit and matched is not None and total > len(ranked):  # past the fused head: full text
        deep_offset = len(ranked) + max(0, offset - len(fused))
        deeper = [*conditions, StoreListing.id.not_in(extras)] if extras else conditions
        if dialect == "postgresql":
            deeper = [*deeper, matched]
        more, _ = await _matched_page(session, source, deeper, keys, deep_offset, limit - len(wanted))
        items += more
    # Vector hits that full text also matches further down are counted twice: a handful at most.
    return items, total + len(extras), fuzzy


async def _by_ids(session: AsyncSession, ids: list[str]) -> list[ListingSummary]:
    """Summaries of visible listings ``ids``, in that order.

    Read by primary key and checked for visibility here: with ``is_active`` in the WHERE clause,
    SQLite prefers an ``is_active`` index and scans every visible listing.
    """
    if not ids:
        return []
    statement = (
        select(*_SUMMARY_COLUMNS, StoreListing.is_active)
        .join(Creator, Creator.id == StoreListing.creator_id)
        .where(StoreListing.id.in_(ids))
    )
    by_id = {r.id: r for r in (await session.execute(statement)).all() if r.is_active}
    return summaries(by_id[i] for i in ids if i in by_id)


def _keys(sort: str, score: Any, *, descending: bool = True) -> list[Key]:
    """Sort keys of a search: the score (then run count) for relevance, else the chosen sort."""
    return [(score, descending), (StoreListing.run_count, True)] if sort == "relevance" else _SORT_KEYS[sort]


async def _postgres(
    session: AsyncSession, query: str, conditions: list, sort: str, offset: int, limit: int
) -> tuple[list[ListingSummary], int, bool]:
    vector = literal_column("store_listings.search_vector")
    # A scalar subquery: parsed once per statement (an InitPlan), not once per matching row as a
    # bound-parameter function call in the rank expression would be under a generic plan.
    tsquery = select(func.websearch_to_tsquery(literal_column("'english'::regconfig"), query)).scalar_subquery()
    matched = [*conditions, vector.bool_op("@@")(tsquery)]
    keys = _keys(sort, func.ts_rank_cd(vector, tsquery))
    items, total = await _matched_page(session, StoreListing, matched, keys, offset, limit)
    if total:
        return items, total, False
    return await _fuzzy_page(session, await _pg_fuzzy_scores(session, query, conditions), sort, offset, limit)


async def _fuzzy_scores(
    session: AsyncSession, dialect: str, query: str, conditions: list
) -> dict[str, tuple[float, int]]:
    if dialect == "postgresql":
        return await _pg_fuzzy_scores(session, query, conditions)
    return await _sqlite_fuzzy_scores(session, query, conditions)


async def _pg_fuzzy_scores(session: AsyncSession, query: str, conditions: list) -> dict[str, tuple[float, int]]:
    """Nothing in full text: the names and subheadings most similar to the query, typos forgiven."""
    if not meaningful_words(query):
        return {}
    await session.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"), {"t": str(PG_WORD_SIMILARITY)}
    )
    scores: dict[str, tuple[float, int]] = {}
    for column in (StoreListing.name, StoreListing.subheading):
        distance = literal(query, String).op("<<->", return_type=Float)(column)  # 1 - word_similarity
        rows = await session.execute(
            select(StoreListing.id, distance, StoreListing.run_count, StoreListing.name, StoreListing.subheading)
            .where(StoreListing.is_active.is_(True), literal(query, String).bool_op("<%")(column), *conditions)
            .order_by(distance)  # nearest first, from the GiST index: bounded work
            .limit(PG_FUZZY_NEAREST)
        )
        for listing_id, d, runs, name, subheading in rows.all():
            # The index finds candidates for the query as a whole; each word's best match then ranks
            # them, so "loan calculater" puts the loan calculator above every other calculator.
            score = fuzzy_score(query, name, subheading) + (1.0 - d) / 100
            scores[listing_id] = max(scores.get(listing_id, (0.0, runs)), (score, runs))
    return scores


async def _fuzzy_page(
    session: AsyncSession, scores: dict[str, tuple[float, int]], sort: str, offset: int, limit: int
) -> tuple[list[ListingSummary], int, bool]:
    """A page of typo-tolerant candidates (``{id: (similarity, run count)}``), at most a few hundred."""
    if not scores:
        return [], 0, False
    if sort != "relevance":
        ids = [StoreListing.id.in_(list(scores))]
        items, total = await _matched_page(session, StoreListing, ids, _SORT_KEYS[sort], offset, limit)
        return items, total, True
    ranked = sorted(scores, key=lambda i: (-scores[i][0], -scores[i][1], i))
    wanted = ranked[offset : offset + limit]
    rows = (await session.execute(summary_select().where(StoreListing.id.in_(wanted)))).all() if wanted else []
    by_id = {r.id: r for r in rows}
    return summaries(by_id[i] for i in wanted if i in by_id), len(scores), True


async def _sqlite(
    session: AsyncSession, query: str, conditions: list, sort: str, offset: int, limit: int
) -> tuple[list[ListingSummary], int, bool]:
    expression = fts5_query(query)
    if expression:
        fts = _fts_hits("store_listings_fts", expression, f"bm25(store_listings_fts, {BM25_WEIGHTS})")
        source = StoreListing.__table__.join(fts, fts.c.hit_rowid == _ROWID)
        keys = _keys(sort, fts.c.rank, descending=False)  # bm25: lower is better
        items, total = await _matched_page(session, source, conditions, keys, offset, limit)
        if total:
            return items, total, False
    return await _sqlite_fuzzy(session, query, conditions, sort, offset, limit)


async def _sqlite_fuzzy(
    session: AsyncSession, query: str, conditions: list, sort: str, offset: int, limit: int
) -> tuple[list[ListingSummary], int, bool]:
    return await _fuzzy_page(session, await _sqlite_fuzzy_scores(session, query, conditions), sort, offset, limit)


async def _sqlite_fuzzy_scores(session: AsyncSession, query: str, conditions: list) -> dict[str, tuple[float, int]]:
    grams = trigram_query(meaningful_words(query))
    if not grams:
        return {}
    trgm = _fts_hits("store_listings_trgm", grams, "bm25(store_listings_trgm)")
    candidates = (
        await session.execute(
            select(StoreListing.id, StoreListing.name, StoreListing.subheading, StoreListing.run_count)
            .join(trgm, trgm.c.hit_rowid == _ROWID)
            .where(StoreListing.is_active.is_(True), *conditions)
            .order_by(trgm.c.rank)
            .limit(FUZZY_CANDIDATES)
        )
    ).all()
    return {
        r.id: (score, r.run_count)
        for r in candidates
        if (score := fuzzy_score(query, r.name, r.subheading)) >= SQLITE_FUZZY_THRESHOLD
    }
