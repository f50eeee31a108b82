"""Discord blocks: send a message to a channel and read a channel's recent messages, as a bot.

Both speak Discord's REST API (``DISCORD_API_URL``, by default ``https://discord.com/api/v10``)
with the bot token of a ``discord`` credential (type ``api_key``) in ``Authorization: Bot …``,
through the run's SSRF-guarded client. They keep AutoGPT's ids and pin names
(``SendDiscordMessageBlock``, ``ReadDiscordMessagesBlock``) so its agent exports import.

AutoGPT's reader logs in to the gateway websocket and waits for the next message to arrive. Ours
asks ``GET /channels/{id}/messages`` for the messages already there instead, so it needs the
channel's id (an extra input, empty in an AutoGPT export: the run says so) and returns at once;
messages written by the bot itself are skipped, as AutoGPT does. To wait for new messages, run
the agent on a schedule and pass the last ``message_id`` seen as ``after``.
"""

from __future__ import annotations

import logging
import re
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

SERVICE = "Discord"
MESSAGE_LIMIT = 2000  # characters Discord takes in one message
MAX_CHUNKS = 10  # a longer text is refused rather than sent as a flood of messages
PAGE = 100  # messages Discord gives per request at most
MAX_SERVERS_SEARCHED = 10  # a channel name is looked up in at most this many servers
_SNOWFLAKE = re.compile(r"\d{1,25}")
_TEXT_CHANNELS = {0, 5}  # guild text and announcement channels

NO_CHANNEL_ID = "Give the id of the Discord channel to read (right-click the channel, then 'Copy Channel ID')."
NO_CREDENTIAL = "No credential was provided for 'credentials'."

_CREDENTIAL = CredentialRequirement(
    field="credentials",
    provider="discord",
    types=("api_key",),
    description="The bot token of your Discord application (Developer Portal → Bot → Token)",
)
_ADVANCED = {"advanced": True}


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bot {token}", "Accept": "application/json"}


def _base() -> str:
    return get_settings().discord_api_url.rstrip("/")


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at a line break or space when one is near."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ") if cut < limit else rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


async def _api(context: RunContext, token: str, method: str, path: str, **kwargs: Any) -> Any:
    return await call_json(
        context,
        SERVICE,
        method,
        f"{_base()}{path}",
        headers=_headers(token),
        secrets=(token,),
        what="the bot token",
        **kwargs,
    )


async def _find_channel(context: RunContext, token: str, name: str, server: str) -> str:
    """The id of the text channel called ``name`` in one of the bot's servers (``server`` if given)."""
    wanted = name.strip().lstrip("#").lower()
    guilds = await _api(context, token, "GET", "/users/@me/guilds")
    if not isinstance(guilds, list):
        raise ServiceProblem("Discord answered the list of servers in an unexpected form.")
    matches = [g for g in guilds if isinstance(g, dict) and (not server or str(g.get("name", "")) == server)]
    if server and not matches:
        raise ServiceProblem(f"The bot is not a member of a Discord server called '{server[:100]}'.")
    if len(matches) > MAX_SERVERS_SEARCHED:
        raise ServiceProblem(
            f"The bot is in {len(matches)} Discord servers: give the server's name too, or the channel's id."
        )
    for guild in matches:
        guild_id = str(guild.get("id", ""))
        if not _SNOWFLAKE.fullmatch(guild_id):
            continue
        channels = await _api(context, token, "GET", f"/guilds/{guild_id}/channels")
        for channel in channels if isinstance(channels, list) else []:
            if (
                isinstance(channel, dict)
                and channel.get("type") in _TEXT_CHANNELS
                and str(channel.get("name", "")).lower() == wanted
            ):
                return str(channel["id"])
    where = f" in '{server[:100]}'" if server else " in the bot's servers"
    raise ServiceProblem(f"No text channel called '{name[:100]}' was found{where}.")


