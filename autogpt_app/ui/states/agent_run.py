"""State of a library agent's page: its details, the run form, and one page of its run history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service as credentials_service
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as executions
from autogpt_app.library import service as library
from autogpt_app.timeutil import relative_time
from autogpt_app.ui import routes
from autogpt_app.ui.components.outputs import format_duration, format_time
from autogpt_app.ui.components.run_form import (
    CredentialNeed,
    RunField,
    credential_needs,
    credentials_from_form,
    fields_from_schema,
    inputs_from_form,
    values_from_inputs,
)
from autogpt_app.ui.states.auth import FAILED, AuthState

HISTORY_PAGE_SIZE = 10


class HistoryRow(BaseModel):
    """One run in an agent's history."""

    id: str
    status: str
    started: str
    started_full: str
    duration: str
    href: str


def history_row(run: executions.RunSummary, zone: str = "UTC", now: datetime | None = None) -> HistoryRow:
    """A run as the history table shows it: started "3 minutes ago", the exact local time in its tooltip."""
    started = run.started_at or run.created_at
    return HistoryRow(
        id=run.id,
        status=run.status,
        started=relative_time(started, zone, now),
        started_full=format_time(started, zone),
        duration=format_duration(run.started_at, run.ended_at) if run.started_at else "—",
        href=routes.run(run.id),
    )


def path_arg(path: str, prefix: str) -> str:
    """The dynamic part of ``path`` after ``prefix`` (``/library/agent/x`` → ``x``), decoded."""
    if not path.startswith(prefix):
        return ""
    return unquote(path[len(prefix) :].strip("/").split("/")[0])


def field_messages(details: list[dict[str, Any]]) -> dict[str, str]:
    """A service's per-input problems (``details``) as messages next to the fields."""
    messages: dict[str, str] = {}
    for detail in details:
        name, message = detail.get("input"), str(detail.get("message") or "")
        if isinstance(name, str) and message:
            messages.setdefault(name, message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."))
    return messages


class AgentRunState(AuthState):
    """The agent page. Holds one agent's form fields and one page of its runs; every handler re-verifies the user."""

    #: ``loading``, ``ready`` or ``not_found``.
    page_status: str = "loading"
    agent_id: str = ""
    agent_name: str = ""
    agent_description: str = ""
    agent_version: int = 0
    builder_href: str = ""
    run_count: int = 0
    fields: list[RunField] = []
    values: dict[str, str] = {}
    needs: list[CredentialNeed] = []
    field_errors: dict[str, str] = {}
    run_error: str = ""
    starting: bool = False
    history: list[HistoryRow] = []
    history_page: int = 1
    history_total: int = 0
    page_error: str = ""

    _graph_id: str = ""

    @rx.var
    def history_pages(self) -> int:
        """How many pages the run history has."""
        return max(1, -(-self.history_total // HISTORY_PAGE_SIZE))

    @rx.var
    def missing_credentials(self) -> bool:
        """Whether a required credential has nothing to pick (the Run button explains it)."""
        return any(n.required and not n.choices for n in self.needs)

    def _reset(self) -> None:
        self.page_status = "loading"
        self.agent_name = self.agent_description = self.run_error = self.page_error = ""
        self.agent_version = self.run_count = self.history_total = 0
        self.fields, self.needs, self.history = [], [], []
        self.values, self.field_errors = {}, {}
        self.history_page = 1
        self.starting = False
        self._graph_id = ""

    async def _load_history(self, session: AsyncSession, user: User) -> None:
        page = await executions.list_runs(
            session,
            user,
            graph_id=self._graph_id,
            offset=(self.history_page - 1) * HISTORY_PAGE_SIZE,
            limit=HISTORY_PAGE_SIZE,
        )
        if not page.items and page.total and self.history_page > 1:
            # The page ran past the end (runs were removed): show the last one.
            self.history_page = max(1, -(-page.total // HISTORY_PAGE_SIZE))
            page = await executions.list_runs(
                session,
                user,
                graph_id=self._graph_id,
                offset=(self.history_page - 1) * HISTORY_PAGE_SIZE,
                limit=HISTORY_PAGE_SIZE,
            )
        self.history = [history_row(r, self._zone()) for r in page.items]
        self.history_total = page.total

    @rx.event
    async def load(self):
        """Fill the page for the agent in the URL, or show "Agent not found"."""
        self._reset()
        self.agent_id = path_arg(self.router.url.path, "/library/agent/")

        async def load(session: AsyncSession, user: User) -> None:
            try:
                agent = await library.get_agent(session, user, self.agent_id)
            except NotFound:
                self.page_status = "not_found"
                return
            self._graph_id = agent.graph_id
            self.builder_href = routes.builder(agent.graph_id)
            self.agent_name = agent.name
            self.agent_description = agent.description
            self.agent_version = agent.version
            self.run_count = agent.run_count
            self.fields = fields_from_schema(agent.input_schema)
            self.values = values_from_inputs(self.fields, {})
            mine = await credentials_service.list_credentials(session, user)
            self.needs = credential_needs(agent.credentials_input_schema, mine)
            await self._load_history(session, user)
            self.page_status = "ready"

        if not self.agent_id:
            self.page_status = "not_found"
            return None
        if await self._attempt(load, error_field="page_error") is FAILED:
            if self.page_error and self.page_status == "loading":
                self.page_status = "ready"
            return self._after_failure()
        return None

    @rx.event
    async def run(self, form: dict[str, Any]):
        """Start a run with the submitted form; show the service's messages, or go to the new run's page."""
        if self.page_status != "ready" or self.starting:
            return
        self.run_error, self.field_errors = "", {}
        inputs, problems = inputs_from_form(self.fields, form)
        if problems:
            self.field_errors = problems
            self.run_error = "Please correct the marked inputs."
            return
        chosen = credentials_from_form(self.needs, form)
        details: list[dict[str, Any]] = []

        async def start(session: AsyncSession, user: User) -> executions.ExecutionPublic:
            agent = await library.get_agent(session, user, self.agent_id)
            try:
                return await executions.add_graph_execution(
                    session, user, agent.graph_id, version=agent.version, inputs=inputs, credentials=chosen
                )
            except InvalidInput as exc:
                details.extend(d for d in exc.details if isinstance(d, dict))
                raise

        self.starting = True
        yield
        try:
            started = await self._attempt(start, error_field="run_error")
        finally:
            self.starting = False
        if started is FAILED:
            self.field_errors = field_messages(details)
            yield self._after_failure()
            return
        yield rx.redirect(routes.run(started.id))

    async def _turn_page(self, page: int) -> Any:
        self.history_page = max(1, min(page, self.history_pages))
        if await self._attempt(self._load_history, error_field="page_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def history_next(self):
        """The next page of runs."""
        return await self._turn_page(self.history_page + 1)

    @rx.event
    async def history_prev(self):
        """The previous page of runs."""
        return await self._turn_page(self.history_page - 1)

    @rx.event
    async def refresh_history(self):
        """Re-read the current page of runs."""
        return await self._turn_page(self.history_page)
