"""Database engines and sessions (async on both SQLite and PostgreSQL).

The engine is created lazily from settings, never at import time, so tests and tools can
point ``DATABASE_URL`` elsewhere before the first use. Async connections belong to the event
loop that opened them, so there is one engine per running loop: the web server's loop, each
worker thread's loop, a test's loop. Migrations are a separate, explicit step
(``alembic upgrade head``); nothing here creates tables.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from autogpt_app import db_budget
from autogpt_app.db_budget import PoolRole
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

_engines: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, tuple[AsyncEngine, async_sessionmaker, async_sessionmaker]
] = weakref.WeakKeyDictionary()


_thread_role = threading.local()


def use_pool_role(role: PoolRole, *, unless_set: bool = False) -> None:
    """Declare what the calling thread's event loop is for, before its first database use.

    Engines are sized from the connection budget (:mod:`autogpt_app.db_budget`) by role: a worker
    thread's or a scheduler thread's loop gets a small fixed share, the run publisher's and the
    relay's loop one connection ("sender"), the web process's loop the rest. Threads that never call
    this are ``"web"``. With ``unless_set`` a role the thread already declared is kept.
    """
    if unless_set and hasattr(_thread_role, "value"):
        return
    _thread_role.value = role


def _pool_role() -> PoolRole:
    return getattr(_thread_role, "value", "web")


def _pool_args(max_connections: int, timeout: float) -> dict:
    """Pool arguments holding at most ``max_connections``: a few kept open, the rest opened when busy."""
    kept = min(5, max_connections)
    return {"pool_size": kept, "max_overflow": max_connections - kept, "pool_timeout": timeout}


def make_engine(url: str, *, max_connections: int | None = None, pool_timeout: float = 30.0) -> AsyncEngine:
    """Create an async engine for ``url`` with settings fit for its dialect.

    ``max_connections`` caps the pool (and how long a checkout waits, ``pool_timeout``); without it the
    pool is SQLAlchemy's default, for one-off tools such as migrations.
    """
    pool = _pool_args(max_connections, pool_timeout) if max_connections else {}
    if url.startswith("sqlite"):
        if ":memory:" in url:
            pool = {}  # one shared in-memory connection (SQLAlchemy's StaticPool) takes no pool sizes
        engine = create_async_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives an application crash; only a power loss can drop the
            # last commits. FULL would flush the disk on every commit.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # No pre-ping (it costs a round trip per checkout on hot paths); connections are recycled and a
    # connection broken by a database restart is discarded on its first error.
    return create_async_engine(url, pool_recycle=1800, **(pool or {"pool_size": 10, "max_overflow": 10}))


def _current() -> tuple[AsyncEngine, async_sessionmaker, async_sessionmaker]:
    """The running loop's engine, its session factory, and a factory of autocommit sessions (reads)."""
    loop = asyncio.get_running_loop()
    pair = _engines.get(loop)
    if pair is None:
        settings = get_settings()
        if settings.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        limit = db_budget.plan(settings).pool_limit(_pool_role())
        engine = make_engine(
            settings.database_url, max_connections=limit, pool_timeout=settings.db_pool_timeout_seconds
        )
        # Same pool; a checked-out connection runs in autocommit and is reset when it goes back.
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        pair = (
            engine,
            async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False),
            async_sessionmaker(reader, class_=AsyncSession, expire_on_commit=False),
        )
        _engines[loop] = pair
    return pair


def get_engine() -> AsyncEngine:
    """Return the engine of the running event loop, creating it on first use."""
    return _current()[0]


_recorders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = weakref.WeakKeyDictionary()


def get_recorder_engine() -> AsyncEngine:
    """The running loop's engine for the execution engine's own writes (its own small pool).

    Its connections are in autocommit, one statement a transaction, and on PostgreSQL they commit
    asynchronously (``synchronous_commit=off``, set once per connection): a commit returns before
    its WAL record reaches the disk, so a run's many small writes skip a disk flush each. Only a
    crash of the database server itself can lose the last fraction of a second of them. Kept
    apart from :func:`get_engine` so the setting never reaches other writes.
    """
    loop = asyncio.get_running_loop()
    engine = _recorders.get(loop)
    if engine is None:
        settings = get_settings()
        url = settings.database_url
        if url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        else:
            engine = create_async_engine(
                url,
                pool_recycle=1800,
                **_pool_args(db_budget.plan(settings).recorder, settings.db_pool_timeout_seconds),
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c synchronous_commit=off"},
            )
        _recorders[loop] = engine
    return engine


#: What a person reads when the database refused a connection (API 503, pages' notice).
DATABASE_BUSY = "The service is busy right now (the database is at capacity). Please try again in a few seconds."


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database refused or lost the connection (too many clients, refused,
    pool exhausted, server gone): the request may succeed if tried again shortly."""
    if isinstance(exc, (sa_exc.TimeoutError, sa_exc.OperationalError, sa_exc.InterfaceError)):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


def after_commit(session: AsyncSession, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the session's transaction has committed (e.g. enqueue a job).

    Work that must only happen for data that really exists — sending a message that carries an
    id — goes here, so a rolled-back request never leaves a message pointing at nothing.
    """
    session.info.setdefault("after_commit", []).append(callback)


@asynccontextmanager
async def session_scope(*, reading: bool = False) -> AsyncIterator[AsyncSession]:
    """Open a session; commit on success, roll back on error, then run after-commit callbacks.

    Services flush; this scope (the caller) commits, so one request is one transaction.

    ``reading``: a request that only reads (the API's GET routes). Its statements run in autocommit,
    which spares the ``BEGIN`` and ``COMMIT`` round trips; a write it makes all the same (the last-use
    time of an API key) is one statement, committed at once.
    """
    factory = _current()[2 if reading else 1]
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            session.info.pop("after_commit", None)
            raise
        for callback in session.info.pop("after_commit", []):
            try:
                result = callback()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # the data is committed; a failed follow-up must not undo the request
                log.exception("after-commit callback failed")


async def execute_autocommit(statement) -> None:
    """Run one write statement on its own, committed at once (one round trip, no ORM).

    For hot paths whose every write stands alone, such as recording a node run.
    """
    async with get_engine().connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(statement)


async def dispose_engine() -> None:
    """Close the running loop's pooled connections and forget its engine (tests, shutdown)."""
    loop = asyncio.get_running_loop()
    pair = _engines.pop(loop, None)
    if pair is not None:
        await pair[0].dispose()
    recorder = _recorders.pop(loop, None)
    if recorder is not None:
        await recorder.dispose()
