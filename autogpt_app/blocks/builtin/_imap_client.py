"""The IMAP conversation behind *Read e-mails (IMAP)*: settings, a connection pinned to a checked
address, bounded reading and failures in plain words.

``imaplib`` runs in a worker thread (:func:`read_mailbox`), so the event loop never blocks. The
connection goes to the address :func:`~autogpt_app.net.check_host` checked, while TLS (SNI,
certificate check) uses the host name, as the SMTP block does. Reading is bounded: the caller's
count, a message over 1 MB is read as headers only, no literal over 2 MB is accepted whatever the
server announced, and every exchange shares one time limit. The password never appears in a
message or a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import re
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from autogpt_app.blocks.sdk import CredentialSecret

IMAP_TIMEOUT = 45.0
MAX_MESSAGES = 50
MAX_MESSAGE_BYTES = 1_000_000
MAX_BODY_CHARS = 100_000
#: Largest literal (message or headers) accepted from the server, whatever it announced before.
MAX_LITERAL_BYTES = 2 * MAX_MESSAGE_BYTES
_MASK = "********"
_T = TypeVar("_T")
_FETCH_SIZE = re.compile(rb"UID (\d+).*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+).*?UID (\d+)")


class MailboxProblem(Exception):
    """A refusal or failure with a message fit to show as is (never a secret)."""


@dataclass(frozen=True)
class NewMail:
    """Where a folder stands (UIDVALIDITY, the last UID looked at) and the messages read after it."""

    uidvalidity: int
    last_uid: int
    messages: list[dict[str, Any]]


def _response_number(imap: imaplib.IMAP4, code: str) -> int:
    """A number the server gave with the folder (``UIDVALIDITY``, ``UIDNEXT``), 0 when it gave none."""
    _typ, data = imap.response(code)
    value = data[0] if data else None
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")
    return int(text) if text.strip().isdigit() else 0


class ImapSettings:
    """Where and how to connect, read from an ``imap`` credential."""

    def __init__(self, credential: CredentialSecret) -> None:
        meta: dict[str, Any] = credential.meta or {}
        self.host = str(meta.get("host") or "").strip()
        if not self.host:
            raise MailboxProblem("The IMAP credential has no server: add its host (and port) to the credential.")
        port = meta.get("port")
        if isinstance(port, str) and port.strip().isdigit():
            port = int(port)
        if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
            raise MailboxProblem("The IMAP credential's port must be a number from 1 to 65535.")
        self.mode = _tls_mode(meta.get("tls", True), port)
        self.port: int = port if port is not None else 993
        self.username = credential.username or ""
        self.password = credential.password.get_secret_value() if credential.password is not None else ""
        if not self.username or not self.password:
            raise MailboxProblem("The IMAP credential needs a username and a password.")


def _tls_mode(value: Any, port: int | None) -> str:
    """``ssl`` (implicit TLS), ``starttls`` or ``none``; the strings of the SMTP block are understood too."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("ssl", "implicit", "imaps"):
            return "ssl"
        if text == "starttls":
            return "starttls"
        value = text not in ("false", "no", "off", "none", "0", "plain")
    if value is False or value is None:
        return "none"
    return "ssl" if port in (None, 993) else "starttls"


def quoted_folder(name: str) -> str:
    """The folder name as an IMAP quoted string.

    Raises:
        MailboxProblem: empty, too long, not ASCII, or with control characters.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise MailboxProblem("Give the folder to read, e.g. INBOX (at most 200 characters).")
    if not name.isascii() or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise MailboxProblem("The folder name must be plain ASCII text (e.g. INBOX, Archive, Work/Reports).")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tls_context() -> ssl.SSLContext:
    """The TLS settings for IMAP: the system's trusted CAs, host name checked (tests trust their own CA)."""
    return ssl.create_default_context()


def _refuse_huge_literal(size: int) -> None:
    """Stop before reading a literal that would blow the memory up (a server may lie about sizes)."""
    if size > MAX_LITERAL_BYTES:
        raise MailboxProblem(
            f"The IMAP server sent a message part of {size:,} bytes; at most {MAX_LITERAL_BYTES:,} bytes are read."
        )


class _PinnedIMAP(imaplib.IMAP4):
    """IMAP to an address checked beforehand; ``self.host`` (TLS, STARTTLS) stays the host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout)

    def read(self, size: int) -> bytes:
        _refuse_huge_literal(size)
        return super().read(size)


class _PinnedIMAPSSL(imaplib.IMAP4_SSL):
    """Implicit TLS over the checked address, with SNI and certificate check for the host name."""

    def read(self, size: int) -> bytes:
        _refuse_huge_literal(size)
        return super().read(size)

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, ssl_context=tls_context(), timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _body(message: EmailMessage) -> str:
    """The message's text (plain preferred, else HTML as it is), cut to ``MAX_BODY_CHARS``."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        payload = message.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = str(text).replace("\r\n", "\n")
    return text if len(text) <= MAX_BODY_CHARS else text[:MAX_BODY_CHARS] + "\n[… cut]"


