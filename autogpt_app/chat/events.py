"""The typed events of a chat turn, shared by the Reflex chat state and the SSE endpoint.

A turn streams ``text_delta`` pieces of the reply, a ``tool_call`` for each tool the model calls,
one card event per tool result (``agent_carousel``, ``inputs_needed``, ``execution_started``…),
an ``error`` when something failed, and always ends with ``finish``. :data:`Event` is the
discriminated union (on ``type``); :func:`card_event` turns a tool's result into its card, and
:func:`events_from_messages` rebuilds the events of stored messages, so a reload shows the same cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from autogpt_app.chat.models import MessagePublic, MessageRole

FinishReason = Literal["done", "stopped", "error", "round_limit"]


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Card(_Event):
    #: The tool call whose result this card shows (None for cards not made by a tool).
    tool_call_id: str | None = None


class TextDelta(_Event):
    """A piece of the assistant's reply."""

    type: Literal["text_delta"] = "text_delta"
    text: str


class ToolCallEvent(_Event):
    """The model called a tool (the card with its result follows)."""

    type: Literal["tool_call"] = "tool_call"
    id: str
    name: str
    #: The parsed arguments (None when the model sent something that is not a JSON object).
    arguments: dict[str, Any] | None = None


class AgentCard(BaseModel):
    """One agent of a carousel."""

    id: str
    name: str
    creator: str = ""
    rating: float | None = None
    runs: int = 0
    description: str = ""
    #: The agent's picture (a site path or address; empty: the card shows the general illustration).
    image_url: str = ""


class AgentCarousel(_Card):
    """Agents found in the marketplace or the user's library."""

    type: Literal["agent_carousel"] = "agent_carousel"
    source: Literal["marketplace", "library"]
    query: str = ""
    agents: list[AgentCard]


class InputField(BaseModel):
    """One input of an agent, enough to build a form field."""

    name: str
    title: str = ""
    type: str = "string"
    required: bool = False
    default: Any = None
    options: list[str] = []
    description: str = ""
    #: The JSON Schema format of a text input ("date" for a calendar date), when it has one.
    format: str = ""


class CredentialChoice(BaseModel):
    """A saved credential that could fill a need (masked: never the secret)."""

    id: str
    title: str
    hint: str = ""


class CredentialNeed(BaseModel):
    """A credential an agent needs: which provider and kind."""

    key: str
    provider: str
    type: str
    #: Every kind that would do (``type`` is the first).
    types: list[str] = []
    #: The user's saved credentials that fit, when there are several to choose from.
    choices: list[CredentialChoice] = []


class AgentInfo(BaseModel):
    """An agent's description, inputs and credential needs."""

    id: str
    name: str
    description: str = ""
    creator: str = ""
    source: Literal["marketplace", "library"] = "marketplace"
    inputs: list[InputField] = []
    credentials: list[CredentialNeed] = []


class AgentDetails(_Card):
    """Everything needed to set up and run one agent."""

    type: Literal["agent_details"] = "agent_details"
    agent: AgentInfo


class InputsNeeded(_Card):
    """The run needs inputs that were not given (a form is built from ``inputs``)."""

    type: Literal["inputs_needed"] = "inputs_needed"
    agent_id: str
    agent_name: str
    inputs: list[InputField]
    provided: dict[str, Any] = {}
    #: The agent's other inputs (optional ones with their defaults, and those already given), so
    #: the form shows every value the run will use.
    optional: list[InputField] = []


class CredentialsNeeded(_Card):
    """The run needs credentials the user has not saved (or must choose among several)."""

    type: Literal["credentials_needed"] = "credentials_needed"
    agent_id: str
    agent_name: str
    credentials: list[CredentialNeed]


class ReadyToRun(_Card):
    """Everything checks out and nothing started: the run (or schedule) waits for the person's yes.

    Answer of ``run_agent`` with ``confirm``: when the agent was picked from a search rather than
    named, or values were read from the person's own words, they see exactly what would run.
    """

    type: Literal["ready_to_run"] = "ready_to_run"
    agent_id: str
    agent_name: str
    #: The inputs the run would get (title → value, as the person reads them).
    inputs: dict[str, Any] = {}
    #: When it would run, in words ("now", "Once, on …", "At 08:00, Monday through Friday").
    when: str = "now"


class ExecutionStarted(_Card):
    """A run was queued."""

    type: Literal["execution_started"] = "execution_started"
    execution_id: str
    agent_id: str
    agent_name: str
    status: str


class ExecutionUpdate(_Card):
    """The state of a run, with its outputs once there are any."""

    type: Literal["execution_update"] = "execution_update"
    execution_id: str
    agent_name: str
    status: str
    outputs: dict[str, list[Any]] = {}
    #: Output name → its title in the agent's output schema.
    titles: dict[str, str] = {}
    error: str | None = None
    started_at: str | None = None
    ended_at: str | None = None


class ScheduleCreated(_Card):
    """A schedule was created: its words, time zone and next run times (ISO 8601); a one-off
    (``kind="once"``) has no cron and runs once, at ``run_at``."""

    type: Literal["schedule_created"] = "schedule_created"
    schedule_id: str
    agent_name: str
    kind: Literal["cron", "once"] = "cron"
    cron: str = ""
    run_at: str | None = None
    timezone: str
    description: str
    next_runs: list[str] = []


