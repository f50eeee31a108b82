"""Library search by meaning: a user's agents are found by what they do, not only by shared words;
filters and owners still hold, renames are re-embedded, and without the model the words alone answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from autogpt_app.chat.tools import run_tool
from autogpt_app.db import session_scope
from autogpt_app.library import service
from autogpt_app.library.models import LibraryAgent
from autogpt_app.library.vectors import refresh_library_vectors
from autogpt_app.store import semantic
from tests.library.test_service import add, make_user

AGENTS = {
    "Loan Calculator": "Monthly payment, total paid and total interest of a loan or mortgage.",
    "Weather Reporter": "Today's forecast for a city: temperature, rain and wind.",
    "Blog Post Writer": "Drafts a structured blog article from a topic.",
    "Invoice Chaser": "Sends a polite reminder to customers whose invoices are overdue.",
}


@pytest.fixture
async def library():
    ada = await make_user()
    ids = {}
    for name, description in AGENTS.items():
        ids[name] = (await add(ada, name, description)).id
    return ada, ids


async def names(user, **kwargs) -> list[str]:
    async with session_scope() as s:
        return [item.name for item in (await service.list_library(s, user, **kwargs)).items]


async def test_adding_an_agent_stores_its_vector(library) -> None:
    async with session_scope() as s:
        rows = (await s.execute(select(LibraryAgent.embedding, LibraryAgent.embedding_key))).all()
    assert len(rows) == len(AGENTS) and all(len(v) == semantic.DIM * 4 and k for v, k in rows)


async def test_search_finds_agents_by_meaning(library) -> None:
    ada, _ = library
    assert "Loan Calculator" in await names(ada, query="what will my mortgage repayments be each month")
    assert "Weather Reporter" in await names(ada, query="will it rain tomorrow")
    assert "Weather Reporter" in await names(ada, query="va-t-il pleuvoir demain")
    assert "Invoice Chaser" in await names(ada, query="remind clients who haven't paid")
    assert await names(ada, query="loan") == ["Loan Calculator"]  # words first: meaning adds nothing then
    assert await names(ada, query="zzzqqqxxx") == []


async def test_the_copilot_finds_a_library_agent_by_meaning(library) -> None:
    ada, _ = library
    result = await run_tool("find_library_agent", {"query": "Wettervorhersage für morgen"}, user=ada)
    assert result["type"] == "agent_carousel"
    assert "Weather Reporter" in [agent["name"] for agent in result["agents"][:3]]


async def test_filters_and_owners_hold(library) -> None:
    ada, ids = library
    bob = await make_user("bob@example.com")
    assert await names(bob, query="will it rain tomorrow") == []  # Ada's agents are not Bob's
    async with session_scope() as s:
        await service.update(s, ada, ids["Weather Reporter"], is_archived=True)
    assert "Weather Reporter" not in await names(ada, query="will it rain tomorrow")
    assert "Weather Reporter" in await names(ada, query="will it rain tomorrow", archived=True)
    assert await names(ada, query="will it rain tomorrow", favorites=True) == []


async def test_a_rename_is_embedded_again(library) -> None:
    ada, ids = library
    async with session_scope() as s:
        before = (await s.get(LibraryAgent, ids["Blog Post Writer"])).embedding_key
        await service.update(s, ada, ids["Blog Post Writer"], name="Gardening Newsletter")
    async with session_scope() as s:
        after = (await s.get(LibraryAgent, ids["Blog Post Writer"])).embedding_key
    assert after and after != before


async def test_a_stale_vector_is_computed_for_the_search_and_by_the_backfill(library) -> None:
    ada, _ = library
    async with session_scope() as s:  # as a row written before vectors existed
        await s.execute(update(LibraryAgent).values(embedding=None, embedding_key=None))
    assert "Loan Calculator" in await names(ada, query="what will my mortgage repayments be each month")
    async with session_scope() as s:
        assert await refresh_library_vectors(s) == len(AGENTS)


async def test_without_the_model_the_words_answer(library, fulltext_only) -> None:
    ada, _ = library
    assert await names(ada, query="what will my mortgage repayments be each month") == []
    assert await names(ada, query="loan") == ["Loan Calculator"]
    result = await run_tool("find_library_agent", {"query": "will it rain tomorrow"}, user=ada)
    assert result["type"] == "no_results"
