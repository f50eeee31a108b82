"""Gmail blocks: read the messages a Gmail search finds, send an e-mail from the person's account, and
reply to one in its conversation.

They use Gmail's REST API (``GMAIL_API_URL``, by default ``https://gmail.googleapis.com/gmail/v1``:
``users.messages.list``, ``users.messages.get`` and ``users.messages.send``) with a ``google``
credential of type ``oauth2``. The access token is renewed at run time from the credential's
refresh token through the token endpoint and cached until it expires
(:mod:`autogpt_app.credentials.oauth`); when Gmail refuses a cached token it is renewed once more,
and a refresh token Google refuses gives a "reconnect your Google account" sentence. All requests,
the token endpoint's included, go through the run's SSRF-guarded client (:mod:`._google_api`, shared
with the Calendar and Sheets blocks). The blocks keep AutoGPT's ids, pin names and e-mail fields
(``GmailReadBlock``, ``GmailSendBlock``, ``GmailReplyBlock``) so its exports import; attachments are
listed when reading but cannot be sent yet. A reply reads the original's headers
(``format=metadata``) for its recipients, subject, ``In-Reply-To`` and ``References``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any, Literal

from pydantic import Field

from autogpt_app.blocks.builtin._google_api import (
    NO_CREDENTIAL,
    NOT_OAUTH,
    call_google,
    google_requirement,
    oauth_client,
)
from autogpt_app.blocks.builtin._messaging_helpers import ServiceProblem
from autogpt_app.blocks.builtin.communication import MailProblem, parse_recipients
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialsRef,
    RunContext,
)
from autogpt_app.credentials.oauth import OAuthClient
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

SERVICE = "Gmail"
MAX_RESULTS = 100
MAX_BODY_CHARS = 100_000
MAX_QUERY = 1000
MAX_TEXT = 1_000_000
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HTML = re.compile(r"<(?:html|body|p|div|br|a|table|tr|td|b|i|strong|em|h[1-6]|ul|ol|li|span|img)\b[^>]*>", re.I)
_ADVANCED = {"advanced": True}


async def gmail(context: RunContext, client: OAuthClient, method: str, path: str, **kwargs: Any) -> Any:
    """One Gmail API call (``path`` under ``users/me``) through :func:`call_google`.

    Raises:
        ServiceProblem: the call failed (with a sentence for the person).
    """
    url = f"{get_settings().gmail_api_url.rstrip('/')}/users/me{path}"
    return await call_google(context, client, SERVICE, method, url, **kwargs)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _decode(data: str) -> str:
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ""


def _parts(part: dict[str, Any]) -> list[dict[str, Any]]:
    """Every part of a message payload, depth first."""
    found = [part]
    for child in part.get("parts") or []:
        if isinstance(child, dict):
            found.extend(_parts(child))
    return found


def _body(payload: dict[str, Any]) -> str:
    """The message's text: its text/plain part, else its text/html part, cut to ``MAX_BODY_CHARS``."""
    parts = [p for p in _parts(payload) if not p.get("filename")]
    for mime in ("text/plain", "text/html"):
        for part in parts:
            data = (part.get("body") or {}).get("data")
            if part.get("mimeType") == mime and isinstance(data, str):
                text = _decode(data).replace("\r\n", "\n")
                return text if len(text) <= MAX_BODY_CHARS else text[:MAX_BODY_CHARS] + "\n[… cut]"
    return ""


def _addresses(value: str) -> list[str]:
    return [address.strip() for _, address in getaddresses([value]) if address.strip()]


