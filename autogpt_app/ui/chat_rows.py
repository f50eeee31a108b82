"""What the Chat page shows, as plain data: the conversation's rows built from the copilot's events.

A conversation is a list of :class:`ChatRow` (a user bubble, the assistant's Markdown, or one card
per event type), built by pure functions from the typed events of :mod:`autogpt_app.chat.events`
(:func:`apply_event`) and from stored messages on reload (:func:`rows_from_messages`), so a reload
shows what the stream showed. The functions here are pure (results become the run page's display
models, :class:`~autogpt_app.ui.components.outputs.OutputValue`, so both pages show them alike).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from autogpt_app.chat.events import (
    AgentCarousel,
    AgentDetails,
    CredentialNeed,
    CredentialsNeeded,
    ErrorEvent,
    Event,
    ExecutionStarted,
    ExecutionUpdate,
    Finish,
    InputsNeeded,
    NeedLogin,
    NoResults,
    ReadyToRun,
    ScheduleCreated,
    ScheduleList,
    TextDelta,
    TriggerCreated,
    timeline,
)
from autogpt_app.chat.models import MessagePublic, MessageRole
from autogpt_app.credentials.models import provider_label
from autogpt_app.store import pictures
from autogpt_app.timeutil import readable_time
from autogpt_app.triggers.firing import TRIGGER_LINK
from autogpt_app.ui import routes
from autogpt_app.ui.components.outputs import OutputValue, render_outputs
from autogpt_app.wording import plural

#: Values of one output an execution card shows, and characters of each (the run page shows them all).
MAX_EXECUTION_VALUES = 20
MAX_EXECUTION_CHARS = 4000


class SessionRow(BaseModel):
    """One chat of the side list."""

    id: str
    title: str


class AgentRow(BaseModel):
    """One agent of a carousel card."""

    id: str
    name: str
    creator: str = ""
    rating: str = ""
    runs: str = ""
    description: str = ""
    #: How the Run and Details buttons name it to the copilot: by name (and creator, or "my" for the
    #: library), so an older list still means this agent (an ordinal points into the newest list).
    mention: str = ""
    source: str = "marketplace"
    href: str = ""
    image: str = ""


class FieldRow(BaseModel):
    """One input of an inputs card's form."""

    name: str
    label: str
    required: bool = False
    default: str = ""
    description: str = ""
    #: What the person sent for it (an answered card shows this instead of a field).
    sent: str = ""


#: How a credentials card names each kind of credential.
CREDENTIAL_TYPE_LABELS = {
    "api_key": "API key",
    "user_password": "username and password",
    "host_scoped": "host headers",
    "oauth2": "OAuth sign-in",
}


class CredentialNeedRow(BaseModel):
    """One credential a credentials card asks for: which provider and kind, never a secret.

    ``choices`` are the titles of saved credentials that would fit (several to choose from);
    without any, the card offers a small form to add one inline.
    """

    key: str
    provider: str
    #: ``api_key``, ``user_password`` or ``host_scoped`` (which fields the inline form shows).
    type: str
    type_label: str
    #: "openai API key"…
    label: str
    #: A name to suggest for the new credential.
    default_title: str
    choices: list[str] = []
    #: The name of the credential the person saved from this card ("" while not saved).
    saved: str = ""


class ChatRow(BaseModel):
    """One item of the conversation: a bubble or a card. Unused fields stay empty."""

    kind: str
    text: str = ""
    title: str = ""
    subtitle: str = ""
    status: str = ""
    href: str = ""
    agents: list[AgentRow] = []
    fields: list[FieldRow] = []
    #: An inputs card's inputs that have a default or were given already ("More options").
    optional: list[FieldRow] = []
    #: An inputs or credentials card that was answered: it shows what was sent, and no form.
    done: bool = False
    #: How a Run button names the agent to the copilot (details card).
    mention: str = ""
    lines: list[str] = []
    #: An execution card's results (titles from the agent's output schema).
    outputs: list[OutputValue] = []
    credentials: list[CredentialNeedRow] = []
    #: The run an ``execution`` card shows (the live card follows it).
    execution_id: str = ""
    #: The agent an inputs card is for (its id: a marketplace slug or a library id).
    agent_id: str = ""
    #: The schedule a ``schedule_created`` card shows (a one-off's card follows it until it runs).
    schedule_id: str = ""
    #: An execution card's review waiting for the person (its id, and what it asks with the data), if any.
    review_id: str = ""
    review_text: str = ""


