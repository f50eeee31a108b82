"""Credentials vault: create, list, delete, and (for block runs only) read decrypted secrets.

Functions take the session first and flush; the caller commits. Every function is owner-checked:
another user's credential id is reported as not found, never as forbidden, so ids reveal nothing.
Secrets are encrypted before they reach the session and never appear in a return value meant for a
page or the API, in an exception message, or in a log line.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.credentials import crypto
from autogpt_app.credentials.models import Credential, CredentialPublic, CredentialSecret, CredentialType
from autogpt_app.credentials.oauth import GOOGLE_TOKEN_URI
from autogpt_app.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "CredentialPublic",
    "CredentialSecret",
    "CredentialType",
    "create_credential",
    "delete_credential",
    "find_for_provider",
    "get_credential",
    "get_secret",
    "list_credentials",
    "make_hint",
    "rotate_all",
]

log = logging.getLogger(__name__)

MAX_CREDENTIALS_PER_USER = 200
MAX_TITLE = 120
MAX_API_KEY = 4096
MAX_USERNAME = 320
MAX_PASSWORD = 1024
MAX_HEADERS = 20
MAX_HEADER_NAME = 100
MAX_HEADER_VALUE = 8192
MAX_META_KEYS = 20
MAX_META_VALUE = 2048
MAX_CLIENT_ID = 512
MAX_CLIENT_SECRET = 512
MAX_REFRESH_TOKEN = 4096
HINT_MIN_SECRET = 12  # shorter secrets get no hint at all
HINT_PREFIX_MIN_SECRET = 20  # a public-looking prefix ("sk-") is shown only for long secrets
ROTATE_BATCH = 500

_PROVIDER_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # an RFC 9110 token
_HOST_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_META_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
_KEY_PREFIX_RE = re.compile(r"^[A-Za-z]{2,4}[-_]")
# Headers that frame or route the request; letting a credential set them would allow smuggling.
_FORBIDDEN_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "expect",
        "proxy-connection",
    }
)
# Meta is stored in clear: refuse names that say they hold a secret.
_SECRET_META_NAMES = frozenset(
    {"api_key", "apikey", "key", "secret", "password", "passwd", "token", "access_token", "authorization"}
)
_SECRET_META_SUFFIXES = ("_secret", "_password", "_token", "_api_key", "_apikey")
_SECRET_FIELDS = {
    CredentialType.API_KEY: ("api_key",),
    CredentialType.USER_PASSWORD: ("username", "password"),
    CredentialType.HOST_SCOPED: ("headers",),
    CredentialType.OAUTH2: ("client_id", "client_secret", "refresh_token"),
}


# --- validation (messages never repeat a submitted secret) -----------------------------------


def _has_control_chars(value: str, *, allow_tab: bool = False) -> bool:
    return any((ord(c) < 32 and not (allow_tab and c == "\t")) or ord(c) == 127 for c in value)


def _clean_provider(provider: str) -> str:
    provider = (provider or "").strip().lower()
    if not _PROVIDER_RE.match(provider):
        raise InvalidInput(
            "Provider must be 1 to 64 characters: lower-case letters, digits, '.', '_' or '-' "
            "(e.g. openai, smtp, http).",
            code="invalid_provider",
        )
    return provider


def _clean_type(kind: str) -> CredentialType:
    try:
        return CredentialType(kind)
    except ValueError:
        allowed = ", ".join(t.value for t in CredentialType)
        raise InvalidInput(f"Type must be one of: {allowed}.", code="invalid_type") from None


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"Give the credential a title of 1 to {MAX_TITLE} characters.", code="invalid_title")
    return title


def clean_host(host: str) -> str:
    """Return ``host`` as a lower-case host name or IP address, or raise :class:`InvalidInput`.

    Only a bare host is accepted: no scheme, user, port, path, query, wildcard, or numeric tricks
    such as ``0x7f.1`` or ``2130706433``.
    """
    bad = InvalidInput(
        "Enter the host the headers may be sent to, like api.example.com (no scheme, port or path).",
        code="invalid_host",
    )
    host = (host or "").strip().lower()
    if host.endswith("."):
        host = host[:-1]
    if not host or len(host) > 253 or any(c in host for c in "/\\:@?#%[]* \t\r\n"):
        raise bad
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise bad from None
    labels = host.split(".")
    if not all(_HOST_LABEL_RE.match(label) for label in labels):
        raise bad
    last = labels[-1]
    if last.isdigit() or last.startswith("0x"):  # looks numeric: only a canonical IPv4 address
        try:
            if str(ipaddress.IPv4Address(host)) != host:
                raise bad
        except ipaddress.AddressValueError:
            raise bad from None
    return host


def _clean_api_key(api_key: str | None) -> str:
    api_key = (api_key or "").strip()
    if not api_key:
        raise InvalidInput("Enter the API key.", code="invalid_api_key")
    if len(api_key) > MAX_API_KEY:
        raise InvalidInput(f"The API key must be at most {MAX_API_KEY} characters.", code="invalid_api_key")
    if _has_control_chars(api_key):
        raise InvalidInput("The API key must not contain line breaks or control characters.", code="invalid_api_key")
    return api_key


def _clean_user_password(username: str | None, password: str | None) -> tuple[str, str]:
    username = (username or "").strip()
    if not username or len(username) > MAX_USERNAME:
        raise InvalidInput(f"Enter a username of 1 to {MAX_USERNAME} characters.", code="invalid_username")
    if _has_control_chars(username):
        raise InvalidInput("The username must not contain control characters.", code="invalid_username")
    password = password or ""
    if not password.strip():
        raise InvalidInput("Enter the password.", code="invalid_password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"The password must be at most {MAX_PASSWORD} characters.", code="invalid_password")
    if _has_control_chars(password):
        raise InvalidInput("The password must not contain control characters.", code="invalid_password")
    return username, password


def _clean_oauth2(client_id: str | None, client_secret: str | None, refresh_token: str | None) -> dict[str, str]:
    """The OAuth 2.0 fields, checked: all three are needed to renew an access token."""
    fields = {
        "client_id": ("client id", client_id, MAX_CLIENT_ID),
        "client_secret": ("client secret", client_secret, MAX_CLIENT_SECRET),
        "refresh_token": ("refresh token", refresh_token, MAX_REFRESH_TOKEN),
    }
    cleaned: dict[str, str] = {}
    for name, (label, value, limit) in fields.items():
        value = (value or "").strip()
        if not value:
            raise InvalidInput(f"Enter the {label}.", code=f"invalid_{name}")
        if len(value) > limit or _has_control_chars(value) or " " in value:
            raise InvalidInput(
                f"The {label} must be at most {limit} characters without spaces or line breaks.", code=f"invalid_{name}"
            )
        cleaned[name] = value
    return cleaned


def _clean_headers(headers: dict[str, str] | None) -> dict[str, str]:
    if not isinstance(headers, dict) or not headers:
        raise InvalidInput("Add at least one header (name and value).", code="invalid_headers")
    if len(headers) > MAX_HEADERS:
        raise InvalidInput(f"At most {MAX_HEADERS} headers per credential.", code="invalid_headers")
    cleaned: dict[str, str] = {}
    seen: set[str] = set()
    for position, (name, value) in enumerate(headers.items(), start=1):
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_HEADER_NAME or not _HEADER_NAME_RE.match(name):
            raise InvalidInput(
                f"Header {position} needs a valid name: letters, digits and !#$%&'*+-.^_`|~ only, "
                f"at most {MAX_HEADER_NAME} characters (e.g. Authorization).",
                code="invalid_headers",
            )
        if name.lower() in _FORBIDDEN_HEADERS:
            raise InvalidInput(f"The header {name} cannot be stored in a credential.", code="invalid_headers")
        if name.lower() in seen:
            raise InvalidInput(f"The header {name} appears twice.", code="invalid_headers")
        seen.add(name.lower())
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            raise InvalidInput(f"Enter a value for the header {name}.", code="invalid_headers")
        if len(value) > MAX_HEADER_VALUE or _has_control_chars(value, allow_tab=True):
            raise InvalidInput(
                f"The value of the header {name} must be at most {MAX_HEADER_VALUE} characters "
                "without line breaks or control characters.",
                code="invalid_headers",
            )
        cleaned[name] = value
    return cleaned


def _clean_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise InvalidInput("Settings (meta) must be an object of names and values.", code="invalid_meta")
    if len(meta) > MAX_META_KEYS:
        raise InvalidInput(f"At most {MAX_META_KEYS} settings per credential.", code="invalid_meta")
    cleaned: dict[str, Any] = {}
    for key, value in meta.items():
        if not isinstance(key, str) or not _META_KEY_RE.match(key):
            raise InvalidInput(
                "Setting names must start with a letter and use letters, digits, '_', '.' or '-' (max 64).",
                code="invalid_meta",
            )
        lowered = key.lower()
        if lowered in _SECRET_META_NAMES or lowered.endswith(_SECRET_META_SUFFIXES):
            raise InvalidInput(
                f"Settings are stored unencrypted; put secrets in the secret fields, not in '{key}'.",
                code="invalid_meta",
            )
        if isinstance(value, str):
            value = value.strip()
            if len(value) > MAX_META_VALUE or _has_control_chars(value):
                raise InvalidInput(
                    f"The setting '{key}' must be at most {MAX_META_VALUE} characters on one line.", code="invalid_meta"
                )
            if value == "":
                continue  # an empty optional field means "not set"
        elif value is None:
            continue  # "not set"
        elif not isinstance(value, bool | int | float):
            raise InvalidInput(f"The setting '{key}' must be text, a number or true/false.", code="invalid_meta")
        cleaned[key] = value
    _check_known_meta(cleaned)
    return cleaned


def _check_known_meta(meta: dict[str, Any]) -> None:
    """Check the well-known settings: base_url (OpenAI-compatible), host/port/tls (SMTP)."""
    if meta.get("base_url") is not None:
        url = meta["base_url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            raise InvalidInput(
                "Base URL must be an http(s) address such as https://api.example.com/v1.", code="invalid_meta"
            )
    if meta.get("host") is not None:
        meta["host"] = clean_host(str(meta["host"]))
    if meta.get("port") is not None:
        port = meta["port"]
        if isinstance(port, str) and port.isdigit():
            port = int(port)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise InvalidInput("Port must be a number from 1 to 65535.", code="invalid_meta")
        meta["port"] = port
    if meta.get("tls") is not None and not isinstance(meta["tls"], bool):
        raise InvalidInput("TLS must be true or false.", code="invalid_meta")
    if meta.get("token_uri") is not None:
        url = meta["token_uri"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            raise InvalidInput(
                "Token URI must be an http(s) address such as https://oauth2.googleapis.com/token.", code="invalid_meta"
            )


def make_hint(secret: str) -> str:
    """Return a masked display of ``secret``: at most its last 4 characters.

    Secrets shorter than 12 characters get no hint. A short public prefix such as ``sk-`` is kept
    for secrets of 20 characters or more, e.g. ``sk-…7f3a``.
    """
    if len(secret) < HINT_MIN_SECRET:
        return ""
    prefix = ""
    if len(secret) >= HINT_PREFIX_MIN_SECRET and (match := _KEY_PREFIX_RE.match(secret)):
        prefix = match.group(0)
    return f"{prefix}…{secret[-4:]}"


def _public(row: Credential) -> CredentialPublic:
    return CredentialPublic(
        id=row.id,
        provider=row.provider,
        type=CredentialType(row.type),
        title=row.title,
        host=row.host,
        meta=dict(row.meta or {}),
        hint=row.hint,
        created_at=row.created_at,
    )


async def _owned(session: AsyncSession, user_id: str, credential_id: str) -> Credential:
    row = await session.get(Credential, credential_id) if credential_id and len(credential_id) <= 64 else None
    if row is None or row.user_id != user_id:
        raise NotFound("No such credential.", code="credential_not_found")
    return row


# --- operations --------------------------------------------------------------------------------


async def create_credential(
    session: AsyncSession,
    user: User,
    *,
    provider: str,
    type: str,
    title: str,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    headers: dict[str, str] | None = None,
    host: str | None = None,
    meta: dict[str, Any] | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    refresh_token: str | None = None,
) -> CredentialPublic:
    """Store a credential for ``user``, encrypted, and return its masked record.

    Secret fields per type: ``api_key`` → ``api_key``; ``user_password`` → ``username`` and
    ``password``; ``host_scoped`` → ``headers`` (1–20 name/value pairs) and ``host``; ``oauth2`` →
    ``client_id``, ``client_secret`` and ``refresh_token`` plus a ``token_uri`` setting (Google's token
    endpoint by default for provider ``google``), so a block can renew the access token at run time.

    Raises:
        InvalidInput: a field is missing or malformed, or belongs to another type (nothing is written).
        Conflict: the user already has the maximum number of credentials.
    """
    require_permission(user, Permission.USE_PLATFORM)
    kind = _clean_type(type)
    provider = _clean_provider(provider)
    title = _clean_title(title)
    given = {
        "api_key": api_key,
        "username": username,
        "password": password,
        "headers": headers,
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
    }
    extra = [name for name, value in given.items() if value and name not in _SECRET_FIELDS[kind]]
    if extra:
        raise InvalidInput(
            f"A {kind.value} credential does not take {', '.join(extra)}; it takes {', '.join(_SECRET_FIELDS[kind])}.",
            code="invalid_fields",
        )
    if kind is not CredentialType.HOST_SCOPED and (host or "").strip():
        raise InvalidInput("Only host-scoped credentials have a host.", code="invalid_host")
    clean_meta = _clean_meta(meta)

    clean_host_value: str | None = None
    if kind is CredentialType.API_KEY:
        secret = _clean_api_key(api_key)
        payload: dict[str, Any] = {"api_key": secret}
        hint = make_hint(secret)
    elif kind is CredentialType.USER_PASSWORD:
        clean_user, clean_password = _clean_user_password(username, password)
        payload = {"username": clean_user, "password": clean_password}
        hint = ""  # no character of a password is ever shown
    elif kind is CredentialType.OAUTH2:
        payload = _clean_oauth2(client_id, client_secret, refresh_token)
        if provider == "google":
            clean_meta.setdefault("token_uri", GOOGLE_TOKEN_URI)
        elif not clean_meta.get("token_uri"):
            raise InvalidInput(
                "Give the token URI of the provider's OAuth server (its address for renewing access tokens).",
                code="invalid_meta",
            )
        hint = make_hint(payload["refresh_token"])
    else:
        clean_host_value = clean_host(host or "")
        clean_headers = _clean_headers(headers)
        payload = {"headers": clean_headers}
        hint = ", ".join(clean_headers)
        if len(hint) > 64:
            hint = hint[:63] + "…"

    count = (
        await session.execute(select(func.count()).select_from(Credential).where(Credential.user_id == user.id))
    ).scalar_one()
    if count >= MAX_CREDENTIALS_PER_USER:
        raise Conflict(
            f"You already have {MAX_CREDENTIALS_PER_USER} credentials; delete one first.", code="too_many_credentials"
        )

    row = Credential(
        user_id=user.id,
        provider=provider,
        type=kind.value,
        title=title,
        host=clean_host_value,
        meta=clean_meta,
        hint=hint,
        ciphertext=crypto.encrypt(payload),
    )
    session.add(row)
    await session.flush()
    log.info("credential %s (%s/%s) created for user %s", row.id, row.provider, row.type, user.id)
    return _public(row)


async def list_credentials(session: AsyncSession, user: User, provider: str | None = None) -> list[CredentialPublic]:
    """Return ``user``'s credentials, newest first, masked; optionally only one provider's."""
    require_permission(user, Permission.USE_PLATFORM)
    query = select(Credential).where(Credential.user_id == user.id)
    if provider:
        query = query.where(Credential.provider == provider.strip().lower())
    rows = (await session.execute(query.order_by(Credential.created_at.desc(), Credential.id))).scalars()
    return [_public(row) for row in rows]


async def get_credential(session: AsyncSession, user: User, credential_id: str) -> CredentialPublic:
    """Return one of ``user``'s credentials, masked.

    Raises:
        NotFound: no such credential, or it belongs to someone else.
    """
    require_permission(user, Permission.USE_PLATFORM)
    return _public(await _owned(session, user.id, credential_id))


async def find_for_provider(
    session: AsyncSession, user: User, provider: str, type: str | None = None
) -> list[CredentialPublic]:
    """Return ``user``'s credentials for ``provider`` (and ``type``, if given), newest first, masked.

    For the copilot and graph set-up: which saved credential could fill a block's credential input.
    """
    kind = _clean_type(type) if type else None
    rows = await list_credentials(session, user, provider=provider)
    return [row for row in rows if kind is None or row.type == kind]


async def delete_credential(session: AsyncSession, user: User, credential_id: str) -> None:
    """Delete one of ``user``'s credentials.

    Raises:
        NotFound: no such credential, or it belongs to someone else.
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user.id, credential_id)
    await session.delete(row)
    await session.flush()
    log.info("credential %s deleted by user %s", credential_id, user.id)


