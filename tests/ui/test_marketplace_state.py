"""Marketplace page states without a browser: URL ↔ search, one page in state, agent page actions, reviews.

The handlers run against the real services and test database, as the pages call them; the
browser flows are in ``tests/e2e/test_marketplace.py``.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy import select

from autogpt_app.auth import service as auth
from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.schemas import credentials_input_schema, input_schema
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library.models import LibraryAgent
from autogpt_app.store import ratings
from autogpt_app.store import service as store
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.models import ListingSummary
from autogpt_app.timeutil import utcnow
from autogpt_app.ui.states import marketplace as m
from autogpt_app.ui.states import marketplace_creator as creator_page
from autogpt_app.ui.states import marketplace_listing as agent_page
from tests.graphs.helpers import writer_graph
from tests.store.test_service import make_user, publish, record_execution

# --- pure helpers -------------------------------------------------------------------------------


def test_search_params_round_trip_through_the_url():
    params = m.SearchParams(query="food & drink", category="food & drink", creator="ada", featured=True, sort="rating")
    params.page = 3
    url = params.url()
    assert url.startswith("/marketplace/search?q=food%20%26%20drink&category=food%20%26%20drink&creator=ada")
    assert url.endswith("&featured=true&sort=rating&page=3")
    from urllib.parse import parse_qsl, urlsplit

    assert m.SearchParams.from_query(dict(parse_qsl(urlsplit(url).query))) == params
    assert m.SearchParams().url() == "/marketplace/search"  # defaults are left out


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "  rss   digest ", "sort": "bogus", "page": "x"}, m.SearchParams(query="rss digest")),
        ({"page": "-4", "featured": "no", "category": "Finance"}, m.SearchParams(category="finance")),
        ({"page": "999999999"}, m.SearchParams(page=10_000 // m.SEARCH_PAGE_SIZE + 1)),
        ({"q": "x" * 500}, m.SearchParams(query="x" * 200)),
        ({"featured": "1", "sort": "updated"}, m.SearchParams(featured=True, sort="updated")),
    ],
)
def test_search_params_drop_what_makes_no_sense(query, expected):
    assert m.SearchParams.from_query(query) == expected


def test_input_rows_and_credentials_from_the_agent_schemas():
    spec = GraphSpec.model_validate(writer_graph())
    rows = {r.name: r for r in agent_page.input_rows(input_schema(spec))}
    assert list(rows) == ["topic", "words", "tone"]
    assert (rows["topic"].title, rows["topic"].type_label, rows["topic"].required) == ("Topic", "text", True)
    assert rows["topic"].description == "What to write about"
    assert (rows["words"].type_label, rows["words"].required, rows["words"].default) == ("number", False, "120")
    assert rows["tone"].type_label == "one of: friendly, formal"
    [need] = agent_page.credential_needs(credentials_input_schema(spec))
    assert (need.provider, need.kinds, need.required, need.used_by) == ("openai", "API key", True, "AI text generator")
    assert agent_page.input_rows({}) == [] and agent_page.credential_needs({}) == []


def test_card_labels_and_links():
    item = ListingSummary(
        id="1",
        slug="rss-digest",
        name="RSS Digest",
        subheading="Feeds",
        categories=["news"],
        image_url="",
        featured=False,
        creator_username="ada",
        creator_name="Ada",
        run_count=1234,
        rating_average=None,
        rating_count=0,
        updated_at=utcnow(),
    )
    c = m.card(item)
    assert (c.href, c.runs_label, c.rating_label, c.rating) == (
        "/marketplace/agent/rss-digest",
        "1,234 runs",
        "Unrated",
        0.0,
    )
    c = m.card(item.model_copy(update={"rating_average": 4.25, "rating_count": 4, "run_count": 1}))
    assert (c.rating_label, c.rating, c.runs_label) == ("4.2", 4.25, "1 run")
    assert m.path_arg("/marketplace/agent/caf%C3%A9/", "/marketplace/agent/") == "café"
    assert m.path_arg("/elsewhere", "/marketplace/agent/") == ""
    assert m.range_label(12, 12, 40) == "13–24 of 40" and m.range_label(0, 0, 0) == "0 of 0"


# --- states against the services --------------------------------------------------------------


def state_for(cls: type[rx.State], user, path: str, query: dict[str, str] | None = None):
    """A page state as Reflex would hold it for ``user`` on ``path?query``."""
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    set_path(state, path, query)
    state.token = auth.issue_token(user)
    return state


def set_path(state: rx.State, path: str, query: dict[str, str] | None = None) -> None:
    from urllib.parse import urlencode

    as_path = path + (f"?{urlencode(query)}" if query else "")
    root = state.get_root_state() if hasattr(state, "get_root_state") else state.parent_state.parent_state
    root.router = RouterData.from_router_data(
        {"pathname": path, "asPath": as_path, "query": query or {}, "headers": {"origin": "http://test"}}
    )


def args(event) -> dict[str, Any]:
    """An event spec's arguments by name."""
    return {str(k): getattr(v, "_var_value", str(v)) for k, v in event.args}


