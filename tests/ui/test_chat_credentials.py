"""The credentials card's inline form without a browser: the card's rows, the form's service arguments, and
the save handler against the real credentials service and test database (the browser flow is in
tests/e2e/test_chat_credentials.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from autogpt_app.chat import agent_runs
from autogpt_app.chat.events import CredentialChoice, CredentialNeed, CredentialsNeeded
from autogpt_app.chat.models import MessagePublic
from autogpt_app.chat.providers.offline import plan
from autogpt_app.credentials import service
from autogpt_app.db import session_scope
from autogpt_app.ui.chat_rows import card_row, rows_from_messages
from autogpt_app.ui.states.chat_credentials import ChatCredentialsState, create_args, follow_up_text
from tests.chat.test_offline_copilot import TOOL_NAMES, after_credentials_needed
from tests.store.test_service import make_user
from tests.ui.test_marketplace_state import args, call, state_for

SECRET = "sk-inline-Zq8vW3xY7pL2mN4bR6tK"

NEEDED = CredentialsNeeded(
    agent_id="lib-blog",
    agent_name="Blog Post Writer",
    credentials=[
        CredentialNeed(key="credentials", provider="openai", type="api_key", types=["api_key"]),
        CredentialNeed(
            key="mail",
            provider="smtp",
            type="user_password",
            choices=[
                CredentialChoice(id="c1", title="Work mail", hint=""),
                CredentialChoice(id="c2", title="Home mail", hint="…abcd"),
            ],
        ),
    ],
)


# --- the card's rows -----------------------------------------------------------------------------


def test_the_card_lists_each_need_with_what_its_form_asks_for():
    row = card_row(NEEDED)
    assert row is not None and row.kind == "credentials_needed"
    assert row.lines == ["OpenAI (api key)", "SMTP (user password)"]
    openai, smtp = row.credentials
    assert (openai.key, openai.provider, openai.type) == ("credentials", "openai", "api_key")
    assert openai.label == "OpenAI API key"
    assert openai.default_title == "OpenAI API key for Blog Post Writer"
    assert openai.choices == []
    assert smtp.label == "SMTP username and password"
    assert smtp.choices == ["Work mail", "Home mail"]


def test_a_reloaded_chat_shows_the_same_card():
    stored = MessagePublic.model_validate(
        {
            "id": "m1",
            "seq": 1,
            "role": "event",
            "content": "",
            "tool_calls": [],
            "tool_call_id": None,
            "name": None,
            "event_type": "credentials_needed",
            "payload": NEEDED.model_dump(mode="json"),
            "stopped": False,
            "created_at": "2025-01-06T07:00:00+00:00",
        }
    )
    (row,) = rows_from_messages([stored])
    assert row == card_row(NEEDED)


# --- the form's arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            {"provider": "openai", "type": "api_key", "title": "Key", "api_key": "sk-1", "base_url": ""},
            {"provider": "openai", "type": "api_key", "title": "Key", "api_key": "sk-1", "meta": {"base_url": ""}},
        ),
        (
            {"provider": "smtp", "type": "user_password", "title": "Mail", "username": "me", "password": "pw"},
            {"provider": "smtp", "type": "user_password", "title": "Mail", "username": "me", "password": "pw"},
        ),
        (
            {"provider": "http", "type": "host_scoped", "title": "H", "host": "api.example.com",
             "header_name": " X-Key ", "header_value": "v"},
            {"provider": "http", "type": "host_scoped", "title": "H", "host": "api.example.com",
             "headers": {"X-Key": "v"}},
        ),
        (
            {"provider": "google", "type": "oauth2", "title": "G", "client_id": "c", "client_secret": "s",
             "refresh_token": "r"},
            {"provider": "google", "type": "oauth2", "title": "G", "client_id": "c", "client_secret": "s",
             "refresh_token": "r"},
        ),
    ],
)  # fmt: skip
def test_the_form_becomes_the_services_arguments(form: dict[str, Any], expected: dict[str, Any]):
    assert create_args(form) == expected


def test_a_half_filled_header_is_explained():
    form = {"provider": "http", "type": "host_scoped", "title": "H", "host": "api.example.com", "header_name": "X"}
    assert create_args(form) == "Enter the header's name and its value."


def test_the_follow_up_names_the_provider_only():
    assert follow_up_text("openai") == "I added the openai credential, run it again"


# --- the save handler ----------------------------------------------------------------------------


def _form(**fields: str) -> dict[str, str]:
    return {
        "need_key": "credentials",
        "provider": "openai",
        "type": "api_key",
        "title": "openai API key for Blog Post Writer",
        "api_key": SECRET,
        "base_url": "",
        **fields,
    }


async def _saved(user) -> list:
    async with session_scope() as session:
        return await service.list_credentials(session, user)


async def test_saving_stores_the_credential_encrypted_and_asks_to_run_again():
    ada = await make_user()
    state = state_for(ChatCredentialsState, ada, "/")
    events = await call(state, "save_credential", _form())

    (saved,) = await _saved(ada)
    assert (saved.provider, saved.type.value, saved.title) == (
        "openai",
        "api_key",
        "openai API key for Blog Post Writer",
    )
    assert saved.hint == f"sk-…{SECRET[-4:]}"
    async with session_scope() as session:
        assert (await service.get_secret(session, ada.id, saved.id)).api_key.get_secret_value() == SECRET
        # The agent's run now finds it on its own.
        schema = {"properties": {"credentials": {"provider": "openai", "types": ["api_key"], "required": True}}}
        picked, open_needs = await agent_runs.plan_credentials(session, ada, schema, {})
    assert picked == {"credentials": saved.id} and open_needs == []

    toast, follow_up = events
    assert follow_up.handler.fn.__name__ == "send_text"
    assert (
        args(follow_up)["text"] == "I added the openai credential “openai API key for Blog Post Writer”, run it again"
    )
    assert state.credential_error == ""
    # The secret is nowhere in the page's state or in what the handler sent back.
    assert SECRET not in json.dumps(state.dict(), default=str)
    assert SECRET not in str(toast) and SECRET not in str(follow_up)


async def test_a_username_and_password_are_saved_without_a_hint():
    ada = await make_user()
    state = state_for(ChatCredentialsState, ada, "/")
    form = {"need_key": "mail", "provider": "smtp", "type": "user_password", "title": "Mail", "username": "ada"}
    events = await call(state, "save_credential", {**form, "password": "Correct-Horse-9"})
    (saved,) = await _saved(ada)
    assert (saved.provider, saved.type.value, saved.hint) == ("smtp", "user_password", "")
    assert args(events[1])["text"] == "I added the smtp credential “Mail”, run it again"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"api_key": "  "}, "Enter the API key."),
        ({"provider": "Open AI!"}, "Provider must be 1 to 64 characters"),
        ({"title": ""}, "Give the credential a title"),
        ({"type": "magic"}, "Type must be one of"),
        ({"base_url": "ftp://example.com"}, "Base URL must be an http(s) address"),
        ({"type": "host_scoped", "host": "api.example.com", "header_name": "X-Key"}, "Enter the header's name"),
    ],
)
async def test_bad_input_is_explained_on_the_card_and_nothing_is_saved(fields: dict[str, str], message: str):
    ada = await make_user()
    state = state_for(ChatCredentialsState, ada, "/")
    event = await call(state, "save_credential", _form(**fields))
    assert message in state.credential_error
    assert state.credential_error_key == "credentials"
    assert SECRET not in state.credential_error
    assert "error" in str(event)  # a toast, not a follow-up message
    assert await _saved(ada) == []


async def test_nothing_is_saved_while_a_reply_is_streaming():
    ada = await make_user()
    state = state_for(ChatCredentialsState, ada, "/")
    state.streaming = True
    assert await call(state, "save_credential", _form()) is None
    assert "Wait for the reply" in state.credential_error
    assert await _saved(ada) == []


async def test_a_visitor_whose_session_ended_is_sent_to_log_in_and_nothing_is_saved():
    ada = await make_user()
    state = state_for(ChatCredentialsState, ada, "/")
    state.token = "not-a-token"
    event = await call(state, "save_credential", _form())
    assert "/login" in str(event)
    assert await _saved(ada) == []


# --- the copilot reads the follow-up -------------------------------------------------------------


def test_the_offline_copilot_runs_the_agent_again_with_the_same_inputs():
    history = after_credentials_needed(follow_up_text("openai"))
    step = plan(history, frozenset(TOOL_NAMES))
    assert (step.tool, step.arguments) == (
        "run_agent",
        {"agent_id": "lib-sum", "inputs": {"url": "https://example.com/post"}},
    )