async def get_secret(session: AsyncSession, user_id: str, credential_id: str) -> CredentialSecret:
    """Return the decrypted credential ``credential_id`` of the user ``user_id``.

    INTERNAL, for block runs only: the result must never be returned to a page or an API
    response, stored in page state, or logged. The caller passes the id of the user on whose
    behalf the graph runs; another user's credential is reported as not found.

    Raises:
        NotFound: no such credential for this user.
        CredentialDecryptionError: the configured keys cannot open it.
    """
    row = await _owned(session, user_id, credential_id)
    payload = crypto.decrypt(row.ciphertext)
    return CredentialSecret(
        id=row.id,
        user_id=row.user_id,
        provider=row.provider,
        type=CredentialType(row.type),
        title=row.title,
        host=row.host,
        meta=dict(row.meta or {}),
        api_key=payload.get("api_key"),
        username=payload.get("username"),
        password=payload.get("password"),
        headers=payload.get("headers") or {},
        client_id=payload.get("client_id"),
        client_secret=payload.get("client_secret"),
        refresh_token=payload.get("refresh_token"),
    )


async def rotate_all(session: AsyncSession) -> int:
    """Re-encrypt every stored credential under the newest key; return how many rows changed.

    Run it after putting a new key in front of ``CREDENTIALS_KEYS``; once it has committed,
    the older keys can be removed.

    Raises:
        CredentialDecryptionError: a row cannot be opened by any configured key (nothing is
            committed if the caller's scope rolls back).
    """
    done = 0
    last_id = ""
    while True:
        rows = (
            (
                await session.execute(
                    select(Credential).where(Credential.id > last_id).order_by(Credential.id).limit(ROTATE_BATCH)
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for row in rows:
            try:
                row.ciphertext = crypto.rotate(row.ciphertext)
            except crypto.CredentialDecryptionError as exc:
                raise crypto.CredentialDecryptionError(
                    f"Credential {row.id} cannot be opened by any configured key; rotation stopped.",
                    code=exc.code,
                ) from None
            session.add(row)
        await session.flush()
        done += len(rows)
        last_id = rows[-1].id
    log.info("re-encrypted %d credentials under the newest key", done)
    return done
