"""Credentials page: the user's saved secrets (masked) and a form to add one.

The state holds only masked rows. A secret travels once, in the submitted form, straight to the
service, which encrypts it; it is never put in state, so no page can show it again.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service
from autogpt_app.credentials.models import CredentialPublic, CredentialType
from autogpt_app.timeutil import relative_time
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout, field, section, success_callout
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import FAILED, AuthState

TYPE_LABELS = {
    CredentialType.API_KEY.value: "API key",
    CredentialType.USER_PASSWORD.value: "Username & password",
    CredentialType.HOST_SCOPED.value: "Host-scoped headers",
    CredentialType.OAUTH2.value: "OAuth 2.0 (e.g. Google)",
}
DEFAULT_PROVIDER = {
    CredentialType.API_KEY.value: "openai",
    CredentialType.USER_PASSWORD.value: "smtp",
    CredentialType.HOST_SCOPED.value: "http",
    CredentialType.OAUTH2.value: "google",
}
PROVIDER_SUGGESTIONS = (
    "openai",
    "google",
    "anthropic",
    "groq",
    "ollama",
    "smtp",
    "imap",
    "http",
    "github",
    "slack",
    "discord",
    "telegram",
    # The web blocks' services (autogpt_app/blocks/builtin/search.py, weather.py, maps.py).
    "jina",
    "tavily",
    "brave",
    "openweathermap",
    "google_maps",
    "firecrawl",
    "exa",  # Exa search (blocks/builtin/exa.py)
)


class CredentialRow(BaseModel):
    """A credential as the page lists it: masked, never the secret."""

    id: str
    title: str
    provider: str
    type_label: str
    host: str
    hint: str
    details: str
    created: str


def _row(c: CredentialPublic, zone: str = "UTC") -> CredentialRow:
    return CredentialRow(
        id=c.id,
        title=c.title,
        provider=c.provider,
        type_label=TYPE_LABELS.get(c.type.value, c.type.value),
        host=c.host or "",
        hint=c.hint or "—",
        details=", ".join(f"{k}: {v}" for k, v in c.meta.items()),
        created=relative_time(c.created_at, zone),
    )


def _text(form: dict, name: str) -> str:
    return str(form.get(name) or "")


class CredentialsState(AuthState):
    """The list and the add form. Every handler re-verifies the session first."""

    rows: list[CredentialRow] = []
    form_type: str = CredentialType.API_KEY.value
    header_slots: list[str] = ["0"]
    credentials_error: str = ""
    add_error: str = ""
    credentials_message: str = ""

    @rx.var
    def provider_default(self) -> str:
        """Suggested provider for the chosen type."""
        return DEFAULT_PROVIDER.get(self.form_type, "")

    async def _load(self, session: AsyncSession, user: User) -> None:
        self.rows = [_row(c, self._zone()) for c in await service.list_credentials(session, user)]

    @rx.event
    async def load(self):
        """Fill the page for the verified user."""
        self.credentials_error = self.add_error = self.credentials_message = ""
        if await self._attempt(self._load, error_field="credentials_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    def set_form_type(self, value: str):
        """Show the fields of the chosen credential type."""
        if value in TYPE_LABELS:
            self.form_type = value
            self.header_slots = ["0"]
            self.add_error = self.credentials_message = ""

    @rx.event
    def add_header(self):
        """One more header name/value pair (up to the service's limit)."""
        if len(self.header_slots) < service.MAX_HEADERS:
            self.header_slots = [*self.header_slots, str(len(self.header_slots))]

    def _create_args(self, form: dict) -> dict[str, Any] | str:
        """The service arguments for the submitted form, or a message about a half-filled header."""
        args: dict[str, Any] = {
            "provider": _text(form, "provider"),
            "type": self.form_type,
            "title": _text(form, "title"),
        }
        if self.form_type == CredentialType.API_KEY.value:
            args["api_key"] = _text(form, "api_key")
            args["meta"] = {"base_url": _text(form, "base_url"), "model": _text(form, "model")}
        elif self.form_type == CredentialType.USER_PASSWORD.value:
            args["username"] = _text(form, "username")
            args["password"] = _text(form, "password")
            args["meta"] = {"host": _text(form, "server_host") or None, "port": _text(form, "server_port") or None}
        elif self.form_type == CredentialType.OAUTH2.value:
            args["client_id"] = _text(form, "client_id")
            args["client_secret"] = _text(form, "client_secret")
            args["refresh_token"] = _text(form, "refresh_token")
            args["meta"] = {"token_uri": _text(form, "token_uri") or None}
        else:
            args["host"] = _text(form, "host")
            headers: dict[str, str] = {}
            for position, slot in enumerate(self.header_slots, start=1):
                name, value = _text(form, f"header_name_{slot}").strip(), _text(form, f"header_value_{slot}")
                if bool(name) != bool(value.strip()):
                    return f"Header {position} needs both a name and a value."
                if name:
                    headers[name] = value
            args["headers"] = headers
        return args

    @rx.event
    async def create(self, form: dict):
        """Save a credential; afterwards only its masked hint is ever shown."""
        self.credentials_error = self.add_error = self.credentials_message = ""
        args = self._create_args(form)
        if isinstance(args, str):
            self.add_error = args
            return None

        async def create(session: AsyncSession, user: User) -> CredentialPublic:
            saved = await service.create_credential(session, user, **args)
            await self._load(session, user)
            return saved

        saved = await self._attempt(create, error_field="add_error")
        if saved is FAILED:
            return self._after_failure()
        self.header_slots = ["0"]
        self.credentials_message = f"Saved “{saved.title}”. The secret is stored encrypted and will not be shown again."
        return None

    @rx.event
    async def delete(self, credential_id: str):
        """Delete one of the user's credentials."""
        self.credentials_error = self.add_error = self.credentials_message = ""

        async def delete(session: AsyncSession, user: User) -> None:
            await service.delete_credential(session, user, credential_id)
            await self._load(session, user)

        if await self._attempt(delete, error_field="credentials_error") is FAILED:
            return self._after_failure()
        return None


def _delete_button(row: CredentialRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Delete", size="1", color_scheme="red", variant="soft")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete credential"),
            rx.alert_dialog.description(
                "Delete “", row.title, "”? Agents that use it will stop working. This cannot be undone."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete", color_scheme="red", on_click=CredentialsState.delete(row.id), high_contrast=True
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _table_row(row: CredentialRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.title, weight="medium")),
        rx.table.cell(
            rx.vstack(
                rx.text(row.provider),
                rx.cond(row.details != "", rx.text(row.details, size="1", color_scheme="gray"), rx.fragment()),
                spacing="0",
            )
        ),
        rx.table.cell(row.type_label),
        rx.table.cell(rx.cond(row.host != "", rx.code(row.host), rx.text("—", color_scheme="gray"))),
        rx.table.cell(rx.code(row.hint, data_testid="credential-hint")),
        rx.table.cell(row.created),
        rx.table.cell(_delete_button(row)),
        data_testid="credential-row",
    )


