"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and a fixture pointing the settings at it."""

from __future__ import annotations

import asyncio
import email
import re
import socket
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from autogpt_app.settings import get_settings


class Inbox:
    """aiosmtpd handler keeping every accepted message; answers ``451`` to the first ``refuse`` messages."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refuse = 0
        #: The port the server listens on (set by whoever starts it).
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> EmailMessage:
        return email.message_from_bytes(self.envelopes[index].original_content, policy=policy.default)

    def messages_to(self, address: str) -> list[EmailMessage]:
        """Every message delivered to ``address``, oldest first."""
        return [self.message(i) for i, env in enumerate(self.envelopes) if address in env.rcpt_tos]

    async def wait_for(self, address: str, count: int = 1, within: float = 15.0) -> list[EmailMessage]:
        """Wait (without blocking the loop) until ``count`` messages reached ``address``; return them."""
        deadline = time.monotonic() + within
        while len(self.messages_to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) to {address} did not arrive within {within} s")
            await asyncio.sleep(0.05)
        return self.messages_to(address)

    def wait_until(self, address: str, count: int = 1, within: float = 15.0) -> list[EmailMessage]:
        """Like :meth:`wait_for`, for synchronous tests (the browser suite): the server runs in its own thread."""
        deadline = time.monotonic() + within
        while len(self.messages_to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) to {address} did not arrive within {within} s")
            time.sleep(0.1)
        return self.messages_to(address)


def link_in(message: EmailMessage, path: str) -> str:
    """The first link to ``path`` (e.g. ``/reset-password``) in the text part of ``message``."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+" + re.escape(path) + r"\?token=[\w-]+", text)
    assert found, text
    return found.group(0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch) -> Iterator[Inbox]:
    """A running SMTP server, and settings pointing at it (no TLS, no login)."""
    handler = Inbox()
    handler.port = port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "smtp_tls", False)
    monkeypatch.setattr(settings, "smtp_user", "")
    monkeypatch.setattr(settings, "smtp_from", "Agents <agents@platform.example>")
    monkeypatch.setattr(settings, "app_url", "https://agents.example.com/")
    try:
        yield handler
    finally:
        controller.stop()
