"""State of the Library page: one page of agents, the favourites row, filters, selection, bulk actions.

The state never holds more than one page of agents (plus at most one page of favourites); every
change goes through the library service for the verified user and reloads what is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.library import service
from autogpt_app.library.models import LibraryAgentSummary
from autogpt_app.timeutil import relative_time, utcnow
from autogpt_app.ui import routes
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.wording import plural

PAGE_SIZE = 24
#: Favourites shown above the list: at most one page.
FAVOURITES_SIZE = 12
VIEW_STORAGE_KEY = "agpt_library_view"
SORT_LABELS = {
    "updated": "Recently updated",
    "name": "Name",
    "created": "Recently added",
    "last_run": "Last run",
    "run_count": "Most runs",
}
FILTER_LABELS = {"all": "All agents", "favourites": "Favourites", "archived": "Archived"}
SOURCE_LABELS = {"marketplace": "Marketplace", "upload": "Uploaded", "created": "Created"}
BULK_DONE = {
    "favorite": "Added {n} to favourites.",
    "unfavorite": "Removed {n} from favourites.",
    "archive": "Archived {n}.",
    "unarchive": "Restored {n} from the archive.",
    "delete": "Removed {n} from your library.",
}


class AgentCard(BaseModel):
    """What a library card shows: small, never the graph."""

    id: str
    name: str
    description: str
    source: str
    source_label: str
    run_count: int
    last_run: str
    is_favorite: bool
    is_archived: bool
    update_available: bool
    update_label: str
    href: str
    builder_href: str


def ago(moment: datetime | None, now: datetime | None = None, zone: str = "UTC") -> str:
    """A readable age: "Never run", "just now", "5 minutes ago", "3 hours ago", "2 days ago" or a local date."""
    if moment is None:
        return "Never run"
    return relative_time(min(moment, now or utcnow()), zone, now)


def card(item: LibraryAgentSummary, zone: str = "UTC") -> AgentCard:
    """The card of one library agent (its last run said relative to now; far dates on the clock of ``zone``)."""
    update = ""
    if item.update_available:
        update = f"v{item.listing_version} → v{item.latest_listing_version}" if item.listing_version else "new version"
    return AgentCard(
        id=item.id,
        name=item.name,
        description=item.description,
        source=item.source,
        source_label=SOURCE_LABELS.get(item.source, item.source),
        run_count=item.run_count,
        last_run=ago(item.last_run_at, zone=zone),
        is_favorite=item.is_favorite,
        is_archived=item.is_archived,
        update_available=item.update_available,
        update_label=update,
        href=routes.library_agent(item.id),
        builder_href=routes.builder(item.graph_id),
    )


class LibraryState(AuthState):
    """The Library page. Every handler re-verifies the session through ``_attempt``."""

    items: list[AgentCard] = []
    favourites: list[AgentCard] = []
    total: int = 0
    offset: int = 0
    query: str = ""
    sort: str = "updated"
    filter_by: str = "all"
    selected: list[str] = []
    loaded: bool = False
    library_error: str = ""
    #: "grid" or "list", remembered in the browser.
    view: str = rx.LocalStorage("grid", name=VIEW_STORAGE_KEY)

    @rx.var
    def page_label(self) -> str:
        """E.g. '1–24 of 57'."""
        if self.total == 0:
            return "0 of 0"
        return f"{self.offset + 1}–{min(self.offset + PAGE_SIZE, self.total)} of {self.total}"

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.offset > 0

    @rx.var
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.offset + PAGE_SIZE < self.total

    @rx.var
    def selected_count(self) -> int:
        """How many agents are ticked."""
        return len(self.selected)

    @rx.var
    def page_selected(self) -> bool:
        """Whether every agent of this page is ticked."""
        return bool(self.items) and {i.id for i in self.items} <= set(self.selected)

    @rx.var
    def show_favourites(self) -> bool:
        """The favourites row shows above the list, except when the list shows only favourites."""
        return self.filter_by != "favourites" and len(self.favourites) > 0

    def _list_args(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "sort": self.sort,
            "archived": self.filter_by == "archived",
            "favorites": True if self.filter_by == "favourites" else None,
        }

    async def _refresh(self, session: AsyncSession, user: User) -> None:
        args = self._list_args()
        page = await service.list_library(session, user, **args, offset=self.offset, limit=PAGE_SIZE)
        if not page.items and page.total and self.offset:  # the last page emptied: show the one before
            self.offset = max(0, (page.total - 1) // PAGE_SIZE * PAGE_SIZE)
            page = await service.list_library(session, user, **args, offset=self.offset, limit=PAGE_SIZE)
        self.items = [card(i, self._zone()) for i in page.items]
        self.total = page.total
        self.favourites = []
        if self.filter_by != "favourites":
            favs = await service.list_library(session, user, **{**args, "favorites": True}, limit=FAVOURITES_SIZE)
            self.favourites = [card(i, self._zone()) for i in favs.items]
        self.loaded = True

    async def _run(self, action: Callable[[AsyncSession, User], Awaitable[Any]] | None = None) -> Any:
        """Apply ``action(session, user)`` (if any) and reload, in one transaction.

        Returns the action's result, or :data:`FAILED` with the refusal in ``library_error``.
        """
        self.library_error = ""

        async def run(session: AsyncSession, user: User) -> Any:
            result = await action(session, user) if action is not None else None
            await self._refresh(session, user)
            return result

        return await self._attempt(run, error_field="library_error")

    async def _reload(self, *, keep_selection: bool = False):
        if not keep_selection:
            self.selected = []
        if await self._run() is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def load(self):
        """``on_load``: the first page with the current filters."""
        self.offset = 0
        return await self._reload()

    @rx.event
    async def refresh(self):
        """Reload the page as it is (after an upload, for instance)."""
        return await self._reload(keep_selection=True)

    @rx.event
    async def search(self, value: str):
        """Narrow the list as the user types (the input is debounced)."""
        self.query = str(value)[: service.MAX_QUERY]
        self.offset = 0
        return await self._reload()

    @rx.event
    async def set_sort(self, value: str):
        """Order the list by one of the service's sorts."""
        if value in SORT_LABELS:
            self.sort = value
            self.offset = 0
            return await self._reload()
        return None

    @rx.event
    async def set_filter(self, value: str):
        """Show all agents, only favourites, or the archive."""
        if value in FILTER_LABELS:
            self.filter_by = value
            self.offset = 0
            return await self._reload()
        return None

    @rx.event
    def set_view(self, value: str):
        """List or grid; the browser remembers the choice."""
        if value in ("grid", "list"):
            self.view = value

    @rx.event
    async def next_page(self):
        """The next page of agents."""
        if self.offset + PAGE_SIZE < self.total:
            self.offset += PAGE_SIZE
        return await self._reload()

    @rx.event
    async def prev_page(self):
        """The previous page of agents."""
        self.offset = max(0, self.offset - PAGE_SIZE)
        return await self._reload()

    @rx.event
    def toggle_selected(self, agent_id: str, checked: bool):
        """Tick or untick one agent of this page."""
        rest = [i for i in self.selected if i != agent_id]
        self.selected = [*rest, agent_id] if checked else rest

    @rx.event
    def toggle_page(self, checked: bool):
        """Tick or untick every agent of this page."""
        self.selected = [i.id for i in self.items] if checked else []

    @rx.event
    def clear_selection(self):
        """Untick everything."""
        self.selected = []

    @rx.event
    async def toggle_favourite(self, agent_id: str, favourite: bool):
        """Star or unstar one agent."""
        if await self._run(lambda s, u: service.update(s, u, agent_id, is_favorite=favourite)) is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def bulk(self, action: str):
        """Favourite, unfavourite, archive, unarchive or delete the ticked agents, all or nothing."""
        ids = list(self.selected)
        count = await self._run(lambda s, u: service.bulk(s, u, ids, action))
        if count is FAILED:
            return self._after_failure()
        self.selected = []
        return rx.toast.success(BULK_DONE.get(action, "Done.").format(n=plural(count, "agent")))

    @rx.event
    async def export(self, fmt: str):
        """Download the ticked agents without secrets: one as a JSON/YAML file, several as a zip."""
        self.library_error = ""
        ids = list(self.selected)
        file = await self._attempt(lambda s, u: service.export(s, u, ids, fmt), error_field="library_error")
        if file is FAILED:
            return self._after_failure()
        return rx.download(data=file.content, filename=file.filename, mime_type=file.media_type)

    @rx.event
    async def update_agent(self, agent_id: str):
        """Move a marketplace agent to the newest approved version of its listing."""
        updated = await self._run(lambda s, u: service.update_to_latest(s, u, agent_id))
        if updated is FAILED:
            return self._after_failure()
        return rx.toast.success(f"“{updated.name}” now runs marketplace version {updated.listing_version}.")
