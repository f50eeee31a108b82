"""Reply in Gmail against local fakes of Google's token endpoint and the Gmail REST API.

Loopback is allowed only inside these tests; no secret may reach an output or a log line.
"""

from __future__ import annotations

import base64
import email
import logging
from email import policy
from typing import Any

from autogpt_app.blocks.builtin.gmail import GmailReplyBlock
from tests.blocks.google_helpers import run
from tests.fakes.google_apis import CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.google_workspace import FakeGoogleWorkspace


async def reply(fake: FakeGoogleWorkspace, inputs: dict[str, Any]) -> list[tuple[str, Any]]:
    return await run(GmailReplyBlock(), fake, inputs)


def sent_mail(fake: FakeGoogleWorkspace) -> email.message.EmailMessage:
    raw = fake.requests[-1].json["raw"]
    return email.message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=policy.default)


def original(fake: FakeGoogleWorkspace, **headers: str) -> str:
    message_id = fake.add_message("Invoice 42", "Please pay.", to="Ada <ada@example.com>, carol@example.com")
    for name, value in headers.items():
        fake.mailbox[-1]["payload"]["headers"].append({"name": name.replace("_", "-"), "value": value})
    return message_id


async def test_a_reply_goes_to_the_sender_in_the_thread(google: FakeGoogleWorkspace, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    parent = original(google, Message_ID="<m42@mail.example.com>", References="<m41@mail.example.com>")

    outputs = await reply(google, {"threadId": "thr0001", "parentMessageId": parent, "body": "Paid, thanks."})

    assert [pin for pin, _ in outputs] == ["messageId", "threadId", "message", "email"]
    assert dict(outputs)["messageId"] == "sent0001" and dict(outputs)["threadId"] == "thr0001"
    assert dict(outputs)["email"]["to"] == ["grace@example.com"]
    assert dict(outputs)["email"]["subject"] == "Re: Invoice 42"
    fetched = google.requests[1]
    assert fetched.path == f"/gmail/v1/users/me/messages/{parent}" and fetched.query["format"] == "metadata"
    assert google.requests[-1].json["threadId"] == "thr0001"
    mail = sent_mail(google)
    assert mail["To"] == "grace@example.com" and mail["Subject"] == "Re: Invoice 42"
    assert mail["In-Reply-To"] == "<m42@mail.example.com>"
    assert mail["References"] == "<m41@mail.example.com> <m42@mail.example.com>"
    assert mail.get_content() == "Paid, thanks.\n"
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, "fake-access-token"):
        assert secret not in repr(outputs) and secret not in caplog.text


async def test_reply_all_reply_to_and_named_recipients(google: FakeGoogleWorkspace) -> None:
    parent = original(google)
    await reply(google, {"parentMessageId": parent, "body": "Noted", "replyAll": True, "subject": "Re: Invoice 42"})
    assert sent_mail(google)["To"] == "grace@example.com, ada@example.com, carol@example.com"
    assert google.requests[-1].json["threadId"] == "thr0001"  # the original's thread when none is given

    answered = original(google, Reply_To="billing@example.com")
    await reply(google, {"parentMessageId": answered, "body": "Noted"})
    assert sent_mail(google)["To"] == "billing@example.com"

    await reply(google, {"parentMessageId": answered, "body": "Noted", "to": ["dan@example.com"]})
    assert sent_mail(google)["To"] == "dan@example.com"


async def test_refusals_and_failures_are_sentences(google: FakeGoogleWorkspace) -> None:
    assert await reply(google, {"parentMessageId": "msg0009", "body": "x"}) == [
        (
            "error",
            "Gmail did not find what the request names (HTTP 404): Requested entity was not found. Check the ids.",
        )
    ]
    assert await reply(google, {"parentMessageId": "msg0009", "body": "  "}) == [("error", "The reply needs a body.")]
    google.fail_next(429, {"error": {"code": 429, "message": "Too many"}}, {"Retry-After": "5"})
    assert await reply(google, {"parentMessageId": original(google), "body": "x"}) == [
        ("error", "Gmail is limiting requests (HTTP 429). Try again in 5 seconds.")
    ]
    google.fail_next(500, {"error": {"code": 500}})
    assert await reply(google, {"parentMessageId": "msg0001", "body": "x"}) == [
        ("error", "Gmail had a problem on its side (HTTP 500). Try again later.")
    ]
