"""The state of a creator's marketplace page: their profile and one page of their listings."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import NotFound
from autogpt_app.store import service as store
from autogpt_app.store.models import CreatorDetail
from autogpt_app.store.search import MAX_OFFSET
from autogpt_app.ui import routes
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.marketplace import (
    ListingCard,
    card,
    page_number,
    path_arg,
    range_label,
    replace_url,
    runs_label,
)

CREATOR_PAGE_SIZE = 12


class CreatorState(AuthState):
    """A creator's profile and one page of their listings."""

    creator_loaded: bool = False
    creator_missing: bool = False
    creator_error: str = ""
    handle: str = ""
    display_name: str = ""
    bio: str = ""
    avatar_url: str = ""
    links: list[str] = []
    listing_total: int = 0
    total_runs: str = ""
    listings: list[ListingCard] = []
    creator_page: int = 1
    creator_range: str = ""
    creator_has_prev: bool = False
    creator_has_next: bool = False

    async def _fetch(self, handle: str, page: int):
        """Load one page of the creator's listings (past the end: their last page)."""

        async def fetch(session: AsyncSession, user: User | None) -> None:
            wanted = page
            try:
                detail = await store.get_creator(
                    session, handle, offset=(wanted - 1) * CREATOR_PAGE_SIZE, limit=CREATOR_PAGE_SIZE
                )
                if not detail.listings and wanted > 1:
                    wanted = (detail.listing_count - 1) // CREATOR_PAGE_SIZE + 1
                    detail = await store.get_creator(
                        session, handle, offset=(wanted - 1) * CREATOR_PAGE_SIZE, limit=CREATOR_PAGE_SIZE
                    )
            except NotFound:
                self.creator_missing = True
                return
            self._fill(detail, wanted)

        return await self._browse(fetch, error_field="creator_error")

    def _fill(self, detail: CreatorDetail, page: int) -> None:
        self.handle, self.display_name, self.bio = detail.username, detail.name, detail.description
        self.avatar_url = detail.avatar_url
        self.links = [u for u in detail.links if u.startswith(("https://", "http://"))]
        self.listing_total, self.total_runs = detail.listing_count, runs_label(detail.run_count)
        self.listings = [card(i) for i in detail.listings]
        offset = (page - 1) * CREATOR_PAGE_SIZE
        self.creator_page = page
        self.creator_range = range_label(offset, len(detail.listings), detail.listing_count)
        self.creator_has_prev = page > 1
        self.creator_has_next = offset + len(detail.listings) < detail.listing_count

    def _page_url(self) -> str:
        base = routes.marketplace_creator(quote(self.handle))
        return base + (f"?page={self.creator_page}" if self.creator_page > 1 else "")

    @rx.event
    async def load(self):
        """Fill the page for the creator (and page) in the URL."""
        self.creator_loaded = self.creator_missing = False
        self.creator_error = ""
        handle = path_arg(self.router.url.path, "/marketplace/creator/")
        page = min(page_number(self.router.url.query_parameters.get("page", 1)), MAX_OFFSET // CREATOR_PAGE_SIZE + 1)
        await self._fetch(handle, page)
        self.creator_loaded = True

    async def _go(self, page: int):
        if await self._fetch(self.handle, page) is FAILED:
            return None
        return replace_url(self._page_url())

    @rx.event
    async def next_page(self):
        """The creator's next listings."""
        return await self._go(self.creator_page + 1) if self.creator_has_next else None

    @rx.event
    async def prev_page(self):
        """The creator's previous listings."""
        return await self._go(max(1, self.creator_page - 1))
