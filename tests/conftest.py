"""Test set-up: a fresh database per run on the engine chosen by ``TEST_DATABASE``.

``TEST_DATABASE=sqlite`` (default) uses a temporary SQLite file; ``TEST_DATABASE=postgres``
creates ``autogpt_test_<random>`` on the local PostgreSQL and drops it after the run. With
``CI=true`` a missing service fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import services

_tmp = Path(tempfile.mkdtemp(prefix="autogpt-test-"))
ENGINE = os.environ.get("TEST_DATABASE", "sqlite")

# Settings are read on first use; set the environment before any app module reads it.
os.environ["DATA_DIR"] = str(_tmp / "data")
os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
os.environ["APP_MODE"] = "embedded"
# The offline copilot streams its words at once in tests (tests that need a pause set their own).
os.environ["CHAT_OFFLINE_WORD_DELAY"] = "0"
for _var in ("ADMIN_EMAIL", "ADMIN_PASSWORD", "REDIS_URL", "BROKER_URL", "OPENAI_API_KEY"):
    os.environ.pop(_var, None)

if ENGINE == "postgres":
    TEST_DB_NAME, DATABASE_URL = services.create_postgres_database()
else:
    TEST_DB_NAME, DATABASE_URL = "", f"sqlite+aiosqlite:///{_tmp / 'test.db'}"
os.environ["DATABASE_URL"] = DATABASE_URL


def pytest_report_header(config) -> str:
    return f"database engine: {ENGINE} ({DATABASE_URL.split('@')[-1]})"


@pytest.fixture(scope="session", autouse=True)
def _migrated_database():
    """Migrate the fresh database once; drop it after the run."""
    from autogpt_app.cli import run_migrations

    run_migrations(DATABASE_URL)
    yield
    from autogpt_app.jobs import close_publisher

    close_publisher()
    if ENGINE == "postgres":
        services.drop_postgres_database(TEST_DB_NAME)


#: Names of the background loops (relay, sweep, e-mail sender) that workers and embedded mode start.
_LOOP_THREADS = ("run-relay", "execution-sweeper", "email-sender")


@pytest.fixture(autouse=True)
def _stop_leftover_loops():
    """Stop every relay, sweep or e-mail loop a test started and left running (say, when it failed
    before its own teardown), so no later test shares the process with it."""
    import threading

    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        owner = getattr(getattr(thread, "_target", None), "__self__", None)
        if thread.name in _LOOP_THREADS and owner is not None:
            owner.stop()


@pytest.fixture(autouse=True)
async def _clean_tables(_migrated_database) -> AsyncIterator[None]:
    """Empty every table after each test so tests cannot see each other's rows."""
    yield
    from sqlalchemy import delete

    from autogpt_app.db import get_engine
    from autogpt_app.models import metadata

    async with get_engine().begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(delete(table))


@pytest.fixture
async def session():
    """A session on the test database; committed when the test ends without error."""
    from autogpt_app.db import session_scope

    async with session_scope() as s:
        yield s


@pytest.fixture
async def client():
    """An HTTP client speaking to the API application in-process."""
    import httpx

    from autogpt_app.api.app import build_api

    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def service_proxy():
    """Start :class:`~tests.fakes.tcp_proxy.TcpProxy` objects in front of real services.

    Call it with a service URL; returns the proxy, whose ``url`` reaches the service through it. The
    machine's shared services are never touched: the test cuts or black-holes its proxy.
    """
    from urllib.parse import urlsplit

    from tests.fakes.tcp_proxy import TcpProxy

    proxies: list[TcpProxy] = []

    def start(url: str) -> TcpProxy:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 0
        if not services.port_open(host, port):
            services.unavailable(f"{parts.scheme} at {host}:{port}")
        proxy = TcpProxy(host, port)
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"127.0.0.1:{proxy.port}"
        proxy.url = parts._replace(netloc=f"{userinfo}@{netloc}" if userinfo else netloc).geturl()
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def rabbitmq_proxy(service_proxy):
    """A proxy in front of the machine's RabbitMQ (see :func:`service_proxy`)."""
    return service_proxy(services.RABBITMQ_URL)


@pytest.fixture
def app_broker():
    """Point this process's broker at a given URL and queue prefix, as a web process so configured.

    Call it with ``(url, prefix)``; returns the new process-wide broker. Afterwards the process's
    previous broker, settings and actor module come back, and the test's RabbitMQ queues are deleted.
    """
    import sys

    import dramatiq.broker

    from autogpt_app.settings import get_settings
    from workers import broker as broker_module

    saved_env = {k: os.environ.get(k) for k in ("BROKER_URL", "QUEUE_PREFIX")}
    saved = (dramatiq.broker.global_broker, broker_module._broker, sys.modules.get("workers.execution"))
    made: list[tuple[object, str]] = []

    from autogpt_app.jobs import close_publisher

    def use(url: str, prefix: str):
        close_publisher(timeout=1)  # the next run start gets a publisher that knows nothing of earlier brokers
        os.environ["BROKER_URL"], os.environ["QUEUE_PREFIX"] = url, prefix
        get_settings.cache_clear()
        broker_module._broker = None
        sys.modules.pop("workers.execution", None)
        import workers.execution

        made.append((workers.execution.broker, prefix))
        return workers.execution.broker

    yield use
    close_publisher(timeout=1)
    for key, value in saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
    dramatiq.broker.global_broker, broker_module._broker = saved[0], saved[1]
    if saved[2] is not None:
        sys.modules["workers.execution"] = saved[2]
    else:
        sys.modules.pop("workers.execution", None)
    for broker, prefix in made:
        broker.close()
        if type(broker).__name__ == "RabbitmqBroker":
            _delete_rabbitmq_queues(prefix)
        elif type(broker).__name__ == "RedisBroker":
            _delete_redis_queues(prefix)


def _delete_rabbitmq_queues(prefix: str) -> None:
    """Delete a test's queues on the real RabbitMQ (not through any proxy)."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(services.RABBITMQ_URL))
    try:
        channel = connection.channel()
        for base in ("executions", "default"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(prefix + base + suffix)
    finally:
        connection.close()


def _delete_redis_queues(prefix: str) -> None:
    """Delete a test's Dramatiq keys on the real Redis (not through any proxy)."""
    import redis

    client = redis.Redis.from_url(services.REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"dramatiq:{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def fulltext_only():
    """Search as if the embedding model were not installed (full text alone), for tests that pin
    full text's exact counts and orders; the model is back for the next test."""
    from autogpt_app.store import semantic

    semantic.disable()
    yield
    semantic.reset()
