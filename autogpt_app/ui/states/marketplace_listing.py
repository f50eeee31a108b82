"""The state of an agent's marketplace page: what it does and needs, its versions and reviews, the user's actions.

The rows are display-ready (one small pydantic model each); the row builders are module functions
so that they can be tested without a browser. Shared marketplace helpers (cards, chips, URL
parsing) live in :mod:`autogpt_app.ui.states.marketplace`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import NotFound
from autogpt_app.library import service as library
from autogpt_app.store import pictures
from autogpt_app.store import service as store
from autogpt_app.store.models import ListingDetail
from autogpt_app.timeutil import local_date
from autogpt_app.ui import routes
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.marketplace import CategoryChip, SearchParams, path_arg, rating_label, runs_label

VERSIONS_SHOWN = 10
#: How an input's JSON-Schema type reads on an agent page.
TYPE_LABELS = {"string": "text", "number": "number", "integer": "whole number", "boolean": "yes / no"}
CREDENTIAL_KINDS = {
    "api_key": "API key",
    "user_password": "username & password",
    "host_scoped": "host headers",
    "oauth2": "OAuth sign-in",
}


# --- rows the page shows ----------------------------------------------------------------------


class InputRow(BaseModel):
    """One input an agent asks for."""

    name: str
    title: str
    type_label: str
    required: bool
    description: str
    default: str


class CredentialNeed(BaseModel):
    """One credential an agent needs to run."""

    provider: str
    kinds: str
    required: bool
    description: str
    used_by: str


class VersionRow(BaseModel):
    """A published version with its changelog."""

    label: str
    date: str
    changelog: str
    active: bool


class ReviewRow(BaseModel):
    """A review as the agent page lists it."""

    reviewer: str
    score: int
    comment: str
    date: str


def _type_label(field: dict[str, Any]) -> str:
    if field.get("enum"):
        return "one of: " + ", ".join(str(v) for v in field["enum"])
    kind = str(field.get("type") or "string")
    if field.get("format") == "date":
        return "date"
    if field.get("format") == "long-text":
        return "long text"
    if kind == "array":
        return "list"
    if kind == "object":
        return "object"
    return TYPE_LABELS.get(kind, kind)


def _default_label(field: dict[str, Any]) -> str:
    if "default" not in field or field.get("secret"):
        return ""
    value = field["default"]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


def input_rows(schema: Mapping[str, Any]) -> list[InputRow]:
    """The inputs of an agent's input schema, in the schema's order."""
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [
        InputRow(
            name=str(name),
            title=str(field.get("title") or name),
            type_label=_type_label(field),
            required=name in required,
            description=str(field.get("description") or ""),
            default=_default_label(field),
        )
        for name, field in properties.items()
        if isinstance(field, dict)
    ]


def credential_needs(schema: Mapping[str, Any]) -> list[CredentialNeed]:
    """The credentials an agent's credential schema asks for."""
    needs = []
    for need in (schema.get("properties") or {}).values():
        if not isinstance(need, dict):
            continue
        blocks = sorted({str(n.get("block", "")) for n in need.get("nodes") or [] if n.get("block")})
        needs.append(
            CredentialNeed(
                provider=str(need.get("provider") or ""),
                kinds=" or ".join(CREDENTIAL_KINDS.get(t, t) for t in need.get("types") or []),
                required=bool(need.get("required")),
                description=str(need.get("description") or ""),
                used_by=", ".join(blocks),
            )
        )
    return needs


# --- the state --------------------------------------------------------------------------------


