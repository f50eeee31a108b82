"""Mailbox triggers: a new message in an IMAP folder.

The conversation is the *Read e-mails (IMAP)* block's (:mod:`~autogpt_app.blocks.builtin._imap_client`:
host checked once and the checked address dialled, TLS as the credential says, ``imaplib`` in a
worker thread, one time limit), always read-only: the folder is opened with ``EXAMINE`` and messages
fetched with ``BODY.PEEK``, so nothing is marked as read. The trigger remembers the folder's
``UIDVALIDITY`` and the last UID it looked at, and asks only for later UIDs; the first look (or a
folder whose UIDVALIDITY changed) just notes where the folder stands. A message is identified by its
``Message-ID`` header, else by UIDVALIDITY and UID.

The credential is ``config.credential_id``, an ``imap`` credential of the trigger's owner, decrypted
through the credentials service as a block run does, only for the look.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.blocks.builtin._imap_client import ImapSettings, MailboxProblem, quoted_folder, read_new_mail
from autogpt_app.credentials import service as credentials
from autogpt_app.errors import ServiceError
from autogpt_app.net import OutboundRequestError, check_host
from autogpt_app.triggers.models import Trigger
from autogpt_app.triggers.sources import Item, Look, PollProblem, item_key

PROVIDER = "imap"


async def prepare(session: AsyncSession, trigger: Trigger) -> ImapSettings:
    """The mailbox settings from the trigger's credential (the owner's own ``imap`` login).

    Raises:
        PollProblem: the credential is gone, someone else's, not an IMAP login, or incomplete.
    """
    credential_id = str((trigger.config or {}).get("credential_id") or "")
    try:
        secret = await credentials.get_secret(session, trigger.user_id, credential_id)
    except ServiceError:
        raise PollProblem("The mailbox login this trigger uses no longer exists; pick another one.") from None
    if secret.provider != PROVIDER:
        raise PollProblem("The credential this trigger uses is not an IMAP mailbox login.")
    try:
        return ImapSettings(secret)
    except MailboxProblem as exc:
        raise PollProblem(str(exc)) from None


def _event(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "from": message["from"],
        "to": message["to"],
        "subject": message["subject"],
        "date": message["date"],
        "text": message["body"],
        "message_id": message["message_id"],
    }


async def look(config: dict[str, Any], state: dict[str, Any], settings: ImapSettings, *, limit: int) -> Look:
    """Read the messages that arrived after the last look (at most ``limit``, oldest first).

    Raises:
        PollProblem: the server is refused, unreachable, refuses the login or the folder.
    """
    folder = str(config.get("folder") or "INBOX")
    since = None
    if state.get("primed") and state.get("last_uid") is not None:
        since = (int(state.get("uidvalidity") or 0), int(state["last_uid"]))
    try:
        quoted_folder(folder)
        address = await check_host(settings.host, settings.port)
        mail = await read_new_mail(settings, address, folder, since, limit=limit)
    except MailboxProblem as exc:
        raise PollProblem(str(exc)) from None
    except OutboundRequestError as exc:
        raise PollProblem(exc.message) from None
    items = []
    for message in mail.messages:
        identity = message["message_id"] or f"{mail.uidvalidity}:{message['uid']}"
        items.append(Item(item_key("message", identity), _event(message), message["subject"] or "(no subject)"))
    return Look(items, {**state, "uidvalidity": mail.uidvalidity, "last_uid": mail.last_uid})
