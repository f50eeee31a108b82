"""The Chat page's conversation items: user bubbles, the assistant's Markdown, one card per event type.

Each item is a :class:`~autogpt_app.ui.chat_rows.ChatRow` (a Var inside ``rx.foreach``);
:func:`chat_row` picks its component by ``kind``. Cards never show a secret: a credentials card
names the provider and kind and takes a new secret in a password field that is cleared on submit
(:mod:`autogpt_app.ui.components.chat_credentials`); it is never echoed into the chat.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.chat_rows import AGENT_FIELD, AgentRow, ChatRow, FieldRow
from autogpt_app.ui.components.chat_credentials import credential_need
from autogpt_app.ui.components.outputs import STATUS_COLORS, outputs_view
from autogpt_app.ui.components.words import status_text
from autogpt_app.ui.states.auth import AuthState
from autogpt_app.ui.states.chat import ChatState


def _card(*children: rx.Component, testid: str, color: str = "gray") -> rx.Component:
    return rx.card(
        rx.vstack(*children, spacing="2", width="100%"),
        width="100%",
        max_width="48rem",
        data_testid=testid,
        border_left=f"3px solid {rx.color(color, 8)}",
    )


def _items(row: rx.Var[ChatRow], testid: str) -> rx.Component:
    return rx.unordered_list(
        rx.foreach(row.lines, lambda item: rx.list_item(rx.text(item, size="2"), data_testid=testid)),
        padding_left="1rem",
    )


def user_bubble(row: rx.Var[ChatRow]) -> rx.Component:
    """What the person wrote (plain text, right-aligned)."""
    return rx.flex(
        rx.box(
            rx.text(row.text, white_space="pre-wrap", size="3"),
            background=rx.color("violet", 4),
            padding="0.5rem 0.9rem",
            border_radius="12px",
            max_width=["90%", "80%", "70%"],
            data_testid="chat-user",
        ),
        justify="end",
        width="100%",
    )


def assistant_text(text: rx.Var[str] | str, testid: str = "chat-assistant") -> rx.Component:
    """The assistant's reply, as Markdown with raw HTML off."""
    return rx.box(
        rx.markdown(text, use_raw=False),
        max_width="48rem",
        width="100%",
        data_testid=testid,
        aria_live="polite",
    )


def _agent(agent: rx.Var[AgentRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.image(
                src=agent.image,
                alt="",
                width="100%",
                height="6rem",
                object_fit="cover",
                border_radius="8px",
                loading="lazy",
                referrer_policy="no-referrer",
                data_testid="agent-image",
            ),
            rx.link(rx.heading(agent.name, size="3"), href=agent.href, data_testid="agent-name"),
            rx.text(
                rx.cond(agent.creator != "", "by " + agent.creator + " · ", ""),
                rx.cond(
                    agent.source == "marketplace",
                    rx.cond(agent.rating != "", agent.rating + " ★ · ", "no rating · "),
                    "",
                ),
                agent.runs,
                size="1",
                color_scheme="gray",
            ),
            rx.text(agent.description, size="2", no_of_lines=3),
            rx.hstack(
                rx.cond(
                    agent.source == "marketplace",
                    # The agent's public page: visitors can open it too.
                    rx.button(
                        "Details",
                        size="1",
                        variant="soft",
                        on_click=rx.redirect(agent.href),
                        aria_label="Details of " + agent.name,
                        data_testid="agent-details-button",
                    ),
                    rx.button(
                        "Details",
                        size="1",
                        variant="soft",
                        on_click=ChatState.send_text("tell me more about " + agent.mention),
                        disabled=ChatState.streaming,
                        aria_label="Details of " + agent.name,
                    ),
                ),
                rx.button(
                    "Run",
                    size="1",
                    on_click=ChatState.send_text("run " + agent.mention),
                    disabled=ChatState.streaming,
                    aria_label="Run " + agent.name,
                    data_testid="agent-run",
                ),
                rx.cond(
                    agent.source == "marketplace",
                    rx.cond(
                        ChatState.library_slugs.contains(agent.id),
                        rx.badge(
                            rx.icon("check", size=12),
                            "In your library",
                            color_scheme="green",
                            variant="soft",
                            data_testid="agent-in-library",
                        ),
                        rx.cond(
                            AuthState.is_authenticated,
                            rx.button(
                                "Add to library",
                                size="1",
                                variant="outline",
                                on_click=ChatState.add_to_library(agent.id),
                                aria_label="Add " + agent.name + " to library",
                                data_testid="agent-add",
                            ),
                            # A visitor has no library yet: the button says what it takes (this chat comes along).
                            rx.link(
                                rx.button("Log in to add", size="1", variant="outline", tab_index=-1),
                                href=routes.LOGIN,
                                aria_label="Log in to add " + agent.name + " to your library",
                                data_testid="agent-add-login",
                            ),
                        ),
                    ),
                ),
                wrap="wrap",
                spacing="2",
            ),
            spacing="2",
            height="100%",
        ),
        data_testid="agent-card",
    )