def _list() -> rx.Component:
    return section(
        "Your credentials",
        "Secrets your agents use. They are stored encrypted; only a masked hint is ever shown.",
        error_callout(CredentialsState.credentials_error),
        rx.cond(
            CredentialsState.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Title", "Provider", "Type", "Host", "Hint", "Created", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(CredentialsState.rows, _table_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("No credentials yet.", size="2", color_scheme="gray", data_testid="no-credentials"),
        ),
    )


def _type_select() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text("Type", size="2", weight="medium"), html_for="credential_type"),
        rx.select.root(
            rx.select.trigger(id="credential_type", aria_label="Type", width="100%"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in TYPE_LABELS.items()]),
            value=CredentialsState.form_type,
            on_change=CredentialsState.set_form_type,
            size="3",
        ),
        spacing="1",
        width="100%",
    )


def _provider_field() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text("Provider", size="2", weight="medium"), html_for="provider"),
        rx.input(
            id="provider",
            name="provider",
            # Re-mounted when the type changes, so its suggested default follows the type.
            key=CredentialsState.form_type,
            default_value=CredentialsState.provider_default,
            placeholder="e.g. openai, smtp, http",
            required=True,
            max_length=64,
            auto_complete="off",
            custom_attrs={"list": "provider-suggestions"},
            width="100%",
            size="3",
        ),
        rx.el.datalist(*[rx.el.option(value=p) for p in PROVIDER_SUGGESTIONS], id="provider-suggestions"),
        spacing="1",
        width="100%",
    )


