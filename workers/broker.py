"""Build the Dramatiq broker from settings.

``BROKER_URL`` picks the broker:

* empty (embedded mode): :class:`~dramatiq.brokers.stub.StubBroker`, messages stay in process and
  worker threads inside the web process consume them;
* ``amqp://`` / ``amqps://``: :class:`~dramatiq.brokers.rabbitmq.RabbitmqBroker`;
* ``redis://`` / ``rediss://`` / ``unix://``: :class:`~dramatiq.brokers.redis.RedisBroker`.

Dramatiq actors bind to the global broker when they are declared, so :func:`setup_broker` must run
before any module that declares actors is imported (``workers.execution`` calls it first thing).
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from autogpt_app.settings import get_settings

logger = logging.getLogger(__name__)

#: Retries of a failed message before it is dead-lettered (actors may override ``max_retries``).
MAX_RETRIES = 3
#: Default wall-clock limit of one message, in milliseconds (actors may override ``time_limit``).
DEFAULT_TIME_LIMIT_MS = 10 * 60 * 1000

_RABBITMQ_SCHEMES = {"amqp", "amqps"}
_REDIS_SCHEMES = {"redis", "rediss", "unix"}

_lock = threading.Lock()
_broker: dramatiq.Broker | None = None


def build_middleware() -> list[Middleware]:
    """Return a fresh, explicit middleware list for a new broker.

    Returns:
        The middleware instances, in the order Dramatiq runs them.
    """
    return [
        AgeLimit(),
        TimeLimit(time_limit=DEFAULT_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES),
        CurrentMessage(),
    ]


def _redact(url: str) -> str:
    """Return ``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def rabbitmq_timeouts(timeout: float) -> dict[str, str]:
    """Pika connection parameters that bound every wait on RabbitMQ.

    ``socket_timeout`` and ``stack_timeout`` bound connecting (TCP, then the AMQP handshake), so a
    black-holed broker fails a send in seconds instead of pika's 15. A publish waiting for its
    confirm on a connection whose packets vanish is ended by the heartbeat: pika closes a connection
    that heard nothing for ``heartbeat`` + 5 seconds. ``blocked_connection_timeout`` ends a publish
    RabbitMQ holds back under a resource alarm. One connection attempt per try: Dramatiq retries.
    """
    return {
        "socket_timeout": f"{timeout:g}",
        "stack_timeout": f"{timeout:g}",
        "heartbeat": "10",
        "blocked_connection_timeout": "30",
        "connection_attempts": "1",
    }


def with_defaults(url: str, defaults: dict[str, str]) -> str:
    """Return ``url`` with ``defaults`` added to its query string, keeping any value the URL sets itself."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    merged = {**defaults, **query}
    return urlunsplit(parts._replace(query=urlencode(merged)))


def _quiet_pika() -> None:
    """Keep pika's own per-attempt connection errors out of the log.

    Every failed connection attempt makes pika log several ERROR lines with stack traces; the
    callers (Dramatiq's consumer, the run publisher, the relay) already report each outage once.
    """
    logging.getLogger("pika.adapters").setLevel(logging.CRITICAL)


def build_broker(url: str | None = None) -> dramatiq.Broker:
    """Build a new broker for ``url``, or for ``BROKER_URL`` from settings when ``url`` is None.

    The broker is not made global; see :func:`setup_broker` for that.

    Args:
        url: Broker URL. ``None`` reads ``get_settings().broker_url``; an empty string selects the
            in-process stub broker.

    Returns:
        A ``StubBroker``, ``RabbitmqBroker`` or ``RedisBroker`` with the platform's middleware.

    Raises:
        ValueError: If the URL's scheme names no supported broker.
    """
    if url is None:
        url = get_settings().broker_url
    url = url.strip()
    if not url:
        return StubBroker(middleware=build_middleware())

    scheme = urlsplit(url).scheme.lower()
    timeout = get_settings().broker_timeout_seconds
    if scheme in _RABBITMQ_SCHEMES:
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        _quiet_pika()
        # Publisher confirms: enqueue returns only once RabbitMQ has taken the message (or raises).
        return RabbitmqBroker(
            url=with_defaults(url, rabbitmq_timeouts(timeout)), confirm_delivery=True, middleware=build_middleware()
        )
    if scheme in _REDIS_SCHEMES:
        from dramatiq.brokers.redis import RedisBroker

        redis_timeouts = {"socket_connect_timeout": f"{timeout:g}", "socket_timeout": f"{max(timeout, 5.0):g}"}
        return RedisBroker(url=with_defaults(url, redis_timeouts), middleware=build_middleware())
    raise ValueError(
        f"Unsupported BROKER_URL {_redact(url)!r}: use amqp:// (RabbitMQ), redis:// (Redis), "
        "or leave it empty for the in-process broker of embedded mode."
    )


def setup_broker() -> dramatiq.Broker:
    """Build the broker from settings and make it Dramatiq's global broker, once per process.

    Later calls return the same broker without touching Dramatiq's global state again.

    Returns:
        The process-wide broker.

    Raises:
        ValueError: If ``BROKER_URL`` is not supported (see :func:`build_broker`).
    """
    global _broker
    with _lock:
        if _broker is None:
            broker = build_broker()
            dramatiq.set_broker(broker)
            _broker = broker
            logger.info("dramatiq broker: %s", type(broker).__name__)
        return _broker
