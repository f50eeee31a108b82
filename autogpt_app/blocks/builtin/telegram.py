"""Telegram block: send a text message to a chat with a bot.

It calls the Bot API method ``sendMessage`` (``TELEGRAM_API_URL``, by default
``https://api.telegram.org``) with the token of a ``telegram`` credential (type ``api_key``, the
token @BotFather gave), through the run's SSRF-guarded client. It keeps AutoGPT's id and pin names
(``SendTelegramMessageBlock``) so its exports import.

The Bot API puts the token in the URL path (``/bot<token>/sendMessage``). So the token is checked
against the shape of a bot token first (nothing else can reach the path), masked out of every
message, and a filter on the ``httpx`` logger (which logs each request's URL at INFO) replaces it
with ``********`` in log records.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator

from autogpt_app.blocks.builtin._messaging_helpers import MASK, ServiceProblem, api_key, call_json
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

SERVICE = "Telegram"
MAX_TEXT = 4096  # characters Telegram takes in one message
_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,100}")
_TOKEN_IN_PATH = re.compile(r"/bot\d{1,20}:[A-Za-z0-9_-]+")
_CHAT_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_ADVANCED = {"advanced": True}

NO_CREDENTIAL = "No credential was provided for 'credentials'."
BAD_TOKEN = "The Telegram credential does not hold a bot token (it looks like 123456789:AA… from @BotFather)."


class _HideBotTokens(logging.Filter):
    """Masks Bot API tokens in the request URLs ``httpx`` logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_PATH.sub(f"/bot{MASK}", str(a)) if "/bot" in str(a) else a for a in record.args
            )
        if isinstance(record.msg, str) and "/bot" in record.msg:
            record.msg = _TOKEN_IN_PATH.sub(f"/bot{MASK}", record.msg)
        return True


logging.getLogger("httpx").addFilter(_HideBotTokens())


class ParseMode(StrEnum):
    """How Telegram reads formatting in the text."""

    NONE = "none"
    MARKDOWN = "Markdown"
    MARKDOWNV2 = "MarkdownV2"
    HTML = "HTML"


class SendTelegramMessageBlock(Block):
    """Sends a text message to a Telegram chat as the user's bot."""

    id = "787678ad-1f47-4efc-89df-643f9908621a"
    name = "Send Telegram message"
    autogpt_name = "SendTelegramMessageBlock"
    description = (
        "Sends a text message to a Telegram chat, group or channel as your bot "
        "(the chat must have started the bot, or the bot must be a member)."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="telegram",
            types=("api_key",),
            description="Your bot's token from @BotFather (123456789:AA…)",
        ),
    )

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Telegram bot to send as")
        chat_id: int | str = Field(description="The chat's id (a number), or @name of a public channel")
        text: str = Field(description=f"The message (at most {MAX_TEXT:,} characters)")
        parse_mode: ParseMode = Field(
            default=ParseMode.NONE,
            description="Formatting in the text: none, Markdown, MarkdownV2 or HTML",
            json_schema_extra=_ADVANCED,
        )
        reply_to_message_id: int | None = Field(
            default=None, description="Answer this message of the chat", json_schema_extra=_ADVANCED
        )
        disable_notification: bool = Field(
            default=False, description="Deliver without a notification sound", json_schema_extra=_ADVANCED
        )

        @field_validator("parse_mode", mode="before")
        @classmethod
        def _any_case(cls, value: Any) -> Any:
            if isinstance(value, str):
                for mode in ParseMode:
                    if value.strip().lower() == mode.value.lower():
                        return mode
            return value

    class Output(BlockOutput):
        message_id: int = Field(description="The id of the message sent")
        status: str = Field(description='"Message sent" once Telegram accepted it')

    examples = (
        BlockExample(input={"chat_id": 12345678, "text": "Hello"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"chat_id": 12345678, "text": "Hello"},
            output=[("error", BAD_TOKEN)],
            secrets={"credentials": {"provider": "telegram", "type": "api_key", "api_key": "not-a-bot-token"}},  # type: ignore[dict-item]
            description="a value that is not a bot token is refused before anything is sent",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            chat = _chat(input.chat_id)
            if not input.text.strip():
                raise ServiceProblem("There is no message to send.")
            if len(input.text) > MAX_TEXT:
                raise ServiceProblem(f"The message is too long for Telegram: at most {MAX_TEXT:,} characters.")
            token = api_key(context, SERVICE)
            if not _TOKEN.fullmatch(token):
                raise ServiceProblem(BAD_TOKEN)
            body: dict[str, Any] = {"chat_id": chat, "text": input.text}
            if input.parse_mode is not ParseMode.NONE:
                body["parse_mode"] = input.parse_mode.value
            if input.reply_to_message_id:
                body["reply_parameters"] = {"message_id": input.reply_to_message_id}
            if input.disable_notification:
                body["disable_notification"] = True
            answer = await call_json(
                context,
                SERVICE,
                "POST",
                f"{get_settings().telegram_api_url.rstrip('/')}/bot{token}/sendMessage",
                headers={"Accept": "application/json"},
                secrets=(token,),
                json=body,
                what="the bot token",
            )
            result = answer.get("result") if isinstance(answer, dict) and answer.get("ok") else None
            if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
                raise ServiceProblem("Telegram answered in an unexpected form.")
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("telegram message sent to chat %s", chat)
        yield "message_id", result["message_id"]
        yield "status", "Message sent"


def _chat(value: int | str) -> int | str:
    """The chat id as Telegram takes it: a number, or ``@name`` of a public channel."""
    if isinstance(value, int):
        return value
    text = value.strip()
    if re.fullmatch(r"-?\d{1,20}", text):
        return int(text)
    if _CHAT_NAME.fullmatch(text):
        return text
    raise ServiceProblem("The chat id must be a number (e.g. 12345678) or a channel's @name.")
