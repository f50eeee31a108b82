"""OAuth 2.0 credentials: stored encrypted like every secret, and the access token renewed and cached.

The renewal runs against a local fake of Google's token endpoint (``tests/fakes/google_apis.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from autogpt_app.credentials import oauth, service
from autogpt_app.credentials.models import CredentialType
from autogpt_app.errors import InvalidInput
from autogpt_app.net import SafeHTTP
from autogpt_app.settings import get_settings
from tests.credentials.test_service import make_user
from tests.fakes.google_apis import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGoogleApis


async def add_google(session, user, **kwargs):
    args = {
        "provider": "google",
        "type": "oauth2",
        "title": "My Gmail",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        **kwargs,
    }
    return await service.create_credential(session, user, **args)


async def test_oauth2_credential_is_masked_and_opens_for_a_run(session, caplog):
    caplog.set_level(logging.DEBUG)
    user = await make_user(session)

    created = await add_google(session, user)

    assert created.type is CredentialType.OAUTH2
    assert created.meta == {"token_uri": "https://oauth2.googleapis.com/token"}
    assert created.hint == f"…{REFRESH_TOKEN[-4:]}"
    for secret in (CLIENT_SECRET, REFRESH_TOKEN):
        assert secret not in created.model_dump_json() and secret not in caplog.text
    opened = await service.get_secret(session, user.id, created.id)
    assert opened.client_id == CLIENT_ID
    assert opened.client_secret.get_secret_value() == CLIENT_SECRET
    assert opened.refresh_token.get_secret_value() == REFRESH_TOKEN
    assert CLIENT_SECRET not in repr(opened) and REFRESH_TOKEN not in repr(opened)


async def test_oauth2_token_uri_can_be_given(session):
    user = await make_user(session)
    created = await add_google(session, user, meta={"token_uri": "https://login.example.com/oauth/token"})
    assert created.meta == {"token_uri": "https://login.example.com/oauth/token"}


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"refresh_token": ""}, "invalid_refresh_token"),
        ({"client_secret": "  "}, "invalid_client_secret"),
        ({"client_id": "two words"}, "invalid_client_id"),
        ({"meta": {"token_uri": "ftp://example.com/token"}}, "invalid_meta"),
        ({"api_key": "sk-extra"}, "invalid_fields"),
        ({"provider": "github"}, "invalid_meta"),  # only Google's token endpoint is known without being told
    ],
)
async def test_oauth2_refusals(session, overrides, code):
    user = await make_user(session)
    with pytest.raises(InvalidInput) as caught:
        await add_google(session, user, **overrides)
    assert caught.value.code == code
    assert CLIENT_SECRET not in caught.value.message and REFRESH_TOKEN not in caught.value.message


# --- renewing the access token ----------------------------------------------------------------


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogleApis]:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    oauth.clear_cache()
    with FakeGoogleApis() as fake:
        yield fake
    oauth.clear_cache()


def client(fake: FakeGoogleApis, **changes: str) -> oauth.OAuthClient:
    values = {
        "credential_id": "cred-google",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "token_uri": fake.token_uri,
        **changes,
    }
    return oauth.OAuthClient(**values)


async def test_token_renewed_once_then_cached_until_it_nearly_expires(google: FakeGoogleApis, monkeypatch):
    async with SafeHTTP() as http:
        first = await oauth.access_token(http, client(google))
        again = await oauth.access_token(http, client(google))
        assert first == again and google.refreshes == 1
        assert google.requests[0].form["grant_type"] == "refresh_token"

        other = await oauth.access_token(http, client(google, credential_id="cred-other"))
        assert other != first and google.refreshes == 2

        now = oauth.time.monotonic()
        monkeypatch.setattr(oauth.time, "monotonic", lambda: now + google.expires_in - oauth.EXPIRY_MARGIN + 1)
        renewed = await oauth.access_token(http, client(google))
        assert renewed != first and google.refreshes == 3


async def test_forget_drops_a_refused_token(google: FakeGoogleApis):
    async with SafeHTTP() as http:
        first = await oauth.access_token(http, client(google))
        oauth.forget(client(google))
        assert await oauth.access_token(http, client(google)) != first


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"refresh_token": "1//revoked-refresh-token"}, "the refresh token was revoked or has expired"),
        ({"client_secret": "GOCSPX-wrong"}, "the client id or secret is wrong"),
    ],
)
async def test_a_refused_refresh_asks_to_reconnect(google: FakeGoogleApis, caplog, changes, reason):
    caplog.set_level(logging.DEBUG)
    async with SafeHTTP() as http:
        with pytest.raises(oauth.ReconnectNeeded) as caught:
            await oauth.access_token(http, client(google, **changes))
    assert str(caught.value) == (
        f"Google refused to renew access ({reason}). Reconnect your Google account: make a new refresh token "
        "and update the credential."
    )
    for secret in (*changes.values(), CLIENT_SECRET, REFRESH_TOKEN):
        assert secret not in str(caught.value) and secret not in caplog.text


async def test_token_endpoint_outage_and_limit_are_readable(google: FakeGoogleApis):
    google.fail_next(503, {"error": "backend_error"})
    google.fail_next(429, {"error": "rate_limit_exceeded"})
    google.fail_next(200, {"token_type": "Bearer"})
    async with SafeHTTP() as http:
        messages = []
        for _ in range(3):
            with pytest.raises(oauth.TokenProblem) as caught:
                await oauth.access_token(http, client(google))
            messages.append(str(caught.value))
    assert messages == [
        "Google's sign-in service had a problem (HTTP 503). Try again later.",
        "Google's sign-in service is limiting requests (HTTP 429). Try again in a little while.",
        "Google's sign-in service answered without an access token.",
    ]


async def test_the_token_endpoint_is_behind_the_ssrf_guard(google: FakeGoogleApis, monkeypatch):
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", False)
    async with SafeHTTP() as http:
        with pytest.raises(oauth.TokenProblem) as caught:
            await oauth.access_token(http, client(google))
    assert str(caught.value) == (
        "Could not renew the Google access: Requests to private or local addresses are not allowed (127.0.0.1)."
    )
    assert google.requests == []
