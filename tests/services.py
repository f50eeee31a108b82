"""Local services for tests: reach them, or fail loudly under CI, or skip with a reason."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def in_ci() -> bool:
    """Whether we run under CI, where a missing service is an error, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str) -> None:
    """Fail the run under CI, skip otherwise."""
    message = f"{what} is not reachable; start it (see RUNNING_HERE in README) or unset TEST_DATABASE."
    if in_ci():
        pytest.exit(f"CI=true and {message}", returncode=3)
    pytest.skip(message, allow_module_level=True)


def port_open(host: str, port: int) -> bool:
    """Return whether something listens on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _admin_connect():
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True)


def create_postgres_database() -> tuple[str, str]:
    """Create a fresh, uniquely named database and return its name and async URL."""
    if not port_open(PG_HOST, PG_PORT):
        unavailable(f"PostgreSQL at {PG_HOST}:{PG_PORT}")
    name = f"autogpt_test_{secrets.token_hex(4)}"
    with _admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_postgres_database(name: str) -> None:
    """Drop a database made by :func:`create_postgres_database`."""
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