def carousel_card(row: rx.Var[ChatRow]) -> rx.Component:
    """Agents found: name, creator, rating, runs, description, and Details / Run / Add to library."""
    return rx.box(
        rx.grid(rx.foreach(row.agents, _agent), columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3"),
        width="100%",
        data_testid="agent-carousel",
    )


def no_results_card(row: rx.Var[ChatRow]) -> rx.Component:
    """A search found nothing, with things to try."""
    return _card(
        rx.text("No agent matched “", row.title, "”.", weight="medium"),
        rx.cond(row.lines.length() > 0, _items(row, "no-results-suggestion")),
        testid="no-results",
    )


def details_card(row: rx.Var[ChatRow]) -> rx.Component:
    """One agent's description and inputs."""
    return _card(
        rx.heading(row.title, size="3"),
        rx.cond(row.subtitle != "", rx.text("by ", row.subtitle, size="1", color_scheme="gray")),
        rx.text(row.text, size="2"),
        rx.cond(row.lines.length() > 0, rx.text("Inputs", weight="medium", size="2")),
        _items(row, "details-input"),
        rx.button(
            "Run",
            size="1",
            width="fit-content",
            # Named, so an older card still runs its own agent (not the one talked about last).
            on_click=ChatState.send_text(rx.cond(row.mention != "", "run " + row.mention, "run it")),
            disabled=ChatState.streaming,
            aria_label="Run " + row.title,
        ),
        testid="agent-details",
        color="violet",
    )


def _field(field: rx.Var[FieldRow]) -> rx.Component:
    return rx.el.label(
        rx.text(field.label, rx.cond(field.required, " *", ""), size="2", weight="medium"),
        # The description is said above the box (a placeholder would be cut on a phone).
        rx.cond(field.description != "", rx.text(field.description, size="1", color_scheme="gray")),
        rx.input(name=field.name, default_value=field.default, required=field.required, width="100%"),
        rx.cond(
            ~field.required & (field.default != ""),
            rx.text("Default: ", field.default, size="1", color_scheme="gray", data_testid="input-default"),
        ),
        display="flex",
        flex_direction="column",
        gap="0.25rem",
        width="100%",
        data_testid="input-field",
    )


def _sent_field(field: rx.Var[FieldRow]) -> rx.Component:
    return rx.cond(
        field.sent != "",
        rx.text(
            rx.text.strong(field.label, ": "),
            field.sent,
            size="2",
            white_space="pre-wrap",
            data_testid="inputs-sent-value",
        ),
    )


def _inputs_form(row: rx.Var[ChatRow]) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name=AGENT_FIELD, value=row.agent_id),
            rx.foreach(row.fields, _field),
            rx.cond(
                row.optional.length() > 0,
                # Every other input, with the value the run will use, so nothing is set silently.
                rx.el.details(
                    rx.el.summary(
                        "More options (",
                        row.optional.length().to_string(),
                        ")",
                        cursor="pointer",
                        data_testid="inputs-more",
                    ),
                    rx.vstack(rx.foreach(row.optional, _field), spacing="2", width="100%", padding_top="0.5rem"),
                    width="100%",
                ),
            ),
            rx.button("Send inputs", type="submit", size="2", disabled=ChatState.streaming),
            spacing="2",
            width="100%",
        ),
        on_submit=ChatState.submit_inputs,
        width="100%",
    )


