"""The Gmail blocks against local fakes of Google's token endpoint and the Gmail REST API.

Loopback is allowed only inside these tests. The client secret, the refresh token and every access
token must appear in no output, no error and no log line.
"""

from __future__ import annotations

import base64

import pytest

from autogpt_app.blocks.builtin.gmail import GmailReadBlock, GmailSendBlock
from autogpt_app.blocks.sdk import RunContext, run_block
from tests.blocks.google_helpers import assert_no_secret, google_credential, run, run_agent_with_google
from tests.fakes.google_apis import REFRESH_TOKEN, FakeGoogleApis

# --- reading ----------------------------------------------------------------------------------


async def test_unread_mail_is_read_with_autogpts_fields(google: FakeGoogleApis, logs) -> None:
    google.add_message("Old", "Seen already", unread=False)
    first = google.add_message(
        "Invoice 42",
        "Please pay by Friday.\r\n",
        html="<p>Please pay</p>",
        attachment=("invoice.pdf", "application/pdf", 2048),
    )
    google.add_message("Lunch?", "At noon", sender="bob@example.com")

    outputs = await run(GmailReadBlock(), google, {})

    assert [pin for pin, _ in outputs] == ["email", "email", "emails"]
    emails = dict(outputs)["emails"]
    assert [e["subject"] for e in emails] == ["Lunch?", "Invoice 42"]
    assert emails[1] == {
        "threadId": "thr0002",
        "labelIds": ["INBOX", "UNREAD"],
        "id": first,
        "subject": "Invoice 42",
        "snippet": "Please pay by Friday.\r\n",
        "from_": "grace@example.com",
        "to": ["ada@example.com", "bob@example.com"],
        "cc": [],
        "bcc": [],
        "date": "Mon, 7 Dec 2026 09:02:00 +0000",
        "body": "Please pay by Friday.\n",
        "sizeEstimate": 1023,
        "attachments": [
            {"filename": "invoice.pdf", "content_type": "application/pdf", "size": 2048, "attachment_id": "att-2"}
        ],
    }
    assert google.requests[1].query == {"q": "is:unread", "maxResults": "10"}
    assert google.refreshes == 1  # one token served the list and both messages
    assert_no_secret(outputs, google, logs)


async def test_search_and_limit(google: FakeGoogleApis) -> None:
    for n in range(4):
        google.add_message(f"Report {n}", "numbers", sender="boss@example.com")
    google.add_message("Other", "text")

    outputs = await run(GmailReadBlock(), google, {"query": "from:boss@example.com", "max_results": 2})

    assert [e["subject"] for e in dict(outputs)["emails"]] == ["Report 3", "Report 2"]


async def test_nothing_found_gives_an_empty_list(google: FakeGoogleApis) -> None:
    assert await run(GmailReadBlock(), google, {}) == [("emails", [])]


async def test_more_than_a_hundred_is_capped_with_a_note(google: FakeGoogleApis) -> None:
    context = RunContext(credentials={"credentials": google_credential(google)})

    await run_block(GmailReadBlock(), {"max_results": 500}, context)

    assert google.requests[-1].query["maxResults"] == "100"
    assert context.notes == ["Read at most 100 e-mails (asked for 500)."]


async def test_a_refused_access_token_is_renewed_once(google: FakeGoogleApis) -> None:
    google.add_message("Hello", "text")
    await run(GmailReadBlock(), google, {})
    google.revoke_access_tokens()  # the cached token no longer works

    outputs = await run(GmailReadBlock(), google, {})

    assert [e["subject"] for e in dict(outputs)["emails"]] == ["Hello"]
    assert google.refreshes == 2


