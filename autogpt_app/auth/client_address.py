"""The client address of a request, for throttling: the peer, or X-Forwarded-For behind trusted proxies.

X-Forwarded-For is written by whoever sends the request, so it is only believed when
``TRUSTED_PROXY_COUNT`` says how many proxies of ours append to it: the address that many hops from
the right end is the one our outermost proxy saw. Anything else would let a client pick its own
address and dodge every per-address limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from autogpt_app.settings import get_settings


def _clean(value: str) -> str:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:5120"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_address(peer: str | None, headers: Mapping[str, str] | None = None) -> str:
    """Return the client's IP address as text ("" when it cannot be told).

    Args:
        peer: the address of the connecting socket.
        headers: the request headers (lower-case names), read only behind trusted proxies.
    """
    hops = get_settings().trusted_proxy_count
    if hops and headers:
        forwarded = [part for part in (headers.get("x-forwarded-for") or "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = _clean(forwarded[-hops])
            if address:
                return address
    return _clean(peer or "")
