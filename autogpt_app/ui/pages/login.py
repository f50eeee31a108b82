"""Login page."""

from __future__ import annotations

import reflex as rx

from autogpt_app.auth import service
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import card_page, error_callout, field
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import AuthState


class LoginState(AuthState):
    """The login form."""

    login_error: str = ""
    login_busy: bool = False

    @rx.event
    async def submit(self, form: dict):
        """Check the e-mail and password and start a session."""
        self.login_error = ""
        self.login_busy = True
        yield
        try:
            async with session_scope() as session:
                user = await service.authenticate(
                    session,
                    email=str(form.get("email", "")),
                    password=str(form.get("password", "")),
                    client_ip=self._client_ip(),
                )
        except ServiceError as exc:
            self.login_error = exc.message
            self.login_busy = False
            return
        self.login_busy = False
        yield self._start_session(user)


@template(routes.LOGIN, "Log in", public=True, on_load=AuthState.skip_if_logged_in)
def login_page() -> rx.Component:
    return card_page(
        rx.heading("Welcome back", size="6"),
        rx.text("Log in to run and schedule your agents.", color_scheme="gray"),
        rx.form(
            rx.vstack(
                field("E-mail", "email", type_="email", placeholder="you@example.com", autocomplete="email"),
                field("Password", "password", type_="password", autocomplete="current-password"),
                rx.link("Forgot password?", href=routes.FORGOT_PASSWORD, size="2", data_testid="forgot-password"),
                error_callout(LoginState.login_error),
                rx.button("Log in", type="submit", size="3", width="100%", loading=LoginState.login_busy),
                spacing="4",
            ),
            on_submit=LoginState.submit,
        ),
        rx.text("No account yet? ", rx.link("Sign up", href=AuthState.signup_href, underline="always"), size="2"),
    )