async def test_gmail_refusing_fresh_tokens_asks_to_reconnect(google: FakeGoogleApis, logs) -> None:
    google.fail_next(200, {"access_token": "ya29.fake-access-token-x", "expires_in": 3600})
    google.fail_next(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    google.fail_next(200, {"access_token": "ya29.fake-access-token-y", "expires_in": 3600})
    google.fail_next(401, {"error": {"code": 401, "message": "Invalid Credentials"}})

    outputs = await run(GmailReadBlock(), google, {})

    assert outputs == [
        (
            "error",
            "Gmail refused the access Google gave (HTTP 401). Reconnect your Google account: make a new refresh "
            "token and update the credential.",
        )
    ]
    assert "ya29" not in logs.text


async def test_a_revoked_refresh_token_asks_to_reconnect(google: FakeGoogleApis, logs) -> None:
    google.revoked_refresh_tokens.add(REFRESH_TOKEN)

    outputs = await run(GmailReadBlock(), google, {})

    assert outputs == [
        (
            "error",
            "Google refused to renew access (the refresh token was revoked or has expired). Reconnect your Google "
            "account: make a new refresh token and update the credential.",
        )
    ]
    assert_no_secret(outputs, google, logs)


@pytest.mark.parametrize(
    ("status", "body", "headers", "message"),
    [
        (
            403,
            {"error": {"code": 403, "message": "Request had insufficient authentication scopes."}},
            {},
            "Gmail refused the request (HTTP 403): Request had insufficient authentication scopes. "
            "Check what the credential is allowed to do.",
        ),
        (
            429,
            {"error": {"code": 429, "message": "Quota exceeded"}},
            {"Retry-After": "12"},
            "Gmail is limiting requests (HTTP 429). Try again in 12 seconds.",
        ),
        (
            500,
            {"error": {"code": 500, "message": "Backend Error"}},
            {},
            "Gmail had a problem on its side (HTTP 500). Try again later.",
        ),
    ],
)
async def test_gmail_failures_are_sentences(google: FakeGoogleApis, status, body, headers, message) -> None:
    google.fail_next(200, {"access_token": "ya29.fake-access-token-z", "expires_in": 3600})
    google.fail_next(status, body, headers)

    assert await run(GmailReadBlock(), google, {}) == [("error", message)]


# --- sending ----------------------------------------------------------------------------------


def raw_of(google: FakeGoogleApis) -> str:
    return base64.urlsafe_b64decode(google.requests[-1].json["raw"] + "==").decode()


async def test_plain_mail_sent_to_several_people(google: FakeGoogleApis, logs) -> None:
    inputs = {
        "to": ["ada@example.com", "Bob <bob@example.com>"],
        "cc": ["carol@example.com"],
        "bcc": ["dave@example.com"],
        "subject": "Weekly   report",
        "body": "All good.\nSee you.",
    }

    outputs = await run(GmailSendBlock(), google, inputs)

    assert outputs == [("result", {"id": "sent0001", "status": "sent"})]
    sent = google.sent[-1]
    assert sent["To"] == "ada@example.com, Bob <bob@example.com>"
    assert sent["Cc"] == "carol@example.com" and sent["Bcc"] == "dave@example.com"
    assert sent["Subject"] == "Weekly report"
    assert sent.get_content_type() == "text/plain" and sent.get_content() == "All good.\nSee you.\n"
    assert_no_secret(outputs, google, logs)


async def test_html_is_detected_or_chosen(google: FakeGoogleApis) -> None:
    await run(GmailSendBlock(), google, {"to": "ada@example.com", "subject": "Hi", "body": "<p>Hello <b>Ada</b></p>"})
    assert google.sent[-1].get_content_type() == "text/html"
    await run(
        GmailSendBlock(),
        google,
        {"to": "ada@example.com", "subject": "Hi", "body": "<p>as text</p>", "content_type": "plain"},
    )
    assert google.sent[-1].get_content_type() == "text/plain"


async def test_send_refusals_before_anything_is_sent(google: FakeGoogleApis) -> None:
    base = {"to": ["ada@example.com"], "subject": "Hi", "body": "Hello"}
    assert await run(GmailSendBlock(), google, base | {"attachments": ["file.pdf"]}) == [
        ("error", "Sending attachments through Gmail is not supported yet; remove them.")
    ]
    assert await run(GmailSendBlock(), google, base | {"body": "  "}) == [
        ("error", "The e-mail needs a subject and a body.")
    ]
    assert await run(GmailSendBlock(), google, base, type="api_key", client_secret=None) == [
        (
            "error",
            "The Google credential must be an OAuth 2.0 credential with a client id, client secret and refresh token.",
        )
    ]
    assert google.requests == []


async def test_send_with_a_wrong_client_asks_to_reconnect(google: FakeGoogleApis, logs) -> None:
    outputs = await run(
        GmailSendBlock(),
        google,
        {"to": "ada@example.com", "subject": "Hi", "body": "x"},
        client_secret="GOCSPX-wrong-secret",
    )

    assert outputs == [
        (
            "error",
            "Google refused to renew access (the client id or secret is wrong). Reconnect your Google account: "
            "make a new refresh token and update the credential.",
        )
    ]
    assert "GOCSPX-wrong-secret" not in logs.text and google.sent == []


# --- through the engine with a saved credential -------------------------------------------------


async def test_a_gmail_run_with_a_saved_oauth2_credential(google: FakeGoogleApis, logs) -> None:
    from tests.graphs.helpers import OUTPUT, link, node

    google.add_message("Invoice 42", "Please pay by Friday.")
    doc = {
        "name": "Unread mail",
        "nodes": [node("read", GmailReadBlock.id, query="is:unread"), node("out", OUTPUT, name="subjects")],
        "links": [link("read", "emails", "out", "value")],
    }
    result, records = await run_agent_with_google(google, doc)
    (emails,) = result.outputs["subjects"]
    assert [e["subject"] for e in emails] == ["Invoice 42"]
    recorded = repr([r.model_dump() for r in records]) + repr(result.model_dump())
    assert_no_secret(recorded, google, logs)
