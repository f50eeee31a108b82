"""Account page: profile, password, sessions, a way to the notification preferences, API keys."""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import api_keys, service
from autogpt_app.auth.models import User
from autogpt_app.auth.scopes import DEFAULT_SCOPES
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
    scopes: str
    created: str
    expires: str
    last_used: str
    #: "active", "revoked" or "expired".
    status: str


def _when(value, zone: str) -> str:
    return local_time(value, zone) if value else "never"


#: The expiry choices of the key form: label → days (0 = never).
EXPIRY_CHOICES = {"Never": 0, "30 days": 30, "90 days": 90, "1 year": 365}
SCOPE_LABELS = {"read": "Read", "run": "Run agents", "manage": "Manage (change and delete)"}


def _key_status(key) -> str:
    if key.revoked_at is not None:
        return "revoked"
    return "expired" if api_keys.is_expired(key) else "active"


class AccountState(AuthState):
    """Profile, password and API-key forms. Every handler re-verifies the session first."""

    profile_message: str = ""
    profile_error: str = ""
    password_message: str = ""
    password_error: str = ""
    keys: list[KeyRow] = []
    key_error: str = ""
    new_key_secret: str = ""
    sessions_error: str = ""

    async def _load_keys(self, session: AsyncSession, user: User) -> None:
        rows = await api_keys.list_api_keys(session, user)
        self.keys = [
            KeyRow(
                id=k.id,
                name=k.name,
                prefix=k.prefix,
                scopes=", ".join(k.scopes),
                created=_when(k.created_at, self._zone()),
                expires=_when(k.expires_at, self._zone()),
                last_used=_when(k.last_used_at, self._zone()),
                status=_key_status(k),
            )
            for k in rows
        ]

    @rx.event
    async def load(self):
        """Fill the page for the verified user."""
        self.profile_message = self.profile_error = self.password_message = self.password_error = ""
        self.key_error = self.new_key_secret = self.sessions_error = ""
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
        revoke_keys = bool(form.get("revoke_api_keys"))

        async def change(session: AsyncSession, user: User) -> str:
            token = await service.change_password(session, user, current=current, new=new, revoke_api_keys=revoke_keys)
            await self._load_keys(session, user)
            return token

        token = await self._attempt(change, error_field="password_error")
        if token is FAILED:
            return self._after_failure()
        self.token = token
        self.password_message = "Password changed. Other devices have been logged out" + (
            " and your API keys revoked." if revoke_keys else "."
        )
        return None

    @rx.event
    async def log_out_everywhere(self, form: dict):
        """End every session, this one included (and revoke the API keys when ticked)."""
        self.sessions_error = ""
        revoke_keys = bool(form.get("revoke_api_keys"))
        done = await self._attempt(
            lambda session, user: service.log_out_everywhere(session, user, revoke_api_keys=revoke_keys),
            error_field="sessions_error",
        )
        if done is FAILED:
            return self._after_failure()
        self.token = ""
        self._show_user(None)
        return rx.redirect(routes.LOGIN)

    @rx.event
    async def create_key(self, form: dict):
        """Create an API key and show its secret once."""
        self.key_error = self.new_key_secret = ""
        name = str(form.get("key_name", ""))
        scopes = [scope for scope in SCOPE_LABELS if form.get(f"scope_{scope}")]
        days = EXPIRY_CHOICES.get(str(form.get("key_expiry", "")), 0) or None

        async def create(session: AsyncSession, user: User) -> str:
            _record, secret = await api_keys.create_api_key(
                session, user, name=name, scopes=scopes, expires_in_days=days
            )
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
                _tick("revoke_api_keys", "Also revoke all my API keys", "password-revoke-keys"),
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


def _tick(name: str, label: str, testid: str, *, checked: bool = False) -> rx.Component:
    """A labelled checkbox that submits ``name`` when ticked."""
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name=name, id=f"{testid}", default_checked=checked, data_testid=testid),
            rx.text(label, size="2"),
            align="center",
        ),
        html_for=testid,
    )


def _sessions() -> rx.Component:
    return section(
        "Sessions",
        "Log out on every device and browser, this one included.",
        rx.form(
            rx.vstack(
                _tick("revoke_api_keys", "Also revoke all my API keys", "logout-revoke-keys"),
                error_callout(AccountState.sessions_error),
                rx.button("Log out everywhere", type="submit", color_scheme="red", variant="soft"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.log_out_everywhere,
            width="100%",
        ),
    )


def _key_row(key: KeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(key.name),
        rx.table.cell(rx.code(key.prefix + "…")),
        rx.table.cell(key.scopes, data_testid="key-scopes"),
        rx.table.cell(key.created),
        rx.table.cell(key.expires, data_testid="key-expires"),
        rx.table.cell(key.last_used, data_testid="key-last-used"),
        rx.table.cell(
            rx.match(
                key.status,
                ("revoked", rx.badge("revoked", color_scheme="gray")),
                ("expired", rx.badge("expired", color_scheme="gray")),
                rx.button(
                    "Revoke", size="1", color_scheme="red", variant="soft", on_click=AccountState.revoke_key(key.id)
                ),
            )
        ),
    )


def _api_keys() -> rx.Component:
    return section(
        "API keys",
        "Programs call the REST API with the header X-API-Key. A key is shown once, when you create it. "
        "Only what you tick is allowed: reading, running agents, or changing and deleting things.",
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        name="key_name",
                        placeholder="Key name, e.g. laptop script",
                        required=True,
                        max_length=80,
                        flex="1",
                        aria_label="Key name",
                    ),
                    rx.button("Create key", type="submit"),
                    width="100%",
                ),
                rx.hstack(
                    rx.text("It may:", size="2", weight="medium"),
                    *[
                        _tick(f"scope_{scope}", label, f"scope-{scope}", checked=scope in DEFAULT_SCOPES)
                        for scope, label in SCOPE_LABELS.items()
                    ],
                    rx.text("Expires:", size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(aria_label="Expires", data_testid="key-expiry"),
                        rx.select.content(*[rx.select.item(label, value=label) for label in EXPIRY_CHOICES]),
                        name="key_expiry",
                        default_value="Never",
                        size="1",
                    ),
                    align="center",
                    wrap="wrap",
                    spacing="3",
                ),
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
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Name", "Key", "Scopes", "Created", "Expires", "Last used", "")
                            ]
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
        _profile(),
        _password(),
        _sessions(),
        _notifications(),
        _api_keys(),
        spacing="4",
        width="100%",
        max_width="48rem",
    )
