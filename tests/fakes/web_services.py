"""Local stand-ins for the web services the web blocks call, written from each service's public docs.

One threaded HTTP server on ``127.0.0.1``; each service lives under its own path prefix, so a test
points the matching setting at ``fake.url("/tavily")`` and so on::

    with FakeWebServices() as fake:
        settings.tavily_api_url = fake.url("/tavily")
        fake.fail("/tavily", 429)                      # the next request there gets a 429
        ...
        assert fake.requests[-1].headers["authorization"] == "Bearer tvly-good"

Services and what they check, as the real ones do:

* ``/searxng/search?q=…&format=json`` (SearXNG): 403 unless ``format=json``.
* ``POST /tavily/search`` (Tavily): ``Authorization: Bearer <key>``; 401 for another key.
* ``GET /brave/res/v1/web/search?q=…&count=n`` (Brave Search): ``X-Subscription-Token``; 401 otherwise.
* ``GET /jina-search/?q=…`` (Jina Search, JSON when ``Accept: application/json``) and
  ``GET /jina-reader/<url>`` (Jina Reader, Markdown text): ``Authorization: Bearer <key>``.
* ``GET /wikipedia/page/summary/<title>`` (Wikipedia REST): 404 problem JSON for unknown titles.
* ``GET /owm/data/2.5/weather?q=…&appid=…&units=…`` (OpenWeatherMap): 401 for a wrong ``appid``,
  404 ``city not found``.
* ``POST /places/v1/places:searchText`` (Google Places API (New)): ``X-Goog-Api-Key`` and
  ``X-Goog-FieldMask``; pages of ``pageSize`` with ``nextPageToken``; Google's error shape.
* ``/youtube/watch?v=…`` (a video page holding ``INNERTUBE_API_KEY``), ``POST /youtube/youtubei/v1/player``
  (playability and caption tracks; 400 without that key) and ``/youtube/api/timedtext`` (captions XML;
  the ``srv3`` format when ``fmt=srv3`` is asked), as YouTube's own players use them; see :data:`VIDEOS`.
* ``/pages/<name>``: pages set with :meth:`FakeWebServices.page` (404 otherwise). The search fakes'
  results point there (``/pages/searx-1``, ``/pages/brave-2``...), so a test can serve their pages.
  Each page is sent with an ``ETag`` (a hash of its body) and a fixed ``Last-Modified``; a request
  whose ``If-None-Match`` names the current ETag gets ``304 Not Modified`` with no body, as a web
  server or CDN answers a feed reader's conditional GET.

Every request is recorded (:attr:`FakeWebServices.requests`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from autogpt_app.blocks.sdk import CredentialSecret, RunContext

KEYS = {
    "tavily": "tvly-good-key-123456",
    "brave": "brave-good-key-123456",
    "jina": "jina_good_key_123456",
    "openweathermap": "owm-good-key-123456",
    "google_maps": "gmaps-good-key-123456",
}

CITIES = {
    "london": {"temp_c": 11.5, "humidity": 81, "description": "light rain"},
    "cairo": {"temp_c": 30.0, "humidity": 20, "description": "clear sky"},
}

ARTICLES = {
    "Python (programming language)": "Python is a high-level, general-purpose programming language.",
    "Ada Lovelace": "Augusta Ada King, Countess of Lovelace, was an English mathematician and writer.",
}


def _place(number: int) -> dict[str, Any]:
    return {
        "id": f"ChIJplace{number:03d}",
        "displayName": {"text": f"Cafe {number}", "languageCode": "en"},
        "formattedAddress": f"{number} Main St, Springfield",
        "location": {"latitude": 40.0 + number / 1000, "longitude": -73.0 - number / 1000},
        "googleMapsUri": f"https://maps.google.com/?cid={number}",
        "nationalPhoneNumber": f"(555) 000-{number:04d}",
        "websiteUri": f"https://cafe{number}.example.com/",
        "rating": 4.5,
        "userRatingCount": 100 + number,
    }


PLACES = [_place(n) for n in range(1, 26)]

YOUTUBE_API_KEY = "AIzaFakeInnertubeKey123"
#: Videos by id: playability status (and reason) and caption tracks (language, kind, lines).
VIDEOS: dict[str, dict[str, Any]] = {
    "dQw4w9WgXcQ": {
        "status": "OK",
        "tracks": [
            ("fr", "asr", ["Jamais je ne t'abandonnerai"]),
            ("en", "asr", ["never gonna give you up automatic"]),
            ("en", "", ["Never gonna give you up", "It&amp;#39;s &lt;i&gt;fine&lt;/i&gt; &amp; true"]),
        ],
    },
    "frOnlyVid01": {"status": "OK", "tracks": [("de", "", ["Hallo Welt"]), ("fr", "", ["Bonjour le monde"])]},
    "ageLimited1": {"status": "LOGIN_REQUIRED", "reason": "Sign in to confirm your age"},
    "goneVideo01": {"status": "ERROR", "reason": "This video is unavailable"},
    "noCaptions1": {"status": "OK", "tracks": []},
}


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.target).path)

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.target).query).items()}

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class _Failure:
    status: int
    body: bytes
    content_type: str


@dataclass
class FakeWebServices:
    """The fake services on one local port (see the module docstring)."""

    requests: list[Seen] = field(default_factory=list)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def __enter__(self) -> FakeWebServices:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-web-services", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def url(self, path: str = "") -> str:
        """The fake's address followed by ``path``."""
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def page(self, name: str, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> str:
        """Serve ``body`` at ``/pages/<name>`` and return its address."""
        self.pages[f"/pages/{name}"] = (content_type, body.encode() if isinstance(body, str) else body)
        return self.url(f"/pages/{name}")

    def fail(self, prefix: str, status: int, body: Any = None, *, times: int = 1) -> None:
        """Answer the next ``times`` requests under ``prefix`` with ``status`` (and ``body``, JSON unless bytes)."""
        if isinstance(body, bytes):
            failure = _Failure(status, body, "text/plain")
        else:
            payload = body if body is not None else {"error": f"fake failure {status}"}
            failure = _Failure(status, json.dumps(payload).encode(), "application/json")
        with self._lock:
            self._failures.setdefault(prefix, []).extend([failure] * times)

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            for prefix, queue in self._failures.items():
                if path.startswith(prefix) and queue:
                    return queue.pop(0)
        return None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWebServices
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        seen = Seen(method, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
        self.fake.requests.append(seen)
        if failure := self.fake._take_failure(seen.path):
            return self._send(failure.status, failure.body, failure.content_type)
        for prefix, route in _ROUTES:
            if seen.path.startswith(prefix):
                status, data = route(self.fake, seen)
                if isinstance(data, tuple):
                    return self._send(status, data[1], data[0], *data[2:])
                return self._send(status, json.dumps(data).encode(), "application/json")
        return self._send(404, b"no such page", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _bearer(seen: Seen, provider: str) -> bool:
    return seen.headers.get("authorization") == f"Bearer {KEYS[provider]}"


def _searxng(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if seen.query.get("format") != "json":
        return 403, ("text/html", b"<h1>403 Forbidden</h1>")
    query = seen.query.get("q", "")
    results = [
        {
            "url": fake.url(f"/pages/searx-{n}"),
            "title": f"{query} result {n}",
            "content": f"About {query}, part {n}.",
            "engine": "duckduckgo",
        }
        for n in range(1, 9)
    ]
    return 200, {"query": query, "number_of_results": len(results), "results": results}


def _tavily(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if not _bearer(seen, "tavily"):
        return 401, {"detail": {"error": "Unauthorized: missing or invalid API key."}}
    body = seen.json()
    query, limit = body["query"], int(body.get("max_results", 5))
    results = [
        {
            "title": f"{query} page {n}",
            "url": fake.url(f"/pages/tavily-{n}"),
            "content": f"Tavily says {n}.",
            "score": 0.9 - n / 100,
            "raw_content": f"Raw text of Tavily page {n}." if body.get("include_raw_content") else None,
        }
        for n in range(1, 11)
    ][:limit]
    return 200, {"query": query, "results": results, "response_time": 0.5}


def _brave(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if seen.headers.get("x-subscription-token") != KEYS["brave"]:
        return 401, {
            "type": "ErrorResponse",
            "error": {
                "code": "SUBSCRIPTION_TOKEN_INVALID",
                "status": 401,
                "detail": "The provided subscription token is invalid.",
            },
        }
    query, count = seen.query["q"], int(seen.query.get("count", 20))
    results = [
        {"title": f"Brave {query} {n}", "url": fake.url(f"/pages/brave-{n}"), "description": f"Brave found {n}."}
        for n in range(1, 21)
    ][:count]
    return 200, {"type": "search", "query": {"original": query}, "web": {"type": "search", "results": results}}


def _jina_search(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if not _bearer(seen, "jina"):
        return 401, {
            "code": 401,
            "name": "AuthenticationRequiredError",
            "status": 40103,
            "readableMessage": "AuthenticationRequiredError: Invalid API key",
        }
    query = seen.query.get("q", "")
    no_content = seen.headers.get("x-respond-with") == "no-content"
    data = [
        {
            "title": f"Jina {query} {n}",
            "url": fake.url(f"/pages/jina-{n}"),
            "description": f"Jina found {n}.",
            **({} if no_content else {"content": f"# Page {n}\n\nFull text of page {n} about {query}."}),
        }
        for n in range(1, 6)
    ]
    return 200, {"code": 200, "status": 20000, "data": data}


def _jina_reader(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if not _bearer(seen, "jina"):
        return 401, {"code": 401, "readableMessage": "AuthenticationRequiredError: Invalid API key"}
    target = seen.target[len("/jina-reader/") :]
    return 200, ("text/plain", f"Title: Read by Jina\n\nURL Source: {target}\n\nMarkdown Content:\nHello".encode())


def _wikipedia(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    title = seen.path[len("/wikipedia/page/summary/") :].replace("_", " ")
    if title not in ARTICLES:
        return 404, {
            "type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
            "title": "Not found.",
            "method": "get",
            "detail": "Page or revision not found.",
            "uri": seen.path,
        }
    return 200, {
        "type": "standard",
        "title": title,
        "extract": ARTICLES[title],
        "content_urls": {"desktop": {"page": f"https://en.wikipedia.org/wiki/{title.replace(' ', '_')}"}},
    }


def _weather(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    query = seen.query
    if query.get("appid") != KEYS["openweathermap"]:
        return 401, {
            "cod": 401,
            "message": "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.",
        }
    city = CITIES.get(query.get("q", "").split(",")[0].strip().lower())
    if city is None:
        return 404, {"cod": "404", "message": "city not found"}
    units = query.get("units", "standard")
    temp = {"metric": city["temp_c"], "imperial": round(city["temp_c"] * 9 / 5 + 32, 2)}.get(
        units, round(city["temp_c"] + 273.15, 2)
    )
    return 200, {
        "weather": [{"id": 500, "main": "Rain", "description": city["description"]}],
        "main": {"temp": temp, "humidity": city["humidity"]},
        "name": query["q"],
        "cod": 200,
    }


def _places(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if seen.headers.get("x-goog-api-key") != KEYS["google_maps"]:
        return 400, {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            }
        }
    if not seen.headers.get("x-goog-fieldmask"):
        return 400, {
            "error": {"code": 400, "message": "FieldMask is a required parameter.", "status": "INVALID_ARGUMENT"}
        }
    body = seen.json()
    size = min(int(body.get("pageSize") or 20), 20)
    start = int(body.get("pageToken") or 0)
    page = PLACES[start : start + size]
    answer: dict[str, Any] = {"places": page}
    if start + size < len(PLACES):
        answer["nextPageToken"] = str(start + size)
    return 200, answer


def _youtube_watch(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    page = f'<html><script>ytcfg.set({{"INNERTUBE_API_KEY":"{YOUTUBE_API_KEY}"}});</script></html>'
    return 200, ("text/html", page.encode())


def _youtube_player(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if seen.query.get("key") != YOUTUBE_API_KEY:
        return 400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
    body = seen.json()
    video_id = body["videoId"]
    video = VIDEOS.get(video_id, {"status": "ERROR", "reason": "Video unavailable"})
    answer: dict[str, Any] = {"playabilityStatus": {"status": video["status"], "reason": video.get("reason", "")}}
    if video.get("tracks"):
        answer["captions"] = {
            "playerCaptionsTracklistRenderer": {
                "captionTracks": [
                    {
                        "baseUrl": fake.url(f"/youtube/api/timedtext?v={video_id}&lang={lang}&kind={kind}&fmt=srv3"),
                        "languageCode": lang,
                        **({"kind": kind} if kind else {}),
                    }
                    for lang, kind, _ in video["tracks"]
                ]
            }
        }
    return 200, answer


def _youtube_captions(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    query = seen.query
    video = VIDEOS[query["v"]]
    lines = next(
        lines for lang, kind, lines in video["tracks"] if (lang, kind) == (query["lang"], query.get("kind", ""))
    )
    if query.get("fmt") == "srv3":
        body = "".join(f'<p t="{n * 1000}" d="1000">{line}</p>' for n, line in enumerate(lines))
        return 200, ("text/xml", f'<timedtext format="3"><body>{body}</body></timedtext>'.encode())
    body = "".join(f'<text start="{n}.0" dur="1.0">{line}</text>' for n, line in enumerate(lines))
    return 200, ("text/xml", f'<?xml version="1.0" encoding="utf-8" ?><transcript>{body}</transcript>'.encode())


def _pages(fake: FakeWebServices, seen: Seen) -> tuple[int, Any]:
    if seen.path not in fake.pages:
        return 404, ("text/html", b"<h1>Not found</h1>")
    content_type, body = fake.pages[seen.path]
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    validators = {"ETag": etag, "Last-Modified": "Mon, 07 Dec 2026 09:00:00 GMT"}
    if seen.headers.get("if-none-match") == etag:
        return 304, (content_type, b"", validators)
    return 200, (content_type, body, validators)


_ROUTES = (
    ("/searxng/search", _searxng),
    ("/tavily/search", _tavily),
    ("/brave/res/v1/web/search", _brave),
    ("/jina-search", _jina_search),
    ("/jina-reader/", _jina_reader),
    ("/wikipedia/page/summary/", _wikipedia),
    ("/owm/data/2.5/weather", _weather),
    ("/places/v1/places:searchText", _places),
    ("/youtube/watch", _youtube_watch),
    ("/youtube/youtubei/v1/player", _youtube_player),
    ("/youtube/api/timedtext", _youtube_captions),
    ("/pages/", _pages),
)


#: Each service's setting and the fake's prefix that stands in for it.
SETTINGS = {
    "searxng_url": "/searxng",
    "tavily_api_url": "/tavily",
    "brave_search_url": "/brave",
    "jina_search_url": "/jina-search",
    "jina_reader_url": "/jina-reader",
    "wikipedia_api_url": "/wikipedia",
    "openweathermap_api_url": "/owm",
    "google_places_api_url": "/places",
    "youtube_url": "/youtube",
}


@contextmanager
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWebServices]:
    """Start the fake, point every service setting at it and let the guarded client reach loopback."""
    from autogpt_app.settings import get_settings

    settings = get_settings()
    with FakeWebServices() as fake:
        monkeypatch.setattr(settings, "outbound_allow_loopback", True)
        for name, prefix in SETTINGS.items():
            monkeypatch.setattr(settings, name, fake.url(prefix))
        yield fake


def api_key_context(field: str, provider: str, value: str | None = None, **meta: str) -> RunContext:
    """A run context holding one API-key credential for the input ``field`` (the fake's good key by default)."""
    secret = CredentialSecret(id="c1", provider=provider, type="api_key", api_key=value or KEYS[provider], meta=meta)
    return RunContext(user_id="u1", credentials={field: secret})
