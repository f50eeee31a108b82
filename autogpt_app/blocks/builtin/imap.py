"""E-mail reading block: the newest (by default unread) messages of a folder, over IMAP.

The mailbox comes from an ``imap`` credential of type ``user_password``: its settings (``meta``)
hold ``host``, ``port`` and ``tls``, its secret fields the login (for Gmail and most providers an
app password). ``tls`` true (the default) means implicit TLS on port 993 and required STARTTLS on
any other port; false means no encryption, for a server on a trusted network. As for SMTP, the
strings ``"ssl"``, ``"starttls"`` and ``"none"`` are understood too.

The host is checked against the SSRF rules once (:func:`~autogpt_app.net.check_host`) and the
conversation (``_imap_client.py``, ``imaplib`` in a worker thread) goes to the checked address.
Reading is bounded: at most 50 messages per run, a message over 1 MB is listed with its headers
only, every exchange shares one time limit, and a folder is opened read-only unless the person
asks for the messages to be marked as read. The password never appears in an output, an error or
a log.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._imap_client import (
    IMAP_TIMEOUT,
    MAX_MESSAGES,
    ImapSettings,
    MailboxProblem,
    quoted_folder,
    read_mailbox,
)
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
from autogpt_app.net import OutboundRequestError, check_host

log = logging.getLogger(__name__)

_ADVANCED = {"advanced": True}
NO_CREDENTIAL = "No credential was provided for 'credentials'."


_CREDENTIAL_EXAMPLE = {
    "provider": "imap",
    "type": "user_password",
    "username": "ada@example.com",
    "password": "example-password",
}


class ReadEmailBlock(Block):
    """Reads the newest messages of a mailbox folder over IMAP."""

    id = "46c980e0-f998-4529-8ce3-32dd6b8292fe"
    name = "Read e-mails (IMAP)"
    description = (
        "Reads the newest e-mails of a folder of your mailbox (by default only unread ones) over IMAP: "
        "sender, subject, date and text of each, oldest first."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.INPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="imap",
            types=("user_password",),
            description="Your mailbox login (often an app password); its settings hold host, port and tls",
        ),
    )
    timeout_seconds = IMAP_TIMEOUT + 30

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The mailbox to read")
        folder: str = Field(default="INBOX", description="The folder to read, e.g. INBOX or Archive")
        unread_only: bool = Field(default=True, description="Only messages not read yet")
        limit: int = Field(default=10, ge=1, le=MAX_MESSAGES, description="At most this many of the newest messages")
        mark_as_read: bool = Field(
            default=False,
            description="Mark the messages read as read (otherwise the mailbox is left as it was)",
            json_schema_extra=_ADVANCED,
        )

    class Output(BlockOutput):
        email: dict[str, Any] = Field(
            description="One message: uid, from, to, cc, subject, date, message_id, body, attachments, size"
        )
        emails: list[dict[str, Any]] = Field(description="All the messages read, oldest first")
        count: int = Field(description="How many messages were read")

    examples = (
        BlockExample(input={}, output=[("error", NO_CREDENTIAL)], description="the mailbox login is required"),
        BlockExample(
            input={"folder": "INBOX"},
            output=[("error", "Requests to private or local addresses are not allowed (127.0.0.1).")],
            secrets={"credentials": {**_CREDENTIAL_EXAMPLE, "meta": {"host": "127.0.0.1", "port": 143, "tls": False}}},  # type: ignore[dict-item]
            description="local addresses are refused",
        ),
        BlockExample(
            input={"folder": "Entwürfe"},
            output=[("error", "The folder name must be plain ASCII text (e.g. INBOX, Archive, Work/Reports).")],
            secrets={"credentials": {**_CREDENTIAL_EXAMPLE, "meta": {"host": "imap.example.com"}}},  # type: ignore[dict-item]
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            settings = ImapSettings(context.secret("credentials"))
            quoted_folder(input.folder)
            address = await check_host(settings.host, settings.port)
            messages = await read_mailbox(
                settings,
                address,
                input.folder,
                unread_only=input.unread_only,
                limit=input.limit,
                mark_as_read=input.mark_as_read,
            )
        except (MailboxProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        except OutboundRequestError as exc:
            yield "error", exc.message
            return
        log.info("read %d e-mail(s) from %s:%s", len(messages), settings.host, settings.port)
        for message in messages:
            yield "email", message
        yield "emails", messages
        yield "count", len(messages)
