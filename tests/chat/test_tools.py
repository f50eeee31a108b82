"""The copilot's tools against real seeded marketplace agents, real runs and schedules, owner-checked."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from autogpt_app.chat.events import card_event
from autogpt_app.chat.tools import TOOL_NAMES, TOOLS, run_tool
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.library.models import LibraryAgent
from autogpt_app.store.seed import CATALOGUE
from tests.store.seed_helpers import LocalSite

RSS = next(a for a in CATALOGUE if a.slug == "rss-feed-digest")

pytestmark = pytest.mark.usefixtures("catalogue")


async def library_count(user) -> int:
    async with session_scope() as s:
        return (
            await s.execute(select(func.count()).select_from(LibraryAgent).where(LibraryAgent.user_id == user.id))
        ).scalar_one()


async def add_key(user, title: str = "My key") -> str:
    async with session_scope() as s:
        made = await credentials.create_credential(
            s, user, provider="openai", type="api_key", title=title, api_key="sk-test-0123456789abcdef"
        )
    return made.id


def test_the_six_tools_of_the_contract() -> None:
    assert [t.name for t in TOOLS] == [
        "find_agent",
        "find_library_agent",
        "get_agent_details",
        "run_agent",
        "get_execution",
        "list_schedules",
    ]
    assert {t.name for t in TOOLS} == TOOL_NAMES
    run = next(t for t in TOOLS if t.name == "run_agent")
    assert set(run.parameters["properties"]) == {
        "agent_id",
        "inputs",
        "credentials",
        "cron",
        "run_at",
        "timezone",
        "schedule_name",
        "confirm",
        "when_new_item_in_feed",
        "when_page_changes",
        "item_input",
    }


def test_each_tool_schema_is_its_argument_model() -> None:
    """What a model is told it may send is exactly what the tool validates: one definition, not two."""
    from autogpt_app.chat.tools import _HANDLERS

    for tool in TOOLS:
        model = _HANDLERS[tool.name][0]
        assert set(tool.parameters["properties"]) == set(model.model_fields), tool.name
        assert set(tool.parameters["required"]) <= set(model.model_fields)
        for prop in tool.parameters["properties"].values():
            assert "title" not in prop and prop.get("description"), tool.name


@pytest.mark.parametrize("query", ["summarises RSS feeds", "find me something that summarises RSS feeds"])
async def test_find_agent_shows_a_carousel_of_marketplace_agents(query) -> None:
    result = await run_tool("find_agent", {"query": query}, user=None)
    assert result["type"] == "agent_carousel" and result["source"] == "marketplace"
    first = result["agents"][0]
    assert first["id"] == "rss-feed-digest" and first["name"] == "RSS Feed Digest"
    assert first["creator"] and first["description"] and first["runs"] == 0
    assert first["image_url"] == "/agents/rss-feed-digest.svg"  # the card shows the agent's own picture
    assert len(result["agents"]) <= 6
    assert card_event(result).type == "agent_carousel"


async def test_find_agent_without_a_match_suggests_something_else() -> None:
    result = await run_tool("find_agent", {"query": "zxqv teleportation brokerage"}, user=None)
    assert result["type"] == "no_results" and result["query"] == "zxqv teleportation brokerage"
    assert result["suggestions"]


async def test_agent_details_from_a_listing_describe_inputs_and_credentials(alice) -> None:
    result = await run_tool("get_agent_details", {"agent_id": "rss-feed-digest"}, user=None)
    agent = result["agent"]
    fields = {f["name"]: f for f in agent["inputs"]}
    assert fields["feed_url"]["required"] and fields["feed_url"]["title"] == "Feed address"
    assert fields["hours"]["default"] == 24 and not fields["hours"]["required"]
    assert agent["credentials"] == []

    writer = (await run_tool("get_agent_details", {"agent_id": "blog-post-writer"}, user=alice))["agent"]
    assert {f["name"]: f["options"] for f in writer["inputs"]}["tone"][:2] == ["friendly", "professional"]
    assert writer["credentials"][0] | {} == {
        "key": "openai_api_key",
        "provider": "openai",
        "type": "api_key",
        "types": ["api_key"],
        "choices": [],  # the card's typed shape: choices are listed only when several fit
    }
    missing = await run_tool("get_agent_details", {"agent_id": "no-such-agent"}, user=alice)
    assert missing["type"] == "error" and "find_agent" in missing["message"]


async def test_anonymous_people_may_only_search_and_read_listings() -> None:
    for name, args in (
        ("run_agent", {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/feed"}}),
        ("find_library_agent", {"query": ""}),
        ("get_execution", {"execution_id": "latest"}),
        ("list_schedules", {}),
    ):
        result = await run_tool(name, args, user=None)
        assert result["type"] == "need_login" and result["reason"], name
    library_id = await run_tool("get_agent_details", {"agent_id": "0f3a8c1e-0000-4000-8000-000000000000"}, user=None)
    assert library_id["type"] == "need_login"


async def test_running_asks_for_missing_inputs_then_runs_for_real(alice, bob, loopback) -> None:
    asked = await run_tool("run_agent", {"agent_id": "rss-feed-digest"}, user=alice)
    assert asked["type"] == "inputs_needed" and asked["agent_name"] == "RSS Feed Digest"
    assert [f["name"] for f in asked["inputs"]] == ["feed_url"] and asked["provided"] == {}
    assert await library_count(alice) == 0  # nothing added until it really runs

    sample = RSS.samples[0]
    with LocalSite(sample.serve) as site:
        # The input named by its title, as a person says it; the rest take their defaults.
        feed = sample.resolved_inputs(site.url)["feed_url"]
        started = await run_tool(
            "run_agent", {"agent_id": "rss-feed-digest", "inputs": {"Feed address": feed}}, user=alice
        )
        assert started["type"] == "execution_started", started
        assert started["agent_id"] == "rss-feed-digest" and started["status"] == "QUEUED"
        assert await library_count(alice) == 1
        await GraphRunner(started["execution_id"]).run()

    update = await run_tool("get_execution", {"execution_id": "latest"}, user=alice)
    assert update["type"] == "execution_update" and update["status"] == "COMPLETED", update
    assert update["execution_id"] == started["execution_id"] and update["agent_name"] == "RSS Feed Digest"
    assert sample.expect["digest"](update["outputs"]["digest"][0])
    assert update["started_at"] and update["ended_at"]

    # The run is Alice's: Bob cannot read it by id, and has no "latest" run.
    other = await run_tool("get_execution", {"execution_id": started["execution_id"]}, user=bob)
    assert other["type"] == "error" and other["message"] == "No such run."
    assert (await run_tool("get_execution", {"execution_id": "latest"}, user=bob))["type"] == "error"

    # Running it again uses the same library entry; the library tool finds it.
    mine = await run_tool("find_library_agent", {"query": ""}, user=alice)
    assert mine["type"] == "agent_carousel" and mine["source"] == "library"
    assert [a["name"] for a in mine["agents"]] == ["RSS Feed Digest"] and mine["agents"][0]["runs"] == 1
    by_library_id = await run_tool(
        "run_agent", {"agent_id": mine["agents"][0]["id"], "inputs": {"feed_url": feed}}, user=alice
    )
    assert by_library_id["type"] == "execution_started" and await library_count(alice) == 1
    assert (await run_tool("find_library_agent", {"query": "digest"}, user=bob))["type"] == "no_results"
    stolen = await run_tool("get_agent_details", {"agent_id": mine["agents"][0]["id"]}, user=bob)
    assert stolen["type"] == "error"


async def test_an_llm_agent_needs_credentials_and_uses_the_only_one_saved(alice) -> None:
    args = {"agent_id": "blog-post-writer", "inputs": {"topic": "Sleeping better"}}
    needed = await run_tool("run_agent", args, user=alice)
    assert needed["type"] == "credentials_needed" and needed["agent_name"] == "Blog Post Writer"
    assert [(c["key"], c["provider"], c["type"]) for c in needed["credentials"]] == [
        ("openai_api_key", "openai", "api_key")
    ]
    assert "sk-" not in str(needed)

    only = await add_key(alice)
    started = await run_tool("run_agent", args, user=alice)
    assert started["type"] == "execution_started"
    async with session_scope() as s:
        from autogpt_app.executions import service as executions

        run = await executions.get_execution(s, alice, started["execution_id"], with_nodes=False)
    assert run.credentials == {"openai_api_key": only}

    # With two keys the person chooses (the card lists both, masked); a choice runs.
    second = await add_key(alice, "Work key")
    choose = await run_tool("run_agent", args, user=alice)
    assert choose["type"] == "credentials_needed"
    assert {c["id"] for c in choose["credentials"][0]["choices"]} == {only, second}
    chosen = await run_tool("run_agent", {**args, "credentials": {"openai_api_key": second}}, user=alice)
    assert chosen["type"] == "execution_started"


async def test_someone_elses_credential_cannot_be_chosen(alice, bob) -> None:
    bobs = await add_key(bob)
    result = await run_tool(
        "run_agent",
        {"agent_id": "blog-post-writer", "inputs": {"topic": "x"}, "credentials": {"openai_api_key": bobs}},
        user=alice,
    )
    assert result["type"] == "error" and "not found" in result["message"]


async def test_scheduling_by_cron_shows_words_and_next_runs(alice) -> None:
    created = await run_tool(
        "run_agent",
        {
            "agent_id": "rss-feed-digest",
            "inputs": {"feed_url": "https://example.com/feed.xml"},
            "cron": "0 8 * * 1-5",
            "timezone": "Europe/Paris",
        },
        user=alice,
    )
    assert created["type"] == "schedule_created", created
    assert created["description"] == "At 08:00, Monday through Friday"
    assert created["timezone"] == "Europe/Paris" and created["cron"] == "0 8 * * 1-5"
    assert len(created["next_runs"]) == 5 and all("T" in moment for moment in created["next_runs"])
    assert card_event(created).type == "schedule_created"

    listed = await run_tool("list_schedules", {}, user=alice)
    assert listed["type"] == "schedules"
    [item] = listed["schedules"]
    assert item["id"] == created["schedule_id"] and item["agent_name"] == "RSS Feed Digest"
    assert item["active"] and item["next_run"] == created["next_runs"][0]
    assert "Monday through Friday" in item["name"]

    bad = await run_tool(
        "run_agent",
        {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/f"}, "cron": "every tuesday"},
        user=alice,
    )
    assert bad["type"] == "error" and bad["message"]
    zone = await run_tool(
        "run_agent",
        {
            "agent_id": "rss-feed-digest",
            "inputs": {"feed_url": "https://e.com/f"},
            "cron": "0 9 * * *",
            "timezone": "Mars/Olympus",
        },
        user=alice,
    )
    assert zone["type"] == "error"


async def test_a_schedule_naming_no_zone_uses_the_viewers_zone(alice) -> None:
    args = {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/f"}, "cron": "0 8 * * *"}
    viewer = await run_tool("run_agent", args, user=alice, timezone="America/New_York")
    assert viewer["type"] == "schedule_created" and viewer["timezone"] == "America/New_York"
    assert viewer["next_runs"][0].endswith(("-05:00", "-04:00"))  # 08:00 on the viewer's clock
    named = await run_tool("run_agent", {**args, "timezone": "Asia/Tokyo"}, user=alice, timezone="America/New_York")
    assert named["timezone"] == "Asia/Tokyo"  # a zone the person named wins
    unknown = await run_tool("run_agent", args, user=alice)
    assert unknown["timezone"] == "UTC"  # no browser told us: UTC, and the card says so


async def test_a_time_in_words_schedules_one_run_then_and_nothing_now(alice) -> None:
    """ "Run it tomorrow at 9am" is one run at 09:00 on the person's clock: a one-off schedule, no run now."""
    args = {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/f"}, "run_at": "tomorrow at 9am"}
    created = await run_tool("run_agent", args, user=alice, timezone="Europe/Paris")
    assert created["type"] == "schedule_created" and created["kind"] == "once", created
    paris = datetime.now(ZoneInfo("Europe/Paris"))
    tomorrow_9 = (paris + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    assert created["run_at"] == tomorrow_9.isoformat() and created["next_runs"] == [tomorrow_9.isoformat()]
    assert created["timezone"] == "Europe/Paris" and created["cron"] == ""
    card = card_event(created)
    assert card.type == "schedule_created" and card.kind == "once"
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []  # nothing ran now
    [item] = (await run_tool("list_schedules", {}, user=alice))["schedules"]
    assert item["id"] == created["schedule_id"] and item["next_run"] == tomorrow_9.isoformat()


@pytest.mark.parametrize(
    ("run_at", "extra", "says"),
    [
        ("next week", {}, "not a precise time"),
        ("at 5", {}, "5 in the morning or 17:00"),
        ("2020-01-01T09:00", {}, "has already passed"),
        ("tomorrow at 9am", {"cron": "0 9 * * *"}, "not both"),
    ],
)
async def test_a_time_that_is_not_exact_or_has_passed_schedules_nothing(alice, run_at, extra, says) -> None:
    args = {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "https://example.com/f"}, "run_at": run_at, **extra}
    result = await run_tool("run_agent", args, user=alice, timezone="Europe/Paris")
    assert result["type"] == "error" and says in result["message"], result
    assert (await run_tool("list_schedules", {}, user=alice))["schedules"] == []
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("launch_rockets", {}, "no tool named"),
        ("find_agent", None, "not a JSON object"),
        ("run_agent", {"agent_id": "rss-feed-digest", "inputs": "feed please"}, "not valid"),
        ("run_agent", {"inputs": {}}, "agent_id"),
        ("find_agent", {"query": "x" * 500}, "not valid"),
        ("run_agent", {"agent_id": "rss-feed-digest", "inputs": {"colour": "red"}}, "no input named 'colour'"),
        ("run_agent", {"agent_id": "rss-feed-digest", "inputs": {"feed_url": "u", "hours": "lots"}}, "number"),
    ],
)
async def test_bad_calls_answer_an_error_never_raise(alice, name, arguments, says) -> None:
    result = await run_tool(name, arguments, user=alice)
    assert result["type"] == "error" and says in result["message"], result
    assert card_event(result, tool_call_id="c1").tool_call_id == "c1"


