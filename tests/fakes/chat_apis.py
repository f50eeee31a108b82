"""Discord's, Slack's and Telegram's bot APIs as the messaging blocks use them, on 127.0.0.1.

Written from the services' public documentation, only the parts the blocks call:

* Discord REST v10 under ``/discord/api/v10``: ``GET /users/@me``, ``GET /users/@me/guilds``,
  ``GET /guilds/{id}/channels``, ``GET /channels/{id}``, ``GET /channels/{id}/messages``
  (newest first, ``limit``, ``after``), ``POST /channels/{id}/messages`` (2,000 characters at
  most). ``Authorization: Bot <token>``; a wrong token gets 401 ``{"message": "401: Unauthorized"}``.
* Slack Web API under ``/slack/api``: ``POST /chat.postMessage``; failures are HTTP 200 with
  ``{"ok": false, "error": "<code>"}`` as Slack does.
* Telegram Bot API under ``/telegram``: ``POST /bot<token>/sendMessage``; failures carry
  ``{"ok": false, "error_code": …, "description": …}`` with the same HTTP status.

Point the settings at it with :meth:`FakeChatApis.configure`.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.json_api import ApiAnswer, ApiRequest, FakeJsonApi

DISCORD_TOKEN = "discord-bot-token-canary-5f2b9c"
SLACK_TOKEN = "xoxb-slack-token-canary-8d1e4a"
TELEGRAM_TOKEN = "123456789:AAtelegramTokenCanary_77aa3c9e1b"

BOT_ID = "900000000000000001"
GUILD_ID = "910000000000000001"
GENERAL_ID = "920000000000000001"
VOICE_ID = "920000000000000002"


class FakeChatApis(FakeJsonApi):
    """The three chat services' APIs with a little state: channels, messages, chats."""

    name = "fake-chat-apis"

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(930000000000000001)
        self.guilds = [{"id": GUILD_ID, "name": "Acme"}]
        self.channels = {
            GUILD_ID: [
                {"id": GENERAL_ID, "name": "general", "type": 0, "guild_id": GUILD_ID},
                {"id": VOICE_ID, "name": "lounge", "type": 2, "guild_id": GUILD_ID},
            ]
        }
        #: Discord messages by channel id, oldest first.
        self.messages: dict[str, list[dict[str, Any]]] = {GENERAL_ID: []}
        self.slack_channels = {"C0GENERAL": "general"}
        self.slack_posts: list[dict[str, Any]] = []
        self.telegram_chats = {12345678, -100987654321}
        self.telegram_sent: list[dict[str, Any]] = []

    def configure(self, settings: Any, monkeypatch: Any) -> None:
        """Point ``settings``' API addresses at this fake (undone by ``monkeypatch``)."""
        monkeypatch.setattr(settings, "discord_api_url", f"{self.url}/discord/api/v10")
        monkeypatch.setattr(settings, "slack_api_url", f"{self.url}/slack/api")
        monkeypatch.setattr(settings, "telegram_api_url", f"{self.url}/telegram")

    def add_discord_message(self, content: str, *, author_id: str = "940000000000000001", username: str = "ada"):
        """Put a message in #general as if a person wrote it; returns its id."""
        message = {
            "id": str(next(self._ids)),
            "channel_id": GENERAL_ID,
            "content": content,
            "author": {"id": author_id, "username": username},
            "attachments": [],
        }
        self.messages[GENERAL_ID].append(message)
        return message["id"]

    def answer(self, request: ApiRequest) -> ApiAnswer:
        if request.path.startswith("/discord/api/v10/"):
            return self._discord(request, request.path.removeprefix("/discord/api/v10"))
        if request.path == "/slack/api/chat.postMessage":
            return self._slack(request)
        if request.path.startswith("/telegram/bot"):
            return self._telegram(request, request.path.removeprefix("/telegram/bot"))
        return ApiAnswer(404, {"message": "404: Not Found"})

    # --- Discord --------------------------------------------------------------------------------

    def _discord(self, request: ApiRequest, path: str) -> ApiAnswer:
        if request.headers.get("authorization") != f"Bot {DISCORD_TOKEN}":
            return ApiAnswer(401, {"message": "401: Unauthorized", "code": 0})
        parts = path.strip("/").split("/")
        if request.method == "GET" and path == "/users/@me":
            return ApiAnswer(200, {"id": BOT_ID, "username": "reporter", "bot": True})
        if request.method == "GET" and path == "/users/@me/guilds":
            return ApiAnswer(200, self.guilds)
        if request.method == "GET" and parts[0] == "guilds" and len(parts) == 3 and parts[2] == "channels":
            if parts[1] not in self.channels:
                return ApiAnswer(403, {"message": "Missing Access", "code": 50001})
            return ApiAnswer(200, self.channels[parts[1]])
        if parts[0] == "channels" and len(parts) >= 2:
            channel = next((c for cs in self.channels.values() for c in cs if c["id"] == parts[1]), None)
            if channel is None:
                return ApiAnswer(404, {"message": "Unknown Channel", "code": 10003})
            if len(parts) == 2 and request.method == "GET":
                return ApiAnswer(200, channel)
            if len(parts) == 3 and parts[2] == "messages":
                return self._discord_messages(request, channel)
        return ApiAnswer(404, {"message": "404: Not Found", "code": 0})

    def _discord_messages(self, request: ApiRequest, channel: dict[str, Any]) -> ApiAnswer:
        if channel["type"] != 0:
            return ApiAnswer(400, {"message": "Cannot send messages in a non-text channel", "code": 50008})
        stored = self.messages.setdefault(channel["id"], [])
        if request.method == "POST":
            content = (request.json or {}).get("content", "")
            if not content or len(content) > 2000:
                return ApiAnswer(400, {"message": "Invalid Form Body", "code": 50035})
            message = {
                "id": str(next(self._ids)),
                "channel_id": channel["id"],
                "content": content,
                "author": {"id": BOT_ID, "username": "reporter", "bot": True},
                "attachments": [],
            }
            stored.append(message)
            return ApiAnswer(200, message)
        limit = int(request.query.get("limit", "50"))
        after = int(request.query.get("after", "0"))
        newer = [m for m in stored if int(m["id"]) > after]
        chosen = newer[:limit] if after else newer[-limit:]
        return ApiAnswer(200, list(reversed(chosen)))

    # --- Slack ----------------------------------------------------------------------------------

    def _slack(self, request: ApiRequest) -> ApiAnswer:
        if request.headers.get("authorization") != f"Bearer {SLACK_TOKEN}":
            return ApiAnswer(200, {"ok": False, "error": "invalid_auth"})
        body = request.json or {}
        channel = str(body.get("channel", ""))
        name = channel.lstrip("#")
        channel_id = channel if channel in self.slack_channels else None
        channel_id = channel_id or next((k for k, v in self.slack_channels.items() if v == name), None)
        if channel == "C0PRIVATE":
            return ApiAnswer(200, {"ok": False, "error": "not_in_channel"})
        if channel_id is None:
            return ApiAnswer(200, {"ok": False, "error": "channel_not_found"})
        if not body.get("text"):
            return ApiAnswer(200, {"ok": False, "error": "no_text"})
        ts = f"1700000000.{len(self.slack_posts) + 1:06d}"
        self.slack_posts.append({**body, "ts": ts})
        return ApiAnswer(200, {"ok": True, "channel": channel_id, "ts": ts, "message": {"text": body["text"]}})

    # --- Telegram -------------------------------------------------------------------------------

    def _telegram(self, request: ApiRequest, rest: str) -> ApiAnswer:
        token, _, method = rest.partition("/")
        if token != TELEGRAM_TOKEN:
            return ApiAnswer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        if method != "sendMessage":
            return ApiAnswer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        body = request.json or {}
        if body.get("chat_id") not in self.telegram_chats:
            return ApiAnswer(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
        self.telegram_sent.append(body)
        message_id = len(self.telegram_sent)
        result = {"message_id": message_id, "chat": {"id": body["chat_id"]}, "date": 1700000000, "text": body["text"]}
        return ApiAnswer(200, {"ok": True, "result": result})
