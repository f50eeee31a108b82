"""The admins' review queue: open a pending submission, see what its agent is made of, approve or reject it."""

from __future__ import annotations

import reflex as rx

from autogpt_app.store.models import MAX_COMMENT
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout, section
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.tables import data_table
from autogpt_app.ui.pages.submissions import field_label, pager
from autogpt_app.ui.states.admin_submissions import BlockUse, InputRow, PendingRow, ReviewState


def _pending_row(row: PendingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.name, weight="medium"),
                rx.text(row.graph_name, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row.version),
        rx.table.cell(rx.text("@", row.submitter)),
        rx.table.cell(rx.text(row.submitted, white_space="nowrap")),
        rx.table.cell(
            rx.button("Open", size="1", variant="soft", on_click=ReviewState.open_submission(row.version_id))
        ),
        data_testid="pending-row",
    )


def _block_item(block: BlockUse) -> rx.Component:
    return rx.badge(block.name, " ×", block.count, variant="surface", color_scheme="gray")


def _input_item(field: InputRow) -> rx.Component:
    return rx.hstack(
        rx.code(field.name),
        rx.text(field.title, size="2"),
        rx.text(field.type, size="1", color_scheme="gray"),
        rx.cond(field.required, rx.badge("required", size="1", color_scheme="amber"), rx.fragment()),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _fact(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(title, size="1", weight="bold", color_scheme="gray"), *children, spacing="1", width="100%")


def _review_dialog() -> rx.Component:
    r = ReviewState
    d = r.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title(d.name),
                rx.cond(d.subheading != "", rx.text(d.subheading, size="3", color_scheme="gray"), rx.fragment()),
                rx.cond(
                    d.image_url != "",
                    rx.image(
                        src=d.image_url,
                        alt="Listing image",
                        max_height="10rem",
                        max_width="100%",
                        object_fit="contain",
                        border_radius="8px",
                        data_testid="review-image",
                    ),
                    rx.fragment(),
                ),
                rx.flex(rx.foreach(d.categories, lambda c: rx.badge(c, variant="soft")), wrap="wrap", gap="2"),
                rx.box(
                    # No raw HTML: the description is a stranger's text.
                    rx.markdown(d.description, use_raw=False),
                    width="100%",
                    padding="0.75rem",
                    border=f"1px solid {rx.color('gray', 5)}",
                    border_radius="8px",
                    data_testid="review-description",
                ),
                rx.grid(
                    _fact("Submitted by", rx.text(d.submitter, size="2", data_testid="review-submitter")),
                    _fact("When", rx.text(d.submitted, " · ", d.version, size="2")),
                    _fact(
                        "Agent", rx.text(d.graph, size="2"), rx.text(d.graph_description, size="1", color_scheme="gray")
                    ),
                    _fact(
                        "Credentials needed",
                        rx.cond(
                            d.credentials.length() > 0,
                            rx.flex(rx.foreach(d.credentials, lambda c: rx.badge(c, color_scheme="violet")), gap="2"),
                            rx.text("none", size="2", color_scheme="gray"),
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                _fact(
                    "Blocks",
                    rx.flex(rx.foreach(d.blocks, _block_item), wrap="wrap", gap="2", data_testid="review-blocks"),
                ),
                _fact(
                    "Inputs",
                    rx.cond(
                        d.inputs.length() > 0,
                        rx.vstack(rx.foreach(d.inputs, _input_item), spacing="1"),
                        rx.text("none", size="2", color_scheme="gray"),
                    ),
                ),
                _fact(
                    "Changelog",
                    rx.cond(
                        d.changelog != "",
                        rx.text(d.changelog, size="2", white_space="pre-wrap"),
                        rx.text("—", size="2", color_scheme="gray"),
                    ),
                ),
                rx.divider(),
                rx.vstack(
                    field_label("Comment for the creator", "review_comment", "required to reject"),
                    rx.text_area(
                        id="review_comment",
                        key=d.version_id,
                        on_change=r.set_review_comment,
                        max_length=MAX_COMMENT,
                        rows="3",
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
                error_callout(r.review_error),
                rx.flex(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Reject", color_scheme="red", variant="soft", on_click=r.decide(False)),
                    rx.button("Approve", color_scheme="green", on_click=r.decide(True)),
                    gap="3",
                    justify="end",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="44rem",
            data_testid="review-dialog",
        ),
        open=r.dialog_open,
        on_open_change=r.set_dialog_open,
    )


@template(routes.ADMIN_SUBMISSIONS, "Admin · Submissions", admin=True, on_load=ReviewState.load)
def admin_submissions_page() -> rx.Component:
    r = ReviewState
    return rx.vstack(
        section(
            "Review queue",
            "Pending submissions, oldest first. Approving lists the agent in the marketplace; "
            "the creator is notified either way.",
            error_callout(r.queue_error),
            rx.cond(
                r.rows.length() > 0,
                data_table(("Listing", "Version", "Creator", "Submitted", ""), rx.foreach(r.rows, _pending_row)),
                rx.text("Nothing waits for review.", size="2", color_scheme="gray", data_testid="queue-empty"),
            ),
            pager(r),
            testid="review-queue",
        ),
        _review_dialog(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )
