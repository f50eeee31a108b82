"""Running agents in the browser: the generated run form and its messages, a run page that updates live,
stopping a long run, running again with the same inputs, run history, and ids that are not yours."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import USER_PASSWORD, signup, unique_email

SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
NUMBER = "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98"
CHANGE_CASE = "b223af6b-8fcc-4476-98cd-f1f45b5e81c4"
FILL = "db7d8f02-2f44-4c55-ab7a-eae0941f0c30"
DELAY = "4b1ce3f6-94c5-4116-a3a5-0be4a586927d"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
LLM = "1f292d4a-41a4-4977-9684-7c8d560b9f91"
RUN_URL = re.compile(r".*/runs/[0-9a-f-]{36}$")


def _node(node_id: str, block_id: str, **defaults: Any) -> dict[str, Any]:
    return {"id": node_id, "block_id": block_id, "input_default": defaults, "metadata": {"position": {"x": 0, "y": 0}}}


def _link(source: str, source_pin: str, sink: str, sink_pin: str) -> dict[str, Any]:
    return {"source_id": source, "sink_id": sink, "source_name": source_pin, "sink_name": sink_pin, "is_static": False}


def shouter() -> dict[str, Any]:
    """topic → capitals; times → template 'Shouted: TOPIC xN' → wait 3 s (so the page is seen running) → output."""
    return {
        "name": "Shouter",
        "description": "Shouts a topic a number of times.",
        "nodes": [
            _node("topic", SHORT_TEXT, name="topic", title="Topic", description="What to shout about"),
            _node("times", NUMBER, name="times", title="Times", value=2),
            _node("case", CHANGE_CASE, case="upper"),
            _node("tpl", FILL, format="Shouted: {{ t }} x{{ n }}"),
            _node("wait", DELAY, seconds=3),
            _node("out", OUTPUT, name="shout", title="Shout"),
        ],
        "links": [
            _link("topic", "result", "case", "text"),
            _link("case", "output", "tpl", "values_#_t"),
            _link("times", "result", "tpl", "values_#_n"),
            _link("tpl", "output", "wait", "data"),
            _link("wait", "data", "out", "value"),
        ],
    }


def sleeper(seconds: float = 30) -> dict[str, Any]:
    """A delay of ``seconds``, then an output."""
    return {
        "name": "Sleeper",
        "description": "Waits, then says it is done.",
        "nodes": [_node("wait", DELAY, seconds=seconds, data="done"), _node("out", OUTPUT, name="result")],
        "links": [_link("wait", "data", "out", "value")],
    }


def writer() -> dict[str, Any]:
    """An LLM agent: needs an OpenAI-compatible API key."""
    return {
        "name": "Writer",
        "nodes": [_node("llm", LLM, prompt="Write a haiku"), _node("out", OUTPUT, name="poem")],
        "links": [_link("llm", "response", "out", "value")],
    }


def api_token(page: Page, email: str) -> str:
    response = page.request.post("/api/v1/auth/token", data={"email": email, "password": USER_PASSWORD})
    assert response.ok, response.text()
    return response.json()["access_token"]


def upload(page: Page, token: str, doc: dict[str, Any]) -> str:
    """Upload an agent through the REST API; return its library id."""
    response = page.request.post(
        "/api/v1/library/agents/upload",
        headers={"Authorization": f"Bearer {token}"},
        multipart={"file": {"name": "agent.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}},
    )
    assert response.status == 201, response.text()
    return response.json()["id"]


def open_agent(page: Page, agent_id: str, name: str) -> None:
    page.goto(f"/library/agent/{agent_id}")
    expect(page.get_by_test_id("agent-name")).to_have_text(name)


def field(page: Page, name: str):
    return page.locator(f"[data-testid=run-field][data-name='{name}']")


def test_run_form_live_run_stop_and_run_again(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    email = unique_email("runner")
    signup(page, email, "Run Ner")
    token = api_token(page, email)
    shout_id = upload(page, token, shouter())
    sleep_id = upload(page, token, sleeper(30))
    write_id = upload(page, token, writer())

    # The form is generated from the input schema: required mark, help text, default.
    open_agent(page, shout_id, "Shouter")
    expect(page.get_by_test_id("agent-version")).to_have_text("v1")
    expect(page.get_by_test_id("no-history")).to_be_visible()
    expect(field(page, "topic").get_by_test_id("required-mark")).to_be_visible()
    expect(field(page, "times").get_by_test_id("required-mark")).to_have_count(0)
    expect(field(page, "topic")).to_contain_text("What to shout about")
    expect(page.locator("input[name=in__times]")).to_have_value("2")

    # Bad input: the service's messages, next to the form; nothing is written.
    page.get_by_test_id("run-button").click()
    expect(page.get_by_test_id("run-error")).to_contain_text("Please provide: topic.")
    expect(field(page, "topic").get_by_test_id("field-error")).to_have_text("Required.")
    page.locator("input[name=in__topic]").fill("otters")
    page.locator("input[name=in__times]").fill("lots")
    page.get_by_test_id("run-button").click()
    expect(page.get_by_test_id("run-error")).to_contain_text("Input 'times' must be a number.")
    expect(field(page, "times").get_by_test_id("field-error")).to_have_text("Must be a number.")
    expect(field(page, "topic").get_by_test_id("field-error")).to_have_count(0)

    # A good run goes to its page, which updates without a reload until the output shows.
    page.locator("input[name=in__times]").fill("3")
    page.get_by_test_id("run-button").click()
    expect(page).to_have_url(RUN_URL)
    page.evaluate("window.__sameDocument = true")
    expect(page.get_by_test_id("run-status")).to_have_text(re.compile("Queued|Running"))
    expect(page.get_by_test_id("live-indicator")).to_be_visible()
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=20_000)
    expect(page.get_by_test_id("run-outputs")).to_contain_text("Shout")
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: OTTERS x3")
    expect(page.get_by_test_id("node-row")).to_have_count(6)
    expect(page.get_by_test_id("live-indicator")).to_have_count(0)
    expect(page.get_by_test_id("stop-run")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True, "the run page reloaded"
    first_run = page.url

    # Run again with these inputs: a new run of the same agent with the same result.
    page.get_by_test_id("run-again").click()
    expect(page).not_to_have_url(first_run)
    expect(page).to_have_url(RUN_URL)
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=20_000)
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: OTTERS x3")

    # The agent's history lists both runs (the refused attempts wrote nothing), each linking to its page.
    open_agent(page, shout_id, "Shouter")
    expect(page.get_by_test_id("history-row")).to_have_count(2)
    expect(page.get_by_test_id("history-pager")).to_contain_text("2 runs")
    page.get_by_test_id("history-row").first.get_by_role("link", name="Open").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: OTTERS x3")

    # A long run is stopped from its page, and the page shows it ended.
    open_agent(page, sleep_id, "Sleeper")
    page.get_by_test_id("run-button").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.get_by_test_id("run-status")).to_have_text("Running")
    expect(page.get_by_test_id("node-row").first).to_have_attribute("data-status", "RUNNING")
    page.get_by_test_id("stop-run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Stopped", timeout=5_000)
    expect(page.get_by_test_id("run-error")).to_contain_text("Stopped")
    expect(page.get_by_test_id("stop-run")).to_have_count(0)
    stopped_run = page.url

    # Running it again starts a new live run, which can be stopped too.
    page.get_by_test_id("run-again").click()
    expect(page).not_to_have_url(stopped_run)
    expect(page.get_by_test_id("run-status")).to_have_text("Running")
    page.get_by_test_id("stop-run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Stopped", timeout=5_000)

    # All runs, across agents, newest first.
    page.get_by_test_id("nav-runs").click()
    expect(page.get_by_test_id("run-row")).to_have_count(4)
    expect(page.get_by_test_id("run-row").first).to_contain_text("Sleeper")
    expect(page.get_by_test_id("run-row").first).to_contain_text("Stopped")
    expect(page.get_by_test_id("run-row").last).to_contain_text("Shouter")
    expect(page.get_by_test_id("runs-pager")).to_contain_text("4 runs")

    # An agent that needs a credential the user lacks: a link to add one, and a clear refusal.
    open_agent(page, write_id, "Writer")
    picker = page.get_by_test_id("credential-picker")
    expect(picker).to_contain_text("openai API key")
    expect(picker.get_by_test_id("add-credential-link")).to_have_attribute("href", "/credentials")
    page.get_by_test_id("run-button").click()
    expect(page.get_by_test_id("run-error")).to_contain_text("Add these credentials first")

    # Unknown ids, and another user's ids, are simply not found.
    page.goto("/runs/00000000-0000-0000-0000-000000000000")
    expect(page.get_by_test_id("run-not-found")).to_contain_text("Run not found")
    page.goto("/library/agent/nope")
    expect(page.get_by_test_id("agent-not-found")).to_contain_text("Agent not found")
    other = new_context().new_page()
    signup(other, unique_email("runner-other"), "Other Person")
    other.goto(stopped_run)
    expect(other.get_by_test_id("run-not-found")).to_be_visible()
    other.goto(f"/library/agent/{shout_id}")
    expect(other.get_by_test_id("agent-not-found")).to_be_visible()
    other.goto("/runs")
    expect(other.get_by_test_id("no-runs")).to_be_visible()
