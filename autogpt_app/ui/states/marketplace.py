"""Marketplace states: the home page and the search page, and the helpers every marketplace page shares.

Each page has its own small substate of :class:`AuthState` holding display-ready rows (one page at
most). The marketplace is public and read-only for visitors: every handler reads through
``AuthState._browse`` (the verified user, or none), and the data comes from the same store services
as the REST API. Pure helpers (card and chip builders, URL
parsing) are module functions so that they can be tested without a browser. An agent's page lives
in :mod:`autogpt_app.ui.states.marketplace_listing`, a creator's in
:mod:`autogpt_app.ui.states.marketplace_creator`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode

import reflex as rx
from pydantic import BaseModel
from reflex.event import EventSpec
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.store import pictures
from autogpt_app.store import service as store
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.models import CategoryCount, ListingSummary
from autogpt_app.store.search import MAX_OFFSET, MAX_QUERY, SORTS
from autogpt_app.ui import routes
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.wording import plural

SEARCH_PAGE_SIZE = 12
QUICK_RESULTS = 6
HOME_CATEGORIES = 40
SELECT_CATEGORIES = 100
SUGGESTED_CATEGORIES = 8
MAX_FILTER = 60
SORT_LABELS = {
    "relevance": "Relevance",
    "rating": "Rating",
    "runs": "Most run",
    "name": "Name",
    "updated": "Recently updated",
}


# --- rows the pages show ----------------------------------------------------------------------


class ListingCard(BaseModel):
    """A listing as a card shows it."""

    slug: str
    href: str
    name: str
    subheading: str
    creator_name: str
    image_url: str
    featured: bool
    rating: float
    rating_label: str
    rating_count: int
    runs_label: str


class CategoryChip(BaseModel):
    """A category with its number of listings and the search it opens."""

    name: str
    count: int
    href: str


def runs_label(count: int) -> str:
    """``"1 run"``, ``"1,234 runs"``."""
    return plural(count, "run")


def rating_label(average: float | None) -> str:
    """The average to one decimal, or a note that nobody has rated it."""
    return f"{average:.1f}" if average is not None else "No ratings yet"


def card(item: ListingSummary) -> ListingCard:
    """The card of a listing summary."""
    return ListingCard(
        slug=item.slug,
        href=routes.marketplace_agent(quote(item.slug)),
        name=item.name,
        subheading=item.subheading,
        creator_name=item.creator_name,
        image_url=pictures.listing_image(item.image_url, item.categories),
        featured=item.featured,
        rating=item.rating_average or 0.0,
        rating_label=rating_label(item.rating_average) if item.rating_average is not None else "Unrated",
        rating_count=item.rating_count,
        runs_label=runs_label(item.run_count),
    )


def chip(category: CategoryCount) -> CategoryChip:
    """The chip of a category, linking to the search filtered by it."""
    return CategoryChip(name=category.name, count=category.count, href=SearchParams(category=category.name).url())


def filter_categories(counts: list[CategoryCount]) -> list[CategoryCount]:
    """The category filter's options: the store's one list in its order (with how many listings carry
    each), then any other category a listing still carries (from before the list, or the API)."""
    by_name = {c.name: c for c in counts}
    known = [by_name.get(name) or CategoryCount(name=name, count=0) for name in CATEGORIES]
    return known + [c for c in counts if c.name not in CATEGORIES]


def _one(params: Mapping[str, Any], name: str, limit: int) -> str:
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return " ".join(str(value or "").split())[:limit]


def page_number(value: Any) -> int:
    """A 1-based page number from a query parameter; anything else is page 1."""
    try:
        return max(1, int(str(value)))
    except (TypeError, ValueError):
        return 1


def range_label(offset: int, count: int, total: int) -> str:
    """``"13–24 of 40"`` (or ``"0 of 0"``)."""
    return f"{offset + 1}–{offset + count} of {total}" if count else f"0 of {total}"


@dataclass
class SearchParams:
    """A marketplace search as the URL carries it (``/marketplace/search?q=&category=…``)."""

    query: str = ""
    category: str = ""
    creator: str = ""
    featured: bool = False
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> SearchParams:
        """Read the search from URL query parameters, dropping what makes no sense."""
        sort = _one(params, "sort", 20)
        return cls(
            query=_one(params, "q", MAX_QUERY),
            category=_one(params, "category", MAX_FILTER).lower(),
            creator=_one(params, "creator", MAX_FILTER).lower(),
            featured=_one(params, "featured", 10).lower() in {"1", "true", "yes", "on"},
            sort=sort if sort in SORTS else "relevance",
            page=min(page_number(_one(params, "page", 10)), MAX_OFFSET // SEARCH_PAGE_SIZE + 1),
        )

    def url(self) -> str:
        """The search page's URL for this search (defaults left out)."""
        pairs = [
            ("q", self.query),
            ("category", self.category),
            ("creator", self.creator),
            ("featured", "true" if self.featured else ""),
            ("sort", "" if self.sort == "relevance" else self.sort),
            ("page", str(self.page) if self.page > 1 else ""),
        ]
        query = urlencode([(k, v) for k, v in pairs if v], quote_via=quote)
        return routes.MARKETPLACE_SEARCH + (f"?{query}" if query else "")

    @property
    def offset(self) -> int:
        """The first result's position."""
        return (self.page - 1) * SEARCH_PAGE_SIZE


