"""Receiving webhook deliveries: a signed one runs the agent with the mapped inputs (and the run completes);
unsigned, wrong, stale, replayed, oversized, paused and too frequent ones are refused with the right status
and nothing runs; bearer mode; a rotated secret; a notice after three failed starts; refusals capped."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound
from autogpt_app.executions import service as executions
from autogpt_app.notifications.models import Notification
from autogpt_app.triggers import service
from autogpt_app.triggers.models import TriggerDelivery
from autogpt_app.triggers.webhooks import REFUSALS_RECORDED_PER_MINUTE, receive, sign
from tests.executions.test_brokers import wait_for
from tests.triggers.conftest import count, deliveries, payload, runs_of, signed_headers


async def deliver(trigger_id: str, body: bytes, headers: dict[str, str]):
    async with session_scope() as s:
        return await receive(s, trigger_id, body, headers)


async def test_a_signed_delivery_runs_the_agent_with_the_mapped_inputs(ada, make_webhook):
    from workers.embedded import EmbeddedWorkers

    hook = await make_webhook()
    body = payload("Grace")
    workers = EmbeddedWorkers(threads=1)
    assert workers.start()
    try:
        receipt = await deliver(hook.id, body, signed_headers(hook.secret, body))
        assert receipt.status == 202 and receipt.body()["status"] == "started"
        run = await wait_for(ada, receipt.execution_id)
    finally:
        workers.stop()
    assert run.status == "COMPLETED" and run.inputs == {"name": "Grace"}
    assert run.outputs == {"greeting": ["Hello Grace!"]}
    [delivery] = await deliveries(hook.id)
    assert (delivery.status, delivery.http_status, delivery.execution_id) == ("started", 202, run.id)
    assert delivery.summary == f"{len(body)} bytes of JSON"
    async with session_scope() as s:
        shown = await service.get_trigger(s, ada, hook.id)
    assert shown.last_execution_id == run.id and shown.last_fired_at is not None


async def test_a_body_that_is_not_json_arrives_as_text(ada, make_webhook):
    hook = await make_webhook(input_mapping={"name": "$"})
    body = b"plain words"
    receipt = await deliver(hook.id, body, signed_headers(hook.secret, body))
    assert receipt.status == 202
    async with session_scope() as s:
        run = await executions.get_execution(s, ada, receipt.execution_id)
    assert run.inputs == {"name": "plain words"}


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unsigned", 401, "signature_missing"),
        ("wrong secret", 401, "signature_invalid"),
        ("body changed", 401, "signature_invalid"),
        ("not a number", 401, "signature_invalid"),
        ("stale", 401, "signature_stale"),
        ("from the future", 401, "signature_stale"),
    ],
)
async def test_bad_signatures_are_refused_and_nothing_runs(ada, make_webhook, case, status, code):
    hook = await make_webhook()
    body = payload()
    headers = {
        "unsigned": {},
        "wrong secret": signed_headers("not-the-secret", body),
        "body changed": signed_headers(hook.secret, payload("Mallory")),
        "not a number": {"X-Signature-Timestamp": "soon", "X-Signature": sign(hook.secret, "soon", body)},
        "stale": signed_headers(hook.secret, body, timestamp=int(time.time()) - 301),
        "from the future": signed_headers(hook.secret, body, timestamp=int(time.time()) + 301),
    }[case]
    receipt = await deliver(hook.id, body, headers)
    assert (receipt.status, receipt.code) == (status, code)
    answer = json.dumps(receipt.body())
    assert hook.secret not in answer and "error" in receipt.body()
    assert await runs_of(ada.id) == []
    [delivery] = await deliveries(hook.id)
    assert (delivery.status, delivery.http_status, delivery.execution_id) == ("refused", 401, None)
    assert delivery.error == receipt.message


async def test_the_same_signed_delivery_runs_once(ada, make_webhook):
    hook = await make_webhook()
    body = payload()
    headers = signed_headers(hook.secret, body)
    first = await deliver(hook.id, body, headers)
    again = await deliver(hook.id, body, headers)
    assert first.status == 202
    assert (again.status, again.code) == (401, "signature_replayed")
    assert len(await runs_of(ada.id)) == 1


async def test_two_replays_at_the_same_moment_start_one_run(ada, make_webhook):
    hook = await make_webhook()
    body = payload()
    headers = signed_headers(hook.secret, body)
    results = await asyncio.gather(*(deliver(hook.id, body, headers) for _ in range(4)))
    assert sorted(r.status for r in results) == [202, 401, 401, 401]
    assert len(await runs_of(ada.id)) == 1


async def test_oversized_paused_and_too_frequent_deliveries_are_refused(ada, make_webhook, monkeypatch):
    hook = await make_webhook(config={"max_per_minute": 2})
    big = json.dumps({"user": {"name": "x" * (1024 * 1024)}}).encode()
    receipt = await deliver(hook.id, big, signed_headers(hook.secret, big))
    assert (receipt.status, receipt.code) == (413, "payload_too_large")

    for name in ("A", "B"):
        body = payload(name)
        assert (await deliver(hook.id, body, signed_headers(hook.secret, body))).status == 202
    body = payload("C")
    limited = await deliver(hook.id, body, signed_headers(hook.secret, body))
    assert (limited.status, limited.code) == (429, "too_many_deliveries")
    assert 1 <= limited.retry_after <= 60 and limited.headers() == {"Retry-After": str(limited.retry_after)}

    async with session_scope() as s:
        await service.pause_trigger(s, ada, hook.id)
    body = payload("D")
    paused = await deliver(hook.id, body, signed_headers(hook.secret, body))
    assert (paused.status, paused.code) == (409, "trigger_paused")
    assert "paused" in paused.message

    assert sorted(r.inputs["name"] for r in await runs_of(ada.id)) == ["A", "B"]
    log = await deliveries(hook.id)
    assert [(d.status, d.http_status) for d in log] == [
        ("refused", 413),
        ("started", 202),
        ("started", 202),
        ("refused", 429),
        ("refused", 409),
    ]


async def test_bearer_mode_takes_the_secret_itself(ada, make_webhook):
    hook = await make_webhook(config={"auth_mode": "bearer"})
    body = payload()
    ok = await deliver(hook.id, body, {"Authorization": f"Bearer {hook.secret}"})
    assert ok.status == 202
    for headers in ({"Authorization": "Bearer nope"}, signed_headers(hook.secret, body), {}):
        refused = await deliver(hook.id, body, headers)
        assert refused.status == 401
    assert len(await runs_of(ada.id)) == 1


async def test_a_rotated_secret_replaces_the_old_one_at_once(ada, make_webhook):
    hook = await make_webhook()
    async with session_scope() as s:
        rotated = await service.rotate_secret(s, ada, hook.id)
    body = payload()
    old = await deliver(hook.id, body, signed_headers(hook.secret, body))
    assert (old.status, old.code) == (401, "signature_invalid")
    new = await deliver(hook.id, body, signed_headers(rotated.secret, body))
    assert new.status == 202


async def test_three_failed_starts_in_a_row_notify_the_owner_once(ada, make_webhook):
    hook = await make_webhook()  # name ← $.user.name: a body without it cannot start the greeter
    for n in range(4):
        body = json.dumps({"n": n}).encode()
        receipt = await deliver(hook.id, body, signed_headers(hook.secret, body))
        assert (receipt.status, receipt.code) == (422, "run_not_started")
        assert "name" in receipt.message
    assert await runs_of(ada.id) == []
    async with session_scope() as s:
        notices = list((await s.execute(select(Notification).where(Notification.user_id == ada.id))).scalars())
    assert [(n.type, n.link) for n in notices] == [("trigger_failed", f"/library/triggers/{hook.id}")]
    assert "From the shop" in notices[0].title
    assert {(d.status, d.http_status) for d in await deliveries(hook.id)} == {("failed", 422)}
    body = payload()
    assert (await deliver(hook.id, body, signed_headers(hook.secret, body))).status == 202
    async with session_scope() as s:
        assert (await service.get_trigger(s, ada, hook.id)).failure_count == 0


async def test_a_flood_of_bad_requests_is_answered_but_only_partly_recorded(ada, make_webhook):
    hook = await make_webhook()
    for _ in range(REFUSALS_RECORDED_PER_MINUTE + 5):
        assert (await deliver(hook.id, b"{}", {})).status == 401
    assert await count(TriggerDelivery) == REFUSALS_RECORDED_PER_MINUTE


async def test_unknown_ids_and_poll_triggers_are_not_webhooks(ada, greeter):
    async with session_scope() as s:
        feed = await service.create_trigger(
            s, ada, kind="feed", graph_id=greeter.id, name="News", config={"url": "https://example.com/feed"}
        )
    for trigger_id in ("no-such-trigger", feed.id, "x" * 100):
        with pytest.raises(NotFound):
            await deliver(trigger_id, b"{}", {})
    assert await count(TriggerDelivery) == 0
