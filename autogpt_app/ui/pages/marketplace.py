"""Marketplace pages: home (rows, categories, quick search) and search.

The states live in :mod:`autogpt_app.ui.states.marketplace`; the cards, rows and pager in
:mod:`autogpt_app.ui.components.listing_cards`. An agent's page is in
:mod:`autogpt_app.ui.pages.marketplace_listing`, a creator's in :mod:`autogpt_app.ui.pages.marketplace_creator`.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.listing_cards import card_grid, card_row, category_chips, page_loading, pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.marketplace import SORT_LABELS, MarketplaceHomeState, MarketplaceSearchState


def _search_input(value: rx.Var, on_change, *, auto_focus: bool = False) -> rx.Component:
    """The live search box: ``on_change`` fires 300 ms after the last keystroke."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        name="q",
        type="search",
        value=value,
        on_change=on_change,
        debounce_timeout=300,
        placeholder="Search agents: e.g. RSS digest, loan calculator, translate…",
        aria_label="Search agents",
        auto_complete="off",
        auto_focus=auto_focus,
        max_length=200,
        size="3",
        width="100%",
        data_testid="marketplace-search",
    )


# --- home ---------------------------------------------------------------------------------------


def _quick_results() -> rx.Component:
    S = MarketplaceHomeState
    return rx.vstack(
        rx.cond(
            S.quick_total > 0,
            rx.vstack(
                rx.hstack(
                    rx.text("Top matches for “", S.quick_query, "”", weight="medium"),
                    rx.spacer(),
                    rx.link(
                        "See all ",
                        S.quick_total,
                        " results",
                        rx.icon("arrow-right", size=14),
                        href=S.quick_href,
                        data_testid="see-all-results",
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                card_grid(S.quick_results, "quick-results"),
                width="100%",
                spacing="3",
            ),
            rx.callout(
                rx.text(
                    "No agents match “", S.quick_query, "”. Check the spelling, use fewer words, or browse a category."
                ),
                icon="search-x",
                color_scheme="gray",
                width="100%",
                data_testid="no-results",
            ),
        ),
        width="100%",
        spacing="3",
    )


def _home_rows() -> rx.Component:
    S = MarketplaceHomeState
    return rx.vstack(
        card_row("Featured", S.featured, "row-featured", icon="award"),
        rx.cond(
            S.categories.length() > 0,
            rx.vstack(
                rx.hstack(rx.icon("tags", size=18), rx.heading("Categories", size="4"), align="center"),
                category_chips(S.categories),
                width="100%",
                spacing="2",
                data_testid="categories",
            ),
            rx.fragment(),
        ),
        card_row("Most run", S.most_run, "row-most-run", icon="flame"),
        card_row("Top rated", S.top_rated, "row-top-rated", icon="star"),
        rx.cond(
            S.most_run.length() == 0,
            rx.callout(
                "The marketplace is empty so far. Publish one of your agents from your library to be the first.",
                icon="info",
                width="100%",
                data_testid="marketplace-empty",
            ),
            rx.fragment(),
        ),
        spacing="5",
        width="100%",
    )


@template(routes.MARKETPLACE, "Marketplace", guests=True, on_load=MarketplaceHomeState.load)
def marketplace_home() -> rx.Component:
    S = MarketplaceHomeState
    return rx.vstack(
        rx.vstack(
            rx.heading("Find an agent for the job", size="6"),
            rx.text("Agents built by the community: add one to your library and run it.", color_scheme="gray"),
            spacing="1",
        ),
        rx.form(
            rx.hstack(
                rx.box(_search_input(S.quick_query, S.set_quick_query), flex="1"),
                rx.button("Search", type="submit", size="3"),
                width="100%",
            ),
            on_submit=S.open_search,
            width="100%",
        ),
        rx.hstack(
            rx.link("Browse all agents", href=routes.MARKETPLACE_SEARCH, size="2"),
            rx.link("Featured only", href=routes.MARKETPLACE_SEARCH + "?featured=true", size="2"),
            rx.link("Best rated", href=routes.MARKETPLACE_SEARCH + "?sort=rating", size="2"),
            spacing="4",
            wrap="wrap",
        ),
        error_callout(S.home_error),
        rx.cond(
            ~S.home_loaded,
            page_loading(),
            rx.cond(S.quick_query.strip() != "", _quick_results(), _home_rows()),
        ),
        spacing="4",
        width="100%",
    )


# --- search -------------------------------------------------------------------------------------


def _category_filter() -> rx.Component:
    S = MarketplaceSearchState
    return rx.select.root(
        rx.select.trigger(placeholder="Category", aria_label="Category", min_width="10rem"),
        rx.select.content(
            rx.select.item("All categories", value="all"),
            rx.foreach(
                S.category_options,
                lambda c: rx.select.item(rx.cond(c.count > 0, f"{c.name} ({c.count})", c.name), value=c.name),
            ),
        ),
        value=rx.cond(S.category == "", "all", S.category),
        on_change=S.set_category,
        data_testid="category-filter",
    )


def _sort_select() -> rx.Component:
    S = MarketplaceSearchState
    return rx.select.root(
        rx.select.trigger(aria_label="Sort by", min_width="9rem"),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in SORT_LABELS.items()]),
        value=S.sort,
        on_change=S.set_sort,
        data_testid="sort-select",
    )