class SendDiscordMessageBlock(Block):
    """Posts a message to a Discord channel as the user's bot."""

    id = "d0822ab5-9f8a-44a3-8971-531dd0178b6b"
    name = "Send Discord message"
    autogpt_name = "SendDiscordMessageBlock"
    description = (
        "Posts a message to a Discord channel as your bot, e.g. a daily summary in #news. "
        "Text longer than 2,000 characters is sent as several messages."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (_CREDENTIAL,)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Discord bot to post as")
        message_content: str = Field(description="The text to post (at most 20,000 characters)")
        channel_name: str = Field(description="The channel's id, or its name such as general")
        server_name: str = Field(
            default="",
            description="The server's name, when the channel is given by name and several servers have it",
            json_schema_extra=_ADVANCED,
        )

    class Output(BlockOutput):
        status: str = Field(description='"Message sent" once Discord accepted it')
        message_id: str = Field(description="The id of the (last) message posted")
        channel_id: str = Field(description="The id of the channel it was posted in")

    examples = (
        BlockExample(
            input={"message_content": "Hello", "channel_name": "general"},
            output=[("error", NO_CREDENTIAL)],
            description="the bot token is required",
        ),
        BlockExample(
            input={"message_content": "  ", "channel_name": "general"},
            output=[("error", "There is no message to send.")],
            secrets={"credentials": {"provider": "discord", "type": "api_key", "api_key": "example-bot-token"}},  # type: ignore[dict-item]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        text = input.message_content
        try:
            if not text.strip():
                raise ServiceProblem("There is no message to send.")
            pieces = chunks(text)
            if len(pieces) > MAX_CHUNKS:
                raise ServiceProblem(
                    f"The message is too long for Discord: at most {MAX_CHUNKS * MESSAGE_LIMIT:,} characters."
                )
            token = api_key(context, SERVICE)
            target = input.channel_name.strip()
            if not target:
                raise ServiceProblem("Give the channel's id or name.")
            if _SNOWFLAKE.fullmatch(target):
                channel_id = target
            else:
                channel_id = await _find_channel(context, token, target, input.server_name.strip())
            message_id = ""
            for piece in pieces:
                sent = await _api(context, token, "POST", f"/channels/{channel_id}/messages", json={"content": piece})
                message_id = str(sent.get("id", "")) if isinstance(sent, dict) else ""
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("discord message posted to channel %s in %d part(s)", channel_id, len(pieces))
        yield "status", "Message sent"
        yield "message_id", message_id
        yield "channel_id", channel_id


def _content(message: dict[str, Any]) -> str:
    """The message's text, with its attachments named after it."""
    text = str(message.get("content") or "")
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            text += f"\n\nAttachment: {attachment.get('filename', 'file')} ({attachment.get('url', '')})"
    return text


class ReadDiscordMessagesBlock(Block):
    """Reads the latest messages of a Discord channel through the REST API."""

    id = "df06086a-d5ac-4abb-9996-2ad0acb2eff7"
    name = "Read Discord messages"
    autogpt_name = "ReadDiscordMessagesBlock"
    description = (
        "Reads the latest messages of a Discord channel with your bot (skipping the bot's own), "
        "oldest first: text, author and ids of each. Give 'after' to get only newer ones."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.INPUT)
    credentials = (_CREDENTIAL,)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Discord bot to read with")
        channel_id: str = Field(default="", description="The id of the channel to read")
        limit: int = Field(
            default=1, ge=1, le=100, description="How many of the latest messages to read", json_schema_extra=_ADVANCED
        )
        after: str = Field(
            default="",
            description="Only messages newer than this message id (e.g. the last one read)",
            json_schema_extra=_ADVANCED,
        )
        continuous_read: bool = Field(
            default=False,
            description="AutoGPT's setting to keep waiting for messages; this block reads once (schedule the agent "
            "to read again)",
            json_schema_extra=_ADVANCED,
        )

    class Output(BlockOutput):
        message_content: str = Field(description="The text of a message (attachments named after it)")
        message_id: str = Field(description="The id of the message")
        channel_id: str = Field(description="The id of the channel")
        channel_name: str = Field(description="The name of the channel")
        user_id: str = Field(description="The id of the author")
        username: str = Field(description="The author's user name")

    examples = (
        BlockExample(
            input={},
            output=[("error", NO_CHANNEL_ID)],
            secrets={"credentials": {"provider": "discord", "type": "api_key", "api_key": "example-bot-token"}},  # type: ignore[dict-item]
            description="the channel id is needed (AutoGPT's reader had none)",
        ),
        BlockExample(input={"channel_id": "123456789012345678"}, output=[("error", NO_CREDENTIAL)]),
    )

    async def run(self, input: Input, context: RunContext):
        channel_id, after = input.channel_id.strip(), input.after.strip()
        if input.continuous_read:
            context.note("Discord messages are read once per run; schedule the agent to read again.")
        try:
            if not channel_id:
                raise ServiceProblem(NO_CHANNEL_ID)
            if not _SNOWFLAKE.fullmatch(channel_id):
                raise ServiceProblem("A Discord channel id is a number such as 123456789012345678.")
            if after and not _SNOWFLAKE.fullmatch(after):
                raise ServiceProblem("'after' must be a Discord message id (a number).")
            token = api_key(context, SERVICE)
            me = await _api(context, token, "GET", "/users/@me")
            bot_id = str(me.get("id", "")) if isinstance(me, dict) else ""
            channel = await _api(context, token, "GET", f"/channels/{channel_id}")
            channel_name = str(channel.get("name") or "") if isinstance(channel, dict) else ""
            # Ask for a full page: the bot's own messages are dropped below and must not crowd out people's.
            params: dict[str, Any] = {"limit": PAGE}
            if after:
                params["after"] = after
            messages = await _api(context, token, "GET", f"/channels/{channel_id}/messages", params=params)
            if not isinstance(messages, list):
                raise ServiceProblem("Discord answered the messages in an unexpected form.")
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        found = [
            m
            for m in messages
            if isinstance(m, dict) and (not bot_id or str((m.get("author") or {}).get("id", "")) != bot_id)
        ]
        found.sort(key=lambda m: int(m["id"]) if str(m.get("id", "")).isdigit() else 0)
        # Without 'after' the latest ones; with it the first ones after it, so repeated runs page forward.
        found = found[: input.limit] if after else found[-input.limit :]
        if not found:
            newer = " newer than the given one" if after else ""
            yield "error", f"There are no messages{newer} in #{channel_name or channel_id} to read."
            return
        for message in found:
            author = message.get("author") or {}
            yield "message_content", _content(message)
            yield "message_id", str(message.get("id", ""))
            yield "channel_id", channel_id
            yield "channel_name", channel_name
            yield "user_id", str(author.get("id", ""))
            yield "username", str(author.get("username", ""))