async def test_a_crashing_service_answers_a_safe_error(alice, monkeypatch) -> None:
    from autogpt_app.store import service as store

    async def boom(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(store, "search_listings", boom)
    result = await run_tool("find_agent", {"query": "rss"}, user=alice)
    assert result == {"type": "error", "message": "find_agent failed unexpectedly; please try again."}


async def test_the_copilot_gets_the_same_refusal_for_a_disabled_block(alice, monkeypatch) -> None:
    """An agent saved while its blocks were enabled: once one is disabled, the copilot says which, and runs nothing."""
    from autogpt_app.blocks.registry import find_block
    from autogpt_app.executions.models import GraphExecution
    from autogpt_app.library import service as library

    async with session_scope() as s:  # in her library while the block was still enabled
        added = await library.add_from_listing(s, alice, "rss-feed-digest")
    rss_block = next(b for n in RSS.graph.nodes if (b := find_block(n.block_id)).name == "Read RSS feed")
    monkeypatch.setattr(type(rss_block), "disabled", True)
    refused = await run_tool(
        "run_agent", {"agent_id": added.id, "inputs": {"feed_url": "https://example.com/feed"}}, user=alice
    )
    assert refused["type"] == "error", refused
    assert refused["message"].startswith("This agent uses the block 'Read RSS feed', which this platform has disabled")
    async with session_scope() as s:
        assert (await s.execute(select(func.count()).select_from(GraphExecution))).scalar_one() == 0
