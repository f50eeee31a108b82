"""An agent's marketplace page: what it does, the inputs and credentials it needs, versions, reviews.

The state lives in :mod:`autogpt_app.ui.states.marketplace_listing`; the shared marketplace pieces
in :mod:`autogpt_app.ui.components.listing_cards`.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.store.models import MAX_COMMENT
from autogpt_app.ui import routes
from autogpt_app.ui.components.agent_canvas import agent_picture
from autogpt_app.ui.components.forms import error_callout, success_callout
from autogpt_app.ui.components.listing_cards import (
    category_chips,
    listing_image,
    not_found_panel,
    page_loading,
    rating_stars,
    rating_summary,
)
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.marketplace_listing import (
    CredentialNeed,
    InputRow,
    ListingState,
    ReviewRow,
    VersionRow,
)


def _section(title: str, *children: rx.Component, icon: str = "", **props) -> rx.Component:
    heading = rx.hstack(rx.icon(icon, size=18), rx.heading(title, size="4"), align="center") if icon else None
    return rx.card(
        rx.vstack(
            heading or rx.heading(title, size="4"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        **props,
    )


def _library_actions() -> rx.Component:
    S = ListingState
    return rx.flex(
        rx.cond(
            S.library_agent_id != "",
            rx.hstack(
                rx.badge(rx.icon("check", size=14), "In your library", color_scheme="green", size="3"),
                rx.link("Open", href=routes.library_agent(S.library_agent_id), data_testid="open-library-agent"),
                align="center",
                spacing="2",
                data_testid="in-library",
            ),
            rx.button(
                rx.icon("library", size=16),
                "Add to library",
                variant="soft",
                size="3",
                on_click=S.add_to_library,
                data_testid="add-to-library",
            ),
        ),
        rx.button(rx.icon("play", size=16), "Run", size="3", on_click=S.run_agent, data_testid="run-agent"),
        rx.button(
            rx.icon("workflow", size=16),
            "Edit in builder",
            variant="outline",
            size="3",
            on_click=S.open_in_builder,
            title="Your library copy opens on the canvas, where you can change it",
            data_testid="edit-in-builder",
        ),
        rx.cond(
            S.is_authenticated,
            rx.fragment(),
            rx.text("Log in to add or run it: you come back here.", size="1", color_scheme="gray"),
        ),
        gap="0.75rem",
        align="center",
        wrap="wrap",
    )


def _header() -> rx.Component:
    S = ListingState
    return rx.card(
        rx.flex(
            rx.box(listing_image(S.image_url, height="10rem", icon_size=56), width=["100%", "14rem"], flex_shrink="0"),
            rx.vstack(
                rx.hstack(
                    rx.heading(S.listing_name, size="7", data_testid="listing-title"),
                    rx.cond(S.is_featured, rx.badge("Featured", color_scheme="amber"), rx.fragment()),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(S.subheading, size="3", color_scheme="gray"),
                rx.hstack(
                    rx.text("by", size="2", color_scheme="gray"),
                    rx.link(S.creator_name, href=S.creator_href, size="2", data_testid="creator-link"),
                    align="center",
                    spacing="1",
                ),
                rx.flex(
                    rating_summary(S.rating, S.rating_text, S.rating_count, size=16),
                    rx.text(S.runs_text, size="2", color_scheme="gray"),
                    rx.text("Updated ", S.updated_text, size="2", color_scheme="gray"),
                    gap="1rem",
                    wrap="wrap",
                    align="center",
                ),
                category_chips(S.listing_categories, with_count=False),
                _library_actions(),
                error_callout(S.action_error),
                spacing="2",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="1.25rem",
            width="100%",
        ),
        width="100%",
    )


#: On a phone the type and the required mark go under the input's name (two columns fit, four do not).
_SMALL_UP = ["none", "table-cell"]


def _required(row: InputRow, **props) -> rx.Component:
    return rx.cond(
        row.required,
        rx.badge("required", color_scheme="red", **props),
        rx.badge("optional", color_scheme="gray", **props),
    )


def _input_row(row: InputRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.title, weight="medium"),
                rx.code(row.name, size="1"),
                rx.hstack(
                    rx.text(row.type_label, size="1"),
                    _required(row),
                    spacing="2",
                    align="center",
                    display=["flex", "none"],
                ),
                spacing="1",
            )
        ),
        rx.table.cell(row.type_label, display=_SMALL_UP),
        rx.table.cell(_required(row), display=_SMALL_UP),
        rx.table.cell(
            rx.vstack(
                rx.text(row.description, size="2", style={"overflow_wrap": "anywhere"}),
                rx.cond(row.default != "", rx.text("Default: ", rx.code(row.default), size="1"), rx.fragment()),
                spacing="1",
            )
        ),
        data_testid="input-row",
    )


def _inputs() -> rx.Component:
    S = ListingState
    return _section(
        "Inputs it needs",
        rx.cond(
            S.inputs.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Input"),
                            rx.table.column_header_cell("Type", display=_SMALL_UP),
                            rx.table.column_header_cell("", display=_SMALL_UP),
                            rx.table.column_header_cell("Description"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.inputs, _input_row)),
                    width="100%",
                    size="1",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("No inputs: it runs as it is.", size="2", color_scheme="gray"),
        ),
        icon="text-cursor-input",
        data_testid="listing-inputs",
    )


def _credential(need: CredentialNeed) -> rx.Component:
    return rx.hstack(
        rx.icon("key-round", size=16),
        rx.vstack(
            rx.hstack(
                rx.text(need.provider, weight="medium"),
                rx.text(need.kinds, size="2", color_scheme="gray"),
                rx.cond(need.required, rx.fragment(), rx.badge("optional", color_scheme="gray")),
                align="center",
                wrap="wrap",
            ),
            rx.cond(need.description != "", rx.text(need.description, size="2"), rx.fragment()),
            rx.cond(
                need.used_by != "", rx.text("Used by: ", need.used_by, size="1", color_scheme="gray"), rx.fragment()
            ),
            spacing="1",
        ),
        align="start",
        data_testid="credential-need",
    )


def _credentials() -> rx.Component:
    S = ListingState
    return _section(
        "Credentials it needs",
        rx.cond(
            S.credentials.length() > 0,
            rx.vstack(
                rx.foreach(S.credentials, _credential),
                rx.text(
                    "You choose one of your saved credentials when you run it. ",
                    rx.link("Manage credentials", href=routes.CREDENTIALS),
                    size="2",
                    color_scheme="gray",
                ),
                spacing="3",
                width="100%",
            ),
            rx.text("None: it needs no API key or password.", size="2", color_scheme="gray"),
        ),
        icon="key-round",
        data_testid="listing-credentials",
    )


def _version(row: VersionRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(row.label, variant="outline"),
            rx.text(row.date, size="1", color_scheme="gray"),
            rx.cond(row.active, rx.badge("current", color_scheme="green"), rx.fragment()),
            align="center",
        ),
        rx.text(rx.cond(row.changelog != "", row.changelog, "No changelog."), size="2", white_space="pre-wrap"),
        spacing="1",
        width="100%",
        data_testid="version-row",
    )


def _versions() -> rx.Component:
    S = ListingState
    return _section(
        "Versions",
        rx.foreach(S.versions, _version),
        rx.cond(
            S.version_count > S.versions.length(),
            rx.text("Showing the latest ", S.versions.length(), " of ", S.version_count, ".", size="1"),
            rx.fragment(),
        ),
        icon="history",
    )


def _review(row: ReviewRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row.reviewer, weight="medium", size="2"),
            rating_stars(row.score),
            rx.text(row.date, size="1", color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.cond(row.comment != "", rx.text(row.comment, size="2", white_space="pre-wrap"), rx.fragment()),
        spacing="1",
        width="100%",
        data_testid="review",
    )


def _star_button(position: int) -> rx.Component:
    S = ListingState
    chosen = S.review_score >= position
    return rx.icon_button(
        rx.icon(
            "star",
            size=22,
            color=rx.cond(chosen, rx.color("amber", 9), rx.color("gray", 8)),
            fill=rx.cond(chosen, rx.color("amber", 9), "none"),
        ),
        type="button",
        variant="ghost",
        on_click=S.set_review_score(position),
        aria_label=f"{position} star" + ("" if position == 1 else "s"),
        aria_pressed=rx.cond(S.review_score == position, "true", "false"),
        data_testid=f"review-star-{position}",
    )


def _review_form() -> rx.Component:
    S = ListingState
    return rx.form(
        rx.vstack(
            rx.text(rx.cond(S.has_review, "Your review (you can change it)", "Rate this agent"), weight="medium"),
            rx.hstack(*[_star_button(i) for i in range(1, 6)], spacing="1"),
            rx.text_area(
                name="comment",
                default_value=S.review_comment,
                key=S.review_form_key,
                placeholder="What did it do well, what could be better? (optional)",
                aria_label="Comment",
                max_length=MAX_COMMENT,
                rows="3",
                width="100%",
            ),
            error_callout(S.review_error),
            success_callout(S.review_message),
            rx.button(
                rx.cond(S.has_review, "Update review", "Publish review"),
                type="submit",
                disabled=S.review_score == 0,
                data_testid="save-review",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.save_review,
        width="100%",
        data_testid="review-form",
    )


def _reviews() -> rx.Component:
    S = ListingState
    return _section(
        "Ratings and reviews",
        rating_summary(S.rating, S.rating_text, S.rating_count, size=18),
        rx.cond(
            ~S.is_authenticated,
            rx.hstack(
                rx.text("Used this agent? Log in to rate and review it.", size="2", color_scheme="gray"),
                rx.button("Log in to review", size="2", variant="soft", on_click=S.log_in_to_act),
                align="center",
                wrap="wrap",
                width="100%",
                data_testid="review-login",
            ),
            rx.cond(
                S.review_refusal == "",
                _review_form(),
                rx.callout(
                    S.review_refusal, icon="info", color_scheme="gray", width="100%", data_testid="review-refusal"
                ),
            ),
        ),
        rx.divider(),
        rx.cond(
            S.reviews.length() > 0,
            rx.vstack(rx.foreach(S.reviews, _review), spacing="3", width="100%"),
            rx.text("No reviews yet.", size="2", color_scheme="gray"),
        ),
        icon="star",
        data_testid="reviews",
    )


def _listing() -> rx.Component:
    S = ListingState
    return rx.vstack(
        _header(),
        rx.grid(
            rx.vstack(
                _section(
                    "About",
                    rx.box(
                        # No raw HTML (use_raw=False): a description can never inject markup or scripts.
                        rx.markdown(S.description_md, use_raw=False, use_math=False, use_katex=False),
                        width="100%",
                        data_testid="listing-description",
                    ),
                    icon="file-text",
                ),
                _inputs(),
                _credentials(),
                _versions(),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            rx.vstack(_reviews(), spacing="4", width="100%", min_width="0"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        _section(
            "How it works",
            rx.text("Its steps and how data flows between them.", size="2", color_scheme="gray"),
            agent_picture(S.picture, S.listing_id, height="380px"),
            icon="workflow",
        ),
        spacing="4",
        width="100%",
    )


@template(routes.MARKETPLACE_AGENT, "Agent", guests=True, on_load=ListingState.load)
def marketplace_agent() -> rx.Component:
    S = ListingState
    return rx.cond(
        ~S.listing_loaded,
        page_loading(),
        rx.cond(
            S.not_found,
            not_found_panel(
                "Agent not found",
                "No agent with this address is in the marketplace. It may have been removed, or not approved yet.",
                "listing-not-found",
            ),
            rx.cond(S.listing_id != "", _listing(), error_callout(S.listing_error)),
        ),
    )
