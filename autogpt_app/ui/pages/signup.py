"""Sign-up page."""

from __future__ import annotations

import reflex as rx

from autogpt_app.auth import email_links, passwords, service
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import card_page, error_callout, field
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import AuthState


class SignupState(AuthState):
    """The sign-up form."""

    signup_error: str = ""
    signup_busy: bool = False

    @rx.event
    async def submit(self, form: dict):
        """Create the account and log it in."""
        self.signup_error = ""
        if form.get("password", "") != form.get("confirm", ""):
            self.signup_error = "The two passwords do not match."
            return
        self.signup_busy = True
        yield
        try:
            async with session_scope() as session:
                user = await service.signup(
                    session,
                    email=str(form.get("email", "")),
                    display_name=str(form.get("display_name", "")),
                    password=str(form.get("password", "")),
                    client_ip=self._client_ip(),
                )
                await email_links.send_verification(session, user)
        except ServiceError as exc:
            self.signup_error = exc.message
            self.signup_busy = False
            return
        self.signup_busy = False
        yield self._start_session(user)


@template(routes.SIGNUP, "Sign up", public=True, on_load=AuthState.skip_if_logged_in)
def signup_page() -> rx.Component:
    return card_page(
        rx.heading("Create your account", size="6"),
        rx.text("Find, run and schedule AI agents without writing code.", color_scheme="gray"),
        rx.form(
            rx.vstack(
                field("E-mail", "email", type_="email", placeholder="you@example.com", autocomplete="email"),
                field("Display name", "display_name", placeholder="Ada Lovelace", autocomplete="name"),
                field("Password", "password", type_="password", autocomplete="new-password"),
                rx.text(
                    f"At least {passwords.MIN_LENGTH} characters, not a common password.", size="1", color_scheme="gray"
                ),
                field("Repeat password", "confirm", type_="password", autocomplete="new-password"),
                error_callout(SignupState.signup_error),
                rx.button("Sign up", type="submit", size="3", width="100%", loading=SignupState.signup_busy),
                spacing="4",
            ),
            on_submit=SignupState.submit,
        ),
        rx.text(
            "Already have an account? ", rx.link("Log in", href=AuthState.login_href, underline="always"), size="2"
        ),
    )
