"""A minimal IMAP4rev1 server on 127.0.0.1 for the e-mail reading block's tests.

Written from RFC 3501, only what a reader needs: ``CAPABILITY``, ``LOGIN``, ``SELECT``/``EXAMINE``,
``UID SEARCH ALL|UNSEEN|UID <first>:<last or *>``, ``UID FETCH <uid> (RFC822.SIZE | BODY[] | BODY.PEEK[] |
BODY.PEEK[HEADER])``, ``NOOP`` and ``LOGOUT``, over plain TCP, implicit TLS (``tls_context``) or
``STARTTLS`` (``starttls_context``). ``BODY[]`` marks a message seen,
except in a folder opened with ``EXAMINE`` (read-only), as a real server does::

    with FakeImapServer(user="ada", password="pw") as server:
        server.deliver("INBOX", subject="Hi", body="Hello")
        ... connect to 127.0.0.1:server.port ...
        assert server.commands[-1] == "LOGOUT"
"""

from __future__ import annotations

import datetime as dt
import re
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType
from typing import Any

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass
class StoredMail:
    """A message in a folder."""

    uid: int
    raw: bytes
    seen: bool = False


@dataclass
class FakeImapServer:
    """The server; ``folders`` maps a folder name to its messages (oldest first)."""

    user: str = "ada@example.com"
    password: str = "imap-password"
    folders: dict[str, list[StoredMail]] = field(default_factory=lambda: {"INBOX": [], "Archive": []})
    #: Commands received (name and arguments, the LOGIN password replaced by ``***``).
    commands: list[str] = field(default_factory=list)
    #: Seconds to wait before answering SELECT/EXAMINE (to test the time limit).
    select_delay: float = 0.0
    #: Speak TLS from the first byte with this context (as on port 993).
    tls_context: ssl.SSLContext | None = None
    #: Offer STARTTLS with this context.
    starttls_context: ssl.SSLContext | None = None
    #: The folders' UIDVALIDITY (a new number tells clients that old UIDs mean other messages now).
    uidvalidity: int = 1
    _next_uid: int = 100
    _server: socketserver.ThreadingTCPServer | None = None

    def deliver(
        self,
        folder: str = "INBOX",
        *,
        subject: str = "Hello",
        body: str = "Hi",
        seen: bool = False,
        sender: str = "Grace <grace@example.com>",
        raw: bytes | None = None,
        **headers: str,
    ) -> int:
        """Put a message in ``folder``; returns its UID."""
        self._next_uid += 1
        if raw is None:
            message = EmailMessage()
            message["From"] = sender
            message["To"] = self.user
            message["Subject"] = subject
            message["Date"] = format_datetime(dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC))
            message["Message-ID"] = f"<{self._next_uid}@example.com>"
            for name, value in headers.items():
                message[name.replace("_", "-")] = value
            message.set_content(body)
            raw = message.as_bytes()
        self.folders.setdefault(folder, []).append(
            StoredMail(self._next_uid, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), seen)
        )
        return self._next_uid

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FakeImapServer:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sock = self.request
                if fake.tls_context is not None:
                    try:
                        sock = fake.tls_context.wrap_socket(sock, server_side=True)
                    except (ssl.SSLError, OSError):
                        return  # the client refused our certificate
                _Session(fake, sock).run()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeImapServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return self._server.server_address[1]


