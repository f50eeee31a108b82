"""Preferences (defaults, choices, bad input), how creating a notification honours them (off → nothing,
e-mail → row + outbox, digest → no per-run e-mail), deleting with owner isolation, and filtered paging."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.notifications import preferences, service
from autogpt_app.notifications.models import EmailOutbox, Notification, NotificationPreference


async def make_user(email: str = "ada@example.com", name: str = "Ada") -> User:
    async with session_scope() as s:
        user = User(email=email, display_name=name, password_hash="!")
        s.add(user)
    return user


async def notify(user: User, kind: str = "agent_message", title: str = "Hello", **fields):
    async with session_scope() as s:
        return await service.create_notification(s, user.id, type=kind, title=title, **fields)


async def count(model, *conditions) -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*conditions))).scalar_one())


async def test_defaults_are_in_app_for_every_type_in_display_order_and_no_digest():
    user = await make_user()
    async with session_scope() as s:
        prefs = await preferences.get_preferences(s, user)
        assert await preferences.get_digest(s, user) is False
    assert [(p.type, p.label, p.channel) for p in prefs] == [
        ("run_completed", "A run finished", "in_app"),
        ("run_failed", "A run failed", "in_app"),
        ("scheduled_run_failed", "A scheduled run failed", "in_app"),
        ("scheduled_run_late", "A scheduled run started late", "in_app"),
        ("submission_reviewed", "A submission was reviewed", "in_app"),
        ("new_version", "A new version of an agent in my library", "in_app"),
        ("agent_message", "Messages from my agents", "in_app"),
        ("trigger_failed", "A trigger keeps failing", "in_app"),
        ("review_requested", "A run waits for my review", "in_app"),
    ]
    assert await count(NotificationPreference) == 0


async def test_choices_are_kept_per_user_and_changed_in_place():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        chosen = await preferences.set_preference(s, ada, "run_failed", "email")
        assert (chosen.type, chosen.label, chosen.channel) == ("run_failed", "A run failed", "email")
        await preferences.set_preference(s, ada, "agent_message", "off")
        assert await preferences.set_digest(s, ada, True) is True
    async with session_scope() as s:
        await preferences.set_preference(s, ada, "run_failed", "off")
        await preferences.set_preference(s, ada, "run_completed", "email")
    async with session_scope() as s:
        mine = {p.type: p.channel for p in await preferences.get_preferences(s, ada)}
        theirs = {p.type: p.channel for p in await preferences.get_preferences(s, bob)}
        assert await preferences.get_digest(s, ada) is True and await preferences.get_digest(s, bob) is False
    assert mine["run_failed"] == "off" and mine["agent_message"] == "off" and mine["run_completed"] == "email"
    assert set(theirs.values()) == {"in_app"}
    # Setting the channel keeps the digest and the other way round.
    async with session_scope() as s:
        assert await preferences.get_digest(s, ada) is True
        await preferences.set_digest(s, ada, False)
    async with session_scope() as s:
        assert {p.type: p.channel for p in await preferences.get_preferences(s, ada)}["run_completed"] == "email"
        assert await preferences.get_digest(s, ada) is False


@pytest.mark.parametrize(
    ("kind", "channel", "code"),
    [
        ("bogus", "email", "invalid_notification_type"),
        ("digest", "email", "invalid_notification_type"),
        ("run_failed", "sms", "invalid_notification_channel"),
        ("run_failed", "", "invalid_notification_channel"),
    ],
)
async def test_unknown_types_and_channels_are_refused_and_write_nothing(kind, channel, code):
    user = await make_user()
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await preferences.set_preference(s, user, kind, channel)
    assert err.value.code == code
    assert await count(NotificationPreference) == 0


async def test_off_records_nothing_and_email_records_and_queues_a_mail():
    user = await make_user()
    async with session_scope() as s:
        await preferences.set_preference(s, user, "agent_message", "off")
        await preferences.set_preference(s, user, "run_failed", "email")
    assert await notify(user, "agent_message", "Muted") is None
    assert await count(Notification) == 0 and await count(EmailOutbox) == 0

    made = await notify(user, "run_failed", "“Writer” failed", body="Node 'x' failed", link="/runs/r1")
    assert made is not None and made.type == "run_failed"
    assert await count(Notification) == 1
    async with session_scope() as s:
        [mail] = (await s.execute(select(EmailOutbox))).scalars().all()
    assert mail.user_id == user.id and mail.kind == "notification" and mail.status == "queued"
    assert mail.subject == "“Writer” failed" and mail.attempts == 0
    assert "http://localhost:3000/runs/r1" in mail.text_body and "Node 'x' failed" in mail.text_body
    assert 'href="http://localhost:3000/runs/r1"' in mail.html_body
    # In-app types (and types nobody can choose for) record a row but send no mail.
    await notify(user, "run_completed", "Done")
    await notify(user, "custom.kind", "Custom")
    assert await count(Notification) == 3 and await count(EmailOutbox) == 1


async def test_a_rolled_back_notification_leaves_no_mail():
    user = await make_user()
    async with session_scope() as s:
        await preferences.set_preference(s, user, "agent_message", "email")
    with pytest.raises(RuntimeError):
        async with session_scope() as s:
            await service.create_notification(s, user.id, type="agent_message", title="Ghost")
            raise RuntimeError("the request failed after")
    assert await count(Notification) == 0 and await count(EmailOutbox) == 0


async def test_digest_users_get_no_per_run_email_but_other_types_still_mail():
    user = await make_user()
    async with session_scope() as s:
        await preferences.set_preference(s, user, "run_completed", "email")
        await preferences.set_preference(s, user, "run_failed", "email")
        await preferences.set_digest(s, user, True)
    await notify(user, "run_completed", "“A” finished")
    await notify(user, "run_failed", "“B” failed")
    assert await count(Notification) == 2
    async with session_scope() as s:
        subjects = (await s.execute(select(EmailOutbox.subject))).scalars().all()
    assert subjects == ["“B” failed"]


async def test_delete_is_owner_checked():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    mine = await notify(ada, title="Mine")
    other = await notify(ada, title="Also mine")
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.delete_notification(s, bob, mine.id)
        with pytest.raises(NotFound):
            await service.delete_notification(s, ada, "no-such-id")
        with pytest.raises(NotFound):
            await service.delete_notification(s, ada, "x" * 500)
    assert await count(Notification) == 2
    async with session_scope() as s:
        await service.delete_notification(s, ada, mine.id)
    async with session_scope() as s:
        assert [n.id for n in await service.list_notifications(s, ada)] == [other.id]
        with pytest.raises(NotFound):
            await service.delete_notification(s, ada, mine.id)
        assert await service.unread_count(s, ada) == 1


async def test_list_page_filters_by_type_and_unread_and_counts_the_total():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    made = []
    for i in range(5):
        made.append(await notify(ada, "run_completed" if i % 2 == 0 else "run_failed", f"N{i}"))
    await notify(bob, "run_completed", "Bob's")
    async with session_scope() as s:
        await service.mark_read(s, ada, made[0].id)
        page = await service.list_page(s, ada, limit=2)
        assert page.total == 5 and (page.offset, page.limit) == (0, 2)
        assert [n.title for n in page.items] == ["N4", "N3"]
        page = await service.list_page(s, ada, offset=4, limit=2)
        assert [n.title for n in page.items] == ["N0"] and page.total == 5
        completed = await service.list_page(s, ada, type="run_completed")
        assert completed.total == 3 and [n.title for n in completed.items] == ["N4", "N2", "N0"]
        unread = await service.list_page(s, ada, type="run_completed", unread_only=True)
        assert unread.total == 2 and [n.title for n in unread.items] == ["N4", "N2"]
        assert (await service.list_page(s, ada, type="new_version")).total == 0
        clamped = await service.list_page(s, ada, offset=-3, limit=1000)
        assert (clamped.offset, clamped.limit, clamped.total) == (0, 100, 5)