class TriggerCreated(_Card):
    """A poll trigger was created: the agent runs whenever a feed has a new item or a page changes."""

    type: Literal["trigger_created"] = "trigger_created"
    trigger_id: str
    agent_name: str
    #: ``feed`` (a new item in an RSS/Atom feed) or ``page`` (the page's text changed).
    kind: Literal["feed", "page"]
    url: str
    #: When it runs, in words ("Whenever a new item appears in https://…").
    description: str
    #: Which input gets what of each event, in words ("Feed URL ← each new item: link").
    mapping: list[str] = []
    #: How often the source is looked at, in words ("every 5 minutes").
    interval: str = ""


class ScheduleItem(BaseModel):
    """One schedule of a list."""

    id: str
    name: str
    agent_name: str
    description: str
    timezone: str
    next_run: str | None = None
    active: bool = True


class ScheduleList(_Card):
    """The user's schedules (answer of ``list_schedules``)."""

    type: Literal["schedules"] = "schedules"
    schedules: list[ScheduleItem]


class NoResults(_Card):
    """A search found nothing; ``suggestions`` are things to try instead."""

    type: Literal["no_results"] = "no_results"
    query: str = ""
    suggestions: list[str] = []


class NeedLogin(_Card):
    """The action needs an account: the page shows a login card."""

    type: Literal["need_login"] = "need_login"
    reason: str


class ErrorEvent(_Card):
    """Something failed; ``message`` is safe to show (no stack, no secret)."""

    type: Literal["error"] = "error"
    message: str


class Finish(_Event):
    """The turn is over (always the last event)."""

    type: Literal["finish"] = "finish"
    reason: FinishReason = "done"


#: Every card (what a tool's result shows as), in one place: the unions and CARD_TYPES derive from it.
_CARDS = (
    AgentCarousel,
    AgentDetails,
    InputsNeeded,
    CredentialsNeeded,
    ReadyToRun,
    ExecutionStarted,
    ExecutionUpdate,
    ScheduleCreated,
    TriggerCreated,
    ScheduleList,
    NoResults,
    NeedLogin,
    ErrorEvent,
)

CardEvent = Annotated[Union[_CARDS], Field(discriminator="type")]  # noqa: UP007 (a union built from a tuple)
Event = Annotated[Union[(TextDelta, ToolCallEvent, *_CARDS, Finish)], Field(discriminator="type")]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
_CARD_ADAPTER: TypeAdapter[CardEvent] = TypeAdapter(CardEvent)

#: Every ``type`` a card event may have.
CARD_TYPES = frozenset(card.model_fields["type"].default for card in _CARDS)


def parse_event(data: dict[str, Any]) -> Event:
    """Read an event from its JSON form (e.g. an SSE ``data`` line or a stored payload).

    Raises:
        pydantic.ValidationError: not an event.
    """
    return EVENT_ADAPTER.validate_python(data)


def card_event(result: dict[str, Any], *, tool_call_id: str | None = None) -> CardEvent:
    """The card event showing a tool's result; an ``error`` card when the result is not a known card."""
    if isinstance(result, dict) and result.get("type") in CARD_TYPES:
        try:
            return _CARD_ADAPTER.validate_python({**result, "tool_call_id": tool_call_id})
        except ValidationError:
            pass
    return ErrorEvent(message="The tool gave an answer the chat cannot show.", tool_call_id=tool_call_id)


def timeline(messages: Iterable[MessagePublic]) -> list[tuple[MessagePublic, list[Event]]]:
    """Each stored message with the events a live turn showed at its place (text, tool calls, cards).

    A reloaded page renders these exactly as it rendered the stream: each tool call comes right
    before the card that answered it, with that card's message (live, a call is announced only when
    it runs, and every call that runs gets a card), so calls that never ran — after Stop or at the
    round limit — are not shown. User messages come with no events (the page shows them itself).
    """
    shown: list[tuple[MessagePublic, list[Event]]] = []
    waiting: dict[str, ToolCallEvent] = {}
    for message in messages:
        events: list[Event] = []
        if message.role == MessageRole.ASSISTANT.value:
            if message.content:
                events.append(TextDelta(text=message.content))
            waiting = {
                str(call.get("id", "")): ToolCallEvent(
                    id=str(call.get("id", "")), name=str(call.get("name", "")), arguments=call.get("arguments")
                )
                for call in message.tool_calls
            }
        elif message.event_type and message.payload is not None:
            try:
                card = parse_event(message.payload)
            except ValidationError:
                card = ErrorEvent(message="This card could not be shown.", tool_call_id=message.tool_call_id)
            call = waiting.pop(str(getattr(card, "tool_call_id", None) or message.tool_call_id or ""), None)
            events = [call, card] if call is not None else [card]
        shown.append((message, events))
    return shown


def events_from_messages(messages: Iterable[MessagePublic]) -> list[Event]:
    """The events a live turn showed for these stored messages, in order (see :func:`timeline`)."""
    return [event for _message, events in timeline(messages) for event in events]
