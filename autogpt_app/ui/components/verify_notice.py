"""The "verify your e-mail" notice shown on every page to a logged-in person whose address is unverified."""

from __future__ import annotations

import reflex as rx

from autogpt_app.auth import email_links
from autogpt_app.ui.states.auth import FAILED, AuthState


class VerifyNoticeState(AuthState):
    """Send the verification link again."""

    notice_message: str = ""
    notice_error: str = ""

    @rx.event
    async def resend(self):
        """Send a new link to the logged-in person's address (throttled per address)."""
        self.notice_message = self.notice_error = ""

        async def send(session, user) -> str:
            await email_links.resend_verification(session, user, client_ip=self._client_ip())
            return user.email

        address = await self._attempt(send, error_field="notice_error")
        if address is not FAILED:
            self.notice_message = f"We sent a new link to {address}. It may take a minute to arrive."


def resend_button() -> rx.Component:
    """The button that sends the link again."""
    return rx.button(
        "Send the link again",
        size="1",
        # Solid amber has dark text (Radix's contrast colour); soft amber text is below 4.5:1.
        variant="solid",
        color_scheme="amber",
        on_click=VerifyNoticeState.resend,
        data_testid="resend-verification",
    )


def verify_notice() -> rx.Component:
    """An amber notice with a resend button while the logged-in person's address is unverified."""
    return rx.cond(
        AuthState.is_authenticated & ~AuthState.email_verified,
        rx.callout(
            rx.hstack(
                rx.text(
                    rx.cond(
                        VerifyNoticeState.notice_message != "",
                        VerifyNoticeState.notice_message,
                        "Please verify your e-mail address: open the link we sent to " + AuthState.user_email + ".",
                    ),
                    rx.cond(VerifyNoticeState.notice_error != "", " " + VerifyNoticeState.notice_error, ""),
                    size="2",
                ),
                resend_button(),
                align="center",
                wrap="wrap",
                spacing="3",
            ),
            icon="mail-warning",
            color_scheme="amber",
            # Radix's amber text on amber is 4.2:1; high contrast meets WCAG AA (4.5:1).
            high_contrast=True,
            width="100%",
            margin_bottom="1rem",
            data_testid="verify-notice",
        ),
        rx.fragment(),
    )
