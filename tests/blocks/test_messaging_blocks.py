"""The chat blocks (Discord, Slack, Telegram) against local fakes of their public HTTP APIs.

Loopback is allowed only inside these tests. Each token is a canary that must appear in no
output, no error and no log line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from autogpt_app.blocks.builtin.discord import ReadDiscordMessagesBlock, SendDiscordMessageBlock, chunks
from autogpt_app.blocks.builtin.slack import SendSlackMessageBlock
from autogpt_app.blocks.builtin.telegram import SendTelegramMessageBlock
from autogpt_app.blocks.sdk import Block, CredentialSecret, RunContext, run_block
from autogpt_app.graphs.portable import spec_from_document
from autogpt_app.graphs.validation import find_problems
from autogpt_app.settings import get_settings
from tests.fakes.chat_apis import (
    BOT_ID,
    DISCORD_TOKEN,
    GENERAL_ID,
    SLACK_TOKEN,
    TELEGRAM_TOKEN,
    VOICE_ID,
    FakeChatApis,
)

CANARIES = (DISCORD_TOKEN, SLACK_TOKEN, TELEGRAM_TOKEN)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatApis]:
    settings = get_settings()
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)
    with FakeChatApis() as fake:
        fake.configure(settings, monkeypatch)
        yield fake


def credential(provider: str, token: str) -> CredentialSecret:
    return CredentialSecret(id=f"cred-{provider}", provider=provider, type="api_key", api_key=token)


async def run(block: Block, token: str | None, provider: str, **inputs: Any) -> list[tuple[str, Any]]:
    creds = {"credentials": credential(provider, token)} if token is not None else {}
    return await run_block(block, inputs, RunContext(user_id="u1", credentials=creds))


def assert_no_secret(outputs: list[tuple[str, Any]], logs: pytest.LogCaptureFixture) -> None:
    for canary in CANARIES:
        assert canary not in repr(outputs)
        assert canary not in logs.text
        assert all(canary not in record.getMessage() for record in logs.records)


# --- Discord ------------------------------------------------------------------------------------


async def discord_send(**inputs: Any) -> list[tuple[str, Any]]:
    return await run(SendDiscordMessageBlock(), DISCORD_TOKEN, "discord", **inputs)


async def test_discord_message_posted_by_channel_id(api: FakeChatApis, logs) -> None:
    outputs = await discord_send(message_content="Build passed", channel_name=GENERAL_ID)

    posted = api.messages[GENERAL_ID][-1]
    assert posted["content"] == "Build passed"
    assert outputs == [("status", "Message sent"), ("message_id", posted["id"]), ("channel_id", GENERAL_ID)]
    assert api.requests[-1].headers["authorization"] == f"Bot {DISCORD_TOKEN}"
    assert_no_secret(outputs, logs)


async def test_discord_channel_found_by_name_in_the_named_server(api: FakeChatApis) -> None:
    outputs = await discord_send(message_content="Hi", channel_name="#General", server_name="Acme")

    assert ("channel_id", GENERAL_ID) in outputs
    assert api.messages[GENERAL_ID][-1]["content"] == "Hi"


async def test_discord_unknown_channel_or_server_is_named(api: FakeChatApis) -> None:
    assert await discord_send(message_content="Hi", channel_name="random") == [
        ("error", "No text channel called 'random' was found in the bot's servers.")
    ]
    assert await discord_send(message_content="Hi", channel_name="general", server_name="Other") == [
        ("error", "The bot is not a member of a Discord server called 'Other'.")
    ]
    assert await discord_send(message_content="Hi", channel_name="lounge") == [
        ("error", "No text channel called 'lounge' was found in the bot's servers.")
    ]


async def test_discord_long_text_goes_out_in_parts_of_2000_characters(api: FakeChatApis) -> None:
    text = ("word " * 900).strip()  # 4,499 characters

    outputs = await discord_send(message_content=text, channel_name=GENERAL_ID)

    sent = [m["content"] for m in api.messages[GENERAL_ID]]
    assert len(sent) == 3 and all(len(part) <= 2000 for part in sent)
    assert " ".join(sent) == text
    assert ("message_id", api.messages[GENERAL_ID][-1]["id"]) in outputs


async def test_discord_text_past_ten_parts_is_refused_before_sending(api: FakeChatApis) -> None:
    outputs = await discord_send(message_content="x" * 20_001, channel_name=GENERAL_ID)

    assert outputs == [("error", "The message is too long for Discord: at most 20,000 characters.")]
    assert api.requests == []


def test_chunks_keep_every_character_when_there_is_no_space() -> None:
    assert [len(c) for c in chunks("y" * 4500)] == [2000, 2000, 500]


async def test_discord_wrong_token_says_to_check_the_credential(api: FakeChatApis, logs) -> None:
    outputs = await run(
        SendDiscordMessageBlock(), "wrong-token-canary", "discord", message_content="Hi", channel_name=GENERAL_ID
    )

    assert outputs == [
        (
            "error",
            "Discord did not accept the bot token (HTTP 401): 401: Unauthorized. "
            "Check the credential, or create a new one.",
        )
    ]
    assert "wrong-token-canary" not in logs.text


async def test_discord_missing_permission_rate_limit_and_outage_are_readable(api: FakeChatApis, logs) -> None:
    api.fail_next(403, {"message": "Missing Permissions", "code": 50013})
    assert await discord_send(message_content="Hi", channel_name=GENERAL_ID) == [
        (
            "error",
            "Discord refused the request (HTTP 403): Missing Permissions. Check what the credential is allowed to do.",
        )
    ]
    api.fail_next(429, {"message": "You are being rate limited.", "retry_after": 2.5, "global": False})
    assert await discord_send(message_content="Hi", channel_name=GENERAL_ID) == [
        ("error", "Discord is limiting requests (HTTP 429). Try again in 3 seconds.")
    ]
    api.fail_next(502, b"<html>Bad gateway</html>", {"Content-Type": "text/html"})
    assert await discord_send(message_content="Hi", channel_name=GENERAL_ID) == [
        ("error", "Discord had a problem on its side (HTTP 502). Try again later.")
    ]
    assert api.messages[GENERAL_ID] == []


async def test_discord_unknown_channel_id_is_a_404_sentence(api: FakeChatApis) -> None:
    outputs = await discord_send(message_content="Hi", channel_name="123")

    assert outputs == [
        ("error", "Discord did not find what the request names (HTTP 404): Unknown Channel. Check the ids.")
    ]


async def discord_read(**inputs: Any) -> list[tuple[str, Any]]:
    return await run(ReadDiscordMessagesBlock(), DISCORD_TOKEN, "discord", **inputs)


async def test_discord_read_gives_the_latest_message_of_a_person(api: FakeChatApis, logs) -> None:
    api.add_discord_message("first")
    latest = api.add_discord_message("What is the weather?", author_id="940000000000000002", username="grace")
    api.messages[GENERAL_ID].append(
        {"id": "999999999999999999", "content": "bot echo", "author": {"id": BOT_ID, "username": "reporter"}}
    )

    outputs = await discord_read(channel_id=GENERAL_ID)

    assert outputs == [
        ("message_content", "What is the weather?"),
        ("message_id", latest),
        ("channel_id", GENERAL_ID),
        ("channel_name", "general"),
        ("user_id", "940000000000000002"),
        ("username", "grace"),
    ]
    assert_no_secret(outputs, logs)


async def test_discord_read_several_oldest_first_and_only_newer_than_after(api: FakeChatApis) -> None:
    first = api.add_discord_message("one")
    api.add_discord_message("two")
    api.add_discord_message("three")

    outputs = await discord_read(channel_id=GENERAL_ID, limit=10, after=first)

    assert [v for pin, v in outputs if pin == "message_content"] == ["two", "three"]
    assert api.requests[-1].query == {"limit": "100", "after": first}


async def test_discord_read_with_nothing_new_says_so(api: FakeChatApis) -> None:
    last = api.add_discord_message("old")

    assert await discord_read(channel_id=GENERAL_ID, after=last) == [
        ("error", "There are no messages newer than the given one in #general to read.")
    ]


async def test_discord_read_refuses_a_channel_id_that_is_not_a_number(api: FakeChatApis) -> None:
    assert await discord_read(channel_id="../guilds/1") == [
        ("error", "A Discord channel id is a number such as 123456789012345678.")
    ]
    assert api.requests == []


async def test_discord_read_of_a_voice_channel_fails_readably(api: FakeChatApis) -> None:
    outputs = await discord_read(channel_id=VOICE_ID)

    assert outputs == [("error", "Discord refused the request (HTTP 400): Cannot send messages in a non-text channel.")]


# --- Slack --------------------------------------------------------------------------------------


async def slack_send(token: str = SLACK_TOKEN, **inputs: Any) -> list[tuple[str, Any]]:
    return await run(SendSlackMessageBlock(), token, "slack", **inputs)


async def test_slack_message_posted_with_the_options_given(api: FakeChatApis, logs) -> None:
    outputs = await slack_send(channel="#general", text="*Deploy* done", thread_ts="1699999999.000001")

    assert outputs == [("ts", "1700000000.000001"), ("channel", "C0GENERAL")]
    post = api.slack_posts[-1]
    assert post["text"] == "*Deploy* done" and post["thread_ts"] == "1699999999.000001"
    assert post["unfurl_links"] is True and "username" not in post
    assert api.requests[-1].headers["authorization"] == f"Bearer {SLACK_TOKEN}"
    assert_no_secret(outputs, logs)


@pytest.mark.parametrize(
    ("token", "channel", "message"),
    [
        ("xoxb-wrong", "C0GENERAL", "Slack did not accept the bot token. Check the credential, or create a new one."),
        (
            SLACK_TOKEN,
            "#random",
            "Slack did not find that channel. Use the channel's id (e.g. C1234567890) or exact name.",
        ),
        (SLACK_TOKEN, "C0PRIVATE", "The Slack app is not in that channel. Invite it there first (/invite @your-app)."),
    ],
)
async def test_slack_refusals_are_explained(api: FakeChatApis, token: str, channel: str, message: str) -> None:
    assert await slack_send(token, channel=channel, text="Hi") == [("error", message)]
    assert api.slack_posts == []


async def test_slack_rate_limit_and_outage(api: FakeChatApis) -> None:
    api.fail_next(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"})
    assert await slack_send(channel="C0GENERAL", text="Hi") == [
        ("error", "Slack is limiting requests (HTTP 429). Try again in 30 seconds.")
    ]
    api.fail_next(503, b"upstream down", {"Content-Type": "text/plain"})
    assert await slack_send(channel="C0GENERAL", text="Hi") == [
        ("error", "Slack had a problem on its side (HTTP 503). Try again later.")
    ]


# --- Telegram -----------------------------------------------------------------------------------


async def telegram_send(token: str = TELEGRAM_TOKEN, **inputs: Any) -> list[tuple[str, Any]]:
    return await run(SendTelegramMessageBlock(), token, "telegram", **inputs)


async def test_telegram_message_sent_and_token_kept_out_of_logs(api: FakeChatApis, logs) -> None:
    outputs = await telegram_send(
        chat_id="12345678", text="<b>Done</b>", parse_mode="html", reply_to_message_id=7, disable_notification=True
    )

    assert outputs == [("message_id", 1), ("status", "Message sent")]
    assert api.telegram_sent[-1] == {
        "chat_id": 12345678,
        "text": "<b>Done</b>",
        "parse_mode": "HTML",
        "reply_parameters": {"message_id": 7},
        "disable_notification": True,
    }
    assert "/bot********/sendMessage" in logs.text  # httpx logged the request, without the token
    assert_no_secret(outputs, logs)


async def test_telegram_wrong_token_unknown_chat_and_limits(api: FakeChatApis, logs) -> None:
    other = "987654321:BBsomeOtherTokenThatIsWrong_123456"
    assert await telegram_send(other, chat_id=12345678, text="Hi") == [
        (
            "error",
            "Telegram did not accept the bot token (HTTP 401): Unauthorized. "
            "Check the credential, or create a new one.",
        )
    ]
    assert other not in logs.text
    assert await telegram_send(chat_id=555, text="Hi") == [
        ("error", "Telegram refused the request (HTTP 400): Bad Request: chat not found.")
    ]
    api.fail_next(
        429, {"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 7}}
    )
    assert await telegram_send(chat_id=12345678, text="Hi") == [
        ("error", "Telegram is limiting requests (HTTP 429). Try again in 7 seconds.")
    ]
    api.fail_next(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
    assert await telegram_send(chat_id=12345678, text="Hi") == [
        ("error", "Telegram had a problem on its side (HTTP 500). Try again later.")
    ]


async def test_telegram_refuses_before_sending(api: FakeChatApis) -> None:
    assert await telegram_send(chat_id="general chat", text="Hi") == [
        ("error", "The chat id must be a number (e.g. 12345678) or a channel's @name.")
    ]
    assert await telegram_send(chat_id=12345678, text="x" * 4097) == [
        ("error", "The message is too long for Telegram: at most 4,096 characters.")
    ]
    assert await telegram_send("123:short/../../x", chat_id=12345678, text="Hi") == [
        ("error", "The Telegram credential does not hold a bot token (it looks like 123456789:AA… from @BotFather).")
    ]
    assert api.requests == []


async def test_unreachable_service_is_a_sentence_without_the_token(monkeypatch: pytest.MonkeyPatch, logs) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)
    monkeypatch.setattr(settings, "telegram_api_url", "http://127.0.0.1:9")

    outputs = await telegram_send(chat_id=12345678, text="Hi")

    assert outputs[0][0] == "error" and "127.0.0.1" in outputs[0][1]
    assert_no_secret(outputs, logs)


async def test_the_real_addresses_are_refused_for_loopback_without_the_test_switch(
    api: FakeChatApis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", False)

    outputs = await slack_send(channel="C0GENERAL", text="Hi")

    assert outputs == [("error", "Requests to private or local addresses are not allowed (127.0.0.1).")]
    assert api.requests == []


# --- AutoGPT exports ----------------------------------------------------------------------------


def test_an_autogpt_export_using_the_messaging_blocks_imports_cleanly() -> None:
    def node(node_id: str, block_id: str, provider: str, kind: str, **inputs: Any) -> dict[str, Any]:
        ref = {"id": f"cred-{node_id}", "provider": provider, "type": kind, "title": provider}
        return {"id": node_id, "block_id": block_id, "input_default": inputs | {"credentials": ref}, "metadata": {}}

    document = {
        "name": "Inbox relay",
        "description": "",
        "version": 4,
        "is_active": True,
        "nodes": [
            node("read", "25310c70-b89b-43ba-b25c-4dfa7e2a481c", "google", "oauth2", query="is:unread", max_results=5),
            node("mail", "6c27abc2-e51d-499e-a85f-5a0041ba94f0", "google", "oauth2", to=["a@example.com"], subject="s"),
            node("discord", "d0822ab5-9f8a-44a3-8971-531dd0178b6b", "discord", "api_key", channel_name="general"),
            node("listen", "df06086a-d5ac-4abb-9996-2ad0acb2eff7", "discord", "api_key", continuous_read=False),
            node("slack", "50cf5290-ec87-4ca1-b7d7-b8b4ef772f6d", "slack", "api_key", channel="C1", text="hi"),
            node("tg", "787678ad-1f47-4efc-89df-643f9908621a", "telegram", "api_key", chat_id=12345678, text="hi"),
            node(
                "smtp",
                "4335878a-394e-4e67-adf2-919877ff49ae",
                "smtp",
                "user_password",
                to_email="a@example.com",
                subject="s",
                body="b",
                config={"smtp_server": "smtp.gmail.com", "smtp_port": 587},
            ),
        ],
        "links": [
            {"source_id": "listen", "sink_id": "mail", "source_name": "message_content", "sink_name": "body"},
            {"source_id": "read", "sink_id": "discord", "source_name": "error", "sink_name": "message_content"},
        ],
    }

    spec = spec_from_document(document)

    assert len(spec.nodes) == 7
    assert find_problems(spec) == []


async def test_discord_channel_name_needs_the_server_when_the_bot_is_in_many(api: FakeChatApis) -> None:
    api.guilds = api.guilds + [{"id": str(950000000000000000 + n), "name": f"Club {n}"} for n in range(10)]

    assert await discord_send(message_content="Hi", channel_name="general") == [
        ("error", "The bot is in 11 Discord servers: give the server's name too, or the channel's id.")
    ]
    assert ("channel_id", GENERAL_ID) in await discord_send(
        message_content="Hi", channel_name="general", server_name="Acme"
    )
