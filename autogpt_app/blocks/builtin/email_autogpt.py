"""AutoGPT's "Send Email" block (``SendEmailBlock``), so agents exported from AutoGPT that e-mail import.

AutoGPT's block takes the SMTP server in a ``config`` input (``smtp_server``, ``smtp_port``) and only
the login in its ``smtp`` credential, and answers "Email sent successfully". This block keeps that
id and those pins and hands the work to our **Send e-mail** block
(:class:`~autogpt_app.blocks.builtin.communication.SendEmailBlock`): same SSRF check, TLS rules,
time limit and readable errors. Settings stored in the person's credential (``host``, ``port``,
``tls``, ``from``) win over the agent's ``config``, which came from the agent's author; without a
``from`` setting the login name is the sender when it is an e-mail address, as in AutoGPT.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from autogpt_app.blocks.builtin.communication import SMTP_TIMEOUT, SendEmailBlock
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

SENT = "Email sent successfully"
_DELEGATE = SendEmailBlock()


class SMTPConfig(BaseModel):
    """Where AutoGPT's block connects: the SMTP server and port."""

    model_config = ConfigDict(extra="ignore")

    smtp_server: str = Field(default="smtp.example.com", description="The SMTP server, e.g. smtp.gmail.com")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Its port, e.g. 587")


class SMTPSendEmailBlock(Block):
    """Sends an e-mail over SMTP with AutoGPT's pins."""

    id = "4335878a-394e-4e67-adf2-919877ff49ae"
    name = "Send e-mail (SMTP server in the agent)"
    autogpt_name = "SendEmailBlock"
    description = (
        "Sends a plain-text e-mail to one address through an SMTP server named in the agent (as AutoGPT's "
        "Send Email block does); the server saved in your SMTP credential is used when it has one."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="smtp",
            types=("user_password",),
            description="Your SMTP login (its settings may hold host, port, tls and from)",
        ),
    )
    timeout_seconds = SMTP_TIMEOUT + 30

    class Input(BlockInput):
        to_email: str = Field(description="The recipient's address")
        subject: str = Field(max_length=500, description="The subject line")
        body: str = Field(max_length=1_000_000, description="The message as plain text")
        config: SMTPConfig = Field(default_factory=SMTPConfig, description="The SMTP server and port to use")
        credentials: CredentialsRef | None = Field(default=None, description="The SMTP login to use")

    class Output(BlockOutput):
        status: str = Field(description=f'"{SENT}" once the server accepted the message')

    examples = (
        BlockExample(
            input={"to_email": "ada@example.com", "subject": "Hi", "body": "Hello"},
            output=[("error", "No credential was provided for 'credentials'.")],
        ),
        BlockExample(
            input={
                "to_email": "ada@example.com",
                "subject": "Hi",
                "body": "Hello",
                "config": {"smtp_server": "127.0.0.1", "smtp_port": 25},
            },
            output=[("error", "Requests to private or local addresses are not allowed (127.0.0.1).")],
            description="the agent's server is checked like any other address",
            secrets={
                "credentials": {
                    "provider": "smtp",
                    "type": "user_password",
                    "username": "ada@example.com",
                    "password": "example-password",
                }
            },
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            credential = context.secret("credentials")
        except BlockError as exc:
            yield "error", str(exc)
            return
        stored: dict[str, Any] = dict(credential.meta or {})
        meta: dict[str, Any] = {"host": input.config.smtp_server, "port": input.config.smtp_port}
        if stored.get("host"):
            meta = {}  # the person's own server settings, not a mix with the author's
        username = credential.username or ""
        if not stored.get("from") and "@" in username:
            meta["from"] = username
        merged = credential.model_copy(update={"meta": {**meta, **stored}})
        delegate_context = dataclasses.replace(context, credentials={**context.credentials, "credentials": merged})
        values = {"to": input.to_email, "subject": input.subject, "body": input.body}
        async for pin, value in _DELEGATE.run(SendEmailBlock.Input.model_validate(values), delegate_context):
            yield ("status", SENT) if pin == "status" else (pin, value)
