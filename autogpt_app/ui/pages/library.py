"""Library page: favourites on top, then all agents (paged on the server); search as you type, sort,
filter, list/grid, select several for bulk actions and export, marketplace updates, and upload."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.pager import state_pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.upload_dialog import UploadState, upload_dialog
from autogpt_app.ui.components.words import count_text
from autogpt_app.ui.states.library import FILTER_LABELS, SORT_LABELS, AgentCard, LibraryState

SOURCE_COLORS = {"marketplace": "violet", "upload": "blue", "created": "green"}


def _source_badge(item: AgentCard) -> rx.Component:
    return rx.badge(
        item.source_label,
        color_scheme=rx.match(item.source, *SOURCE_COLORS.items(), "gray"),
        variant="soft",
        data_testid="source-badge",
    )


def _star(item: AgentCard) -> rx.Component:
    return rx.icon_button(
        rx.icon("star", size=16, fill=rx.cond(item.is_favorite, "currentColor", "none")),
        variant="ghost",
        color_scheme=rx.cond(item.is_favorite, "amber", "gray"),
        aria_label=rx.cond(
            item.is_favorite, "Remove " + item.name + " from favourites", "Add " + item.name + " to favourites"
        ),
        aria_pressed=item.is_favorite,
        on_click=LibraryState.toggle_favourite(item.id, ~item.is_favorite),
        data_testid="favourite-toggle",
    )


def _checkbox(item: AgentCard) -> rx.Component:
    return rx.checkbox(
        checked=LibraryState.selected.contains(item.id),
        on_change=lambda checked: LibraryState.toggle_selected(item.id, checked),
        aria_label="Select " + item.name,
        data_testid="select-agent",
    )


def _update(item: AgentCard) -> rx.Component:
    return rx.cond(
        item.update_available,
        rx.hstack(
            rx.badge(
                rx.icon("circle-arrow-up", size=12),
                "Update available",
                color_scheme="amber",
                data_testid="update-badge",
            ),
            rx.button(
                "Update",
                size="1",
                variant="soft",
                title="Move to " + item.update_label,
                on_click=LibraryState.update_agent(item.id),
                data_testid="update-agent",
            ),
            spacing="2",
            align="center",
        ),
        rx.fragment(),
    )


def _facts(item: AgentCard) -> rx.Component:
    return rx.hstack(
        _source_badge(item),
        rx.cond(item.is_archived, rx.badge("Archived", color_scheme="gray", variant="outline"), rx.fragment()),
        rx.hstack(
            rx.icon("play", size=12, color=rx.color("gray", 10)),
            rx.text(count_text(item.run_count, "run"), size="1", color_scheme="gray"),
            spacing="1",
            align="center",
            data_testid="run-count",
        ),
        rx.text("Last run: ", item.last_run, size="1", color_scheme="gray", data_testid="last-run"),
        rx.link(
            rx.hstack(rx.icon("workflow", size=12), rx.text("Edit", size="1"), spacing="1", align="center"),
            href=item.builder_href,
            title="Open on the builder's canvas",
            data_testid="edit-in-builder",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _title(item: AgentCard) -> rx.Component:
    return rx.link(
        rx.text(item.name, weight="bold", size="3", trim="both"),
        href=item.href,
        underline="hover",
        color_scheme="gray",
        high_contrast=True,
        data_testid="agent-link",
    )


def _grid_card(item: AgentCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(_checkbox(item), _title(item), rx.spacer(), _star(item), align="center", width="100%"),
            rx.text(
                rx.cond(item.description != "", item.description, "No description."),
                size="2",
                color_scheme="gray",
                style={"display": "-webkit-box", "-webkit-line-clamp": "3", "-webkit-box-orient": "vertical"},
                overflow="hidden",
            ),
            rx.spacer(),
            _facts(item),
            _update(item),
            spacing="2",
            height="100%",
            width="100%",
        ),
        width="100%",
        data_testid="library-card",
    )


def _list_row(item: AgentCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(_checkbox(item), _star(item), align="center"),
            rx.vstack(
                _title(item),
                rx.text(
                    rx.cond(item.description != "", item.description, "No description."),
                    size="2",
                    color_scheme="gray",
                    trim="both",
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.vstack(_facts(item), _update(item), spacing="2", align=rx.breakpoints(initial="start", md="end")),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="0.75rem",
            align=rx.breakpoints(initial="start", md="center"),
            width="100%",
        ),
        size="1",
        width="100%",
        data_testid="library-card",
    )


def _cards(items) -> rx.Component:
    return rx.cond(
        LibraryState.view == "list",
        rx.vstack(rx.foreach(items, _list_row), spacing="2", width="100%", data_testid="library-list"),
        rx.grid(
            rx.foreach(items, _grid_card),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
            data_testid="library-grid",
        ),
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.input(
            placeholder="Search your agents",
            value=LibraryState.query,
            on_change=LibraryState.search,
            debounce_timeout=300,
            aria_label="Search your agents",
            max_length=200,
            flex="1",
            min_width="12rem",
            data_testid="library-search",
        ),
        rx.select.root(
            rx.select.trigger(aria_label="Show", placeholder="Show"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in FILTER_LABELS.items()]),
            value=LibraryState.filter_by,
            on_change=LibraryState.set_filter,
        ),
        rx.select.root(
            rx.select.trigger(aria_label="Sort by", placeholder="Sort by"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in SORT_LABELS.items()]),
            value=LibraryState.sort,
            on_change=LibraryState.set_sort,
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("layout-grid", size=16),
                variant=rx.cond(LibraryState.view == "grid", "solid", "soft"),
                aria_label="Grid view",
                aria_pressed=LibraryState.view == "grid",
                on_click=LibraryState.set_view("grid"),
                data_testid="view-grid",
            ),
            rx.icon_button(
                rx.icon("list", size=16),
                variant=rx.cond(LibraryState.view == "list", "solid", "soft"),
                aria_label="List view",
                aria_pressed=LibraryState.view == "list",
                on_click=LibraryState.set_view("list"),
                data_testid="view-list",
            ),
            spacing="1",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _confirm_delete() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(rx.icon("trash-2", size=14), "Delete", size="2", color_scheme="red", variant="soft")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove from library"),
            rx.alert_dialog.description(
                "Remove ",
                count_text(LibraryState.selected_count, "agent"),
                " from your library? Their schedules are deleted too. The agents and their past runs stay.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=LibraryState.bulk("delete"), high_contrast=True)
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _bulk_button(label: str, icon: str, action: str) -> rx.Component:
    return rx.button(rx.icon(icon, size=14), label, size="2", variant="soft", on_click=LibraryState.bulk(action))


def _bulk_bar() -> rx.Component:
    archived = LibraryState.filter_by == "archived"
    return rx.cond(
        LibraryState.selected_count > 0,
        rx.card(
            rx.flex(
                rx.text(LibraryState.selected_count, " selected", weight="medium", data_testid="selected-count"),
                _bulk_button("Favourite", "star", "favorite"),
                _bulk_button("Unfavourite", "star-off", "unfavorite"),
                rx.cond(
                    archived,
                    _bulk_button("Unarchive", "archive-restore", "unarchive"),
                    _bulk_button("Archive", "archive", "archive"),
                ),
                rx.menu.root(
                    rx.menu.trigger(
                        rx.button(rx.icon("download", size=14), "Export", size="2", variant="soft"),
                    ),
                    rx.menu.content(
                        rx.menu.item("JSON", on_click=LibraryState.export("json")),
                        rx.menu.item("YAML", on_click=LibraryState.export("yaml")),
                    ),
                ),
                _confirm_delete(),
                rx.button(
                    "Clear", size="2", variant="ghost", color_scheme="gray", on_click=LibraryState.clear_selection
                ),
                gap="0.5rem",
                wrap="wrap",
                align="center",
            ),
            width="100%",
            data_testid="bulk-bar",
        ),
        rx.fragment(),
    )


def _favourites() -> rx.Component:
    return rx.cond(
        LibraryState.show_favourites,
        rx.vstack(
            rx.hstack(
                rx.icon("star", size=18, color=rx.color("amber", 9)),
                rx.heading("Favourites", size="4"),
                align="center",
            ),
            _cards(LibraryState.favourites),
            spacing="3",
            width="100%",
            data_testid="favourites-section",
        ),
        rx.fragment(),
    )


def _pager() -> rx.Component:
    return state_pager(
        LibraryState, summary=LibraryState.page_label, summary_testid="page-label", justify="center", width="100%"
    )


def _empty() -> rx.Component:
    nothing_yet = (LibraryState.query == "") & (LibraryState.filter_by == "all")
    return rx.callout(
        rx.cond(
            nothing_yet,
            rx.text(
                "Your library is empty. Add agents from the ",
                rx.link("Marketplace", href=routes.MARKETPLACE),
                " or upload an agent file.",
            ),
            rx.text("No agents match."),
        ),
        icon="info",
        color_scheme="gray",
        width="100%",
        data_testid="library-empty",
    )


def _all_agents() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.checkbox(
                checked=LibraryState.page_selected,
                on_change=LibraryState.toggle_page,
                aria_label="Select every agent on this page",
                disabled=LibraryState.items.length() == 0,
                data_testid="select-page",
            ),
            rx.heading(
                rx.match(
                    LibraryState.filter_by, ("archived", "Archived agents"), ("favourites", "Favourites"), "All agents"
                ),
                size="4",
            ),
            rx.spacer(),
            rx.text(LibraryState.page_label, size="2", color_scheme="gray"),
            align="center",
            width="100%",
        ),
        rx.cond(LibraryState.items.length() > 0, _cards(LibraryState.items), _empty()),
        rx.cond(LibraryState.total > 0, _pager(), rx.fragment()),
        spacing="3",
        width="100%",
        data_testid="all-agents",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text("Agents you added, uploaded or made.", size="2", color_scheme="gray"),
            rx.spacer(),
            upload_dialog(),
            gap="0.75rem",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        _toolbar(),
        error_callout(LibraryState.library_error),
        _bulk_bar(),
        rx.cond(
            LibraryState.loaded,
            rx.vstack(_favourites(), _all_agents(), spacing="6", width="100%"),
            rx.center(rx.spinner(size="3"), width="100%", padding="3rem"),
        ),
        spacing="4",
        width="100%",
    )


@template(routes.LIBRARY, "Library", on_load=[UploadState.reset_dialog, LibraryState.load])
def library_page() -> rx.Component:
    """The Library page."""
    return _content()
