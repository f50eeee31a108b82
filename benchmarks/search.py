"""Marketplace search benchmark: ``search_listings`` against ``ILIKE '%term%'`` on the same table.

Creates a fresh PostgreSQL database (127.0.0.1:5432), migrates it, loads 100,000 synthetic listings
with COPY (``BENCH_SMOKE=1``: 2,000), then times, for a selective term (in about 0.03% of the
listings), a frequent term (about 10%) and a very frequent one (about 40%):

- ``search_listings(query=term)``: full text, ranked, one page of 20 plus the total;
- the baseline: the same page and total with ``name/subheading/description ILIKE '%term%'``,
  ordered by run count (what a search without an index would do).

Goals: search p95 <= 50 ms and at least 20x faster than the baseline for the selective and the
frequent term. Prints the figures and ratios; drops its database; always exits 0.

    .venv/bin/python benchmarks/search.py
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
LISTINGS = int(os.environ.get("BENCH_LISTINGS", "0")) or (2_000 if SMOKE else 100_000)
SAMPLES = 8 if SMOKE else 40
CREATORS = 50 if SMOKE else 500
PG = dict(host="127.0.0.1", port=5432, user="postgres")

_db_name = f"autogpt_bench_{secrets.token_hex(4)}"
os.environ.update(
    DATABASE_URL=f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{_db_name}",
    SECRET_KEY=secrets.token_urlsafe(48),
    DATA_DIR=str(Path(tempfile.gettempdir()) / _db_name),
    APP_MODE="embedded",
    REDIS_URL="",
    BROKER_URL="",
)

import psycopg  # noqa: E402

CATEGORIES = [
    "productivity", "writing", "marketing", "finance", "developer tools", "data", "research", "news",
    "monitoring", "utilities", "scheduling", "ai", "analytics", "calculators", "notifications",
]  # fmt: skip
_SYLLABLES = ["ka", "lo", "mi", "ren", "to", "va", "shi", "pur", "den", "qua", "zel", "mor", "tig", "bel", "fan"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Distinct pseudo-words of three syllables (no English stop words, no shared stems by design)."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(3)) + rng.choice(["", "s", "er", "ing", "ly"]))
    return sorted(words)


def make_rows(n: int, creator_ids: list[str], graph_id: str) -> tuple[list[tuple], Counter]:
    """``n`` listing rows for COPY, with Zipf-distributed words; also each word's document frequency."""
    rng = random.Random(42)
    words = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(words))))
    now = datetime.now(UTC)
    rows, df = [], Counter()
    for i in range(n):
        name_words = rng.choices(words[:2000], k=rng.randint(2, 4))
        sub = rng.choices(words, cum_weights=cumulative, k=rng.randint(5, 9))
        desc = rng.choices(words, cum_weights=cumulative, k=rng.randint(30, 50))
        name = " ".join(w.capitalize() for w in name_words)
        votes = rng.choice([0, 0, 1, 3, 12, 40])
        stars = sum(rng.randint(2, 5) for _ in range(votes))
        rating = (stars, votes, stars / votes if votes else 0.0)
        df.update(set(name_words) | set(sub) | set(desc))
        rows.append(
            (
                str(uuid.uuid4()),
                f"listing-{i}",
                creator_ids[i % len(creator_ids)],
                name,
                " ".join(sub).capitalize(),
                " ".join(desc).capitalize() + ".",
                json.dumps(rng.sample(CATEGORIES, rng.randint(1, 3))),
                "",
                i % 97 == 0,
                graph_id,
                int(rng.paretovariate(1.2) * 10),
                *rating,
                True,
                now - timedelta(minutes=i),
                now - timedelta(minutes=i),
            )
        )
    return rows, df


def pick(df: Counter, share: float, n: int) -> str:
    """The word whose document frequency is closest to ``share`` of the listings."""
    return min(df, key=lambda w: (abs(df[w] - share * n), w))


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


