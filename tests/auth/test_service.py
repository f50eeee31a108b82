"""Accounts service: sign-up, login, throttling, revocation, RBAC, API keys, admin."""

from __future__ import annotations

import statistics
import time

import pytest

from autogpt_app.auth import admin, api_keys, service
from autogpt_app.auth.models import LoginFailure, Role, User
from autogpt_app.auth.permissions import Permission, has_permission, require_permission
from autogpt_app.db import session_scope
from autogpt_app.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    TooManyRequests,
    Unauthorized,
)
from autogpt_app.timeutil import utcnow

PASSWORD = "violet-harbour-42"
_BAD_LOGIN = "Incorrect e-mail or password."


async def make_user(email: str = "ada@example.com", name: str = "Ada", role: Role = Role.USER) -> User:
    async with session_scope() as s:
        user = await service.signup(s, email=email, display_name=name, password=PASSWORD)
        if role != Role.USER:
            user.role = role.value
    return user


async def test_signup_normalizes_and_stores_a_hash():
    user = await make_user("  Ada@Example.COM ", "  Ada   Lovelace ")
    assert user.email == "ada@example.com"
    assert user.display_name == "Ada Lovelace"
    assert user.role == "user"
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("email", "name", "password", "error"),
    [
        ("not-an-email", "Ada", PASSWORD, "invalid_email"),
        ("a@b", "Ada", PASSWORD, "invalid_email"),
        ("ada@example.com", "   ", PASSWORD, "invalid_display_name"),
        ("ada@example.com", "x" * 81, PASSWORD, "invalid_display_name"),
        ("ada@example.com", "Ada", "password1", "weak_password"),
    ],
)
async def test_signup_bad_input_writes_nothing(email, name, password, error):
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await service.signup(s, email=email, display_name=name, password=password)
    assert err.value.code == error
    async with session_scope() as s:
        assert await service.count_users(s) == 0


async def test_duplicate_email_is_a_conflict():
    await make_user()
    async with session_scope() as s:
        with pytest.raises(Conflict, match="already exists"):
            await service.signup(s, email="ADA@example.com", display_name="Other", password=PASSWORD)
    async with session_scope() as s:
        assert await service.count_users(s) == 1


async def test_admin_email_setting_alone_does_not_make_that_signup_an_admin(monkeypatch):
    """Anyone can sign up with any address: ADMIN_EMAIL counts only once the address is verified
    (tests/auth/test_email_links.py follows the link)."""
    from autogpt_app.settings import get_settings

    monkeypatch.setattr(get_settings(), "admin_email", "Boss@Example.com")
    boss = await make_user("boss@example.com", "Boss")
    assert boss.role == "user" and boss.email_verified_at is None


async def test_login_success_and_wrong_password():
    await make_user()
    async with session_scope() as s:
        user = await service.authenticate(s, email="ADA@example.com", password=PASSWORD)
        assert user.last_login_at is not None
    async with session_scope() as s:
        with pytest.raises(Unauthorized, match="Incorrect e-mail or password"):
            await service.authenticate(s, email="ada@example.com", password="wrong-password-1")
    async with session_scope() as s:
        with pytest.raises(Unauthorized, match="Incorrect e-mail or password"):
            await service.authenticate(s, email="nobody@example.com", password=PASSWORD)


async def test_login_throttled_after_five_failures_then_even_right_password_waits():
    await make_user()
    for _ in range(5):
        async with session_scope() as s:
            with pytest.raises(Unauthorized):
                await service.authenticate(s, email="ada@example.com", password="wrong-password-1")
    async with session_scope() as s:
        with pytest.raises(TooManyRequests) as err:
            await service.authenticate(s, email="ada@example.com", password=PASSWORD)
    assert "Try again in 15 minutes" in err.value.message
    assert 0 < err.value.retry_after <= 15 * 60
    # Other accounts are not affected.
    await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        await service.authenticate(s, email="bob@example.com", password=PASSWORD)


async def test_success_clears_earlier_failures():
    await make_user()
    for _ in range(4):
        async with session_scope() as s:
            with pytest.raises(Unauthorized):
                await service.authenticate(s, email="ada@example.com", password="wrong-password-1")
    async with session_scope() as s:
        await service.authenticate(s, email="ada@example.com", password=PASSWORD)
    async with session_scope() as s:
        from sqlalchemy import func, select

        failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.kind == "login")
        assert (await s.execute(failures)).scalar_one() == 0


async def test_unknown_email_takes_as_long_as_wrong_password():
    await make_user()

    async def timed(email: str) -> float:
        start = time.perf_counter()
        async with session_scope() as s:
            with pytest.raises(Unauthorized):
                await service.authenticate(s, email=email, password="wrong-password-1")
        return time.perf_counter() - start

    await timed("ghost@example.com")  # warm the dummy hash
    known = [await timed("ada@example.com") for _ in range(3)]
    unknown = [await timed(f"ghost{i}@example.com") for i in range(3)]
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2.0, (known, unknown)


