"""Publishing state: the submit form and my submissions, and what the admins' review queue shares with it.

The page holds one page of rows at a time (the services page on the server). Every handler that
reads or changes data goes through :meth:`AuthState._attempt`, which re-verifies the session; the
store service decides who may do what (an agent not in your library is "not found"). The review
queue is in :mod:`autogpt_app.ui.states.admin_submissions`.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import reflex as rx
from pydantic import BaseModel
from reflex.config import get_config
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import ServiceError
from autogpt_app.library import service as library
from autogpt_app.store import service as store
from autogpt_app.store import validation
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.models import SubmissionPublic
from autogpt_app.timeutil import local_time
from autogpt_app.ui.states.auth import FAILED, AuthState

PAGE_SIZE = 10
#: At most this many agents are offered in the picker at once; a search narrows them.
AGENT_OPTIONS = 50
IMAGE_UPLOAD_ID = "listing_image"
#: Categories offered as chips: the store's one list, also used by the marketplace's filters.
CATEGORY_CHOICES = CATEGORIES


def when_label(value: datetime | None, zone: str = "UTC") -> str:
    """A submission or review time on the viewer's clock (``zone``), as the publishing pages show it ("" if none)."""
    return local_time(value, zone) if value else ""


def _text(form: dict, name: str) -> str:
    return str(form.get(name) or "")


def uploaded_image_url(filename: str) -> str:
    """The site path under which Reflex serves a file saved in its upload directory."""
    return f"{get_config().prepend_backend_path(str(rx.constants.Endpoint.UPLOAD))}/{filename}"


def _save_upload(filename: str, data: bytes) -> None:
    """Write an image into Reflex's upload directory (blocking: run it in a thread)."""
    directory: Path = rx.get_upload_dir()
    (directory / filename).write_bytes(data)


class OffsetPaging(rx.State, mixin=True):
    """Server-side paging by offset, ``PAGE_SIZE`` rows at a time; the state implements ``_page(offset)``."""

    offset: int = 0
    has_next: bool = False

    @rx.var
    def has_prev(self) -> bool:
        """Whether an earlier page exists."""
        return self.offset > 0

    async def _page(self, offset: int):
        """Load the rows from ``offset`` on (at least 0); return what the handler returns."""
        raise NotImplementedError

    @rx.event
    async def next_page(self):
        """The next page of rows."""
        return await self._page(self.offset + PAGE_SIZE)

    @rx.event
    async def prev_page(self):
        """The previous page of rows."""
        return await self._page(self.offset - PAGE_SIZE)


class AgentOption(BaseModel):
    """One of the user's library agents, as the picker offers it."""

    id: str
    name: str
    description: str


class SubmissionRow(BaseModel):
    """A submission as "My submissions" lists it."""

    version_id: str
    name: str
    slug: str
    graph_name: str
    version: str
    status: str
    submitted: str
    reviewed: str
    comment: str
    is_live: bool


def _submission_row(s: SubmissionPublic, zone: str = "UTC") -> SubmissionRow:
    return SubmissionRow(
        version_id=s.version_id,
        name=s.name,
        slug=s.slug,
        graph_name=s.graph_name,
        version=f"v{s.version_number}",
        status=s.status,
        submitted=when_label(s.submitted_at, zone),
        reviewed=when_label(s.reviewed_at, zone),
        comment=s.reviewer_comment,
        is_live=s.listing_is_active and s.status == "approved",
    )


