"""The communication blocks: e-mail against a real SMTP server on 127.0.0.1 (aiosmtpd), notifications.

Loopback is allowed only inside the tests that need it. Every e-mail test uses a canary password and
checks that it appears in no output, no error and no log line.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from autogpt_app.blocks.builtin import communication
from autogpt_app.blocks.builtin.communication import SendEmailBlock, SendNotificationBlock, parse_recipients
from autogpt_app.blocks.builtin.email_autogpt import SMTPSendEmailBlock
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from autogpt_app.net import addresses
from autogpt_app.settings import get_settings
from tests.fakes.tls_certificates import issue_certificates

CANARY = "canary-93e1b7-smtp-password"
USER = "ada"
HOST = "smtp.example.com"

# The test servers take a login without TLS on purpose (the client side is what is tested).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


# --- the SMTP server --------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping every accepted message; refuses recipients at refused.example.com."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example.com"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> EmailMessage:
        return email.message_from_bytes(self.envelopes[index].original_content, policy=policy.default)


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
    ok = ok and auth_data.password == CANARY.encode()
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(**kwargs: Any) -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    """A plain SMTP server that requires a login (allowed without TLS, for the test)."""
    yield from _serve(auth_require_tls=False, authenticator=_authenticator, auth_required=True)


@pytest.fixture
def open_relay() -> Iterator[tuple[int, Inbox]]:
    """A plain SMTP server without AUTH."""
    yield from _serve()


@pytest.fixture
def loopback(monkeypatch):
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


def secret(port: int, *, password: str = CANARY, **meta: Any) -> CredentialSecret:
    settings = {"host": "127.0.0.1", "port": port, "tls": False, **meta}
    return CredentialSecret.model_validate(
        {"id": "cred-smtp", "provider": "smtp", "type": "user_password", "username": USER, "password": password}
        | {"meta": settings}
    )


async def send(credential: CredentialSecret | None, **inputs: Any) -> list[tuple[str, Any]]:
    values = {"to": "bob@example.com", "subject": "Weekly report", "body": "All good.", **inputs}
    context = RunContext(user_id="u1", credentials={"credentials": credential} if credential else {})
    return await run_block(SendEmailBlock(), values, context)


def assert_no_canary(outputs: list[tuple[str, Any]], logs: pytest.LogCaptureFixture) -> None:
    assert CANARY not in repr(outputs)
    assert CANARY not in logs.text
    assert all(CANARY not in str(record.args) for record in logs.records)


# --- e-mail -----------------------------------------------------------------------------------


async def test_sends_plain_text_and_html(smtp_server, loopback, logs):
    port, inbox = smtp_server
    outputs = await send(
        secret(port, **{"from": "Reports <reports@example.com>"}),
        to=["Bob Builder <bob@example.com>", "carol@example.org"],
        subject="Weekly\nreport",
        body="Plain body ✓",
        html="<p>HTML <b>body</b></p>",
    )
    assert outputs == [("status", "sent")]
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "reports@example.com"
    assert envelope.rcpt_tos == ["bob@example.com", "carol@example.org"]
    message = inbox.message()
    assert message["From"] == "Reports <reports@example.com>"
    assert message["To"] == "Bob Builder <bob@example.com>, carol@example.org"
    assert message["Subject"] == "Weekly report"  # a line break cannot inject a header
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().strip() == "Plain body ✓"
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML <b>body</b></p>"
    assert CANARY.encode() not in envelope.original_content
    assert_no_canary(outputs, logs)


async def test_plain_only_and_the_default_sender(smtp_server, loopback, monkeypatch):
    port, inbox = smtp_server
    monkeypatch.setattr(get_settings(), "smtp_from", "Platform <no-reply@platform.example>")
    assert await send(secret(port), to="bob@example.com; bob@EXAMPLE.com, dan@example.net") == [("status", "sent")]
    message = inbox.message()
    assert message["From"] == "Platform <no-reply@platform.example>"
    assert inbox.envelopes[0].mail_from == "no-reply@platform.example"
    assert inbox.envelopes[0].rcpt_tos == ["bob@example.com", "dan@example.net"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "All good."


async def test_wrong_password_is_a_readable_error_without_the_password(smtp_server, loopback, logs):
    port, inbox = smtp_server
    wrong = CANARY + "-wrong"
    outputs = await send(secret(port, password=wrong))
    assert outputs == [("error", "The SMTP server at 127.0.0.1 refused the username or password (code 535).")]
    assert inbox.envelopes == []
    assert wrong not in logs.text
    assert_no_canary(outputs, logs)


async def test_refused_recipients(smtp_server, loopback, logs):
    port, inbox = smtp_server
    outputs = await send(secret(port), to="x@refused.example.com")
    assert outputs == [("error", "The SMTP server refused the recipient(s): x@refused.example.com.")]
    outputs = await send(secret(port), to="bob@example.com, y@refused.example.com")
    assert outputs == [
        ("status", "sent"),
        ("error", "The SMTP server refused some recipients: y@refused.example.com."),
    ]
    assert inbox.envelopes[0].rcpt_tos == ["bob@example.com"]
    assert_no_canary(outputs, logs)


async def test_a_server_without_login_support(open_relay, loopback):
    port, inbox = open_relay
    assert await send(secret(port)) == [
        ("error", "The SMTP server at 127.0.0.1 does not accept a login on this connection.")
    ]
    assert inbox.envelopes == []


async def test_starttls_is_required_unless_tls_is_off(open_relay, loopback):
    port, _inbox = open_relay
    [(pin, message)] = await send(secret(port, tls=True))
    assert pin == "error" and message.startswith("The SMTP server at 127.0.0.1 does not offer STARTTLS.")


async def test_connection_refused_and_timeout(loopback, monkeypatch, logs):
    port = _free_port()
    assert await send(secret(port)) == [
        ("error", f"The SMTP server at 127.0.0.1:{port} refused the connection; check the host and port.")
    ]
    # A server that accepts the connection and never greets.
    monkeypatch.setattr(communication, "SMTP_TIMEOUT", 0.5)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent_port = silent.getsockname()[1]
        outputs = await send(secret(silent_port))
    assert outputs == [("error", f"The SMTP server at 127.0.0.1:{silent_port} did not answer within 0.5 seconds.")]
    assert_no_canary(outputs, logs)


async def test_private_addresses_are_refused_without_connecting(monkeypatch):
    assert await send(secret(25)) == [("error", "Requests to private or local addresses are not allowed (127.0.0.1).")]
    assert await send(secret(25, host="10.1.2.3")) == [
        ("error", "Requests to private or local addresses are not allowed (10.1.2.3).")
    ]

    async def resolves_to_metadata(host, port):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(addresses, "_getaddrinfo", resolves_to_metadata)
    assert await send(secret(25, host="mail.evil.example")) == [
        (
            "error",
            "Requests to private or local addresses are not allowed (mail.evil.example resolves to 169.254.169.254).",
        )
    ]


async def test_invalid_inputs_and_settings():
    credential = secret(2525)
    assert await send(credential, to="nobody") == [
        ("error", "'nobody' is not a valid e-mail address: An email address must have an @-sign.")
    ]
    assert await send(credential, to=[]) == [("error", "Give at least one recipient address.")]
    many = [f"user{i}@example.com" for i in range(51)]
    assert await send(credential, to=many) == [("error", "At most 50 recipients per e-mail (51 were given).")]
    assert await send(None) == [("error", "No credential was provided for 'credentials'.")]
    no_host = CredentialSecret.model_validate(
        {"id": "c", "provider": "smtp", "type": "user_password", "username": USER, "password": CANARY}
    )
    assert await send(no_host) == [
        ("error", "The SMTP credential has no host: add 'host' (and 'port', 'tls') to its settings.")
    ]
    assert await send(secret(2525, **{"from": "not an address"})) == [
        ("error", "The sender address ('from') is not a valid e-mail address.")
    ]


def test_parse_recipients():
    assert parse_recipients("a@example.com,\n b@example.com ; ") == ["a@example.com", "b@example.com"]
    assert parse_recipients(["Ann <a@example.com>", "a@example.com"]) == ["Ann <a@example.com>"]
    assert parse_recipients("a@bücher.example") == ["a@xn--bcher-kva.example"]


# --- TLS: connect to the checked address, verify the certificate for the host name -------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> tuple[str, str, str]:
    """A test CA and a server certificate for smtp.example.com: (ca pem, cert path, key path)."""
    return issue_certificates(tmp_path_factory.mktemp("tls"), HOST)


@pytest.fixture
def tls_server_context(certificates) -> ssl.SSLContext:
    _ca, cert_path, key_path = certificates
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


@pytest.fixture
def trust_test_ca(certificates, monkeypatch):
    ca_pem = certificates[0]
    monkeypatch.setattr(communication, "tls_context", lambda: ssl.create_default_context(cadata=ca_pem))


@pytest.fixture
def dns(monkeypatch) -> list[str]:
    """smtp.example.com resolves to 127.0.0.1; every lookup is recorded."""
    lookups: list[str] = []

    async def fake(host, port):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(addresses, "_getaddrinfo", fake)
    return lookups


def _no_lookups_by_smtplib(monkeypatch) -> None:
    """Fail if anything resolves the host name a second time (the connection must use the checked IP)."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        if host == HOST:
            raise AssertionError("the SMTP connection looked the host name up again")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