def _mention(name: str, creator: str, source: str) -> str:
    """How a card's buttons name an agent to the copilot ("RSS Feed Digest by Northwind Labs")."""
    if source == "library":
        return f"my {name}"
    return f"{name} by {creator}" if creator else name


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _credential_need(need: CredentialNeed, agent_name: str) -> CredentialNeedRow:
    type_label = CREDENTIAL_TYPE_LABELS.get(need.type, need.type.replace("_", " "))
    provider = provider_label(need.provider)
    title = f"{provider} {type_label} for {agent_name}" if agent_name else f"{provider} {type_label}"
    return CredentialNeedRow(
        key=need.key,
        provider=need.provider,
        type=need.type,
        type_label=type_label,
        label=f"{provider} {type_label}",
        default_title=title[:120],
        # Titles only: even a masked hint stays on the Credentials page.
        choices=[c.title for c in need.choices],
    )


def _cut_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_EXECUTION_CHARS:
        return value[: MAX_EXECUTION_CHARS - 1] + "…"
    return value


def execution_outputs(outputs: dict[str, Any] | None, titles: dict[str, str] | None = None) -> list[OutputValue]:
    """A run's results as an execution card shows them: under each output's title (from the agent's
    output schema), line breaks and links kept, at most :data:`MAX_EXECUTION_VALUES` values of each."""
    trimmed: dict[str, list[Any]] = {}
    for name, values in (outputs or {}).items():
        items = values if isinstance(values, list) else [values]
        trimmed[name] = [_cut_value(v) for v in items[:MAX_EXECUTION_VALUES]]
    shown = render_outputs(trimmed, titles)
    for name, values in (outputs or {}).items():
        if isinstance(values, list) and len(values) > MAX_EXECUTION_VALUES:
            title = (titles or {}).get(name) or name
            last = max(i for i, v in enumerate(shown) if v.key.startswith(f"{name}:"))
            shown[
                last
            ].note = f"Showing {MAX_EXECUTION_VALUES} of {len(values):,} values of “{title}”; the run page shows all."
    return shown


def _field_row(field: Any, value: Any = None) -> FieldRow:
    return FieldRow(
        name=field.name,
        label=field.title or field.name,
        required=field.required,
        default=_plain(field.default if value is None else value),
        description=field.description,
    )


def card_row(event: Event) -> ChatRow | None:
    """The row showing one card event (None for events that are not cards)."""
    if isinstance(event, AgentCarousel):
        agents = [
            AgentRow(
                id=a.id,
                name=a.name,
                creator=a.creator,
                rating=f"{a.rating:.1f}" if a.rating is not None else "",
                runs=plural(a.runs or 0, "run"),
                description=a.description,
                mention=_mention(a.name, a.creator, event.source),
                source=event.source,
                href=routes.marketplace_agent(a.id) if event.source == "marketplace" else routes.library_agent(a.id),
                image=a.image_url or pictures.category_image(),
            )
            for a in event.agents
        ]
        return ChatRow(kind="agent_carousel", title=event.query, subtitle=event.source, agents=agents)
    if isinstance(event, NoResults):
        return ChatRow(kind="no_results", title=event.query, lines=list(event.suggestions))
    if isinstance(event, AgentDetails):
        agent = event.agent
        return ChatRow(
            kind="agent_details",
            title=agent.name,
            subtitle=agent.creator,
            agent_id=agent.id,
            mention=_mention(agent.name, agent.creator, agent.source),
            text=agent.description,
            lines=[f"{f.title or f.name}{' (required)' if f.required else ''}" for f in agent.inputs],
        )
    if isinstance(event, InputsNeeded):
        fields = [_field_row(f, event.provided.get(f.name)) for f in event.inputs]
        optional = [_field_row(f, event.provided.get(f.name)) for f in event.optional]
        return ChatRow(
            kind="inputs_needed", title=event.agent_name, agent_id=event.agent_id, fields=fields, optional=optional
        )
    if isinstance(event, CredentialsNeeded):
        return ChatRow(
            kind="credentials_needed",
            title=event.agent_name,
            href=routes.CREDENTIALS,
            lines=[f"{provider_label(c.provider)} ({c.type.replace('_', ' ')})" for c in event.credentials],
            credentials=[_credential_need(c, event.agent_name) for c in event.credentials],
        )
    if isinstance(event, ReadyToRun):
        return ChatRow(
            kind="ready_to_run",
            title=event.agent_name,
            agent_id=event.agent_id,
            subtitle=event.when,
            lines=[f"{name}: {value}" for name, value in event.inputs.items()],
        )
    if isinstance(event, ExecutionStarted):
        return ChatRow(
            kind="execution",
            title=event.agent_name,
            status=event.status.upper(),
            href=routes.run(event.execution_id),
            execution_id=event.execution_id,
        )
    if isinstance(event, ExecutionUpdate):
        return ChatRow(
            kind="execution",
            title=event.agent_name,
            status=event.status.upper(),
            href=routes.run(event.execution_id),
            text=event.error or "",
            outputs=execution_outputs(event.outputs, event.titles),
            execution_id=event.execution_id,
        )
    if isinstance(event, ScheduleCreated):
        return ChatRow(
            kind="schedule_created",
            title=event.agent_name,
            text=event.description,
            subtitle=event.timezone,
            status=event.cron or "once",
            lines=[readable_time(run, event.timezone) for run in event.next_runs],
            schedule_id=event.schedule_id,
            href=routes.SCHEDULES,
        )
    if isinstance(event, TriggerCreated):
        return ChatRow(
            kind="trigger_created",
            title=event.agent_name,
            text=event.description,
            subtitle=event.interval,
            lines=event.mapping,
            href=TRIGGER_LINK.format(trigger_id=event.trigger_id),
        )
    if isinstance(event, ScheduleList):
        return ChatRow(
            kind="schedules",
            href=routes.SCHEDULES,
            lines=[f"{s.name}: {s.description} ({s.timezone})" for s in event.schedules],
        )
    if isinstance(event, NeedLogin):
        return ChatRow(kind="need_login", text=event.reason, href=routes.LOGIN)
    if isinstance(event, ErrorEvent):
        return ChatRow(kind="error", text=event.message)
    return None


