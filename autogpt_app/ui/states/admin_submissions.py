"""The admins' review queue: pending submissions, one page at a time, and the one being reviewed.

Every handler goes through :meth:`AuthState._attempt`, which re-verifies the session; the store
service decides who may review (anyone else gets a readable refusal and an empty queue).
"""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.store import service as store
from autogpt_app.store.models import SubmissionPublic
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.submissions import PAGE_SIZE, OffsetPaging, when_label


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


def _view(d: store.SubmissionDetail, zone: str = "UTC") -> SubmissionView:
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
        submitted=when_label(d.submitted_at, zone),
        blocks=[BlockUse(name=name, count=count) for name, count in d.blocks],
        inputs=[InputRow(name=n, title=t, type=kind, required=r) for n, t, kind, r in d.inputs],
        credentials=d.credential_providers,
    )


class ReviewState(OffsetPaging, AuthState):
    """``/admin/submissions``: one page of the pending queue and the submission being reviewed.

    Pages run oldest first: the next page holds submissions sent later.
    """

    rows: list[PendingRow] = []
    queue_error: str = ""
    dialog_open: bool = False
    detail: SubmissionView = SubmissionView()
    review_comment: str = ""
    review_error: str = ""

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
                submitted=when_label(s.submitted_at, self._zone()),
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
    async def open_submission(self, version_id: str):
        """Open one submission with what its agent is made of."""
        self.queue_error = self.review_error = self.review_comment = ""

        async def fetch(session: AsyncSession, admin: User) -> store.SubmissionDetail:
            return await store.get_submission(session, admin, version_id)

        found = await self._attempt(fetch, error_field="queue_error")
        if found is FAILED:
            return self._after_failure()
        self.detail = _view(found, self._zone())
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
