"""The SSRF guard and the outbound client, against a real HTTP server on 127.0.0.1.

Nothing here reaches beyond loopback: names are resolved by a fake resolver, and public addresses
are only ever fed to the predicate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import ipaddress
import json
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from autogpt_app.net import (
    USER_AGENT,
    BlockedAddress,
    InvalidOutboundURL,
    OutboundRequestError,
    SafeHTTP,
    check_host,
    checked_url,
    is_public_address,
    parse_host_literal,
    resolve_public,
    safe_client,
    safe_request,
)
from autogpt_app.net import addresses as addresses_module
from autogpt_app.settings import Settings, get_settings

# --------------------------------------------------------------------------------------------
# A tiny HTTP/1.1 server: one request per connection, routes keyed by path.


@dataclass
class Seen:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.target).query).items()}


Route = Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]


async def reply(writer: asyncio.StreamWriter, status: int, body: bytes = b"", headers: dict | None = None) -> None:
    lines = [f"HTTP/1.1 {status} Status", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {
            "/ok": self._ok,
            "/echo": self._echo,
            "/r": self._redirect,
        }
        self.seen: list[Seen] = []
        self.port = 0
        self._tasks: set[asyncio.Task] = set()

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            seen = Seen(method, target, headers, body)
            self.seen.append(seen)
            route = self.routes.get(seen.path)
            if route is None:
                await reply(writer, 404, b"not found")
            else:
                await route(seen, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _ok(self, seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, b"hello", {"Content-Type": "text/plain; charset=utf-8"})

    async def _echo(self, seen: Seen, writer: asyncio.StreamWriter) -> None:
        payload = {"method": seen.method, "target": seen.target, "headers": seen.headers, "body": seen.body.decode()}
        await reply(writer, 200, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    async def _redirect(self, seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, int(seen.query.get("status", "302")), b"", {"Location": seen.query["to"]})


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    srv = LocalServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The live settings object; change it only with ``monkeypatch.setattr`` so it is restored."""
    return get_settings()


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Replace the system resolver: ``table`` maps names to addresses; ``calls`` records lookups."""
    state = SimpleNamespace(table={}, calls=[])

    async def resolve(host: str, port: int):
        state.calls.append(host)
        if host not in state.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in state.table[host]
        ]

    monkeypatch.setattr(addresses_module, "_getaddrinfo", resolve)
    return state


# --------------------------------------------------------------------------------------------
# The address predicate and literal parsing (no network at all).

ANY_V4 = "0.0.0.0"  # noqa: S104 - an address under test; nothing binds to it

REFUSED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "0x7f.0.0.1",
    ANY_V4,
    "0",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "[::1]",
    "[::]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[fc00::1]",
    "[fd12::1]",
    "[fe80::1]",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
async def test_resolve_public_refuses_local_and_private_hosts(host: str, fake_dns: SimpleNamespace) -> None:
    with pytest.raises(BlockedAddress) as info:
        await resolve_public(host, 80)
    assert info.value.code == "blocked_address"
    assert info.value.status == 400
    assert "private or local addresses are not allowed" in info.value.message
    assert fake_dns.calls == []  # literals and localhost never reach DNS


@pytest.mark.parametrize("host", REFUSED_HOSTS)
async def test_client_refuses_local_and_private_hosts(host: str, fake_dns: SimpleNamespace) -> None:
    with pytest.raises(BlockedAddress):
        await safe_request("GET", f"http://{host}/latest/meta-data/")


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"])
def test_public_addresses_are_accepted(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "100.127.255.254",
        "192.0.2.1",
        "198.18.0.1",
        "240.0.0.1",
        "0.1.2.3",
        "::7f00:1",
        "64:ff9b::a00:1",
        "2001::1",  # Teredo
        "2001:db8::1",
        "fec0::1",
        "ff02::1",
        "fe80::1%1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"])
def test_loopback_switch_allows_only_loopback(address: str, allow_loopback: None) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["10.0.0.1", "169.254.169.254", ANY_V4, "::", "64:ff9b::7f00:1", "2002:7f00:1::", "fd00::1"]
)
def test_loopback_switch_keeps_everything_else_refused(address: str, allow_loopback: None) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", ANY_V4),
        ("0x08.0x08.010.8", "8.8.8.8"),
        ("[::1]", "::1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
        ("[fe80::1%25eth0]", "fe80::1"),
    ],
)
def test_parse_host_literal_understands_numeric_spellings(spelling: str, expected: str) -> None:
    assert parse_host_literal(spelling) == ipaddress.ip_address(expected)


@pytest.mark.parametrize(
    "host", ["example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08.1.1.1", "0x7g.1", "1..1", "[not-ipv6]", "1e3"]
)
def test_parse_host_literal_leaves_names_alone(host: str) -> None:
    assert parse_host_literal(host) is None


# --------------------------------------------------------------------------------------------
# Resolution and check_host (fake resolver).


async def test_name_resolving_to_loopback_is_refused(fake_dns: SimpleNamespace) -> None:
    fake_dns.table["rebind.example.test"] = ["127.0.0.1"]
    with pytest.raises(BlockedAddress, match=r"rebind\.example\.test resolves to 127\.0\.0\.1"):
        await resolve_public("rebind.example.test", 443)


async def test_any_private_answer_refuses_the_whole_name(fake_dns: SimpleNamespace) -> None:
    fake_dns.table["mixed.example.test"] = ["8.8.8.8", "10.0.0.7"]
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.7"):
        await resolve_public("mixed.example.test", 80)


async def test_resolve_public_returns_checked_addresses(fake_dns: SimpleNamespace) -> None:
    fake_dns.table["api.example.test"] = ["8.8.8.8", "2606:4700:4700::1111", "8.8.8.8"]
    assert await resolve_public("API.example.test.", 443) == [
        ipaddress.ip_address("8.8.8.8"),
        ipaddress.ip_address("2606:4700:4700::1111"),
    ]
    assert fake_dns.calls == ["api.example.test"]


async def test_unresolvable_name_is_a_readable_error(fake_dns: SimpleNamespace) -> None:
    with pytest.raises(OutboundRequestError) as info:
        await resolve_public("nowhere.example.test", 80)
    assert info.value.code == "dns_failed"
    assert "nowhere.example.test" in info.value.message


async def test_check_host_returns_the_ip_to_connect_to(fake_dns: SimpleNamespace) -> None:
    fake_dns.table["smtp.example.test"] = ["8.8.4.4"]
    assert await check_host("smtp.example.test", 587) == "8.8.4.4"
    assert await check_host("1.1.1.1", 25) == "1.1.1.1"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "mail.internal.test", "[::1]"])
async def test_check_host_refuses_internal_smtp_hosts(host: str, fake_dns: SimpleNamespace) -> None:
    fake_dns.table["mail.internal.test"] = ["192.168.10.5"]
    with pytest.raises(BlockedAddress):
        await check_host(host, 25)


async def test_check_host_refuses_bad_ports() -> None:
    with pytest.raises(InvalidOutboundURL):
        await check_host("8.8.8.8", 0)


# --------------------------------------------------------------------------------------------
# The client against the local server.


async def test_local_server_is_refused_by_default(server: LocalServer) -> None:
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
        await safe_request("GET", server.url("/ok"))
    assert server.seen == []


async def test_localhost_name_is_refused_by_default(server: LocalServer) -> None:
    with pytest.raises(BlockedAddress, match="localhost"):
        await safe_request("GET", server.url("/ok", host="localhost"))
    assert server.seen == []


async def test_loopback_switch_lets_the_client_fetch(server: LocalServer, allow_loopback: None) -> None:
    response = await safe_request("GET", server.url("/ok"))
    assert response.status_code == 200
    assert response.is_success
    assert response.content == b"hello"
    assert response.text() == "hello"
    assert response.url == server.url("/ok")


async def test_request_sends_user_agent_body_and_params(server: LocalServer, allow_loopback: None) -> None:
    async with SafeHTTP() as http:
        response = await http.post(server.url("/echo"), params={"q": "1"}, json={"a": 1})
    echoed = response.json()
    assert echoed["method"] == "POST"
    assert echoed["target"] == "/echo?q=1"
    assert echoed["headers"]["user-agent"] == USER_AGENT
    assert json.loads(echoed["body"]) == {"a": 1}


async def test_client_connects_to_the_resolved_ip_with_original_host(
    server: LocalServer, allow_loopback: None, fake_dns: SimpleNamespace
) -> None:
    fake_dns.table["api.example.test"] = ["127.0.0.1"]
    response = await safe_request("GET", server.url("/echo", host="api.example.test"))
    assert response.json()["headers"]["host"] == f"api.example.test:{server.port}"
    assert fake_dns.calls == ["api.example.test"]  # resolved exactly once


async def test_numeric_host_spellings_are_normalised(server: LocalServer, allow_loopback: None) -> None:
    response = await safe_request("GET", server.url("/echo", host="0x7f.1"))
    assert response.json()["headers"]["host"] == f"127.0.0.1:{server.port}"


async def test_environment_proxies_are_ignored(
    server: LocalServer, allow_loopback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(var, "http://10.9.9.9:3128")
    response = await safe_request("GET", server.url("/ok"))
    assert response.content == b"hello"


async def test_no_cookies_are_kept(server: LocalServer, allow_loopback: None) -> None:
    async def set_cookie(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, b"", {"Set-Cookie": "session=abc; Path=/"})

    server.routes["/cookie"] = set_cookie
    async with SafeHTTP() as http:
        await http.get(server.url("/cookie"))
        echoed = (await http.get(server.url("/echo"))).json()
    assert "cookie" not in echoed["headers"]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/_", "javascript:alert(1)", "//example.com/"],
)
async def test_only_http_and_https_are_allowed(url: str, allow_loopback: None) -> None:
    with pytest.raises(InvalidOutboundURL, match="Only http:// and https://") as info:
        await safe_request("GET", url)
    assert info.value.code == "unsupported_scheme"


@pytest.mark.parametrize(
    "url", ["http://user:hunter2@127.0.0.1/", "http://user@127.0.0.1/", "https://:hunter2@example.com/x"]
)
async def test_credentials_in_url_are_refused(url: str, allow_loopback: None) -> None:
    with pytest.raises(InvalidOutboundURL, match="embedded credentials") as info:
        await safe_request("GET", url)
    assert info.value.code == "credentials_in_url"
    assert "hunter2" not in info.value.message


@pytest.mark.parametrize("url", ["http://", "http:///path", "http://127.0.0.1:99999/", "http://[::1/"])
async def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidOutboundURL):
        await safe_request("GET", url)


async def test_errors_never_echo_query_strings_or_headers(fake_dns: SimpleNamespace) -> None:
    with pytest.raises(BlockedAddress) as info:
        await safe_request(
            "GET", "http://10.0.0.1/path?token=SECRET-TOKEN", headers={"Authorization": "Bearer SECRET-KEY"}
        )
    assert "SECRET" not in info.value.message
    assert "SECRET" not in str(info.value)


# --------------------------------------------------------------------------------------------
# Redirects.


@pytest.mark.parametrize(
    "location", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:a00:1]/", "http://0/"]
)
async def test_redirect_to_private_address_is_refused(server: LocalServer, allow_loopback: None, location: str) -> None:
    with pytest.raises(BlockedAddress):
        await safe_request("GET", server.url(f"/r?to={location}"))


async def test_redirect_to_name_resolving_privately_is_refused(
    server: LocalServer, allow_loopback: None, fake_dns: SimpleNamespace
) -> None:
    fake_dns.table["internal.example.test"] = ["10.20.30.40"]
    with pytest.raises(BlockedAddress, match=r"internal\.example\.test resolves to 10\.20\.30\.40"):
        await safe_request("GET", server.url("/r?to=http://internal.example.test/admin"))


async def test_redirect_to_other_scheme_is_refused(server: LocalServer, allow_loopback: None) -> None:
    with pytest.raises(InvalidOutboundURL) as info:
        await safe_request("GET", server.url("/r?to=file:///etc/passwd"))
    assert info.value.code == "unsupported_scheme"


async def test_redirect_chain_longer_than_the_limit_is_refused(
    server: LocalServer, allow_loopback: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(settings, "outbound_max_redirects", 3)

    async def loop(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 302, b"", {"Location": f"/loop?n={int(seen.query['n']) + 1}"})

    server.routes["/loop"] = loop
    with pytest.raises(OutboundRequestError, match="Too many redirects") as info:
        await safe_request("GET", server.url("/loop?n=0"))
    assert info.value.code == "too_many_redirects"
    assert len(server.seen) == 4  # the first request and three redirects


async def test_redirect_chain_within_the_limit_is_followed(
    server: LocalServer, allow_loopback: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(settings, "outbound_max_redirects", 3)

    async def countdown(seen: Seen, writer: asyncio.StreamWriter) -> None:
        n = int(seen.query["n"])
        await reply(writer, 301, b"", {"Location": f"/countdown?n={n - 1}" if n > 1 else "/ok"})

    server.routes["/countdown"] = countdown
    response = await safe_request("GET", server.url("/countdown?n=3"))
    assert response.content == b"hello"
    assert response.url == server.url("/ok")


@pytest.mark.parametrize("location", ["ok", "/ok", "./ok", "sub/../ok", "/ok#fragment"])
async def test_relative_redirect_is_resolved_against_the_current_url(
    server: LocalServer, allow_loopback: None, location: str
) -> None:
    response = await safe_request("GET", server.url("/r?to=" + location.replace("#", "%23")))
    assert response.status_code == 200
    assert response.content == b"hello"


async def test_303_turns_post_into_get_without_body(server: LocalServer, allow_loopback: None) -> None:
    response = await safe_request(
        "POST", server.url("/r?status=303&to=/echo"), content=b"payload", headers={"Content-Type": "text/plain"}
    )
    echoed = response.json()
    assert echoed["method"] == "GET"
    assert echoed["body"] == ""
    assert "content-type" not in echoed["headers"]


async def test_307_keeps_method_and_body(server: LocalServer, allow_loopback: None) -> None:
    response = await safe_request("POST", server.url("/r?status=307&to=/echo"), content=b"payload")
    echoed = response.json()
    assert (echoed["method"], echoed["body"]) == ("POST", "payload")


async def test_cross_origin_redirect_drops_authorization(
    server: LocalServer, allow_loopback: None, fake_dns: SimpleNamespace
) -> None:
    fake_dns.table["other.example.test"] = ["127.0.0.1"]
    auth = {"Authorization": "Bearer secret", "Cookie": "a=b"}
    same = (await safe_request("GET", server.url("/r?to=/echo"), headers=auth)).json()
    assert same["headers"]["authorization"] == "Bearer secret"
    other = (
        await safe_request("GET", server.url(f"/r?to=http://other.example.test:{server.port}/echo"), headers=auth)
    ).json()
    assert "authorization" not in other["headers"]
    assert "cookie" not in other["headers"]
    assert other["headers"]["host"] == f"other.example.test:{server.port}"


async def test_redirects_can_be_left_unfollowed(server: LocalServer, allow_loopback: None) -> None:
    response = await safe_request("GET", server.url("/r?to=http://10.0.0.1/"), follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://10.0.0.1/"


# --------------------------------------------------------------------------------------------
# Size and time limits.


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> int:
    monkeypatch.setattr(settings, "outbound_max_response_bytes", 1024)
    return 1024


async def test_streamed_response_larger_than_cap_is_cut(
    server: LocalServer, allow_loopback: None, small_cap: int
) -> None:
    async def big(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")  # no length: read until close
        for _ in range(1000):
            writer.write(b"x" * 1024)
            await writer.drain()

    server.routes["/big"] = big
    with pytest.raises(OutboundRequestError, match="larger than 1024 bytes") as info:
        await safe_request("GET", server.url("/big?token=SECRET"))
    assert info.value.code == "response_too_large"
    assert "SECRET" not in info.value.message


async def test_declared_length_over_cap_is_refused(server: LocalServer, allow_loopback: None, small_cap: int) -> None:
    async def declared(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, b"y" * 5000)

    server.routes["/declared"] = declared
    with pytest.raises(OutboundRequestError, match="larger than 1024 bytes"):
        await safe_request("GET", server.url("/declared"))
    # A per-request cap overrides the setting.
    response = await safe_request("GET", server.url("/declared"), max_bytes=5000)
    assert len(response.content) == 5000


async def test_response_at_the_cap_is_accepted(server: LocalServer, allow_loopback: None, small_cap: int) -> None:
    async def exact(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, b"z" * 1024)

    server.routes["/exact"] = exact
    assert len((await safe_request("GET", server.url("/exact"))).content) == 1024


async def test_gzip_bomb_is_cut_after_decompression(server: LocalServer, allow_loopback: None) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    limit = 100_000
    assert len(bomb) < limit  # the compressed body passes the Content-Length check; inflating it must not

    async def serve_bomb(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, bomb, {"Content-Encoding": "gzip"})

    server.routes["/bomb"] = serve_bomb
    started = time.monotonic()
    with pytest.raises(OutboundRequestError, match=f"larger than {limit} bytes"):
        await safe_request("GET", server.url("/bomb"), max_bytes=limit)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("identity", lambda data: data),
    ],
)
async def test_compressed_responses_are_decoded(
    server: LocalServer, allow_loopback: None, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    async def compressed(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, encode("grüße".encode() * 100), {"Content-Encoding": encoding})

    server.routes["/compressed"] = compressed
    response = await safe_request("GET", server.url("/compressed"))
    assert response.text() == "grüße" * 100


async def test_unsupported_content_encoding_is_refused(server: LocalServer, allow_loopback: None) -> None:
    async def brotli(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await reply(writer, 200, b"\x0b\x02\x80hello\x03", {"Content-Encoding": "br"})

    server.routes["/br"] = brotli
    with pytest.raises(OutboundRequestError) as info:
        await safe_request("GET", server.url("/br"))
    assert info.value.code == "unsupported_encoding"


async def test_slow_server_times_out_quickly(
    server: LocalServer, allow_loopback: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(settings, "outbound_timeout_seconds", 0.3)

    async def slow(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server.routes["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(OutboundRequestError, match=r"timed out after 0\.3 seconds") as info:
        await safe_request("GET", server.url("/slow?key=SECRET"))
    assert time.monotonic() - started < 2
    assert info.value.code == "timeout"
    assert "SECRET" not in info.value.message


async def test_trickling_body_hits_the_overall_time_limit(
    server: LocalServer, allow_loopback: None, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(settings, "outbound_timeout_seconds", 0.5)

    async def trickle(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        for _ in range(300):  # each byte arrives well within the read timeout
            writer.write(b".")
            await writer.drain()
            await asyncio.sleep(0.05)

    server.routes["/trickle"] = trickle
    started = time.monotonic()
    with pytest.raises(OutboundRequestError) as info:
        await safe_request("GET", server.url("/trickle"))
    assert info.value.code == "timeout"
    assert time.monotonic() - started < 2


async def test_connection_refused_is_a_readable_error(allow_loopback: None) -> None:
    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(OutboundRequestError) as info:
        await safe_request("GET", f"http://127.0.0.1:{port}/")
    assert info.value.code == "connection_failed"
    assert "127.0.0.1" in info.value.message


# --------------------------------------------------------------------------------------------
# safe_client (for SDKs such as AsyncOpenAI) and TLS.


async def test_safe_client_guards_every_connection(server: LocalServer, fake_dns: SimpleNamespace) -> None:
    async with safe_client() as client:
        with pytest.raises(BlockedAddress):
            await client.get(server.url("/ok"))
        with pytest.raises(BlockedAddress):
            await client.get(server.url("/ok", host="127.1"))
    assert server.seen == []


async def test_safe_client_with_loopback_allowed_and_redirect_guard(server: LocalServer, allow_loopback: None) -> None:
    async with safe_client(base_url=server.url(""), follow_redirects=True) as client:
        response = await client.get("/echo")
        assert response.json()["headers"]["user-agent"] == USER_AGENT
        with pytest.raises(BlockedAddress):
            await client.get("/r?to=http://169.254.169.254/")


def test_safe_client_refuses_bypasses() -> None:
    with pytest.raises(TypeError):
        safe_client(transport=httpx.AsyncHTTPTransport())
    with pytest.raises(TypeError):
        safe_client(proxy="http://10.0.0.1:3128")


def _issue_certificates(tmp_path: Path, name: str) -> tuple[Path, Path, str]:
    """A throwaway CA and a server certificate for ``name``: (cert file, key file, CA PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "server.pem", tmp_path / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file, ca_cert.public_bytes(serialization.Encoding.PEM).decode()


async def test_https_verifies_the_original_host_name_while_dialing_the_ip(
    tmp_path: Path, allow_loopback: None, fake_dns: SimpleNamespace
) -> None:
    cert_file, key_file, ca_pem = _issue_certificates(tmp_path, "api.example.test")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert_file, key_file)
    sni: list[str | None] = []
    server_ctx.sni_callback = lambda _sock, name, _ctx: sni.append(name)  # type: ignore[assignment]
    srv = LocalServer()
    await srv.start(ssl_context=server_ctx)
    fake_dns.table.update({"api.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]})
    client_ctx = ssl.create_default_context(cadata=ca_pem)
    try:
        async with SafeHTTP(verify=client_ctx) as http:
            response = await http.get(srv.url("/echo", host="api.example.test", scheme="https"))
            assert response.json()["headers"]["host"] == f"api.example.test:{srv.port}"
            assert sni == ["api.example.test"]
            # Same IP, but the certificate does not match this name: verification must fail.
            with pytest.raises(OutboundRequestError, match="certificate") as info:
                await http.get(srv.url("/echo", host="other.example.test", scheme="https"))
            assert info.value.code == "connection_failed"
    finally:
        await srv.stop()


async def test_hosts_the_operator_trusts_may_be_private(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, fake_dns: SimpleNamespace
) -> None:
    """A self-hosted SearXNG or Ollama on the compose network: trusted by name, nothing else is."""
    fake_dns.table = {"searxng": ["172.18.0.5"], "intranet": ["10.0.0.9"]}
    monkeypatch.setattr(settings, "outbound_trusted_hosts", " SearXNG., 10.1.2.3 ")
    assert await resolve_public("searxng", 8080) == [ipaddress.ip_address("172.18.0.5")]
    assert await resolve_public("10.1.2.3", 80) == [ipaddress.ip_address("10.1.2.3")]
    assert str(checked_url("http://10.1.2.3:11434/v1")) == "http://10.1.2.3:11434/v1"
    with pytest.raises(BlockedAddress):
        await resolve_public("intranet", 80)
    with pytest.raises(BlockedAddress):
        checked_url("http://10.1.2.4/")
    with pytest.raises(BlockedAddress):
        await resolve_public("localhost", 80)
