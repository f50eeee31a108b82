"""Clock blocks: current time and date in both AutoGPT pin shapes, and the countdown timer's limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from autogpt_app.blocks.builtin.clock import CountdownTimerBlock, GetCurrentDateBlock, GetCurrentTimeBlock
from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import BlockError, RunContext, run_block
from autogpt_app.settings import get_settings

AUTOGPT = {
    "GetCurrentTimeBlock": ("a892b8d9-3e4e-4e9c-9c1e-75f8efcf1bfa", {"trigger", "format_type"}, {"time"}),
    "GetCurrentDateBlock": ("b29c1b50-5d0e-4d9f-8f9d-1b0e6fcbf0b1", {"trigger", "offset", "format_type"}, {"date"}),
    "CountdownTimerBlock": (
        "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
        {"input_message", "seconds", "minutes", "hours", "days", "repeat"},
        {"output_message"},
    ),
}


@pytest.mark.parametrize("name", sorted(AUTOGPT))
def test_autogpt_ids_and_pins(name):
    block_id, inputs, outputs = AUTOGPT[name]
    block = find_block(block_id)
    assert block is not None and block.autogpt_name == name
    assert inputs <= block.input_pins() and outputs <= block.output_pins()


async def test_the_date_in_the_older_format_pin_and_a_time_zone_ahead_of_utc():
    """An older export's 'format' text still works; the zone decides which day it is."""
    outputs = await run_block(GetCurrentDateBlock(), {"format": "%d.%m.%Y", "timezone": "Pacific/Kiritimati"})
    kiritimati_today = (datetime.now(UTC) + timedelta(hours=14)).strftime("%d.%m.%Y")
    assert outputs == [("date", kiritimati_today)]


async def test_the_format_object_wins_over_the_older_pins():
    outputs = await run_block(
        GetCurrentTimeBlock(),
        {"format": "%H", "timezone": "Asia/Tokyo", "format_type": {"discriminator": "strftime", "format": "%M"}},
    )
    assert len(outputs) == 1 and outputs[0][0] == "time" and len(outputs[0][1]) == 2


async def test_an_unknown_time_zone_is_a_readable_error():
    outputs = await run_block(GetCurrentTimeBlock(), {"format_type": {"discriminator": "iso8601", "timezone": "Utc+2"}})
    assert outputs[0][0] == "error" and outputs[0][1].startswith("Unknown time zone 'Utc+2'.")


async def test_a_countdown_beyond_the_limit_is_refused_before_waiting(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_delay_seconds", 60)
    with pytest.raises(BlockError, match=r"at most 60 seconds in all.*asked for 120"):
        await run_block(CountdownTimerBlock(), {"minutes": "1", "repeat": 2})


@pytest.mark.parametrize(
    ("field", "value", "message"), [("seconds", "soon", "not a number"), ("hours", -1, "0 or more")]
)
async def test_a_countdown_with_a_wrong_duration_says_which(field, value, message):
    with pytest.raises(BlockError, match=f"The {field} .*{message}|{message}"):
        await run_block(CountdownTimerBlock(), {field: value})


async def test_a_countdown_really_waits_each_time():
    began = asyncio.get_running_loop().time()
    outputs = await run_block(CountdownTimerBlock(), {"seconds": 0.05, "repeat": 3, "input_message": "tick"})
    assert outputs == [("output_message", "tick")] * 3
    assert asyncio.get_running_loop().time() - began >= 0.15


async def test_asking_for_the_persons_own_time_zone_is_answered_with_a_note():
    context = RunContext()
    spec = {"discriminator": "strftime", "format": "%Y", "timezone": "Asia/Tokyo", "use_user_timezone": True}
    outputs = await run_block(GetCurrentDateBlock(), {"format_type": spec}, context)
    assert outputs[0][0] == "date"
    assert context.notes == ["Your own time zone is not known to this step; the time is given in Asia/Tokyo."]
