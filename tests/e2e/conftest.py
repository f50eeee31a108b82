"""Browser tests: the real app (``reflex run --env prod``) driven by Chromium through Playwright.

Run them as their own pytest invocation (pytest-playwright's event loop breaks pytest-asyncio)::

    .venv/bin/pytest tests/e2e --confcutdir=tests/e2e -p no:asyncio -p no:cacheprovider -q

The app is started once per run on a free port with a fresh database: a SQLite file in a
temporary directory, or with ``TEST_DATABASE=postgres`` a new database on the local PostgreSQL
(dropped after the run). Chromium is Debian's ``/usr/bin/chromium``; without it the tests skip,
or the run stops with an error when ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.app_process import AppStartError, app_environment, free_tcp_port, running_app
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.fakes.smtp_inbox import Inbox, free_port

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
TIMEOUT_MS = 15_000
#: Seconds between the offline copilot's streamed words in the app under test (CHAT_OFFLINE_WORD_DELAY).
CHAT_WORD_DELAY = 0.03

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = f"E2e-Admin-{secrets.token_urlsafe(12)}"
USER_PASSWORD = "Plum-Kettle-Orbit-42"

expect.set_options(timeout=TIMEOUT_MS)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Know pyproject.toml's pytest-asyncio settings when this run disables that plugin (-p no:asyncio)."""
    if not pluginmanager.has_plugin("asyncio"):
        for name in ("asyncio_mode", "asyncio_default_fixture_loop_scope", "asyncio_default_test_loop_scope"):
            parser.addini(name, "pytest-asyncio setting, unused by the browser tests")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(message: str) -> None:
    """Stop the run under CI, skip otherwise."""
    if _in_ci():
        pytest.exit(f"CI=true and {message}", returncode=3)
    pytest.skip(message)


# --- the app under test -------------------------------------------------------------------


def _admin_pg():
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True)


def _create_pg_database() -> tuple[str, str]:
    from psycopg import sql

    name = f"autogpt_e2e_{secrets.token_hex(4)}"
    try:
        with _admin_pg() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except Exception as exc:
        _unavailable(f"PostgreSQL at {PG_HOST}:{PG_PORT} is not usable ({exc})")
    return name, f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _drop_pg_database(name: str) -> None:
    from psycopg import sql

    with _admin_pg() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the app under test sends its e-mail to."""
    handler = Inbox()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def app_server(inbox: Inbox) -> Iterator[str]:
    """Start the real app once per run and yield its base URL."""
    tmp = Path(tempfile.mkdtemp(prefix="autogpt-e2e-"))
    pg_name = ""
    if os.environ.get("TEST_DATABASE", "sqlite") == "postgres":
        pg_name, database_url = _create_pg_database()
    else:
        database_url = f"sqlite+aiosqlite:///{tmp / 'e2e.db'}"

    port = free_tcp_port()
    env = app_environment(
        port,
        tmp / "data",
        database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        ADMIN_EMAIL=ADMIN_EMAIL,
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        # The offline copilot's words come this far apart, as a model's would: its longest reply ("help")
        # streams for ~4 s, long enough to press Stop, while short replies stay well under a second.
        CHAT_OFFLINE_WORD_DELAY=str(CHAT_WORD_DELAY),
        # Agents in these tests call a local OpenAI-compatible server (tests/fakes/openai_server.py);
        # the guard's refusal of loopback and private addresses is tested in tests/net.
        OUTBOUND_ALLOW_LOOPBACK="true",
        # Search by words only here: every test adds agents named with random tags to one shared database, and
        # the order of those near-identical agents by meaning would differ from run to run. Search by meaning
        # is tested on both databases in tests/store, tests/library and tests/chat, and measured by
        # benchmarks/discovery.py.
        SEMANTIC_SEARCH="false",
        # E-mail (verification and reset links) goes to the suite's own SMTP server.
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(inbox.port),
        SMTP_TLS="false",
        # Every browser of the suite comes from 127.0.0.1: per-address limits are tested in tests/api.
        SIGNUP_MAX_PER_ADDRESS="100000",
        LOGIN_MAX_FAILURES_PER_ADDRESS="100000",
        ACCOUNT_EMAIL_MAX_PER_ADDRESS="100000",
    )
    try:
        with running_app(port, env, tmp / "reflex.log") as url:
            yield url
    except AppStartError as exc:
        pytest.fail(str(exc))
    finally:
        if pg_name:
            _drop_pg_database(pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


# --- pytest-playwright configuration -------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, without its attempts to reach the internet."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(browser_type_launch_args: dict, app_server: str) -> str:
    """The app's URL, so that ``page.goto("/login")`` works (Chromium is checked before the app starts)."""
    return app_server


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory, with the suite's default timeouts."""

    def make(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    return make


# --- helpers -------------------------------------------------------------------------------


def unique_email(prefix: str = "user") -> str:
    """An e-mail address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def fill_signup(page: Page, email: str, name: str, password: str, repeat: str | None = None) -> None:
    """Open the sign-up page and submit the form (without checking the outcome)."""
    page.goto("/signup")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=display_name]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=confirm]").fill(password if repeat is None else repeat)
    page.get_by_role("button", name="Sign up").click()


def fill_login(page: Page, email: str, password: str) -> None:
    """Open the login page and submit the form (without checking the outcome)."""
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()


def expect_greeting(page: Page, name: str) -> None:
    """The Chat page greets the logged-in user by name."""
    expect(page.get_by_test_id("greeting")).to_have_text(f"Hello, {name}")


def signup(page: Page, email: str, name: str, password: str = USER_PASSWORD) -> None:
    """Sign up through the UI and wait for the shell to greet the new user."""
    fill_signup(page, email, name, password)
    expect_greeting(page, name)


def login(page: Page, email: str, password: str, name: str | None = None) -> None:
    """Log in through the UI and wait until the shell shows the user."""
    fill_login(page, email, password)
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    if name is not None:
        expect(page.get_by_test_id("account-menu")).to_contain_text(name)


def logout(page: Page) -> None:
    """Log out with the account menu and wait for the login page."""
    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