def _api_key_fields() -> rx.Component:
    return rx.vstack(
        field("API key", "api_key", type_="password", autocomplete="off", placeholder="sk-…"),
        field(
            "Base URL (optional)",
            "base_url",
            required=False,
            placeholder="https://api.openai.com/v1 or any OpenAI-compatible endpoint",
        ),
        field("Model (optional)", "model", required=False, placeholder="e.g. gpt-4o-mini"),
        spacing="3",
        width="100%",
    )


def _user_password_fields() -> rx.Component:
    return rx.vstack(
        field("Username", "username", autocomplete="off"),
        field("Password", "password", type_="password", autocomplete="new-password"),
        rx.hstack(
            field("Server (optional)", "server_host", required=False, placeholder="e.g. smtp.example.com"),
            rx.box(field("Port (optional)", "server_port", required=False, placeholder="587"), width="8rem"),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _oauth2_fields() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Paste the OAuth client of your Google Cloud project and a refresh token made for it "
            "(e.g. with the OAuth 2.0 Playground, with the scopes your Google blocks name: Gmail, Calendar, Sheets). "
            "Signing in from this page is "
            "not offered yet.",
            size="2",
            color_scheme="gray",
        ),
        field("Client ID", "client_id", autocomplete="off", placeholder="….apps.googleusercontent.com"),
        field("Client secret", "client_secret", type_="password", autocomplete="off"),
        field("Refresh token", "refresh_token", type_="password", autocomplete="off", placeholder="1//…"),
        field(
            "Token URI (optional)",
            "token_uri",
            required=False,
            placeholder="https://oauth2.googleapis.com/token",
        ),
        spacing="3",
        width="100%",
    )


def _header_pair(slot: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(
            name="header_name_" + slot,
            placeholder="Header name, e.g. Authorization",
            aria_label="Header name",
            max_length=service.MAX_HEADER_NAME,
            auto_complete="off",
            flex="1",
            size="3",
        ),
        rx.input(
            name="header_value_" + slot,
            type="password",
            placeholder="Value",
            aria_label="Header value",
            auto_complete="off",
            flex="2",
            size="3",
        ),
        width="100%",
    )


def _host_scoped_fields() -> rx.Component:
    return rx.vstack(
        field("Host", "host", placeholder="api.example.com (the only host these headers are sent to)"),
        rx.text("Headers", size="2", weight="medium"),
        rx.foreach(CredentialsState.header_slots, _header_pair),
        rx.button(
            rx.icon("plus", size=14),
            "Add header",
            type="button",
            size="1",
            variant="soft",
            on_click=CredentialsState.add_header,
            disabled=CredentialsState.header_slots.length() >= service.MAX_HEADERS,
        ),
        spacing="3",
        width="100%",
    )


def _add_form() -> rx.Component:
    kind = CredentialsState.form_type
    return section(
        "Add credential",
        "After saving, the secret is never shown again: to change it, delete the credential and add it anew.",
        _type_select(),
        rx.form(
            rx.vstack(
                field("Title", "title", placeholder="e.g. OpenAI work account"),
                _provider_field(),
                rx.cond(
                    kind == CredentialType.API_KEY.value,
                    _api_key_fields(),
                    rx.cond(
                        kind == CredentialType.USER_PASSWORD.value,
                        _user_password_fields(),
                        rx.cond(kind == CredentialType.OAUTH2.value, _oauth2_fields(), _host_scoped_fields()),
                    ),
                ),
                error_callout(CredentialsState.add_error),
                success_callout(CredentialsState.credentials_message),
                rx.button("Save credential", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=CredentialsState.create,
            reset_on_submit=True,
            width="100%",
        ),
    )


@template(routes.CREDENTIALS, "Credentials", on_load=CredentialsState.load)
def credentials_page() -> rx.Component:
    return rx.vstack(_list(), _add_form(), spacing="4", width="100%", max_width="60rem")