def inputs_card(row: rx.Var[ChatRow]) -> rx.Component:
    """The run needs inputs: a small form built from the missing fields, the others under "More options".

    Once answered, the card shows what was sent instead of the form.
    """
    return _card(
        rx.hstack(
            rx.text(row.title, rx.cond(row.done, " inputs", " needs a few inputs"), weight="medium"),
            rx.cond(row.done, rx.badge(rx.icon("check", size=12), "Sent", color_scheme="green", variant="soft")),
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            row.done,
            rx.vstack(
                rx.foreach(row.fields, _sent_field),
                rx.foreach(row.optional, _sent_field),
                spacing="1",
                width="100%",
                data_testid="inputs-sent",
            ),
            _inputs_form(row),
        ),
        testid="inputs-needed",
        color=rx.cond(row.done, "gray", "amber"),
    )


def credentials_card(row: rx.Var[ChatRow]) -> rx.Component:
    """The run needs credentials: which ones, a form to add each inline, or the Credentials page (no secret
    is ever shown in the chat). A saved one shows its name instead of its form."""
    return _card(
        rx.hstack(
            rx.text(row.title, " needs a credential", weight="medium"),
            rx.cond(row.done, rx.badge(rx.icon("check", size=12), "Added", color_scheme="green", variant="soft")),
            align="center",
            wrap="wrap",
        ),
        _items(row, "credential-need"),
        rx.foreach(row.credentials, credential_need),
        rx.cond(
            row.done,
            rx.fragment(),
            rx.fragment(
                rx.text(
                    "The secret is stored encrypted and never shown in the chat. Never paste a secret into a message.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.link("Or add it on the Credentials page, then ask again to run it", href=row.href, size="2"),
            ),
        ),
        testid="credentials-needed",
        color=rx.cond(row.done, "gray", "amber"),
    )


def execution_card(row: rx.Var[ChatRow]) -> rx.Component:
    """A run, kept live while it runs: its status, then its outputs or its error, and a link to its page."""
    final = (row.status == "COMPLETED") | (row.status == "FAILED") | (row.status == "TERMINATED")
    return _card(
        rx.hstack(
            rx.text(row.title, weight="medium"),
            rx.badge(
                status_text(row.status),
                color_scheme=rx.match(row.status, *STATUS_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
                data_testid="execution-status",
                data_status=row.status,
            ),
            rx.cond(
                final | (row.status == "WAITING"), rx.fragment(), rx.spinner(size="1", data_testid="execution-spinner")
            ),
            align="center",
            wrap="wrap",
            aria_live="polite",
        ),
        rx.cond(
            row.text != "",
            rx.text(
                row.text,
                color_scheme=rx.cond(row.status == "FAILED", "red", "gray"),
                size="2",
                data_testid="execution-error",
            ),
        ),
        rx.cond(
            row.status == "WAITING",
            rx.vstack(
                rx.text("Waiting for your review. ", row.review_text, size="2", data_testid="execution-review"),
                rx.cond(
                    row.review_id != "",
                    rx.hstack(
                        rx.button(
                            "Approve",
                            size="1",
                            color_scheme="green",
                            on_click=ChatState.approve_review(row.review_id),
                            data_testid="execution-approve",
                        ),
                        rx.button(
                            "Reject",
                            size="1",
                            color_scheme="red",
                            variant="soft",
                            on_click=ChatState.reject_review(row.review_id),
                            data_testid="execution-reject",
                        ),
                        rx.text("To change the data first, open the run.", size="1", color_scheme="gray"),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
            ),
        ),
        rx.cond(
            row.outputs.length() > 0, rx.box(outputs_view(row.outputs), width="100%", data_testid="execution-output")
        ),
        rx.link("Open run", href=row.href, size="2", width="fit-content", data_testid="execution-link"),
        testid="execution-card",
        color="blue",
    )


def schedule_card(row: rx.Var[ChatRow]) -> rx.Component:
    """A schedule was created: the words, the time zone and the next runs."""
    return _card(
        rx.text("Scheduled ", row.title, weight="medium"),
        rx.text(row.text, " (", row.subtitle, ")", size="2"),
        rx.code(row.status),
        rx.text(
            rx.cond(row.status == "once", "Runs once, at", rx.cond(row.status == "missed", "Was due at", "Next runs")),
            size="2",
            weight="medium",
        ),
        _items(row, "schedule-next-run"),
        rx.link("See your schedules", href=row.href),
        testid="schedule-created",
        color="green",
    )


def trigger_card(row: rx.Var[ChatRow]) -> rx.Component:
    """A trigger was made: when the agent runs, what each event gives it, and how often the source is read."""
    return _card(
        rx.text("Watching for ", row.title, weight="medium"),
        rx.text(row.text, size="2"),
        rx.text("Looked at ", row.subtitle, size="2", color_scheme="gray"),
        rx.text("Each event gives", size="2", weight="medium"),
        _items(row, "trigger-mapping"),
        rx.link("See the trigger and what it received", href=row.href),
        testid="trigger-created",
        color="green",
    )


def schedules_card(row: rx.Var[ChatRow]) -> rx.Component:
    """The user's schedules."""
    return _card(
        rx.text("Your schedules", weight="medium"),
        rx.cond(row.lines.length() > 0, _items(row, "schedule-item"), rx.text("None yet.", size="2")),
        rx.link("Manage schedules", href=row.href),
        testid="schedules-card",
        color="green",
    )


def login_card(row: rx.Var[ChatRow]) -> rx.Component:
    """The action needs an account (gone once the person is logged in: the request then carries on)."""
    return rx.cond(AuthState.is_authenticated, rx.fragment(), _login_card(row))


def _login_card(row: rx.Var[ChatRow]) -> rx.Component:
    return _card(
        rx.text(row.text),
        rx.text(
            "This chat stays in this browser and becomes yours when you log in here.", size="2", color_scheme="gray"
        ),
        rx.hstack(
            rx.link(rx.button("Log in", size="2"), href=routes.LOGIN, data_testid="need-login-login"),
            rx.link(
                rx.button("Sign up", size="2", variant="soft"), href=routes.SIGNUP, data_testid="need-login-signup"
            ),
            spacing="2",
        ),
        testid="need-login",
        color="amber",
    )


def error_card(row: rx.Var[ChatRow]) -> rx.Component:
    """Something failed (the message is safe to show)."""
    return rx.callout(row.text, icon="triangle_alert", color_scheme="red", width="100%", data_testid="chat-error")


def ready_card(row: rx.Var[ChatRow]) -> rx.Component:
    """What would run (agent, inputs, when), waiting for the person's yes: nothing has started."""
    return _card(
        rx.text("Ready to run ", row.title, weight="medium"),
        rx.text("When: ", row.subtitle, size="2"),
        rx.cond(row.lines.length() > 0, rx.text("With", weight="medium", size="2")),
        _items(row, "ready-input"),
        rx.text("Nothing has started yet.", size="1", color_scheme="gray"),
        rx.button(
            "Yes, run it",
            size="1",
            width="fit-content",
            on_click=ChatState.send_text("yes, run it"),
            disabled=ChatState.streaming,
            aria_label="Yes, run " + row.title,
            data_testid="ready-run",
        ),
        testid="ready-to-run",
        color="violet",
    )


def chat_row(row: rx.Var[ChatRow]) -> rx.Component:
    """The component of one conversation item, by its kind."""
    return rx.match(
        row.kind,
        ("user", user_bubble(row)),
        ("assistant", assistant_text(row.text)),
        ("agent_carousel", carousel_card(row)),
        ("no_results", no_results_card(row)),
        ("agent_details", details_card(row)),
        ("inputs_needed", inputs_card(row)),
        ("ready_to_run", ready_card(row)),
        ("credentials_needed", credentials_card(row)),
        ("execution", execution_card(row)),
        ("schedule_created", schedule_card(row)),
        ("trigger_created", trigger_card(row)),
        ("schedules", schedules_card(row)),
        ("need_login", login_card(row)),
        ("error", error_card(row)),
        ("stopped", rx.text(row.text, size="1", color_scheme="gray", data_testid="chat-stopped")),
        rx.fragment(),
    )