async def test_tokens_revoked_by_logout_password_change_and_disable():
    user = await make_user()
    admin_user = await make_user("root@example.com", "Root", Role.ADMIN)
    token = service.issue_token(user)
    async with session_scope() as s:
        assert (await service.user_from_token(s, token)).id == user.id

    async with session_scope() as s:
        await service.revoke_tokens(s, await s.get(User, user.id))
    async with session_scope() as s:
        with pytest.raises(Unauthorized) as err:
            await service.user_from_token(s, token)
    assert err.value.code == "token_revoked"

    async with session_scope() as s:
        fresh = service.issue_token(await s.get(User, user.id))
    async with session_scope() as s:
        new_token = await service.change_password(s, await s.get(User, user.id), current=PASSWORD, new="new-pass-99x")
    async with session_scope() as s:
        with pytest.raises(Unauthorized):
            await service.user_from_token(s, fresh)
        assert (await service.user_from_token(s, new_token)).id == user.id

    async with session_scope() as s:
        await admin.set_disabled(s, await s.get(User, admin_user.id), user.id, True)
    async with session_scope() as s:
        with pytest.raises(Unauthorized):
            await service.user_from_token(s, new_token)
        # A disabled account answers as a wrong password does (see test_disabled_account_is_no_password_oracle).
        with pytest.raises(Unauthorized, match="Incorrect e-mail or password"):
            await service.authenticate(s, email="ada@example.com", password="new-pass-99x")


async def test_change_password_checks_current_and_policy():
    user = await make_user()
    async with session_scope() as s:
        with pytest.raises(Unauthorized, match="current password"):
            await service.change_password(s, await s.get(User, user.id), current="nope-nope-1", new="new-pass-99x")
        with pytest.raises(InvalidInput, match="too common"):
            await service.change_password(s, await s.get(User, user.id), current=PASSWORD, new="password123")
        with pytest.raises(InvalidInput, match="differ"):
            await service.change_password(s, await s.get(User, user.id), current=PASSWORD, new=PASSWORD)


async def test_rbac_permissions():
    user = await make_user()
    boss = await make_user("boss@example.com", "Boss", Role.ADMIN)
    assert has_permission(user, Permission.USE_PLATFORM)
    assert not has_permission(user, Permission.MANAGE_USERS)
    assert all(has_permission(boss, p) for p in Permission)
    with pytest.raises(Forbidden):
        require_permission(user, Permission.VIEW_USERS)
    boss.is_disabled = True
    assert not has_permission(boss, Permission.USE_PLATFORM)
    user.role = "superuser"  # a role we do not know grants nothing
    assert not has_permission(user, Permission.USE_PLATFORM)


async def test_admin_lists_searches_and_pages_users():
    boss = await make_user("boss@example.com", "Boss", Role.ADMIN)
    for i in range(5):
        await make_user(f"user{i}@example.com", f"User {i}")
    async with session_scope() as s:
        page = await admin.list_users(s, boss, limit=2)
        assert page.total == 6 and len(page.items) == 2
        page = await admin.list_users(s, boss, query="USER3")
        assert [u.email for u in page.items] == ["user3@example.com"]
        page = await admin.list_users(s, boss, query="100%_")
        assert page.total == 0
        assert not hasattr(page.items, "password_hash")


async def test_the_catalogues_own_accounts_are_listed_only_when_asked():
    boss = await make_user("boss@example.com", "Boss", Role.ADMIN)
    async with session_scope() as s:  # as the seed catalogue makes them (sign-up refuses the domain)
        s.add(User(email="northwind@catalogue.invalid", display_name="Northwind Labs", password_hash="!"))
    async with session_scope() as s:
        assert [u.email for u in (await admin.list_users(s, boss)).items] == ["boss@example.com"]
        page = await admin.list_users(s, boss, include_system=True)
        assert page.total == 2 and "northwind@catalogue.invalid" in [u.email for u in page.items]


async def test_non_admin_cannot_administer():
    user = await make_user()
    other = await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        with pytest.raises(Forbidden):
            await admin.list_users(s, user)
        with pytest.raises(Forbidden):
            await admin.set_role(s, user, other.id, "admin")
        with pytest.raises(Forbidden):
            await admin.set_disabled(s, user, other.id, True)
    async with session_scope() as s:
        assert (await s.get(User, other.id)).role == "user"