def _filters() -> rx.Component:
    S = MarketplaceSearchState
    return rx.flex(
        _category_filter(),
        rx.input(
            rx.input.slot(rx.icon("user", size=14)),
            value=S.creator,
            on_change=S.set_creator,
            debounce_timeout=300,
            placeholder="Creator username",
            aria_label="Creator",
            auto_complete="off",
            max_length=60,
            width="12rem",
            data_testid="creator-filter",
        ),
        rx.el.label(
            rx.hstack(
                rx.switch(checked=S.featured_only, on_change=S.set_featured, data_testid="featured-filter"),
                rx.text("Featured only", size="2"),
                align="center",
                spacing="2",
            ),
        ),
        rx.spacer(display=["none", "block"]),
        rx.hstack(rx.text("Sort", size="2", color_scheme="gray"), _sort_select(), align="center", spacing="2"),
        wrap="wrap",
        gap="0.75rem",
        align="center",
        width="100%",
    )


def _has_filters() -> rx.Var:
    S = MarketplaceSearchState
    return (S.category != "") | (S.creator != "") | S.featured_only


def _empty_results() -> rx.Component:
    S = MarketplaceSearchState
    return rx.card(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("No agents found", size="4"),
            rx.text(
                rx.cond(S.query != "", rx.text("Nothing matches “", S.query, "”", as_="span"), "Nothing matches"),
                rx.cond(_has_filters(), " with these filters.", "."),
                color_scheme="gray",
            ),
            rx.unordered_list(
                rx.list_item("Check the spelling, or use fewer or more general words."),
                rx.list_item("Describe the task rather than a name: “summarize”, “convert”, “remind”."),
                size="2",
            ),
            rx.cond(
                _has_filters(),
                rx.button("Clear filters", variant="soft", on_click=S.clear_filters, data_testid="clear-filters"),
                rx.fragment(),
            ),
            rx.cond(
                S.suggestions.length() > 0,
                rx.vstack(rx.text("Or browse a category:", size="2"), category_chips(S.suggestions), spacing="2"),
                rx.fragment(),
            ),
            align="center",
            spacing="3",
            padding="1rem",
            width="100%",
        ),
        width="100%",
        data_testid="no-results",
    )


def _results() -> rx.Component:
    S = MarketplaceSearchState
    return rx.cond(
        S.results.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.text(S.total, rx.cond(S.total == 1, " agent", " agents"), size="2", color_scheme="gray"),
                rx.cond(
                    S.fuzzy,
                    rx.badge("No exact match: showing close ones", color_scheme="amber", data_testid="fuzzy"),
                    rx.fragment(),
                ),
                align="center",
                wrap="wrap",
            ),
            card_grid(S.results, "search-results"),
            pager(S.range_text, S.has_prev, S.has_next, S.prev_page, S.next_page),
            spacing="3",
            width="100%",
        ),
        rx.cond(S.searched, _empty_results(), page_loading()),
    )


@template(routes.MARKETPLACE_SEARCH, "Search agents", guests=True, on_load=MarketplaceSearchState.load)
def marketplace_search() -> rx.Component:
    S = MarketplaceSearchState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), "Marketplace", align="center"), href=routes.MARKETPLACE),
        _search_input(S.query, S.set_query, auto_focus=True),
        _filters(),
        error_callout(S.search_error),
        _results(),
        spacing="4",
        width="100%",
    )
