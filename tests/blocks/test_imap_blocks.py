"""Read e-mails (IMAP) against a minimal IMAP4rev1 server on 127.0.0.1 (plain, implicit TLS, STARTTLS).

Loopback is allowed only inside these tests. The password is a canary that must appear in no
output, no error, no log line and nothing the server recorded.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest

from autogpt_app.blocks.builtin import _imap_client
from autogpt_app.blocks.builtin.imap import ReadEmailBlock
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from autogpt_app.net import addresses
from autogpt_app.settings import get_settings
from tests.fakes.imap_server import FakeImapServer
from tests.fakes.tls_certificates import issue_certificates

IMAP_PASSWORD = "imap-canary-4c1d9e-password"


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeImapServer]:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    with FakeImapServer(password=IMAP_PASSWORD) as server:
        yield server


def imap_credential(port: int, *, password: str = IMAP_PASSWORD, **meta: Any) -> CredentialSecret:
    return CredentialSecret.model_validate(
        {"id": "cred-imap", "provider": "imap", "type": "user_password", "username": "ada@example.com"}
        | {"password": password, "meta": {"host": "127.0.0.1", "port": port, "tls": False, **meta}}
    )


async def read_mail(server: FakeImapServer, *, password: str = IMAP_PASSWORD, meta: dict | None = None, **inputs):
    context = RunContext(
        user_id="u1", credentials={"credentials": imap_credential(server.port, password=password, **(meta or {}))}
    )
    return await run_block(ReadEmailBlock(), inputs, context)


async def test_unread_mail_is_read_without_marking_it(mailbox: FakeImapServer, logs) -> None:
    mailbox.deliver(subject="Old news", seen=True)
    first = mailbox.deliver(subject="Invoice 42", body="Please pay by Friday.\n", Cc="bob@example.com")
    second = mailbox.deliver(subject="Lunch?", body="At noon.\n", sender="Bob <bob@example.com>")

    outputs = await read_mail(mailbox)

    emails = dict(outputs)["emails"]
    assert [pin for pin, _ in outputs] == ["email", "email", "emails", "count"]
    assert dict(outputs)["count"] == 2
    assert [e["subject"] for e in emails] == ["Invoice 42", "Lunch?"]
    assert emails[0] | {"size": 0} == {
        "uid": str(first),
        "folder": "INBOX",
        "from": "Grace <grace@example.com>",
        "to": "ada@example.com",
        "cc": "bob@example.com",
        "subject": "Invoice 42",
        "date": "2026-12-07T09:30:00+00:00",
        "message_id": f"<{first}@example.com>",
        "body": "Please pay by Friday.\n",
        "attachments": [],
        "size": 0,
    }
    assert emails[1]["uid"] == str(second) and emails[1]["from"] == "Bob <bob@example.com>"
    assert not any(m.seen for m in mailbox.folders["INBOX"][1:])  # left unread
    assert "EXAMINE INBOX" in mailbox.commands and mailbox.commands[-1] == "LOGOUT"
    assert IMAP_PASSWORD not in repr(outputs) and IMAP_PASSWORD not in logs.text


async def test_all_mail_newest_limit_and_marking_as_read(mailbox: FakeImapServer) -> None:
    for n in range(5):
        mailbox.deliver("Archive", subject=f"Report {n}", seen=n < 2)

    outputs = await read_mail(mailbox, folder="Archive", unread_only=False, limit=3, mark_as_read=True)

    assert [e["subject"] for e in dict(outputs)["emails"]] == ["Report 2", "Report 3", "Report 4"]
    assert all(m.seen for m in mailbox.folders["Archive"])
    assert "SELECT Archive" in mailbox.commands


async def test_empty_folder_gives_no_mail(mailbox: FakeImapServer) -> None:
    assert await read_mail(mailbox) == [("emails", []), ("count", 0)]


async def test_a_message_over_one_megabyte_is_listed_with_its_headers_only(mailbox: FakeImapServer) -> None:
    mailbox.deliver(subject="Big scan", body="x" * 1_100_000)

    (email_out,) = [v for pin, v in await read_mail(mailbox) if pin == "email"]

    assert email_out["subject"] == "Big scan"
    assert email_out["body"].startswith("(Not read: the message is 1,1")
    assert any("BODY.PEEK[HEADER]" in c for c in mailbox.commands)


async def test_wrong_password_unknown_folder_and_no_starttls_are_sentences(mailbox: FakeImapServer, logs) -> None:
    wrong = "wrong-imap-canary-password"
    assert await read_mail(mailbox, password=wrong) == [
        ("error", "The IMAP server at 127.0.0.1 refused the username or password.")
    ]
    assert await read_mail(mailbox, folder="Spam") == [("error", "There is no folder called 'Spam' in this mailbox.")]
    assert await read_mail(mailbox, meta={"tls": True}) == [
        (
            "error",
            "The IMAP server at 127.0.0.1 does not offer STARTTLS. Use port 993 for TLS, or turn TLS off in the "
            "credential only if the server is on a trusted network.",
        )
    ]
    assert wrong not in logs.text and IMAP_PASSWORD not in logs.text
    assert all(wrong not in c and IMAP_PASSWORD not in c for c in mailbox.commands)


async def test_a_silent_server_is_cut_off_at_the_time_limit(mailbox: FakeImapServer, monkeypatch) -> None:
    monkeypatch.setattr(_imap_client, "IMAP_TIMEOUT", 0.5)
    mailbox.select_delay = 2.0

    outputs = await read_mail(mailbox)

    assert outputs == [("error", f"The IMAP server at 127.0.0.1:{mailbox.port} did not answer within 0.5 seconds.")]


async def test_closed_port_and_private_address_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = RunContext(credentials={"credentials": imap_credential(9)})
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    assert await run_block(ReadEmailBlock(), {}, closed) == [
        ("error", "The IMAP server at 127.0.0.1:9 refused the connection; check the host and port.")
    ]
    private = RunContext(credentials={"credentials": imap_credential(993, host="10.0.0.8")})
    assert await run_block(ReadEmailBlock(), {}, private) == [
        ("error", "Requests to private or local addresses are not allowed (10.0.0.8).")
    ]


async def test_an_imap_server_sending_a_huge_part_is_cut_off(mailbox: FakeImapServer, monkeypatch) -> None:
    monkeypatch.setattr(_imap_client, "MAX_LITERAL_BYTES", 1000)
    mailbox.deliver(subject="Looks small", body="y" * 5000)

    ((pin, message),) = await read_mail(mailbox)

    assert pin == "error"
    assert message.startswith("The IMAP server sent a message part of 5,")
    assert message.endswith("bytes; at most 1,000 bytes are read.")


# --- IMAP over TLS: connect to the checked address, verify the certificate for the host name -----

IMAP_HOST = "imap.example.com"


@pytest.fixture(scope="module")
def imap_certificates(tmp_path_factory) -> tuple[str, str, str]:
    return issue_certificates(tmp_path_factory.mktemp("imap-tls"), IMAP_HOST)


@pytest.fixture
def imap_tls(imap_certificates, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server's TLS context; the block trusts the test CA and imap.example.com resolves to 127.0.0.1 once."""
    ca_pem, cert_path, key_path = imap_certificates
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    monkeypatch.setattr(_imap_client, "tls_context", lambda: ssl.create_default_context(cadata=ca_pem))
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)

    async def resolve(host, port):
        assert host == IMAP_HOST
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    real = socket.getaddrinfo

    def no_second_lookup(host, *args, **kwargs):
        assert host != IMAP_HOST, "the IMAP connection looked the host name up again"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(addresses, "_getaddrinfo", resolve)
    monkeypatch.setattr(socket, "getaddrinfo", no_second_lookup)
    return server


async def test_imap_over_implicit_tls_and_starttls(imap_tls: ssl.SSLContext) -> None:
    for options, tls in (({"tls_context": imap_tls}, "ssl"), ({"starttls_context": imap_tls}, True)):
        with FakeImapServer(password=IMAP_PASSWORD, **options) as server:
            server.deliver(subject="Over TLS")
            outputs = await read_mail(server, meta={"host": IMAP_HOST, "tls": tls})
            assert [e["subject"] for e in dict(outputs)["emails"]] == ["Over TLS"], outputs
            if tls is True:
                assert server.commands[:2] == ["CAPABILITY", "STARTTLS"]


async def test_imap_with_an_untrusted_certificate_is_refused(imap_tls: ssl.SSLContext, monkeypatch) -> None:
    monkeypatch.setattr(_imap_client, "tls_context", ssl.create_default_context)
    with FakeImapServer(password=IMAP_PASSWORD, tls_context=imap_tls) as server:
        ((pin, message),) = await read_mail(server, meta={"host": IMAP_HOST, "tls": "ssl"})

    assert pin == "error"
    assert message.startswith("The IMAP server at imap.example.com presented a certificate that cannot be trusted")
    assert server.commands == []
