"""Every environment variable the platform reads, typed, with embedded-mode defaults.

Two modes share one code base:

* ``embedded`` (default): SQLite under ``data/``, in-process broker and bus, a secret key
  generated once and kept in ``data/secret_key``. Nothing to configure.
* ``production``: PostgreSQL/Redis/RabbitMQ from the URLs below; a missing or default
  ``SECRET_KEY`` refuses to start.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that look like secrets but are well known; production refuses them.
_DEFAULT_SECRETS = {"", "changeme", "change-me", "changethis", "secret", "dev", "development"}
_MIN_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """Raised when the settings cannot run safely (e.g. default secret in production)."""


class Settings(BaseSettings):
    """Typed settings, read from the environment and an optional ``.env`` file."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_mode: Literal["embedded", "production"] = "embedded"
    #: The address people open; its origin is the only one whose pages may call the API with the
    #: visitor's credentials and open the app's socket (CORS, see :attr:`allowed_origins`).
    app_url: str = "http://localhost:3000"
    #: More browser origins allowed like APP_URL's (comma-separated, e.g. ``https://admin.example.com``).
    cors_extra_origins: str = ""
    data_dir: Path = PROJECT_ROOT / "data"

    database_url: str = ""
    redis_url: str = ""
    broker_url: str = ""
    #: Prefix of the broker's queue names, so several deployments (or test runs) can share one broker.
    queue_prefix: str = ""
    #: Longest wait to connect to the broker (TCP plus AMQP handshake) before a send counts as failed;
    #: a URL's own ``socket_timeout``/``stack_timeout`` (RabbitMQ) or ``socket_timeout`` (Redis) wins.
    broker_timeout_seconds: float = Field(default=3.0, gt=0)
    #: How often each worker process (and the web process in embedded mode) looks for accepted runs
    #: whose message was never confirmed sent, and sends them.
    relay_interval_seconds: float = Field(default=1.0, gt=0)

    # The database connection budget (autogpt_app/db_budget.py): every pool is sized from it and
    # from the number of processes and threads below, which must match what is deployed.
    #: Most connections all platform processes together may hold; keep it below the database's
    #: max_connections (100 by default on PostgreSQL), leaving room for migrations and psql.
    db_max_connections: int = Field(default=90, ge=8)
    #: Seconds a request waits for a free pooled connection before it is answered 503.
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Web (Reflex backend) processes; 0 picks 1 without REDIS_URL (page state in memory), else 3.
    web_workers: int = Field(default=0, ge=0)
    #: Worker processes on all hosts together (``dramatiq --processes`` × hosts) and threads in each.
    worker_processes: int = Field(default=1, ge=0)
    worker_threads: int = Field(default=4, ge=1)
    #: Scheduler processes on all hosts together (a leader and a standby).
    scheduler_processes: int = Field(default=2, ge=0)

    secret_key: str = ""
    access_token_minutes: int = Field(default=60 * 24 * 7, ge=1)
    credentials_keys: str = ""

    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: bool = True
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "AutoGPT Platform <no-reply@localhost>"
    # Notification e-mails (autogpt_app/notifications/email.py): sent from the outbox by the scheduler.
    #: Most e-mails one user gets in 24 hours; the rest are not sent (status ``capped``).
    email_daily_cap: int = Field(default=50, ge=0)
    #: How often the outbox is checked for mails to send.
    email_send_interval_seconds: float = Field(default=30.0, gt=0)
    #: Hour (UTC) of the daily digest of finished runs.
    email_digest_hour: int = Field(default=8, ge=0, le=23)

    admin_email: str = ""
    admin_password: str = ""
    #: Seed the marketplace with the built-in catalogue of agents during ``prestart`` (idempotent).
    seed_catalogue: bool = True
    #: Agent search by meaning (sentence embeddings fused with full text) when the model package is
    #: installed; ``false`` keeps search to full text alone.
    semantic_search: bool = True
    #: CPU threads the embedding model uses for one text (its OpenMP threads).
    semantic_threads: int = Field(default=1, ge=1, le=64)

    # Outbound HTTP from blocks (autogpt_app/net): limits, and a test-only escape hatch that lets
    # the SSRF guard reach loopback. Never set OUTBOUND_ALLOW_LOOPBACK in a deployment.
    outbound_timeout_seconds: float = Field(default=30.0, gt=0)
    outbound_max_response_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    outbound_max_redirects: int = Field(default=5, ge=0)
    outbound_allow_loopback: bool = False
    #: Host names (or addresses) the operator trusts on a private network, comma-separated, e.g.
    #: "searxng,ollama": requests to them pass the private-address check (every person's blocks can
    #: then reach them, so list only services meant for the platform's users).
    outbound_trusted_hosts: str = ""

    @property
    def trusted_hosts(self) -> frozenset[str]:
        """``OUTBOUND_TRUSTED_HOSTS`` as lower-case names, without brackets or a trailing dot."""
        names = (h.strip().strip("[]").rstrip(".").lower() for h in self.outbound_trusted_hosts.split(","))
        return frozenset(n for n in names if n)

    # Web services the web blocks call (autogpt_app/blocks/builtin/search.py, wikipedia.py, weather.py,
    # maps.py). Each is the service's public address; tests point them at local fakes.
    #: A SearXNG instance the operator runs (e.g. https://search.example.org); "Search the web" uses it
    #: when the person picked no search API key. Its JSON output must be enabled (search.formats: json).
    searxng_url: str = ""
    jina_search_url: str = "https://s.jina.ai"
    jina_reader_url: str = "https://r.jina.ai"
    tavily_api_url: str = "https://api.tavily.com"
    brave_search_url: str = "https://api.search.brave.com"
    wikipedia_api_url: str = "https://en.wikipedia.org/api/rest_v1"
    openweathermap_api_url: str = "https://api.openweathermap.org"
    google_places_api_url: str = "https://places.googleapis.com"
    youtube_url: str = "https://www.youtube.com"
    #: Firecrawl's API (blocks/builtin/firecrawl.py); a credential's base_url may name a self-hosted one.
    firecrawl_api_url: str = "https://api.firecrawl.dev"
    # Where the messaging blocks (autogpt_app/blocks/builtin/discord.py, slack.py, telegram.py,
    # gmail.py) send their requests; tests point them at local fakes.
    discord_api_url: str = "https://discord.com/api/v10"
    slack_api_url: str = "https://slack.com/api"
    telegram_api_url: str = "https://api.telegram.org"
    gmail_api_url: str = "https://gmail.googleapis.com/gmail/v1"
    # GitHub's REST API and web address (autogpt_app/blocks/builtin/github.py); for GitHub Enterprise
    # Server set both, e.g. https://ghe.example.com/api/v3 and https://ghe.example.com.
    github_api_url: str = "https://api.github.com"
    github_url: str = "https://github.com"
    # Exa's search API (autogpt_app/blocks/builtin/exa.py).
    exa_api_url: str = "https://api.exa.ai"
    # The Google Calendar and Sheets blocks (google_calendar.py, google_sheets.py); tests point them at fakes.
    google_calendar_api_url: str = "https://www.googleapis.com/calendar/v3"
    google_sheets_api_url: str = "https://sheets.googleapis.com/v4"

    max_graph_nodes: int = Field(default=500, ge=1)
    # Runaway protection and durability of runs (autogpt_app/executions).
    node_timeout_seconds: float = Field(default=300.0, gt=0)
    execution_timeout_seconds: float = Field(default=3600.0, gt=0)
    max_node_runs: int = Field(default=10_000, ge=1)
    # MCP server (/mcp): how long tools/call waits for an agent's run before answering "still running".
    mcp_run_wait_seconds: float = Field(default=300.0, gt=0)
    max_parallel_nodes: int = Field(default=8, ge=1)
    lease_seconds: float = Field(default=15.0, gt=1)
    sweep_interval_seconds: float = Field(default=10.0, gt=0)
    #: A queued run nobody picked up for this long is sent again (its message may have been lost).
    queued_orphan_seconds: float = Field(default=300.0, ge=0)
    max_subagent_depth: int = Field(default=5, ge=1)
    #: A node with ``retry: N`` waits this long before its first retry, doubling each time (at most 30 s).
    node_retry_base_seconds: float = Field(default=1.0, ge=0, le=30)
    #: Fairness: at most this many of one person's runs are RUNNING at once; the rest wait QUEUED,
    #: oldest first (autogpt_app/executions/fairness.py). Keep it below the worker threads.
    max_running_per_user: int = Field(default=3, ge=1)
    #: The longest wait a Delay step may ask for; a longer one fails with a readable message.
    max_delay_seconds: float = Field(default=900.0, ge=0, le=3600)
    #: Template renders of one person at once (the pool has TEMPLATE_WORKERS processes).
    template_workers: int = Field(default=2, ge=1)
    template_workers_per_user: int = Field(default=1, ge=1)

    # The scheduler (autogpt_app/scheduling, workers/scheduler.py): one leader holds a lease row,
    # renewed every heartbeat; a standby takes over once it has expired (lease + heartbeat at most).
    scheduler_lease_seconds: float = Field(default=15.0, gt=0.5)
    scheduler_heartbeat_seconds: float = Field(default=5.0, gt=0)
    #: Jobs are re-read from the schedules table this often, a safety net behind the bus events.
    scheduler_resync_seconds: float = Field(default=30.0, gt=0)
    #: A firing later than this after its due time is skipped (the next one is planned instead).
    scheduler_misfire_grace_seconds: float = Field(default=60.0, ge=0)
    #: A one-off schedule was asked for explicitly: when the scheduler was down at its time it still
    #: runs (and says it started late) up to this long after; later it is marked missed.
    one_off_max_lateness_seconds: float = Field(default=86400.0, ge=0)
    scheduler_threads: int = Field(default=8, ge=1)
    #: Run the scheduler inside the web process in embedded mode (in-process broker).
    scheduler_embedded: bool = True
    #: How often the leading scheduler looks for poll triggers (feed, page, mailbox) that are due.
    trigger_poll_tick_seconds: float = Field(default=15.0, gt=0)

    # Webhook triggers (autogpt_app/triggers/webhooks.py): ``POST /api/v1/hooks/{trigger id}``.
    #: Largest delivery body accepted; a larger one is refused (413) before it is read.
    webhook_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=4 * 1024 * 1024)
    #: A signed delivery's timestamp may be this far from the server's clock (either way); its
    #: signature is remembered, so the same delivery is accepted once.
    webhook_replay_window_seconds: int = Field(default=300, ge=30, le=3600)

    # Throttling of logins, sign-ups and account e-mails (autogpt_app/auth/throttle.py), per window.
    #: Failed logins for one account from one client address before that pair waits.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    #: Failed logins from one client address, whatever the accounts, before that address waits.
    login_max_failures_per_address: int = Field(default=20, ge=1)
    #: Sign-ups from one client address per window.
    signup_max_per_address: int = Field(default=10, ge=1)
    #: Verification and password-reset e-mails asked for from one client address per window.
    account_email_max_per_address: int = Field(default=10, ge=1)
    #: How many reverse proxies in front of the app append to X-Forwarded-For. 0 (default): the header
    #: is ignored and the connecting peer is the client; set it only behind proxies you run.
    trusted_proxy_count: int = Field(default=0, ge=0, le=10)
    #: Lifetime of the links in verification and password-reset e-mails.
    verify_email_link_hours: int = Field(default=48, ge=1)
    reset_password_link_minutes: int = Field(default=30, ge=5)

    # Anonymous copilot use (autogpt_app/chat/limits.py), fixed one-hour windows; logged-in people are not counted.
    #: Most new anonymous chats one client IP address may start in an hour.
    chat_anon_sessions_per_hour: int = Field(default=20, ge=1)
    #: Most turns (messages sent) one anonymous chat may have in an hour.
    chat_anon_turns_per_hour: int = Field(default=60, ge=1)
    #: Seconds between the words of the offline copilot's reply, so a reply is seen streaming (and can be
    #: stopped) as with a real model; 0 streams it at once. Unused when OPENAI_API_KEY is set.
    chat_offline_word_delay: float = Field(default=0.02, ge=0, le=1)

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'app.db'}"
        return self

    @property
    def is_production(self) -> bool:
        """Whether the platform runs in production mode."""
        return self.app_mode == "production"

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Browser origins allowed to call the API with credentials and open the socket (CORS).

        APP_URL's origin, then ``CORS_EXTRA_ORIGINS``. A loopback APP_URL also allows its other
        loopback spelling (``localhost`` ↔ ``127.0.0.1``, same port): both name this machine.
        """
        origins = [_origin(self.app_url)]
        scheme, _, hostport = origins[0].partition("://")
        host, _, port = hostport.partition(":")
        twin = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(host)
        if twin:
            origins.append(f"{scheme}://{twin}{':' + port if port else ''}")
        origins += [_origin(o) for o in self.cors_extra_origins.split(",") if o.strip()]
        return tuple(dict.fromkeys(o for o in origins if o))

    @property
    def resolved_web_workers(self) -> int:
        """Web processes to start: ``WEB_WORKERS``, or 1 without Redis (page state in memory) and 3 with it."""
        if self.web_workers:
            return self.web_workers
        return 3 if self.redis_url else 1

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """Return the key that signs tokens.

        In embedded mode a missing key is generated once and kept in ``data/secret_key``
        so that sessions survive restarts. In production a missing, default or short key
        raises :class:`ConfigurationError`.
        """
        key = self.secret_key.strip()
        if self.is_production:
            if key.lower() in _DEFAULT_SECRETS or len(key) < _MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    "SECRET_KEY must be set to a random value of at least "
                    f"{_MIN_SECRET_LENGTH} characters in production mode "
                    '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))").'
                )
            return key
        if key:
            return key
        return _embedded_secret(self.data_dir)


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` as a browser sends it in ``Origin`` (default ports left out)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return ""
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _embedded_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create exclusively so two processes starting at once agree on one key.
    try:
        with open(path, "x") as fh:
            fh.write(key)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text().strip()
    return key


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()


@lru_cache
def get_secret_key() -> str:
    """Return the token-signing key, validated for the current mode."""
    return get_settings().resolved_secret_key()