async def test_admin_changes_roles_but_not_own():
    boss = await make_user("boss@example.com", "Boss", Role.ADMIN)
    user = await make_user()
    token = service.issue_token(user)
    async with session_scope() as s:
        result = await admin.set_role(s, boss, user.id, "admin")
        assert result.role == "admin"
    async with session_scope() as s:
        # The role is read on every request: the same token now carries admin rights.
        assert (await service.user_from_token(s, token)).role == "admin"
        with pytest.raises(InvalidInput):
            await admin.set_role(s, boss, user.id, "owner")
        with pytest.raises(Conflict):
            await admin.set_role(s, boss, boss.id, "user")
        with pytest.raises(Conflict):
            await admin.set_disabled(s, boss, boss.id, True)
        with pytest.raises(NotFound):
            await admin.set_role(s, boss, "no-such-id", "user")


async def test_ensure_admin_promotes_or_creates():
    await make_user()
    async with session_scope() as s:
        user, message = await admin.ensure_admin(s, "ada@example.com")
        assert user.role == "admin" and "now an admin" in message
        _, message = await admin.ensure_admin(s, "ada@example.com")
        assert "already" in message
        user, message = await admin.ensure_admin(s, "new@example.com")
        assert user is None and "give a password" in message
        user, message = await admin.ensure_admin(s, "new@example.com", "fresh-admin-pass-1")
        assert user.role == "admin" and "Created" in message


async def test_start_up_admin_email_promotes_only_a_verified_account():
    """prestart's ADMIN_EMAIL (require_verified) leaves an unverified sign-up with that address a user."""
    await make_user("boss@example.com", "Mallory")
    async with session_scope() as s:
        user, message = await admin.ensure_admin(s, "boss@example.com", "boss-password-123", require_verified=True)
        assert user.role == "user" and "not verified" in message
    async with session_scope() as s:
        user = await service.get_user_by_email(s, "boss@example.com")
        assert user.role == "user"
        user.email_verified_at = utcnow()
    async with session_scope() as s:
        user, message = await admin.ensure_admin(s, "boss@example.com", require_verified=True)
        assert user.role == "admin" and "now an admin" in message


async def test_api_keys_lifecycle_and_ownership():
    user = await make_user()
    other = await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        record, secret = await api_keys.create_api_key(s, user, name="laptop")
    assert secret.startswith("agpt_") and len(secret) > 40
    assert record.prefix == secret[: len(record.prefix)]
    async with session_scope() as s:
        assert (await api_keys.user_from_api_key(s, secret)).id == user.id
        listed = await api_keys.list_api_keys(s, user)
        assert [k.name for k in listed] == ["laptop"] and listed[0].last_used_at is not None
        assert await api_keys.list_api_keys(s, other) == []
        with pytest.raises(NotFound):
            await api_keys.revoke_api_key(s, other, record.id)
    async with session_scope() as s:
        await api_keys.revoke_api_key(s, user, record.id)
    async with session_scope() as s:
        with pytest.raises(Unauthorized):
            await api_keys.user_from_api_key(s, secret)
        with pytest.raises(Unauthorized):
            await api_keys.user_from_api_key(s, "agpt_not-a-real-key")
        with pytest.raises(InvalidInput):
            await api_keys.create_api_key(s, user, name="   ")


async def test_disabled_account_is_no_password_oracle():
    """Right and wrong passwords of a disabled account get the same error, take as long, and count alike."""
    user = await make_user()
    root = await make_user("root@example.com", "Root", Role.ADMIN)
    async with session_scope() as s:
        await admin.set_disabled(s, await s.get(User, root.id), user.id, True)

    async def attempt(password: str, ip: str) -> tuple[type, str, str, float]:
        start = time.perf_counter()
        async with session_scope() as s:
            with pytest.raises(ServiceError) as err:
                await service.authenticate(s, email="ada@example.com", password=password, client_ip=ip)
        return type(err.value), err.value.code, err.value.message, time.perf_counter() - start

    await attempt("wrong-password-1", "192.0.2.9")  # warm up
    right = [await attempt(PASSWORD, "192.0.2.1") for _ in range(3)]
    wrong = [await attempt("wrong-password-1", "192.0.2.2") for _ in range(3)]
    assert {r[:3] for r in right} == {w[:3] for w in wrong} == {(Unauthorized, "bad_credentials", _BAD_LOGIN)}
    ratio = statistics.median(r[3] for r in right) / statistics.median(w[3] for w in wrong)
    assert 0.5 < ratio < 2.0, (right, wrong)
    # The right password counts towards the throttle as a wrong one does: the sixth try is refused.
    for _ in range(2):
        await attempt(PASSWORD, "192.0.2.1")
    async with session_scope() as s:
        with pytest.raises(TooManyRequests):
            await service.authenticate(s, email="ada@example.com", password=PASSWORD, client_ip="192.0.2.1")