def email_fields(message: dict[str, Any]) -> dict[str, Any]:
    """A Gmail message (``format=full``) as the e-mail record AutoGPT's Gmail blocks give."""
    payload = message.get("payload") or {}
    headers = {
        str(h.get("name", "")).lower(): str(h.get("value", ""))
        for h in payload.get("headers") or []
        if isinstance(h, dict)
    }
    attachments = [
        {
            "filename": str(p["filename"]),
            "content_type": str(p.get("mimeType", "")),
            "size": int((p.get("body") or {}).get("size") or 0),
            "attachment_id": str((p.get("body") or {}).get("attachmentId", "")),
        }
        for p in _parts(payload)
        if p.get("filename")
    ]
    return {
        "threadId": str(message.get("threadId", "")),
        "labelIds": [str(label) for label in message.get("labelIds") or []],
        "id": str(message.get("id", "")),
        "subject": headers.get("subject") or "No Subject",
        "snippet": str(message.get("snippet", "")),
        "from_": parseaddr(headers.get("from", ""))[1],
        "to": _addresses(headers.get("to", "")),
        "cc": _addresses(headers.get("cc", "")),
        "bcc": _addresses(headers.get("bcc", "")),
        "date": headers.get("date", ""),
        "body": _body(payload),
        "sizeEstimate": int(message.get("sizeEstimate") or 0),
        "attachments": attachments,
    }


_OAUTH_EXAMPLE = {"provider": "google", "type": "oauth2"}


