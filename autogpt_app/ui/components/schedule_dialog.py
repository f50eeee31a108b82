"""The schedule dialog: name, repeat (a preset or custom cron) or once at a date and time, a time zone, the run
form's inputs and credential pickers, and a live preview of the schedule in words with its next run times.

One dialog serves both pages: an agent's page opens it to create (``ScheduleDialogState.open_create``),
the Schedules page to edit (``ScheduleDialogState.open_edit``). Render :func:`schedule_dialog` once per page.
"""

from __future__ import annotations

from zoneinfo import available_timezones

import reflex as rx

from autogpt_app.ui.components.run_form import RunField, credential_picker, run_field
from autogpt_app.ui.states.schedules import (
    KIND_LABELS,
    NAME_FIELD,
    PRESET_LABELS,
    WEEKDAY_LABELS,
    ScheduleDialogState,
)

S = ScheduleDialogState
TIMEZONE_LIST_ID = "schedule-timezones"
#: Element ids of the agent's inputs in the dialog (``schedule-input-<name>``): the agent page's run
#: form behind the dialog has the same inputs as ``run-<name>``, and a label must focus its own.
INPUT_ID_PREFIX = "schedule-input-"


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for)


def _labelled(text: str, html_for: str, control: rx.Component, **props) -> rx.Component:
    return rx.vstack(_label(text, html_for), control, spacing="1", width="100%", **props)


def _kind_option(value: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=value, data_testid=f"schedule-kind-{value}"),
            rx.text(KIND_LABELS[value], size="2"),
            spacing="2",
            align="center",
        ),
        cursor="pointer",
    )


def _kind_choice() -> rx.Component:
    """Repeat (a preset or cron expression) or run once at a date and time."""
    return rx.radio_group.root(
        rx.hstack(*[_kind_option(value) for value in KIND_LABELS], spacing="5", wrap="wrap"),
        value=S.kind,
        on_change=S.set_kind,
        aria_label="Repeat or run once",
        data_testid="schedule-kind",
    )


def _text_input(label: str, key: str, value: rx.Var, on_change, **props) -> rx.Component:
    """One labelled text input of the dialog (``key`` names its id, form name and test id)."""
    return _labelled(
        label,
        f"schedule-{key}",
        rx.input(
            id=f"schedule-{key}",
            name=f"schedule_{key.replace('-', '_')}",
            value=value,
            on_change=on_change,
            size="3",
            width="100%",
            data_testid=f"schedule-{key}",
            **props,
        ),
    )


def _run_at_input() -> rx.Component:
    return _text_input("Date and time", "run-at", S.run_at_text, S.set_run_at_text, type="datetime-local")


def _preset_select() -> rx.Component:
    return _labelled(
        "Repeat",
        "schedule-preset",
        rx.select.root(
            rx.select.trigger(id="schedule-preset", width="100%", aria_label="Repeat", data_testid="preset-select"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in PRESET_LABELS.items()]),
            value=S.preset,
            on_change=S.set_preset,
            size="3",
        ),
    )


def _time_input() -> rx.Component:
    return _text_input("At", "time", S.time_text, S.set_time_text, type="time")


def _weekday_select() -> rx.Component:
    return _labelled(
        "On",
        "schedule-weekday",
        rx.select.root(
            rx.select.trigger(id="schedule-weekday", width="100%", aria_label="Day of the week"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in WEEKDAY_LABELS.items()]),
            value=S.weekday,
            on_change=S.set_weekday,
            size="3",
        ),
    )


def _minute_input() -> rx.Component:
    return _text_input(
        "Minutes past the hour", "minute", S.minute_text, S.set_minute_text, input_mode="numeric", auto_complete="off"
    )


