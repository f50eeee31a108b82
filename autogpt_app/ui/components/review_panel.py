"""The run page's panel for a run waiting for the person: the question, the data, Approve and Reject."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui.states.run_reviews import ReviewRow
from autogpt_app.ui.states.runs import RunState

_FIXED = "This data cannot be changed."


def _review(row: ReviewRow) -> rx.Component:
    review_id = rx.el.input(type="hidden", name="review_id", value=row.id)
    return rx.vstack(
        rx.text(row.message, weight="medium", data_testid="review-message"),
        rx.form(
            review_id,
            rx.text_area(
                name="data",
                default_value=row.data_text,
                read_only=~row.editable,
                rows="6",
                width="100%",
                font_family="monospace",
                aria_label="The data to approve",
                data_testid="review-data",
            ),
            rx.text(
                rx.cond(
                    row.editable, "Change the data above if you like, then approve.", "This data cannot be changed."
                ),
                size="1",
                color_scheme="gray",
            ),
            rx.button(
                rx.icon("check", size=14), "Approve", type="submit", color_scheme="green", data_testid="review-approve"
            ),
            on_submit=RunState.approve_review,
            reset_on_submit=False,
            width="100%",
        ),
        rx.form(
            rx.el.input(type="hidden", name="review_id", value=row.id),
            rx.hstack(
                rx.input(
                    name="comment",
                    placeholder="Why not? (optional; passed on with the rejection)",
                    aria_label="Comment",
                    width="100%",
                    data_testid="review-comment",
                ),
                rx.button(
                    rx.icon("x", size=14),
                    "Reject",
                    type="submit",
                    color_scheme="red",
                    variant="soft",
                    data_testid="review-reject",
                ),
                width="100%",
                align="center",
            ),
            on_submit=RunState.reject_review,
            width="100%",
        ),
        rx.text(
            "If nobody decides by ", row.expires, ", the run takes the 'rejected' path.", size="1", color_scheme="gray"
        ),
        spacing="2",
        width="100%",
        data_testid="review",
    )


def review_panel() -> rx.Component:
    """Shown while the run waits for the person's decisions (nothing otherwise)."""
    return rx.cond(
        RunState.reviews.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Waiting for your review", size="4"),
                rx.foreach(RunState.reviews, _review),
                spacing="3",
                width="100%",
            ),
            width="100%",
            data_testid="review-panel",
        ),
        rx.fragment(),
    )
