"""The Chat page's inline credential form: save the credential a credentials card asks for, then run again.

The secret travels once, in the submitted form, straight to the credentials service, which
validates and encrypts it; it is never put in state, in a toast or in the chat. Once it is saved,
the conversation goes on with a message that names only the provider (:func:`follow_up_text`),
which the copilot reads as "run that agent again now that the credential exists".
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service
from autogpt_app.credentials.models import CredentialPublic, CredentialType
from autogpt_app.ui.states.auth import FAILED
from autogpt_app.ui.states.chat import ChatState


def _text(form: dict[str, Any], name: str) -> str:
    return str(form.get(name) or "")


def follow_up_text(provider: str, title: str = "") -> str:
    """The chat message sent once a credential is saved (names the provider and the credential, never a secret).

    The credentials card reads it back (:func:`autogpt_app.ui.chat_rows.mark_answered`) to show what was saved.
    """
    name = " ".join(title.replace("“", "").replace("”", "").replace('"', "").split())[:120]
    return (
        f"I added the {provider} credential “{name}”, run it again"
        if name
        else f"I added the {provider} credential, run it again"
    )


def create_args(form: dict[str, Any]) -> dict[str, Any] | str:
    """The credentials service's arguments for a submitted inline form, or a message about what is missing.

    The form has ``provider``, ``type`` and ``title``, then the fields of its type: ``api_key`` (and an
    optional ``base_url``), ``username`` and ``password``, ``host`` with one ``header_name`` /
    ``header_value`` pair, or ``client_id``, ``client_secret`` and ``refresh_token`` (OAuth 2.0).
    The service checks every value; only a half-filled header is caught here.
    """
    kind = _text(form, "type")
    args: dict[str, Any] = {"provider": _text(form, "provider"), "type": kind, "title": _text(form, "title")}
    if kind == CredentialType.API_KEY.value:
        args["api_key"] = _text(form, "api_key")
        args["meta"] = {"base_url": _text(form, "base_url")}
    elif kind == CredentialType.USER_PASSWORD.value:
        args["username"] = _text(form, "username")
        args["password"] = _text(form, "password")
    elif kind == CredentialType.HOST_SCOPED.value:
        name, value = _text(form, "header_name").strip(), _text(form, "header_value")
        if not name or not value.strip():
            return "Enter the header's name and its value."
        args["host"] = _text(form, "host")
        args["headers"] = {name: value}
    elif kind == CredentialType.OAUTH2.value:
        for name in ("client_id", "client_secret", "refresh_token"):
            args[name] = _text(form, name)
    return args


class ChatCredentialsState(ChatState):
    """The inline form of a credentials card. Every save re-verifies the session first."""

    #: A readable refusal of the last save, shown on the form of the need it was for.
    credential_error: str = ""
    #: Which need (its key) ``credential_error`` is about.
    credential_error_key: str = ""

    @rx.event
    async def save_credential(self, form_data: dict[str, Any]):
        """Save the credential of one need for the logged-in user, then ask the copilot to run the agent again."""
        self.credential_error = ""
        self.credential_error_key = _text(form_data, "need_key")
        if self.streaming:
            self.credential_error = "Wait for the reply to finish, then save the credential."
            return None
        args = create_args(form_data)
        if isinstance(args, str):
            self.credential_error = args
            return rx.toast.error(args)

        async def create(session: AsyncSession, user: User) -> CredentialPublic:
            return await service.create_credential(session, user, **args)

        saved = await self._attempt(create, error_field="credential_error")
        if saved is FAILED:
            return self._after_failure() or rx.toast.error(self.credential_error or "Could not save the credential.")
        self.credential_error_key = ""
        return [
            rx.toast.success(f"Saved “{saved.title}”. The secret is stored encrypted and will not be shown again."),
            ChatState.send_text(follow_up_text(saved.provider, saved.title)),
        ]
