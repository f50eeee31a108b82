"""The Chat page's state helpers without a browser: events → conversation rows, stored messages → rows."""

from __future__ import annotations

import json

from autogpt_app.chat.events import (
    AgentCard,
    AgentCarousel,
    AgentDetails,
    AgentInfo,
    CredentialChoice,
    CredentialNeed,
    CredentialsNeeded,
    ErrorEvent,
    ExecutionStarted,
    ExecutionUpdate,
    Finish,
    InputField,
    InputsNeeded,
    NeedLogin,
    NoResults,
    ScheduleCreated,
    TextDelta,
    ToolCallEvent,
)
from autogpt_app.ui.chat_rows import (
    AGENT_FIELD,
    ChatRow,
    apply_event,
    card_row,
    inputs_answer,
    inputs_text,
    latest_inputs_agent,
    rows_from_messages,
)
from tests.chat.test_events import stored_message

CAROUSEL = AgentCarousel(
    tool_call_id="call_0",
    source="marketplace",
    query="summarises RSS feeds",
    agents=[
        AgentCard(
            id="rss-feed-digest",
            name="RSS Feed Digest",
            creator="Northwind Labs",
            rating=4.25,
            runs=12,
            image_url="/agents/rss-feed-digest.svg",
        ),
        AgentCard(id="keyword-extractor", name="Keyword Extractor", creator="Datasmith", rating=None, runs=0),
    ],
)


def test_text_deltas_join_one_assistant_bubble_until_a_card() -> None:
    rows: list[ChatRow] = [ChatRow(kind="user", text="find RSS")]
    for piece in ("Searching ", "the ", "marketplace"):
        rows = apply_event(rows, TextDelta(text=piece))
    rows = apply_event(rows, ToolCallEvent(id="call_0", name="find_agent", arguments={"query": "RSS"}))
    rows = apply_event(rows, CAROUSEL)
    rows = apply_event(rows, TextDelta(text="Found two."))
    rows = apply_event(rows, Finish(reason="done"))
    assert [r.kind for r in rows] == ["user", "assistant", "agent_carousel", "assistant"]
    assert rows[1].text == "Searching the marketplace"
    assert rows[3].text == "Found two."


def test_apply_event_does_not_mutate_the_input() -> None:
    rows = [ChatRow(kind="assistant", text="Hi")]
    new = apply_event(rows, TextDelta(text=" there"))
    assert rows[0].text == "Hi" and new[0].text == "Hi there"


def test_stopped_turn_is_marked() -> None:
    rows = apply_event([ChatRow(kind="assistant", text="Half")], Finish(reason="stopped"))
    assert rows[-1].kind == "stopped"


def test_carousel_row_numbers_agents_and_links_them() -> None:
    row = card_row(CAROUSEL)
    assert row is not None and row.kind == "agent_carousel"
    first, second = row.agents
    assert (first.name, first.creator, first.rating, first.runs) == (
        "RSS Feed Digest",
        "Northwind Labs",
        "4.2",
        "12 runs",
    )
    assert second.runs == "0 runs"
    one = card_row(CAROUSEL.model_copy(update={"agents": [CAROUSEL.agents[0].model_copy(update={"runs": 1})]}))
    assert one is not None and one.agents[0].runs == "1 run"
    assert second.mention == "Keyword Extractor by Datasmith"
    # Each card shows its agent's picture; a card saved before pictures existed shows the general one.
    assert (first.image, second.image) == ("/agents/rss-feed-digest.svg", "/categories/general.svg")
    # The buttons name the agent, not its place: an older list still means the agent clicked.
    assert first.mention == "RSS Feed Digest by Northwind Labs"
    assert first.href == "/marketplace/agent/rss-feed-digest"
    assert second.rating == ""
    library = card_row(CAROUSEL.model_copy(update={"source": "library"}))
    assert library is not None and library.agents[0].href == "/library/agent/rss-feed-digest"
    assert library.agents[0].mention == "my RSS Feed Digest"


def test_inputs_needed_becomes_a_form() -> None:
    event = InputsNeeded(
        agent_id="rss-feed-digest",
        agent_name="RSS Feed Digest",
        inputs=[
            InputField(name="feed_url", title="Feed address", required=True, description="RSS address"),
            InputField(name="count", type="integer", default=5),
        ],
    )
    row = card_row(event)
    assert row is not None and row.kind == "inputs_needed" and row.title == "RSS Feed Digest"
    assert [(f.name, f.label, f.required, f.default) for f in row.fields] == [
        ("feed_url", "Feed address", True, ""),
        ("count", "count", False, "5"),
    ]


def test_inputs_text_is_what_the_copilot_reads() -> None:
    assert inputs_text({"feed_url": " https://x.test/feed ", "count": "", "topic": "AI"}) == (
        "feed_url=https://x.test/feed, topic=AI"
    )
    assert inputs_text({"a": " "}) == ""


