"""One rule for what a run still needs: the same missing inputs and the same credential for every entry point."""

from __future__ import annotations

import pytest

from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions.preparation import missing_inputs, prepare_run
from autogpt_app.executions.service import resolve_credentials
from autogpt_app.ui.components.run_form import credential_needs
from tests.chat.conftest import make_user

INPUTS = {
    "properties": {"topic": {"type": "string"}, "words": {"type": "number"}, "tone": {"type": "string"}},
    "required": ["topic", "words"],
}
NEEDS = {
    "properties": {
        "openai_api_key": {"provider": "openai", "types": ["api_key"], "required": True},
        "github_api_key": {"provider": "github", "types": ["api_key"], "required": False},
    }
}


@pytest.fixture
async def alice():
    return await make_user("alice@example.com", "Alice")


async def add_key(user, title: str, provider: str = "openai") -> str:
    async with session_scope() as s:
        made = await credentials.create_credential(
            s, user, provider=provider, type="api_key", title=title, api_key="sk-test-0123456789abcdef"
        )
    return made.id


def test_missing_inputs_are_the_required_ones_left_empty() -> None:
    assert missing_inputs(INPUTS, {}) == ["topic", "words"]
    assert missing_inputs(INPUTS, {"topic": "", "words": 0}) == ["topic"]  # 0 is a value; "" is not
    assert missing_inputs(INPUTS, {"topic": "AI", "words": 300}) == []


async def test_a_required_need_without_a_credential_keeps_the_run_from_starting(alice) -> None:
    async with session_scope() as s:
        prepared = await prepare_run(s, alice, INPUTS, NEEDS, {"topic": "AI", "words": 3})
    assert not prepared.ready and [n.key for n in prepared.open_needs if n.required] == ["openai_api_key"]
    optional = next(n for n in prepared.open_needs if n.key == "github_api_key")
    assert not optional.required  # an optional need with none is left empty


async def test_every_entry_point_picks_the_same_credential(alice) -> None:
    """One fitting credential: everyone uses it. Several: a form and the API use the newest (the form
    shows it preselected); the copilot, acting on words, asks with the choices."""
    only = await add_key(alice, "Only key")
    async with session_scope() as s:
        assert (await prepare_run(s, alice, INPUTS, NEEDS, {}, ask_when_several=True)).credentials == {
            "openai_api_key": only
        }
    newest = await add_key(alice, "Newer key")
    async with session_scope() as s:
        api = await resolve_credentials(s, alice, NEEDS, None)
        form = credential_needs(NEEDS, await credentials.list_credentials(s, alice))
        default = await prepare_run(s, alice, INPUTS, NEEDS, {"topic": "AI", "words": 3})
        copilot = await prepare_run(s, alice, INPUTS, NEEDS, {}, ask_when_several=True)
    assert api["openai_api_key"] == newest == default.credentials["openai_api_key"]
    assert next(n for n in form if n.key == "openai_api_key").selected == newest
    assert default.ready
    [open_need] = [n for n in copilot.open_needs if n.required]
    assert {c["id"] for c in open_need.choices} == {only, newest} and not copilot.ready
    async with session_scope() as s:  # a choice the person made wins everywhere
        chosen = await prepare_run(s, alice, INPUTS, NEEDS, {}, {"openai_api_key": only}, ask_when_several=True)
    assert chosen.credentials["openai_api_key"] == only
