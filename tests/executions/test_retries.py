"""The node retry policy on the real database: a node with ``retry: N`` is tried again when it fails."""

from __future__ import annotations

import asyncio
import time

import pytest

from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import BlockError
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.retries import MAX_NODE_RETRIES, backoff_delay, retry_count
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.settings import get_settings
from tests.executions.test_runner import finished, make_user, start
from tests.graphs.helpers import CALC, DELAY, OUTPUT, link, node

#: AutoGPT's structured-response LLM block, whose own ``retry`` input means "ask the model again".
STRUCTURED_LLM = "ed55ac19-356e-4243-a6cb-bc599e9b716f"


def retrying_graph(retry) -> dict:
    """A Delay node carrying ``retry`` whose data goes to the output 'result'."""
    return {
        "name": "Flaky",
        "nodes": [node("wait", DELAY, seconds=0, data="fresh", retry=retry), node("out", OUTPUT, name="result")],
        "links": [link("wait", "data", "out", "value")],
    }


@pytest.fixture
def calls(monkeypatch):
    """Make the Delay block fail (after yielding a partial value) until ``calls.succeed_on``; count its runs."""
    state = {"count": 0, "succeed_on": 3}

    async def flaky_run(self, input, context):
        state["count"] += 1
        context.note("Used the backup mirror.")
        if state["count"] < state["succeed_on"]:
            yield "data", f"partial {state['count']}"
            raise BlockError(f"The service answered 503 (try {state['count']}).")
        yield "data", input.data

    monkeypatch.setattr(type(find_block(DELAY)), "run", flaky_run)
    return state


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 0.05)


async def wait_node(user, execution_id):
    return next(n for n in (await finished(user, execution_id)).nodes if n.node_id == "wait")


async def test_a_node_that_fails_twice_then_works_completes_with_only_its_last_outputs(calls, quick_backoff):
    user = await make_user()
    execution_id = await start(user, retrying_graph(2))
    began = time.perf_counter()
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert time.perf_counter() - began >= 0.05 + 0.1  # the backoff really waited, doubling
    result = await finished(user, execution_id)
    assert calls["count"] == 3
    assert result.outputs == {"result": ["fresh"]}  # the failed attempts' partial values went nowhere
    wait = await wait_node(user, execution_id)
    assert wait.status == "COMPLETED" and wait.outputs == [["data", "fresh"]]
    assert wait.notes == [
        "Used the backup mirror.",
        "Attempt 1 of 3 failed: The service answered 503 (try 1); tried again after 0.05 s.",
        "Attempt 2 of 3 failed: The service answered 503 (try 2); tried again after 0.1 s.",
    ]


async def test_while_a_node_waits_to_be_tried_again_its_run_record_already_says_why(calls, monkeypatch):
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 0.5)
    user = await make_user()
    execution_id = await start(user, retrying_graph(2))
    task = asyncio.create_task(GraphRunner(execution_id).run())
    seen = None
    for _ in range(60):  # the second pause lasts from about 0.5 s to 1.5 s
        await asyncio.sleep(0.05)
        nodes = (await finished(user, execution_id)).nodes
        if nodes and nodes[0].status == "RUNNING" and len(nodes[0].notes) == 3:
            seen = nodes[0].notes
            break
    assert await asyncio.wait_for(task, 5) == "COMPLETED"
    assert seen is not None and seen[-1].startswith("Attempt 2 of 3 failed: The service answered 503 (try 2)")


async def test_a_node_failing_every_attempt_fails_the_run_with_its_last_reason(calls, quick_backoff):
    calls["succeed_on"] = 99
    user = await make_user()
    execution_id = await start(user, retrying_graph(1))
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert calls["count"] == 2
    result = await finished(user, execution_id)
    assert "The service answered 503 (try 2)." in result.error
    wait = await wait_node(user, execution_id)
    assert wait.status == "FAILED" and wait.outputs == [["data", "partial 2"], ["error", wait.error]]
    assert wait.notes[-1] == "Attempt 1 of 2 failed: The service answered 503 (try 1); tried again after 0.05 s."


async def test_a_node_that_times_out_is_tried_again(quick_backoff, monkeypatch):
    monkeypatch.setattr(type(find_block(DELAY)), "timeout_seconds", 0.1)
    user = await make_user()
    doc = retrying_graph(1)
    doc["nodes"][0]["input_default"]["seconds"] = 5
    execution_id = await start(user, doc)
    assert await GraphRunner(execution_id).run() == "FAILED"
    wait = await wait_node(user, execution_id)
    assert wait.error == "The block took too long and was stopped."
    assert wait.notes == ["Attempt 1 of 2 failed: The block took too long and was stopped; tried again after 0.05 s."]


async def test_without_a_retry_count_a_failing_node_runs_once(calls):
    user = await make_user()
    execution_id = await start(user, retrying_graph(0))
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert calls["count"] == 1
    assert (await wait_node(user, execution_id)).notes == ["Used the backup mirror."]


