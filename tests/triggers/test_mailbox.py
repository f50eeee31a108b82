"""Mailbox triggers against the local IMAP server (tests/fakes/imap_server.py): mail already there
starts nothing, each new message starts one run with its subject, the mailbox is only read (messages
stay unread), and a login that is gone, someone else's or refused is a readable failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autogpt_app.db import session_scope
from autogpt_app.settings import get_settings
from autogpt_app.triggers.models import Trigger
from autogpt_app.triggers.polling import LOOKED, PRIMED, poll_due
from tests.fakes.imap_server import FakeImapServer
from tests.triggers.poll_factories import (
    IMAP_PASSWORD,
    deliveries,
    imap_credential_id,
    make_due,
    make_graph,
    make_trigger,
    make_user,
    runs,
    trigger_row,
)


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeImapServer]:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    with FakeImapServer(password=IMAP_PASSWORD) as server:
        yield server


async def look_again(trigger_id: str):
    await make_due(trigger_id)
    (result,) = await poll_due()
    return result


async def mail_trigger(mailbox: FakeImapServer, **fields):
    user = await make_user()
    graph = await make_graph(user)
    credential_id = await imap_credential_id(user, mailbox.port)
    trigger = await make_trigger(user, graph, "imap", {"folder": "INBOX", "credential_id": credential_id}, **fields)
    return user, graph, trigger


async def test_new_mail_starts_one_run_each_and_stays_unread(mailbox):
    mailbox.deliver(subject="Old invoice")
    mailbox.deliver(subject="Old newsletter", seen=True)
    _user, graph, trigger = await mail_trigger(mailbox)

    (first,) = await poll_due()
    assert first.outcome == PRIMED and await runs(graph.id) == []

    assert (await look_again(trigger.id)).execution_ids == []  # nothing new
    mailbox.deliver(subject="Invoice 42", body="Please pay by Friday.\n")
    mailbox.deliver(subject="Lunch?", body="At noon.\n", sender="Bob <bob@example.com>")
    looked = await look_again(trigger.id)

    assert looked.outcome == LOOKED and len(looked.execution_ids) == 2
    assert [r.inputs for r in await runs(graph.id)] == [{"topic": "Invoice 42"}, {"topic": "Lunch?"}]
    assert [(d.status, d.summary) for d in await deliveries(trigger.id)] == [
        ("started", "Invoice 42"),
        ("started", "Lunch?"),
    ]
    assert [m.seen for m in mailbox.folders["INBOX"]] == [False, True, False, False]  # left as they were
    assert "SELECT INBOX" not in mailbox.commands and "EXAMINE INBOX" in mailbox.commands
    fetches = [c for c in mailbox.commands if c.startswith("UID FETCH")]
    assert fetches and all("RFC822.SIZE" in c or "BODY.PEEK[]" in c for c in fetches)
    assert (await look_again(trigger.id)).execution_ids == []  # seen once, never again


async def test_the_agent_gets_the_message(mailbox):
    _user, graph, trigger = await mail_trigger(mailbox, input_mapping={"topic": "$"})
    await poll_due()
    uid = mailbox.deliver(subject="Invoice 42", body="Please pay by Friday.\n")

    await look_again(trigger.id)

    (run,) = await runs(graph.id)
    assert run.inputs["topic"] == {
        "from": "Grace <grace@example.com>",
        "to": "ada@example.com",
        "subject": "Invoice 42",
        "date": "2026-12-07T09:30:00+00:00",
        "text": "Please pay by Friday.\n",
        "message_id": f"<{uid}@example.com>",
    }
    assert (await trigger_row(trigger.id)).state["last_uid"] == uid


async def test_a_rebuilt_folder_is_primed_again_instead_of_firing_for_old_mail(mailbox):
    _user, graph, trigger = await mail_trigger(mailbox)
    await poll_due()
    mailbox.uidvalidity = 2  # the server renumbered the folder
    mailbox.deliver(subject="Renumbered")

    assert (await look_again(trigger.id)).execution_ids == []
    assert (await trigger_row(trigger.id)).state["uidvalidity"] == 2
    mailbox.deliver(subject="Really new")
    assert len((await look_again(trigger.id)).execution_ids) == 1
    assert [r.inputs for r in await runs(graph.id)] == [{"topic": "Really new"}]


async def test_a_wrong_password_is_a_readable_failure_without_the_password(mailbox):
    mailbox.password = "changed-since"
    _user, _graph, trigger = await mail_trigger(mailbox)

    (look,) = await poll_due()

    assert look.error == "The IMAP server at 127.0.0.1 refused the username or password."
    (delivery,) = await deliveries(trigger.id)
    assert delivery.status == "failed" and IMAP_PASSWORD not in (delivery.error or "")


async def test_someone_elses_login_is_not_used(mailbox):
    _user, _graph, trigger = await mail_trigger(mailbox)
    other = await make_user("bob@example.com")
    theirs = await imap_credential_id(other, mailbox.port)
    async with session_scope() as s:
        row = await s.get(Trigger, trigger.id)
        row.config = {"folder": "INBOX", "credential_id": theirs}

    (look,) = await poll_due()

    assert look.error == "The mailbox login this trigger uses no longer exists; pick another one."
    assert mailbox.commands == []