def _cron_input() -> rx.Component:
    return _labelled(
        "Cron expression",
        "schedule-cron",
        rx.vstack(
            rx.input(
                id="schedule-cron",
                name="schedule_cron",
                value=S.cron_text,
                on_change=S.set_cron_text,
                placeholder="minute hour day-of-month month day-of-week, e.g. 0 8 * * 1-5",
                font_family="monospace",
                auto_complete="off",
                spell_check=False,
                size="3",
                width="100%",
                data_testid="schedule-cron",
            ),
            rx.text(
                "Five fields: minute, hour, day of month, month, day of week (0 or 7 = Sunday).",
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
            width="100%",
        ),
    )


def _when() -> rx.Component:
    return rx.match(
        S.preset,
        ("hourly", _minute_input()),
        (
            "weekly",
            rx.grid(
                _weekday_select(), _time_input(), columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"
            ),
        ),
        ("custom", _cron_input()),
        _time_input(),
    )


def _timezone_input() -> rx.Component:
    return _labelled(
        "Time zone",
        "schedule-timezone",
        rx.fragment(
            rx.input(
                id="schedule-timezone",
                name="schedule_timezone",
                value=S.timezone,
                on_change=S.set_timezone,
                placeholder="e.g. Europe/Berlin",
                auto_complete="off",
                spell_check=False,
                custom_attrs={"list": TIMEZONE_LIST_ID},
                size="3",
                width="100%",
                data_testid="schedule-timezone",
            ),
            # The browser's own search over every IANA zone this server knows (type to filter).
            rx.el.datalist(*[rx.el.option(value=z) for z in sorted(available_timezones())], id=TIMEZONE_LIST_ID),
        ),
    )


def _next_run(text: rx.Var) -> rx.Component:
    return rx.el.li(rx.text(text, size="2"), data_testid="schedule-next-run")


def _preview() -> rx.Component:
    return rx.box(
        rx.cond(
            S.preview_error != "",
            rx.hstack(
                rx.icon("circle-alert", size=16, color=rx.color("red", 10), flex_shrink="0"),
                rx.text(S.preview_error, size="2", color_scheme="red", data_testid="schedule-preview-error"),
                spacing="2",
                align="start",
                role="alert",
            ),
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-clock", size=16, flex_shrink="0"),
                    rx.text(S.preview_words, size="3", weight="medium", data_testid="schedule-words"),
                    rx.code(S.preview_cron, size="1", variant="ghost", data_testid="schedule-cron-shown"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    S.preview_runs.length() > 0,
                    rx.text(
                        rx.cond(S.kind == "once", "Runs at (", "Next runs ("),
                        S.timezone,
                        "):",
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.fragment(),
                ),
                rx.el.ul(rx.foreach(S.preview_runs, _next_run), style={"margin": 0, "padding_left": "1.25rem"}),
                spacing="1",
                width="100%",
            ),
        ),
        padding="0.75rem",
        border_radius="8px",
        background=rx.color("gray", 3),
        width="100%",
        data_testid="schedule-preview",
    )


def _field(field: RunField) -> rx.Component:
    return run_field(field, S.values[field.name], S.field_errors[field.name], id_prefix=INPUT_ID_PREFIX)


def _inputs() -> rx.Component:
    return rx.cond(
        (S.fields.length() > 0) | (S.needs.length() > 0),
        rx.vstack(
            rx.separator(size="4"),
            rx.text("Inputs for each run", size="2", weight="bold"),
            rx.foreach(S.fields, _field),
            rx.foreach(S.needs, credential_picker),
            spacing="3",
            width="100%",
        ),
        rx.fragment(),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _labelled(
                "Name",
                "schedule-name",
                rx.input(
                    id="schedule-name",
                    name=NAME_FIELD,
                    default_value=S.name,
                    placeholder="e.g. Morning digest",
                    max_length=200,
                    auto_complete="off",
                    size="3",
                    width="100%",
                    data_testid="schedule-name",
                ),
            ),
            _kind_choice(),
            rx.grid(
                rx.cond(S.kind == "once", _run_at_input(), _preset_select()),
                _timezone_input(),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.cond(S.kind == "once", rx.fragment(), _when()),
            _preview(),
            _inputs(),
            rx.cond(
                S.missing_credentials,
                rx.callout(
                    "Add the credentials marked above before scheduling this agent.",
                    icon="key-round",
                    color_scheme="amber",
                    width="100%",
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    width="100%",
                    data_testid="schedule-error",
                ),
                rx.fragment(),
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.cond(S.mode == "edit", "Save", "Create"),
                    type="submit",
                    loading=S.saving,
                    data_testid="schedule-submit",
                ),
                spacing="3",
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit,
        key=S.form_key,
        width="100%",
    )


def schedule_dialog() -> rx.Component:
    """The dialog, opened and filled by :class:`ScheduleDialogState` (render it once per page)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.mode == "edit", "Edit schedule", "Schedule this agent")),
            rx.dialog.description(
                rx.cond(S.agent_name != "", rx.text("Agent: ", S.agent_name), rx.text("")),
                size="2",
                color_scheme="gray",
                margin_bottom="0.75rem",
            ),
            rx.cond(
                S.loading,
                rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
                rx.cond(
                    S.ready,
                    _form(),
                    rx.vstack(
                        rx.cond(
                            S.form_error != "",
                            rx.callout(
                                S.form_error,
                                icon="triangle-alert",
                                color_scheme="red",
                                role="alert",
                                width="100%",
                                data_testid="schedule-error",
                            ),
                            rx.text("This schedule cannot be opened.", color_scheme="gray"),
                        ),
                        rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                        spacing="3",
                        width="100%",
                    ),
                ),
            ),
            max_width="40rem",
            width="100%",
            data_testid="schedule-dialog",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )
