"""The Triggers section of an agent's page: its triggers, the "New trigger" dialog, and the window that
shows a webhook's secret once (with a signing example)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.triggers.views import AUTH_LABELS
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.run_form import credential_picker
from autogpt_app.ui.states.trigger_rows import KIND_CHOICES, SOURCE_CHOICES, MappingRow, TriggerRow
from autogpt_app.ui.states.triggers import AgentTriggersState

T = AgentTriggersState


def _labelled(text: str, html_for: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _copy_button(value: rx.Var, label: str, testid: str) -> rx.Component:
    return rx.icon_button(
        rx.icon("copy", size=14),
        variant="soft",
        size="1",
        on_click=[rx.set_clipboard(value), rx.toast.success("Copied.")],
        aria_label=label,
        data_testid=testid,
    )


def _select(value: rx.Var, on_change, choices: dict[str, str], *, label: str, testid: str, **props) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", aria_label=label, data_testid=testid),
        rx.select.content(*[rx.select.item(text, value=key) for key, text in choices.items()]),
        value=value,
        on_change=on_change,
        **props,
    )


def _mapping_row(row: MappingRow) -> rx.Component:
    return rx.vstack(
        rx.text(row.title, rx.cond(row.required, " *", ""), size="2", weight="medium"),
        rx.vstack(
            rx.select.root(
                rx.select.trigger(
                    width="100%", aria_label="Where " + row.title + " comes from", data_testid="mapping-source"
                ),
                rx.select.content(*[rx.select.item(text, value=key) for key, text in SOURCE_CHOICES.items()]),
                value=row.source,
                on_change=lambda value: T.set_source(row.name, value),
            ),
            rx.cond(
                (row.source == "path") | (row.source == "fixed"),
                rx.input(
                    name="map__" + row.name,
                    default_value=row.value,
                    placeholder=rx.cond(row.source == "path", "$.user.name", "A value"),
                    aria_label=row.title,
                    width="100%",
                    data_testid="mapping-value",
                ),
                rx.fragment(),
            ),
            width="100%",
            spacing="2",
        ),
        spacing="1",
        width="100%",
        data_testid="mapping-row",
        data_name=row.name,
    )


def _kind_settings() -> rx.Component:
    return rx.match(
        T.kind,
        (
            "webhook",
            rx.vstack(
                _labelled(
                    "How senders prove themselves",
                    "trigger-auth",
                    _select(T.auth_mode, T.set_auth_mode, AUTH_LABELS, label="Authentication", testid="trigger-auth"),
                ),
                _labelled(
                    "Deliveries a minute, at most",
                    "trigger-per-minute",
                    rx.input(
                        id="trigger-per-minute", name="max_per_minute", default_value="60", type="number", width="100%"
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "imap",
            rx.vstack(
                _labelled(
                    "Folder",
                    "trigger-folder",
                    rx.input(id="trigger-folder", name="folder", default_value=T.folder_default, width="100%"),
                ),
                credential_picker(T.mailbox),
                spacing="3",
                width="100%",
            ),
        ),
        _labelled(
            rx.cond(T.kind == "feed", "Feed address (RSS or Atom)", "Page address"),
            "trigger-url",
            rx.input(
                id="trigger-url",
                name="url",
                default_value=T.url_default,
                placeholder="https://example.com/feed.xml",
                width="100%",
                data_testid="trigger-url",
            ),
        ),
    )


def _interval() -> rx.Component:
    return rx.cond(
        T.kind != "webhook",
        _labelled(
            "Check every (minutes)",
            "trigger-interval",
            rx.input(id="trigger-interval", name="interval_minutes", default_value=T.interval_default, width="100%"),
            hint="At least 1 minute, at most 1 day.",
        ),
        rx.fragment(),
    )


def trigger_dialog() -> rx.Component:
    """The "New trigger" dialog (render once on the agent's page)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(T.mode == "edit", "Edit trigger", "New trigger")),
            rx.dialog.description(
                "Start this agent when something happens.", size="2", color_scheme="gray", margin_bottom="0.75rem"
            ),
            rx.form(
                rx.vstack(
                    _labelled(
                        "What starts it",
                        "trigger-kind",
                        _select(
                            T.kind,
                            T.set_kind,
                            KIND_CHOICES,
                            label="What starts it",
                            testid="trigger-kind",
                            disabled=T.mode == "edit",
                        ),
                    ),
                    _labelled(
                        "Name",
                        "trigger-name",
                        rx.input(
                            id="trigger-name",
                            name="trigger_name",
                            default_value=T.name_default,
                            width="100%",
                            required=True,
                            data_testid="trigger-name",
                        ),
                    ),
                    _kind_settings(),
                    _interval(),
                    rx.heading("Inputs", size="3"),
                    rx.text(
                        "For each input: all of the event (a webhook's JSON body, a feed item, an e-mail), a part "
                        "of it as a path such as $.user.name ($.items.0 is a list's first item), or a fixed value.",
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.foreach(T.mapping, _mapping_row),
                    rx.foreach(T.needs, credential_picker),
                    error_callout(T.form_error),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                        rx.button(
                            rx.cond(T.mode == "edit", "Save", "Create"),
                            type="submit",
                            loading=T.saving,
                            data_testid="trigger-create",
                        ),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=T.create,
                key=T.dialog_key,
                width="100%",
            ),
            max_width="36rem",
            data_testid="trigger-dialog",
        ),
        open=T.dialog_open,
        on_open_change=T.set_dialog_open,
    )


def secret_dialog() -> rx.Component:
    """The webhook's address and secret, shown this once, with how to sign a delivery."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Your webhook’s secret"),
            rx.vstack(
                rx.callout(
                    "Copy the secret now: it is not shown again. If it is lost, make a new one.",
                    icon="key-round",
                    color_scheme="amber",
                    width="100%",
                ),
                rx.text("Address", size="2", weight="medium"),
                rx.hstack(
                    rx.code(T.secret_url, data_testid="secret-url", word_break="break-all"),
                    _copy_button(T.secret_url, "Copy the address", "copy-secret-url"),
                    align="center",
                    width="100%",
                ),
                rx.text("Secret", size="2", weight="medium"),
                rx.hstack(
                    rx.code(T.secret, data_testid="secret-value", word_break="break-all"),
                    _copy_button(T.secret, "Copy the secret", "copy-secret"),
                    align="center",
                    width="100%",
                ),
                rx.text("Sending a delivery", size="2", weight="medium"),
                rx.code_block(T.secret_example, language="bash", width="100%", font_size="0.75rem"),
                rx.text(
                    "The signature is HMAC-SHA256 of the timestamp, a dot and the body exactly as sent; deliveries "
                    "more than 5 minutes old, or sent twice, are refused.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.dialog.close(rx.button("I have copied it", data_testid="secret-done")),
                spacing="2",
                width="100%",
            ),
            max_width="40rem",
            data_testid="secret-dialog",
        ),
        open=T.secret_open,
        on_open_change=T.close_secret,
    )


def _delete_button(row: TriggerRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Delete", size="1", color_scheme="red", variant="soft", data_testid="trigger-delete")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete trigger"),
            rx.alert_dialog.description(
                "Delete “",
                row.name,
                "”? It will not start the agent again and its delivery log goes too. The runs it started stay.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete", color_scheme="red", on_click=T.delete(row.id), data_testid="trigger-delete-confirm"
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _trigger_item(row: TriggerRow) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(row.name, href=row.href, size="2", weight="medium", data_testid="trigger-link"),
            rx.badge(row.kind_label, variant="soft", high_contrast=True),
            rx.badge(
                rx.cond(row.is_active, "Active", "Paused"),
                color_scheme=rx.cond(row.is_active, "green", "gray"),
                high_contrast=True,
                data_testid="trigger-state",
            ),
            rx.spacer(),
            rx.text(row.last_delivery, size="1", color_scheme="gray", data_testid="trigger-last-delivery"),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.text(row.detail, size="1", color_scheme="gray", word_break="break-all"),
        rx.cond(
            row.webhook_url != "",
            rx.hstack(
                rx.code(row.webhook_url, size="1", word_break="break-all", data_testid="trigger-url-shown"),
                _copy_button(row.webhook_url, "Copy the webhook address", "copy-webhook-url"),
                align="center",
                spacing="2",
            ),
            rx.fragment(),
        ),
        rx.hstack(
            rx.cond(
                row.is_active,
                rx.button("Pause", size="1", variant="soft", on_click=T.pause(row.id), data_testid="trigger-pause"),
                rx.button(
                    "Resume",
                    size="1",
                    variant="soft",
                    color_scheme="green",
                    on_click=T.resume(row.id),
                    data_testid="trigger-resume",
                ),
            ),
            rx.button(
                "Edit",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=T.open_edit(row.id),
                data_testid="trigger-edit",
            ),
            rx.cond(
                row.kind == "webhook",
                rx.button(
                    "New secret",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=T.rotate(row.id),
                    data_testid="trigger-rotate",
                ),
                rx.fragment(),
            ),
            _delete_button(row),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
        data_testid="agent-trigger",
        data_trigger_id=row.id,
    )


def triggers_section() -> rx.Component:
    """The agent page's card of triggers, with the dialogs it opens."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Triggers", size="4"),
                rx.spacer(),
                rx.button(
                    rx.icon("zap", size=14),
                    "New trigger",
                    size="2",
                    variant="soft",
                    on_click=T.open_new,
                    data_testid="new-trigger",
                ),
                width="100%",
                align="center",
            ),
            error_callout(T.triggers_error),
            rx.cond(
                T.rows.length() > 0,
                rx.vstack(rx.foreach(T.rows, _trigger_item), spacing="4", width="100%"),
                rx.text(
                    "No triggers. Add one to start this agent from a webhook, a feed, a page that changes or "
                    "new e-mail.",
                    size="2",
                    color_scheme="gray",
                    data_testid="no-triggers",
                ),
            ),
            trigger_dialog(),
            secret_dialog(),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
