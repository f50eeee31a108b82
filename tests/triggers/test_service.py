"""Triggers service: create per kind with the checks a run has, owner isolation, change, pause and resume,
secrets shown once, deliveries listed, and triggers following their agent when it is archived or removed."""

from __future__ import annotations

import pytest

from autogpt_app.credentials import crypto
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.library import service as library
from autogpt_app.triggers import firing, service
from autogpt_app.triggers.models import Trigger, TriggerDelivery
from tests.triggers.conftest import count, make_agent, make_person, two_inputs_graph


async def _create(user, **values):
    async with session_scope() as s:
        return await service.create_trigger(s, user, **values)


async def _library_id(user, graph_id: str) -> str:
    async with session_scope() as s:
        return (await library.agents_by_graph(s, user, [graph_id]))[graph_id].id


async def test_a_webhook_gets_a_url_and_a_secret_shown_once(ada, greeter):
    made = await _create(ada, kind="webhook", graph_id=greeter.id, name="  From   the shop ")
    assert made.name == "From the shop" and made.kind_label == "Webhook" and made.is_active
    assert made.webhook_url == f"http://localhost:3000/api/v1/hooks/{made.id}"
    assert made.secret and len(made.secret) >= 43 and made.secret_hint == made.secret[-4:]
    assert made.auth_mode == "hmac" and made.config == {"max_per_minute": 60}
    # the agent has one input: the whole event goes to it unless the person maps otherwise
    assert made.input_mapping == {"name": "$"}
    async with session_scope() as s:
        shown = await service.get_trigger(s, ada, made.id)
        row = await s.get(Trigger, made.id)
    assert "secret" not in shown.model_dump() and made.secret not in shown.model_dump_json()
    assert made.secret not in row.secret_encrypted and crypto.decrypt(row.secret_encrypted) == {"secret": made.secret}


async def test_an_agent_with_several_inputs_needs_a_mapping_that_names_what_is_missing(ada):
    pair = await make_agent(ada, two_inputs_graph())
    with pytest.raises(InvalidInput) as refused:
        await _create(ada, kind="webhook", graph_id=pair.id, name="Pairs")
    assert refused.value.code == "inputs_missing"
    assert "First name" in refused.value.message and "Second name" in refused.value.message
    with pytest.raises(InvalidInput) as partly:
        await _create(ada, kind="webhook", graph_id=pair.id, name="Pairs", input_mapping={"first": "$.a"})
    assert "Second name" in partly.value.message and "First name" not in partly.value.message
    made = await _create(
        ada, kind="webhook", graph_id=pair.id, name="Pairs", input_mapping={"first": "$.a"}, inputs={"second": "Bo"}
    )
    assert made.input_mapping == {"first": "$.a"} and made.inputs == {"second": "Bo"}
    for mapping, code in (({"nope": "$"}, "invalid_mapping"), ({"first": "a.b"}, "invalid_mapping")):
        with pytest.raises(InvalidInput) as bad:
            await _create(ada, kind="webhook", graph_id=pair.id, name="x", input_mapping=mapping, inputs={"second": 1})
        assert bad.value.code == code
    assert await count(Trigger) == 1


async def test_config_is_checked_per_kind(ada, greeter):
    cases = [
        ("webhook", {"max_per_minute": 0}, "invalid_config"),
        ("webhook", {"max_per_minute": 601}, "invalid_config"),
        ("webhook", {"auth_mode": "basic"}, "invalid_config"),
        ("feed", {}, "invalid_url"),
        ("feed", {"url": "ftp://example.com/feed"}, "invalid_url"),
        ("page", {"url": "http://127.0.0.1/admin"}, "invalid_url"),
        ("imap", {"folder": "INBOX"}, "invalid_config"),
        ("imap", {"credential_id": "not-mine"}, "invalid_config"),
    ]
    for kind, config, code in cases:
        with pytest.raises(InvalidInput) as refused:
            await _create(ada, kind=kind, graph_id=greeter.id, name="x", config=config)
        assert refused.value.code == code, (kind, config)
        assert refused.value.message
    with pytest.raises(InvalidInput):
        await _create(
            ada, kind="feed", graph_id=greeter.id, name="x", config={"url": "https://e.com/f"}, poll_interval_seconds=30
        )
    with pytest.raises(InvalidInput):
        await _create(ada, kind="rss", graph_id=greeter.id, name="x")
    assert await count(Trigger) == 0

    bearer = await _create(
        ada, kind="webhook", graph_id=greeter.id, name="b", config={"auth_mode": "bearer", "max_per_minute": "120"}
    )
    assert bearer.auth_mode == "bearer" and bearer.config == {"max_per_minute": 120}
    feed = await _create(
        ada, kind="feed", graph_id=greeter.id, name="News", config={"url": "https://example.com/feed.xml"}
    )
    assert feed.kind_label == "New item in a feed" and feed.secret is None and feed.webhook_url is None
    assert feed.poll_interval_seconds == 300 and feed.next_poll_at is not None
    assert feed.config == {"url": "https://example.com/feed.xml"}