class ListingState(AuthState):
    """An agent's page: what it does and needs, its reviews and versions, and the user's actions."""

    listing_loaded: bool = False
    #: The live version's steps and links (secrets stripped), drawn read-only.
    picture: dict[str, Any] = {}
    not_found: bool = False
    listing_error: str = ""
    listing_id: str = ""
    listing_slug: str = ""
    listing_name: str = ""
    subheading: str = ""
    description_md: str = ""
    image_url: str = ""
    is_featured: bool = False
    listing_categories: list[CategoryChip] = []
    creator_handle: str = ""
    creator_name: str = ""
    creator_href: str = ""
    rating: float = 0.0
    rating_text: str = ""
    rating_count: int = 0
    runs_text: str = ""
    updated_text: str = ""
    inputs: list[InputRow] = []
    credentials: list[CredentialNeed] = []
    versions: list[VersionRow] = []
    version_count: int = 0
    reviews: list[ReviewRow] = []
    library_agent_id: str = ""
    _library_graph_id: str = ""
    action_error: str = ""
    review_refusal: str = ""
    has_review: bool = False
    review_score: int = 0
    review_comment: str = ""
    review_form_key: str = ""
    review_error: str = ""
    review_message: str = ""

    def _show(self, detail: ListingDetail) -> None:
        self.listing_id, self.listing_slug, self.listing_name = detail.id, detail.slug, detail.name
        self.subheading, self.description_md = detail.subheading, detail.description
        self.image_url = pictures.listing_image(detail.image_url, detail.categories)
        self.is_featured = detail.featured
        self.listing_categories = [
            CategoryChip(name=c, count=0, href=SearchParams(category=c).url()) for c in detail.categories
        ]
        self.creator_handle, self.creator_name = detail.creator.username, detail.creator.name
        self.creator_href = routes.marketplace_creator(quote(detail.creator.username))
        self.rating, self.rating_count = detail.rating_average or 0.0, detail.rating_count
        self.rating_text = rating_label(detail.rating_average)
        self.runs_text, self.updated_text = runs_label(detail.run_count), local_date(detail.updated_at, self._zone())
        self.inputs = input_rows(detail.input_schema)
        self.credentials = credential_needs(detail.credentials_input_schema)
        active = detail.active_version.id if detail.active_version else ""
        self.version_count = len(detail.versions)
        self.versions = [
            VersionRow(
                label=f"v{v.version_number}",
                date=local_date(v.reviewed_at or v.submitted_at, self._zone()),
                changelog=v.changelog,
                active=v.id == active,
            )
            for v in detail.versions[:VERSIONS_SHOWN]
        ]
        self.reviews = [
            ReviewRow(
                reviewer=r.reviewer_name, score=r.score, comment=r.comment, date=local_date(r.updated_at, self._zone())
            )
            for r in detail.reviews
        ]

    async def _reviewer(self, session: AsyncSession, user: User) -> None:
        status = await store.reviewer_status(session, user, self.listing_id)
        self.review_refusal = status.refusal
        self.has_review = status.review is not None
        self.review_score = status.review.score if status.review else 0
        self.review_comment = status.review.comment if status.review else ""
        self.review_form_key = f"{self.listing_id}:{status.review.updated_at.isoformat() if status.review else ''}"

    async def _load(self, session: AsyncSession, user: User | None, slug: str) -> None:
        try:
            detail = await store.get_listing(session, slug)
        except NotFound:
            self.not_found = True
            return
        self._show(detail)
        self.picture = await store.listing_picture(session, detail.id)
        if user is None:  # a visitor: the page is read-only, its actions ask them to log in
            self.library_agent_id, self.review_refusal, self.has_review = "", "", False
            self.review_score, self.review_comment, self.review_form_key = 0, "", ""
            return
        mine = await library.find_by_listing(session, user, detail.id)
        self.library_agent_id = mine.id if mine else ""
        self._library_graph_id = mine.graph_id if mine else ""
        await self._reviewer(session, user)

    @rx.event
    async def load(self):
        """Fill the page for the listing in the URL; an unknown one shows "not found"."""
        slug = path_arg(self.router.url.path, "/marketplace/agent/")
        self.listing_loaded = self.not_found = False
        self.listing_error = self.action_error = self.review_error = self.review_message = ""
        self.listing_id = self.library_agent_id = self._library_graph_id = ""
        await self._browse(lambda s, u: self._load(s, u, slug), error_field="listing_error")
        self.listing_loaded = True

    async def _add(self) -> str | None:
        """The user's library entry for this listing, created when missing."""
        self.action_error = ""

        async def add(session: AsyncSession, user: User) -> tuple[str, str]:
            added = await library.add_from_listing(session, user, self.listing_id)
            return added.id, added.graph_id

        added = await self._attempt(add, error_field="action_error")
        if added is FAILED:
            return None
        self.library_agent_id, self._library_graph_id = added
        return self.library_agent_id

    @rx.event
    async def add_to_library(self):
        """Add the agent to the user's library (adding it twice keeps one entry)."""
        if await self._add() is None:
            return self._after_failure()
        return rx.toast.success(f"“{self.listing_name}” is in your library.")

    @rx.event
    async def run_agent(self):
        """Add the agent if needed, then open its run form in the library."""
        agent_id = self.library_agent_id or await self._add()
        if not agent_id:
            return self._after_failure()
        return rx.redirect(routes.library_agent(agent_id))

    @rx.event
    async def open_in_builder(self):
        """Add the agent if needed, then open the person's copy on the builder's canvas."""
        if not self.is_authenticated:
            return self._login_redirect()
        if not self._library_graph_id and not await self._add():
            return self._after_failure()
        return rx.redirect(routes.builder(self._library_graph_id))

    @rx.event
    def log_in_to_act(self):
        """A visitor's Add, Run or Review: log in (or sign up) and come back to this agent's page."""
        return self._login_redirect()

    @rx.event
    def set_review_score(self, score: int):
        """Pick 1–5 stars in the review form."""
        self.review_score = min(5, max(1, int(score)))
        self.review_message = ""

    @rx.event
    async def save_review(self, form: dict):
        """Save the user's rating and comment (a second save edits it)."""
        self.review_error = self.review_message = ""
        if not 1 <= self.review_score <= 5:
            self.review_error = "Choose from 1 to 5 stars."
            return None
        comment = str(form.get("comment") or "")

        async def save(session: AsyncSession, user: User) -> None:
            await store.add_review(session, user, self.listing_id, self.review_score, comment)

        edited = self.has_review
        if await self._attempt(save, error_field="review_error") is FAILED:
            return self._after_failure()
        # A fresh transaction: the new average and the review list as everyone now sees them.
        listing_id = self.listing_id
        if await self._browse(lambda s, u: self._load(s, u, listing_id), error_field="listing_error") is FAILED:
            return None
        self.review_message = "Your review was updated." if edited else "Thank you: your review is published."
        return None
