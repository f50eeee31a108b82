"""What the trigger pages show, as plain values: rows, the input mapping in words, the signing examples.

Pure functions and models (no Reflex state), used by ``ui/states/triggers.py`` and its components.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from autogpt_app.triggers import checks
from autogpt_app.triggers.mapping import WHOLE
from autogpt_app.triggers.views import AUTH_LABELS, TriggerPublic

#: The kinds the dialog offers, in words.
KIND_CHOICES: dict[str, str] = {
    "webhook": "Webhook (a signed POST)",
    "feed": "New item in an RSS or Atom feed",
    "page": "A web page changed",
    "imap": "New e-mail in a mailbox folder",
}
#: Where an agent input's value comes from.
SOURCE_CHOICES: dict[str, str] = {
    "event": "The whole event",
    "path": "A part of the event (path)",
    "fixed": "A fixed value",
    "none": "Nothing (its default)",
}
MAILBOX_KEY = "trigger_mailbox"
DELIVERIES_SHOWN = 50


class TriggerRow(BaseModel):
    """A trigger as the agent's page lists it."""

    id: str
    name: str
    kind: str
    kind_label: str
    is_active: bool
    #: What it watches, in words (the feed's address, the folder) or how senders sign.
    detail: str
    webhook_url: str
    last_delivery: str
    href: str


class MappingRow(BaseModel):
    """One agent input in the dialog and where its value comes from."""

    name: str
    title: str
    required: bool
    source: str
    value: str


class DeliveryRow(BaseModel):
    """One delivery as the trigger's page lists it."""

    id: str
    received: str
    received_full: str
    status: str
    status_label: str
    http_status: str
    run_href: str
    run_status: str
    error: str
    summary: str


def describe(trigger: TriggerPublic) -> str:
    """What a trigger watches, or how its senders prove themselves, in words."""
    if trigger.kind in ("feed", "page"):
        return str(trigger.config.get("url") or "")
    if trigger.kind == "imap":
        return f"Folder {trigger.config.get('folder') or checks.DEFAULT_FOLDER}"
    per_minute = trigger.config.get("max_per_minute") or checks.DEFAULT_PER_MINUTE
    return f"{AUTH_LABELS.get(trigger.auth_mode or 'hmac', '')} · at most {per_minute} a minute"


def mapping_words(trigger: TriggerPublic) -> list[str]:
    """Each input's source in words: ``name ← the whole event``, ``city ← $.address.city``, ``x = 3``."""
    lines = [
        f"{name} ← the whole event" if path == WHOLE else f"{name} ← {path}"
        for name, path in trigger.input_mapping.items()
    ]
    lines += [
        f"{name} = {json.dumps(value)}" for name, value in trigger.inputs.items() if name not in trigger.input_mapping
    ]
    return lines or ["No inputs"]


def mapping_row(
    name: str, field: dict[str, Any], required: bool, only: bool, trigger: TriggerPublic | None
) -> MappingRow:
    """One input in the dialog: where its value comes from now (``trigger``) or by default.

    A new trigger of a one-input agent gives it the whole event; otherwise a required input starts
    as the path ``$.<name>`` and an optional one with nothing (its default).
    """
    title = str(field.get("title") or name)
    if trigger is None:
        if only:
            return MappingRow(name=name, title=title, required=required, source="event", value="")
        source, value = ("path", f"$.{name}") if required else ("none", "")
        return MappingRow(name=name, title=title, required=required, source=source, value=value)
    path = trigger.input_mapping.get(name)
    if path == WHOLE:
        source, value = "event", ""
    elif path:
        source, value = "path", path
    elif name in trigger.inputs:
        fixed = trigger.inputs[name]
        source, value = "fixed", fixed if isinstance(fixed, str) else json.dumps(fixed)
    else:
        source, value = "none", ""
    return MappingRow(name=name, title=title, required=required, source=source, value=value)


def signing_example(url: str, secret: str) -> str:
    """A short, complete example of signing a delivery: curl, then the same in Python."""
    return (
        "# shell\n"
        'BODY=\'{"hello": "world"}\'\n'
        "TS=$(date +%s)\n"
        f"SIG=$(printf '%s.%s' \"$TS\" \"$BODY\" | openssl dgst -sha256 -hmac '{secret}' | sed 's/^.* //')\n"
        f"curl -X POST '{url}' -H 'Content-Type: application/json' \\\n"
        '  -H "X-Signature-Timestamp: $TS" -H "X-Signature: sha256=$SIG" -d "$BODY"\n\n'
        "# Python\n"
        "import hashlib, hmac, json, time, urllib.request\n"
        "body = json.dumps({'hello': 'world'}).encode()\n"
        "ts = str(int(time.time()))\n"
        f"sig = hmac.new({secret!r}.encode(), ts.encode() + b'.' + body, hashlib.sha256).hexdigest()\n"
        f"request = urllib.request.Request({url!r}, data=body, method='POST', headers={{\n"
        "    'Content-Type': 'application/json', 'X-Signature-Timestamp': ts, 'X-Signature': 'sha256=' + sig})\n"
        "print(urllib.request.urlopen(request).read())\n"
    )


def bearer_example(url: str, secret: str) -> str:
    """A delivery with the secret as a bearer token."""
    return (
        f"curl -X POST '{url}' -H 'Content-Type: application/json' \\\n"
        f"  -H 'Authorization: Bearer {secret}' -d '{{\"hello\": \"world\"}}'\n"
    )