def path_arg(path: str, prefix: str) -> str:
    """The dynamic part of ``path`` after ``prefix`` (``/marketplace/agent/x`` → ``x``), decoded."""
    if not path.startswith(prefix):
        return ""
    return unquote(path[len(prefix) :].strip("/").split("/")[0])


def replace_url(url: str) -> EventSpec:
    """Show ``url`` in the address bar without a navigation (so a reload reproduces the page)."""
    return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(url)})")


# --- the home page ----------------------------------------------------------------------------


class MarketplaceHomeState(AuthState):
    """Home rows and the quick search box (a handful of live results)."""

    featured: list[ListingCard] = []
    most_run: list[ListingCard] = []
    top_rated: list[ListingCard] = []
    categories: list[CategoryChip] = []
    home_loaded: bool = False
    home_error: str = ""
    quick_query: str = ""
    quick_results: list[ListingCard] = []
    quick_total: int = 0
    quick_href: str = routes.MARKETPLACE_SEARCH

    @rx.event
    async def load(self):
        """Fill the rows and categories."""
        self.home_error = ""
        self.quick_query, self.quick_results, self.quick_total = "", [], 0

        async def load(session: AsyncSession, user: User | None) -> None:
            rows = await store.home_rows(session)
            self.featured = [card(i) for i in rows.featured]
            self.most_run = [card(i) for i in rows.most_run]
            self.top_rated = [card(i) for i in rows.top_rated]
            self.categories = [chip(c) for c in rows.categories[:HOME_CATEGORIES]]

        await self._browse(load, error_field="home_error")
        self.home_loaded = True

    @rx.event
    async def set_quick_query(self, value: str):
        """Search as the visitor types (the input is debounced): the first few matches."""
        self.quick_query = str(value)[:MAX_QUERY]
        self.home_error = ""
        query = self.quick_query.strip()
        self.quick_href = SearchParams(query=query).url()
        if not query:
            self.quick_results, self.quick_total = [], 0
            return None

        async def search(session: AsyncSession, user: User | None) -> None:
            page = await store.search_listings(session, query=query, limit=QUICK_RESULTS)
            self.quick_results = [card(i) for i in page.items]
            self.quick_total = page.total

        await self._browse(search, error_field="home_error")
        return None

    @rx.event
    def open_search(self, form: dict):
        """Enter in the home search box: the full search page for what was typed."""
        return rx.redirect(SearchParams(query=str(form.get("q") or self.quick_query).strip()).url())


# --- the search page --------------------------------------------------------------------------