def summarize(uid: str, raw: bytes, folder: str, *, size: int, complete: bool) -> dict[str, Any]:
    """What the block gives for one message: sender, recipients, subject, date, text and ids."""
    message = message_from_bytes(raw, policy=policy.default)
    date = ""
    with contextlib.suppress(TypeError, ValueError, IndexError):
        date = parsedate_to_datetime(str(message["Date"])).isoformat() if message["Date"] else ""
    attachments = (
        [_text(part.get_filename()) for part in message.iter_attachments() if part.get_filename()]
        if message.is_multipart()
        else []
    )
    return {
        "uid": uid,
        "folder": folder,
        "from": _text(message["From"]),
        "to": _text(message["To"]),
        "cc": _text(message["Cc"]),
        "subject": _text(message["Subject"]),
        "date": date,
        "message_id": _text(message["Message-ID"]),
        "body": _body(message) if complete else f"(Not read: the message is {size:,} bytes, over the 1 MB limit.)",
        "attachments": attachments,
        "size": size,
    }


class _Reading:
    """One IMAP conversation, run in a worker thread; ``abort`` may be called from another thread."""

    def __init__(self, settings: ImapSettings, address: str) -> None:
        self.settings = settings
        self.address = address
        self.imap: imaplib.IMAP4 | None = None
        self.deadline = time.monotonic() + IMAP_TIMEOUT

    def _step(self) -> None:
        """Give the next exchange only the time left of the overall limit."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if self.imap is not None:
            with contextlib.suppress(OSError, AttributeError):
                self.imap.sock.settimeout(left)

    def abort(self) -> None:
        imap = self.imap
        if imap is not None:
            with contextlib.suppress(OSError, AttributeError):
                imap.sock.shutdown(socket.SHUT_RDWR)

    def _check(self, typ: str, data: list[Any], what: str) -> list[Any]:
        if typ != "OK":
            raise MailboxProblem(f"{what} ({_reply(data, self.settings.password)}).")
        return data

    def open(self, folder: str, *, readonly: bool) -> imaplib.IMAP4:
        """Connect, log in and open ``folder`` (``EXAMINE`` when ``readonly``); the caller closes."""
        s = self.settings
        if s.mode == "ssl":
            imap: imaplib.IMAP4 = _PinnedIMAPSSL(self.address, s.host, s.port, IMAP_TIMEOUT)
        else:
            imap = _PinnedIMAP(self.address, s.host, s.port, IMAP_TIMEOUT)
        self.imap = imap
        try:
            if s.mode == "starttls":
                if "STARTTLS" not in imap.capabilities:
                    raise MailboxProblem(
                        f"The IMAP server at {s.host} does not offer STARTTLS. Use port 993 for TLS, or turn TLS "
                        "off in the credential only if the server is on a trusted network."
                    )
                self._step()
                imap.starttls(ssl_context=tls_context())
            self._step()
            imap.login(s.username, s.password)
            self._step()
            typ, _data = imap.select(quoted_folder(folder), readonly=readonly)
            if typ != "OK":
                raise MailboxProblem(f"There is no folder called '{folder.strip()[:200]}' in this mailbox.")
        except BaseException:
            self.close()
            raise
        return imap

    def close(self, *, polite: bool = False) -> None:
        """Close the connection; ``polite`` logs out first (only after a conversation that went well:
        after a failure the stream may be half-way through a message)."""
        imap = self.imap
        if imap is None:
            return
        if polite:
            with contextlib.suppress(imaplib.IMAP4.error, OSError, TimeoutError):
                self._step()
                imap.logout()
        with contextlib.suppress(Exception):
            imap.shutdown()

    def search(self, imap: imaplib.IMAP4, criteria: str) -> list[int]:
        """UIDs matching ``criteria``, in ascending order."""
        self._step()
        typ, data = imap.uid("SEARCH", criteria)
        found = self._check(typ, data, "The IMAP server could not search the folder")
        return sorted({int(u) for u in (found[0] or b"").split() if u.isdigit()})

    def read(self, folder: str, *, unread_only: bool, limit: int, mark_as_read: bool) -> list[dict[str, Any]]:
        imap = self.open(folder, readonly=not mark_as_read)
        try:
            uids = self.search(imap, "UNSEEN" if unread_only else "ALL")[-limit:]
            messages = [self._fetch(imap, str(uid), folder, mark_as_read) for uid in uids]
        except BaseException:
            self.close()
            raise
        self.close(polite=True)
        return messages

    def read_after(self, folder: str, since: tuple[int, int] | None, *, limit: int) -> NewMail:
        """The oldest ``limit`` messages after ``since`` (UIDVALIDITY, last UID seen), read-only.

        Without ``since``, or when the folder's UIDVALIDITY changed (its UIDs mean other messages now),
        nothing is read: the answer only says where the folder stands, for the next call.
        """
        imap = self.open(folder, readonly=True)
        try:
            validity = _response_number(imap, "UIDVALIDITY")
            if since is None or since[0] != validity:
                following = _response_number(imap, "UIDNEXT")
                last = following - 1 if following else max(self.search(imap, "ALL"), default=0)
                found = NewMail(validity, last, [])
            else:
                after = since[1]
                uids = [uid for uid in self.search(imap, f"UID {after + 1}:*") if uid > after][:limit]
                messages = [self._fetch(imap, str(uid), folder, False) for uid in uids]
                found = NewMail(validity, max(uids, default=after), messages)
        except BaseException:
            self.close()
            raise
        self.close(polite=True)
        return found

    def _fetch(self, imap: imaplib.IMAP4, uid: str, folder: str, mark_as_read: bool) -> dict[str, Any]:
        self._step()
        typ, data = imap.uid("FETCH", uid, "(RFC822.SIZE)")
        line = b" ".join(d if isinstance(d, bytes) else d[0] for d in self._check(typ, data, "Reading failed") if d)
        match = _FETCH_SIZE.search(line)
        size = int((match.group(2) or match.group(3)) if match else 0)
        complete = size <= MAX_MESSAGE_BYTES
        part = ("BODY[]" if mark_as_read else "BODY.PEEK[]") if complete else "BODY.PEEK[HEADER]"
        self._step()
        typ, data = imap.uid("FETCH", uid, f"({part})")
        raw = next((d[1] for d in self._check(typ, data, "Reading failed") if isinstance(d, tuple)), None)
        if raw is None:
            raise MailboxProblem("The IMAP server did not send the message it listed.")
        return summarize(uid, raw, folder.strip(), size=size or len(raw), complete=complete)


def _reply(data: list[Any], password: str) -> str:
    text = " ".join(d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d) for d in data if d)
    text = " ".join(text.split())
    if password and password in text:
        text = text.replace(password, _MASK)
    return text[:200] or "no reason given"


def explain(exc: BaseException, settings: ImapSettings) -> str:
    """A readable sentence for an IMAP failure; never the password."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, MailboxProblem):
        return str(exc)
    if isinstance(exc, imaplib.IMAP4.error):
        text = str(exc)
        if settings.password and settings.password in text:
            text = text.replace(settings.password, _MASK)
        if "LOGIN" in text.upper() or "AUTHENTICATIONFAILED" in text.upper() or "AUTHENTICATE" in text.upper():
            return f"The IMAP server at {settings.host} refused the username or password."
        return f"The IMAP server at {settings.host} refused a command ({' '.join(text.split())[:200]})."
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "certificate verification failed"
        return f"The IMAP server at {settings.host} presented a certificate that cannot be trusted ({reason})."
    if isinstance(exc, ssl.SSLError):
        return f"Setting up TLS with the IMAP server at {where} failed; check the port and the TLS setting."
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"The IMAP server at {where} did not answer within {IMAP_TIMEOUT:g} seconds."
    if isinstance(exc, ConnectionRefusedError):
        return f"The IMAP server at {where} refused the connection; check the host and port."
    if isinstance(exc, OSError):
        return f"Could not reach the IMAP server at {where} ({exc.strerror or type(exc).__name__})."
    return f"Reading mail from {where} failed unexpectedly ({type(exc).__name__})."