async def test_starttls_to_the_checked_address_with_the_host_name_verified(
    tls_server_context, trust_test_ca, dns, loopback, monkeypatch, logs
):
    _no_lookups_by_smtplib(monkeypatch)
    for port, inbox in _serve(
        tls_context=tls_server_context, require_starttls=True, authenticator=_authenticator, auth_required=True
    ):
        outputs = await send(secret(port, host=HOST, tls=True))
        assert outputs == [("status", "sent")]
        assert inbox.message()["Subject"] == "Weekly report"
    assert dns == [HOST]
    assert_no_canary(outputs, logs)


async def test_implicit_tls_on_port_465_style(tls_server_context, trust_test_ca, dns, loopback, monkeypatch):
    _no_lookups_by_smtplib(monkeypatch)
    # aiosmtpd does not count implicit TLS as TLS for AUTH, hence auth_require_tls=False here.
    server = {"ssl_context": tls_server_context, "auth_require_tls": False, "authenticator": _authenticator}
    for port, inbox in _serve(**server, auth_required=True):
        assert await send(secret(port, host=HOST, tls="ssl")) == [("status", "sent")]
        assert len(inbox.envelopes) == 1


async def test_an_untrusted_certificate_is_refused(tls_server_context, dns, loopback):
    for port, inbox in _serve(tls_context=tls_server_context, authenticator=_authenticator, auth_required=True):
        [(pin, message)] = await send(secret(port, host=HOST, tls=True))
        assert pin == "error"
        assert message.startswith("The SMTP server at smtp.example.com presented a certificate that cannot be trusted")
        assert inbox.envelopes == []