def test_credentials_card_never_carries_a_secret() -> None:
    event = CredentialsNeeded(
        agent_id="a",
        agent_name="Blog Post Writer",
        credentials=[
            CredentialNeed(
                key="credentials",
                provider="openai",
                type="api_key",
                choices=[CredentialChoice(id="c1", title="Work key", hint="sk-…9f2a")],
            )
        ],
    )
    row = card_row(event)
    assert row is not None and row.kind == "credentials_needed"
    assert row.lines == ["OpenAI (api key)"] and row.href == "/credentials"
    assert "9f2a" not in row.model_dump_json()


def test_execution_schedule_login_error_and_no_results_rows() -> None:
    started = card_row(ExecutionStarted(execution_id="e1", agent_id="a", agent_name="Digest", status="QUEUED"))
    assert started is not None and (started.kind, started.status, started.href) == ("execution", "QUEUED", "/runs/e1")
    update = card_row(
        ExecutionUpdate(execution_id="e1", agent_name="Digest", status="COMPLETED", outputs={"digest": ["Top", 3]})
    )
    assert update is not None and [(v.title, v.text) for v in update.outputs] == [("digest", "Top"), ("digest", "3")]
    schedule = card_row(
        ScheduleCreated(
            schedule_id="s1",
            agent_name="Digest",
            cron="0 8 * * 1-5",
            timezone="Europe/Paris",
            description="At 08:00, Monday through Friday",
            next_runs=["2026-11-25T08:00:00+01:00", "2026-11-26T07:00:00+00:00"],
        )
    )
    assert schedule is not None
    # Next runs read on the schedule's own clock.
    assert (schedule.text, schedule.subtitle, schedule.lines) == (
        "At 08:00, Monday through Friday",
        "Europe/Paris",
        ["Wed 25 Nov 2026, 08:00", "Thu 26 Nov 2026, 08:00"],
    )
    login = card_row(NeedLogin(reason="Log in to run agents."))
    assert login is not None and (login.kind, login.text) == ("need_login", "Log in to run agents.")
    error = card_row(ErrorEvent(message="Boom, safely."))
    assert error is not None and (error.kind, error.text) == ("error", "Boom, safely.")
    none = card_row(NoResults(query="loans", suggestions=["Browse Finance"]))
    assert none is not None and (none.kind, none.title, none.lines) == ("no_results", "loans", ["Browse Finance"])
    details = card_row(
        AgentDetails(agent=AgentInfo(id="x", name="X", inputs=[InputField(name="topic", title="Topic", required=True)]))
    )
    assert details is not None and details.lines == ["Topic (required)"]
    assert card_row(TextDelta(text="hi")) is None


def test_rows_from_stored_messages_match_the_stream() -> None:
    call = {"id": "call_0", "name": "find_agent", "arguments": {"query": "RSS"}, "raw_arguments": "{}"}
    payload = CAROUSEL.model_dump(mode="json")
    stored = [
        stored_message(1, "user", content="find me something that summarises RSS feeds"),
        stored_message(2, "assistant", content="Searching…", tool_calls=[call]),
        stored_message(
            3,
            "tool",
            content=json.dumps(payload),
            tool_call_id="call_0",
            name="find_agent",
            event_type="agent_carousel",
            payload=payload,
        ),
        stored_message(4, "assistant", content="I found 2 agents."),
        stored_message(5, "user", content="tell me a story"),
        stored_message(6, "assistant", content="Once", stopped=True),
        stored_message(7, "event", event_type="error", payload={"type": "error", "message": "Model down."}),
    ]
    rows = rows_from_messages(stored)
    assert [r.kind for r in rows] == [
        "user",
        "assistant",
        "agent_carousel",
        "assistant",
        "user",
        "assistant",
        "stopped",
        "error",
    ]
    assert rows[2].agents[0].name == "RSS Feed Digest"
    assert rows[7].text == "Model down."


def test_an_older_inputs_card_names_its_agent_the_newest_one_does_not() -> None:
    older = ChatRow(kind="inputs_needed", title="Blog Post Writer", agent_id="blog-post-writer")
    newest = ChatRow(kind="inputs_needed", title="Shouter", agent_id="0a1b2c3d-0000-4000-8000-000000000001")
    waiting = latest_inputs_agent([ChatRow(kind="user", text="hi"), older, newest])
    assert waiting == "0a1b2c3d-0000-4000-8000-000000000001"
    assert inputs_answer({AGENT_FIELD: newest.agent_id, "topic": " otters ", "times": ""}, waiting) == "topic=otters"
    assert inputs_answer({AGENT_FIELD: "blog-post-writer", "topic": "AI"}, waiting) == (
        "run blog-post-writer with topic=AI"
    )
    assert inputs_answer({AGENT_FIELD: "blog-post-writer", "topic": "  "}, waiting) == ""
    assert latest_inputs_agent([]) == ""
