"""The web blocks against real HTTP servers on 127.0.0.1 (loopback allowed only inside these tests)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from autogpt_app.blocks.builtin.rss import ReadRSSFeedBlock
from autogpt_app.blocks.builtin.web import SendAuthenticatedWebRequestBlock, SendWebhookBlock, SendWebRequestBlock
from autogpt_app.blocks.builtin.web_page import FetchWebPageBlock
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from autogpt_app.settings import get_settings

CANARY = "canary-7f3a9c1e-secret-header-value"


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


Answer = tuple[int, dict[str, str], bytes]
Route = Callable[[Seen], Answer | Awaitable[Answer]]


class Server:
    """One request per connection; routes keyed by path; every request recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {"/echo": self._echo, "/r": self._redirect}
        self.seen: list[Seen] = []
        self.port = 0
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, status: int = 200, body: bytes | str = b"", content_type: str = "text/plain") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = lambda seen: (status, {"Content-Type": content_type}, data)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {}
            for line in lines:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            seen = Seen(method, target, headers, body)
            self.seen.append(seen)
            route = self.routes.get(seen.path)
            answer = route(seen) if route else (404, {"Content-Type": "text/plain"}, b"no such page")
            if asyncio.iscoroutine(answer):
                answer = await answer
            status, extra, payload = answer
            out = [f"HTTP/1.1 {status} X", f"Content-Length: {len(payload)}", "Connection: close"]
            out += [f"{k}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + (b"" if method == "HEAD" else payload))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    def _echo(self, seen: Seen) -> Answer:
        data = {"method": seen.method, "target": seen.target, "headers": seen.headers, "body": seen.body.decode()}
        return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()

    def _redirect(self, seen: Seen) -> Answer:
        return int(seen.query.get("status", "302")), {"Location": seen.query["to"]}, b""


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


@pytest.fixture
async def server(loopback: None) -> AsyncIterator[Server]:
    srv = Server()
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def other(loopback: None) -> AsyncIterator[Server]:
    srv = Server()
    await srv.start()
    yield srv
    await srv.stop()


def scoped(host: str = "127.0.0.1", **headers: str) -> RunContext:
    secret = CredentialSecret(
        id="cred-1", provider="http", type="host_scoped", host=host, headers=headers or {"X-Api-Key": CANARY}
    )
    return RunContext(user_id="u1", credentials={"credentials": secret})


def pins(outputs: list[tuple[str, object]]) -> dict[str, object]:
    return dict(outputs)


# ---------------------------------------------------------------------------------------------
# HTTP request


async def test_get_json_and_text(server: Server) -> None:
    server.route("/data", body='{"a": 1, "b": [true]}', content_type="application/json")
    server.route("/text", body="plain words")
    block = SendWebRequestBlock()

    out = await run_block(block, {"url": server.url("/data"), "method": "get"})
    assert out == [("response", {"a": 1, "b": [True]}), ("status", 200)]
    out = await run_block(block, {"url": server.url("/data"), "method": "GET", "json_format": False})
    assert out == [("response", '{"a": 1, "b": [true]}'), ("status", 200)]
    out = await run_block(block, {"url": server.url("/text"), "method": "GET"})
    assert out == [("response", "plain words"), ("status", 200)]
    assert server.seen[0].method == "GET" and server.seen[0].body == b""


async def test_post_bodies(server: Server) -> None:
    block = SendWebRequestBlock()
    out = pins(await run_block(block, {"url": server.url("/echo"), "body": {"name": "Ada", "n": [1, 2]}}))
    assert out["status"] == 200
    echoed = out["response"]
    assert echoed["method"] == "POST"
    assert json.loads(echoed["body"]) == {"name": "Ada", "n": [1, 2]}
    assert echoed["headers"]["content-type"] == "application/json"

    out = pins(await run_block(block, {"url": server.url("/echo"), "method": "PUT", "body": '{"x": 1}'}))
    assert json.loads(out["response"]["body"]) == {"x": 1}
    assert out["response"]["headers"]["content-type"] == "application/json"

    out = pins(await run_block(block, {"url": server.url("/echo"), "method": "PATCH", "body": "just text"}))
    assert out["response"]["body"] == "just text"
    assert out["response"]["headers"]["content-type"].startswith("text/plain")

    form = {"url": server.url("/echo"), "body": {"a": "1", "b": 2}, "json_format": False}
    out = pins(await run_block(block, form))
    assert json.loads(out["response"])["body"] == "a=1&b=2"

    headers = {"X-Custom": "yes", "Content-Length": "999"}
    out = pins(await run_block(block, {"url": server.url("/echo"), "method": "DELETE", "headers": headers}))
    assert out["response"]["method"] == "DELETE"
    assert out["response"]["headers"]["x-custom"] == "yes"
    assert "content-length" not in out["response"]["headers"] or out["response"]["headers"]["content-length"] == "0"

    out = await run_block(block, {"url": server.url("/echo"), "method": "HEAD"})
    assert out == [("response", ""), ("status", 200)]


async def test_client_and_server_errors(server: Server) -> None:
    server.route("/boom", 500, '{"error": "down"}', "application/json")
    server.route("/teapot", 418, "short and stout")
    block = SendWebRequestBlock()
    assert await run_block(block, {"url": server.url("/missing"), "method": "GET"}) == [
        ("client_error", "no such page"),
        ("status", 404),
    ]
    assert await run_block(block, {"url": server.url("/teapot"), "method": "GET"}) == [
        ("client_error", "short and stout"),
        ("status", 418),
    ]
    assert await run_block(block, {"url": server.url("/boom"), "method": "GET"}) == [
        ("server_error", {"error": "down"}),
        ("status", 500),
    ]


async def test_redirects_are_followed_and_checked(server: Server) -> None:
    server.route("/final", body="arrived")
    block = SendWebRequestBlock()
    out = await run_block(block, {"url": server.url("/r?to=/final"), "method": "GET"})
    assert out == [("response", "arrived"), ("status", 200)]
    out = await run_block(block, {"url": server.url("/r?to=http://169.254.169.254/latest"), "method": "GET"})
    assert out == [("error", "Requests to private or local addresses are not allowed (169.254.169.254).")]


async def test_credential_headers_go_to_the_matching_host_only(server: Server) -> None:
    block = SendAuthenticatedWebRequestBlock()
    out = pins(await run_block(block, {"url": server.url("/echo"), "method": "GET"}, scoped()))
    assert out["response"]["headers"]["x-api-key"] == CANARY

    # The agent's own headers win over the credential's, as in AutoGPT.
    inputs = {"url": server.url("/echo"), "method": "GET", "headers": {"X-Api-Key": "mine"}}
    assert pins(await run_block(block, inputs, scoped()))["response"]["headers"]["x-api-key"] == "mine"

    # A credential for another host adds nothing.
    out = pins(await run_block(block, {"url": server.url("/echo"), "method": "GET"}, scoped("api.example.com")))
    assert "x-api-key" not in out["response"]["headers"]
    assert CANARY not in repr(out)

    # The optional credential of the plain HTTP block works the same way.
    out = pins(await run_block(SendWebRequestBlock(), {"url": server.url("/echo"), "method": "GET"}, scoped()))
    assert out["response"]["headers"]["x-api-key"] == CANARY


async def test_credential_headers_are_not_sent_after_a_redirect_elsewhere(server: Server, other: Server) -> None:
    block = SendAuthenticatedWebRequestBlock()
    context = scoped(**{"X-Api-Key": CANARY, "Authorization": f"Bearer {CANARY}"})

    # Same origin: the headers stay.
    out = pins(await run_block(block, {"url": server.url("/r?to=/echo"), "method": "GET"}, context))
    assert out["response"]["headers"]["x-api-key"] == CANARY

    # Another port on the same host is another origin: every credential header is dropped.
    to_other = server.url(f"/r?to={other.url('/echo')}")
    out = pins(await run_block(block, {"url": to_other, "method": "GET"}, context))
    assert out["status"] == 200
    assert other.seen[-1].path == "/echo"
    assert "x-api-key" not in other.seen[-1].headers and "authorization" not in other.seen[-1].headers
    assert CANARY not in repr(out)

    # ... and they are not put back when a later hop returns to the first origin.
    back = other.url(f"/r?to={server.url('/echo')}")
    out = pins(await run_block(block, {"url": server.url(f"/r?to={back}"), "method": "GET"}, context))
    assert server.seen[-1].path == "/echo"
    assert "x-api-key" not in server.seen[-1].headers
    assert CANARY not in repr(out)

    # 303 turns a POST into a GET without the body; checked targets still apply.
    out = pins(await run_block(block, {"url": server.url("/r?to=/echo&status=303"), "body": {"a": 1}}, context))
    assert out["response"]["method"] == "GET" and out["response"]["body"] == ""
    blocked = server.url("/r?to=http://169.254.169.254/")
    assert await run_block(block, {"url": blocked, "method": "GET"}, context) == [
        ("error", "Requests to private or local addresses are not allowed (169.254.169.254).")
    ]


async def test_scoped_redirect_limit(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_max_redirects", 2)
    loop_url = server.url("/r?to=/r%3Fto%3D/r%253Fto%253D/echo")
    out = await run_block(SendAuthenticatedWebRequestBlock(), {"url": loop_url, "method": "GET"}, scoped())
    assert out == [("error", "Too many redirects from 127.0.0.1 (the limit is 2).")]


async def test_size_cap_and_timeout(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_max_response_bytes", 2048)
    server.route("/big", body="x" * 5000)

    async def slow(seen: Seen) -> Answer:
        await asyncio.sleep(2)
        return 200, {}, b"late"

    server.routes["/slow"] = slow
    for block, context in ((SendWebRequestBlock(), RunContext()), (SendAuthenticatedWebRequestBlock(), scoped())):
        out = await run_block(block, {"url": server.url("/big"), "method": "GET"}, context)
        assert out == [("error", "The response from 127.0.0.1 is larger than 2048 bytes.")]
    out = await run_block(FetchWebPageBlock(), {"url": server.url("/big")})
    assert out == [("error", "The response from 127.0.0.1 is larger than 2048 bytes.")]

    monkeypatch.setattr(get_settings(), "outbound_timeout_seconds", 0.3)
    for block, context in ((SendWebRequestBlock(), RunContext()), (SendAuthenticatedWebRequestBlock(), scoped())):
        out = await run_block(block, {"url": server.url("/slow"), "method": "GET"}, context)
        assert out == [("error", "The request to 127.0.0.1 timed out after 0.3 seconds.")]


async def test_canary_never_in_outputs_or_errors(server: Server, other: Server) -> None:
    server.route("/boom", 500, "failed")
    block = SendAuthenticatedWebRequestBlock()
    context = scoped(**{"X-Api-Key": CANARY, "Authorization": f"Bearer {CANARY}"})
    urls = [
        server.url("/boom"),
        server.url("/missing"),
        server.url(f"/r?to={other.url('/echo')}"),
        server.url("/r?to=http://10.0.0.1/"),
        server.url("/r?to=file:///etc/passwd"),
        "http://127.0.0.1:1/closed",
        "file:///etc/passwd",
    ]
    for url in urls:
        out = await run_block(block, {"url": url, "method": "GET"}, context)
        assert out and CANARY not in repr(out), url
    out = await run_block(block, {"url": server.url("/x"), "headers": {"Bad Header": CANARY}}, context)
    assert out == [("error", "The header name 'Bad Header' is not valid.")]
    out = await run_block(block, {"url": server.url("/x"), "headers": {"X-Ok": f"a\r\n{CANARY}"}}, context)
    assert out == [("error", "The value of the header 'X-Ok' contains a line break.")]


async def test_blocked_without_loopback_switch() -> None:
    out = await run_block(SendWebRequestBlock(), {"url": "http://localhost:9/", "method": "GET"})
    assert out == [("error", "Requests to private or local addresses are not allowed (localhost).")]


# ---------------------------------------------------------------------------------------------
# RSS and Atom


def _rss(now: datetime) -> str:
    def item(title: str, when: datetime | None, extra: str = "") -> str:
        date = f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>" if when else ""
        return f"<item><title>{title}</title><link>https://news.example/{title}</link>{date}{extra}</item>"

    items = [
        item(
            "fresh",
            now - timedelta(minutes=10),
            "<description>New &amp; shiny</description><author>ada@example.com (Ada)</author>"
            "<category>Tech</category><category>News</category>",
        ),
        item("older", now - timedelta(days=2)),
        item("undated", None),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>https://news.example/</link><description>d</description>{''.join(items)}</channel></rss>"
    )


def _atom(now: datetime) -> str:
    def entry(title: str, when: datetime) -> str:
        return (
            f"<entry><title>{title}</title><link href='https://blog.example/{title}'/>"
            f"<id>urn:{title}</id><updated>{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>"
            f"<summary>About {title}</summary><author><name>Bo</name></author>"
            f"<category term='py'/></entry>"
        )

    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Blog</title><id>urn:blog</id><updated>2024-01-01T00:00:00Z</updated>"
        f"{entry('one', now - timedelta(minutes=5))}{entry('two', now - timedelta(minutes=30))}"
        f"{entry('three', now - timedelta(hours=5))}</feed>"
    )


async def test_rss_feed_with_time_period(server: Server) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    server.route("/rss", body=_rss(now), content_type="application/rss+xml")
    block = ReadRSSFeedBlock()

    out = await run_block(block, {"rss_url": server.url("/rss"), "time_period": 60})
    fresh = {
        "title": "fresh",
        "link": "https://news.example/fresh",
        "description": "New & shiny",
        "pub_date": (now - timedelta(minutes=10)).isoformat(),
        "author": "ada@example.com (Ada)",
        "categories": ["Tech", "News"],
    }
    assert out == [("entry", fresh), ("entries", [fresh])]

    out = await run_block(block, {"rss_url": server.url("/rss"), "time_period": 0})
    assert [value["title"] for pin, value in out if pin == "entry"] == ["fresh", "older", "undated"]
    assert out[-1][0] == "entries" and len(out[-1][1]) == 3
    assert out[2][1]["pub_date"] is None

    out = await run_block(block, {"rss_url": server.url("/rss"), "time_period": 0, "max_entries": 2})
    assert [pin for pin, _ in out] == ["entry", "entry", "entries"]

    out = await run_block(block, {"rss_url": server.url("/rss")})  # the default: one day
    assert [value["title"] for pin, value in out if pin == "entry"] == ["fresh"]


async def test_atom_feed(server: Server) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    server.route("/atom", body=_atom(now), content_type="application/atom+xml")
    out = await run_block(ReadRSSFeedBlock(), {"rss_url": server.url("/atom"), "time_period": 60})
    entries = [value for pin, value in out if pin == "entry"]
    assert [e["title"] for e in entries] == ["one", "two"]
    assert entries[0] == {
        "title": "one",
        "link": "https://blog.example/one",
        "description": "About one",
        "pub_date": (now - timedelta(minutes=5)).isoformat(),
        "author": "Bo",
        "categories": ["py"],
    }
    assert out[-1] == ("entries", entries)


async def test_feed_errors_and_refusals(server: Server) -> None:
    block = ReadRSSFeedBlock()
    server.route("/notfeed", body="<html><body>hello</body></html>", content_type="text/html")
    server.route("/path", body="/etc/passwd")  # feedparser would open a file name given as a string
    out = await run_block(block, {"rss_url": server.url("/r?to=http://169.254.169.254/feed")})
    assert out == [("error", "Requests to private or local addresses are not allowed (169.254.169.254).")]
    out = await run_block(block, {"rss_url": server.url("/missing")})
    assert out == [("error", "The feed at 127.0.0.1 answered with HTTP 404.")]
    assert await run_block(block, {"rss_url": server.url("/notfeed")}) == [
        ("error", "The address did not return an RSS or Atom feed.")
    ]
    out = await run_block(block, {"rss_url": server.url("/path"), "time_period": 0})
    assert out == [("error", "The address did not return an RSS or Atom feed.")]
    assert "root:" not in repr(out)


async def test_feed_size_cap(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_max_response_bytes", 4096)
    now = datetime.now(UTC)
    server.route("/rss", body=_rss(now).replace("New &amp; shiny", "x" * 6000), content_type="application/rss+xml")
    out = await run_block(ReadRSSFeedBlock(), {"rss_url": server.url("/rss")})
    assert out == [("error", "The response from 127.0.0.1 is larger than 4096 bytes.")]


# ---------------------------------------------------------------------------------------------
# Webhook and web page


async def test_webhook(server: Server) -> None:
    block = SendWebhookBlock()
    out = pins(
        await run_block(block, {"url": server.url("/echo"), "payload": {"text": "hi"}, "headers": {"X-Sig": "1"}})
    )
    assert out["status"] == 200
    seen = server.seen[-1]
    assert seen.method == "POST" and json.loads(seen.body) == {"text": "hi"}
    assert seen.headers["content-type"] == "application/json" and seen.headers["x-sig"] == "1"
    assert out["response"]["method"] == "POST"

    await run_block(block, {"url": server.url("/echo"), "payload": '{"raw": true}'})
    assert server.seen[-1].body == b'{"raw": true}'
    assert server.seen[-1].headers["content-type"] == "application/json"
    await run_block(block, {"url": server.url("/echo"), "payload": "hello"})
    assert server.seen[-1].body == b"hello"

    server.route("/down", 503, "try later")
    assert await run_block(block, {"url": server.url("/down"), "payload": [1]}) == [
        ("status", 503),
        ("response", "try later"),
        ("error", "The webhook at 127.0.0.1 answered with HTTP 503."),
    ]


async def test_fetch_web_page(server: Server) -> None:
    page = (
        "<html><head><title>  The &amp; Title </title><style>b{}</style></head><body>"
        "<h1>Heading</h1><p>First para <a href='/about'>About</a></p>"
        "<script>evil()</script><a href='https://other.example/x'>Other</a></body></html>"
    )
    server.route("/page", body=page, content_type="text/html; charset=utf-8")
    server.route("/plain", body="  just text  ")
    server.route("/image", body=b"\x89PNG....", content_type="image/png")
    block = FetchWebPageBlock()

    out = pins(await run_block(block, {"url": server.url("/page")}))
    assert out["title"] == "The & Title"
    assert out["text"] == "Heading\n\nFirst para About\n\nOther"
    assert out["links"] == [
        {"url": server.url("/about"), "text": "About"},
        {"url": "https://other.example/x", "text": "Other"},
    ]
    assert await run_block(block, {"url": server.url("/plain")}) == [
        ("text", "just text"),
        ("title", ""),
        ("links", []),
    ]
    assert await run_block(block, {"url": server.url("/image")}) == [
        ("error", "The page at 127.0.0.1 is not text (it is image/png).")
    ]
    assert await run_block(block, {"url": server.url("/gone")}) == [
        ("error", "The page at 127.0.0.1 answered with HTTP 404.")
    ]
