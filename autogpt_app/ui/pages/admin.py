"""Admin: users (search, change role, disable or enable)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import admin
from autogpt_app.auth.models import User
from autogpt_app.timeutil import relative_time
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.pager import state_pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import FAILED, AuthState

PAGE_SIZE = 20


class UserRow(BaseModel):
    """A user as the admin table shows it."""

    id: str
    email: str
    name: str
    role: str
    disabled: bool
    created: str
    is_me: bool


class AdminUsersState(AuthState):
    """One page of users; every handler re-checks that the caller is an admin."""

    rows: list[UserRow] = []
    total: int = 0
    offset: int = 0
    query: str = ""
    include_system: bool = False
    admin_error: str = ""
    #: The account the Disable confirmation names (empty: the confirmation is closed).
    confirm_user_id: str = ""
    confirm_email: str = ""
    confirm_name: str = ""

    @rx.var
    def page_label(self) -> str:
        """E.g. '1–20 of 43'."""
        if self.total == 0:
            return "No users"
        return f"{self.offset + 1}–{min(self.offset + PAGE_SIZE, self.total)} of {self.total}"

    @rx.var
    def has_prev(self) -> bool:
        return self.offset > 0

    @rx.var
    def has_next(self) -> bool:
        return self.offset + PAGE_SIZE < self.total

    async def _refresh(self, session: AsyncSession, actor: User) -> None:
        page = await admin.list_users(
            session, actor, query=self.query, offset=self.offset, limit=PAGE_SIZE, include_system=self.include_system
        )
        self.total = page.total
        self.rows = [
            UserRow(
                id=u.id,
                email=u.email,
                name=u.display_name,
                role=u.role,
                disabled=u.is_disabled,
                created=relative_time(u.created_at, self._zone()),
                is_me=u.id == actor.id,
            )
            for u in page.items
        ]

    async def _run(self, action: Callable[[AsyncSession, User], Awaitable[Any]] | None = None):
        """Verify the session, apply ``action(session, actor)`` if any, reload the page of users.

        The services check that the actor is an admin; a refusal shows as ``admin_error``.
        """
        self.admin_error = ""

        async def run(session: AsyncSession, actor: User) -> None:
            if action is not None:
                await action(session, actor)
            await self._refresh(session, actor)

        if await self._attempt(run, error_field="admin_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def load(self):
        """Show the first page."""
        self.offset = 0
        return await self._run()

    @rx.event
    async def search(self, value: str):
        """Filter by e-mail or name as the admin types."""
        self.query = value[:200]
        self.offset = 0
        return await self._run()

    @rx.event
    async def show_system(self, value: bool):
        """Also list the platform's own accounts (the seed catalogue's creators), or hide them again."""
        self.include_system = bool(value)
        self.offset = 0
        return await self._run()

    @rx.event
    async def next_page(self):
        self.offset += PAGE_SIZE
        return await self._run()

    @rx.event
    async def prev_page(self):
        self.offset = max(0, self.offset - PAGE_SIZE)
        return await self._run()

    @rx.event
    async def set_role(self, user_id: str, role: str):
        """Give a user the chosen role."""
        return await self._run(lambda session, actor: admin.set_role(session, actor, user_id, role))

    @rx.event
    async def toggle_disabled(self, user_id: str, disabled: bool):
        """Enable a disabled user at once; disabling asks first (see :meth:`ask_disable`)."""
        if not disabled:
            return None
        return await self._run(lambda session, actor: admin.set_disabled(session, actor, user_id, False))

    @rx.event
    def ask_disable(self, user_id: str, email: str, name: str):
        """Open the confirmation that names the account about to be disabled."""
        self.confirm_user_id, self.confirm_email, self.confirm_name = user_id, email, name

    @rx.event
    def cancel_disable(self):
        """Close the confirmation without disabling anyone."""
        self.confirm_user_id = self.confirm_email = self.confirm_name = ""

    @rx.event
    async def confirm_disable(self):
        """Disable the account the confirmation named (the service checks the admin and the target)."""
        user_id = self.confirm_user_id
        self.confirm_user_id = self.confirm_email = self.confirm_name = ""
        if not user_id:
            return None
        return await self._run(lambda session, actor: admin.set_disabled(session, actor, user_id, True))


#: Columns a phone has no room for: the status shows under the e-mail there instead.
SMALL_UP = ["none", "table-cell"]
WIDE_ONLY = ["none", "none", "table-cell"]


def _status(user: UserRow, **props) -> rx.Component:
    return rx.cond(
        user.disabled,
        rx.badge("disabled", color_scheme="red", high_contrast=True, **props),
        rx.badge("active", color_scheme="green", high_contrast=True, **props),
    )


def _row(user: UserRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(user.name, weight="medium"),
                rx.text(user.email, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
                _status(user, display=["inline-flex", "none"], margin_top="0.25rem"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(data_testid="role-" + user.email, aria_label="Role of " + user.email),
                rx.select.content(rx.select.item("user", value="user"), rx.select.item("admin", value="admin")),
                value=user.role,
                on_change=lambda role: AdminUsersState.set_role(user.id, role),
                disabled=user.is_me,
                size="1",
            )
        ),
        rx.table.cell(_status(user), display=SMALL_UP),
        rx.table.cell(user.created, display=WIDE_ONLY),
        rx.table.cell(
            rx.cond(
                user.is_me,
                rx.text("you", size="1", color_scheme="gray"),
                rx.button(
                    rx.cond(user.disabled, "Enable", "Disable"),
                    size="1",
                    variant="soft",
                    color_scheme=rx.cond(user.disabled, "green", "red"),
                    on_click=rx.cond(
                        user.disabled,
                        AdminUsersState.toggle_disabled(user.id, user.disabled),
                        AdminUsersState.ask_disable(user.id, user.email, user.name),
                    ),
                    aria_label=rx.cond(user.disabled, "Enable ", "Disable ") + user.email,
                    data_testid="toggle-" + user.email,
                ),
            )
        ),
        data_testid="user-row",
    )


def _confirm_disable() -> rx.Component:
    s = AdminUsersState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Disable ", s.confirm_name, "?"),
            rx.alert_dialog.description(
                "Disable the account ",
                rx.text(s.confirm_email, as_="span", weight="bold"),
                "? They are logged out everywhere at once and cannot log in until an admin enables the account again.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=s.cancel_disable)
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Disable " + s.confirm_email,
                        color_scheme="red",
                        high_contrast=True,
                        on_click=s.confirm_disable,
                        data_testid="confirm-disable",
                    )
                ),
                spacing="3",
                justify="end",
                wrap="wrap",
                margin_top="1rem",
            ),
            max_width="28rem",
            data_testid="disable-dialog",
        ),
        open=s.confirm_user_id != "",
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), s.cancel_disable()),
    )


@template(routes.ADMIN_USERS, "Admin · Users", admin=True, on_load=AdminUsersState.load)
def admin_users_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(
                placeholder="Search by e-mail or name",
                on_change=AdminUsersState.search.debounce(300),
                width=["100%", "20rem"],
                type="search",
            ),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        checked=AdminUsersState.include_system,
                        on_change=AdminUsersState.show_system,
                        aria_label="Show the catalogue's own accounts",
                        data_testid="show-system-accounts",
                    ),
                    rx.text("Show the catalogue's own accounts", size="2"),
                    align="center",
                    spacing="2",
                ),
            ),
            rx.spacer(),
            rx.text(AdminUsersState.page_label, size="2", color_scheme="gray"),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        error_callout(AdminUsersState.admin_error),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("User"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell("Status", display=SMALL_UP),
                        rx.table.column_header_cell("Joined", display=WIDE_ONLY),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(AdminUsersState.rows, _row)),
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        state_pager(AdminUsersState),
        _confirm_disable(),
        spacing="4",
        width="100%",
    )


@template(routes.ADMIN, "Admin", admin=True, on_load=rx.redirect(routes.ADMIN_USERS))
def admin_page() -> rx.Component:
    return rx.fragment()
