"""Agent discovery benchmark: ``find_agent`` by meaning (hybrid) against full text alone, on both engines.

Queries: ``benchmarks/discovery_queries.tsv`` (114, written by hand, 40 of them in German, French or
Spanish), each naming the seeded listing a person means; none shares a word (or a word's first five
letters) with that listing's name, stop words such as "and" or "to" aside, which this script checks
before measuring.

For SQLite and for PostgreSQL (each in its own process, with a fresh database):

1. migrate, seed the built-in catalogue (37 agents; their vectors are computed by the seeding);
2. recall@3: the share of queries whose agent is among the first three that the copilot's
   ``find_agent`` tool returns, with the embedding model off (today's full text, including the tool's
   "any word" retry) and on (hybrid: full text fused with vectors);
3. add synthetic listings (10,000; ``BENCH_SMOKE=1``: 500) and time ``search_listings`` for every
   query once, with cold query vectors (the query cache is cleared: each query is embedded inside
   the timed call), hybrid and full text alone; recall@3 is measured again among them.

Synthetic listings: names and texts from templates (an adjective, a subject such as "invoice" or
"playlist", and a kind such as "tracker" or "planner": 320 distinct subject-kind texts), numbered
to be unique. The 320 texts are embedded once by the real model; each listing stores its text's vector
plus a little Gaussian noise (sigma 0.01 per dimension, then normalised), so 10,000 rows need no
10,000 model calls, and the matrix search still has 10,000 distinct vectors to rank.

Goals (full size): hybrid recall@3 >= 0.9 on the catalogue and search p95 <= 50 ms with 10,000
listings, on both engines. Prints figures and ratios against full text measured in the same run;
exits 1 when a goal is missed at full size.

    .venv/bin/python benchmarks/discovery.py
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
LISTINGS = int(os.environ.get("BENCH_LISTINGS", "0")) or (500 if SMOKE else 10_000)
QUERIES = Path(__file__).with_name("discovery_queries.tsv")
RECALL_GOAL = 0.9
P95_GOAL_MS = 50.0
PG = dict(host="127.0.0.1", port=5432, user="postgres")

ADJECTIVES = ["Smart", "Quick", "Daily", "Team", "Simple", "Pro", "Auto", "Easy", "Instant", "Personal"]
SUBJECTS = [
    "invoice", "recipe", "playlist", "fitness", "inventory", "sales lead", "support ticket", "podcast",
    "resume", "travel", "weather", "crypto price", "calendar", "survey", "expense", "job posting",
    "customer review", "code review", "sprint", "newsletter", "flight", "grocery", "habit", "contract",
    "password", "photo", "video", "github issue", "server log", "web form", "shipment", "competitor",
]  # fmt: skip
KINDS = {
    "Tracker": "Keeps track of every {s} and shows how it changes over time",
    "Planner": "Plans your {s} schedule for the week ahead",
    "Assistant": "Answers questions about your {s} in plain language",
    "Generator": "Generates a fresh {s} draft from a few notes",
    "Analyzer": "Analyzes {s} data and points out what stands out",
    "Monitor": "Watches {s} changes and alerts you when something happens",
    "Organizer": "Sorts and tags each {s} so you find it again",
    "Reporter": "Sends a weekly report on your {s} activity",
    "Helper": "Helps you get the {s} chores done faster",
    "Importer": "Imports {s} records from another tool",
}


def synthetic_texts() -> list[tuple[str, str, str]]:
    """``(name stem, subheading, embedded text)`` for every subject and kind (320; smoke size 80)."""
    out = []
    for subject in SUBJECTS[:8] if SMOKE else SUBJECTS:
        for kind, template in KINDS.items():
            stem = f"{subject.title()} {kind}"
            sub = template.format(s=subject)
            out.append((stem, sub, f"{stem}. {sub}"))
    return out


def load_queries() -> list[tuple[str, str, str]]:
    rows = []
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            slug, language, query = line.split("\t")
            rows.append((slug, language, query))
    return rows


#: Words too common to count as shared (no search engine ranks by them).
STOP_WORDS = {"a", "an", "and", "the", "to", "of", "in", "on", "for", "with", "from", "or", "by", "at"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", text.lower()) if w not in STOP_WORDS}


def shared_word(query: str, name: str) -> str | None:
    """A word of ``query`` that is a word of ``name`` (or starts with the same five letters)."""
    names = _words(name)
    for word in _words(query):
        for other in names:
            if word == other or (len(word) >= 5 and len(other) >= 5 and word[:5] == other[:5]):
                return word
    return None


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- one engine, in its own process ------------------------------------------------------------------


async def _recall(queries: list[tuple[str, str, str]]) -> tuple[float, dict[str, float], list[str]]:
    from autogpt_app.chat import tools

    hits, by_language, misses = 0, {}, []
    for slug, language, query in queries:
        result = await tools.run_tool("find_agent", {"query": query}, user=None)  # what the copilot calls
        top = [agent["id"] for agent in result.get("agents", [])][:3]
        found = slug in top
        hits += found
        seen, total = by_language.get(language, (0, 0))
        by_language[language] = (seen + found, total + 1)
        if not found:
            misses.append(f"{query!r} -> {slug} (got {', '.join(top) or 'nothing'})")
    return hits / len(queries), {k: round(a / b, 3) for k, (a, b) in sorted(by_language.items())}, misses


async def _add_synthetic(n: int, pool_path: str) -> float:
    import numpy as np
    from sqlalchemy import insert, select, text

    from autogpt_app.db import session_scope
    from autogpt_app.store import semantic
    from autogpt_app.store.models import StoreListing
    from autogpt_app.timeutil import utcnow

    pool = np.load(pool_path)
    texts = synthetic_texts()
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    async with session_scope() as session:
        creator_id, graph_id = (await session.execute(select(StoreListing.creator_id, StoreListing.graph_id))).first()
        now = utcnow()
        rows = []
        for i in range(n):
            k = i % len(texts)
            stem, sub, _ = texts[k]
            vector = pool[k] + rng.normal(0, 0.01, semantic.DIM).astype(np.float32)
            vector /= np.linalg.norm(vector)
            adjective = ADJECTIVES[(i // len(texts)) % len(ADJECTIVES)]
            rows.append(
                {
                    "id": f"00000000-0000-4000-8000-{i:012d}",
                    "slug": f"synthetic-{i}",
                    "creator_id": creator_id,
                    "graph_id": graph_id,
                    "name": f"{adjective} {stem} {i}",
                    "subheading": sub,
                    "description": f"{sub}. Made for the discovery benchmark (listing {i}).",
                    "categories": ["utilities"],
                    "is_active": True,
                    "run_count": i % 50,
                    "embedding": semantic.to_bytes(vector),
                    "embedding_key": "synthetic",
                    "embedded_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for start in range(0, n, 1000):
            await session.execute(insert(StoreListing), rows[start : start + 1000])
    if session.get_bind().dialect.name == "postgresql":
        async with session_scope() as session:  # what autovacuum would have done by then
            await session.execute(text("ANALYZE"))
    return time.perf_counter() - started


async def _latency(queries: list[tuple[str, str, str]]) -> list[float]:
    from autogpt_app.chat.tools import MAX_RESULTS
    from autogpt_app.db import session_scope
    from autogpt_app.store import semantic
    from autogpt_app.store.search import search_listings

    semantic.clear_cache()
    async with session_scope() as session:  # warm up: model loaded, matrix read, plans cached
        await search_listings(session, query="warm up", limit=MAX_RESULTS)
    semantic.clear_cache()
    times = []
    for _, _, query in queries:
        started = time.perf_counter()
        async with session_scope() as session:
            await search_listings(session, query=query, limit=MAX_RESULTS)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def engine_run(engine: str, pool_path: str) -> dict:
    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.store import semantic
    from autogpt_app.store.seed import seed_catalogue

    queries = load_queries()
    out: dict = {"engine": engine}
    semantic.reset()
    started = time.perf_counter()
    async with session_scope() as session:
        await seed_catalogue(session)
    out["seed_seconds"] = round(time.perf_counter() - started, 2)
    for size in ("catalogue", "large"):
        if size == "large":
            out["load_seconds"] = round(await _add_synthetic(LISTINGS, pool_path), 2)
        for mode in ("fulltext", "hybrid"):
            semantic.disable() if mode == "fulltext" else semantic.reset()
            recall, by_language, misses = await _recall(queries)
            out[f"{size}_{mode}_recall"] = recall
            out[f"{size}_{mode}_by_language"] = by_language
            out[f"{size}_{mode}_misses"] = misses
            if size == "large":
                times = await _latency(queries)
                out[f"{mode}_p50"], out[f"{mode}_p95"] = p(times, 0.5), p(times, 0.95)
    await dispose_engine()
    return out


def child(engine: str, pool_path: str) -> None:
    db_name = f"autogpt_bench_{secrets.token_hex(4)}"
    tmp = Path(tempfile.mkdtemp(prefix=db_name))
    if engine == "postgres":
        import psycopg

        url = f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{db_name}"
        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    os.environ.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATA_DIR=str(tmp / "data"),
        APP_MODE="embedded",
        REDIS_URL="",
        BROKER_URL="",
    )
    try:
        from autogpt_app.cli import run_migrations

        run_migrations()
        print(json.dumps(asyncio.run(engine_run(engine, pool_path))))
    finally:
        if engine == "postgres":
            with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


# --- the parent: checks the queries, embeds the synthetic pool once, runs both engines, reports ---------


def main() -> int:
    from autogpt_app.store import semantic
    from autogpt_app.store.seed import CATALOGUE

    names = {agent.slug: agent.listing_fields["name"] for agent in CATALOGUE}
    queries = load_queries()
    problems = [f"{q!r}: unknown agent {s}" for s, _, q in queries if s not in names]
    problems += [
        f"{q!r} shares {w!r} with {names[s]!r}" for s, _, q in queries if s in names and (w := shared_word(q, names[s]))
    ]
    if problems or len(queries) < 100:
        print("the queries are not fit to measure:", *problems, f"({len(queries)} queries)", sep="\n  ")
        return 1
    if not semantic.load():
        print("the embedding model is not installed (pip install -r requirements.txt): nothing to compare")
        return 1
    languages = sorted({language for _, language, _ in queries})
    print(
        f"discovery benchmark ({'smoke' if SMOKE else 'full'} size): {len(queries)} queries "
        f"({', '.join(f'{lang} {sum(1 for _, g, _ in queries if g == lang)}' for lang in languages)}), "
        f"37 catalogue agents, then {LISTINGS:,} listings"
    )
    started = time.perf_counter()
    pool = asyncio.run(semantic.embed_passages([text for _, _, text in synthetic_texts()]))
    print(f"embedded {len(pool)} synthetic texts in {time.perf_counter() - started:.1f} s")
    with tempfile.NamedTemporaryFile(suffix=".npy", delete=False) as handle:
        import numpy as np

        np.save(handle, pool)
    missed = []
    try:
        for engine in ("sqlite", "postgres"):
            proc = subprocess.run(  # noqa: S603 - this very script
                [sys.executable, __file__, "--engine", engine, handle.name],
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                print(proc.stdout, proc.stderr, sep="\n")
                return 1
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            ft, hy = r["catalogue_fulltext_recall"], r["catalogue_hybrid_recall"]
            print(
                f"\n{engine}: seeded in {r['seed_seconds']} s (vectors included), "
                f"{LISTINGS:,} synthetic listings loaded in {r['load_seconds']} s\n"
                f"  recall@3, catalogue:        full text {ft:.3f}  hybrid {hy:.3f}  "
                f"(x{hy / ft if ft else float('inf'):.1f}; goal >= {RECALL_GOAL})\n"
                f"    by language, hybrid:      {r['catalogue_hybrid_by_language']}\n"
                f"    by language, full text:   {r['catalogue_fulltext_by_language']}\n"
                f"  recall@3, +{LISTINGS:,} listings: full text {r['large_fulltext_recall']:.3f}  "
                f"hybrid {r['large_hybrid_recall']:.3f}\n"
                f"  search latency, {LISTINGS:,} listings, cold query vectors:\n"
                f"    hybrid    p50 {r['hybrid_p50']:6.2f} ms  p95 {r['hybrid_p95']:6.2f} ms (goal <= {P95_GOAL_MS})\n"
                f"    full text p50 {r['fulltext_p50']:6.2f} ms  p95 {r['fulltext_p95']:6.2f} ms  "
                f"-> hybrid costs x{r['hybrid_p95'] / r['fulltext_p95']:.1f} at p95"
            )
            for miss in r["catalogue_hybrid_misses"]:
                print(f"    hybrid miss: {miss}")
            if hy < RECALL_GOAL:
                missed.append(f"{engine} hybrid recall@3 {hy:.3f} < {RECALL_GOAL}")
            if r["hybrid_p95"] > P95_GOAL_MS:
                missed.append(f"{engine} hybrid p95 {r['hybrid_p95']:.1f} ms > {P95_GOAL_MS} ms")
    finally:
        os.unlink(handle.name)
    if missed:
        print("\ngoal missed: " + "; ".join(missed) + (" (smoke size: not enforced)" if SMOKE else ""))
        return 0 if SMOKE else 1
    print("\nall goals met" + (" (smoke size)" if SMOKE else ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--engine":
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
