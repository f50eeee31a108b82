"""Google's OAuth 2.0 token endpoint and the Gmail REST API as the Gmail blocks use them, on 127.0.0.1.

Written from Google's public documentation, only the parts the blocks call:

* ``POST /token`` (form: ``grant_type=refresh_token``, ``client_id``, ``client_secret``,
  ``refresh_token``) → ``{"access_token", "expires_in", "token_type": "Bearer"}``; a wrong client is
  401 ``{"error": "invalid_client"}``, a revoked refresh token 400 ``{"error": "invalid_grant"}``.
* ``GET /gmail/v1/users/me/messages?q=&maxResults=`` → ``{"messages": [{"id", "threadId"}], …}``
  (the fake understands the searches ``is:unread``, ``from:<address>`` and an empty one).
* ``GET /gmail/v1/users/me/messages/{id}?format=full`` → the message with its MIME ``payload``
  (headers, parts, base64url bodies).
* ``POST /gmail/v1/users/me/messages/send`` (``{"raw": base64url RFC 822}``) → ``{"id", "threadId",
  "labelIds": ["SENT"]}``.

Gmail answers 401 to an access token it did not hand out (or one revoked with
:meth:`FakeGoogleApis.revoke_access_tokens`). Point a credential at it with :meth:`token_uri`
and the settings with :meth:`configure`.
"""

from __future__ import annotations

import base64
import email
import itertools
from email import policy
from typing import Any

from tests.fakes.json_api import ApiAnswer, ApiRequest, FakeJsonApi

CLIENT_ID = "1234-fake.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-client-secret-canary-71d2"
REFRESH_TOKEN = "1//refresh-token-canary-0b9f3e"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class FakeGoogleApis(FakeJsonApi):
    """The token endpoint and a mailbox."""

    name = "fake-google-apis"

    def __init__(self) -> None:
        super().__init__()
        self._tokens = itertools.count(1)
        self.valid_tokens: set[str] = set()
        self.refreshes = 0
        self.revoked_refresh_tokens: set[str] = set()
        self.expires_in = 3599
        self.mailbox: list[dict[str, Any]] = []
        self.sent: list[email.message.EmailMessage] = []

    def configure(self, settings: Any, monkeypatch: Any) -> None:
        """Point ``settings``' Gmail address at this fake (undone by ``monkeypatch``)."""
        monkeypatch.setattr(settings, "gmail_api_url", f"{self.url}/gmail/v1")

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def revoke_access_tokens(self) -> None:
        """Make Gmail refuse every access token handed out so far (as after a password change)."""
        self.valid_tokens.clear()

    def add_message(
        self,
        subject: str,
        text: str,
        *,
        sender: str = "Grace Hopper <grace@example.com>",
        to: str = "Ada <ada@example.com>, bob@example.com",
        unread: bool = True,
        html: str | None = None,
        attachment: tuple[str, str, int] | None = None,
    ) -> str:
        """Put a message in the mailbox (newest first in listings); returns its id."""
        number = len(self.mailbox) + 1
        headers = [
            {"name": "From", "value": sender},
            {"name": "To", "value": to},
            {"name": "Subject", "value": subject},
            {"name": "Date", "value": f"Mon, 7 Dec 2026 09:{number:02d}:00 +0000"},
        ]
        parts = [
            {"partId": "0", "mimeType": "text/plain", "filename": "", "body": {"size": len(text), "data": _b64(text)}}
        ]
        if html is not None:
            parts.append(
                {
                    "partId": "1",
                    "mimeType": "text/html",
                    "filename": "",
                    "body": {"size": len(html), "data": _b64(html)},
                }
            )
        if attachment is not None:
            name, mime, size = attachment
            parts.append(
                {
                    "partId": "2",
                    "mimeType": mime,
                    "filename": name,
                    "body": {"size": size, "attachmentId": f"att-{number}"},
                }
            )
        message = {
            "id": f"msg{number:04d}",
            "threadId": f"thr{number:04d}",
            "labelIds": ["INBOX", *(["UNREAD"] if unread else [])],
            "snippet": text[:100],
            "sizeEstimate": 1000 + len(text),
            "payload": {"mimeType": "multipart/alternative", "headers": headers, "parts": parts},
        }
        self.mailbox.append(message)
        return message["id"]

    def answer(self, request: ApiRequest) -> ApiAnswer:
        if request.path == "/token" and request.method == "POST":
            return self._token(request.form)
        if not request.path.startswith("/gmail/v1/users/me/messages"):
            return ApiAnswer(404, {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            error = {
                "code": 401,
                "message": "Request had invalid authentication credentials.",
                "status": "UNAUTHENTICATED",
            }
            return ApiAnswer(401, {"error": error})
        rest = request.path.removeprefix("/gmail/v1/users/me/messages").strip("/")
        if rest == "" and request.method == "GET":
            return self._list(request.query)
        if rest == "send" and request.method == "POST":
            return self._send(request.json or {})
        found = next((m for m in self.mailbox if m["id"] == rest), None)
        if found is None or request.method != "GET":
            return ApiAnswer(
                404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}
            )
        return ApiAnswer(200, found)

    def _token(self, form: dict[str, str]) -> ApiAnswer:
        if form.get("grant_type") != "refresh_token":
            return ApiAnswer(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return ApiAnswer(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        if form.get("refresh_token") != REFRESH_TOKEN or REFRESH_TOKEN in self.revoked_refresh_tokens:
            return ApiAnswer(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        self.refreshes += 1
        token = f"ya29.fake-access-token-{next(self._tokens)}"
        self.valid_tokens.add(token)
        return ApiAnswer(200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"})

    def _list(self, query: dict[str, str]) -> ApiAnswer:
        q = query.get("q", "").strip()
        found = list(reversed(self.mailbox))
        for term in q.split():
            if term == "is:unread":
                found = [m for m in found if "UNREAD" in m["labelIds"]]
            elif term.startswith("from:"):
                who = term.removeprefix("from:")
                found = [m for m in found if who in m["payload"]["headers"][0]["value"]]
        found = found[: int(query.get("maxResults", "100"))]
        body: dict[str, Any] = {"resultSizeEstimate": len(found)}
        if found:
            body["messages"] = [{"id": m["id"], "threadId": m["threadId"]} for m in found]
        return ApiAnswer(200, body)

    def _send(self, body: dict[str, Any]) -> ApiAnswer:
        raw = str(body.get("raw", ""))
        try:
            parsed = email.message_from_bytes(
                base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=policy.default
            )
        except ValueError:
            return ApiAnswer(
                400, {"error": {"code": 400, "message": "Invalid value for ByteString", "status": "INVALID_ARGUMENT"}}
            )
        if not parsed["To"]:
            return ApiAnswer(
                400, {"error": {"code": 400, "message": "Invalid To header", "status": "INVALID_ARGUMENT"}}
            )
        self.sent.append(parsed)
        number = len(self.sent)
        return ApiAnswer(200, {"id": f"sent{number:04d}", "threadId": f"sthr{number:04d}", "labelIds": ["SENT"]})
