"""Which network addresses outbound traffic may reach, and the errors for refusals.

Blocks fetch URLs that users type, so a request must never reach the platform's own network:
loopback, private ranges, link-local (cloud metadata at ``169.254.169.254``), and every IPv6
spelling that tunnels to those. Host names are resolved **once** and every answer is checked; the
caller then connects to one of the checked addresses, so a DNS answer that changes between the
check and the connection ("DNS rebinding") cannot slip through.

Numeric host spellings that ``inet_aton`` and browsers accept (``2130706433``, ``0x7f.1``,
``0177.0.0.1``, ``127.1``) are parsed here and checked as the address they denote.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Any, TypeAlias

from autogpt_app.errors import ServiceError
from autogpt_app.settings import get_settings

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.IPv6Address("::1")

# Refused whatever the Python version's idea of "global" is (that list has changed across releases).
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", includes the unspecified address
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast 255.255.255.255
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, includes Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_OCT_DIGITS = frozenset("01234567")
_DEC_DIGITS = frozenset("0123456789")


class OutboundRequestError(ServiceError):
    """An outbound request (HTTP, SMTP, ...) failed; ``message`` says why in plain words.

    ``code`` tells the kinds apart: ``timeout``, ``response_too_large``, ``too_many_redirects``,
    ``connection_failed``, ``dns_failed``, ``invalid_url``, ``unsupported_scheme``,
    ``credentials_in_url``, ``blocked_address`` and a few more. Messages never contain request
    headers, credentials or query strings.
    """

    status = 502
    code = "outbound_request_failed"


class InvalidOutboundURL(OutboundRequestError):
    """The URL itself is refused (scheme, embedded credentials, malformed)."""

    status = 400
    code = "invalid_url"


class BlockedAddress(OutboundRequestError):
    """The destination is a private, local or otherwise non-public address."""

    status = 400
    code = "blocked_address"


def is_public_address(ip: IPAddress, *, allow_loopback: bool | None = None) -> bool:
    """Return whether outbound traffic may go to ``ip``.

    Refuses loopback, private, link-local, carrier-grade NAT, multicast, unspecified, reserved,
    broadcast, documentation and benchmarking ranges, IPv6 unique-local and site-local, and IPv6
    addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 ``64:ff9b::/96``,
    6to4 ``2002::/16``) when the embedded address is refused. Teredo is refused outright.

    Args:
        ip: The address to check.
        allow_loopback: Allow ``127.0.0.0/8`` and ``::1`` (and IPv4-mapped loopback). ``None``
            reads the test-only ``outbound_allow_loopback`` setting.

    Returns:
        ``True`` when the address is publicly routable (or allowed loopback).
    """
    if allow_loopback is None:
        allow_loopback = get_settings().outbound_allow_loopback
    if isinstance(ip, ipaddress.IPv6Address):
        return _is_public_v6(ip, allow_loopback)
    return _is_public_v4(ip, allow_loopback)


def _is_public_v4(ip: ipaddress.IPv4Address, allow_loopback: bool) -> bool:
    if ip in _LOOPBACK_V4:
        return allow_loopback
    if any(ip in net for net in _BLOCKED_V4):
        return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _is_public_v6(ip: ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    ip = ipaddress.IPv6Address(int(ip))  # drop any "%zone"
    if ip == _LOOPBACK_V6:
        return allow_loopback
    if ip.ipv4_mapped is not None:
        # The kernel treats ::ffff:a.b.c.d as the IPv4 address itself, loopback included.
        return _is_public_v4(ip.ipv4_mapped, allow_loopback)
    # Translated or tunnelled forms reach the embedded IPv4 host through a gateway, never locally.
    if ip in _NAT64 or ip in _V4_COMPATIBLE:
        return _is_public_v4(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), False)
    if ip.sixtofour is not None:
        return _is_public_v4(ip.sixtofour, False)
    if any(ip in net for net in _BLOCKED_V6):
        return False
    return ip.is_global and not ip.is_multicast and not ip.is_site_local and not ip.is_reserved


def parse_host_literal(host: str) -> IPAddress | None:
    """Return the IP address a URL host spells, or ``None`` for a DNS name.

    Understands dotted IPv4 with 1 to 4 parts whose parts may be decimal, octal (leading ``0``) or
    hexadecimal (``0x``) — ``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``,
    ``0x7f.0.0.1`` — one trailing dot, and IPv6 with or without brackets (a ``%zone`` is dropped).

    Args:
        host: The host part of a URL (or an SMTP host).

    Returns:
        The address, or ``None`` when ``host`` is not a numeric literal.
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    return _parse_ipv4(text)