def shown_url(event) -> str:
    """The URL a ``replace_url`` event puts in the address bar."""
    code = args(event)["javascript_code"]
    prefix = "window.history.replaceState(window.history.state, '', "
    assert code.startswith(prefix)
    return json.loads(code[len(prefix) : -1])


async def call(state, handler: str, *a):
    """Run an event handler on ``state`` as Reflex would and return what it returned."""
    result = getattr(type(state), handler).fn(state, *a)
    return await result if inspect.isawaitable(result) else result


async def test_search_state_follows_the_url_holds_one_page_and_writes_the_url_back():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    for n in range(14):
        await publish(ada, admin, f"Loan helper {n:02d}", categories=["finance"] if n % 2 else ["money"])
    await publish(ada, admin, "Weather reporter", categories=["weather"])
    bob = await make_user("bob@example.com", "Bob")

    state = state_for(m.MarketplaceSearchState, bob, "/marketplace/search", {"q": "loan", "sort": "name", "page": "2"})
    event = await call(state, "load")
    assert [r.name for r in state.results] == ["Loan helper 12", "Loan helper 13"]
    assert (state.total, state.range_text, state.has_prev, state.has_next) == (14, "13–14 of 14", True, False)
    assert shown_url(event) == "/marketplace/search?q=loan&sort=name&page=2"
    # The filter offers the store's one list of categories (the submit form's), then any others in use.
    names = [c.name for c in state.category_options]
    assert names[: len(CATEGORIES)] == list(CATEGORIES) and set(names[len(CATEGORIES) :]) == {"money", "weather"}
    assert next(c.count for c in state.category_options if c.name == "finance") == 7

    event = await call(state, "prev_page")
    assert len(state.results) == m.SEARCH_PAGE_SIZE and state.has_next and state.range_text == "1–12 of 14"
    assert shown_url(event) == "/marketplace/search?q=loan&sort=name"

    await call(state, "set_category", "finance")  # a filter starts again on page 1
    assert state.total == 7 and state.page_no == 1 and all(int(r.name[-2:]) % 2 for r in state.results)
    await call(state, "set_category", "all")
    assert state.total == 14

    await call(state, "set_query", "weathr")  # a typo still finds it
    assert [r.name for r in state.results] == ["Weather reporter"] and state.fuzzy

    await call(state, "set_query", "zzzz qqqq")
    assert state.results == [] and state.total == 0 and state.searched and state.range_text == "0 of 0"

    # A page past the end (an old link) shows the last page rather than nothing.
    state = state_for(m.MarketplaceSearchState, bob, "/marketplace/search", {"q": "loan", "page": "9"})
    await call(state, "load")
    assert state.page_no == 2 and len(state.results) == 2


