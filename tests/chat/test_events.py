"""The typed chat events: one discriminated union, each tool result shape of the contract maps to its card."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from autogpt_app.chat.events import (
    CARD_TYPES,
    AgentCarousel,
    ErrorEvent,
    Finish,
    TextDelta,
    card_event,
    events_from_messages,
    parse_event,
)
from autogpt_app.chat.models import MessagePublic

#: One result of each shape the tools answer (the contract), by card type.
RESULTS = {
    "ready_to_run": {
        "type": "ready_to_run",
        "agent_id": "bmi-calculator",
        "agent_name": "BMI Calculator",
        "inputs": {"Weight (kg)": 70, "Height (cm)": 180},
        "when": "now",
    },
    "agent_carousel": {
        "type": "agent_carousel",
        "source": "marketplace",
        "query": "rss",
        "agents": [
            {"id": "rss-feed-digest", "name": "RSS", "creator": "N", "rating": 4.5, "runs": 3, "description": "d"}
        ],
    },
    "agent_details": {
        "type": "agent_details",
        "agent": {
            "id": "x",
            "name": "X",
            "description": "",
            "creator": "",
            "inputs": [{"name": "topic", "title": "Topic", "type": "string", "required": True, "default": None}],
            "credentials": [{"key": "k", "provider": "openai", "type": "api_key"}],
        },
    },
    "inputs_needed": {
        "type": "inputs_needed",
        "agent_id": "x",
        "agent_name": "X",
        "inputs": [{"name": "topic", "title": "Topic", "type": "string", "required": True, "options": []}],
        "provided": {"tone": "witty"},
    },
    "credentials_needed": {
        "type": "credentials_needed",
        "agent_id": "x",
        "agent_name": "X",
        "credentials": [{"key": "k", "provider": "openai", "type": "api_key"}],
    },
    "execution_started": {
        "type": "execution_started",
        "execution_id": "e",
        "agent_id": "x",
        "agent_name": "X",
        "status": "QUEUED",
    },
    "execution_update": {
        "type": "execution_update",
        "execution_id": "e",
        "agent_name": "X",
        "status": "COMPLETED",
        "outputs": {"digest": ["text"]},
        "error": None,
        "started_at": "2026-01-01T00:00:00+00:00",
        "ended_at": None,
    },
    "schedule_created": {
        "type": "schedule_created",
        "schedule_id": "s",
        "agent_name": "X",
        "cron": "0 8 * * 1-5",
        "timezone": "UTC",
        "description": "At 08:00, Monday through Friday",
        "next_runs": ["2026-01-02T08:00:00+00:00"],
    },
    "trigger_created": {
        "type": "trigger_created",
        "trigger_id": "t",
        "agent_name": "X",
        "kind": "feed",
        "url": "https://blog.example/feed.xml",
        "description": "Whenever a new item appears in https://blog.example/feed.xml",
        "mapping": ["Article URL ← each new item: link"],
        "interval": "every 5 minutes",
    },
    "schedules": {
        "type": "schedules",
        "schedules": [
            {"id": "s", "name": "n", "agent_name": "X", "description": "d", "timezone": "UTC", "next_run": None}
        ],
    },
    "no_results": {"type": "no_results", "query": "zz", "suggestions": ["Try other words"]},
    "need_login": {"type": "need_login", "reason": "Log in to run agents."},
    "error": {"type": "error", "message": "No such run."},
}


def test_every_card_type_has_an_example() -> None:
    assert set(RESULTS) == set(CARD_TYPES)


@pytest.mark.parametrize("kind", sorted(RESULTS))
def test_each_tool_result_becomes_its_card_and_round_trips(kind) -> None:
    card = card_event(RESULTS[kind], tool_call_id="call_9")
    assert card.type == kind and card.tool_call_id == "call_9"
    again = parse_event(card.model_dump(mode="json"))
    assert again == card


def test_a_card_keeps_what_the_page_needs() -> None:
    carousel = card_event(RESULTS["agent_carousel"])
    assert isinstance(carousel, AgentCarousel)
    assert carousel.agents[0].rating == 4.5 and carousel.agents[0].runs == 3
    needed = card_event(RESULTS["credentials_needed"])
    assert needed.credentials[0].provider == "openai" and needed.credentials[0].choices == []


@pytest.mark.parametrize(
    "result",
    [
        {"type": "launch_codes"},
        {"type": "agent_carousel", "source": "elsewhere", "agents": []},
        {"type": "execution_started"},
        {"agents": []},
        "not a dict",
    ],
)
def test_an_unknown_or_broken_result_becomes_an_error_card(result) -> None:
    card = card_event(result, tool_call_id="c")  # type: ignore[arg-type]
    assert isinstance(card, ErrorEvent) and card.tool_call_id == "c" and card.message


def test_the_union_reads_stream_events_and_refuses_others() -> None:
    assert parse_event({"type": "text_delta", "text": "hi"}) == TextDelta(text="hi")
    assert parse_event({"type": "finish", "reason": "stopped"}) == Finish(reason="stopped")
    assert parse_event({"type": "tool_call", "id": "a", "name": "find_agent", "arguments": None}).arguments is None
    with pytest.raises(ValidationError):
        parse_event({"type": "finish", "reason": "bored"})
    with pytest.raises(ValidationError):
        parse_event({"type": "nope"})


def stored_message(seq: int, role: str, **fields) -> MessagePublic:
    """A stored chat message as the sessions service returns it (fields not given left empty)."""
    base = {
        "id": f"m{seq}",
        "seq": seq,
        "role": role,
        "content": "",
        "tool_calls": [],
        "tool_call_id": None,
        "name": None,
        "event_type": None,
        "payload": None,
        "stopped": False,
        "created_at": datetime.now(UTC),
    }
    return MessagePublic(**(base | fields))


def test_stored_messages_replay_as_the_events_the_stream_showed() -> None:
    card = card_event(RESULTS["no_results"], tool_call_id="c1")
    messages = [
        stored_message(1, "user", content="find zz"),
        stored_message(
            2, "assistant", content="Looking.", tool_calls=[{"id": "c1", "name": "find_agent", "arguments": {"q": 1}}]
        ),
        stored_message(3, "tool", content="{}", tool_call_id="c1", event_type="no_results", payload=card.model_dump()),
        stored_message(4, "event", event_type="error", payload={"type": "error", "message": "Model down."}),
        stored_message(5, "tool", event_type="broken", payload={"type": "mystery"}),
    ]
    events = events_from_messages(messages)
    assert [e.type for e in events] == ["text_delta", "tool_call", "no_results", "error", "error"]
    assert events[2] == card and events[3].message == "Model down."