def _parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_ipv4_number(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 0xFF for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    total = values[-1]
    for index, number in enumerate(values[:-1]):
        total += number << (8 * (3 - index))
    return ipaddress.IPv4Address(total)


def _parse_ipv4_number(part: str) -> int | None:
    if not part:
        return None
    if part[:2] in ("0x", "0X"):
        digits, base, allowed = part[2:], 16, _HEX_DIGITS
    elif len(part) > 1 and part[0] == "0":
        digits, base, allowed = part[1:], 8, _OCT_DIGITS
    else:
        digits, base, allowed = part, 10, _DEC_DIGITS
    if not set(digits) <= allowed:
        return None
    return int(digits, base) if digits else 0


def _refuse(ip: IPAddress, host: str) -> BlockedAddress:
    literal = parse_host_literal(host)
    shown = str(ip) if literal is not None else f"{host} resolves to {ip}"
    return BlockedAddress(f"Requests to private or local addresses are not allowed ({shown}).")


async def _getaddrinfo(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    """Ask the system resolver, off the event loop (tests replace this function)."""
    loop = asyncio.get_running_loop()
    return await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)


async def resolve_public(host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` once and return its addresses, all of them checked.

    A numeric literal is checked without DNS. A name is looked up once; if **any** answer is not
    public (or there is none) the whole host is refused, so connecting to any returned address is
    safe. ``localhost`` and ``*.localhost`` are treated as loopback without asking DNS.

    Args:
        host: Host name or IP literal (IPv6 with or without brackets).
        port: Destination port (1-65535).

    Returns:
        The checked addresses, in resolver order, without duplicates.

    Raises:
        BlockedAddress: The host is, or resolves to, a non-public address.
        InvalidOutboundURL: The host or port is malformed.
        OutboundRequestError: The name does not resolve (code ``dns_failed``).
    """
    if not 0 < port < 65536:
        raise InvalidOutboundURL(f"The port {port} is not valid.")
    name = host.strip().rstrip(".").lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if not name:
        raise InvalidOutboundURL("The URL has no host name.")
    literal = parse_host_literal(name)
    trusted = name in get_settings().trusted_hosts  # the operator's own services (OUTBOUND_TRUSTED_HOSTS)
    if literal is not None:
        if not trusted and not is_public_address(literal):
            raise _refuse(literal, name)
        return [literal]
    loopback_allowed = get_settings().outbound_allow_loopback or trusted
    if (name == "localhost" or name.endswith(".localhost")) and not loopback_allowed:
        raise BlockedAddress(f"Requests to private or local addresses are not allowed ({name}).")
    try:
        infos = await _getaddrinfo(name, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRequestError(f"Could not resolve the host name {name}.", code="dns_failed") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        ip = parse_host_literal(str(info[4][0]))
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise OutboundRequestError(f"The host name {name} has no usable address.", code="dns_failed")
    for ip in addresses:
        if not trusted and not is_public_address(ip):
            raise _refuse(ip, name)
    return addresses


async def check_host(host: str, port: int) -> str:
    """Check a host for a non-HTTP connection (e.g. SMTP) and return the IP to connect to.

    Connect to the returned address rather than to ``host`` so that a second DNS lookup cannot
    lead elsewhere; keep ``host`` for TLS (``server_hostname``) and protocol greetings.

    Args:
        host: Host name or IP literal.
        port: Destination port.

    Returns:
        The first checked address, as a string.

    Raises:
        BlockedAddress: The host is, or resolves to, a non-public address.
        OutboundRequestError: The name does not resolve.
    """
    addresses = await resolve_public(host, port)
    return str(addresses[0])