async def test_a_stop_during_the_pause_between_attempts_ends_the_run_at_once(calls, monkeypatch):
    calls["succeed_on"] = 99
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 30)
    user = await make_user()
    execution_id = await start(user, retrying_graph(3))
    task = asyncio.create_task(GraphRunner(execution_id).run())
    for _ in range(100):
        await asyncio.sleep(0.05)
        if calls["count"] == 1 and (await finished(user, execution_id)).nodes:
            break
    async with session_scope() as s:
        await service.stop_execution(s, user, execution_id)
    stopped_at = time.perf_counter()
    assert await asyncio.wait_for(task, 5) == "TERMINATED"
    assert time.perf_counter() - stopped_at < 2
    assert calls["count"] == 1  # no attempt started after the stop
    assert (await wait_node(user, execution_id)).status == "TERMINATED"


async def test_a_retry_count_above_the_limit_is_lowered_and_said_so(calls, monkeypatch):
    calls["succeed_on"] = 99
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 0)
    user = await make_user()
    execution_id = await start(user, retrying_graph(25))
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert calls["count"] == MAX_NODE_RETRIES + 1
    notes = (await wait_node(user, execution_id)).notes
    assert notes[0] == "The retry setting 25 is above the limit; retried at most 10 times."
    assert notes[-1].startswith("Attempt 10 of 11 failed:")


async def test_a_pin_the_block_marks_as_worth_retrying_is_retried_and_its_last_answer_passed_on(
    calls, quick_backoff, monkeypatch
):
    """Like an HTTP request's 'server_error': an answer, not a failure, yet worth another try."""
    calls["succeed_on"] = 1  # every attempt answers on 'data'
    monkeypatch.setattr(type(find_block(DELAY)), "retry_pins", frozenset({"data"}))
    user = await make_user()
    execution_id = await start(user, retrying_graph(2))
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert calls["count"] == 3
    assert (await finished(user, execution_id)).outputs == {"result": ["fresh"]}
    wait = await wait_node(user, execution_id)
    assert wait.status == "COMPLETED"
    assert wait.notes[1:] == [
        "Attempt 1 of 3 failed: it answered on 'data'; tried again after 0.05 s.",
        "Attempt 2 of 3 failed: it answered on 'data'; tried again after 0.1 s.",
    ]


async def test_inputs_that_do_not_fit_are_not_retried(monkeypatch):
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 30)
    user = await make_user()
    doc = {
        "name": "Bad sum",
        "nodes": [node("calc", CALC, operation="Add", a=1, b=2, retry=3), node("out", OUTPUT, name="sum")],
        "links": [link("calc", "result", "out", "value")],
    }
    doc["nodes"][0]["input_default"]["a"] = "one"
    execution_id = await start(user, doc)
    began = time.perf_counter()
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert time.perf_counter() - began < 10  # no 30 s pause: the same inputs would fail the same way
    calc = (await finished(user, execution_id)).nodes[0]
    assert calc.error.startswith("Invalid input") and calc.notes == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, (3, None)),
        ("2", (2, None)),
        (2.0, (2, None)),
        (None, (0, None)),
        (0, (0, None)),
        (-1, (0, "The retry setting -1 is below 0, so this step was not retried.")),
        ("often", (0, "The retry setting 'often' is not a whole number, so this step was not retried.")),
        (True, (0, "The retry setting True is not a whole number, so this step was not retried.")),
        (1.5, (0, "The retry setting 1.5 is not a whole number, so this step was not retried.")),
    ],
)
def test_the_retry_setting_is_read_forgivingly(raw, expected):
    assert retry_count(find_block(CALC), {"retry": raw}) == expected


def test_a_block_with_its_own_retry_input_keeps_that_meaning():
    """The structured-response block asks its model again itself: the engine does not multiply that."""
    block = find_block(STRUCTURED_LLM)
    assert "retry" in block.input_pins()
    assert retry_count(block, {"retry": 3}) == (0, None)
    assert retry_count(find_block(CALC), {"operation": "Add"}) == (0, None)


def test_any_node_may_carry_a_retry_count_and_an_import_reports_only_other_fields_as_ignored():
    import json

    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec
    from autogpt_app.graphs.validation import find_problems

    doc = retrying_graph(3)
    doc["nodes"][0]["input_default"]["retries"] = 3
    assert find_problems(GraphSpec.model_validate(doc)) == []  # kept with the node, never refused
    ignored = graphs.preview_import(json.dumps(doc).encode())["ignored_fields"]
    assert [(f["node_id"], f["field"]) for f in ignored] == [(doc["nodes"][0]["id"], "retries")]


def test_the_backoff_doubles_and_stops_at_thirty_seconds():
    assert [backoff_delay(n, 1) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 16, 30]
