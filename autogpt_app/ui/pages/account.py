"""Account page: profile, password, a way to the notification preferences, API keys."""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import api_keys, service
from autogpt_app.auth.models import User
from autogpt_app.timeutil import local_time
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout, field, section, success_callout
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import FAILED, AuthState


class KeyRow(BaseModel):
    """An API key as the page lists it."""

    id: str
    name: str
    prefix: str
    created: str
    last_used: str
    revoked: bool


def _when(value, zone: str) -> str:
    return local_time(value, zone) if value else "never"


class AccountState(AuthState):
    """Profile, password and API-key forms. Every handler re-verifies the session first."""

    profile_message: str = ""
    profile_error: str = ""
    password_message: str = ""
    password_error: str = ""
    keys: list[KeyRow] = []
    key_error: str = ""
    new_key_secret: str = ""

    async def _load_keys(self, session: AsyncSession, user: User) -> None:
        rows = await api_keys.list_api_keys(session, user)
        self.keys = [
            KeyRow(
                id=k.id,
                name=k.name,
                prefix=k.prefix,
                created=_when(k.created_at, self._zone()),
                last_used=_when(k.last_used_at, self._zone()),
                revoked=k.revoked_at is not None,
            )
            for k in rows
        ]

    @rx.event
    async def load(self):
        """Fill the page for the verified user."""
        self.profile_message = self.profile_error = self.password_message = self.password_error = ""
        self.key_error = self.new_key_secret = ""
        await self._attempt(self._load_keys, error_field="key_error")

    @rx.event
    async def save_profile(self, form: dict):
        """Change the display name."""
        self.profile_message = self.profile_error = ""
        name = str(form.get("display_name", ""))
        user = await self._attempt(
            lambda session, user: service.update_profile(session, user, display_name=name),
            error_field="profile_error",
        )
        if user is FAILED:
            return self._after_failure()
        self.user_name = user.display_name
        self.profile_message = "Saved."
        return None

    @rx.event
    async def change_password(self, form: dict):
        """Change the password; other sessions end, this one continues with a new token."""
        self.password_message = self.password_error = ""
        current, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
        if new != form.get("confirm"):
            self.password_error = "The two new passwords do not match."
            return None
        token = await self._attempt(
            lambda session, user: service.change_password(session, user, current=current, new=new),
            error_field="password_error",
        )
        if token is FAILED:
            return self._after_failure()
        self.token = token
        self.password_message = "Password changed. Other devices have been logged out."
        return None

    @rx.event
    async def create_key(self, form: dict):
        """Create an API key and show its secret once."""
        self.key_error = self.new_key_secret = ""
        name = str(form.get("key_name", ""))

        async def create(session: AsyncSession, user: User) -> str:
            _record, secret = await api_keys.create_api_key(session, user, name=name)
            await self._load_keys(session, user)
            return secret

        secret = await self._attempt(create, error_field="key_error")
        if secret is FAILED:
            return self._after_failure()
        self.new_key_secret = secret
        return None

    @rx.event
    async def revoke_key(self, key_id: str):
        """Revoke one of the user's keys."""
        self.key_error = ""

        async def revoke(session: AsyncSession, user: User) -> None:
            await api_keys.revoke_api_key(session, user, key_id)
            await self._load_keys(session, user)

        if await self._attempt(revoke, error_field="key_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    def dismiss_secret(self):
        """Hide the once-shown secret."""
        self.new_key_secret = ""


def _profile() -> rx.Component:
    return section(
        "Profile",
        "Your name as others see it.",
        rx.form(
            rx.vstack(
                rx.text("E-mail: ", rx.code(AuthState.user_email), size="2"),
                field("Display name", "display_name", default_value=AuthState.user_name, autocomplete="name"),
                error_callout(AccountState.profile_error),
                success_callout(AccountState.profile_message),
                rx.button("Save", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.save_profile,
            width="100%",
        ),
    )


def _password() -> rx.Component:
    return section(
        "Password",
        "Changing it logs you out everywhere else.",
        rx.form(
            rx.vstack(
                field("Current password", "current_password", type_="password", autocomplete="current-password"),
                field("New password", "new_password", type_="password", autocomplete="new-password"),
                field("Repeat new password", "confirm", type_="password", autocomplete="new-password"),
                error_callout(AccountState.password_error),
                success_callout(AccountState.password_message),
                rx.button("Change password", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _key_row(key: KeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(key.name),
        rx.table.cell(rx.code(key.prefix + "…")),
        rx.table.cell(key.created),
        rx.table.cell(key.last_used),
        rx.table.cell(
            rx.cond(
                key.revoked,
                rx.badge("revoked", color_scheme="gray"),
                rx.button(
                    "Revoke", size="1", color_scheme="red", variant="soft", on_click=AccountState.revoke_key(key.id)
                ),
            )
        ),
    )


def _api_keys() -> rx.Component:
    return section(
        "API keys",
        "Programs call the REST API with the header X-API-Key. A key is shown once, when you create it.",
        rx.form(
            rx.hstack(
                rx.input(
                    name="key_name", placeholder="Key name, e.g. laptop script", required=True, max_length=80, flex="1"
                ),
                rx.button("Create key", type="submit"),
                width="100%",
            ),
            on_submit=AccountState.create_key,
            reset_on_submit=True,
            width="100%",
        ),
        error_callout(AccountState.key_error),
        rx.cond(
            AccountState.new_key_secret != "",
            rx.callout(
                rx.vstack(
                    rx.text("Copy this key now; it will not be shown again."),
                    rx.hstack(
                        rx.code(AccountState.new_key_secret, data_testid="new-api-key", word_break="break-all"),
                        rx.icon_button(
                            rx.icon("copy", size=14),
                            size="1",
                            variant="soft",
                            on_click=rx.set_clipboard(AccountState.new_key_secret),
                            aria_label="Copy the new API key",
                        ),
                    ),
                    rx.button("Done", size="1", variant="soft", on_click=AccountState.dismiss_secret),
                ),
                icon="key-round",
                color_scheme="amber",
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            AccountState.keys.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[rx.table.column_header_cell(h) for h in ("Name", "Key", "Created", "Last used", "")]
                        )
                    ),
                    rx.table.body(rx.foreach(AccountState.keys, _key_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("No API keys yet.", size="2", color_scheme="gray"),
        ),
    )


def _notifications() -> rx.Component:
    return section(
        "Notifications",
        "Choose, for each kind of news, in the app, by e-mail, or not at all; and a daily digest of finished runs.",
        rx.link(
            rx.hstack(rx.icon("bell", size=16), rx.text("Notification preferences"), align="center", spacing="2"),
            href=f"{routes.NOTIFICATIONS}?tab=preferences",
            data_testid="notification-preferences-link",
        ),
    )


@template(routes.ACCOUNT, "Account", on_load=AccountState.load)
def account_page() -> rx.Component:
    return rx.vstack(
        _profile(), _password(), _notifications(), _api_keys(), spacing="4", width="100%", max_width="48rem"
    )