async def seed() -> tuple[list[str], str]:
    from autogpt_app.auth.models import User
    from autogpt_app.db import session_scope
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec
    from autogpt_app.store.models import Creator

    output = "363ae599-353e-4804-937e-b2ee3cef3da4"
    async with session_scope() as s:
        users = [
            User(email=f"c{i}@example.com", display_name=f"Creator {i}", password_hash="!") for i in range(CREATORS)
        ]
        s.add_all(users)
        await s.flush()
        creators = [Creator(user_id=u.id, username=f"creator-{i}", name=u.display_name) for i, u in enumerate(users)]
        s.add_all(creators)
        spec = GraphSpec.model_validate(
            {"name": "Bench", "nodes": [{"id": "o", "block_id": output, "input_default": {"name": "x"}}], "links": []}
        )
        graph = await graphs.create_graph(s, users[0], spec)
        return [c.id for c in creators], graph.id


def load(rows: list[tuple]) -> float:
    columns = (
        "id, slug, creator_id, name, subheading, description, categories, image_url, featured, graph_id, "
        "run_count, rating_sum, rating_count, rating_average, is_active, created_at, updated_at"
    )
    started = time.perf_counter()
    with psycopg.connect(dbname=_db_name, autocommit=True, **PG) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY store_listings ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute("VACUUM ANALYZE")  # what autovacuum would have done by then
    return time.perf_counter() - started


async def timed(fn, samples: int) -> tuple[list[float], object]:
    result = await fn()  # warm up
    await fn()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        result = await fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(terms: dict[str, str], df: Counter) -> None:
    from sqlalchemy import func, or_

    from autogpt_app.db import session_scope
    from autogpt_app.store.models import StoreListing
    from autogpt_app.store.search import search_listings, summary_select

    async def search(term: str):
        async with session_scope() as s:
            return (await search_listings(s, query=term)).total

    async def ilike(term: str):
        pattern = f"%{term}%"
        statement = (
            summary_select(func.count().over().label("total_count"))
            .where(
                or_(
                    StoreListing.name.ilike(pattern),
                    StoreListing.subheading.ilike(pattern),
                    StoreListing.description.ilike(pattern),
                )
            )
            .order_by(StoreListing.run_count.desc(), StoreListing.id)
            .limit(20)
        )
        async with session_scope() as s:
            rows = (await s.execute(statement)).all()
        return rows[0].total_count if rows else 0

    print(f"search benchmark ({'smoke' if SMOKE else 'full'} size: {LISTINGS:,} listings, PostgreSQL)")
    for label, term in terms.items():
        fast, found = await timed(lambda t=term: search(t), SAMPLES)
        slow, matched = await timed(lambda t=term: ilike(t), SAMPLES)
        ratio50, ratio95 = p(slow, 0.5) / p(fast, 0.5), p(slow, 0.95) / p(fast, 0.95)
        goal = label != "very frequent"
        verdict = ""
        if goal:
            ok = ratio50 >= 20 and p(fast, 0.95) <= 50
            verdict = "  [goal met]" if ok else "  [goal missed]" + (" (smoke size: not meaningful)" if SMOKE else "")
        print(
            f"  {label:13} term {term!r}: in {df[term]:,} listings ({df[term] / LISTINGS:.2%}); "
            f"full text found {found:,}, ILIKE {matched:,}\n"
            f"    search_listings p50 {p(fast, 0.5):6.2f} ms  p95 {p(fast, 0.95):6.2f} ms\n"
            f"    ILIKE baseline  p50 {p(slow, 0.5):6.2f} ms  p95 {p(slow, 0.95):6.2f} ms\n"
            f"    -> {ratio50:.1f}x faster at p50, {ratio95:.1f}x at p95 "
            f"{'(goal >= 20x, p95 <= 50 ms)' if goal else '(reported, no goal)'}{verdict}"
        )


def main() -> None:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{_db_name}"')
    try:
        from autogpt_app.cli import run_migrations
        from autogpt_app.db import dispose_engine

        run_migrations()

        async def run() -> None:
            creator_ids, graph_id = await seed()
            started = time.perf_counter()
            rows, df = make_rows(LISTINGS, creator_ids, graph_id)
            made = time.perf_counter() - started
            loaded = load(rows)
            print(
                f"generated {LISTINGS:,} listings in {made:.1f} s, loaded with COPY + VACUUM ANALYZE in {loaded:.1f} s"
            )
            terms = {
                "selective": pick(df, 0.0003, LISTINGS),
                "frequent": pick(df, 0.10, LISTINGS),
                "very frequent": pick(df, 0.40, LISTINGS),
            }
            await measure(terms, df)
            await dispose_engine()

        asyncio.run(run())
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
