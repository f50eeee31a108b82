"""The Chat page (home): the copilot conversation, the welcome screen, and the list of past chats."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from autogpt_app.ui import routes
from autogpt_app.ui.chat_rows import SessionRow
from autogpt_app.ui.chat_stream import SCROLL_BOX_ID, STREAM
from autogpt_app.ui.components.chat_cards import assistant_text, chat_row
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.verify_notice import verify_notice
from autogpt_app.ui.states.auth import AuthState
from autogpt_app.ui.states.chat import QUICK_ACTIONS, ChatState


def _chat_link(chat: rx.Var[SessionRow]) -> rx.Component:
    active = chat.id == ChatState.chat_id
    return rx.button(
        rx.text(
            chat.title,
            size="2",
            width="100%",
            text_align="left",
            overflow="hidden",
            white_space="nowrap",
            text_overflow="ellipsis",
        ),
        variant=rx.cond(active, "soft", "ghost"),
        color_scheme=rx.cond(active, "violet", "gray"),
        justify="start",
        width="100%",
        on_click=ChatState.open_chat(chat.id),
        disabled=ChatState.streaming,
        data_testid="chat-session",
    )


#: The page fills the window below the top bar (about 3.6rem) and the shell's padding, so the
#: conversation scrolls inside its own box and the top bar (bell, account) stays in view.
_PAGE_HEIGHT = ["calc(100dvh - 3.6rem - 2rem)", "calc(100dvh - 3.6rem - 3rem)"]


def _side(*children: rx.Component, label: str) -> rx.Component:
    """The list of chats: New chat, then ``children`` (a column on wide screens, a drawer on phones)."""
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=16),
            "New chat",
            on_click=ChatState.new_chat,
            disabled=ChatState.streaming,
            width="100%",
            data_testid="new-chat",
        ),
        *children,
        width="100%",
        spacing="2",
        padding="0.75rem",
        aria_label=label,
    )


def _guest_side() -> rx.Component:
    return _side(
        rx.text(
            "You are chatting without an account: finding agents works; running them needs one. "
            "Log in or sign up and this chat comes with you.",
            size="2",
            color_scheme="gray",
            data_testid="guest-note",
        ),
        label="Chat without an account",
    )


def _side_list() -> rx.Component:
    return _side(
        rx.text("Your chats", size="1", color_scheme="gray", weight="medium"),
        rx.cond(
            ChatState.chats.length() > 0,
            rx.vstack(rx.foreach(ChatState.chats, _chat_link), spacing="1", width="100%"),
            rx.text("No chats yet.", size="2", color_scheme="gray", data_testid="no-chats"),
        ),
        rx.cond(
            (ChatState.chats_offset > 0) | ChatState.has_more_chats,
            rx.hstack(
                rx.button(
                    "Newer",
                    size="1",
                    variant="ghost",
                    on_click=ChatState.prev_chats,
                    disabled=ChatState.chats_offset == 0,
                ),
                rx.button(
                    "Older",
                    size="1",
                    variant="ghost",
                    on_click=ChatState.next_chats,
                    disabled=~ChatState.has_more_chats,
                ),
                justify="between",
                width="100%",
            ),
        ),
        label="Your chats",
    )


def _side_content() -> rx.Component:
    return rx.cond(AuthState.is_authenticated, _side_list(), _guest_side())


def _side_column() -> rx.Component:
    """Wide screens: the list of chats as a column beside the conversation."""
    return rx.box(
        _side_content(),
        display=["none", "none", "block"],
        width="15rem",
        min_width="15rem",
        height="100%",
        overflow_y="auto",
        border_right=f"1px solid {rx.color('gray', 5)}",
    )


def _side_drawer() -> rx.Component:
    """Phones: the list of chats and New chat in a drawer, opened by the Chats button."""
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.button(
                    rx.icon("panel-left", size=16),
                    "Chats",
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    data_testid="chat-drawer-open",
                )
            ),
            rx.drawer.overlay(z_index="50"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(
                        rx.hstack(
                            rx.drawer.title("Chats", size="4"),
                            rx.spacer(),
                            rx.drawer.close(rx.icon_button(rx.icon("x"), variant="ghost", aria_label="Close chats")),
                            align="center",
                            width="100%",
                            padding_x="0.75rem",
                            padding_top="0.75rem",
                        ),
                        _side_content(),
                        spacing="0",
                        width="100%",
                        height="100%",
                        overflow_y="auto",
                    ),
                    width="18rem",
                    max_width="85vw",
                    height="100%",
                    top="0",
                    left="0",
                    background=rx.color("gray", 1),
                    z_index="51",
                    data_testid="chat-drawer",
                )
            ),
            open=ChatState.side_open,
            on_open_change=ChatState.set_side_open,
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def _welcome() -> rx.Component:
    return rx.vstack(
        rx.heading(
            rx.cond(AuthState.is_authenticated, "Hello, " + AuthState.user_name, "Hello"),
            size="6",
            data_testid="greeting",
        ),
        rx.text(
            "Ask for an agent in your own words: the copilot finds it, sets it up and runs it now or on a schedule.",
            color_scheme="gray",
        ),
        rx.flex(
            *[
                rx.button(
                    text,
                    variant="surface",
                    on_click=ChatState.quick_action(text),
                    data_testid="quick-action",
                )
                for text in QUICK_ACTIONS
            ],
            wrap="wrap",
            gap="2",
        ),
        spacing="3",
        padding_y="2rem",
        width="100%",
        data_testid="chat-welcome",
    )


def _chat_header() -> rx.Component:
    return rx.hstack(
        rx.heading(
            ChatState.chat_title,
            size="4",
            line_height="1.4",
            # Two lines at most (a long title on a phone), then an ellipsis.
            overflow="hidden",
            display="-webkit-box",
            style={"WebkitLineClamp": "2", "WebkitBoxOrient": "vertical"},
            word_break="break-word",
            min_width="0",
            data_testid="chat-title",
        ),
        rx.spacer(),
        rx.popover.root(
            rx.popover.trigger(rx.icon_button(rx.icon("pencil", size=16), variant="ghost", aria_label="Rename chat")),
            rx.popover.content(
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="title", default_value=ChatState.chat_title, max_length=120, aria_label="Chat title"
                        ),
                        rx.popover.close(rx.button("Save", type="submit")),
                    ),
                    on_submit=ChatState.rename_chat,
                ),
            ),
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.icon_button(
                    rx.icon("trash-2", size=16),
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Delete chat",
                    disabled=ChatState.streaming,
                )
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Delete this chat?"),
                rx.alert_dialog.description("The conversation is deleted for good."),
                rx.hstack(
                    rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.alert_dialog.action(rx.button("Delete", color_scheme="red", on_click=ChatState.delete_chat)),
                    justify="end",
                    spacing="2",
                ),
            ),
        ),
        flex="1",
        min_width="0",
        align="center",
    )


def _top_row() -> rx.Component:
    """The Chats button (phones) and the open chat's title, rename and delete."""
    return rx.hstack(
        _side_drawer(),
        rx.cond(ChatState.chat_id != "", _chat_header(), rx.fragment()),
        align="center",
        width="100%",
        min_height=["2rem", "2rem", "0"],
        spacing="3",
    )


