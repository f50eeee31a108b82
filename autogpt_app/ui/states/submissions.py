"""Publishing states: the submit form and my submissions, and the admins' review queue.

Both hold one page of rows at a time (the services page on the server). Every handler that reads
or changes data goes through :meth:`AuthState._attempt`, which re-verifies the session; the store
service decides who may do what (an agent not in your library is "not found", only reviewers see
the queue).
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
from autogpt_app.store.models import SubmissionPublic
from autogpt_app.ui.states.auth import FAILED, AuthState

PAGE_SIZE = 10
#: At most this many agents are offered in the picker at once; a search narrows them.
AGENT_OPTIONS = 50
IMAGE_UPLOAD_ID = "listing_image"
#: Categories offered as chips; any other name the store accepts can be typed in.
CATEGORY_CHOICES = (
    "productivity",
    "writing",
    "research",
    "data",
    "finance",
    "marketing",
    "developer tools",
    "education",
    "communication",
    "utilities",
)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _text(form: dict, name: str) -> str:
    return str(form.get(name) or "")


def uploaded_image_url(filename: str) -> str:
    """The site path under which Reflex serves a file saved in its upload directory."""
    return f"{get_config().prepend_backend_path(str(rx.constants.Endpoint.UPLOAD))}/{filename}"


def _save_upload(filename: str, data: bytes) -> None:
    """Write an image into Reflex's upload directory (blocking: run it in a thread)."""
    directory: Path = rx.get_upload_dir()
    (directory / filename).write_bytes(data)


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


def _submission_row(s: SubmissionPublic) -> SubmissionRow:
    return SubmissionRow(
        version_id=s.version_id,
        name=s.name,
        slug=s.slug,
        graph_name=s.graph_name,
        version=f"v{s.version_number}",
        status=s.status,
        submitted=_when(s.submitted_at),
        reviewed=_when(s.reviewed_at),
        comment=s.reviewer_comment,
        is_live=s.listing_is_active and s.status == "approved",
    )