async def test_a_mailbox_trigger_reads_with_one_of_the_persons_imap_logins(ada, greeter):
    bob = await make_person("bob@example.com", "Bob")
    async with session_scope() as s:
        mine = await credentials.create_credential(
            s,
            ada,
            provider="imap",
            type="user_password",
            title="Work mail",
            username="ada",
            password="pw-123456",
            meta={"host": "imap.example.com"},
        )
        key = await credentials.create_credential(
            s, ada, provider="openai", type="api_key", title="AI", api_key="sk-x" * 8
        )
        bobs = await credentials.create_credential(
            s,
            bob,
            provider="imap",
            type="user_password",
            title="Bob mail",
            username="bob",
            password="pw-654321",
            meta={"host": "imap.example.com"},
        )
    for credential_id in (key.id, bobs.id):
        with pytest.raises(InvalidInput):
            await _create(ada, kind="imap", graph_id=greeter.id, name="Mail", config={"credential_id": credential_id})
    made = await _create(ada, kind="imap", graph_id=greeter.id, name="Mail", config={"credential_id": mine.id})
    assert made.config == {"folder": "INBOX", "credential_id": mine.id} and made.kind_label == "New e-mail"


async def test_another_persons_agent_or_trigger_is_not_found(ada, greeter, make_webhook):
    bob = await make_person("bob@example.com", "Bob")
    with pytest.raises(NotFound):
        await _create(bob, kind="webhook", graph_id=greeter.id, name="Mine now")
    made = await make_webhook()
    async with session_scope() as s:
        for call in (
            service.get_trigger(s, bob, made.id),
            service.pause_trigger(s, bob, made.id),
            service.rotate_secret(s, bob, made.id),
            service.delete_trigger(s, bob, made.id),
            service.list_deliveries(s, bob, made.id),
        ):
            with pytest.raises(NotFound):
                await call
        assert await service.list_triggers(s, bob) == []
    assert await count(Trigger) == 1


async def test_change_pause_resume_rotate_delete(ada, greeter, make_webhook):
    made = await make_webhook()
    async with session_scope() as s:
        changed = await service.update_trigger(
            s, ada, made.id, name="Orders", input_mapping={"name": "$.buyer"}, config={"max_per_minute": 10}
        )
    assert changed.name == "Orders" and changed.input_mapping == {"name": "$.buyer"}
    assert changed.config == {"max_per_minute": 10} and changed.auth_mode == "hmac"
    async with session_scope() as s:
        with pytest.raises(InvalidInput):
            await service.update_trigger(s, ada, made.id, input_mapping={"nobody": "$"})
    async with session_scope() as s:
        assert not (await service.pause_trigger(s, ada, made.id)).is_active
    async with session_scope() as s:
        assert (await service.resume_trigger(s, ada, made.id)).is_active
    async with session_scope() as s:
        rotated = await service.rotate_secret(s, ada, made.id)
    assert rotated.secret != made.secret and rotated.secret_hint == rotated.secret[-4:]
    async with session_scope() as s:
        listed = await service.list_triggers(s, ada, graph_id=greeter.id)
        assert [t.id for t in listed] == [made.id]
        assert await service.list_triggers(s, ada, graph_id="another") == []
        await service.delete_trigger(s, ada, made.id)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.get_trigger(s, ada, made.id)


async def test_deliveries_are_listed_newest_first_in_pages(ada, make_webhook):
    made = await make_webhook()
    async with session_scope() as s:
        row = await s.get(Trigger, made.id)
        for n in range(3):
            await firing.record_refusal(s, row.id, f"Bad signature {n}", http_status=401)
    async with session_scope() as s:
        page = await service.list_deliveries(s, ada, made.id, limit=2)
    assert page.total == 3 and len(page.items) == 2
    assert page.items[0].status_label == "Refused" and page.items[0].http_status == 401


async def test_archiving_pauses_and_removing_deletes_triggers_with_their_deliveries(ada, greeter, make_webhook):
    made = await make_webhook()
    async with session_scope() as s:
        await firing.record_refusal(s, made.id, "Bad signature", http_status=401)
    agent_id = await _library_id(ada, greeter.id)
    async with session_scope() as s:
        await library.update(s, ada, agent_id, is_archived=True)
    async with session_scope() as s:
        assert (await service.get_trigger(s, ada, made.id)).is_active is False
        with pytest.raises(Conflict):
            await service.resume_trigger(s, ada, made.id)
    async with session_scope() as s:
        await library.delete(s, ada, agent_id)
    assert await count(Trigger) == 0 and await count(TriggerDelivery) == 0


async def test_bulk_delete_of_agents_removes_their_triggers(ada, greeter, make_webhook):
    await make_webhook()
    other = await make_agent(ada)
    await _create(ada, kind="webhook", graph_id=other.id, name="Other")
    ids = [await _library_id(ada, greeter.id), await _library_id(ada, other.id)]
    async with session_scope() as s:
        await library.bulk(s, ada, ids, "archive")
    async with session_scope() as s:
        assert not any(t.is_active for t in await service.list_triggers(s, ada))
    async with session_scope() as s:
        await library.bulk(s, ada, ids, "delete")
    assert await count(Trigger) == 0
