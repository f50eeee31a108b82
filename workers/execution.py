"""Dramatiq worker entry module: ``dramatiq workers.execution --processes 1 --threads 4``.

Importing this module configures the global broker from settings (``BROKER_URL``) and declares the
actors on it. For now the only actor is :func:`ping`, a health check that proves a worker consumes
from the broker. The graph execution and recovery-sweep actors land with the execution engine issue.
"""

from __future__ import annotations

import logging

import dramatiq

from workers.broker import setup_broker

# Actors bind to the global broker when declared: configure it before the first actor below.
broker = setup_broker()

logger = logging.getLogger(__name__)

#: Wall-clock limit of one ping, in milliseconds.
PING_TIME_LIMIT_MS = 10_000


@dramatiq.actor(queue_name="default", max_retries=0, time_limit=PING_TIME_LIMIT_MS)
def ping(token: str) -> None:
    """Log ``token``: a health check that a worker is consuming. Writes nothing.

    Args:
        token: Any short string; it is echoed in the worker log so a caller can find its ping.
    """
    logger.info("ping %.200s", token)
