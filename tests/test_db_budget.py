"""The database connection budget: every pool is sized from DB_MAX_CONNECTIONS and what runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from autogpt_app import db, db_budget
from autogpt_app.settings import PROJECT_ROOT, ConfigurationError, Settings


def _production(**overrides) -> Settings:
    values = {
        "app_mode": "production",
        "database_url": "postgresql+psycopg://u@db/app",
        "redis_url": "redis://redis:6379/0",
        "broker_url": "amqp://guest:guest@rabbitmq:5672/",
        **overrides,
    }
    return Settings(_env_file=None, **values)


def _most_at_once(settings: Settings) -> int:
    """Every engine of every process at its cap, counted the way the processes open them."""
    plan = db_budget.plan(settings)
    worker_loop = plan.pool_limit("worker")
    sender = plan.pool_limit("sender")  # the run publisher, and the relay in a worker process
    per_worker = settings.worker_threads * (worker_loop + plan.recorder) + worker_loop + sender
    per_scheduler = (settings.scheduler_threads + db_budget.SCHEDULER_EXTRA_LOOPS) * plan.pool_limit(
        "scheduler"
    ) + sender
    return (
        plan.web_processes * (plan.pool_limit("web") + sender)
        + plan.worker_processes * per_worker
        + plan.scheduler_processes * per_scheduler
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # the compose file's topology: 3 web, 1 worker × 4 threads, leader + standby scheduler
        {"web_workers": 5, "worker_processes": 2, "worker_threads": 2, "db_max_connections": 95},
        {"web_workers": 1, "worker_processes": 2, "scheduler_threads": 2, "db_max_connections": 100},
    ],
)
def test_every_pool_together_stays_within_the_budget(overrides):
    settings = _production(**overrides)
    assert _most_at_once(settings) <= settings.db_max_connections
    # The default leaves PostgreSQL's default max_connections (100) room for psql and migrations.
    assert _production().db_max_connections < 100


def test_web_processes_share_what_workers_and_schedulers_leave():
    plan = db_budget.plan(_production())
    assert plan.web_processes == 3  # with Redis and no WEB_WORKERS
    assert plan.per_web_process == (90 - plan.workers - plan.schedulers) // 3 - db_budget.SENDER_LOOP_CONNECTIONS
    assert plan.per_web_process >= db_budget.MIN_WEB_CONNECTIONS


def test_embedded_mode_counts_the_workers_and_scheduler_inside_the_web_process():
    settings = Settings(_env_file=None, database_url="postgresql+psycopg://u@db/app", db_max_connections=60)
    plan = db_budget.plan(settings)
    assert (plan.web_processes, plan.worker_processes, plan.scheduler_processes) == (1, 1, 1)
    assert _most_at_once(settings) <= 60


def test_a_budget_too_small_refuses_to_start_and_says_why():
    with pytest.raises(ConfigurationError, match="DB_MAX_CONNECTIONS=40") as caught:
        db_budget.plan(_production(db_max_connections=40))
    assert "WEB_WORKERS" in str(caught.value)


def test_reflex_starts_exactly_web_workers_backend_processes():
    code = "import os, rxconfig; print(os.environ['GRANIAN_WORKERS'])"
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(PROJECT_ROOT / "data")}
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env={**env, **extra}, capture_output=True, text=True
    )
    assert run({"WEB_WORKERS": "2", "GRANIAN_WORKERS": "9"}).stdout.strip() == "2"
    assert run({"REDIS_URL": "redis://127.0.0.1:6379/15"}).stdout.strip() == "3"
    assert run({}).stdout.strip() == "1"


async def test_thread_loops_get_their_small_share(monkeypatch):
    """A worker thread's loop opens at most its share; the web loop gets the web share."""
    from autogpt_app.settings import get_settings

    def pool_of_a_worker_thread() -> int:
        async def size() -> int:
            engine = db.get_engine()
            try:
                return engine.pool.size() + engine.pool._max_overflow
            finally:
                await db.dispose_engine()

        db.use_pool_role("worker")
        return asyncio.run(size())

    assert await asyncio.to_thread(pool_of_a_worker_thread) == db_budget.WORKER_THREAD_CONNECTIONS
    web = db.get_engine().pool
    assert web.size() + web._max_overflow == db_budget.plan(get_settings()).per_web_process
