"""A database that refuses connections: the API answers 503 with Retry-After, never a 500."""

from __future__ import annotations

import secrets

import pytest

from autogpt_app import db, db_budget
from autogpt_app.settings import get_settings
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.conftest import DATABASE_URL, ENGINE, TEST_DB_NAME


def _assert_busy(response) -> None:
    err = assert_error(response, 503, "database_unavailable")
    assert response.headers["retry-after"].isdigit()
    assert "try again" in err["message"].lower()
    for internal in ("Traceback", "sqlalchemy", "psycopg", "too many", "QueuePool"):
        assert internal not in response.text


async def test_exhausted_pool_answers_503_then_recovers(client, monkeypatch):
    settings = get_settings()
    token = await token_for(client)
    await db.dispose_engine()
    # The smallest budget that still starts: this web process gets MIN_WEB_CONNECTIONS.
    monkeypatch.setattr(settings, "db_max_connections", 1000)
    spent = db_budget.plan(settings)
    senders = spent.web_processes * db_budget.SENDER_LOOP_CONNECTIONS
    monkeypatch.setattr(settings, "db_max_connections", spent.workers + spent.schedulers + senders + 4)
    monkeypatch.setattr(settings, "db_pool_timeout_seconds", 0.5)
    assert db_budget.plan(settings).per_web_process == 4
    held = [await db.get_engine().connect() for _ in range(4)]
    try:
        _assert_busy(await client.get("/api/v1/me", headers=bearer(token)))
        _assert_busy(await client.post("/api/v1/graphs", json={"name": "x"}, headers=bearer(token)))
    finally:
        for conn in held:
            await conn.close()
    r = await client.get("/api/v1/me", headers=bearer(token))
    assert r.status_code == 200, r.text
    await db.dispose_engine()


@pytest.mark.skipif(ENGINE != "postgres", reason="PostgreSQL's connection limits")
async def test_postgres_refusing_a_client_answers_503(client, monkeypatch):
    import psycopg

    token = await token_for(client)
    role = f"agpt_limited_{secrets.token_hex(4)}"
    admin_url = DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1')
        await admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
    _user, _, rest = DATABASE_URL.partition("@")
    limited_url = f"postgresql+psycopg://{role}@{rest}"
    hog = await psycopg.AsyncConnection.connect(limited_url.replace("+psycopg", ""))
    try:
        await db.dispose_engine()
        monkeypatch.setattr(get_settings(), "database_url", limited_url)
        # The one connection the role may have is taken: PostgreSQL refuses the next client.
        _assert_busy(await client.get("/api/v1/me", headers=bearer(token)))
        await hog.close()
        r = await client.get("/api/v1/me", headers=bearer(token))
        assert r.status_code == 200, r.text
    finally:
        await hog.close()
        await db.dispose_engine()
        async with await psycopg.AsyncConnection.connect(admin_url, autocommit=True) as admin:
            await admin.execute(f'DROP OWNED BY "{role}"')
            await admin.execute(f'DROP ROLE "{role}"')
    assert TEST_DB_NAME in DATABASE_URL
