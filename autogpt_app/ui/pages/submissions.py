"""Publishing: submit a library agent to the marketplace and follow its review.

Also the layout pieces the admins' review queue (:mod:`autogpt_app.ui.pages.admin_submissions`) shares.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.store import validation
from autogpt_app.store.models import MAX_CHANGELOG, MAX_DESCRIPTION, MAX_NAME, MAX_SUBHEADING, MAX_URL
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout, section, success_callout
from autogpt_app.ui.components.image_upload import image_upload
from autogpt_app.ui.components.pager import state_pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.tables import data_table
from autogpt_app.ui.states.submissions import (
    CATEGORY_CHOICES,
    IMAGE_UPLOAD_ID,
    AgentOption,
    OffsetPaging,
    SubmissionRow,
    SubmissionsState,
)

STATUS_COLORS = {"pending": "amber", "approved": "green", "rejected": "red", "draft": "gray"}


def field_label(text: str, html_for: str, hint: str = "") -> rx.Component:
    """A form field's label for the control with id ``html_for``, with an optional grey hint."""
    return rx.hstack(
        rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        align="baseline",
        spacing="2",
        wrap="wrap",
    )


def status_badge(status: rx.Var) -> rx.Component:
    """A coloured badge for a submission status (pending, approved, rejected)."""
    return rx.match(
        status,
        *[
            (value, rx.badge(value, color_scheme=color, data_testid="submission-status"))
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, data_testid="submission-status"),
    )


# --- /submissions: the submit form ------------------------------------------------------------------


