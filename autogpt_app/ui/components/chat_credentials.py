"""The inline form of the Chat page's credentials card: add the credential an agent needs without leaving the chat.

One form per need (a :class:`~autogpt_app.ui.chat_rows.CredentialNeedRow`), with the fields of its
kind. Secrets are password inputs with autocomplete off, and the form is cleared on submit: the
secret goes to :meth:`ChatCredentialsState.save_credential` once and is never shown again.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.credentials.models import CredentialType
from autogpt_app.ui.chat_rows import CredentialNeedRow
from autogpt_app.ui.states.chat import ChatState
from autogpt_app.ui.states.chat_credentials import ChatCredentialsState


def _labelled(label: str, name: str, *, secret: bool = False, required: bool = True, **props) -> rx.Component:
    """An input inside its label (no id needed: the card may appear several times in one chat)."""
    return rx.el.label(
        rx.text(label, size="2", weight="medium"),
        rx.input(
            name=name,
            type="password" if secret else "text",
            auto_complete="off",
            required=required,
            width="100%",
            **props,
        ),
        display="flex",
        flex_direction="column",
        gap="0.25rem",
        width="100%",
    )


def _api_key_fields() -> rx.Component:
    return rx.vstack(
        _labelled("API key", "api_key", secret=True, placeholder="sk-…", spell_check=False),
        _labelled(
            "Server address (optional)",
            "base_url",
            required=False,
            placeholder="an OpenAI-compatible server, e.g. http://my-ollama:11434/v1",
        ),
        spacing="2",
        width="100%",
    )


def _user_password_fields() -> rx.Component:
    return rx.vstack(
        _labelled("Username", "username"),
        _labelled("Password", "password", secret=True),
        spacing="2",
        width="100%",
    )


def _oauth2_fields() -> rx.Component:
    return rx.vstack(
        _labelled("Client ID", "client_id", placeholder="….apps.googleusercontent.com", spell_check=False),
        _labelled("Client secret", "client_secret", secret=True),
        _labelled("Refresh token", "refresh_token", secret=True, placeholder="1//…"),
        spacing="2",
        width="100%",
    )


def _host_scoped_fields() -> rx.Component:
    return rx.vstack(
        _labelled("Host", "host", placeholder="api.example.com (the only host the header is sent to)"),
        _labelled("Header name", "header_name", placeholder="e.g. Authorization"),
        _labelled("Header value", "header_value", secret=True),
        spacing="2",
        width="100%",
    )


def credential_form(need: rx.Var[CredentialNeedRow]) -> rx.Component:
    """The form adding one needed credential; "Save and continue" saves it and runs the agent again."""
    return rx.form(
        rx.vstack(
            rx.text("Add your ", need.label, size="2", weight="medium"),
            rx.el.input(type="hidden", name="need_key", value=need.key),
            rx.el.input(type="hidden", name="provider", value=need.provider),
            rx.el.input(type="hidden", name="type", value=need.type),
            _labelled("Name", "title", default_value=need.default_title, max_length=120),
            rx.match(
                need.type,
                (CredentialType.API_KEY.value, _api_key_fields()),
                (CredentialType.USER_PASSWORD.value, _user_password_fields()),
                (CredentialType.HOST_SCOPED.value, _host_scoped_fields()),
                (CredentialType.OAUTH2.value, _oauth2_fields()),
                rx.fragment(),
            ),
            rx.cond(
                (ChatCredentialsState.credential_error != "") & (ChatCredentialsState.credential_error_key == need.key),
                rx.callout(
                    ChatCredentialsState.credential_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    width="100%",
                    data_testid="credential-form-error",
                ),
            ),
            rx.button("Save and continue", type="submit", size="2", disabled=ChatState.streaming),
            spacing="2",
            width="100%",
        ),
        on_submit=ChatCredentialsState.save_credential,
        reset_on_submit=True,
        auto_complete="off",
        width="100%",
        data_testid="credential-form",
        aria_label="Add " + need.label,
    )


def credential_need(need: rx.Var[CredentialNeedRow]) -> rx.Component:
    """One need of a credentials card: the inline form, or the saved credentials to choose among."""
    return rx.cond(
        need.saved != "",
        rx.text(
            rx.icon("check", size=14, color=rx.color("green", 9), display="inline", vertical_align="middle"),
            " Saved “",
            need.saved,
            "” (",
            need.label,
            "). The secret is stored encrypted and not shown.",
            size="2",
            data_testid="credential-saved",
        ),
        _unsaved_need(need),
    )


def _unsaved_need(need: rx.Var[CredentialNeedRow]) -> rx.Component:
    return rx.cond(
        need.choices.length() > 0,
        rx.text(
            "You have several ",
            need.label,
            " credentials (",
            need.choices.join(", "),
            "). Tell me which one to use.",
            size="2",
            data_testid="credential-choices",
        ),
        credential_form(need),
    )