class GmailReadBlock(Block):
    """Reads the Gmail messages a search finds."""

    id = "25310c70-b89b-43ba-b25c-4dfa7e2a481c"
    name = "Read Gmail"
    autogpt_name = "GmailReadBlock"
    description = (
        "Reads the e-mails of your Gmail account that a Gmail search finds (by default the unread ones): "
        "sender, recipients, subject, date, text and attachments of each, newest first."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.INPUT)
    credentials = (google_requirement("gmail.readonly"),)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Google account to read")
        query: str = Field(
            default="is:unread",
            max_length=MAX_QUERY,
            description="A Gmail search, as in Gmail's search box: e.g. is:unread from:boss@example.com",
        )
        max_results: int = Field(default=10, ge=1, description=f"At most this many e-mails (up to {MAX_RESULTS})")

    class Output(BlockOutput):
        email: dict[str, Any] = Field(
            description="One e-mail: id, threadId, labelIds, subject, snippet, from_, to, cc, bcc, date, body, "
            "sizeEstimate, attachments"
        )
        emails: list[dict[str, Any]] = Field(description="All the e-mails found")

    examples = (
        BlockExample(input={}, output=[("error", NO_CREDENTIAL)], description="the Google account is required"),
        BlockExample(
            input={"query": "is:unread"},
            output=[("error", NOT_OAUTH)],
            secrets={"credentials": {"provider": "google", "type": "api_key", "api_key": "not-an-oauth-credential"}},
            description="an API key cannot read a mailbox",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        limit = min(input.max_results, MAX_RESULTS)
        if input.max_results > MAX_RESULTS:
            context.note(f"Read at most {MAX_RESULTS} e-mails (asked for {input.max_results}).")
        try:
            client = oauth_client(context)
            found = await gmail(context, client, "GET", "/messages", params={"q": input.query, "maxResults": limit})
            ids = [
                str(m.get("id"))
                for m in (found.get("messages") or [] if isinstance(found, dict) else [])
                if isinstance(m, dict) and _MESSAGE_ID.fullmatch(str(m.get("id", "")))
            ][:limit]
            emails = []
            for message_id in ids:
                message = await gmail(context, client, "GET", f"/messages/{message_id}", params={"format": "full"})
                if isinstance(message, dict):
                    emails.append(email_fields(message))
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("read %d gmail message(s)", len(emails))
        for email in emails:
            yield "email", email
        yield "emails", emails


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------


def build_message(
    to: list[str], cc: list[str], bcc: list[str], subject: str, body: str, content_type: str | None
) -> EmailMessage:
    """The MIME message: HTML when asked, or when ``auto`` finds HTML tags in the body; else plain text."""
    message = EmailMessage()
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    message["Subject"] = " ".join(subject.split())
    html = content_type == "html" or (content_type in (None, "auto") and bool(_HTML.search(body)))
    message.set_content(body, subtype="html" if html else "plain")
    return message


class GmailSendBlock(Block):
    """Sends an e-mail from the person's Gmail account."""

    id = "6c27abc2-e51d-499e-a85f-5a0041ba94f0"
    name = "Send Gmail"
    autogpt_name = "GmailSendBlock"
    description = (
        "Sends an e-mail from your Gmail account to one or more people (with copies), as plain text or HTML; "
        "it appears in your Sent folder."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (google_requirement("gmail.send"),)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Google account to send from")
        to: list[str] | str = Field(description="Recipient addresses (a list, or separated by commas)")
        subject: str = Field(max_length=500, description="The subject line")
        body: str = Field(max_length=MAX_TEXT, description="The message, plain text or HTML")
        cc: list[str] = Field(default_factory=list, description="Copy to these addresses")
        bcc: list[str] = Field(default_factory=list, description="Blind copy to these addresses")
        content_type: Literal["auto", "plain", "html"] | None = Field(
            default=None,
            description="auto (HTML when the body has HTML tags), plain or html",
            json_schema_extra=_ADVANCED,
        )
        attachments: list[str] = Field(
            default_factory=list, description="Files to attach (not supported yet)", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        result: dict[str, Any] = Field(description='{"id": the sent message\'s id, "status": "sent"}')

    examples = (
        BlockExample(
            input={"to": ["ada@example.com"], "subject": "Hi", "body": "Hello"}, output=[("error", NO_CREDENTIAL)]
        ),
        BlockExample(
            input={"to": ["not-an-address"], "subject": "Hi", "body": "Hello"},
            output=[("error", "'not-an-address' is not a valid e-mail address: An email address must have an @-sign.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            if input.attachments:
                raise ServiceProblem("Sending attachments through Gmail is not supported yet; remove them.")
            to = parse_recipients(input.to)
            cc = parse_recipients(input.cc) if input.cc else []
            bcc = parse_recipients(input.bcc) if input.bcc else []
            if not input.subject.strip() or not input.body.strip():
                raise ServiceProblem("The e-mail needs a subject and a body.")
            client = oauth_client(context)
            message = build_message(to, cc, bcc, input.subject, input.body, input.content_type)
            raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
            sent = await gmail(context, client, "POST", "/messages/send", json={"raw": raw})
            if not isinstance(sent, dict) or not sent.get("id"):
                raise ServiceProblem("Gmail answered in an unexpected form.")
        except (ServiceProblem, MailProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("gmail message sent to %d recipient(s)", len(to) + len(cc) + len(bcc))
        yield "result", {"id": str(sent["id"]), "status": "sent"}


# ---------------------------------------------------------------------------------------------
# Replying
# ---------------------------------------------------------------------------------------------

_REPLY_HEADERS = ["Subject", "References", "Message-ID", "From", "To", "Cc", "Reply-To"]


def reply_recipients(headers: dict[str, str], reply_all: bool) -> list[str]:
    """Who a reply goes to when none is named: the sender (its Reply-To first), or with ``reply_all``
    the sender and everyone the message was sent or copied to."""
    if reply_all:
        found = [parseaddr(headers.get("from", ""))[1]]
        found += _addresses(headers.get("to", "")) + _addresses(headers.get("cc", ""))
    else:
        found = [parseaddr(headers.get("reply-to") or headers.get("from", ""))[1]]
    return list(dict.fromkeys(address for address in found if address))


def reply_subject(subject: str, original: str) -> str:
    """``subject`` when given, else the original's with one "Re: " in front."""
    if subject.strip():
        return subject
    original = " ".join(original.split())
    return original if original.lower().startswith("re:") else f"Re: {original}".strip()


class GmailReplyBlock(Block):
    """Replies to a Gmail message within its conversation."""

    id = "12bf5a24-9b90-4f40-9090-4e86e6995e60"
    name = "Reply in Gmail"
    autogpt_name = "GmailReplyBlock"
    description = (
        "Replies from your Gmail account to an e-mail, in the same conversation: to its sender (or everyone, with "
        "reply all) unless you name the recipients, with 'Re:' and its subject unless you give one."
    )
    categories = (BlockCategory.COMMUNICATION, BlockCategory.OUTPUT)
    credentials = (google_requirement("gmail.send", "gmail.readonly"),)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Google account to reply from")
        threadId: str = Field(default="", max_length=64, description="The conversation (thread) to reply in")
        parentMessageId: str = Field(max_length=64, description="The id of the e-mail being answered")
        to: list[str] = Field(default_factory=list, description="Recipients (empty: the sender of the e-mail)")
        cc: list[str] = Field(default_factory=list, description="Copy to these addresses")
        bcc: list[str] = Field(default_factory=list, description="Blind copy to these addresses")
        replyAll: bool = Field(default=False, description="Reply to the sender and everyone else it went to")
        subject: str = Field(default="", max_length=500, description="The subject (empty: Re: and the original's)")
        body: str = Field(max_length=MAX_TEXT, description="The reply, plain text or HTML")
        content_type: Literal["auto", "plain", "html"] | None = Field(
            default=None,
            description="auto (HTML when the body has HTML tags), plain or html",
            json_schema_extra=_ADVANCED,
        )
        attachments: list[str] = Field(
            default_factory=list, description="Files to attach (not supported yet)", json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        messageId: str = Field(description="The id of the reply sent")
        threadId: str = Field(description="The conversation it was sent in")
        message: dict[str, Any] = Field(description="Gmail's answer: id, threadId, labelIds")
        email: dict[str, Any] = Field(description="The reply in the e-mail fields of Read Gmail")

    examples = (
        BlockExample(input={"parentMessageId": "m1", "body": "Thanks"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"parentMessageId": "../m1", "body": "Thanks"},
            output=[("error", "'../m1' is not a Gmail message id.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            if not _MESSAGE_ID.fullmatch(input.parentMessageId):
                raise ServiceProblem(f"'{input.parentMessageId[:64]}' is not a Gmail message id.")
            if input.attachments:
                raise ServiceProblem("Sending attachments through Gmail is not supported yet; remove them.")
            if not input.body.strip():
                raise ServiceProblem("The reply needs a body.")
            to = parse_recipients(input.to) if input.to else []
            cc = parse_recipients(input.cc) if input.cc else []
            bcc = parse_recipients(input.bcc) if input.bcc else []
            client = oauth_client(context)
            parent = await gmail(
                context,
                client,
                "GET",
                f"/messages/{input.parentMessageId}",
                params={"format": "metadata", "metadataHeaders": _REPLY_HEADERS},
            )
            parent = parent if isinstance(parent, dict) else {}
            headers: dict[str, str] = {}
            for header in (parent.get("payload") or {}).get("headers") or []:
                if isinstance(header, dict):
                    headers.setdefault(str(header.get("name", "")).lower(), str(header.get("value", "")))
            if not (to or cc or bcc):
                to = reply_recipients(headers, input.replyAll)
            if not (to or cc or bcc):
                raise ServiceProblem("The e-mail has no sender to reply to; name the recipients.")
            subject = reply_subject(input.subject, headers.get("subject", ""))
            message = build_message(to, cc, bcc, subject, input.body, input.content_type)
            references = headers.get("references", "").split()
            if headers.get("message-id"):
                message["In-Reply-To"] = headers["message-id"]
                references.append(headers["message-id"])
            if references:
                message["References"] = " ".join(references)
            thread = input.threadId.strip() or str(parent.get("threadId", ""))
            raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
            sent = await gmail(context, client, "POST", "/messages/send", json={"raw": raw, "threadId": thread})
            if not isinstance(sent, dict) or not sent.get("id"):
                raise ServiceProblem("Gmail answered in an unexpected form.")
        except (ServiceProblem, MailProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        thread = str(sent.get("threadId") or thread)
        log.info("gmail reply sent to %d recipient(s)", len(to) + len(cc) + len(bcc))
        yield "messageId", str(sent["id"])
        yield "threadId", thread
        yield "message", sent
        yield (
            "email",
            {
                "threadId": thread,
                "labelIds": [str(label) for label in sent.get("labelIds") or []],
                "id": str(sent["id"]),
                "subject": subject,
                "snippet": str(sent.get("snippet", "")),
                "from_": "",
                "to": [parseaddr(a)[1] for a in to],
                "cc": [parseaddr(a)[1] for a in cc],
                "bcc": [parseaddr(a)[1] for a in bcc],
                "date": "",
                "body": input.body,
                "sizeEstimate": int(sent.get("sizeEstimate") or 0),
                "attachments": [],
            },
        )
