"""The Chat page's credentials card in the browser: an agent needs an API key, the person adds it inline
(a bad one is refused on the card), and the run starts — the secret never shows up in the page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import send
from tests.fakes.openai_server import FakeOpenAIServer, Reply

SECRET = "sk-e2e-inline-Vq7Lm2Xc9Rt4Wb8Np3Zs"


def test_add_the_missing_credential_inline_then_the_run_starts(page: Page) -> None:
    signup(page, unique_email("chatkey"), "Key Person")

    # A seed agent that needs an OpenAI-compatible key: the copilot asks for its input first.
    send(page, "run the AI Translator")
    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs).to_contain_text("AI Translator")
    inputs.locator("input[name=text]").fill("Good morning")
    inputs.get_by_role("button", name="Send inputs").click()

    card = page.get_by_test_id("credentials-needed").last
    expect(card).to_contain_text("AI Translator needs a credential")
    expect(card.get_by_role("link", name=re.compile("Credentials page"))).to_have_attribute("href", "/credentials")
    form = card.get_by_test_id("credential-form")
    expect(form).to_have_count(1)
    expect(form).to_contain_text("Add your OpenAI API key")
    key = form.get_by_label("API key")
    expect(key).to_have_attribute("type", "password")
    expect(key).to_have_attribute("autocomplete", "off")
    expect(form.get_by_label("Name")).to_have_value("OpenAI API key for AI Translator")

    # A key of blanks is refused on the card: nothing saved, no run.
    key.fill("   ")
    form.get_by_role("button", name="Save and continue").click()
    expect(form.get_by_test_id("credential-form-error")).to_have_text("Enter the API key.")
    expect(page.get_by_test_id("execution-card")).to_have_count(0)

    key.fill(SECRET)
    form.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The secret is stored encrypted and will not be shown again.")).to_be_visible()
    # The chat goes on without the secret, and the copilot runs the agent with the input given before.
    expect(page.get_by_test_id("chat-user").last).to_have_text(
        "I added the openai credential “OpenAI API key for AI Translator”, run it again"
    )
    execution = page.get_by_test_id("execution-card").last
    expect(execution).to_contain_text("AI Translator")
    expect(execution.locator("a[href^='/runs/']")).to_be_visible()
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    # The card is done: it names the saved credential (never its secret) and offers no form any more.
    expect(card.get_by_test_id("credential-saved")).to_contain_text("Saved “OpenAI API key for AI Translator”")
    expect(card.get_by_test_id("credential-form")).to_have_count(0)
    expect(card.locator("input")).to_have_count(0)
    assert SECRET not in page.content()

    # After a reload the conversation is the same, still without the secret; the vault shows only a hint.
    page.reload()
    expect(page.get_by_test_id("execution-card").last).to_contain_text("AI Translator")
    card = page.get_by_test_id("credentials-needed").last
    expect(card.get_by_test_id("credential-saved")).to_contain_text("Saved “OpenAI API key for AI Translator”")
    expect(card.get_by_test_id("credential-form")).to_have_count(0)
    assert SECRET not in page.content()
    page.goto("/credentials")
    row = page.get_by_test_id("credential-row").filter(has_text="OpenAI API key for AI Translator")
    expect(row.get_by_test_id("credential-hint")).to_have_text(f"sk-…{SECRET[-4:]}")
    assert SECRET not in page.content()


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAIServer]:
    """A local OpenAI-compatible server the person's agent talks to (their own "server address")."""
    with FakeOpenAIServer(api_key=SECRET, responder=lambda request: Reply(content="Bonjour tout le monde")) as server:
        yield server


def test_whole_journey_find_run_inputs_credential_live_card_outputs(page: Page, model: FakeOpenAIServer) -> None:
    signup(page, unique_email("journey"), "Whole Journey")

    send(page, "find me something that translates text")
    carousel = page.get_by_test_id("agent-carousel").last
    translator = carousel.get_by_test_id("agent-card").filter(has_text="AI Translator")
    expect(translator).to_be_visible()
    translator.get_by_role("button", name="Run AI Translator").click()

    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs).to_contain_text("AI Translator")
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    inputs.locator("input[name=text]").fill("Hello everyone")
    inputs.get_by_role("button", name="Send inputs").click()

    form = page.get_by_test_id("credentials-needed").last.get_by_test_id("credential-form")
    form.get_by_label("API key").fill(SECRET)
    form.get_by_label("Server address (optional)").fill(f"http://127.0.0.1:{model.port}/v1")
    form.get_by_role("button", name="Save and continue").click()

    card = page.get_by_test_id("execution-card").last
    expect(card).to_contain_text("AI Translator")
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED", timeout=30_000)
    expect(card.get_by_test_id("execution-output")).to_contain_text("Bonjour tout le monde")
    # The agent really asked the person's server, with their key, for the text they gave.
    asked = [r for r in model.requests if b"Hello everyone" in r.body]
    assert asked, "the agent never reached the model"
    assert SECRET not in page.content()
