"""Migrations upgrade, downgrade and upgrade again on the engine under test, and match the models."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import inspect

from autogpt_app.cli import run_migrations
from autogpt_app.db import make_engine
from tests import services
from tests.conftest import ENGINE


@pytest.fixture
def scratch_url():
    """A second, empty database so the shared test database is left alone."""
    if ENGINE == "postgres":
        name, url = services.create_postgres_database()
        yield url
        services.drop_postgres_database(name)
    else:
        path = Path(tempfile.mkdtemp()) / f"mig-{secrets.token_hex(4)}.db"
        yield f"sqlite+aiosqlite:///{path}"


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _downgrade(url: str, revision: str) -> None:
    from alembic.config import Config

    from alembic import command
    from autogpt_app.settings import PROJECT_ROOT

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    command.downgrade(cfg, revision)


def test_upgrade_downgrade_upgrade(scratch_url):
    expected = {
        "users",
        "api_keys",
        "login_failures",
        "graphs",
        "graph_versions",
        "graph_executions",
        "node_executions",
        "credentials",
        "notifications",
        "creators",
        "store_listings",
        "store_listing_versions",
        "store_reviews",
        "library_agents",
        "schedules",
        "scheduler_leases",
        "graph_drafts",
    }
    run_migrations(scratch_url)
    assert expected <= _tables(scratch_url)
    _downgrade(scratch_url, "base")
    assert _tables(scratch_url) & expected == set()
    run_migrations(scratch_url)
    assert expected <= _tables(scratch_url)


def test_models_match_migrations(scratch_url):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from autogpt_app.models import metadata
    from autogpt_app.store.models import include_name, include_object

    run_migrations(scratch_url)

    # The search index (FTS5 tables, tsvector column, GIN indexes) exists only in the migrations.
    opts = {"compare_type": True, "include_name": include_name, "include_object": include_object}

    async def diff():
        engine = make_engine(scratch_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c, opts=opts), metadata)
                )
        finally:
            await engine.dispose()

    changes = [
        c
        for c in asyncio.run(diff())
        if not (isinstance(c, tuple) and c[0] == "remove_table" and c[1].name == "alembic_version")
    ]
    assert changes == []


def test_migrations_never_run_at_import(tmp_path):
    """Importing the app's modules creates no database file."""
    import subprocess
    import sys

    db = tmp_path / "untouched.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "DATA_DIR": str(tmp_path)}
    code = "import autogpt_app.db, autogpt_app.models, autogpt_app.api.app; autogpt_app.api.app.build_api()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert not db.exists()
