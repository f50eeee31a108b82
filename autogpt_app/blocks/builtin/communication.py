"""Communication blocks: a notification to the agent's owner, and e-mail through the user's SMTP server.

**Send notification** hands title, body and link to ``context.notify`` (the engine records a
notification for the run's owner and pushes it live); outside the engine there is no ``notify``
and the block says so on its ``error`` pin.

**Send e-mail** speaks SMTP with ``smtplib`` in a worker thread, so the event loop never blocks.
The server comes from an ``smtp`` credential of type ``user_password``: its settings (``meta``)
hold ``host``, ``port``, ``tls`` and optionally ``from``; its secret fields the login. The host is
checked against the SSRF rules once (:func:`~autogpt_app.net.check_host`) and the connection goes
to the checked address, while TLS (SNI and certificate check) and the greeting use the host name.

``tls`` is what the credentials service accepts, a boolean: ``true`` (the default) means implicit
TLS on port 465 and STARTTLS on any other port, which is then required; ``false`` means no
encryption at all. The strings ``"ssl"``, ``"starttls"`` and ``"none"`` are understood too.

Whatever fails comes out as one readable sentence; the password never appears in an output, an
error or a log line (server replies quoted in errors are masked too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import Field

from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialSecret,
    CredentialsRef,
    RunContext,
)
from autogpt_app.errors import ServiceError
from autogpt_app.net import OutboundRequestError, check_host
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Notification
# ---------------------------------------------------------------------------------------------

NOTIFY_UNAVAILABLE = "Notifications are not available here."
NOTIFY_NO_TITLE = "The notification needs a title."


class SendNotificationBlock(Block):
    """Records a notification for the agent's owner."""

    id = "044c8d8f-31c8-4b3d-b5d4-a3aab189d30d"
    name = "Send notification"
    description = (
        "Shows a notification to you (the agent's owner) in the platform, e.g. 'Report ready', "
        "with an optional link to open."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)

    class Input(BlockInput):
        title: str = Field(description="A short headline (cut to 200 characters)")
        body: str = Field(default="", description="The message (cut to 10,000 characters)")
        link: str = Field(
            default="", description="Optional: a page of this site (starting with /) or an http(s) address"
        )

    class Output(BlockOutput):
        sent: bool = Field(description="True once the notification is recorded")

    examples = (
        BlockExample(input={"title": "  ", "body": "Nothing to say"}, output=[("error", NOTIFY_NO_TITLE)]),
        BlockExample(
            input={"title": "Report ready", "body": "Your weekly report is done."},
            output=[("error", NOTIFY_UNAVAILABLE)],
            description="outside an agent run there is nobody to notify",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.title.strip():
            yield "error", NOTIFY_NO_TITLE
            return
        if context.notify is None:
            yield "error", NOTIFY_UNAVAILABLE
            return
        try:
            await context.notify(input.title, input.body, input.link)
        except (ServiceError, BlockError) as exc:
            yield "error", getattr(exc, "message", None) or str(exc)
            return
        yield "sent", True


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------

SMTP_TIMEOUT = 30.0
MAX_RECIPIENTS = 50
MAX_SUBJECT = 500
MAX_TEXT = 1_000_000
_SPLIT = re.compile(r"[,;\n]")
_MASK = "********"


class MailProblem(Exception):
    """A refusal or failure with a message fit to show as is (never a secret)."""


def parse_recipients(to: str | list[str]) -> list[str]:
    """Return the recipients of ``to`` as ``Name <addr>`` / ``addr`` strings, checked and deduplicated.

    ``to`` is one address, several separated by commas or semicolons, or a list of those.

    Raises:
        MailProblem: an address is malformed, none is given, or there are more than 50.
    """
    items = [to] if isinstance(to, str) else [str(item) for item in to]
    pieces = [piece.strip() for item in items for piece in _SPLIT.split(item)]
    recipients: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        if not piece:
            continue
        name, address = parseaddr(piece)
        shown = piece if len(piece) <= 80 else piece[:79] + "…"
        if not address:
            raise MailProblem(f"'{shown}' is not a valid e-mail address.")
        try:
            checked = validate_email(address, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError as exc:
            raise MailProblem(f"'{shown}' is not a valid e-mail address: {exc}") from None
        address = checked.ascii_email or checked.normalized
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        recipients.append(formataddr((" ".join(name.split()), address)) if name else address)
    if not recipients:
        raise MailProblem("Give at least one recipient address.")
    if len(recipients) > MAX_RECIPIENTS:
        raise MailProblem(f"At most {MAX_RECIPIENTS} recipients per e-mail ({len(recipients)} were given).")
    return recipients


class SmtpSettings:
    """Where and how to connect, read from an ``smtp`` credential's settings."""

    def __init__(self, credential: CredentialSecret) -> None:
        meta: dict[str, Any] = credential.meta or {}
        host = str(meta.get("host") or "").strip()
        if not host:
            raise MailProblem("The SMTP credential has no host: add 'host' (and 'port', 'tls') to its settings.")
        self.host = host
        port = meta.get("port")
        if isinstance(port, str) and port.strip().isdigit():
            port = int(port)
        if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
            raise MailProblem("The SMTP credential's port must be a number from 1 to 65535.")
        self.mode = _tls_mode(meta.get("tls", True), port)
        self.port: int = port if port is not None else (465 if self.mode == "ssl" else 587)
        sender = str(meta.get("from") or get_settings().smtp_from).strip()
        name, address = parseaddr(sender)
        if "@" not in address or any(c.isspace() or ord(c) < 32 for c in address):
            raise MailProblem("The sender address ('from') is not a valid e-mail address.")
        self.from_header = formataddr((" ".join(name.split()), address)) if name else address
        self.from_address = address
        domain = address.rsplit("@", 1)[1].strip("[]") or "localhost"
        self.domain = domain if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", domain) else "localhost"
        self.username = credential.username or ""
        self.password = credential.password.get_secret_value() if credential.password is not None else ""


def _tls_mode(value: Any, port: int | None) -> str:
    """``ssl`` (implicit TLS), ``starttls`` or ``none``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("ssl", "implicit", "smtps"):
            return "ssl"
        if text == "starttls":
            return "starttls"
        if text in ("none", "off", "false", "no", "plain"):
            return "none"
        if text in ("", "true", "on", "yes", "tls"):
            value = True
        else:
            raise MailProblem("The SMTP credential's 'tls' must be true or false.")
    if value is False or value is None:
        return "none"
    return "ssl" if port == 465 else "starttls"


def tls_context() -> ssl.SSLContext:
    """The TLS settings for SMTP: the system's trusted CAs, host name checked (tests trust their own CA)."""
    return ssl.create_default_context()


class _PinnedSMTP(smtplib.SMTP):
    """SMTP to an address checked beforehand; ``self._host`` (greeting, TLS) stays the host name."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self._address = address
        super().__init__(**kwargs)

    def connect(self, host: str = "localhost", port: int = 0, source_address: Any = None) -> tuple[int, bytes]:
        self._host = host  # smtplib sets it only in __init__; STARTTLS and SMTPS verify against it
        return super().connect(host, port, source_address)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout, self.source_address)


class _PinnedSMTPSSL(smtplib.SMTP_SSL, _PinnedSMTP):
    """Implicit TLS over the checked address, with SNI and certificate check for the host name."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self._address = address
        smtplib.SMTP_SSL.__init__(self, **kwargs)


def _build_message(settings: SmtpSettings, recipients: list[str], subject: str, body: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.from_header
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.domain)
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class _Delivery:
    """One SMTP conversation, run in a worker thread; ``abort`` may be called from another thread."""

    def __init__(self, settings: SmtpSettings, address: str) -> None:
        self.settings = settings
        self.address = address
        self.smtp: smtplib.SMTP | None = None
        self.deadline = time.monotonic() + SMTP_TIMEOUT

    def _step(self) -> None:
        """Give the next exchange only the time left of the overall limit."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if self.smtp is not None and self.smtp.sock is not None:
            self.smtp.sock.settimeout(left)

    def abort(self) -> None:
        smtp = self.smtp
        if smtp is not None and smtp.sock is not None:
            with contextlib.suppress(OSError):
                smtp.sock.shutdown(socket.SHUT_RDWR)

    def send(self, message: EmailMessage, recipients: list[str]) -> dict[str, Any]:
        s = self.settings
        context = tls_context()
        options: dict[str, Any] = {"local_hostname": s.domain, "timeout": SMTP_TIMEOUT}
        if s.mode == "ssl":
            smtp: smtplib.SMTP = _PinnedSMTPSSL(self.address, context=context, **options)
        else:
            smtp = _PinnedSMTP(self.address, **options)
        self.smtp = smtp
        try:
            smtp.connect(s.host, s.port)
            self._step()
            smtp.ehlo()
            if s.mode == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailProblem(
                        f"The SMTP server at {s.host} does not offer STARTTLS. Use port 465 for TLS, or set "
                        "'tls' to false in the credential's settings if the server is on a trusted network."
                    )
                self._step()
                smtp.starttls(context=context)
                self._step()
                smtp.ehlo()
            if s.username and s.password:
                if not smtp.has_extn("auth"):
                    raise MailProblem(f"The SMTP server at {s.host} does not accept a login on this connection.")
                self._step()
                smtp.login(s.username, s.password)
            self._step()
            addresses = [parseaddr(r)[1] for r in recipients]
            refused = smtp.send_message(message, from_addr=s.from_address, to_addrs=addresses)
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._step()
                smtp.quit()
            return refused
        finally:
            with contextlib.suppress(Exception):
                smtp.close()


def _reply(exc: smtplib.SMTPResponseException, password: str) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    text = " ".join(text.split())
    if password and password in text:
        text = text.replace(password, _MASK)
    return text[:200]


def explain(exc: BaseException, settings: SmtpSettings) -> str:
    """A readable sentence for an SMTP failure; never the password."""
    where = f"{settings.host}:{settings.port}"
    password = settings.password
    if isinstance(exc, MailProblem):
        return str(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"The SMTP server at {settings.host} refused the username or password (code {exc.smtp_code})."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(sorted(exc.recipients))[:300]
        return f"The SMTP server refused the recipient(s): {refused}."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"The SMTP server refused the sender address {settings.from_address} "
            f"(code {exc.smtp_code}: {_reply(exc, password)})."
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return f"The SMTP server refused the message (code {exc.smtp_code}: {_reply(exc, password)})."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"The SMTP server at {settings.host} does not support what the message needs (e.g. login)."
    if isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc):
        return f"The SMTP server at {where} did not answer within {SMTP_TIMEOUT:g} seconds."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"The SMTP server at {where} closed the connection unexpectedly."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The SMTP server at {settings.host} answered (code {exc.smtp_code}: {_reply(exc, password)})."
    if isinstance(exc, smtplib.SMTPException):
        return f"Sending the e-mail through {where} failed ({type(exc).__name__})."
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "certificate verification failed"
        return f"The SMTP server at {settings.host} presented a certificate that cannot be trusted ({reason})."
    if isinstance(exc, ssl.SSLError):
        return f"Setting up TLS with the SMTP server at {where} failed; check the port and the 'tls' setting."
    if isinstance(exc, TimeoutError):
        return f"The SMTP server at {where} did not answer within {SMTP_TIMEOUT:g} seconds."
    if isinstance(exc, ConnectionRefusedError):
        return f"The SMTP server at {where} refused the connection; check the host and port."
    if isinstance(exc, OSError):
        return f"Could not reach the SMTP server at {where} ({exc.strerror or type(exc).__name__})."
    return f"Sending the e-mail through {where} failed unexpectedly ({type(exc).__name__})."


class SendEmailBlock(Block):
    """Sends an e-mail through the user's SMTP server."""

    id = "be2f2f20-d631-4799-826b-cf9b342b37ee"
    name = "Send e-mail"
    description = (
        "Sends an e-mail (plain text, optionally with an HTML version) to one or more people through your SMTP server."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="smtp",
            types=("user_password",),
            description="Your SMTP login; its settings hold host, port, tls (true/false) and optionally from",
        ),
    )
    timeout_seconds = SMTP_TIMEOUT + 30

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The SMTP server and login to use")
        to: str | list[str] = Field(
            description="Recipient address, or several: a list, or separated by commas (at most 50)"
        )
        subject: str = Field(max_length=MAX_SUBJECT, description="The subject line")
        body: str = Field(max_length=MAX_TEXT, description="The message as plain text")
        html: str = Field(default="", max_length=MAX_TEXT, description="Optional: the message as HTML as well")

    class Output(BlockOutput):
        status: str = Field(description='"sent" once the server accepted the message')

    examples = (
        BlockExample(
            input={"to": "ada@example.com", "subject": "Hi", "body": "Hello"},
            output=[("error", "Requests to private or local addresses are not allowed (127.0.0.1).")],
            description="local addresses are refused",
            secrets={
                "credentials": {
                    "provider": "smtp",
                    "type": "user_password",
                    "username": "ada",
                    "password": "example-password",  # type: ignore[dict-item]
                    "meta": {"host": "127.0.0.1", "port": 25, "tls": False},  # type: ignore[dict-item]
                }
            },
        ),
        BlockExample(
            input={"to": ["ada@example.com", "not-an-address"], "subject": "Hi", "body": "Hello"},
            output=[("error", "'not-an-address' is not a valid e-mail address: An email address must have an @-sign.")],
            secrets={
                "credentials": {
                    "provider": "smtp",
                    "type": "user_password",
                    "username": "ada",
                    "password": "example-password",  # type: ignore[dict-item]
                    "meta": {"host": "smtp.example.com"},  # type: ignore[dict-item]
                }
            },
        ),
        BlockExample(
            input={"to": "ada@example.com", "subject": "Hi", "body": "Hello"},
            output=[("error", "No credential was provided for 'credentials'.")],
            description="the credential is required",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            recipients = parse_recipients(input.to)
            settings = SmtpSettings(context.secret("credentials"))
            address = await check_host(settings.host, settings.port)
            subject = " ".join(input.subject.split())
            message = _build_message(settings, recipients, subject, input.body, input.html)
            refused = await self._deliver(settings, address, message, recipients)
        except (MailProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        except OutboundRequestError as exc:
            yield "error", exc.message
            return
        log.info("e-mail sent through %s:%s to %d recipient(s)", settings.host, settings.port, len(recipients))
        yield "status", "sent"
        if refused:
            yield "error", f"The SMTP server refused some recipients: {', '.join(sorted(refused))[:300]}."

    async def _deliver(
        self, settings: SmtpSettings, address: str, message: EmailMessage, recipients: list[str]
    ) -> dict[str, Any]:
        delivery = _Delivery(settings, address)

        def work() -> dict[str, Any]:
            try:
                return delivery.send(message, recipients)
            except Exception as exc:  # translated here: only MailProblem leaves the thread
                raise MailProblem(explain(exc, settings)) from None

        try:
            async with asyncio.timeout(SMTP_TIMEOUT + 5):
                return await asyncio.to_thread(work)
        except TimeoutError:
            delivery.abort()
            raise MailProblem(explain(TimeoutError(), settings)) from None
        except asyncio.CancelledError:
            delivery.abort()  # a stopped run must not leave the conversation hanging
            raise