def apply_event(rows: list[ChatRow], event: Event) -> list[ChatRow]:
    """The conversation after one event: text joins the assistant's last bubble, a card adds its row.

    Tool calls and ``finish`` show nothing by themselves (their cards do). Returns a new list.
    """
    if isinstance(event, TextDelta):
        if not event.text:
            return rows
        if rows and rows[-1].kind == "assistant":
            last = rows[-1].model_copy(update={"text": rows[-1].text + event.text})
            return [*rows[:-1], last]
        return [*rows, ChatRow(kind="assistant", text=event.text)]
    if isinstance(event, Finish):
        if event.reason == "stopped":
            return [*rows, ChatRow(kind="stopped", text="Stopped.")]
        return rows
    row = card_row(event)
    return [*rows, row] if row is not None else rows


def rows_from_messages(messages: Iterable[MessagePublic]) -> list[ChatRow]:
    """The conversation of stored messages, as the stream showed it (user bubbles, text, cards)."""
    rows: list[ChatRow] = []
    for message, events in timeline(messages):
        if message.role == MessageRole.USER.value:
            rows.append(ChatRow(kind="user", text=message.content))
            continue
        for event in events:
            rows = apply_event(rows, event)
        if message.stopped:
            rows = apply_event(rows, Finish(reason="stopped"))
    return rows


#: The hidden field of an inputs card's form naming its agent (not an input of the agent).
AGENT_FIELD = "_for_agent_"


def latest_inputs_agent(rows: Iterable[ChatRow]) -> str:
    """The agent of the newest inputs card (the one the copilot is waiting for), or ""."""
    found = ""
    for row in rows:
        if row.kind == "inputs_needed":
            found = row.agent_id
    return found


def inputs_answer(form_data: dict[str, Any], waiting_for: str) -> str:
    """What an inputs card sends: ``name=value, ...``; for a card older than the newest one,
    ``run <agent id> with name=value, ...`` so the copilot runs that card's agent ("" if nothing filled)."""
    values = {k: v for k, v in form_data.items() if k != AGENT_FIELD}
    text = inputs_text(values)
    agent = str(form_data.get(AGENT_FIELD, "") or "").strip()
    if text and agent and agent != waiting_for:
        return f"run {agent} with {text}"
    return text


def inputs_text(form_data: dict[str, Any], names: Iterable[str] | None = None) -> str:
    """An inputs card's answer as the copilot reads it: ``name=value, ...`` (empty values left out)."""
    keys = list(names) if names is not None else list(form_data)
    parts = [f"{k}={str(form_data.get(k, '')).strip()}" for k in keys if str(form_data.get(k, "")).strip()]
    return ", ".join(parts)