async def test_stopping_a_hanging_send_closes_the_connection(loopback, monkeypatch):
    """Cancelling the block (a stopped run) shuts the socket, so the worker thread does not linger."""
    monkeypatch.setattr(communication, "SMTP_TIMEOUT", 20)
    loop = asyncio.get_running_loop()
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.setblocking(False)
        task = asyncio.create_task(send(secret(silent.getsockname()[1])))
        conn, _peer = await asyncio.wait_for(loop.sock_accept(silent), 5)
        with conn:
            conn.setblocking(False)
            await asyncio.sleep(0.2)  # the client now waits for a greeting that never comes
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await asyncio.wait_for(loop.sock_recv(conn, 100), 2) == b""  # closed by the client


# --- notifications ----------------------------------------------------------------------------


async def test_send_notification_calls_notify():
    calls: list[tuple[str, str, str]] = []

    async def notify(title: str, body: str, link: str) -> None:
        calls.append((title, body, link))

    context = RunContext(user_id="u1", notify=notify)
    outputs = await run_block(SendNotificationBlock(), {"title": "Done", "body": "Report ready", "link": "/x"}, context)
    assert outputs == [("sent", True)] and calls == [("Done", "Report ready", "/x")]
    assert await run_block(SendNotificationBlock(), {"title": "Done"}, RunContext()) == [
        ("error", "Notifications are not available here.")
    ]


# --- e-mail through the engine with a stored credential ---------------------------------------


