"""The run form of an agent: fields generated from its input schema, and a credential picker per need.

The state keeps a list of small :class:`RunField` models and each field's starting value as text;
the browser submits the form as text, and :func:`inputs_from_form` turns it back into typed inputs
for the executions service, which validates them and gives the messages shown next to the form.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import reflex as rx
from pydantic import BaseModel

from autogpt_app.executions.preparation import fits, pick_credential
from autogpt_app.ui import routes

#: Prefix of form element names: inputs and credential choices cannot collide, whatever an input is called.
INPUT_PREFIX = "in__"
CREDENTIAL_PREFIX = "cred__"
#: Prefix of the run form's element ids (``run-<input name>``); a second form on the same page, such as
#: the schedule dialog's, passes its own to :func:`run_field` so its labels focus its own inputs.
RUN_ID_PREFIX = "run-"

#: Field kinds the form knows.
KINDS = ("text", "long_text", "number", "select", "boolean", "date", "json")

CREDENTIAL_TYPE_LABELS = {
    "api_key": "API key",
    "user_password": "username & password",
    "host_scoped": "host-scoped headers",
    "oauth2": "OAuth sign-in",
}


class RunField(BaseModel):
    """One input of the run form."""

    name: str
    title: str
    kind: str
    required: bool = False
    options: list[str] = []
    default: str = ""
    description: str = ""
    secret: bool = False


class CredentialChoice(BaseModel):
    """One of the user's credentials that fits a need."""

    id: str
    label: str


class CredentialNeed(BaseModel):
    """One credential the agent needs, with the user's credentials that fit it."""

    key: str
    title: str
    description: str = ""
    required: bool = True
    choices: list[CredentialChoice] = []
    selected: str = ""


def _kind(field: dict[str, Any]) -> str:
    kind = field.get("type")
    if kind == "boolean":
        return "boolean"
    if kind == "number":
        return "number"
    if field.get("enum"):
        return "select"
    if field.get("format") == "date":
        return "date"
    if field.get("format") == "long-text":
        return "long_text"
    if kind in ("array", "object"):
        return "json"
    return "text"