async def test_listing_state_not_found_add_run_and_review():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    bob = await make_user("bob@example.com", "Bob")
    async with session_scope() as s:
        graph = await graphs.create_graph(s, ada, GraphSpec.model_validate(writer_graph()))
    async with session_scope() as s:
        sub = await store.submit(
            s, ada, graph_id=graph.id, name="Blog Writer", description="# Title\n\n<script>x()</script>"
        )
    async with session_scope() as s:
        await store.review(s, admin, sub.version_id, approve=True)

    state = state_for(agent_page.ListingState, bob, "/marketplace/agent/no-such-agent")
    assert await call(state, "load") is None
    assert state.not_found and state.listing_loaded and state.listing_error == ""

    set_path(state, "/marketplace/agent/blog-writer")
    await call(state, "load")
    assert (
        not state.not_found and state.listing_name == "Blog Writer" and state.creator_href == "/marketplace/creator/ada"
    )
    assert [r.name for r in state.inputs] == ["topic", "words", "tone"] and state.credentials[0].provider == "openai"
    assert [v.label for v in state.versions] == ["v1"] and state.versions[0].active
    assert state.review_refusal == "Run this agent before reviewing it." and state.library_agent_id == ""

    await call(state, "set_review_score", 4)
    await call(state, "save_review", {"comment": "Sneaky"})  # the service refuses too, not only the page
    assert state.review_error == "Run this agent before reviewing it." and state.reviews == []

    await call(state, "add_to_library")
    first = state.library_agent_id
    assert first
    event = await call(state, "run_agent")
    assert args(event)["path"] == f"/library/agent/{first}" and state.library_agent_id == first
    async with session_scope() as s:
        rows = (await s.execute(select(LibraryAgent).where(LibraryAgent.user_id == bob.id))).scalars().all()
    assert [r.id for r in rows] == [first]  # adding twice keeps one entry

    await record_execution(bob, rows[0].graph_id)
    await call(state, "load")
    assert state.review_refusal == "" and not state.has_review and state.library_agent_id == first
    await call(state, "set_review_score", 4)
    await call(state, "save_review", {"comment": "Good drafts"})
    assert state.review_error == "" and state.has_review and state.review_message.startswith("Thank you")
    assert [(r.reviewer, r.score, r.comment) for r in state.reviews] == [("Bob", 4, "Good drafts")]
    assert (state.rating_text, state.rating_count) == ("4.0", 1)

    await call(state, "set_review_score", 2)
    await call(state, "save_review", {"comment": "Worse lately"})
    assert state.review_message == "Your review was updated."
    assert [(r.score, r.comment) for r in state.reviews] == [(2, "Worse lately")] and state.rating_text == "2.0"
    assert (state.review_score, state.review_comment) == (2, "Worse lately")

    own = state_for(agent_page.ListingState, ada, "/marketplace/agent/blog-writer")
    await call(own, "load")
    assert own.review_refusal == "You cannot review your own agent."


async def test_reviewer_status_and_creator_paging_services(monkeypatch):
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    bob = await make_user("bob@example.com", "Bob")
    listings = [await publish(ada, admin, f"Tool {n}") for n in range(5)]
    async with session_scope() as s:
        status = await ratings.reviewer_status(s, bob, listings[0].listing_id)
        assert status == ratings.ReviewerStatus("Run this agent before reviewing it.", None)
        page = await store.get_creator(s, "ada", offset=3, limit=3)
        assert page.listing_count == 5 and len(page.listings) == 2

    state = state_for(creator_page.CreatorState, bob, "/marketplace/creator/ada", {"page": "1"})
    monkeypatch.setattr(creator_page, "CREATOR_PAGE_SIZE", 2)
    await call(state, "load")
    assert (state.display_name, state.listing_total, len(state.listings)) == ("Ada", 5, 2)
    await call(state, "next_page")
    await call(state, "next_page")
    assert state.creator_range == "5–5 of 5" and not state.creator_has_next
    missing = state_for(creator_page.CreatorState, bob, "/marketplace/creator/nobody")
    await call(missing, "load")
    assert missing.creator_missing and missing.creator_loaded


def visitor_state(cls: type[rx.State], path: str, query: dict[str, str] | None = None):
    """A page state as Reflex would hold it for a visitor with no session on ``path?query``."""
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    set_path(state, path, query)
    return state


async def test_visitors_browse_every_marketplace_page_and_actions_ask_them_to_log_in_and_come_back():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    await publish(ada, admin, "Loan helper", categories=["finance"])

    home = visitor_state(m.MarketplaceHomeState, "/marketplace")
    assert await call(home, "load") is None  # no detour through the login page
    assert [c.name for c in home.most_run] == ["Loan helper"] and home.home_error == ""
    assert home.most_run[0].image_url == "/categories/finance.svg"  # no image of its own: its category's

    search = visitor_state(m.MarketplaceSearchState, "/marketplace/search", {"q": "loan"})
    await call(search, "load")
    assert [r.name for r in search.results] == ["Loan helper"] and search.search_error == ""

    creator = visitor_state(creator_page.CreatorState, "/marketplace/creator/ada")
    assert await call(creator, "load") is None
    assert creator.display_name == "Ada" and creator.listing_total == 1

    agent = visitor_state(agent_page.ListingState, "/marketplace/agent/loan-helper")
    assert await call(agent, "load") is None
    assert agent.listing_name == "Loan helper" and not agent.is_authenticated and agent.listing_error == ""
    for action in ("add_to_library", "run_agent", "log_in_to_act"):
        event = await call(agent, action)
        assert args(event)["path"] == "/login?next=/marketplace/agent/loan-helper", action
    async with session_scope() as s:
        assert (await s.execute(select(LibraryAgent))).first() is None  # nothing was added for nobody