async def test_send_email_through_the_runner_with_a_saved_credential(smtp_server, loopback, logs):
    from sqlalchemy import select

    from autogpt_app.auth import service as auth_service
    from autogpt_app.credentials import service as credentials
    from autogpt_app.db import session_scope
    from autogpt_app.executions import service as executions
    from autogpt_app.executions.models import NodeExecution
    from autogpt_app.executions.runner import GraphRunner
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec
    from tests.graphs.helpers import OUTPUT, link, node

    port, inbox = smtp_server
    doc = {
        "name": "Mailer",
        "nodes": [
            node("mail", SendEmailBlock.id, to="bob@example.com", subject="Run result", body="It worked."),
            node("out", OUTPUT, name="status"),
        ],
        "links": [link("mail", "status", "out", "value")],
    }
    async with session_scope() as s:
        user = await auth_service.signup(s, email="ada@example.com", display_name="Ada", password="violet-harbour-42")
        saved = await credentials.create_credential(
            s,
            user,
            provider="smtp",
            type="user_password",
            title="My mail",
            username=USER,
            password=CANARY,
            meta={"host": "127.0.0.1", "port": port, "tls": False, "from": "Ada <ada@example.com>"},
        )
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await executions.add_graph_execution(s, user, graph.id, credentials={"smtp_user_password": saved.id})
    assert await GraphRunner(run.id).run() == "COMPLETED"
    async with session_scope() as s:
        result = await executions.get_execution(s, user, run.id)
        records = (await s.execute(select(NodeExecution))).scalars().all()
    assert result.outputs == {"status": ["sent"]}
    assert inbox.message()["From"] == "Ada <ada@example.com>" and inbox.message()["Subject"] == "Run result"
    assert CANARY not in repr([r.model_dump() for r in records]) + repr(result.model_dump())
    assert_no_canary([], logs)


# --- AutoGPT's Send Email, on our SMTP delivery ---------------------------------------------------


def smtp_login(*, password: str = CANARY, **meta: Any) -> CredentialSecret:
    return CredentialSecret.model_validate(
        {"id": "cred-smtp", "provider": "smtp", "type": "user_password", "username": USER, "password": password}
        | {"meta": meta}
    )


async def test_autogpt_send_email_uses_the_agents_server(smtp_server, loopback, logs) -> None:
    port, inbox = smtp_server
    inputs = {
        "to_email": "bob@example.com",
        "subject": "Weekly report",
        "body": "All good.",
        "config": {"smtp_server": "127.0.0.1", "smtp_port": port},
    }
    credential = smtp_login(tls=False, **{"from": "Ada <ada@example.com>"})

    outputs = await run_block(SMTPSendEmailBlock(), inputs, RunContext(credentials={"credentials": credential}))

    assert outputs == [("status", "Email sent successfully")]
    sent = inbox.message()
    assert sent["To"] == "bob@example.com" and sent["From"] == "Ada <ada@example.com>"
    assert sent.get_content().strip() == "All good."
    assert CANARY not in repr(outputs) and CANARY not in logs.text


async def test_autogpt_send_email_prefers_the_persons_server(smtp_server, loopback) -> None:
    port, inbox = smtp_server
    inputs = {
        "to_email": "bob@example.com",
        "subject": "Hi",
        "body": "Hello",
        "config": {"smtp_server": "smtp.gmail.com"},
    }
    credential = smtp_login(host="127.0.0.1", port=port, tls=False)

    outputs = await run_block(SMTPSendEmailBlock(), inputs, RunContext(credentials={"credentials": credential}))

    assert outputs == [("status", "Email sent successfully")]
    assert len(inbox.envelopes) == 1


async def test_autogpt_send_email_wrong_password_is_our_sentence(smtp_server, loopback) -> None:
    port, _ = smtp_server
    credential = smtp_login(tls=False, password="wrong-password")
    inputs = {
        "to_email": "bob@example.com",
        "subject": "Hi",
        "body": "x",
        "config": {"smtp_server": "127.0.0.1", "smtp_port": port},
    }

    outputs = await run_block(SMTPSendEmailBlock(), inputs, RunContext(credentials={"credentials": credential}))

    assert outputs == [("error", "The SMTP server at 127.0.0.1 refused the username or password (code 535).")]
