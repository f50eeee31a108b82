"""E-mail verification and password reset through the REST API, with real SMTP (aiosmtpd): links arrive,
work once, expire, are stored hashed; replies never tell whether an account exists; ADMIN_EMAIL waits for
a verified address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from autogpt_app.auth.models import EmailToken, User
from autogpt_app.db import session_scope
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from tests.api.test_accounts_api import PASSWORD, assert_error, bearer, signup, token_for
from tests.fakes.smtp_inbox import link_in

NEW_PASSWORD = "lantern-meadow-93"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def user_row(email: str = "ada@example.com") -> User:
    async with session_scope() as s:
        return (await s.execute(select(User).where(User.email == email))).scalar_one()


async def test_sign_up_sends_a_verification_link_that_works_once(client, inbox):
    token = await token_for(client)
    me = (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert me["email_verified_at"] is None
    (mail,) = await inbox.wait_for("ada@example.com")
    assert mail["Subject"] == "Confirm your e-mail address"
    link = link_in(mail, "/verify-email")
    assert link.startswith("https://agents.example.com/verify-email?token=")
    async with session_scope() as s:  # only a hash is stored
        stored = (await s.execute(select(EmailToken.token_hash))).scalars().all()
    assert token_of(link) not in str(stored) and len(stored) == 1

    r = await client.post("/api/v1/auth/verify-email", json={"token": token_of(link)})
    assert r.status_code == 200 and r.json()["email_verified_at"]
    assert (await client.get("/api/v1/me", headers=bearer(token))).json()["email_verified_at"]
    again = await client.post("/api/v1/auth/verify-email", json={"token": token_of(link)})
    assert "invalid, used or expired" in assert_error(again, 422, "invalid_link")["message"]
    # Verified: asking again sends nothing more.
    r = await client.post("/api/v1/me/verify-email/resend", headers=bearer(token))
    assert r.status_code == 202 and "already verified" in r.json()["message"]
    assert len(inbox.messages_to("ada@example.com")) == 1


async def test_an_expired_verification_link_is_refused_and_a_new_one_can_be_asked_for(client, inbox):
    token = await token_for(client)
    (mail,) = await inbox.wait_for("ada@example.com")
    async with session_scope() as s:
        await s.execute(update(EmailToken).values(expires_at=utcnow()))
    r = await client.post("/api/v1/auth/verify-email", json={"token": token_of(link_in(mail, "/verify-email"))})
    assert_error(r, 422, "invalid_link")
    r = await client.post("/api/v1/me/verify-email/resend", headers=bearer(token))
    assert r.status_code == 202 and "ada@example.com" in r.json()["message"]
    mails = await inbox.wait_for("ada@example.com", 2)
    r = await client.post("/api/v1/auth/verify-email", json={"token": token_of(link_in(mails[-1], "/verify-email"))})
    assert r.status_code == 200
    assert (await user_row()).email_verified_at is not None


async def test_admin_email_becomes_admin_only_after_verifying(client, inbox, monkeypatch):
    monkeypatch.setattr(get_settings(), "admin_email", "boss@example.com")
    token = await token_for(client, "boss@example.com", "Boss")
    me = (await client.get("/api/v1/me", headers=bearer(token))).json()
    assert me["role"] == "user"
    assert_error(await client.get("/api/v1/admin/users", headers=bearer(token)), 403)
    (mail,) = await inbox.wait_for("boss@example.com")
    r = await client.post("/api/v1/auth/verify-email", json={"token": token_of(link_in(mail, "/verify-email"))})
    assert r.status_code == 200 and r.json()["role"] == "admin"
    assert (await client.get("/api/v1/admin/users", headers=bearer(token))).status_code == 200


async def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(client, inbox):
    await token_for(client)
    await inbox.wait_for("ada@example.com")  # the verification mail
    known = await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.com"})
    unknown = await client.post("/api/v1/auth/forgot-password", json={"email": "ghost@example.com"})
    malformed = await client.post("/api/v1/auth/forgot-password", json={"email": "not an address"})
    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.json() == unknown.json() == malformed.json()
    assert "If an account exists for that address" in known.json()["message"]
    mails = await inbox.wait_for("ada@example.com", 2)
    assert mails[-1]["Subject"] == "Reset your password"
    assert inbox.messages_to("ghost@example.com") == []


async def test_reset_link_sets_a_new_password_once_and_ends_every_session(client, inbox):
    old_token = await token_for(client)
    key = await client.post("/api/v1/me/api-keys", json={"name": "script"}, headers=bearer(old_token))
    secret = key.json()["key"]
    await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.com"})
    mails = await inbox.wait_for("ada@example.com", 2)
    link = link_in(next(m for m in mails if m["Subject"] == "Reset your password"), "/reset-password")
    reset_token = token_of(link)

    weak = await client.post("/api/v1/auth/reset-password", json={"token": reset_token, "new_password": "123"})
    assert_error(weak, 422, "weak_password")  # the link is still good after a weak try
    r = await client.post(
        "/api/v1/auth/reset-password",
        json={"token": reset_token, "new_password": NEW_PASSWORD, "revoke_api_keys": True},
    )
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email_verified_at"]  # the link came to the address: it is verified
    assert (await client.get("/api/v1/me", headers=bearer(r.json()["access_token"]))).status_code == 200
    assert_error(await client.get("/api/v1/me", headers=bearer(old_token)), 401, "token_revoked")
    assert_error(await client.get("/api/v1/me", headers={"X-API-Key": secret}), 401, "invalid_api_key")
    old = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert_error(old, 401, "bad_credentials")
    new = await client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": NEW_PASSWORD})
    assert new.status_code == 200
    again = await client.post(
        "/api/v1/auth/reset-password", json={"token": reset_token, "new_password": "another-pass-55"}
    )
    assert_error(again, 422, "invalid_link")


async def test_reset_link_expires_and_using_one_retires_the_others(client, inbox):
    await token_for(client)
    for _ in range(2):
        await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.com"})
    mails = await inbox.wait_for("ada@example.com", 3)
    first, second = (token_of(link_in(m, "/reset-password")) for m in mails if m["Subject"] == "Reset your password")
    async with session_scope() as s:
        await s.execute(update(EmailToken).where(EmailToken.purpose == "reset").values(expires_at=utcnow()))
    r = await client.post("/api/v1/auth/reset-password", json={"token": second, "new_password": NEW_PASSWORD})
    assert_error(r, 422, "invalid_link")
    async with session_scope() as s:
        later = utcnow().replace(year=utcnow().year + 1)
        await s.execute(update(EmailToken).where(EmailToken.purpose == "reset").values(expires_at=later))
    assert (
        await client.post("/api/v1/auth/reset-password", json={"token": second, "new_password": NEW_PASSWORD})
    ).status_code == 200
    r = await client.post("/api/v1/auth/reset-password", json={"token": first, "new_password": "another-pass-55"})
    assert_error(r, 422, "invalid_link")


async def test_reset_requests_are_limited_per_address_and_per_account(client, inbox, monkeypatch):
    monkeypatch.setattr(get_settings(), "account_email_max_per_address", 4)
    await token_for(client)
    await inbox.wait_for("ada@example.com")
    for _ in range(4):
        r = await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.com"})
        assert r.status_code == 202
    r = await client.post("/api/v1/auth/forgot-password", json={"email": "someone@example.com"})
    assert_error(r, 429, "email_throttled")
    # The account itself got at most three reset links in the window, however often it was asked.
    await inbox.wait_for("ada@example.com", 4)
    resets = [m for m in inbox.messages_to("ada@example.com") if m["Subject"] == "Reset your password"]
    assert len(resets) == 3


async def test_a_disabled_account_gets_no_reset_link(client, inbox):
    r = await signup(client)
    await inbox.wait_for("ada@example.com")
    async with session_scope() as s:
        await s.execute(update(User).where(User.id == r.json()["user"]["id"]).values(is_disabled=True))
    r = await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.com"})
    assert r.status_code == 202
    # Links are prepared one after another: once Bob's arrived, Ada's request has been dealt with.
    await token_for(client, "bob@example.com", "Bob")
    await client.post("/api/v1/auth/forgot-password", json={"email": "bob@example.com"})
    await inbox.wait_for("bob@example.com", 2)
    async with session_scope() as s:
        resets = (await s.execute(select(EmailToken.email).where(EmailToken.purpose == "reset"))).scalars().all()
    assert resets == ["bob@example.com"]
    assert len(inbox.messages_to("ada@example.com")) == 1
