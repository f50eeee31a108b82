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
    if ENGINE == "postgres":
        services.drop_postgres_database(TEST_DB_NAME)


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
