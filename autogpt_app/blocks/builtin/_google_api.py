"""Shared helpers of the Google blocks (Gmail, Calendar, Sheets): the person's ``google`` ``oauth2``
credential as an OAuth client, and one authorised call to a Google REST API.

The access token is renewed from the credential's refresh token and cached
(:mod:`autogpt_app.credentials.oauth`); a cached token the API refuses (401) is renewed once more,
and a second refusal asks the person to reconnect. Every request, the token endpoint's included,
goes through the run's SSRF-guarded client, and every message has the secrets masked out.

Our ``oauth2`` credentials carry no list of scopes: the refresh token the person pastes must have
been made with the scopes a block names in its credential description (e.g.
``https://www.googleapis.com/auth/calendar.readonly``). When Google says the token lacks one, the
error names the scope to add.
"""

from __future__ import annotations

from typing import Any

from autogpt_app.blocks.builtin._messaging_helpers import ServiceProblem, call_json
from autogpt_app.blocks.builtin._web_helpers import open_http
from autogpt_app.blocks.sdk import CredentialRequirement, RunContext
from autogpt_app.credentials.oauth import GOOGLE_TOKEN_URI, OAuthClient, TokenProblem, access_token, forget

NO_CREDENTIAL = "No credential was provided for 'credentials'."
NOT_OAUTH = "The Google credential must be an OAuth 2.0 credential with a client id, client secret and refresh token."
SCOPE_PREFIX = "https://www.googleapis.com/auth/"


def google_requirement(*scopes: str) -> CredentialRequirement:
    """The ``credentials`` input of a Google block, naming the scopes its refresh token needs."""
    names = " and ".join(scopes)
    return CredentialRequirement(
        field="credentials",
        provider="google",
        types=("oauth2",),
        description=f"Your Google account (OAuth 2.0 client and refresh token with the {names} scope)",
    )


def oauth_client(context: RunContext) -> OAuthClient:
    """The run's Google credential as an OAuth client, or a readable refusal.

    Raises:
        BlockError: no credential was given.
        ServiceProblem: the credential is not a complete OAuth 2.0 credential.
    """
    credential = context.secret("credentials")
    client_id = (credential.client_id or "").strip()
    secret = credential.client_secret.get_secret_value() if credential.client_secret is not None else ""
    refresh = credential.refresh_token.get_secret_value() if credential.refresh_token is not None else ""
    if credential.type != "oauth2" or not (client_id and secret and refresh):
        raise ServiceProblem(NOT_OAUTH)
    token_uri = str((credential.meta or {}).get("token_uri") or GOOGLE_TOKEN_URI)
    return OAuthClient(credential.id, client_id, secret, refresh, token_uri)


def _scope_hint(message: str, scope: str) -> str:
    """``message`` with the scope to add, when Google said the token lacks one."""
    if scope and "scope" in message.lower():
        return f"{message} The refresh token must be made with the {SCOPE_PREFIX}{scope} scope."
    return message


async def call_google(
    context: RunContext,
    client: OAuthClient,
    service: str,
    method: str,
    url: str,
    *,
    scope: str = "",
    **kwargs: Any,
) -> Any:
    """One call to a Google REST API with a fresh or cached access token; a refused cached token is
    renewed once.

    Args:
        context: The block's run context (its guarded client is used).
        client: The credential's OAuth client (see :func:`oauth_client`).
        service: The API's name as people know it ("Google Calendar"), for messages.
        method: HTTP method.
        url: Absolute URL of the call.
        scope: The scope the call needs (without the ``https://www.googleapis.com/auth/`` prefix),
            named in the error when Google says the token lacks it.
        **kwargs: ``json``, ``params`` or ``data`` for :func:`call_json`.

    Raises:
        ServiceProblem: the call failed (with a sentence for the person, no secret in it).
    """
    for attempt in (1, 2):
        try:
            async with open_http(context) as http:
                token = await access_token(http, client)
        except TokenProblem as exc:
            raise ServiceProblem(str(exc)) from None
        try:
            return await call_json(
                context,
                service,
                method,
                url,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                secrets=(token, client.client_secret, client.refresh_token),
                what="the access",
                **kwargs,
            )
        except ServiceProblem as exc:
            if exc.status == 403:
                raise ServiceProblem(_scope_hint(str(exc), scope), 403) from None
            if exc.status != 401:
                raise
            forget(client)
            if attempt == 2:
                raise ServiceProblem(
                    f"{service} refused the access Google gave (HTTP 401). Reconnect your Google account: make a "
                    "new refresh token and update the credential.",
                    401,
                ) from None
    raise AssertionError("unreachable")