def _conversation() -> rx.Component:
    return rx.vstack(
        rx.foreach(ChatState.history, chat_row),
        rx.foreach(ChatState.rows, chat_row),
        rx.cond(
            ChatState.streaming,
            rx.cond(
                ChatState.stream_shown,
                assistant_text(STREAM.value, testid="chat-streaming"),
                rx.hstack(rx.spinner(size="2"), rx.text("Thinking…", size="2", color_scheme="gray")),
            ),
        ),
        spacing="3",
        width="100%",
        role="log",
        aria_label="Conversation",
        data_testid="chat-messages",
    )


def _connection_notice() -> rx.Component:
    """Shown while the browser's connection to the server is down (Reflex reconnects by itself)."""
    return rx.cond(
        has_connection_errors,
        rx.callout(
            "Connection lost: reconnecting… A reply in progress keeps going and shows here once the "
            "connection is back.",
            icon="wifi-off",
            color_scheme="amber",
            width="100%",
            role="status",
            data_testid="chat-offline",
        ),
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.text_area(
                name="message",
                placeholder="Ask the copilot…",
                enter_key_submit=True,
                auto_height=True,
                rows="1",
                max_length=8000,
                disabled=ChatState.streaming,
                aria_label="Message",
                width="100%",
                data_testid="chat-input",
            ),
            rx.cond(
                ChatState.streaming,
                rx.button(
                    rx.icon("square", size=16),
                    "Stop",
                    type="button",
                    color_scheme="red",
                    on_click=ChatState.stop,
                    data_testid="chat-stop",
                ),
                rx.button(rx.icon("send", size=16), "Send", type="submit", data_testid="chat-send"),
            ),
            align="end",
            width="100%",
        ),
        on_submit=ChatState.submit,
        reset_on_submit=True,
        width="100%",
    )


@template(routes.HOME, "Chat", guests=True, on_load=ChatState.load, notice=False)
def chat_page() -> rx.Component:
    """The copilot: welcome screen or conversation, the message box, and the list of past chats."""
    return rx.cond(ChatState.loaded, _page(), rx.center(rx.spinner(size="3"), height="60vh", width="100%"))


def _page() -> rx.Component:
    return rx.flex(
        _side_column(),
        rx.flex(
            _top_row(),
            # Inside the page's own column, so the conversation box gives up the room it takes.
            verify_notice(),
            rx.cond(
                ChatState.chat_error != "",
                rx.callout(
                    ChatState.chat_error, icon="info", color_scheme="red", width="100%", data_testid="chat-page-error"
                ),
            ),
            # The conversation scrolls here; the page itself does not (the top bar stays in view).
            rx.box(
                rx.cond(ChatState.is_empty, _welcome(), _conversation()),
                id=SCROLL_BOX_ID,
                flex="1",
                min_height="0",
                overflow_y="auto",
                overflow_x="hidden",
                width="100%",
                padding_right="0.25rem",
                data_testid="chat-scroll",
            ),
            rx.vstack(
                _connection_notice(),
                _composer(),
                spacing="2",
                width="100%",
            ),
            direction="column",
            gap="0.75rem",
            flex="1",
            width="100%",
            min_width="0",
            height="100%",
            padding_left=["0", "0", "0.75rem"],
        ),
        height=_PAGE_HEIGHT,
        width="100%",
        overflow="hidden",
    )