class _Session:
    """One client connection."""

    def __init__(self, fake: FakeImapServer, sock: Any) -> None:
        self.fake, self.sock = fake, sock
        self.rfile, self.wfile = sock.makefile("rb"), sock.makefile("wb", buffering=0)
        self.logged_in = False
        self.folder: list[StoredMail] | None = None
        self.readonly = True

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def run(self) -> None:
        self.send("* OK IMAP4rev1 fake server ready")
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            parts = line.decode("utf-8", "replace").rstrip("\r\n").split(" ", 2)
            if len(parts) < 2:
                self.send("* BAD what?")
                continue
            tag, command = parts[0], parts[1].upper()
            args = (
                [a if b is None else b for a, b in ((m.group(1), m.group(2)) for m in _TOKEN.finditer(parts[2]))]
                if len(parts) > 2
                else []
            )
            args = [a.replace('\\"', '"').replace("\\\\", "\\") if a is not None else "" for a in args]
            shown = [*args[:1], "***"] if command == "LOGIN" else args
            self.fake.commands.append(" ".join([command, *shown]))
            if not self.dispatch(tag, command, args):
                return

    def dispatch(self, tag: str, command: str, args: list[str]) -> bool:
        if command == "CAPABILITY":
            offer = (
                " STARTTLS"
                if self.fake.starttls_context is not None and not isinstance(self.sock, ssl.SSLSocket)
                else ""
            )
            self.send(f"* CAPABILITY IMAP4rev1 AUTH=PLAIN{offer}")
            self.send(f"{tag} OK CAPABILITY completed")
        elif command == "STARTTLS" and self.fake.starttls_context is not None:
            self.send(f"{tag} OK Begin TLS negotiation now")
            try:
                self.sock = self.fake.starttls_context.wrap_socket(self.sock, server_side=True)
            except (ssl.SSLError, OSError):
                return False
            self.rfile, self.wfile = self.sock.makefile("rb"), self.sock.makefile("wb", buffering=0)
        elif command == "NOOP":
            self.send(f"{tag} OK NOOP completed")
        elif command == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return False
        elif command == "LOGIN":
            if args[:2] == [self.fake.user, self.fake.password]:
                self.logged_in = True
                self.send(f"{tag} OK LOGIN completed")
            else:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
        elif not self.logged_in:
            self.send(f"{tag} BAD log in first")
        elif command in ("SELECT", "EXAMINE"):
            time.sleep(self.fake.select_delay)
            folder = self.fake.folders.get(args[0] if args else "")
            if folder is None:
                self.send(f"{tag} NO [NONEXISTENT] Unknown mailbox")
                return True
            self.folder, self.readonly = folder, command == "EXAMINE"
            self.send(f"* {len(folder)} EXISTS")
            self.send("* 0 RECENT")
            self.send(f"* OK [UIDVALIDITY {self.fake.uidvalidity}] UIDs valid")
            self.send(f"* OK [UIDNEXT {self.fake._next_uid + 1}] Predicted next UID")
            self.send("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)")
            self.send(f"{tag} OK [{'READ-ONLY' if self.readonly else 'READ-WRITE'}] {command} completed")
        elif command == "UID" and self.folder is not None and args:
            self.uid(tag, args[0].upper(), args[1:])
        else:
            self.send(f"{tag} BAD unknown or out-of-place command")
        return True

    def uid(self, tag: str, sub: str, args: list[str]) -> None:
        folder = self.folder or []
        if sub == "SEARCH":
            criteria = " ".join(args).upper()
            if criteria.startswith("UID "):
                found = _uid_range(folder, criteria[4:])
            else:
                found = [m.uid for m in folder if criteria == "ALL" or (criteria == "UNSEEN" and not m.seen)]
            self.send("* SEARCH" + "".join(f" {u}" for u in found))
            self.send(f"{tag} OK SEARCH completed")
            return
        if sub != "FETCH" or len(args) < 2:
            self.send(f"{tag} BAD unsupported UID command")
            return
        items = " ".join(args[1:]).strip("()").upper()
        for seq, mail in enumerate(folder, start=1):
            if str(mail.uid) != args[0]:
                continue
            if items == "RFC822.SIZE":
                self.send(f"* {seq} FETCH (UID {mail.uid} RFC822.SIZE {len(mail.raw)})")
            elif items in ("BODY[]", "BODY.PEEK[]", "BODY.PEEK[HEADER]"):
                data = mail.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" if "HEADER" in items else mail.raw
                name = "BODY[HEADER]" if "HEADER" in items else "BODY[]"
                flags = ""
                if items == "BODY[]" and not self.readonly:
                    mail.seen = True
                    flags = " FLAGS (\\Seen)"
                self.send(
                    f"* {seq} FETCH (UID {mail.uid}{flags} {name} {{{len(data)}}}".encode() + b"\r\n" + data + b")"
                )
            else:
                self.send(f"{tag} BAD unsupported FETCH items")
                return
        self.send(f"{tag} OK FETCH completed")


def _uid_range(folder: list[StoredMail], text: str) -> list[int]:
    """UIDs in ``first:last`` (``*`` is the highest UID, so ``n:*`` always includes it, as RFC 3501 says)."""
    highest = max((m.uid for m in folder), default=0)
    first, _, last = text.strip().partition(":")
    ends = [highest if v == "*" else int(v) for v in (first, last or first)]
    low, high = min(ends), max(ends)
    return [m.uid for m in folder if low <= m.uid <= high]
