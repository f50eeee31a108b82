"""Values and a purpose, but no agent named: the offline copilot finds the agent, reads the values by unit
and offers the run for a yes. Nothing runs until the person says yes; then exactly that runs."""

from __future__ import annotations

import pytest

from autogpt_app.chat.loop import run_turn
from autogpt_app.chat.providers.offline import OfflineCopilot
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from tests.chat.conftest import collect
from tests.chat.test_loop_openai import new_chat


@pytest.fixture
async def bmi_catalogue() -> None:
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug in ("bmi-calculator", "loan-calculator")])


async def test_values_in_a_question_are_offered_with_the_agent_that_fits_and_run_on_yes(alice, bmi_catalogue) -> None:
    chat_id = await new_chat(alice)
    copilot = OfflineCopilot()
    events = await collect(
        run_turn(chat_id, "I weigh 70 kg and I'm 1.80 m, what's my BMI?", user=alice, provider=copilot)
    )
    ready = next(e for e in events if e.type == "ready_to_run")
    assert ready.agent_name == "BMI Calculator" and ready.when == "now"
    assert sorted(ready.inputs.values()) == [70, 180]  # 1.80 m read as the agent's height in cm
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []  # nothing ran: it asks first

    events = await collect(run_turn(chat_id, "yes", user=alice, provider=copilot))
    started = next(e for e in events if e.type == "execution_started")
    async with session_scope() as s:
        run = await executions.get_execution(s, alice, started.execution_id, with_nodes=False)
    assert sorted(v for v in run.inputs.values() if isinstance(v, int | float)) == [70, 180]


async def test_a_loan_question_with_its_numbers_is_offered_not_run(alice, bmi_catalogue) -> None:
    chat_id = await new_chat(alice)
    question = "what's the monthly payment on a $300,000 loan at 4% over 30 years?"
    events = await collect(run_turn(chat_id, question, user=alice, provider=OfflineCopilot()))
    ready = next(e for e in events if e.type == "ready_to_run")
    assert ready.agent_name == "Loan Calculator"
    assert sorted(ready.inputs.values()) == [4, 30, 300000]
    reply = "".join(e.text for e in events if e.type == "text_delta")
    assert "Nothing has started" in reply
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []


@pytest.fixture
async def converter_catalogue() -> None:
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug in ("unit-converter", "keyword-extractor")])


@pytest.mark.parametrize(
    ("request_text", "agent", "shown"),
    [
        # The dropdown's option the sentence names, and every value the run would use (defaults too).
        ("convert 5 miles to km", "Unit Converter", {"Value": 5, "Conversion": "miles to kilometres"}),
        (
            'extract keywords from this text: "The quick brown fox jumps over the lazy dog"',
            "Keyword Extractor",
            {"Text": "The quick brown fox jumps over the lazy dog", "How many keywords": 8},
        ),
    ],
)
async def test_an_offer_shows_every_value_the_run_would_use(
    alice, converter_catalogue, request_text, agent, shown
) -> None:
    chat_id = await new_chat(alice)
    events = await collect(run_turn(chat_id, request_text, user=alice, provider=OfflineCopilot()))
    ready = next(e for e in events if e.type == "ready_to_run")
    assert ready.agent_name == agent and ready.inputs == shown


async def test_an_offer_keeps_a_repetition_said_with_every_and_its_values(alice) -> None:
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(
            s, agents=[a for a in CATALOGUE if a.slug in ("rss-feed-digest", "daily-reminder-notification")]
        )
    chat_id = await new_chat(alice)
    text = "I want a daily digest of https://news.ycombinator.com/rss every weekday at 7am"
    events = await collect(run_turn(chat_id, text, user=alice, provider=OfflineCopilot(), timezone="Europe/Paris"))
    ready = next(e for e in events if e.type == "ready_to_run")
    assert ready.agent_name == "RSS Feed Digest"
    assert ready.inputs["Feed address"] == "https://news.ycombinator.com/rss"
    assert ready.when == "At 07:00, Monday through Friday (Europe/Paris)"
    events = await collect(run_turn(chat_id, "yes", user=alice, provider=OfflineCopilot(), timezone="Europe/Paris"))
    created = next(e for e in events if e.type == "schedule_created")
    assert created.cron == "0 7 * * 1-5" and created.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ("make it 5%", {"Amount borrowed": 300000, "Interest rate (% per year)": 5, "Term (years)": 30}),
        ("yes but for 20 years", {"Amount borrowed": 300000, "Interest rate (% per year)": 4, "Term (years)": 20}),
    ],
)
async def test_a_change_to_an_offer_is_shown_again_and_only_yes_runs_it(alice, bmi_catalogue, change, shown) -> None:
    chat_id = await new_chat(alice)
    copilot = OfflineCopilot()
    await collect(
        run_turn(chat_id, "what's the monthly payment on $300,000 at 4% over 30 years?", user=alice, provider=copilot)
    )
    events = await collect(run_turn(chat_id, change, user=alice, provider=copilot))
    assert next(e for e in events if e.type == "ready_to_run").inputs == shown
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []
    events = await collect(run_turn(chat_id, "yes", user=alice, provider=copilot))
    started = next(e for e in events if e.type == "execution_started")
    async with session_scope() as s:
        run = await executions.get_execution(s, alice, started.execution_id, with_nodes=False)
    assert sorted(v for v in run.inputs.values() if isinstance(v, int | float)) == sorted(shown.values())


async def test_yes_to_a_match_that_may_not_fit_runs_nothing(alice, bmi_catalogue) -> None:
    chat_id = await new_chat(alice)
    copilot = OfflineCopilot()
    events = await collect(
        run_turn(chat_id, "I weigh 70 kg and my brother weighs 80 kg, what is our BMI?", user=alice, provider=copilot)
    )
    reply = "".join(e.text for e in events if e.type == "text_delta")
    assert "BMI Calculator, may not be the one" in reply  # two weights, one weight input: it says so
    events = await collect(run_turn(chat_id, "yes", user=alice, provider=copilot))
    assert not [e for e in events if e.type in ("tool_call", "execution_started", "schedule_created")]
    async with session_scope() as s:
        assert (await executions.list_runs(s, alice, limit=5)).items == []


async def test_an_inputs_card_answered_with_units_fills_each_input(alice, bmi_catalogue) -> None:
    chat_id = await new_chat(alice)
    copilot = OfflineCopilot()
    await collect(run_turn(chat_id, "run the bmi calculator", user=alice, provider=copilot))
    events = await collect(run_turn(chat_id, "70 kg and 180 cm", user=alice, provider=copilot))
    started = next(e for e in events if e.type == "execution_started")
    async with session_scope() as s:
        run = await executions.get_execution(s, alice, started.execution_id, with_nodes=False)
    assert run.inputs["weight_kg"] == 70 and run.inputs["height_cm"] == 180


async def test_when_the_best_match_takes_none_of_the_values_the_runner_up_is_read(alice) -> None:
    from autogpt_app.store.seed import CATALOGUE, seed_catalogue

    async with session_scope() as s:
        await seed_catalogue(s, agents=[a for a in CATALOGUE if a.slug in ("date-countdown", "days-between-dates")])
    chat_id = await new_chat(alice)
    text = "how many days between 1 March 2026 and 1 June 2026?"
    events = await collect(run_turn(chat_id, text, user=alice, provider=OfflineCopilot()))
    ready = next(e for e in events if e.type == "ready_to_run")
    assert ready.agent_name == "Days Between Two Dates"
    assert ready.inputs == {"Start date": "2026-03-01", "End date": "2026-06-01"}