class MarketplaceSearchState(AuthState):
    """One page of results for the search in the URL; every change re-runs it and updates the URL."""

    query: str = ""
    category: str = ""
    creator: str = ""
    featured_only: bool = False
    sort: str = "relevance"
    page_no: int = 1
    results: list[ListingCard] = []
    total: int = 0
    fuzzy: bool = False
    range_text: str = ""
    has_prev: bool = False
    has_next: bool = False
    searched: bool = False
    search_error: str = ""
    category_options: list[CategoryChip] = []
    suggestions: list[CategoryChip] = []

    def _params(self) -> SearchParams:
        return SearchParams(self.query, self.category, self.creator, self.featured_only, self.sort, self.page_no)

    def _show(self, params: SearchParams) -> None:
        self.query, self.category, self.creator = params.query, params.category, params.creator
        self.featured_only, self.sort, self.page_no = params.featured, params.sort, params.page

    async def _run(self, params: SearchParams, session: AsyncSession) -> None:
        found = await store.search_listings(
            session,
            query=params.query,
            category=params.category or None,
            creator=params.creator or None,
            featured=True if params.featured else None,
            sort=params.sort,
            offset=params.offset,
            limit=SEARCH_PAGE_SIZE,
        )
        if not found.items and found.total and params.page > 1:  # past the end (e.g. an old link): last page
            params.page = (found.total - 1) // SEARCH_PAGE_SIZE + 1
            return await self._run(params, session)
        self._show(params)
        self.results = [card(i) for i in found.items]
        self.total, self.fuzzy, self.searched = found.total, found.fuzzy, True
        self.range_text = range_label(params.offset, len(found.items), found.total)
        self.has_prev = params.page > 1
        self.has_next = (
            params.offset + len(found.items) < found.total and params.offset + SEARCH_PAGE_SIZE <= MAX_OFFSET
        )
        return None

    async def _search(self, params: SearchParams):
        """Run ``params`` and put its URL in the address bar."""
        self.search_error = ""

        async def search(session: AsyncSession, user: User | None) -> None:
            await self._run(params, session)

        if await self._browse(search, error_field="search_error") is FAILED:
            return None
        return replace_url(self._params().url())

    @rx.event
    async def load(self):
        """Run the search in the URL and fill the category filter."""
        self.search_error = ""
        params = SearchParams.from_query(self.router.url.query_parameters)
        self._show(params)

        async def categories(session: AsyncSession, user: User | None) -> None:
            every = await store.list_categories(session)
            self.category_options = [chip(c) for c in filter_categories(every)[:SELECT_CATEGORIES]]
            self.suggestions = [chip(c) for c in every[:SUGGESTED_CATEGORIES]]
            if params.category and params.category not in {c.name for c in self.category_options}:
                self.category_options = [*self.category_options, CategoryChip(name=params.category, count=0, href="")]

        if await self._browse(categories, error_field="search_error") is FAILED:
            return None
        return await self._search(params)

    def _changed(self, **changes: Any) -> SearchParams:
        params = self._params()
        for key, value in changes.items():
            setattr(params, key, value)
        params.page = changes.get("page", 1)  # a new search starts on its first page
        return params

    @rx.event
    async def set_query(self, value: str):
        """Results as the visitor types (the input is debounced on the page)."""
        self.query = str(value)[:MAX_QUERY]
        return await self._search(self._changed(query=" ".join(self.query.split())))

    @rx.event
    async def set_category(self, value: str):
        """Filter by a category (``all`` for every category)."""
        return await self._search(self._changed(category="" if value == "all" else str(value)[:MAX_FILTER]))

    @rx.event
    async def set_creator(self, value: str):
        """Filter by a creator's username."""
        self.creator = str(value)[:MAX_FILTER]
        return await self._search(self._changed(creator=self.creator.strip().lower()))

    @rx.event
    async def set_featured(self, value: bool):
        """Only featured agents, or all."""
        return await self._search(self._changed(featured=bool(value)))

    @rx.event
    async def set_sort(self, value: str):
        """Order the results."""
        return await self._search(self._changed(sort=value if value in SORTS else "relevance"))

    @rx.event
    async def clear_filters(self):
        """Keep the words, drop every filter."""
        return await self._search(SearchParams(query=self.query, sort=self.sort))

    @rx.event
    async def next_page(self):
        """The next page of results."""
        if not self.has_next:
            return None
        return await self._search(self._changed(page=self.page_no + 1))

    @rx.event
    async def prev_page(self):
        """The previous page of results."""
        return await self._search(self._changed(page=max(1, self.page_no - 1)))
