"""Outbound network access for blocks and services, guarded against SSRF.

Use :class:`SafeHTTP` / :func:`safe_request` to fetch user-supplied URLs, :func:`safe_client` when
an SDK needs an ``httpx.AsyncClient`` (e.g. an LLM ``base_url``), and :func:`check_host` before
opening any other kind of connection (SMTP).
"""

from autogpt_app.net.addresses import (
    BlockedAddress,
    InvalidOutboundURL,
    OutboundRequestError,
    check_host,
    is_public_address,
    parse_host_literal,
    resolve_public,
)
from autogpt_app.net.client import SafeHTTP, SafeResponse, safe_request
from autogpt_app.net.ssrf import USER_AGENT, GuardedTransport, checked_url, safe_client

__all__ = [
    "USER_AGENT",
    "BlockedAddress",
    "GuardedTransport",
    "InvalidOutboundURL",
    "OutboundRequestError",
    "SafeHTTP",
    "SafeResponse",
    "check_host",
    "checked_url",
    "is_public_address",
    "parse_host_literal",
    "resolve_public",
    "safe_client",
    "safe_request",
]
