"""OAuth 2.0 access tokens for ``oauth2`` credentials: renewed with the refresh token, cached until expiry.

A block run holds the credential's client id, client secret and refresh token (decrypted for the
run only). :func:`access_token` asks the credential's token endpoint (``meta.token_uri``, Google's
by default) for a short-lived access token through the caller's SSRF-guarded client and keeps it in
this process until a minute before it expires, so the runs of one agent do not renew it each time.
The cache key covers the refresh token and client, so a credential re-created with other secrets
never gets an old token; :func:`forget` drops a token the service refused.

A refusal of the refresh token itself (revoked, expired, wrong client) becomes
:class:`ReconnectNeeded` with a sentence telling the person to reconnect their account; no secret
and no access token ever appears in a message or a log line.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from autogpt_app.net import OutboundRequestError, SafeResponse

log = logging.getLogger(__name__)

#: Where an ``oauth2`` credential renews its access token unless its settings name another ``token_uri``.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
#: Renew this many seconds before the token's announced expiry.
EXPIRY_MARGIN = 60.0
#: Lifetime assumed when the token endpoint does not say.
DEFAULT_LIFETIME = 3600.0
MAX_CACHED = 1000
_MASK = "********"


class TokenProblem(Exception):
    """Renewing the access token failed; ``str()`` is fit for the run page (never a secret)."""


class ReconnectNeeded(TokenProblem):
    """The token endpoint refused the refresh token or the client: the person must reconnect."""


class _Poster(Protocol):
    async def post(self, url: str, **kwargs: Any) -> SafeResponse: ...


@dataclass(frozen=True)
class OAuthClient:
    """What renewing a token needs: the app's client, the person's refresh token and the endpoint."""

    credential_id: str
    client_id: str
    client_secret: str
    refresh_token: str
    token_uri: str
    provider_label: str = "Google"

    def key(self) -> str:
        """Cache key: changes whenever any of the secrets or the endpoint change."""
        raw = "\0".join((self.credential_id, self.client_id, self.client_secret, self.refresh_token, self.token_uri))
        return hashlib.sha256(raw.encode()).hexdigest()


_cache: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()  # workers run several event loops in threads: guard the dict, not a coroutine


def _cached(key: str) -> str | None:
    with _lock:
        entry = _cache.get(key)
        if entry is None:
            return None
        token, expires = entry
        if time.monotonic() >= expires:
            del _cache[key]
            return None
        return token


def _store(key: str, token: str, lifetime: float) -> None:
    now = time.monotonic()
    with _lock:
        if len(_cache) >= MAX_CACHED:
            for stale in [k for k, (_, exp) in _cache.items() if exp <= now] or list(_cache)[: MAX_CACHED // 10]:
                _cache.pop(stale, None)
        _cache[key] = (token, now + max(lifetime - EXPIRY_MARGIN, 1.0))


def forget(client: OAuthClient) -> None:
    """Drop the cached access token of ``client`` (after the service refused it)."""
    with _lock:
        _cache.pop(client.key(), None)


def clear_cache() -> None:
    """Forget every cached access token (tests, key rotation)."""
    with _lock:
        _cache.clear()


def _masked(text: str, client: OAuthClient) -> str:
    for secret in (client.client_secret, client.refresh_token):
        if secret and secret in text:
            text = text.replace(secret, _MASK)
    return text


def _reconnect(label: str, reason: str) -> ReconnectNeeded:
    return ReconnectNeeded(
        f"{label} refused to renew access ({reason}). Reconnect your {label} account: make a new refresh "
        "token and update the credential."
    )


async def access_token(http: _Poster, client: OAuthClient) -> str:
    """A valid access token for ``client``: the cached one, or a new one from the token endpoint.

    Args:
        http: The run's SSRF-guarded client (only ``post`` is used).
        client: The credential's client, refresh token and token endpoint.

    Raises:
        ReconnectNeeded: the endpoint refused the refresh token or the client (HTTP 400/401).
        TokenProblem: the endpoint could not be reached, limited us, failed, or answered nonsense.
    """
    key = client.key()
    token = _cached(key)
    if token is not None:
        return token
    label = client.provider_label
    form = {
        "grant_type": "refresh_token",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "refresh_token": client.refresh_token,
    }
    try:
        response = await http.post(client.token_uri, data=form, headers={"Accept": "application/json"})
    except OutboundRequestError as exc:
        raise TokenProblem(f"Could not renew the {label} access: {_masked(exc.message, client)}") from None
    try:
        body = response.json()
    except OutboundRequestError:
        body = None
    if response.status_code in (400, 401, 403):
        code = str(body.get("error") or "") if isinstance(body, dict) else ""
        known = {
            "invalid_grant": "the refresh token was revoked or has expired",
            "invalid_client": "the client id or secret is wrong",
            "unauthorized_client": "this client may not use that refresh token",
        }
        raise _reconnect(label, known.get(code, f"HTTP {response.status_code}"))
    if response.status_code == 429:
        raise TokenProblem(f"{label}'s sign-in service is limiting requests (HTTP 429). Try again in a little while.")
    if not response.is_success:
        raise TokenProblem(f"{label}'s sign-in service had a problem (HTTP {response.status_code}). Try again later.")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise TokenProblem(f"{label}'s sign-in service answered without an access token.")
    try:
        lifetime = float(body.get("expires_in") or DEFAULT_LIFETIME)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    _store(key, token, lifetime)
    log.info("renewed the access token of credential %s", client.credential_id)
    return token