class SubmissionsState(OffsetPaging, AuthState):
    """``/submissions``: the submit form (agent picker, listing text, categories, image) and my submissions.

    Pages run newest first: the next page holds older submissions.
    """

    rows: list[SubmissionRow] = []
    list_error: str = ""

    agent_query: str = ""
    agent_options: list[AgentOption] = []
    agent_total: int = 0
    agent_id: str = ""
    agent_name: str = ""
    agent_description: str = ""

    chosen_categories: list[str] = []
    image_url: str = ""
    #: The image is a file uploaded here: the address field stays empty (its path is internal).
    image_uploaded: bool = False
    #: Bumped to re-mount the image address field (emptied after an upload).
    image_key: int = 0
    image_error: str = ""
    #: Bumped after a successful submission to clear the form.
    form_key: int = 0
    submit_error: str = ""
    submit_message: str = ""

    @rx.var
    def agent_hint(self) -> str:
        """How many agents the picker offers out of how many match."""
        if self.agent_total > len(self.agent_options):
            return f"Showing {len(self.agent_options)} of {self.agent_total} agents: type to narrow the list."
        return ""

    async def _load_rows(self, session: AsyncSession, user: User) -> None:
        # One row more than a page tells whether a next page exists without counting.
        found = await store.list_my_submissions(session, user, offset=self.offset, limit=PAGE_SIZE + 1)
        self.has_next = len(found) > PAGE_SIZE
        self.rows = [_submission_row(s, self._zone()) for s in found[:PAGE_SIZE]]

    async def _load_agents(self, session: AsyncSession, user: User) -> None:
        page = await library.list_library(
            session, user, query=self.agent_query, archived=False, sort="name", limit=AGENT_OPTIONS, own_only=True
        )
        self.agent_total = page.total
        self.agent_options = [AgentOption(id=a.id, name=a.name, description=a.description) for a in page.items]

    def _clear_form(self) -> None:
        self.agent_id = self.agent_name = self.agent_description = ""
        self.chosen_categories = []
        self.image_url = self.image_error = ""
        self.image_uploaded = False
        self.image_key += 1
        self.form_key += 1

    @rx.event
    async def load(self):
        """Fill the page for the verified user: the agent picker and the first page of submissions."""
        self.list_error = self.submit_error = self.submit_message = ""
        self.offset = 0
        self.agent_query = ""
        self._clear_form()

        async def load(session: AsyncSession, user: User) -> None:
            await self._load_agents(session, user)
            await self._load_rows(session, user)

        if await self._attempt(load, error_field="list_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def search_agents(self, query: str):
        """Narrow the agent picker to library agents matching ``query`` (server-side)."""
        self.agent_query = str(query or "")[: library.MAX_QUERY]
        if await self._attempt(self._load_agents, error_field="submit_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    def choose_agent(self, agent_id: str):
        """Pick the agent to publish; its name and description pre-fill the listing."""
        option = next((a for a in self.agent_options if a.id == agent_id), None)
        if option is None:
            return
        self.agent_id, self.agent_name, self.agent_description = option.id, option.name, option.description
        self.submit_error = self.submit_message = ""

    @rx.event
    def toggle_category(self, name: str):
        """Add or remove one of the offered categories."""
        if name in self.chosen_categories:
            self.chosen_categories = [c for c in self.chosen_categories if c != name]
        elif name in CATEGORY_CHOICES:
            self.chosen_categories = [*self.chosen_categories, name]

    @rx.event
    async def upload_image(self, files: list[rx.UploadFile]):
        """Check a dropped image by its bytes and keep it under a random name in the upload directory."""
        self.image_error = ""
        if await self._resolve_user() is None:
            return self._login_redirect()
        if len(files) != 1:
            self.image_error = "Choose one image."
            return None
        data = await files[0].read(validation.MAX_IMAGE_BYTES + 1)
        try:
            extension = validation.image_file(data)
        except ServiceError as exc:
            self.image_error = exc.message
            return None
        filename = f"listing-{secrets.token_hex(16)}{extension}"
        await asyncio.to_thread(_save_upload, filename, data)
        self.image_url = uploaded_image_url(filename)
        self.image_uploaded = True
        self.image_key += 1
        return None

    @rx.event
    def image_rejected(self, rejected: list[dict[str, Any]]):
        """The browser refused the dropped file before sending it (type or size)."""
        self.image_error = (
            f"Choose one PNG, JPEG or WebP image of at most {validation.MAX_IMAGE_BYTES // (1024 * 1024)} MB."
        )

    @rx.event
    def set_image_url(self, value: str):
        """Preview an image address typed by hand, or say at once why the store would refuse it."""
        self.image_error = ""
        typed = str(value or "").strip()
        if not typed and self.image_uploaded:
            return  # the field is empty beside an uploaded image: keep the upload
        try:
            self.image_url = validation.image_url(typed)
            self.image_uploaded = False
        except ServiceError as exc:
            self.image_url = ""
            self.image_uploaded = False
            self.image_error = exc.message

    @rx.event
    def clear_image(self):
        """Drop the chosen image."""
        self.image_url = self.image_error = ""
        self.image_uploaded = False
        self.image_key += 1

    @rx.event
    async def submit(self, form: dict):
        """Submit the chosen agent with the listing text; nothing is written when anything is refused."""
        self.submit_error = self.submit_message = ""
        if not self.agent_id:
            self.submit_error = "Choose one of your agents to publish."
            return None
        # An address typed in the field wins; an empty field beside an upload means the uploaded file.
        image = _text(form, "image_url").strip() or (self.image_url if self.image_uploaded else "")
        agent_id = self.agent_id

        async def submit(session: AsyncSession, user: User) -> SubmissionPublic:
            agent = await library.get_agent(session, user, agent_id)
            result = await store.submit(
                session,
                user,
                graph_id=agent.graph_id,
                graph_version=agent.graph_version,
                name=_text(form, "name"),
                subheading=_text(form, "subheading"),
                description=_text(form, "description"),
                categories=[c for c in CATEGORIES if c in self.chosen_categories],
                image_url=image,
                changelog=_text(form, "changelog"),
            )
            self.offset = 0
            await self._load_rows(session, user)
            return result

        result = await self._attempt(submit, error_field="submit_error")
        if result is FAILED:
            return self._after_failure()
        self._clear_form()
        self.submit_message = (
            f"“{result.name}” (version {result.version_number}) was sent for review. "
            "You will get a notification when an admin has looked at it."
        )
        return None

    async def _page(self, offset: int):
        self.offset = max(0, offset)
        if await self._attempt(self._load_rows, error_field="list_error") is FAILED:
            return self._after_failure()
        return None
