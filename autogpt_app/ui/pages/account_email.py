"""The pages behind the account e-mails: forgot password, reset password, verify the e-mail address."""

from __future__ import annotations

import reflex as rx

from autogpt_app.auth import email_links, passwords, service
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import card_page, error_callout, field, success_callout
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.verify_notice import verify_notice
from autogpt_app.ui.states.auth import AuthState


class ForgotPasswordState(AuthState):
    """Ask for a reset link; the answer never says whether the address has an account."""

    forgot_message: str = ""
    forgot_error: str = ""
    forgot_busy: bool = False

    @rx.event
    def clear(self):
        """``on_load``: a fresh form."""
        self.forgot_message = self.forgot_error = ""
        self.forgot_busy = False

    @rx.event
    async def submit(self, form: dict):
        """Send the link if an account has this address; say the same either way."""
        self.forgot_message = self.forgot_error = ""
        self.forgot_busy = True
        yield
        try:
            async with session_scope() as session:
                await email_links.request_password_reset(
                    session, str(form.get("email", "")), client_ip=self._client_ip()
                )
        except ServiceError as exc:  # only the per-address limit: it says nothing about the account
            self.forgot_error = exc.message
        else:
            self.forgot_message = email_links.SENT_IF_EXISTS
        self.forgot_busy = False


class ResetPasswordState(AuthState):
    """Choose a new password with the link from the e-mail."""

    reset_error: str = ""
    reset_busy: bool = False

    @rx.event
    def clear(self):
        """``on_load``: a fresh form."""
        self.reset_error = ""
        self.reset_busy = False

    @rx.event
    async def submit(self, form: dict):
        """Set the new password, end every other session, and log in with it."""
        self.reset_error = ""
        new = str(form.get("new_password", ""))
        if new != form.get("confirm", ""):
            self.reset_error = "The two passwords do not match."
            return
        token = self.router.url.query_parameters.get("token", "")
        self.reset_busy = True
        yield
        try:
            async with session_scope() as session:
                user = await email_links.reset_password(
                    session, token, new_password=new, revoke_api_keys=bool(form.get("revoke_api_keys"))
                )
        except ServiceError as exc:
            self.reset_error = exc.message
            self.reset_busy = False
            return
        self.reset_busy = False
        self.token = service.issue_token(user)
        self._show_user(user)
        yield [rx.redirect(routes.HOME), rx.toast.success("Your password is changed; other sessions were logged out.")]


class VerifyEmailState(AuthState):
    """Use the verification link (on load); a failed one offers a new link (:func:`verify_notice`)."""

    verify_message: str = ""
    verify_error: str = ""
    verify_done: bool = False

    @rx.event
    async def verify(self):
        """``on_load``: use the link's token."""
        self.verify_message = self.verify_error = ""
        self.verify_done = False
        await self._resolve_user()
        token = self.router.url.query_parameters.get("token", "")
        try:
            async with session_scope() as session:
                user = await email_links.verify_email(session, token)
        except ServiceError as exc:
            self.verify_error = exc.message
        else:
            self.verify_message = f"Thank you: {user.email} is verified."
            if self.user_id == user.id:
                self._show_user(user)
        self.verify_done = True


@template(routes.FORGOT_PASSWORD, "Forgot password", public=True, on_load=ForgotPasswordState.clear)
def forgot_password_page() -> rx.Component:
    return card_page(
        rx.heading("Forgot your password?", size="6"),
        rx.text("Enter your e-mail address and we will send you a link to choose a new one.", color_scheme="gray"),
        rx.form(
            rx.vstack(
                field("E-mail", "email", type_="email", placeholder="you@example.com", autocomplete="email"),
                error_callout(ForgotPasswordState.forgot_error),
                success_callout(ForgotPasswordState.forgot_message),
                rx.button(
                    "Send me a link", type="submit", size="3", width="100%", loading=ForgotPasswordState.forgot_busy
                ),
                spacing="4",
            ),
            on_submit=ForgotPasswordState.submit,
        ),
        rx.text("Remembered it? ", rx.link("Log in", href=routes.LOGIN, underline="always"), size="2"),
    )


@template(routes.RESET_PASSWORD, "Reset password", public=True, on_load=ResetPasswordState.clear)
def reset_password_page() -> rx.Component:
    return card_page(
        rx.heading("Choose a new password", size="6"),
        rx.text("Every device logged in to your account will be logged out.", color_scheme="gray"),
        rx.form(
            rx.vstack(
                field("New password", "new_password", type_="password", autocomplete="new-password"),
                rx.text(
                    f"At least {passwords.MIN_LENGTH} characters, not a common password.", size="1", color_scheme="gray"
                ),
                field("Repeat new password", "confirm", type_="password", autocomplete="new-password"),
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="revoke_api_keys", id="revoke_api_keys"),
                        rx.text("Also revoke all my API keys", size="2"),
                        align="center",
                    ),
                    html_for="revoke_api_keys",
                ),
                error_callout(ResetPasswordState.reset_error),
                rx.button(
                    "Set new password", type="submit", size="3", width="100%", loading=ResetPasswordState.reset_busy
                ),
                spacing="4",
            ),
            on_submit=ResetPasswordState.submit,
        ),
        rx.text(
            "Link expired? ", rx.link("Ask for a new one", href=routes.FORGOT_PASSWORD, underline="always"), size="2"
        ),
    )


@template(routes.VERIFY_EMAIL, "Verify e-mail", public=True, on_load=VerifyEmailState.verify)
def verify_email_page() -> rx.Component:
    return card_page(
        rx.heading("Verify your e-mail address", size="6"),
        rx.cond(VerifyEmailState.verify_done, rx.fragment(), rx.spinner(size="3")),
        error_callout(VerifyEmailState.verify_error),
        success_callout(VerifyEmailState.verify_message),
        rx.cond(
            VerifyEmailState.verify_error != "",
            verify_notice(),
            rx.fragment(),
        ),
        rx.link("Go to the home page", href=routes.HOME, size="2"),
    )
