"""GitHub's REST API and Exa's search API as the GitHub and Exa blocks use them, on 127.0.0.1.

Written from the services' public documentation, only the parts the blocks call:

* GitHub REST v3 under ``/github``: ``GET /repos/{o}/{r}/issues`` (pull requests included, as
  GitHub does), ``GET|POST …/issues``, ``GET …/issues/{n}``, ``GET|POST …/issues/{n}/comments``,
  ``GET …/pulls``, ``GET …/pulls/{n}``, ``GET …/pulls/{n}/files`` (``per_page``, ``page``),
  ``GET …/branches``, ``GET …/contents/{path}?ref=`` (base64 JSON, or the bytes with
  ``Accept: application/vnd.github.raw``; over 1 MB the JSON leaves the content out).
  ``Authorization: Bearer <token>``; a wrong token gets 401 ``Bad credentials``; an unknown
  repository, issue, ref or path 404 ``Not Found``.
* Exa under ``/exa``: ``POST /search`` and ``POST /contents`` with ``x-api-key``; a wrong key gets
  401 ``{"error": …}``.

Point the settings at it with :meth:`FakeDevApis.configure`.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

from tests.fakes.json_api import ApiAnswer, ApiRequest, FakeJsonApi

GITHUB_TOKEN = "github_pat_canary_11AAbbCCddEEff"
EXA_KEY = "exa-key-canary-3c8f1d2e"
WEB = "https://github.com"
BIG_FILE = "big.bin"
ONE_MB = 1024 * 1024


class FakeDevApis(FakeJsonApi):
    """One repository, ``acme/rocket``, with issues, a pull request, branches and files; and Exa."""

    name = "fake-dev-apis"

    def __init__(self) -> None:
        super().__init__()
        self.issues: list[dict[str, Any]] = [
            self._issue(1, "Engine overheats", "It gets hot.", "ada"),
            self._issue(2, "Add a parachute", "Wheels are not enough.", "grace", pull=True),
            self._issue(3, "Paint it red", None, "linus"),
        ]
        self.comments: dict[int, list[dict[str, Any]]] = {1: []}
        self.pull_files = [
            {"filename": "engine.py", "status": "modified", "patch": "@@ -1 +1 @@\n-hot\n+cool"},
            {"filename": "chute.py", "status": "added", "patch": "@@ -0,0 +1 @@\n+open()"},
            {"filename": "old.py", "status": "removed", "patch": "@@ -1 +0,0 @@\n-gone"},
            {"filename": "logo.png", "status": "renamed", "previous_filename": "icon.png"},
        ]
        self.branches = ["main", "feature/chute"]
        #: path → bytes, on every branch.
        self.files: dict[str, bytes] = {
            "README.md": "# Rocket\nGoes up. ✓\n".encode(),
            "docs/guide.md": b"Read me first.",
            BIG_FILE: b"\x00\xff" * (ONE_MB // 2 + 10),
            "logo.png": b"\x89PNG\r\n\x1a\n\xff\xfe",
        }
        self.exa_results = [
            {
                "id": "https://example.org/agents",
                "url": "https://example.org/agents",
                "title": "Agents",
                "author": "Ada",
                "publishedDate": "2025-01-02T00:00:00.000Z",
                "text": "All about agents.",
                "highlights": ["Agents act."],
                "highlightScores": [0.9],
            },
            {"id": "https://example.net/b", "url": "https://example.net/b", "title": "B"},
        ]

    def configure(self, settings: Any, monkeypatch: Any) -> None:
        """Point ``settings``' API addresses at this fake (undone by ``monkeypatch``)."""
        monkeypatch.setattr(settings, "github_api_url", f"{self.url}/github")
        monkeypatch.setattr(settings, "exa_api_url", f"{self.url}/exa")

    @staticmethod
    def _issue(number: int, title: str, body: str | None, login: str, *, pull: bool = False) -> dict[str, Any]:
        kind = "pull" if pull else "issues"
        issue = {
            "number": number,
            "title": title,
            "body": body,
            "user": {"login": login},
            "html_url": f"{WEB}/acme/rocket/{kind}/{number}",
            "state": "open",
        }
        if pull:
            issue["pull_request"] = {"url": f"https://api.github.com/repos/acme/rocket/pulls/{number}"}
        return issue

    def answer(self, request: ApiRequest) -> ApiAnswer:
        if request.path.startswith("/github/"):
            return self._github(request, request.path.removeprefix("/github"))
        if request.path in ("/exa/search", "/exa/contents") and request.method == "POST":
            return self._exa(request, request.path.removeprefix("/exa/"))
        return ApiAnswer(404, {"message": "Not Found"})

    # --- GitHub ---------------------------------------------------------------------------------

    def _github(self, request: ApiRequest, path: str) -> ApiAnswer:
        if request.headers.get("authorization") != f"Bearer {GITHUB_TOKEN}":
            return ApiAnswer(401, {"message": "Bad credentials", "status": "401"})
        parts = path.strip("/").split("/")
        if parts[:3] != ["repos", "acme", "rocket"]:
            return _not_found()
        rest, method = parts[3:], request.method
        if rest == ["issues"] and method == "GET":
            return ApiAnswer(200, list(reversed(self.issues)))
        if rest == ["issues"] and method == "POST":
            body = request.json or {}
            if not body.get("title"):
                return ApiAnswer(422, {"message": "Validation Failed", "errors": [{"field": "title"}]})
            issue = self._issue(len(self.issues) + 1, body["title"], body.get("body"), "reporter")
            self.issues.append(issue)
            return ApiAnswer(201, issue)
        if len(rest) >= 2 and rest[0] == "issues" and rest[1].isdigit():
            return self._one_issue(request, int(rest[1]), rest[2:])
        if rest == ["pulls"] and method == "GET":
            return ApiAnswer(200, [i for i in reversed(self.issues) if "pull_request" in i])
        if len(rest) >= 2 and rest[0] == "pulls" and rest[1].isdigit():
            pull = next((i for i in self.issues if i["number"] == int(rest[1]) and "pull_request" in i), None)
            if pull is None:
                return _not_found()
            if rest[2:] == []:
                return ApiAnswer(200, {k: v for k, v in pull.items() if k != "pull_request"})
            if rest[2:] == ["files"]:
                page, per_page = int(request.query.get("page", "1")), int(request.query.get("per_page", "30"))
                return ApiAnswer(200, self.pull_files[(page - 1) * per_page : page * per_page])
        if rest == ["branches"] and method == "GET":
            return ApiAnswer(200, [{"name": b, "commit": {"sha": "0" * 40}} for b in self.branches])
        if len(rest) >= 2 and rest[0] == "contents" and method == "GET":
            return self._contents(request, unquote("/".join(rest[1:])))
        return _not_found()

    def _one_issue(self, request: ApiRequest, number: int, rest: list[str]) -> ApiAnswer:
        issue = next((i for i in self.issues if i["number"] == number), None)
        if issue is None:
            return _not_found()
        if rest == [] and request.method == "GET":
            return ApiAnswer(200, issue)
        if rest == ["comments"]:
            comments = self.comments.setdefault(number, [])
            if request.method == "POST":
                comment_id = 1000 + sum(len(c) for c in self.comments.values())
                comment = {
                    "id": comment_id,
                    "body": (request.json or {}).get("body", ""),
                    "user": {"login": "reporter"},
                    "html_url": f"{issue['html_url']}#issuecomment-{comment_id}",
                }
                comments.append(comment)
                return ApiAnswer(201, comment)
            return ApiAnswer(200, comments)
        return _not_found()

    def _contents(self, request: ApiRequest, path: str) -> ApiAnswer:
        ref = request.query.get("ref")
        if ref is not None and ref not in self.branches:
            return ApiAnswer(404, {"message": f"No commit found for the ref {ref}"})
        if path == "docs":
            return ApiAnswer(200, [{"type": "file", "name": "guide.md", "path": "docs/guide.md"}])
        if path not in self.files:
            return _not_found()
        data = self.files[path]
        if request.headers.get("accept") == "application/vnd.github.raw":
            return ApiAnswer(200, data, {"Content-Type": "application/vnd.github.raw"})
        encoded = base64.b64encode(data).decode()
        big = len(data) > ONE_MB
        return ApiAnswer(
            200,
            {
                "type": "file",
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "size": len(data),
                "encoding": "none" if big else "base64",
                # GitHub wraps the base64 text at 60 characters.
                "content": "" if big else "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n",
            },
        )

    # --- Exa ------------------------------------------------------------------------------------

    def _exa(self, request: ApiRequest, endpoint: str) -> ApiAnswer:
        if request.headers.get("x-api-key") != EXA_KEY:
            return ApiAnswer(401, {"error": "Invalid API key"})
        body = request.json or {}
        if endpoint == "search":
            if not body.get("query"):
                return ApiAnswer(400, {"error": "query is required"})
            results = self.exa_results[: int(body.get("numResults", 10))]
            answer: dict[str, Any] = {
                "requestId": "req-search-1",
                "resolvedSearchType": "neural",
                "results": results,
                "costDollars": {"total": 0.005},
            }
            if body.get("type") == "auto":
                answer["searchType"] = "neural"
            if (body.get("contents") or {}).get("context"):
                answer["context"] = "\n".join(r["title"] for r in results)
            return ApiAnswer(200, answer)
        urls = body.get("urls") or body.get("ids") or []
        found = [r for r in self.exa_results if r["url"] in urls]
        statuses = [
            {"id": u, "status": "success"}
            if any(r["url"] == u for r in found)
            else {"id": u, "status": "error", "error": {"tag": "CRAWL_NOT_FOUND", "httpStatusCode": 404}}
            for u in urls
        ]
        return ApiAnswer(
            200,
            {
                "requestId": "req-contents-1",
                "results": found,
                "context": "\n".join(r.get("text", "") for r in found),
                "statuses": statuses,
                "costDollars": {"total": 0.001},
            },
        )


def _not_found() -> ApiAnswer:
    return ApiAnswer(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