def _as_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value is True or str(value).strip().lower() in {"true", "yes", "1", "on"} else "false"
    if kind == "json" or isinstance(value, dict | list):
        return json.dumps(value, indent=2, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fields_from_schema(schema: dict[str, Any]) -> list[RunField]:
    """The form fields of an agent's input schema, in its order (advanced inputs last).

    Args:
        schema: The ``input_schema`` of a graph version (JSON Schema ``properties``/``required``).

    Returns:
        One field per input, with its kind, default as text, options, help text and required mark.
    """
    properties: dict[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    fields: list[tuple[bool, RunField]] = []
    for name, spec in properties.items():
        spec = spec or {}
        kind = _kind(spec)
        fields.append(
            (
                bool(spec.get("advanced")),
                RunField(
                    name=str(name),
                    title=str(spec.get("title") or name),
                    kind=kind,
                    required=name in required,
                    options=[str(o) for o in spec.get("enum") or []],
                    default=_as_text(spec.get("default"), kind),
                    description=str(spec.get("description") or ""),
                    secret=bool(spec.get("secret")),
                ),
            )
        )
    # A stable sort: the schema's order, with advanced inputs after the others.
    return [field for _advanced, field in sorted(fields, key=lambda pair: pair[0])]


def values_from_inputs(fields: list[RunField], inputs: dict[str, Any]) -> dict[str, str]:
    """Each field's starting text: the given input (e.g. a previous run's), else its default."""
    return {f.name: _as_text(inputs[f.name], f.kind) if f.name in inputs else f.default for f in fields}


def inputs_from_form(fields: list[RunField], form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn a submitted run form into run inputs.

    Empty fields are left out (the service fills defaults and names missing required inputs); a
    switch the browser did not submit is off; JSON fields are parsed. Numbers, dates and options
    go on as text for the service to check, so its messages are the ones shown.

    Returns:
        The inputs, and the problems found here (input name → message), e.g. JSON that does not parse.
    """
    inputs: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field in fields:
        raw = form.get(INPUT_PREFIX + field.name)
        if field.kind == "boolean":
            inputs[field.name] = raw is True or str(raw or "").strip().lower() in {"on", "true", "yes", "1"}
            continue
        text = "" if raw is None else str(raw)
        if not text.strip():
            continue
        if field.kind == "json":
            try:
                inputs[field.name] = json.loads(text)
            except ValueError as exc:
                problems[field.name] = f"Must be valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
            continue
        inputs[field.name] = text.strip() if field.kind in ("number", "date", "select") else text
    return inputs, problems


def credentials_from_form(needs: list[CredentialNeed], form: dict[str, Any]) -> dict[str, str]:
    """The credential chosen for each need (needs without a choice are left to the service)."""
    chosen: dict[str, str] = {}
    for need in needs:
        value = str(form.get(CREDENTIAL_PREFIX + need.key) or "").strip()
        if value:
            chosen[need.key] = value
    return chosen


def credential_needs(schema: dict[str, Any], credentials: list[Any]) -> list[CredentialNeed]:
    """One picker per credential need, listing the user's credentials of that provider and type.

    Args:
        schema: The agent's ``credentials_input_schema``.
        credentials: The user's credentials (``CredentialPublic``), newest first.

    Returns:
        The needs, each preselecting the newest fitting credential (as a run without a choice would).
    """
    needs: list[CredentialNeed] = []
    for key, need in (schema.get("properties") or {}).items():
        provider = str(need.get("provider", ""))
        types = [str(t) for t in need.get("types") or []]
        fitting = [c for c in credentials if fits(c, need)]
        choices = [CredentialChoice(id=c.id, label=f"{c.title} ({c.hint})" if c.hint else c.title) for c in fitting]
        kinds = " or ".join(CREDENTIAL_TYPE_LABELS.get(t, t) for t in types)
        needs.append(
            CredentialNeed(
                key=str(key),
                title=f"{provider} {kinds}".strip(),
                description=str(need.get("description") or ""),
                required=bool(need.get("required", True)),
                choices=choices,
                selected=pick_credential(fitting) or "",  # what a run without a choice would use
            )
        )
    return needs


# --- components -------------------------------------------------------------------------------


def _label(field: RunField, id_prefix: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.text(field.title, size="2", weight="medium"),
            rx.cond(
                field.required,
                rx.text(
                    "*", color_scheme="red", size="2", weight="bold", title="Required", data_testid="required-mark"
                ),
                rx.fragment(),
            ),
            spacing="1",
            align="center",
        ),
        html_for=id_prefix + field.name,
    )


def _control(field: RunField, default: rx.Var, id_prefix: str, on_value: Callable | None = None) -> rx.Component:
    name = INPUT_PREFIX + field.name
    control_id = id_prefix + field.name
    common: dict[str, Any] = {"id": control_id, "name": name, "width": "100%", "aria_required": field.required}
    # A form outside a <form> (the builder's side panel) hears each value when it is finished.
    changed: dict[str, Any] = {}
    if on_value is not None:
        common["on_blur"] = lambda value: on_value(field.name, value)
        changed = {"on_change": lambda value: on_value(field.name, value)}
    return rx.match(
        field.kind,
        ("long_text", rx.text_area(default_value=default, rows="5", resize="vertical", **common)),
        (
            "number",
            # Text, not type=number: the browser would silently drop what it cannot parse, and the
            # service's "must be a number" message would never be seen.
            rx.input(default_value=default, input_mode="decimal", auto_complete="off", size="3", **common),
        ),
        (
            "select",
            rx.select.root(
                rx.select.trigger(id=control_id, width="100%", aria_label=field.title, placeholder="Choose…"),
                rx.select.content(rx.foreach(field.options, lambda o: rx.select.item(o, value=o))),
                name=name,
                default_value=default,
                size="3",
                **changed,
            ),
        ),
        (
            "boolean",
            rx.switch(
                id=control_id,
                name=name,
                default_checked=default == "true",
                size="3",
                aria_label=field.title,
                **changed,
            ),
        ),
        ("date", rx.input(type="date", default_value=default, size="3", **common)),
        (
            "json",
            rx.text_area(
                default_value=default,
                rows="5",
                resize="vertical",
                font_family="monospace",
                placeholder='e.g. ["a", "b"] or {"key": "value"}',
                **common,
            ),
        ),
        rx.input(
            default_value=default,
            type=rx.cond(field.secret, "password", "text"),
            auto_complete="off",
            size="3",
            **common,
        ),
    )


def run_field(
    field: RunField,
    default: rx.Var,
    error: rx.Var,
    id_prefix: str = RUN_ID_PREFIX,
    on_value: Callable | None = None,
) -> rx.Component:
    """One labelled input with its help text and the message about it, if any.

    Args:
        field: The input (usually a var of ``rx.foreach``).
        default: Its starting text.
        error: The message about it ("" for none).
        id_prefix: Prefix of the control's element id (``<prefix><input name>``), which the label
            points at; each form shown on a page at the same time needs its own.
        on_value: Called as ``on_value(name, value)`` when a value is finished (a text field loses
            focus, a choice or switch changes), for fields that are not submitted as a form.
    """
    return rx.vstack(
        _label(field, id_prefix),
        _control(field, default, id_prefix, on_value),
        rx.cond(field.description != "", rx.text(field.description, size="1", color_scheme="gray"), rx.fragment()),
        rx.cond(
            error,
            rx.text(error, size="2", color_scheme="red", role="alert", data_testid="field-error"),
            rx.fragment(),
        ),
        spacing="1",
        width="100%",
        data_testid="run-field",
        data_name=field.name,
    )


def _credential_choice(choice: CredentialChoice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.id)


def credential_picker(need: CredentialNeed) -> rx.Component:
    """A picker among the user's fitting credentials, or a link to add one."""
    return rx.vstack(
        rx.hstack(
            rx.icon("key-round", size=14),
            rx.text("Credential: ", need.title, size="2", weight="medium"),
            rx.cond(need.required, rx.text("*", color_scheme="red", size="2", weight="bold"), rx.fragment()),
            spacing="1",
            align="center",
        ),
        rx.cond(
            need.choices.length() > 0,
            rx.select.root(
                rx.select.trigger(width="100%", aria_label="Credential: " + need.title),
                rx.select.content(rx.foreach(need.choices, _credential_choice)),
                name=CREDENTIAL_PREFIX + need.key,
                default_value=need.selected,
                size="3",
            ),
            rx.hstack(
                rx.text(
                    rx.cond(need.required, "You have no fitting credential yet.", "None saved (optional)."),
                    size="2",
                    color_scheme="gray",
                ),
                rx.link("Add a credential", href=routes.CREDENTIALS, size="2", data_testid="add-credential-link"),
                spacing="2",
                wrap="wrap",
            ),
        ),
        rx.cond(need.description != "", rx.text(need.description, size="1", color_scheme="gray"), rx.fragment()),
        spacing="1",
        width="100%",
        data_testid="credential-picker",
    )
