"""Firecrawl's REST API v1 as the Firecrawl blocks use it, on 127.0.0.1.

Written from Firecrawl's public API reference, only the parts the blocks call:

* ``POST /v1/scrape`` ``{url, formats, onlyMainContent, waitFor, maxAge}`` → ``{success, data}``
  where ``data`` holds one field per format asked (``markdown``, ``html``, ``rawHtml``, ``links``,
  ``screenshot``, ``json``, ``changeTracking``) and ``metadata``.
* ``POST /v1/crawl`` ``{url, limit, scrapeOptions}`` → ``{success, id, url}``; ``GET /v1/crawl/{id}``
  → ``{status: scraping|completed|failed, total, completed, data, next}``: the job reports
  ``scraping`` for :attr:`FakeFirecrawl.polls_before_done` status requests, then ``completed``,
  its pages split over two result pages (``next``). ``DELETE /v1/crawl/{id}`` cancels it.
* ``POST /v1/map`` ``{url}`` → ``{success, links: [url, ...]}``.
* ``POST /v1/extract`` ``{urls, prompt, schema}`` → ``{success, id}``; ``GET /v1/extract/{id}`` →
  ``{success, status: processing|completed, data}``.

``Authorization: Bearer <key>``; another key gets 401 ``{"success": false, "error": "Unauthorized: Invalid token"}``.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.json_api import ApiAnswer, ApiRequest, FakeJsonApi

KEY = "fc-firecrawl-key-canary-3e9d7a"
UNAUTHORIZED = {"success": False, "error": "Unauthorized: Invalid token"}


def page(url: str, formats: list[str]) -> dict[str, Any]:
    """The document Firecrawl returns for ``url`` with the ``formats`` asked."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "home"
    fields = {
        "markdown": f"# {name}\n\nText of {url}",
        "html": f"<h1>{name}</h1><p>Text of {url}</p>",
        "rawHtml": f"<html><body><h1>{name}</h1></body></html>",
        "links": [f"{url.rstrip('/')}/a", f"{url.rstrip('/')}/b"],
        "screenshot": f"https://screenshots.example/{name}.png",
        "json": {"title": name},
        "changeTracking": {"changeStatus": "same"},
    }
    doc: dict[str, Any] = {"metadata": {"title": name, "sourceURL": url, "statusCode": 200}}
    for fmt in formats:
        key = "screenshot" if fmt.startswith("screenshot") else fmt
        if key in fields:
            doc[key] = fields[key]
    return doc


class FakeFirecrawl(FakeJsonApi):
    """Firecrawl with jobs that finish after a few status requests."""

    name = "fake-firecrawl"

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self.jobs: dict[str, dict[str, Any]] = {}
        self.polls_before_done = 1
        #: A job's final status instead of ``completed`` (e.g. ``failed``).
        self.final_status = "completed"

    def configure(self, settings: Any, monkeypatch: Any) -> None:
        """Point ``settings`` at this fake (undone by ``monkeypatch``)."""
        monkeypatch.setattr(settings, "firecrawl_api_url", self.url)

    def answer(self, request: ApiRequest) -> ApiAnswer:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return ApiAnswer(401, UNAUTHORIZED)
        body = request.json or {}
        path = request.path
        if request.method == "POST" and path == "/v1/scrape":
            formats = (body.get("formats") or ["markdown"]) if isinstance(body, dict) else ["markdown"]
            return ApiAnswer(200, {"success": True, "data": page(str(body.get("url")), formats)})
        if request.method == "POST" and path == "/v1/map":
            base = str(body.get("url")).rstrip("/")
            return ApiAnswer(200, {"success": True, "links": [base, f"{base}/about", f"{base}/pricing"]})
        if request.method == "POST" and path in ("/v1/crawl", "/v1/extract"):
            kind = path.rsplit("/", 1)[-1]
            job = f"{kind}-{next(self._ids)}"
            self.jobs[job] = {"kind": kind, "request": body, "polls": 0, "cancelled": False}
            return ApiAnswer(200, {"success": True, "id": job, "url": f"{self.url}/v1/{kind}/{job}"})
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "v1" and parts[2] in self.jobs:
            job = self.jobs[parts[2]]
            if request.method == "DELETE":
                job["cancelled"] = True
                return ApiAnswer(200, {"status": "cancelled"})
            return self._status(parts[2], job, request)
        return ApiAnswer(404, {"success": False, "error": "Not found"})

    def _status(self, job_id: str, job: dict[str, Any], request: ApiRequest) -> ApiAnswer:
        job["polls"] += 1
        if job["polls"] <= self.polls_before_done:
            state = "scraping" if job["kind"] == "crawl" else "processing"
            return ApiAnswer(200, {"success": True, "status": state, "completed": 0, "total": 2})
        if self.final_status != "completed":
            return ApiAnswer(200, {"success": True, "status": self.final_status, "error": "The site refused us"})
        spec = job["request"]
        if job["kind"] == "extract":
            return ApiAnswer(200, {"success": True, "status": "completed", "data": {"urls": spec.get("urls")}})
        base = str(spec.get("url")).rstrip("/")
        formats = (spec.get("scrapeOptions") or {}).get("formats") or ["markdown"]
        first, second = page(f"{base}/", formats), page(f"{base}/about", formats)
        if request.query.get("skip") == "1":
            return ApiAnswer(200, {"status": "completed", "completed": 2, "total": 2, "data": [second], "next": None})
        following = f"{self.url}/v1/crawl/{job_id}?skip=1"
        return ApiAnswer(200, {"status": "completed", "completed": 2, "total": 2, "data": [first], "next": following})
