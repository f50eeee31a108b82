"""State of the list of the user's runs: one page at a time, kept live while the page is open.

The list follows the user's channel of the event bus (every run-level status change is published
there) with :func:`autogpt_app.ui.live.follow_into_state` and re-reads its page after each burst of
events, so a running run turns Completed without a reload; without events it re-reads every
:data:`LIST_FALLBACK_INTERVAL`.
"""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.bus import user_channel
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.timeutil import relative_time
from autogpt_app.ui import routes
from autogpt_app.ui.components.outputs import format_duration, format_time
from autogpt_app.ui.live import follow_into_state, new_follow_id
from autogpt_app.ui.states.auth import FAILED, AuthState

RUNS_PAGE_SIZE = 20
#: The longest the list of runs listens for changes (a reload listens again).
LIST_FOLLOW_SECONDS = 4 * 3600.0
#: Without events the list is re-read this often (events are best effort).
LIST_FALLBACK_INTERVAL = 30.0
#: Shortest gap between two reads while events stream in (coalesces bursts).
MIN_READ_INTERVAL = 0.3


class RunListRow(BaseModel):
    """One run in the list of the user's runs."""

    id: str
    status: str
    agent_name: str
    agent_href: str
    started: str
    started_full: str
    duration: str
    href: str


class RunsPage(BaseModel):
    """One page of the user's runs as the list shows it."""

    page: int
    total: int
    rows: list[RunListRow]


async def read_runs_page(session: AsyncSession, user: User, page: int, zone: str = "UTC") -> RunsPage:
    """Read page ``page`` of the user's runs (the last page if it ran past the end), times on ``zone``'s clock."""
    found = await executions.list_runs(session, user, offset=(page - 1) * RUNS_PAGE_SIZE, limit=RUNS_PAGE_SIZE)
    if not found.items and found.total and page > 1:
        page = max(1, -(-found.total // RUNS_PAGE_SIZE))
        found = await executions.list_runs(session, user, offset=(page - 1) * RUNS_PAGE_SIZE, limit=RUNS_PAGE_SIZE)
    rows = [
        RunListRow(
            id=r.id,
            status=r.status,
            agent_name=r.agent_name,
            agent_href=routes.library_agent(r.library_agent_id) if r.library_agent_id else "",
            started=relative_time(r.started_at or r.created_at, zone),
            started_full=format_time(r.started_at or r.created_at, zone),
            duration=format_duration(r.started_at, r.ended_at) if r.started_at else "—",
            href=routes.run(r.id),
        )
        for r in found.items
    ]
    return RunsPage(page=page, total=found.total, rows=rows)


async def _fresh_runs_page(token: str, page: int, zone: str) -> RunsPage | None:
    """Read a page of runs for the token's user (re-verified on every read); None once the session is gone."""
    try:
        async with session_scope() as session:
            user = await auth_service.user_from_token(session, token)
            return await read_runs_page(session, user, page, zone)
    except ServiceError:
        return None


class RunsListState(AuthState):
    """The list of the user's runs across agents: one page at a time, kept live while the page is open."""

    rows: list[RunListRow] = []
    page: int = 1
    total: int = 0
    runs_error: str = ""
    loaded: bool = False
    #: Whether a background task is following the user's runs now.
    live: bool = False

    _follow_id: str = ""

    @rx.var
    def pages(self) -> int:
        """How many pages of runs there are."""
        return max(1, -(-self.total // RUNS_PAGE_SIZE))

    def _apply(self, found: RunsPage) -> None:
        """Show a fresh read, touching only what changed (each change is sent to the browser)."""
        for name, value in (("page", found.page), ("total", found.total), ("rows", found.rows)):
            if getattr(self, name) != value:
                setattr(self, name, value)
        self.loaded = True

    async def _load(self, session: AsyncSession, user: User) -> None:
        self._apply(await read_runs_page(session, user, self.page, self._zone()))

    async def _show(self, page: int):
        self.runs_error = ""
        self.page = max(1, page)
        if await self._attempt(self._load, error_field="runs_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def load(self):
        """Fill the page (the page number comes from ``?page=``) and follow the user's runs live."""
        self.loaded, self.live = False, False
        self._follow_id = ""
        raw = str(self.router.url.query_parameters.get("page", "1"))
        shown = await self._show(int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1)
        if shown is not None or not self.loaded:
            return shown
        self._follow_id = new_follow_id()
        return RunsListState.follow

    @rx.event(background=True)
    async def follow(self):
        """Re-read the shown page after each burst of run changes on the user's channel (or every 30 s)."""
        async with self:
            follow_id, token, user_id, zone = self._follow_id, self.token, self.user_id, self._zone()
        if not follow_id or not user_id:
            return

        async def show(found: RunsPage) -> bool:
            self._apply(found)
            return True

        await follow_into_state(
            self,
            id_field="_follow_id",
            follow_id=follow_id,
            channel=user_channel(user_id),
            wanted=lambda: self.page,
            read=lambda page: _fresh_runs_page(token, page, zone),
            show=show,
            max_seconds=LIST_FOLLOW_SECONDS,
            fallback_interval=LIST_FALLBACK_INTERVAL,
            min_interval=MIN_READ_INTERVAL,
        )

    @rx.event
    async def next_page(self):
        """The next page of runs."""
        return await self._show(min(self.page + 1, self.pages))

    @rx.event
    async def prev_page(self):
        """The previous page of runs."""
        return await self._show(self.page - 1)

    @rx.event
    async def refresh(self):
        """Re-read the current page."""
        return await self._show(self.page)
