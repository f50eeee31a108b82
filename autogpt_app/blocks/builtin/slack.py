"""Slack block: post a message to a channel, a direct message or a thread with a bot token.

It calls Slack's Web API method ``chat.postMessage`` (``SLACK_API_URL``, by default
``https://slack.com/api``) with the bot token of a ``slack`` credential (type ``api_key``, an
``xoxb-…`` token with the ``chat:write`` scope) as a bearer token, through the run's SSRF-guarded
client. It keeps AutoGPT's id and pin names (``SendSlackMessageBlock``) so its exports import.

Slack answers most failures with HTTP 200 and ``{"ok": false, "error": "<code>"}``; the codes
people meet (a wrong token, a channel the app is not in, a rate limit) get their own sentence.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._messaging_helpers import ServiceProblem, api_key, call_json
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

SERVICE = "Slack"
MAX_TEXT = 40_000  # Slack cuts longer messages
_ADVANCED = {"advanced": True}

#: What Slack's error codes mean for the person, in their words.
SLACK_ERRORS = {
    "invalid_auth": "Slack did not accept the bot token. Check the credential, or create a new one.",
    "not_authed": "Slack did not accept the bot token. Check the credential, or create a new one.",
    "token_revoked": "The Slack token was revoked. Create a new one and update the credential.",
    "token_expired": "The Slack token has expired. Create a new one and update the credential.",
    "account_inactive": "The Slack app or its workspace was deactivated.",
    "missing_scope": "The Slack app may not post messages: give it the chat:write scope and reinstall it.",
    "channel_not_found": "Slack did not find that channel. Use the channel's id (e.g. C1234567890) or exact name.",
    "not_in_channel": "The Slack app is not in that channel. Invite it there first (/invite @your-app).",
    "is_archived": "That Slack channel is archived.",
    "msg_too_long": "The message is too long for Slack.",
    "no_text": "There is no message to send.",
    "restricted_action": "The workspace does not allow the app to post in that channel.",
    "ratelimited": "Slack is limiting requests. Try again in a little while.",
    "rate_limited": "Slack is limiting requests. Try again in a little while.",
}

NO_CREDENTIAL = "No credential was provided for 'credentials'."


class SendSlackMessageBlock(Block):
    """Posts a message to Slack with the user's bot token."""

    id = "50cf5290-ec87-4ca1-b7d7-b8b4ef772f6d"
    name = "Send Slack message"
    autogpt_name = "SendSlackMessageBlock"
    description = (
        "Posts a message to a Slack channel, a direct message or a thread with your Slack app's bot token "
        "(it needs the chat:write scope and must be in the channel)."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="slack",
            types=("api_key",),
            description="Your Slack app's bot token (xoxb-…), from 'OAuth & Permissions'",
        ),
    )

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Slack app to post as")
        channel: str = Field(
            description="The channel's id (C1234567890) or name (#general), or a member id (U…) for a direct message"
        )
        text: str = Field(max_length=MAX_TEXT, description="The message; Slack formatting such as *bold* works")
        thread_ts: str | None = Field(
            default=None,
            description="Reply in the thread of this message (the 'ts' of an earlier message)",
            json_schema_extra=_ADVANCED,
        )
        username: str | None = Field(
            default=None,
            description="Show this name instead of the app's (needs the chat:write.customize scope)",
            json_schema_extra=_ADVANCED,
        )
        icon_emoji: str | None = Field(
            default=None,
            description="Show this emoji as the icon, e.g. :robot_face: (needs chat:write.customize)",
            json_schema_extra=_ADVANCED,
        )
        unfurl_links: bool = Field(default=True, description="Show previews of links", json_schema_extra=_ADVANCED)
        mrkdwn: bool = Field(
            default=True, description="Apply Slack formatting to the text", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        ts: str = Field(description="The message's timestamp, Slack's id for it (use it as thread_ts to reply)")
        channel: str = Field(description="The id of the channel the message went to")

    examples = (
        BlockExample(input={"channel": "#general", "text": "Hello"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"channel": " ", "text": "Hello"},
            output=[("error", "Give the channel to post in.")],
            secrets={"credentials": {"provider": "slack", "type": "api_key", "api_key": "xoxb-example-token"}},  # type: ignore[dict-item]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            channel = input.channel.strip()
            if not channel:
                raise ServiceProblem("Give the channel to post in.")
            if not input.text.strip():
                raise ServiceProblem(SLACK_ERRORS["no_text"])
            token = api_key(context, SERVICE)
            body: dict[str, Any] = {
                "channel": channel,
                "text": input.text,
                "unfurl_links": input.unfurl_links,
                "mrkdwn": input.mrkdwn,
            }
            for name in ("thread_ts", "username", "icon_emoji"):
                value = (getattr(input, name) or "").strip()
                if value:
                    body[name] = value
            answer = await call_json(
                context,
                SERVICE,
                "POST",
                f"{get_settings().slack_api_url.rstrip('/')}/chat.postMessage",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"},
                secrets=(token,),
                json=body,
                what="the bot token",
            )
            if not isinstance(answer, dict):
                raise ServiceProblem("Slack answered in an unexpected form.")
            if not answer.get("ok"):
                code = str(answer.get("error") or "unknown_error")[:80]
                raise ServiceProblem(SLACK_ERRORS.get(code, f"Slack refused the message ({code})."))
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("slack message posted to %s", answer.get("channel", channel))
        yield "ts", str(answer.get("ts", ""))
        yield "channel", str(answer.get("channel", channel))