class SubmissionsState(AuthState):
    """``/submissions``: the submit form (agent picker, listing text, categories, image) and my submissions."""

    rows: list[SubmissionRow] = []
    offset: int = 0
    has_next: bool = False
    list_error: str = ""

    agent_query: str = ""
    agent_options: list[AgentOption] = []
    agent_total: int = 0
    agent_id: str = ""
    agent_name: str = ""
    agent_description: str = ""

    chosen_categories: list[str] = []
    image_url: str = ""
    #: Bumped to re-mount the image address field with the uploaded image's address.
    image_key: int = 0
    image_error: str = ""
    #: Bumped after a successful submission to clear the form.
    form_key: int = 0
    submit_error: str = ""
    submit_message: str = ""

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a newer page of submissions."""
        return self.offset > 0

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
        self.rows = [_submission_row(s) for s in found[:PAGE_SIZE]]

    async def _load_agents(self, session: AsyncSession, user: User) -> None:
        page = await library.list_library(
            session, user, query=self.agent_query, archived=False, sort="name", limit=AGENT_OPTIONS
        )
        self.agent_total = page.total
        self.agent_options = [AgentOption(id=a.id, name=a.name, description=a.description) for a in page.items]

    def _clear_form(self) -> None:
        self.agent_id = self.agent_name = self.agent_description = ""
        self.chosen_categories = []
        self.image_url = self.image_error = ""
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
        try:
            self.image_url = validation.image_url(str(value or "").strip())
        except ServiceError as exc:
            self.image_url = ""
            self.image_error = exc.message

    @rx.event
    def clear_image(self):
        """Drop the chosen image."""
        self.image_url = self.image_error = ""
        self.image_key += 1

    @rx.event
    async def submit(self, form: dict):
        """Submit the chosen agent with the listing text; nothing is written when anything is refused."""
        self.submit_error = self.submit_message = ""
        if not self.agent_id:
            self.submit_error = "Choose one of your agents to publish."
            return None
        typed = [c for c in _text(form, "more_categories").split(",") if c.strip()]
        agent_id, image = self.agent_id, _text(form, "image_url").strip()

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
                categories=[*self.chosen_categories, *typed],
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

    @rx.event
    async def next_page(self):
        """Older submissions."""
        return await self._page(self.offset + PAGE_SIZE)

    @rx.event
    async def prev_page(self):
        """Newer submissions."""
        return await self._page(self.offset - PAGE_SIZE)


# --- the admins' review queue ---------------------------------------------------------------------


class PendingRow(BaseModel):
    """A pending submission as the queue lists it."""

    version_id: str
    name: str
    graph_name: str
    version: str
    submitter: str
    submitted: str


class BlockUse(BaseModel):
    """A block the submitted agent uses, and on how many nodes."""

    name: str
    count: int


class InputRow(BaseModel):
    """An input the submitted agent asks for."""

    name: str
    title: str
    type: str
    required: bool


class SubmissionView(BaseModel):
    """The submission a reviewer has opened."""

    version_id: str = ""
    name: str = ""
    subheading: str = ""
    description: str = ""
    categories: list[str] = []
    image_url: str = ""
    submitter: str = ""
    graph: str = ""
    graph_description: str = ""
    version: str = ""
    changelog: str = ""
    submitted: str = ""
    blocks: list[BlockUse] = []
    inputs: list[InputRow] = []
    credentials: list[str] = []


def _view(d: store.SubmissionDetail) -> SubmissionView:
    submitter = f"{d.submitter_name} (@{d.creator_username})"
    return SubmissionView(
        version_id=d.version_id,
        name=d.name,
        subheading=d.subheading,
        description=d.description,
        categories=d.categories,
        image_url=d.image_url,
        submitter=f"{submitter} · {d.submitter_email}" if d.submitter_email else submitter,
        graph=f"{d.graph_name} (agent version {d.graph_version})",
        graph_description=d.graph_description,
        version=f"listing version {d.version_number}",
        changelog=d.changelog,
        submitted=_when(d.submitted_at),
        blocks=[BlockUse(name=name, count=count) for name, count in d.blocks],
        inputs=[InputRow(name=n, title=t, type=kind, required=r) for n, t, kind, r in d.inputs],
        credentials=d.credential_providers,
    )


class ReviewState(AuthState):
    """``/admin/submissions``: one page of the pending queue and the submission being reviewed."""

    rows: list[PendingRow] = []
    offset: int = 0
    has_next: bool = False
    queue_error: str = ""
    dialog_open: bool = False
    detail: SubmissionView = SubmissionView()
    review_comment: str = ""
    review_error: str = ""

    @rx.var
    def has_prev(self) -> bool:
        """Whether an earlier page of the queue exists."""
        return self.offset > 0

    async def _load_rows(self, session: AsyncSession, admin: User) -> None:
        found = await store.list_pending(session, admin, offset=self.offset, limit=PAGE_SIZE + 1)
        if not found and self.offset > 0:  # the last row of the last page was just reviewed
            self.offset = max(0, self.offset - PAGE_SIZE)
            found = await store.list_pending(session, admin, offset=self.offset, limit=PAGE_SIZE + 1)
        self.has_next = len(found) > PAGE_SIZE
        self.rows = [
            PendingRow(
                version_id=s.version_id,
                name=s.name,
                graph_name=s.graph_name,
                version=f"v{s.version_number}",
                submitter=s.creator_username,
                submitted=_when(s.submitted_at),
            )
            for s in found[:PAGE_SIZE]
        ]

    async def _page(self, offset: int):
        self.offset = max(0, offset)
        self.queue_error = ""
        if await self._attempt(self._load_rows, error_field="queue_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def load(self):
        """The first page of the queue (the service refuses non-reviewers)."""
        self.dialog_open = False
        return await self._page(0)

    @rx.event
    async def next_page(self):
        """Submissions sent later."""
        return await self._page(self.offset + PAGE_SIZE)

    @rx.event
    async def prev_page(self):
        """Submissions sent earlier."""
        return await self._page(self.offset - PAGE_SIZE)

    @rx.event
    async def open_submission(self, version_id: str):
        """Open one submission with what its agent is made of."""
        self.queue_error = self.review_error = self.review_comment = ""

        async def fetch(session: AsyncSession, admin: User) -> store.SubmissionDetail:
            return await store.get_submission(session, admin, version_id)

        found = await self._attempt(fetch, error_field="queue_error")
        if found is FAILED:
            return self._after_failure()
        self.detail = _view(found)
        self.dialog_open = True
        return None

    @rx.event
    def set_dialog_open(self, value: bool):
        """Close (or keep open) the review dialog."""
        self.dialog_open = bool(value)

    @rx.event
    def set_review_comment(self, value: str):
        """The comment the submitter will read (required to reject)."""
        self.review_comment = str(value or "")

    @rx.event
    async def decide(self, approve: bool):
        """Approve or reject the open submission, tell the submitter, and refresh the queue."""
        self.review_error = ""
        version_id, comment, name = self.detail.version_id, self.review_comment, self.detail.name

        async def decide(session: AsyncSession, admin: User) -> SubmissionPublic:
            result = await store.review(session, admin, version_id, approve=bool(approve), comment=comment)
            await self._load_rows(session, admin)
            return result

        if await self._attempt(decide, error_field="review_error") is FAILED:
            return self._after_failure()
        self.dialog_open = False
        self.review_comment = ""
        if approve:
            return rx.toast.success(f"Approved “{name}”: it is now in the marketplace.")
        return rx.toast.info(f"Rejected “{name}”. The submitter can read your comment.")
