"""The rules a trigger's settings must meet, per kind, checked before anything is written.

Kept apart from the service so each rule reads on its own: the config of each kind (webhook limits
and how senders sign, the feed or page address, the mailbox), the poll interval, and the input
mapping with the fixed inputs (every input of the agent that needs a value must get one from the
event or a fixed value; names and paths must exist).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions.preparation import missing_inputs
from autogpt_app.executions.service import validate_inputs
from autogpt_app.net import OutboundRequestError
from autogpt_app.net.ssrf import checked_url
from autogpt_app.triggers.mapping import check_path, default_mapping
from autogpt_app.triggers.models import AUTH_MODES, KINDS

#: Webhook deliveries one trigger accepts per minute: the default and the bounds.
DEFAULT_PER_MINUTE, MIN_PER_MINUTE, MAX_PER_MINUTE = 60, 1, 600
#: Seconds between looks of a poll trigger: the default and the bounds.
DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL = 300, 60, 86_400
DEFAULT_FOLDER = "INBOX"
MAX_URL, MAX_FOLDER = 2000, 200
#: The credential a mailbox trigger reads with: what the *Read e-mails (IMAP)* block takes.
IMAP_PROVIDER, IMAP_TYPES = "imap", ("user_password",)
POLL_KINDS = ("feed", "page", "imap")


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is one of ``webhook``, ``feed``, ``page``, ``imap``; else refuse it."""
    if kind not in KINDS:
        raise InvalidInput(
            "A trigger is a webhook, a new feed item (feed), a changed page (page) or a new e-mail (imap).",
            code="invalid_kind",
        )
    return kind


def _whole_number(value: Any, what: str, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.", code="invalid_config")
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.", code="invalid_config") from None
    if not number.is_integer() or not low <= number <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.", code="invalid_config")
    return int(number)


def poll_interval(value: Any) -> int:
    """Seconds between looks of a poll trigger: 300 by default, 60 to 86,400."""
    return _whole_number(value, "The time between checks (seconds)", MIN_INTERVAL, MAX_INTERVAL, DEFAULT_INTERVAL)


def _check_url(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput("Give the address to watch (an http:// or https:// URL).", code="invalid_url")
    if len(text) > MAX_URL:
        raise InvalidInput(f"The address is at most {MAX_URL} characters.", code="invalid_url")
    try:
        return str(checked_url(text))
    except OutboundRequestError as exc:
        raise InvalidInput(exc.message, code="invalid_url") from None


async def _check_mailbox_credential(session: AsyncSession, user: User, credential_id: Any) -> str:
    from autogpt_app.credentials import service as credentials  # credentials → executions → us

    if not credential_id:
        raise InvalidInput("Choose the mailbox login (an IMAP credential) to read with.", code="invalid_config")
    try:
        credential = await credentials.get_credential(session, user, str(credential_id))
    except NotFound:
        raise InvalidInput("That mailbox login was not found among your credentials.", code="invalid_config") from None
    kind = str(getattr(credential.type, "value", credential.type))
    if credential.provider != IMAP_PROVIDER or kind not in IMAP_TYPES:
        raise InvalidInput(
            f"'{credential.title}' is not a mailbox login: choose an IMAP credential (user name and password).",
            code="invalid_config",
        )
    return credential.id


def _check_folder(value: Any) -> str:
    folder = " ".join(str(value or "").split()) or DEFAULT_FOLDER
    if len(folder) > MAX_FOLDER or any(ord(ch) < 32 or ch in '"\\' for ch in folder):
        raise InvalidInput("That folder name cannot be read: use the name your mail app shows.", code="invalid_config")
    return folder


async def checked_config(
    session: AsyncSession, user: User, kind: str, config: dict[str, Any] | None
) -> tuple[dict[str, Any], str | None]:
    """The config to store for ``kind`` and, for webhooks, the auth mode (``hmac`` by default).

    * webhook: ``max_per_minute`` (60; 1–600), ``auth_mode`` ``hmac`` | ``bearer``;
    * feed, page: ``url`` (http/https, not a private or local address);
    * imap: ``folder`` (``INBOX``) and ``credential_id`` (one of the person's IMAP logins).

    Raises:
        InvalidInput: ``invalid_config``, ``invalid_url``.
    """
    given = dict(config or {})
    if not isinstance(config, (dict, type(None))):
        raise InvalidInput("The trigger's settings must be an object.", code="invalid_config")
    if kind == "webhook":
        mode = str(given.get("auth_mode") or "hmac")
        if mode not in AUTH_MODES:
            raise InvalidInput(
                "A webhook is either signed (hmac) or carries its secret as a bearer token (bearer).",
                code="invalid_config",
            )
        per_minute = _whole_number(
            given.get("max_per_minute"),
            "The deliveries per minute",
            MIN_PER_MINUTE,
            MAX_PER_MINUTE,
            DEFAULT_PER_MINUTE,
        )
        return {"max_per_minute": per_minute}, mode
    if kind in ("feed", "page"):
        return {"url": _check_url(given.get("url"))}, None
    return {
        "folder": _check_folder(given.get("folder")),
        "credential_id": await _check_mailbox_credential(session, user, given.get("credential_id")),
    }, None


def _title(properties: dict[str, Any], name: str) -> str:
    return str(properties.get(name, {}).get("title") or name)


def checked_inputs(
    schema: dict[str, Any], kind: str, mapping: dict[str, str] | None, fixed: dict[str, Any] | None
) -> tuple[dict[str, str], dict[str, Any]]:
    """The input mapping and fixed inputs to store, checked against the agent's input schema.

    Without a mapping, the one input no fixed value fills gets the event (``mapping.default_mapping``:
    a feed item's link for an address input, a page's text for a text input, else all of it);
    otherwise the person maps. Every mapped name must be an input of the agent and every path valid; every
    required input must be mapped or have a fixed value (inputs the mapping fills count as present);
    fixed values are checked and coerced as a run's inputs are.

    Raises:
        InvalidInput: ``invalid_mapping``, ``inputs_missing`` (naming the inputs still needing a
            value), ``invalid_inputs``.
    """
    properties: dict[str, Any] = schema.get("properties") or {}
    if mapping is None:
        try:
            mapping = default_mapping(kind, schema, set(fixed or {})) if properties else {}
        except InvalidInput:  # several inputs could take it: the check below names what still needs a value
            mapping = {}
    if not isinstance(mapping, dict):
        raise InvalidInput("The input mapping must be an object of input → path.", code="invalid_mapping")
    unknown = sorted(set(mapping) - set(properties))
    if unknown:
        raise InvalidInput(
            f"This agent has no input named {', '.join(repr(u) for u in unknown)}.", code="invalid_mapping"
        )
    clean = {str(name): check_path(str(path)) for name, path in mapping.items()}
    given = dict(fixed or {})
    if not isinstance(fixed, (dict, type(None))):
        raise InvalidInput("Fixed inputs must be an object of name → value.", code="invalid_inputs")
    missing = missing_inputs(schema, {**given, **{name: True for name in clean}})
    if missing:
        names = ", ".join(_title(properties, n) for n in missing)
        raise InvalidInput(
            f"Say where these inputs come from — a part of the event or a fixed value: {names}.",
            code="inputs_missing",
            details=[{"input": n, "message": "required", "title": _title(properties, n)} for n in missing],
        )
    relaxed = {**schema, "required": [n for n in schema.get("required") or [] if n not in clean]}
    values = validate_inputs(relaxed, {k: v for k, v in given.items() if v is not None})
    return clean, {k: v for k, v in values.items() if k in given and given[k] is not None}
