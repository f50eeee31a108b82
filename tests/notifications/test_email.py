"""Notification e-mails delivered to a real SMTP server on 127.0.0.1 (aiosmtpd): recipients, subject, HTML
and text parts, links, autoescaped user content, retries with backoff, giving up, the daily cap, the digest,
and nothing sent (nor lost) without SMTP_HOST."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.notifications import email as mail
from autogpt_app.notifications import preferences, service
from autogpt_app.notifications.models import EmailOutbox, Notification
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from tests.fakes.smtp_inbox import free_port as _free_port
from tests.graphs.helpers import greeting_graph


async def make_user(email_address: str = "ada@example.com", name: str = "Ada") -> User:
    async with session_scope() as s:
        user = User(email=email_address, display_name=name, password_hash="!")
        s.add(user)
        for kind in preferences.NOTIFICATION_TYPES:
            await preferences.set_preference(s, user, kind, "email")
    return user


async def notify(user: User, title: str = "Hello", kind: str = "agent_message", **fields):
    async with session_scope() as s:
        return await service.create_notification(s, user.id, type=kind, title=title, **fields)


async def outbox() -> list[EmailOutbox]:
    async with session_scope() as s:
        return list((await s.execute(select(EmailOutbox).order_by(EmailOutbox.created_at))).scalars())


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


async def test_a_run_is_mailed_with_html_and_text_parts_and_user_content_escaped(inbox):
    user = await make_user()
    doc = {**greeting_graph(), "name": "<script>alert('x')</script> & Co"}
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await executions.add_graph_execution(s, user, graph.id, inputs={"name": "Ada"})
    assert await GraphRunner(run.id).run() == "COMPLETED"

    report = await mail.send_due()
    assert len(report.sent) == 1 and not (report.retried or report.failed or report.capped)
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ada@example.com"] and envelope.mail_from == "agents@platform.example"
    message = inbox.message()
    assert message["To"] == "Ada <ada@example.com>" and message["From"] == "Agents <agents@platform.example>"
    assert message["Subject"] == "“<script>alert('x')</script> & Co” finished"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    url = f"https://agents.example.com/runs/{run.id}"
    assert "“<script>alert('x')</script> & Co” finished" in text and f"Open: {url}" in text
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html
    assert f'href="{url}"' in html and "https://agents.example.com/notifications" in html
    [row] = await outbox()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1 and row.last_error is None
    # Sent once: the next tick sends nothing.
    assert (await mail.send_due()).sent == [] and len(inbox.envelopes) == 1


async def test_a_refused_send_is_retried_with_backoff_then_delivered(inbox, caplog):
    user = await make_user()
    await notify(user, "Report ready", body="It is done.")
    inbox.refuse = 2
    now = utcnow()
    with caplog.at_level(logging.WARNING, logger="autogpt_app.notifications.email"):
        first = await mail.send_due(now=now)
    assert len(first.retried) == 1 and inbox.envelopes == []
    [row] = await outbox()
    assert row.status == "queued" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert "retrying in 60s" in caplog.text
    assert (await mail.send_due(now=now + timedelta(seconds=30))).retried == []  # not due yet
    second = await mail.send_due(now=now + timedelta(seconds=61))
    assert len(second.retried) == 1
    [row] = await outbox()
    assert row.attempts == 2 and row.next_attempt_at == now + timedelta(seconds=61 + 300)
    third = await mail.send_due(now=now + timedelta(seconds=61 + 301))
    assert len(third.sent) == 1
    [row] = await outbox()
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None
    assert inbox.message()["Subject"] == "Report ready"


async def test_a_mail_that_keeps_failing_is_given_up_after_five_attempts_and_logged(inbox, caplog):
    user = await make_user()
    await notify(user, "Never arrives")
    inbox.refuse = 100
    now = utcnow()
    for step in range(mail.MAX_ATTEMPTS):
        now += timedelta(hours=3)
        report = await mail.send_due(now=now)
        assert len(report.failed if step == mail.MAX_ATTEMPTS - 1 else report.retried) == 1
    [row] = await outbox()
    assert row.status == "failed" and row.attempts == 5 and "451" in row.last_error
    assert "failed after 5 attempts" in caplog.text
    assert (await mail.send_due(now=now + timedelta(days=1))).failed == []


async def test_connection_errors_are_retried_and_the_password_never_appears(monkeypatch, caplog):
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", _free_port())  # nobody listens
    monkeypatch.setattr(settings, "smtp_tls", False)
    monkeypatch.setattr(settings, "smtp_password", "canary-pw-71")
    user = await make_user()
    await notify(user, "Hello")
    report = await mail.send_due()
    assert len(report.retried) == 1
    [row] = await outbox()
    assert "Could not talk to the mail server" in row.last_error and "canary-pw-71" not in row.last_error
    assert "canary-pw-71" not in caplog.text


async def test_the_daily_cap_stops_mail_beyond_it(inbox, monkeypatch, caplog):
    monkeypatch.setattr(get_settings(), "email_daily_cap", 2)
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    for i in range(3):
        await notify(ada, f"Ada {i}")
    await notify(bob, "Bob 0")
    report = await mail.send_due()
    assert len(report.sent) == 3 and len(report.capped) == 1
    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == ["ada@example.com", "ada@example.com", "bob@example.com"]
    rows = {r.subject: r for r in await outbox()}
    assert rows["Ada 2"].status == "capped" and "cap of 2" in rows["Ada 2"].last_error
    assert "daily cap of 2 reached" in caplog.text
    # 24 hours later the cap has room again.
    async with session_scope() as s:
        await s.execute(update(EmailOutbox).values(sent_at=utcnow() - timedelta(hours=25)))
    await notify(ada, "Ada 3")
    assert len((await mail.send_due()).sent) == 1


async def test_without_smtp_host_mail_stays_queued(monkeypatch, caplog):
    monkeypatch.setattr(get_settings(), "smtp_host", "")
    monkeypatch.setattr(mail, "_warned_no_smtp", False)
    user = await make_user()
    await notify(user, "Waiting")
    with caplog.at_level(logging.WARNING, logger="autogpt_app.notifications.email"):
        assert (await mail.send_due()).skipped
        assert (await mail.send_due()).skipped
    assert caplog.text.count("SMTP_HOST is not set") == 1
    [row] = await outbox()
    assert row.status == "queued" and row.attempts == 0


async def test_a_disabled_account_gets_no_mail(inbox):
    user = await make_user()
    await notify(user, "Hello")
    async with session_scope() as s:
        await s.execute(update(User).where(User.id == user.id).values(is_disabled=True))
    assert len((await mail.send_due()).failed) == 1 and inbox.envelopes == []


async def test_the_daily_digest_lists_yesterdays_finished_runs_once(inbox):
    ada, bob, cyd = await make_user(), await make_user("bob@example.com", "Bob"), await make_user("cyd@example.com")
    async with session_scope() as s:
        await preferences.set_digest(s, ada, True)
        await preferences.set_digest(s, cyd, True)
        await preferences.set_preference(s, cyd, "run_completed", "in_app")
    now = datetime(2030, 3, 10, 8, 0, tzinfo=UTC)
    yesterday = datetime(2030, 3, 9, 14, 30, tzinfo=UTC)
    made = {}
    for who, title, when in [
        (ada, "“<b>Writer</b>” finished", yesterday),
        (ada, "“Reader” finished", yesterday + timedelta(hours=2)),
        (ada, "“Today” finished", now),
        (ada, "“Older” finished", yesterday - timedelta(days=1)),
        (bob, "“Bob's” finished", yesterday),  # no digest: mailed at once instead
        (cyd, "“Cyd's” finished", yesterday),  # digest with in-app only: still gets the digest
    ]:
        note = await notify(who, title, kind="run_completed", link=f"/runs/{len(made)}")
        made[title] = note.id
        async with session_scope() as s:
            await s.execute(update(Notification).where(Notification.id == note.id).values(created_at=when))
    async with session_scope() as s:
        failed = await service.create_notification(s, ada.id, type="run_failed", title="“X” failed")
        await s.execute(update(Notification).where(Notification.id == failed.id).values(created_at=yesterday))

    # Only Bob's run and Ada's failure were mailed one by one.
    assert sorted(r.subject for r in await outbox()) == ["“Bob's” finished", "“X” failed"]
    assert await mail.queue_digests(now=now) == 2
    assert await mail.queue_digests(now=now) == 0  # once per user and day
    digests = [r for r in await outbox() if r.kind == "digest"]
    assert sorted(r.user_id for r in digests) == sorted([ada.id, cyd.id])
    assert {r.dedupe_key for r in digests} == {
        mail.digest_key(ada.id, yesterday.date()),
        mail.digest_key(cyd.id, yesterday.date()),
    }

    await mail.send_due(now=now + timedelta(seconds=1))
    by_rcpt = {e.rcpt_tos[0]: i for i, e in enumerate(inbox.envelopes)}
    message = inbox.message(by_rcpt["ada@example.com"])
    assert message["Subject"] == "2 finished runs on 2030-03-09"
    text, html = parts(message)
    assert "“<b>Writer</b>” finished (14:30 UTC)" in text and "“Reader” finished (16:30 UTC)" in text
    assert "Today" not in text and "Older" not in text and "failed" not in text
    assert "https://agents.example.com/runs/0" in text and 'href="https://agents.example.com/runs/1"' in html
    assert "<b>Writer</b>" not in html and "&lt;b&gt;Writer&lt;/b&gt;" in html
    assert inbox.message(by_rcpt["cyd@example.com"])["Subject"] == "1 finished run on 2030-03-09"


async def test_the_scheduler_plans_the_mail_jobs_while_leading():
    from apscheduler.triggers.cron import CronTrigger

    from workers.scheduler import (
        DIGEST_JOB,
        EMAIL_JOB,
        IMAGE_SWEEP_JOB,
        ScheduleKeeper,
        build_scheduler,
        digest_job,
        image_sweep_job,
        send_email_job,
    )

    scheduler = build_scheduler(background=True)
    scheduler.start(paused=True)
    try:
        keeper = ScheduleKeeper(scheduler)
        keeper._plan_housekeeping_jobs()
        sender, digest = scheduler.get_job(EMAIL_JOB), scheduler.get_job(DIGEST_JOB)
        sweep = scheduler.get_job(IMAGE_SWEEP_JOB)
        assert sweep.func is image_sweep_job and sweep.trigger.interval == timedelta(days=1)
        assert sender.func is send_email_job and sender.trigger.interval == timedelta(seconds=30)
        assert digest.func is digest_job and isinstance(digest.trigger, CronTrigger)
        assert str(digest.trigger.fields[5]) == "8"  # hour
        keeper._demoted()
        assert scheduler.get_job(EMAIL_JOB) is None and scheduler.get_job(DIGEST_JOB) is None
        assert scheduler.get_job(IMAGE_SWEEP_JOB) is None
    finally:
        scheduler.shutdown(wait=False)