async def _in_thread(settings: ImapSettings, address: str, work: Callable[[_Reading], _T]) -> _T:
    """Run one conversation in a worker thread within ``IMAP_TIMEOUT``; a cancelled caller closes it.

    Raises:
        MailboxProblem: anything failed (the message is fit to show).
    """
    reading = _Reading(settings, address)

    def run() -> _T:
        try:
            return work(reading)
        except Exception as exc:  # translated here: only MailboxProblem leaves the thread
            raise MailboxProblem(explain(exc, settings)) from None

    try:
        async with asyncio.timeout(IMAP_TIMEOUT + 5):
            return await asyncio.to_thread(run)
    except TimeoutError:
        reading.abort()
        raise MailboxProblem(explain(TimeoutError(), settings)) from None
    except asyncio.CancelledError:
        reading.abort()  # a stopped run must not leave the conversation hanging
        raise


async def read_mailbox(
    settings: ImapSettings, address: str, folder: str, *, unread_only: bool, limit: int, mark_as_read: bool
) -> list[dict[str, Any]]:
    """Read ``folder`` in a worker thread within ``IMAP_TIMEOUT``; a stopped run closes the connection.

    Raises:
        MailboxProblem: anything failed (the message is fit for the run page).
    """
    return await _in_thread(
        settings,
        address,
        lambda reading: reading.read(folder, unread_only=unread_only, limit=limit, mark_as_read=mark_as_read),
    )


async def read_new_mail(
    settings: ImapSettings, address: str, folder: str, since: tuple[int, int] | None, *, limit: int
) -> NewMail:
    """The messages that arrived in ``folder`` after ``since`` (see :meth:`_Reading.read_after`), read-only
    (``EXAMINE``, ``BODY.PEEK``): nothing is marked as read.

    Raises:
        MailboxProblem: anything failed (the message is fit to show).
    """
    return await _in_thread(settings, address, lambda reading: reading.read_after(folder, since, limit=limit))