def _agent_item(option: AgentOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _agent_picker() -> rx.Component:
    s = SubmissionsState
    picker = rx.vstack(
        field_label("Agent", "agent_search", "one of the agents in your library"),
        rx.flex(
            rx.box(
                rx.input(
                    id="agent_search",
                    type="search",
                    placeholder="Search your library",
                    aria_label="Search your library",
                    on_change=s.search_agents.debounce(300),
                    max_length=200,
                    size="3",
                    width="100%",
                ),
                width=rx.breakpoints(initial="100%", md="16rem"),
                flex_shrink="0",
            ),
            rx.box(
                rx.select.root(
                    rx.select.trigger(placeholder="Choose an agent", aria_label="Agent", width="100%"),
                    rx.select.content(rx.foreach(s.agent_options, _agent_item)),
                    value=s.agent_id,
                    on_change=s.choose_agent,
                    size="3",
                ),
                flex="1",
                min_width="0",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="2",
            width="100%",
        ),
        rx.cond(s.agent_hint != "", rx.text(s.agent_hint, size="1", color_scheme="gray"), rx.fragment()),
        rx.cond(
            (s.agent_options.length() == 0) & (s.agent_query != ""),
            rx.text("No agent in your library matches that search.", size="2", color_scheme="gray"),
            rx.fragment(),
        ),
        rx.cond(
            s.agent_id != "",
            rx.text("Publishing: ", rx.text.strong(s.agent_name), size="2", data_testid="chosen-agent"),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
    )
    empty = rx.callout(
        rx.text(
            "Your library has no agents yet. ",
            rx.link("Upload or create one in your Library", href=routes.LIBRARY),
            ", then come back to publish it.",
        ),
        icon="info",
        width="100%",
        data_testid="no-agents",
    )
    # An empty library (no search typed) has nothing to publish.
    return rx.cond((s.agent_total == 0) & (s.agent_query == ""), empty, picker)


def _text_input(label: str, name: str, limit: int, *, hint: str = "", required: bool = False, **props) -> rx.Component:
    return rx.vstack(
        field_label(label, name, hint),
        rx.input(id=name, name=name, max_length=limit, required=required, size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def _text_area(label: str, name: str, limit: int, *, hint: str = "", rows: str = "4", **props) -> rx.Component:
    return rx.vstack(
        field_label(label, name, hint),
        rx.text_area(id=name, name=name, max_length=limit, rows=rows, size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def _category_chip(name: str) -> rx.Component:
    chosen = SubmissionsState.chosen_categories.contains(name)
    return rx.button(
        rx.cond(chosen, rx.icon("check", size=12), rx.fragment()),
        name,
        type="button",
        size="1",
        radius="full",
        variant=rx.cond(chosen, "solid", "outline"),
        aria_pressed=rx.cond(chosen, "true", "false"),
        on_click=SubmissionsState.toggle_category(name),
        data_testid=f"category-{name.replace(' ', '-')}",
    )


def _categories() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Categories", size="2", weight="medium", id="categories-label"),
            rx.text(f"up to {validation.MAX_CATEGORIES}", size="1", color_scheme="gray"),
            align="baseline",
            spacing="2",
        ),
        rx.flex(
            *[_category_chip(name) for name in CATEGORY_CHOICES],
            wrap="wrap",
            gap="2",
            role="group",
            aria_labelledby="categories-label",
            data_testid="category-choices",
        ),
        spacing="2",
        width="100%",
    )


def _image() -> rx.Component:
    s = SubmissionsState
    return rx.vstack(
        field_label("Image", "image_url", "optional"),
        image_upload(
            IMAGE_UPLOAD_ID,
            image_url=s.image_url,
            on_upload=s.upload_image,
            on_rejected=s.image_rejected,
            on_clear=s.clear_image,
            max_bytes=validation.MAX_IMAGE_BYTES,
            alt="Listing image",
        ),
        rx.box(error_callout(s.image_error), width="100%", data_testid="image-error"),
        rx.input(
            id="image_url",
            name="image_url",
            # Re-mounted (empty) after an upload: an uploaded file's path is the site's business, not the person's.
            key=s.image_key,
            default_value=rx.cond(s.image_uploaded, "", s.image_url),
            on_blur=s.set_image_url,
            placeholder="…or an image address: https://…",
            aria_label="Image address",
            max_length=MAX_URL,
            size="3",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _submit_form() -> rx.Component:
    s = SubmissionsState
    return rx.form(
        rx.vstack(
            _text_input(
                "Listing name",
                "name",
                MAX_NAME,
                required=True,
                key=s.agent_id,
                default_value=s.agent_name,
                placeholder="What people will search for",
            ),
            _text_input(
                "Subheading", "subheading", MAX_SUBHEADING, hint="one line", placeholder="What it does, briefly"
            ),
            _text_area(
                "Description",
                "description",
                MAX_DESCRIPTION,
                hint="Markdown allowed",
                rows="6",
                key=s.agent_id,
                default_value=s.agent_description,
                placeholder="What it does, what it needs, what you get back",
            ),
            _categories(),
            _image(),
            _text_area("Changelog", "changelog", MAX_CHANGELOG, hint="what is new in this version", rows="3"),
            rx.box(error_callout(s.submit_error), width="100%", data_testid="submit-error"),
            success_callout(s.submit_message),
            rx.button(
                rx.icon("send", size=16), "Submit for review", type="submit", size="3", disabled=s.agent_id == ""
            ),
            spacing="4",
            width="100%",
        ),
        key=s.form_key,
        on_submit=s.submit,
        reset_on_submit=False,
        width="100%",
    )


# --- /submissions: my submissions -----------------------------------------------------------------


def _submission_row(row: SubmissionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row.is_live,
                    rx.link(row.name, href=routes.marketplace_agent(row.slug), weight="medium"),
                    rx.text(row.name, weight="medium"),
                ),
                rx.text(row.graph_name, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row.version),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.submitted, white_space="nowrap")),
        rx.table.cell(
            rx.cond(
                row.comment != "",
                rx.text(row.comment, size="2", data_testid="reviewer-comment"),
                rx.text("—", color_scheme="gray"),
            ),
            max_width="20rem",
        ),
        data_testid="submission-row",
    )


def pager(state: type[OffsetPaging]) -> rx.Component:
    """Previous / Next buttons for a state paged by :class:`OffsetPaging` (hidden when all fits on one page)."""
    return state_pager(state, hide_when_single=True)


def _my_submissions() -> rx.Component:
    s = SubmissionsState
    return section(
        "My submissions",
        "Every version you sent, newest first, with the reviewer's decision.",
        error_callout(s.list_error),
        rx.cond(
            s.rows.length() > 0,
            data_table(
                ("Listing", "Version", "Status", "Submitted", "Reviewer comment"),
                rx.foreach(s.rows, _submission_row),
            ),
            rx.text(
                "You have not submitted anything yet.", size="2", color_scheme="gray", data_testid="no-submissions"
            ),
        ),
        pager(s),
        testid="my-submissions",
    )


@template(routes.SUBMISSIONS, "My submissions", on_load=SubmissionsState.load)
def submissions_page() -> rx.Component:
    return rx.vstack(
        section(
            "Submit an agent",
            "Publish one of your agents to the marketplace. An admin reviews it before it is listed.",
            _agent_picker(),
            _submit_form(),
            testid="submit-form",
        ),
        _my_submissions(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )
