"""Library benchmark: the first page of a 10,000-agent library, against loading every row in the same run.

One user owns 10,000 agents (graphs, versions and library entries inserted with COPY) in a fresh
PostgreSQL database. Measured over 50 calls each:

1. Server time of ``list_library`` for the first page (default sort; also every other sort, the
   favourites row and a search). Goal: p95 <= 100 ms.
2. JSON size of one page of items, which is what a page's state holds. Goal: <= 100 KB.

Baseline: selecting all of the user's rows and turning them into the same items, in the same run.
``BENCH_SMOKE=1`` uses 1,000 agents (what the test command does). The database is dropped at the end.

    .venv/bin/python benchmarks/library.py
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
AGENTS = int(os.environ.get("BENCH_AGENTS", "0")) or (1_000 if SMOKE else 10_000)
CALLS = 50
PG = dict(host="127.0.0.1", port=5432, user="postgres")
GOAL_P95_MS = 100
GOAL_PAGE_BYTES = 100 * 1024

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

SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
WORDS = [
    "digest",
    "writer",
    "summary",
    "news",
    "weather",
    "invoice",
    "calendar",
    "reminder",
    "translator",
    "mailer",
    "report",
    "scraper",
    "tracker",
    "monitor",
    "budget",
    "recipe",
    "travel",
    "fitness",
    "research",
    "social",
    "blog",
    "podcast",
    "meeting",
    "lead",
    "crm",
]


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


def _graph_doc(n_inputs: int) -> tuple[list, list, dict]:
    nodes = [{"id": f"in{i}", "block_id": SHORT_TEXT, "input_default": {"name": f"field_{i}"}} for i in range(n_inputs)]
    nodes.append({"id": "out", "block_id": OUTPUT, "input_default": {"name": "result"}})
    links = [{"source_id": "in0", "sink_id": "out", "source_name": "result", "sink_name": "value", "is_static": False}]
    schema = {
        "type": "object",
        "properties": {f"field_{i}": {"title": f"Field {i}", "type": "string"} for i in range(n_inputs)},
        "required": [f"field_{i}" for i in range(n_inputs)],
    }
    return nodes, links, schema


def seed(user_id: str, count: int) -> None:
    """Insert ``count`` graphs, versions and library entries for one user with COPY."""
    rng = random.Random(42)
    now = datetime.now(UTC)
    empty_schema = json.dumps({"type": "object", "properties": {}, "required": []})
    with psycopg.connect(dbname=_db_name, **PG) as conn, conn.cursor() as cur:
        graphs, versions, entries, runs_rows = [], [], [], []
        for i in range(count):
            gid, created = str(uuid.uuid4()), now - timedelta(minutes=rng.randint(0, 525_600))
            words = rng.sample(WORDS, 3)
            name = f"{words[0].title()} {words[1]} {i:05d}"
            description = f"Agent that handles {' and '.join(words)}. " + " ".join(rng.choices(WORDS, k=40))
            nodes, links, schema = _graph_doc(rng.randint(0, 4))
            graphs.append((gid, user_id, 1, 1, created, created))
            versions.append(
                (
                    str(uuid.uuid4()),
                    gid,
                    1,
                    name,
                    description,
                    json.dumps(nodes),
                    json.dumps(links),
                    "[]",
                    json.dumps(schema),
                    empty_schema,
                    empty_schema,
                    user_id,
                    created,
                )
            )
            runs = rng.choice((0, 0, 1, 3, 12, 40))
            # Run counts and last runs are derived from the runs themselves: seed the runs.
            last_run = created + timedelta(minutes=rng.randint(1, 10_000))
            for r in range(runs):
                at = last_run - timedelta(minutes=r)
                runs_rows.append(
                    (str(uuid.uuid4()), gid, 1, user_id, "COMPLETED", "{}", "{}", "{}", False, 1, 0, at, at, at)
                )
            entries.append(
                (
                    str(uuid.uuid4()),
                    user_id,
                    gid,
                    None,
                    rng.choice(("created", "upload", "marketplace")),
                    None,
                    name,
                    description,
                    rng.random() < 0.1,
                    rng.random() < 0.05,
                    created,
                    created + timedelta(minutes=rng.randint(0, 1000)),
                )
            )
        copies = {
            "graphs (id, owner_id, active_version, latest_version, created_at, updated_at)": graphs,
            "graph_versions (id, graph_id, version, name, description, nodes, links, sub_graphs, input_schema, "
            "output_schema, credentials_input_schema, created_by, created_at)": versions,
            "library_agents (id, user_id, graph_id, graph_version, source, store_listing_id, name, description, "
            "is_favorite, is_archived, created_at, updated_at)": entries,
            "graph_executions (id, graph_id, graph_version, user_id, status, inputs, credentials, outputs, "
            "stop_requested, attempts, depth, created_at, started_at, ended_at)": runs_rows,
        }
        for target, rows in copies.items():
            with cur.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
        cur.execute("ANALYZE")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


async def _time(call, calls: int = CALLS) -> tuple[float, float, object]:
    from autogpt_app.db import session_scope

    samples, result = [], None
    for _ in range(calls):
        start = time.perf_counter()
        async with session_scope() as s:
            result = await call(s)
        samples.append((time.perf_counter() - start) * 1000)
    p50, p95 = _percentiles(samples)
    return p50, p95, result


async def run() -> None:
    from sqlalchemy import select

    from autogpt_app.auth import service as auth
    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.library import service
    from autogpt_app.library.models import LibraryAgent, LibraryPage

    async with session_scope() as s:
        user = await auth.signup(s, email="bench@example.com", display_name="Bench", password="violet-harbour-42")
    start = time.perf_counter()
    seed(user.id, AGENTS)
    print(f"library benchmark ({'smoke' if SMOKE else 'full'} size: {AGENTS:,} agents for one user, PostgreSQL)")
    print(f"   seeded with COPY in {time.perf_counter() - start:.2f} s (with each agent's runs: 0-40)")

    async def first_page(s, **kwargs) -> LibraryPage:
        return await service.list_library(s, user, **kwargs)

    async def everything(s):
        rows = (await s.execute(select(LibraryAgent).where(LibraryAgent.user_id == user.id))).scalars().all()
        return [service._summary(r, 0) for r in rows]

    await _time(first_page, 5)  # warm up the pool and caches
    p50, p95, page = await _time(first_page)
    page_bytes = len(page.model_dump_json(include={"items"}))
    base50, base95, items = await _time(everything)
    all_bytes = len(json.dumps([i.model_dump(mode="json") for i in items]))

    print(
        f"1. first page ({len(page.items)} of {page.total:,} items): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(goal p95 <= {GOAL_P95_MS} ms: {'met' if p95 <= GOAL_P95_MS else 'MISSED'})"
    )
    print(
        f"   baseline, all {len(items):,} rows: p50 {base50:.1f} ms, p95 {base95:.1f} ms "
        f"-> first page is {base50 / p50:.1f}x faster at p50, {base95 / p95:.1f}x at p95"
    )
    print(
        f"2. page state (JSON of one page of items): {page_bytes / 1024:.1f} KB "
        f"(goal <= {GOAL_PAGE_BYTES // 1024} KB: {'met' if page_bytes <= GOAL_PAGE_BYTES else 'MISSED'}); "
        f"all rows {all_bytes / 1024:.0f} KB -> {all_bytes / page_bytes:.0f}x smaller"
    )
    variants = {
        "sort=name": {"sort": "name"},
        "sort=created": {"sort": "created"},
        "sort=last_run": {"sort": "last_run"},
        "sort=run_count": {"sort": "run_count"},
        "favourites": {"favorites": True},
        "search 'digest'": {"query": "digest"},
        "page 20": {"offset": 19 * 24},
    }
    for label, kwargs in variants.items():

        async def call(s, kwargs=kwargs):
            return await service.list_library(s, user, **kwargs)

        v50, v95, result = await _time(call, 20)
        print(f"   {label:<16} p50 {v50:6.1f} ms, p95 {v95:6.1f} ms ({result.total:,} matching)")
    await dispose_engine()


def main() -> None:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{_db_name}"')
    try:
        from autogpt_app.cli import run_migrations

        run_migrations()
        asyncio.run(run())
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
